"""Requests Helpsquare makes to addresses someone typed: webhook endpoints and claim proofs.

security.md promises that these go only to public addresses, with a timeout and no
redirects. Every such request goes through ``fetch``:

1. the URL must be ``https://`` (``http://`` too with ``WEBHOOKS_ALLOW_PRIVATE``), with a
   host and no user name or password in it;
2. the host is resolved first, with dnspython (through ``DNS_NAMESERVER`` when set, else
   the system's servers) so the lookup too is bounded by the timeout, and
   the request is refused when *any* address it resolves to is not public: loopback,
   private, link-local (169.254.169.254, the cloud metadata address, among them), shared,
   reserved, multicast, unspecified, and the IPv6 equivalents, IPv4-mapped ones included;
3. the connection goes to the address checked, not to a second lookup (a name that
   answers differently the second time cannot slip through), with the ``Host`` header and
   the TLS server name (SNI, and the certificate check) still the host of the URL;
4. 5 seconds for each of connecting, writing and reading, and for reading the whole
   answer; a redirect is an answer like any
   other and is not followed; at most ``BODY_MAX`` bytes of the answer are read; proxies
   from the environment are ignored.

``WEBHOOKS_ALLOW_PRIVATE=true`` (tests) lets requests reach loopback and private addresses.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dns.exception
import dns.resolver
import httpx
from flask_babel import format_number

from app.i18n import _, _l

TIMEOUT = 5.0
BODY_MAX = 64 * 1024
URL_MAX = 2000

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Why a request was not made, one sentence each. Lazy templates: a form shows them in the
# reader's language; a webhook sender stores them in English, and the delivery log finds
# the template again to show the sentence in its reader's language (``REFUSALS``).
LOOKUP_FAILED_BECAUSE = _l("%(host)s could not be looked up (%(error)s).")
LOOKUP_FAILED = _l("%(host)s could not be looked up.")
ENTER_ADDRESS = _l("Enter the address, starting with https://.")
TOO_LONG = _l("Use at most %(max)s characters (this has %(length)s).")
NOT_A_WEB_ADDRESS = _l("That is not a web address.")
HTTPS_ONLY = _l("The address must start with https://.")
NO_HOST = _l("The address has no host name.")
NO_USER = _l("The address must not carry a user name or password.")
NO_FRAGMENT = _l("The address must not have a #fragment.")
NO_ADDRESS = _l("%(host)s does not resolve to any address.")
NOT_PUBLIC = _l(
    "%(host)s resolves to %(address)s, which is not a public address: "
    "Helpsquare only sends to addresses on the public internet."
)
REFUSALS = (
    LOOKUP_FAILED_BECAUSE,
    LOOKUP_FAILED,
    ENTER_ADDRESS,
    TOO_LONG,
    NOT_A_WEB_ADDRESS,
    HTTPS_ONLY,
    NO_HOST,
    NO_USER,
    NO_FRAGMENT,
    NO_ADDRESS,
    NOT_PUBLIC,
)


class OutgoingRefused(Exception):
    """The request was not made: the URL is unusable or its host is not a public address.
    The message says why, in a sentence a company admin can act on."""


def refused(template: Any, **values: Any) -> OutgoingRefused:
    """The refusal saying ``template`` (one of ``REFUSALS``) with its values, in the
    language of the moment."""
    return OutgoingRefused(str(template) % values if values else str(template))


@dataclass(frozen=True)
class Answer:
    """What the other side answered (its body cut at ``BODY_MAX`` bytes)."""

    status_code: int
    body: bytes


def dns_resolver(config: Mapping[str, Any]) -> dns.resolver.Resolver:
    """The resolver for outgoing requests and DNS proofs: ``DNS_NAMESERVER`` (an IP address)
    on ``DNS_PORT`` when set (tests run their own), else the system's."""
    server = (config.get("DNS_NAMESERVER") or "").strip()
    if server:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [server]
        resolver.port = int(config.get("DNS_PORT") or 53)
    else:
        resolver = dns.resolver.Resolver()
    resolver.lifetime = TIMEOUT
    resolver.timeout = TIMEOUT
    return resolver


