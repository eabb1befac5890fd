"""A local SMTP sink for the benchmarks: accepts every message on 127.0.0.1, keeps a count (and,
when asked, the messages), delivers nothing. Threads, one per connection; enough SMTP for
Django's and smtplib's clients (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)."""

from __future__ import annotations

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        self._reply("220 bench sink ESMTP")
        sender, recipients = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line[:4].upper()
            if command == b"EHLO":
                self._reply("250-bench sink")
                self._reply("250 8BITMIME")
            elif command == b"HELO":
                self._reply("250 bench sink")
            elif command == b"MAIL":
                sender, recipients = line[10:].strip().decode("utf-8", "replace"), []
                self._reply("250 OK")
            elif command == b"RCPT":
                recipient = line[8:].strip().decode("utf-8", "replace")
                if recipient.strip("<>") in sink.refuse:
                    self._reply("550 No such user here")
                    continue
                recipients.append(recipient)
                self._reply("250 OK")
            elif command == b"DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    data = self.rfile.readline()
                    if not data:
                        return  # the client went away mid-message: a server delivers nothing
                    if data == b".\r\n":
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)  # undo dot-stuffing
                sink.received(sender, recipients, b"".join(chunks))
                self._reply("250 OK: queued")
            elif command == b"QUIT":
                self._reply("221 Bye")
                return
            elif command == b"RSET":
                sender, recipients = "", []
                sink.resets += 1
                self._reply("250 OK")
            else:  # NOOP and anything else
                self._reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """`with SmtpSink() as sink:` — `sink.port`, `sink.count`, `sink.messages` (when `keep`),
    `sink.resets` (RSETs); RCPT TO an address in `refuse` is answered 550."""

    def __init__(self, *, keep: bool = False, refuse: frozenset[str] = frozenset()):
        self.keep = keep
        self.refuse = refuse
        self.resets = 0
        self.count = 0
        self.messages: list[tuple[str, list[str], bytes]] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def received(self, sender: str, recipients: list[str], data: bytes) -> None:
        with self._lock:
            self.count += 1
            if self.keep:
                self.messages.append((sender, recipients, data))

    def start(self) -> SmtpSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
