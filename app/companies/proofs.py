"""Provable claim (issue 15, item 5): instead of waiting for a site admin, a claimant proves
control of the company's domain, and the proof approves the claim.

1. The claimant asks for a token (one per claimant per company, kept until used).
2. They publish it as a DNS TXT record ``helpsquare-verify=<token>`` on the company's domain,
   or as the file ``https://<domain>/.well-known/helpsquare-verify.txt`` (``CLAIM_PROOF_URL``)
   holding the token (or the same ``helpsquare-verify=<token>`` line).
3. "Check now" looks for it (the TXT records through ``DNS_NAMESERVER`` when set, the file
   through ``app.outgoing``: public addresses only, 5 s, no redirects), at most once every
   ``CHECK_EVERY``. Found: the company is claimed and the claimant is its admin, in one
   transaction, with "approved by DNS proof" (or the file's address) in the audit log.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dns.exception
import dns.resolver
import httpx
import sqlalchemy as sa
from flask import current_app

from app import outgoing
from app.companies.claims import approve_by_proof
from app.companies.models import Claim, Company, DomainProof
from app.db import utcnow
from app.errors import Conflict, DomainError, RateLimited
from app.extensions import db
from app.i18n import _, ngettext
from app.policy import Permission, is_company_staff, require

PREFIX = "helpsquare-verify="
# "Check now" at most this often per claimant and company: each check is a DNS query and
# an outgoing request to the company's site.
CHECK_EVERY = timedelta(seconds=30)
# Bytes of the proof file read at most.
FILE_MAX = 1024


class ProofNotFound(DomainError):
    """Neither the TXT record nor the file holds the token (yet). Nothing changed."""

    status = 422
    code = "proof_not_found"


@dataclass(frozen=True)
class Proven:
    claim: Claim
    how: str  # "DNS", or the file's address


def proof_url(company: Company) -> str:
    return current_app.config["CLAIM_PROOF_URL"].format(domain=company.domain)


def record_for(proof: DomainProof) -> str:
    """What the claimant publishes."""
    return PREFIX + proof.token


def get_proof(user: Any, company: Company) -> DomainProof | None:
    """The user's token for the company, if they asked for one: one SELECT (none when
    signed out)."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(DomainProof).where(
            DomainProof.company_id == company.id, DomainProof.user_id == user.id
        )
    )


def _check_claimable(user: Any, company: Company) -> None:
    require(user, Permission.CLAIM_CREATE, company)
    if is_company_staff(user, company):
        raise Conflict(_("You are already on %(company)s's staff.", company=company.name))
    if company.is_claimed:
        raise Conflict(
            _(
                "%(company)s is already claimed. Its admins can invite you to join its staff.",
                company=company.name,
            )
        )


def start_proof(user: Any, company: Company) -> DomainProof:
    """A signed-in user who may claim the company gets a token to publish (the same one
    when asked again). Refused as a claim is: a claimed company, its own staff."""
    _check_claimable(user, company)
    proof = get_proof(user, company)
    if proof is not None:
        return proof
    proof = DomainProof(
        company_id=company.id,
        user_id=user.id,
        token=secrets.token_urlsafe(24),
        created_at=utcnow(),
        proven_by="",
    )
    db.session.add(proof)
    db.session.commit()
    return proof


def check_proof(user: Any, company: Company) -> Proven:
    """Look for the user's token on the company's domain; approve the claim when found.

    At most once every ``CHECK_EVERY`` (``RateLimited`` otherwise); ``ProofNotFound``,
    saying where it looked and what it found, when neither the TXT record nor the file
    holds it.
    """
    _check_claimable(user, company)
    proof = get_proof(user, company)
    if proof is None:
        raise Conflict(_("Ask for a token first, then publish it and check."))
    now = utcnow()
    if proof.last_checked_at is not None and now - proof.last_checked_at < CHECK_EVERY:
        wait = math.ceil((proof.last_checked_at + CHECK_EVERY - now).total_seconds())
        raise RateLimited(
            ngettext(
                "We checked a moment ago. Give your DNS or web server a little time, then "
                "check again in %(num)s second.",
                "We checked a moment ago. Give your DNS or web server a little time, then "
                "check again in %(num)s seconds.",
                wait,
            ),
            retry_after=wait,
        )
    proof.last_checked_at = now
    token, domain = proof.token, company.domain
    db.session.commit()  # the limit holds whatever the lookups below do

    dns_found, dns_said = _in_dns(domain, token)
    how = "DNS" if dns_found else ""
    file_said = ""
    if not how:
        file_found, file_said = _in_file(company, token)
        how = proof_url(company) if file_found else ""
    if not how:
        raise ProofNotFound(
            _(
                "We did not find %(record)s yet. DNS: %(dns)s Web: %(web)s DNS changes can "
                "take a while to show; check again in a few minutes.",
                record=PREFIX + token,
                dns=dns_said,
                web=file_said,
            )
        )
    claim = approve_by_proof(user, company, how=how)
    db.session.execute(
        sa.update(DomainProof)
        .where(DomainProof.id == proof.id)
        .values(proven_at=utcnow(), proven_by=how[:300])
    )
    db.session.commit()
    return Proven(claim=claim, how=how)


def _in_dns(domain: str, token: str) -> tuple[bool, str]:
    """Whether a TXT record of ``domain`` is ``helpsquare-verify=<token>``, and what we saw."""
    try:
        answer = outgoing.dns_resolver(current_app.config).resolve(domain, "TXT")
    except dns.resolver.NXDOMAIN:
        return False, _("%(domain)s does not exist in DNS.", domain=domain)
    except dns.resolver.NoAnswer:
        return False, _("%(domain)s has no TXT records.", domain=domain)
    except dns.exception.DNSException as error:
        why = type(error).__name__
        return False, _("the lookup of %(domain)s failed (%(why)s).", domain=domain, why=why)
    wanted = PREFIX + token
    values = [b"".join(record.strings).decode("utf-8", "replace").strip() for record in answer]
    if wanted in values:
        return True, ""
    ours = [value for value in values if value.startswith(PREFIX)]
    if ours:
        return False, _("the TXT record of %(domain)s holds another token.", domain=domain)
    return False, _(
        "no TXT record of %(domain)s starts with %(prefix)s.", domain=domain, prefix=PREFIX
    )


def _in_file(company: Company, token: str) -> tuple[bool, str]:
    """Whether the proof file holds the token (alone, or as ``helpsquare-verify=<token>``)."""
    url = proof_url(company)
    try:
        answer = outgoing.fetch("GET", url, current_app.config)
    except outgoing.OutgoingRefused as error:
        return False, _("%(url)s was not fetched: %(why)s", url=url, why=error)
    except httpx.HTTPError as error:
        why = type(error).__name__
        return False, _("%(url)s could not be fetched (%(why)s).", url=url, why=why)
    if answer.status_code != 200:
        return False, _("%(url)s answered %(status)s.", url=url, status=answer.status_code)
    lines = answer.body[:FILE_MAX].decode("utf-8", "replace").splitlines()
    if any(line.strip() in (token, PREFIX + token) for line in lines):
        return True, ""
    return False, _("%(url)s does not hold the token.", url=url)
