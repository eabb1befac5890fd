"""A local SMTP sink for the benchmarks: accepts every message on 127.0.0.1, keeps a count (and,
when asked, the messages), delivers nothing. Threads, one per connection; enough SMTP for
Django's and smtplib's clients (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), with PIPELINING
(RFC 2920) offered, as Postfix and the big providers offer it, unless asked not to."""

from __future__ import annotations

import pickle
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
from pathlib import Path


class _Handler(socketserver.BaseRequestHandler):
    """One connection. Replies are written when the sink is about to wait for the client: one
    write for all the replies to a group of pipelined commands, as Postfix writes them, and one
    per command for a client that waits for each reply."""

    def setup(self) -> None:
        # Replies go out as soon as they are written: held back by Nagle's algorithm, each write
        # would wait for the client's delayed ACK (40 ms).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._input = b""
        self._read_to = 0  # how much of _input was read
        self._replies: list[bytes] = []

    def _reply(self, line: str) -> None:
        self._replies.append(line.encode("ascii") + b"\r\n")

    def _flush(self) -> None:
        if self._replies:
            self.request.sendall(b"".join(self._replies))
            self._replies = []

    def _readline(self) -> bytes:
        """The next line from the client (b"" once it has gone); the replies so far go first when
        the line has yet to arrive."""
        while True:
            end = self._input.find(b"\n", self._read_to)
            if end >= 0:
                line = self._input[self._read_to : end + 1]
                self._read_to = end + 1
                return line
            self._flush()
            try:
                data = self.request.recv(65536)
            except OSError:
                data = b""
            if not data:
                return b""
            self._input = self._input[self._read_to :] + data
            self._read_to = 0

    def finish(self) -> None:
        try:
            self._flush()  # what was answered before the connection ends
        except OSError:
            pass

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        sink.connections += 1
        self._reply("220 bench sink ESMTP")
        sender, recipients = "", []
        while True:
            line = self._readline()
            if not line:
                return
            command = line[:4].upper()
            if sink.keep:
                sink.lines.append(line.rstrip(b"\r\n").decode("utf-8", "replace"))
            if command == b"EHLO":
                self._reply("250-bench sink")
                if sink.pipelining:
                    self._reply("250-PIPELINING")
                self._reply("250 8BITMIME")
            elif command == b"HELO":
                self._reply("250 bench sink")
            elif command == b"MAIL":
                sender, recipients = line[10:].strip().split(b" ")[0].decode("utf-8", "replace"), []
                self._reply("250 OK")
            elif command == b"RCPT":
                recipient = line[8:].strip().decode("utf-8", "replace")
                if recipient.strip("<>") in sink.drop:
                    return  # a server that fails mid-transaction: the connection closes, no reply
                if recipient.strip("<>") in sink.refuse:
                    self._reply("550 No such user here")
                    continue
                recipients.append(recipient)
                self._reply("250 OK")
            elif command == b"DATA":
                if not recipients:
                    self._reply("554 No valid recipients")
                    continue
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    data = self._readline()
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
    """`with SmtpSink() as sink:` — `sink.port`, `sink.count`, `sink.connections`, `sink.resets`
    (RSETs); when `keep`, `sink.messages`, `sink.commands` (each command's verb, in order) and
    `sink.lines` (each command whole).
    RCPT TO an address in `refuse` is answered 550; one in `drop` closes the connection."""

    def __init__(self, *, keep: bool = False, refuse: frozenset[str] = frozenset(), drop: frozenset[str] = frozenset(),
                 pipelining: bool = True):
        self.keep = keep
        self.refuse = refuse
        self.drop = drop
        self.pipelining = pipelining
        self.connections = 0
        self.lines: list[str] = []
        self.resets = 0
        self.count = 0
        self.messages: list[tuple[str, list[str], bytes]] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def commands(self) -> list[str]:
        return [line[:4].upper() for line in self.lines]

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


class SinkProcess:
    """A sink in a process of its own, as a mail server is: its work does not take turns with the
    measured code for the bench process's GIL. `port`, `count`, `reset()`, `take_messages()`
    (those kept since the start, then it stops keeping), `stop()`; driven over the child's
    stdin and stdout, one line a command (`python -m bench.smtp_sink`)."""

    def __init__(self, *, keep: bool = False):
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.smtp_sink", *(["--keep"] if keep else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent,
        )
        self.port = int(self._process.stdout.readline())

    def _ask(self, *words: str) -> str:
        self._process.stdin.write(" ".join(words) + "\n")
        self._process.stdin.flush()
        return self._process.stdout.readline().strip()

    @property
    def count(self) -> int:
        return int(self._ask("count"))

    def reset(self) -> None:
        self._ask("reset")

    def take_messages(self) -> list[tuple[str, list[str], bytes]]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "messages.pickle"
            self._ask("messages", str(path))
            with path.open("rb") as file:  # read as it is unpickled: tens of thousands of messages at scale 1
                return pickle.load(file)

    def stop(self) -> None:
        self._ask("quit")
        self._process.wait(timeout=10)


def _serve() -> None:
    sink = SmtpSink(keep="--keep" in sys.argv).start()
    print(sink.port, flush=True)
    for line in sys.stdin:
        command, *rest = line.split()
        answer = "ok"
        if command == "count":
            answer = str(sink.count)
        elif command == "reset":
            sink.count = 0
        elif command == "messages":
            Path(rest[0]).write_bytes(pickle.dumps(sink.messages))
            sink.keep, sink.messages = False, []
        print(answer, flush=True)
        if command == "quit":
            break
    sink.stop()


if __name__ == "__main__":
    _serve()
