"""Which web domains can be a company's own: not a free e-mail service, not a public suffix.

A company's domain is what its staff prove they work at (a claim's or an invitation's work
e-mail must be at it). A domain anyone can get an address at (gmail.com) or a subdomain
under (co.uk, github.io, herokuapp.com) proves nothing, so it is no company's domain.

Public suffixes come from the Public Suffix List, both its ICANN section (co.uk) and its
private one (github.io), as bundled with ``tldextract``: strictly offline, no download and
no cache written, so the answer is the same on every machine and in every test. A newer
list arrives with a newer tldextract release.
"""

from __future__ import annotations

from functools import cache

import tldextract

from app.i18n import _

# The largest free e-mail services (and their best-known national domains). Not every one
# there is: a site admin still reviews every claim; these are the ones a claim would try.
FREE_MAIL_DOMAINS = frozenset(
    {
        "163.com", "126.com", "aim.com", "aol.com", "bk.ru", "daum.net", "fastmail.com",
        "gmail.com", "gmx.com", "gmx.de", "gmx.net", "googlemail.com", "hanmail.net",
        "hey.com", "hotmail.co.uk", "hotmail.com", "hotmail.de", "hotmail.fr", "hushmail.com",
        "icloud.com", "inbox.ru", "list.ru", "live.co.uk", "live.com", "mac.com", "mail.com",
        "mail.ru", "mailbox.org", "me.com", "msn.com", "naver.com", "outlook.com", "pm.me",
        "posteo.de", "proton.me", "protonmail.ch", "protonmail.com", "qq.com",
        "rocketmail.com", "sina.com", "tuta.com", "tuta.io", "tutanota.com", "tutanota.de",
        "web.de", "ya.ru", "yahoo.co.uk", "yahoo.com", "yahoo.de", "yahoo.fr", "yandex.com",
        "yandex.ru", "ymail.com", "zohomail.com",
    }
)  # fmt: skip


@cache
def _public_suffixes() -> tldextract.TLDExtract:
    # suffix_list_urls=(): never fetch the list; cache_dir=None: never write a cache file;
    # so the snapshot inside the tldextract package is what answers.
    return tldextract.TLDExtract(
        suffix_list_urls=(),
        cache_dir=None,
        fallback_to_snapshot=True,
        include_psl_private_domains=True,
    )


def shared_domain_problem(domain: str) -> str | None:
    """Why ``domain`` (normalised: lowercase, punycode, no trailing dot) cannot be a
    company's own, or None.

    Refused: a public suffix, ICANN's (``co.uk``) or a private one (``github.io``), and a
    free e-mail service or any subdomain of one (``gmail.com``, ``mail.yahoo.com``). A site
    under a private suffix (``acme.github.io``) is somebody's own and passes.
    """
    parts = _public_suffixes()(domain)
    if parts.suffix and not parts.domain:
        return _(
            "%(domain)s is a public suffix: anyone can have a site under it. "
            "Enter the company's own domain, like acme.%(domain)s.",
            domain=domain,
        )
    provider = parts.top_domain_under_registry_suffix
    if provider in FREE_MAIL_DOMAINS:
        return _(
            "%(provider)s is a free e-mail service anyone can sign up to, so it is no "
            "company's domain. Enter the company's own domain, like acme.com.",
            provider=provider,
        )
    return None
