"""A tiny SMTP server for tests: it speaks enough SMTP for smtplib (EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT) on 127.0.0.1 and keeps every message it accepts, parsed.

No STARTTLS and no AUTH are offered, so smtplib talks plain SMTP to it. `refuse_rcpt`
makes it refuse every recipient (550), as a server that does not know the address.
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_to: list[str]
    message: EmailMessage


class SmtpSink:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse_rcpt = False
        self._lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode("ascii") + b"\r\n")

            def handle(self) -> None:
                self.reply("220 sink.test ESMTP ready")
                sender, rcpts = "", []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode("ascii", "replace").rstrip("\r\n")
                    verb = line[:4].upper()
                    if verb == "EHLO":
                        self.reply("250-sink.test")
                        self.reply("250-8BITMIME")
                        self.reply("250 SIZE 10485760")
                    elif verb == "HELO":
                        self.reply("250 sink.test")
                    elif verb == "MAIL":
                        sender, rcpts = _address(line), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        if sink.refuse_rcpt:
                            self.reply("550 5.1.1 no such mailbox here")
                        else:
                            rcpts.append(_address(line))
                            self.reply("250 OK")
                    elif verb == "DATA":
                        if not rcpts:
                            self.reply("503 need RCPT first")
                            continue
                        self.reply("354 end with <CRLF>.<CRLF>")
                        data = self._data()
                        message: Any = message_from_bytes(data, policy=policy.default)
                        with sink._lock:
                            sink.received.append(Received(sender, rcpts, message))
                        self.reply("250 OK queued")
                        sender, rcpts = "", []
                    elif verb == "RSET":
                        sender, rcpts = "", []
                        self.reply("250 OK")
                    elif verb == "NOOP":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 command not implemented")

            def _data(self) -> bytes:
                lines: list[bytes] = []
                while True:
                    raw = self.rfile.readline()
                    if not raw or raw in (b".\r\n", b".\n"):
                        return b"".join(lines)
                    lines.append(raw[1:] if raw.startswith(b"..") else raw)  # dot-stuffing

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _address(line: str) -> str:
    """The address in `MAIL FROM:<a@b> SIZE=..` or `RCPT TO:<a@b>`."""
    start, end = line.find("<"), line.find(">")
    return line[start + 1 : end] if 0 <= start < end else line.split(":", 1)[-1].strip()
