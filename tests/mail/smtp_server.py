"""A tiny SMTP server on 127.0.0.1 for the tests: EHLO, AUTH PLAIN, MAIL, RCPT, DATA.

Just enough of RFC 5321 for ``smtplib`` to deliver to it; it keeps what it received.
Addresses in ``refuse`` are answered 550 at RCPT, like a server that knows no such user.
"""

from __future__ import annotations

import base64
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    data: bytes
    login: tuple[str, str] | None


@dataclass
class Mailbox:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)


def _address(argument: str) -> str:
    return argument.split(":", 1)[1].strip().split(" ", 1)[0].strip("<>")


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, *lines: str) -> None:
        for line in lines[:-1]:
            self.wfile.write(f"{line[:3]}-{line[4:]}\r\n".encode())
        self.wfile.write(f"{lines[-1]}\r\n".encode())

    def handle(self) -> None:
        try:
            self._converse()
        except (ConnectionError, OSError):
            pass  # the client hung up: nothing to do

    def _converse(self) -> None:
        mailbox = self.server.mailbox
        login: tuple[str, str] | None = None
        mail_from, recipients = "", []
        self._reply("220 fake.test ESMTP ready")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250 fake.test", "250 AUTH PLAIN", "250 8BITMIME")
            elif verb == "HELO":
                self._reply("250 fake.test")
            elif verb == "AUTH":
                _, _, encoded = command.split(" ", 2)
                _, user, password = base64.b64decode(encoded).decode().split("\0")
                login = (user, password)
                self._reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                mail_from, recipients = _address(command), []
                self._reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                address = _address(command)
                if address in mailbox.refuse:
                    self._reply("550 5.1.1 No such user here")
                else:
                    recipients.append(address)
                    self._reply("250 2.1.5 Ok")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data_line := self.rfile.readline()) not in (b".\r\n", b""):
                    # Undo dot-stuffing (RFC 5321 4.5.2).
                    lines.append(data_line[1:] if data_line.startswith(b".") else data_line)
                mailbox.received.append(Received(mail_from, recipients, b"".join(lines), login))
                self._reply("250 2.0.0 Ok: queued")
            elif verb in ("RSET", "NOOP"):
                mail_from, recipients = "", []
                self._reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self._reply("221 2.0.0 Bye")
                return
            else:
                self._reply("502 5.5.2 Command not recognized")


class _Server(socketserver.ThreadingTCPServer):
    # server_close() waits for every conversation to end: no thread outlives its test.
    daemon_threads = False
    block_on_close = True

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.mailbox = mailbox


@contextmanager
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    """Serve SMTP on a free port of 127.0.0.1; yields the port and the mailbox."""
    mailbox = Mailbox()
    server = _Server(mailbox)
    thread = threading.Thread(target=server.serve_forever, name="fake-smtp", daemon=True)
    thread.start()
    try:
        yield server.server_address[1], mailbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
