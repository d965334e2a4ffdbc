"""Local servers for the tests of outgoing requests: an HTTP receiver and a DNS responder.

Both listen on 127.0.0.1 on a free port and run in a thread for one test.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from dnslib import QTYPE, RR, TXT, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the HTTP server got, and what it answers (``status``, ``body``, ``headers``)."""

    port: int = 0
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[Received] = field(default_factory=list)

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@contextmanager
def http_receiver(**answer) -> Iterator[Receiver]:  # noqa: ANN003 - Receiver's fields
    receiver = Receiver(**answer)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            receiver.requests.append(
                Received(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
            self.send_response(receiver.status)
            for name, value in receiver.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(receiver.body)))
            self.end_headers()
            self.wfile.write(receiver.body)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's names

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class _Zone(BaseResolver):
    def __init__(self, a: dict[str, str], txt: dict[str, list[str]]) -> None:
        self.a = {name.rstrip(".").lower(): ip for name, ip in a.items()}
        self.txt = {name.rstrip(".").lower(): values for name, values in txt.items()}

    def resolve(self, request, handler):  # noqa: ANN001, ANN201 - dnslib's interface
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        if qtype == "A" and name in self.a:
            reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A(self.a[name]), ttl=60))
        if qtype == "TXT":
            for value in self.txt.get(name, []):
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=60))
        return reply


@contextmanager
def dns_responder(
    a: dict[str, str] | None = None, txt: dict[str, list[str]] | None = None
) -> Iterator[int]:
    """A DNS server answering A and TXT records from the given tables; yields its port."""
    server = DNSServer(
        _Zone(a or {}, txt or {}),
        address="127.0.0.1",
        port=0,
        logger=DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data"),
    )
    server.start_thread()
    try:
        yield server.server.server_address[1]
    finally:
        server.stop()
        server.server.server_close()