def is_public(address: IPAddress) -> bool:
    """Whether the address is on the public internet: not loopback, private, link-local
    (169.254.169.254), shared (100.64/10), reserved, multicast or unspecified; an
    IPv4-mapped IPv6 address (``::ffff:127.0.0.1``) is judged as its IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(host: str, config: Mapping[str, Any]) -> list[IPAddress]:
    """Every address ``host`` resolves to (the address itself for an IP literal)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    found: list[IPAddress] = []
    try:
        resolver = dns_resolver(config)
    except dns.resolver.NoResolverConfiguration:
        resolver = None  # no /etc/resolv.conf: the system's lookup (without our timeout)
    if resolver is not None:
        for record_type in ("A", "AAAA"):
            try:
                answer = resolver.resolve(host, record_type)
            except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
                continue
            except dns.exception.DNSException as error:
                raise refused(LOOKUP_FAILED_BECAUSE, host=host, error=error) from error
            found.extend(ipaddress.ip_address(record.address) for record in answer)
        return found
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise refused(LOOKUP_FAILED, host=host) from error
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def allow_private(config: Mapping[str, Any]) -> bool:
    return bool(config.get("WEBHOOKS_ALLOW_PRIVATE"))


def check_url(url: Any, config: Mapping[str, Any]) -> httpx.URL:
    """The URL parsed, or ``OutgoingRefused`` saying what is wrong with its form."""
    if not isinstance(url, str) or not url.strip():
        raise refused(ENTER_ADDRESS)
    url = url.strip()
    if len(url) > URL_MAX:
        raise refused(TOO_LONG, max=format_number(URL_MAX), length=format_number(len(url)))
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as error:
        raise refused(NOT_A_WEB_ADDRESS) from error
    schemes = ("https", "http") if allow_private(config) else ("https",)
    if parsed.scheme not in schemes:
        raise refused(HTTPS_ONLY)
    if not parsed.host:
        raise refused(NO_HOST)
    if parsed.userinfo:
        raise refused(NO_USER)
    if parsed.fragment:
        raise refused(NO_FRAGMENT)
    return parsed


def checked_address(url: httpx.URL, config: Mapping[str, Any]) -> IPAddress:
    """The address to connect to for ``url``: its host resolved, every address public
    (unless ``WEBHOOKS_ALLOW_PRIVATE``); else ``OutgoingRefused``."""
    addresses = resolve(url.host, config)
    if not addresses:
        raise refused(NO_ADDRESS, host=url.host)
    if not allow_private(config):
        for address in addresses:
            if not is_public(address):
                raise refused(NOT_PUBLIC, host=url.host, address=address)
    return addresses[0]


def check_destination(url: Any, config: Mapping[str, Any]) -> str:
    """The URL (stripped) if a request to it would be made now; else ``OutgoingRefused``."""
    parsed = check_url(url, config)
    checked_address(parsed, config)
    return str(url).strip()


def fetch(
    method: str,
    url: Any,
    config: Mapping[str, Any],
    *,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """Make the request under the rules above. ``OutgoingRefused`` when it was not made;
    ``httpx.HTTPError`` when it failed on the way (timeout, refused connection, TLS)."""
    parsed = check_url(url, config)
    address = checked_address(parsed, config)
    host = parsed.host
    pinned = parsed.copy_with(host=str(address))
    sent_headers = dict(headers or {})
    # The host as the URL has it (with its port, when one is written): what the server
    # and its certificate expect, whatever address we connect to.
    sent_headers["Host"] = parsed.netloc.decode("ascii")
    extensions: dict[str, Any] = {}
    if parsed.scheme == "https":
        extensions["sni_hostname"] = host
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
        request = client.build_request(
            method, pinned, content=content, headers=sent_headers, extensions=extensions
        )
        started = time.monotonic()
        response = client.send(request, stream=True)
        try:
            body = bytearray()
            for chunk in response.iter_raw():
                body.extend(chunk)
                if len(body) >= BODY_MAX:
                    break
                # A server that drips its answer a byte at a time is cut off as well.
                if time.monotonic() - started > TIMEOUT:
                    raise httpx.ReadTimeout(_("the answer took too long"), request=request)
        finally:
            response.close()
    return Answer(status_code=response.status_code, body=bytes(body[:BODY_MAX]))
