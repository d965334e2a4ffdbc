"""The one helper for outgoing requests (webhooks, claim proofs): public addresses only,
resolved first and connected to as checked, 5 s, no redirects (security.md)."""

from __future__ import annotations

import ipaddress

import pytest

from app import outgoing
from tests.servers import dns_responder, http_receiver

STRICT = {"WEBHOOKS_ALLOW_PRIVATE": False}
TESTING = {"WEBHOOKS_ALLOW_PRIVATE": True}


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/",
        "https://192.168.1.1/",
        "https://172.16.0.1/",
        "https://100.64.0.1/",
        "https://0.0.0.0/",
        "https://[::1]/",
        "https://[fe80::1]/",
        "https://[fd00:ec2::254]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://224.0.0.1/",
    ],
)
def test_a_request_to_a_non_public_address_is_refused_unless_allowed(url):
    with pytest.raises(outgoing.OutgoingRefused, match="not a public address"):
        outgoing.fetch("POST", url, STRICT, content=b"{}")


def test_loopback_and_metadata_refused_even_over_http_when_allowed_is_off():
    for url in ("http://127.0.0.1:9/", "http://169.254.169.254/"):
        with pytest.raises(outgoing.OutgoingRefused, match="https://"):
            outgoing.fetch("GET", url, STRICT)


def test_a_name_that_resolves_to_a_private_address_is_refused():
    """Resolved first: a public-looking name pointing at the metadata address or loopback
    is refused, and no request is made."""
    with (
        http_receiver() as receiver,
        dns_responder(
            a={"hooks.evil.test": "169.254.169.254", "loop.evil.test": "127.0.0.1"}
        ) as port,
    ):
        config = {"DNS_NAMESERVER": "127.0.0.1", "DNS_PORT": port}
        for host in ("hooks.evil.test", "loop.evil.test"):
            with pytest.raises(outgoing.OutgoingRefused, match="not a public address"):
                outgoing.fetch("GET", f"https://{host}:{receiver.port}/", config)
        assert receiver.requests == []


def test_the_connection_goes_to_the_address_checked_with_the_host_header_of_the_url():
    with (
        http_receiver() as receiver,
        dns_responder(a={"hooks.acme.test": "127.0.0.1"}) as port,
    ):
        config = {**TESTING, "DNS_NAMESERVER": "127.0.0.1", "DNS_PORT": port}
        answer = outgoing.fetch("POST", receiver.url(host="hooks.acme.test"), config, content=b"x")
    assert answer.status_code == 200
    assert receiver.requests[0].headers["host"] == f"hooks.acme.test:{receiver.port}"
    assert receiver.requests[0].body == b"x"


def test_redirects_are_not_followed():
    with http_receiver(status=302, headers={"Location": "http://169.254.169.254/"}) as receiver:
        answer = outgoing.fetch("GET", receiver.url(), TESTING)
    assert answer.status_code == 302
    assert len(receiver.requests) == 1


def test_the_answer_is_read_up_to_a_bound():
    with http_receiver(body=b"a" * (outgoing.BODY_MAX * 2)) as receiver:
        answer = outgoing.fetch("GET", receiver.url(), TESTING)
    assert len(answer.body) == outgoing.BODY_MAX


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/", "https://"),
        ("https://user:pw@example.com/", "user name"),
        ("https:///nohost", "host"),
        ("", "Enter"),
        ("https://example.com/" + "a" * 2000, "at most"),
    ],
)
def test_unusable_urls_are_refused_with_a_reason(url, why):
    with pytest.raises(outgoing.OutgoingRefused, match=why):
        outgoing.check_url(url, STRICT)


def test_public_addresses_are_public():
    assert outgoing.is_public(ipaddress.ip_address("93.184.215.14"))
    assert outgoing.is_public(ipaddress.ip_address("2606:2800:21f:cb07:6820:80da:af6b:8b2c"))
    assert not outgoing.is_public(ipaddress.ip_address("::ffff:10.0.0.1"))


def test_an_answer_that_takes_too_long_is_cut_off(monkeypatch):
    """5 s for each step, and for the whole answer: a server that drips its answer a byte
    at a time does not hold the sender (shortened here to half a second)."""
    import socket
    import threading
    import time

    import httpx

    monkeypatch.setattr(outgoing, "TIMEOUT", 0.5)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
            for _ in range(100):
                try:
                    connection.sendall(b"a")
                except OSError:
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        outgoing.fetch("GET", f"http://127.0.0.1:{port}/", TESTING)
    assert time.monotonic() - started < 2
    listener.close()
