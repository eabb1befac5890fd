"""The reminder emails of one batch: rendered once per shape, serialised without the email package
on an SMTP connection, sent over that one connection.

A national run sends tens of thousands of emails that differ only in a unit's name, its officers'
names and a link. Rendering two Django templates and building a MIME tree through Python's email
package for each took ~5 ms an email (bench `reminders`, profiled): thirty times the SMTP exchange
itself. Here each template is rendered once per batch for each shape of message (the report's
state, the days left, whether officers are named) with marker characters where the unit's own
values go, and each email is those texts with the values put in (HTML-escaped in the HTML part).

On Django's SMTP backend the message is written straight to bytes: multipart/alternative, UTF-8
parts in 8 bits as Django writes its own (base64 for a part with a line longer than SMTP
carries), RFC 2047 subject. A reminder's parts are its shape's bytes, cut at the markers, joined
with the unit's values. `MailStream` writes the messages to the connection, one round trip an
email on a server that offers PIPELINING. Any other backend (the file backend of the worker
tests, locmem in the tests, a provider's API backend) gets the same texts as an
`EmailMultiAlternatives`. tests/notifications/test_mail.py parses what goes to an SMTP server
back with the email package and finds the same subject, addresses and texts.
"""

from __future__ import annotations

import base64
import functools
import logging
import re
import secrets
import smtplib
from dataclasses import dataclass
from email.utils import formatdate, make_msgid, parseaddr
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# Private-use characters: never in a unit's name or a URL, left alone by escaping and gettext.
MARKERS = {"unit": "\ue000unit\ue000", "names": "\ue000names\ue000", "url": "\ue000url\ue000"}
# An encoded word of 39 bytes is 64 characters ("=?utf-8?b?" + 52 + "?="): with "Subject: " before
# it, a line stays within the 78 characters RFC 5322 asks for.
_ENCODED_WORD_BYTES = 39
_LEADING_DOT = re.compile(rb"(?m)^\.")  # dot-stuffing (RFC 5321 4.5.2)
# RFC 5322 2.1.1: at most 998 octets a line, CRLF not counted
_LONGEST_LINE = 998
_MAX_REPLY_LINE = 8192  # as smtplib reads replies
_BROKEN = smtplib.SMTPServerDisconnected("the connection broke")  # an email written after it did
_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")


# The SMTP connection of this process, kept from one batch to the next (see `open_connection`),
# with the settings it was opened with.
_kept: tuple[tuple, SmtpBackend] | None = None


def _uses_smtp() -> bool:
    """Django's own SMTP backend is configured: the emails are written to its smtplib connection."""
    return import_string(settings.EMAIL_BACKEND) is SmtpBackend


def _smtp_settings() -> tuple:
    return (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)


def open_connection():
    """An opened email backend for one batch.

    On SMTP the connection stays open for the next batch the process sends (a worker sends
    hundreds in a national run, and opening one cost ~40 ms against the bench's sink), once a
    NOOP shows the server still answers; a server that closed it meanwhile gets a new one.
    """
    global _kept
    if _kept is not None:
        kept_settings, connection = _kept
        try:
            if kept_settings == _smtp_settings() and connection.connection.noop()[0] == 250:
                return connection
        except (smtplib.SMTPException, OSError, AttributeError):
            pass
        _kept = None
        _close(connection)
    connection = get_connection()
    connection.open()
    if _uses_smtp():
        _kept = (_smtp_settings(), connection)
    return connection


def release_connection(connection, *, broken: bool = False) -> None:
    """The batch is done with `connection`: a kept SMTP connection stays open unless it broke."""
    global _kept
    if connection is None:
        return
    if _kept is not None and _kept[1] is connection:
        if not broken:
            return
        _kept = None
    _close(connection)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a broken connection is being dropped anyway
        log.debug("Closing the SMTP connection failed", exc_info=True)


@dataclass
class Email:
    """One email ready to go: envelope, subject, and either both texts (for a backend other than
    SMTP) or, on SMTP, the whole message as the server takes it (`data`)."""

    subject: str
    to: list[str]
    text: str = ""
    html: str = ""
    data: bytes | None = None


class _Shape:
    """A reminder's two texts rendered once, with markers where the unit's values go; on SMTP also
    as the bytes of each 8-bit part cut at the markers, so that an email is one join."""

    def __init__(self, text: str, html: str):
        self.text, self.html = text, html
        self.text_pieces, text_lines = _pieces(text)
        self.html_pieces, html_lines = _pieces(html)
        # What a line may grow to: its length without markers, plus a value for each of them
        self.lines = text_lines + html_lines

    def texts(self, values: dict[str, str]) -> tuple[str, str]:
        text, html = self.text, self.html
        for name, marker in MARKERS.items():
            text = text.replace(marker, values[name])
            html = html.replace(marker, escape(values[name]))
        return text, html

    def parts(self, values: dict[str, str]) -> tuple[bytes, bytes] | None:
        """Both parts' bytes, or None when the values could make a line longer than SMTP carries."""
        text = {name: value.encode("utf-8") for name, value in values.items()}
        html = {name: escape(value).encode("utf-8") for name, value in values.items()}
        if any(b"\n" in value or b"\r" in value for value in text.values()):
            return None  # a line break of its own: the general way normalises it
        longest_value = max(map(len, html.values()))
        if any(length + markers * longest_value > _LONGEST_LINE for length, markers in self.lines):
            return None
        return (
            b"".join(piece if type(piece) is bytes else text[piece] for piece in self.text_pieces),
            b"".join(piece if type(piece) is bytes else html[piece] for piece in self.html_pieces),
        )


_MARKER_NAMES = {marker: name for name, marker in MARKERS.items()}
_MARKER_SPLIT = re.compile("(" + "|".join(map(re.escape, MARKERS.values())) + ")")


def _pieces(content: str) -> tuple[list[bytes | str], list[tuple[int, int]]]:
    """`content` as the bytes of an 8-bit part (see `_body`) cut at the markers, each marker
    given as its name; and for each line, its length without the markers and how many it has."""
    content = _crlf(content)
    pieces = [_MARKER_NAMES.get(piece) or piece.encode("utf-8") for piece in _MARKER_SPLIT.split(content)]
    lines = [
        (len(_MARKER_SPLIT.sub("", line).encode("utf-8")), len(_MARKER_SPLIT.findall(line)))
        for line in content.split("\r\n")
    ]
    return pieces, lines


def _crlf(content: str) -> str:
    return content.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


class BatchMailer:
    """Builds the emails of one batch. On Django's SMTP backend each email also carries its bytes
    (`Email.data`), written to the connection by `MailStream`."""

    def __init__(self):
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.raw = _uses_smtp()
        self._shapes: dict[tuple, _Shape] = {}
        if self.raw:
            self.from_header = sanitize_address(self.from_email, settings.DEFAULT_CHARSET)
            self.envelope_from = parseaddr(self.from_header)[1]

    def reminder(self, *, context: dict, title: str, to: list[str]) -> Email:
        """A reminder: the templates rendered once per shape, then the unit's values put in."""
        key = (context["period"].pk, context["form_name"], context["status"], context["days_left"], bool(context["names"]))
        shape = self._shapes.get(key)
        if shape is None:
            marked = {**context, "unit": SimpleNamespace(name=MARKERS["unit"]), "url": MARKERS["url"],
                      "names": MARKERS["names"] if context["names"] else ""}
            shape = self._shapes[key] = _Shape(
                render_to_string("notifications/email/reminder.txt", marked),
                render_to_string("notifications/email/reminder.html", marked),
            )
        values = {"unit": context["unit"].name, "names": context["names"], "url": context["url"]}
        subject = _reminder_subject(title, get_language())
        if self._writes_bytes(to) and (parts := shape.parts(values)) is not None:
            text, html = parts
            return Email(subject=subject, to=to, data=self._message(subject, to, _part("plain", text), _part("html", html)))
        text, html = shape.texts(values)
        return self._ready(Email(subject=subject, to=to, text=text, html=html))

    def rendered(self, *, template: str, context: dict, title: str, to: list[str]) -> Email:
        """Any other email (the reviewers' digest): rendered whole."""
        return self._ready(Email(
            subject=subject_line(title), to=to,
            text=render_to_string(f"notifications/email/{template}.txt", context),
            html=render_to_string(f"notifications/email/{template}.html", context),
        ))

    def _writes_bytes(self, to: list[str]) -> bool:
        # An address smtplib would have to encode goes through Django's backend, which does.
        return self.raw and all(_PLAIN_ADDRESS.match(address) for address in to)

    def _ready(self, email: Email) -> Email:
        if self._writes_bytes(email.to):
            email.data = self._message(email.subject, email.to, _body(email.text, "plain"), _body(email.html, "html"))
            email.text = email.html = ""
        return email

    def _message(self, subject: str, to: list[str], text_part: bytes, html_part: bytes) -> bytes:
        return _multipart(subject=subject, from_header=self.from_header, to=to, parts=(text_part, html_part))


@dataclass
class Outcome:
    """What became of an email written to a `MailStream`: `error` is None when the server took it."""

    key: Any
    error: Exception | None = None


class MailStream:
    """The emails of one batch, in order, on one open connection (`open_connection`): `write` hands
    one over, `collect` gives what became of those written so far, `drain` ends the stream.

    On a server that offers PIPELINING (RFC 2920; Postfix, Exim and the big providers do), `write`
    sends one email's MAIL FROM, every RCPT TO and DATA together with the message of the email
    before it (a message may start a group of commands), and `collect` reads their replies: one
    round trip an email, where smtplib's `sendmail` waits for three plus one per recipient. The
    message of an email goes only in the write after its DATA was accepted, and the caller
    builds the next email while the server reads (bench `reminders`). Elsewhere — a server
    without PIPELINING, another backend, an address smtplib would have to encode — `write`
    runs the email's whole exchange.

    Only claimed emails are written (`services._EmailRun`): nothing here decides whether one may
    go. A connection that fails breaks the stream (`broken`): every email in flight comes
    back with the error, and the caller opens another.
    """

    def __init__(self, connection, mailer: BatchMailer):
        self.connection = connection
        self.mailer = mailer
        self.broken = False
        self.smtp: smtplib.SMTP | None = connection.connection if mailer.raw else None
        self.pipelining = self._size = False
        self._mail_options: list[str] = []
        if self.smtp is not None:
            self.smtp.ehlo_or_helo_if_needed()
            esmtp = self.smtp.does_esmtp
            self.pipelining = esmtp and self.smtp.has_extn("pipelining")
            self._size = esmtp and self.smtp.has_extn("size")
            # Declared where offered (RFC 6152); Django's own SMTP messages go in 8 bits undeclared.
            self._mail_options = ["BODY=8BITMIME"] if esmtp and self.smtp.has_extn("8bitmime") else []
        self._outcomes: list[Outcome] = []
        self._commands: tuple[Any, Email] | None = None  # MAIL FROM … DATA written, replies unread
        self._accepted: tuple[Any, Email] | None = None  # DATA answered 354, the message not written
        self._message: Any = None  # the key of the message written, its reply unread

    @property
    def idle(self) -> bool:
        """Nothing written is waiting for a reply, nothing accepted waits for its message: the
        connection can serve the next batch."""
        return not self.broken and self._commands is None and self._accepted is None and self._message is None

    def write(self, key: Any = None, email: Email | None = None) -> None:
        """Hand over `email` (known by `key` in its outcome); without one, only the message of the
        email whose DATA the last `collect` saw accepted goes."""
        if self.broken:
            if email is not None:
                self._outcomes.append(Outcome(key, _BROKEN))
            return
        chunks = []
        if self._accepted is not None:
            self._message, accepted = self._accepted
            self._accepted = None
            chunks.append(_terminated(accepted.data))
        if email is not None and self.pipelining and email.data is not None:
            self._commands = (key, email)
            chunks.append(self._envelope(email))
            email = None
        if chunks:
            try:
                self.smtp.send(b"".join(chunks))
            except (OSError, smtplib.SMTPException) as exc:
                self._break(exc)
        if email is not None:
            self._read()  # the message before it, whose reply must come first
            self._whole(key, email)

    def collect(self) -> list[Outcome]:
        """Reads the replies to what was written; returns what became of each email since the last
        call (sent, refused, or failed with the connection)."""
        self._read()
        outcomes, self._outcomes = self._outcomes, []
        return outcomes

    def drain(self) -> list[Outcome]:
        """Finish what was written (the message of an email whose DATA is accepted goes) and give
        every outcome: the connection is then idle."""
        self._read()
        self.write()
        return self.collect()

    def _envelope(self, email: Email) -> bytes:
        size = [f"SIZE={len(email.data)}"] if self._size else []
        options = "".join(f" {option}" for option in [*self._mail_options, *size])
        return (
            f"MAIL FROM:<{self.mailer.envelope_from}>{options}\r\n"
            + "".join(f"RCPT TO:<{address}>\r\n" for address in email.to)
            + "DATA\r\n"
        ).encode("ascii")

    def _read(self) -> None:
        if self.broken:
            return
        try:
            if self._message is not None:
                code, reply = _reply(self.smtp)
                key, self._message = self._message, None
                self._outcomes.append(Outcome(key, None if code == 250 else smtplib.SMTPDataError(code, reply)))
            if self._commands is not None:
                self._envelope_replies()
        except (OSError, smtplib.SMTPException) as exc:
            self._break(exc)

    def _envelope_replies(self) -> None:
        key, email = self._commands
        sender_reply = _reply(self.smtp)
        refused = {}
        for address in email.to:
            code, reply = _reply(self.smtp)
            if code not in (250, 251):
                refused[address] = (code, reply)
        code, reply = _reply(self.smtp)
        self._commands = None
        if code == 354 and sender_reply[0] == 250 and len(refused) < len(email.to):
            self._accepted = (key, email)  # a partly refused list still goes to the others, as with sendmail
            return
        if sender_reply[0] != 250:
            error = smtplib.SMTPSenderRefused(*sender_reply, self.mailer.envelope_from)
        elif len(refused) == len(email.to):
            error = smtplib.SMTPRecipientsRefused(refused)
        else:
            error = smtplib.SMTPDataError(code, reply)
        self._outcomes.append(Outcome(key, error))
        if code == 354:  # DATA taken with nobody to deliver to: only hanging up ends it
            self._break(error)
        else:
            _abandon(self.smtp)

    def _whole(self, key: Any, email: Email) -> None:
        """One email's whole exchange: smtplib's `sendmail`, or the backend's `send_messages`."""
        if self.broken:
            self._outcomes.append(Outcome(key, _BROKEN))
            return
        try:
            if email.data is not None:
                self.smtp.sendmail(self.mailer.envelope_from, email.to, email.data, self._mail_options)
            else:
                message = EmailMultiAlternatives(
                    email.subject, email.text, self.mailer.from_email, email.to, connection=self.connection
                )
                message.attach_alternative(email.html, "text/html")
                if not self.connection.send_messages([message]):
                    raise OSError(_("Máy chủ thư không nhận thư."))
        except Exception as exc:  # noqa: BLE001 - whatever the backend raises is this email's failure
            self._outcomes.append(Outcome(key, exc))
            # sendmail has already reset the transaction when every address was refused
            if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                self._break(exc)
            return
        self._outcomes.append(Outcome(key))

    def _break(self, error: Exception) -> None:
        """The connection failed: every email in flight fails with `error`; the stream is done."""
        self.broken = True
        in_flight = [self._message, *(item[0] for item in (self._commands, self._accepted) if item is not None)]
        self._outcomes += [Outcome(key, error) for key in in_flight if key is not None]
        self._message = self._commands = self._accepted = None
        if self.smtp is not None:
            self.smtp.close()


def _terminated(data: bytes) -> bytes:
    """A message as it goes after DATA: dot-stuffed (RFC 5321 4.5.2), ended by a line with a dot."""
    if data.startswith(b".") or b"\n." in data:
        data = _LEADING_DOT.sub(b"..", data)
    return data + (b".\r\n" if data.endswith(b"\r\n") else b"\r\n.\r\n")


def _reply(smtp: smtplib.SMTP) -> tuple[int, bytes]:
    """The next reply, as `smtplib.SMTP.getreply` reads it (several a write with PIPELINING, so
    without its per-line bookkeeping); a server going away (421) closes the connection, as
    smtplib does."""
    if smtp.file is None:
        smtp.file = smtp.sock.makefile("rb")
    lines = []
    while True:
        try:
            line = smtp.file.readline(_MAX_REPLY_LINE + 1)
        except OSError as exc:
            smtp.close()
            raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed: {exc}") from exc
        if not line:
            smtp.close()
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if len(line) > _MAX_REPLY_LINE:
            smtp.close()
            raise smtplib.SMTPResponseException(500, "Line too long.")
        lines.append(line[4:].strip(b" \t\r\n"))
        if line[3:4] != b"-":
            break
    try:
        code = int(line[:3])
    except ValueError:
        code = -1
    reply = b"\n".join(lines)
    if code == 421:
        smtp.close()
        raise smtplib.SMTPServerDisconnected(reply.decode("utf-8", "replace"))
    return code, reply


def _abandon(smtp: smtplib.SMTP) -> None:
    """End the mail transaction (RSET); a server going away (421) was closed on by `_reply`."""
    try:
        smtp.rset()
    except smtplib.SMTPServerDisconnected:
        pass  # shows on the next command, as smtplib's own sendmail leaves it


def subject_line(title: str) -> str:
    return f"[{_('Cổng phúc lợi đoàn viên')}] {title}"


@functools.lru_cache(maxsize=256)  # a batch's reminders share a handful of titles
def _reminder_subject(title: str, language: str | None) -> str:
    return subject_line(title)


@functools.lru_cache(maxsize=256)  # a batch's subjects are a handful of texts
def encode_header(value: str) -> str:
    """RFC 2047: ASCII as it is, anything else as base64 encoded words of whole characters,
    folded one word a line."""
    if value.isascii() and "\n" not in value and "\r" not in value:
        return value
    value = value.replace("\r", " ").replace("\n", " ")
    words, chunk, size = [], [], 0
    for char in value:
        length = len(char.encode("utf-8"))
        if size + length > _ENCODED_WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    words.append("".join(chunk))
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word.encode('utf-8')).decode('ascii')}?=" for word in words)


def _body(content: str, subtype: str) -> bytes:
    """A text part in 8 bits, as Django writes its own (UTF-8 on CRLF lines, no encoding to undo);
    in base64 when a line is longer than SMTP carries (998 octets)."""
    data = _crlf(content).encode("utf-8")
    if max(map(len, data.split(b"\r\n"))) > _LONGEST_LINE:
        return _PART_HEADERS[subtype, "base64"] + base64.encodebytes(content.encode("utf-8")).replace(b"\n", b"\r\n")
    return _part(subtype, data)


def _part(subtype: str, data: bytes) -> bytes:
    """An 8-bit part; the line break before the boundary that follows is the boundary's."""
    return _PART_HEADERS[subtype, "8bit"] + data + b"\r\n"


_PART_HEADERS = {
    (subtype, encoding): (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
    ).encode("ascii")
    for subtype in ("plain", "html") for encoding in ("8bit", "base64")
}


def mime_bytes(*, subject: str, from_header: str, to: list[str], text: str, html: str) -> bytes:
    """A multipart/alternative message (plain text, then HTML) as SMTP takes it (CRLF lines)."""
    return _multipart(subject=subject, from_header=from_header, to=to, parts=(_body(text, "plain"), _body(html, "html")))


def _multipart(*, subject: str, from_header: str, to: list[str], parts: tuple[bytes, ...]) -> bytes:
    boundary = f"=_{secrets.token_hex(12)}"
    headers = (
        f"Subject: {encode_header(subject)}\r\n"
        f"From: {from_header}\r\n"
        f"To: {', '.join(to)}\r\n"
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}\r\n"
        f"Message-ID: {make_msgid(domain=DNS_NAME)}\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
    ).encode("ascii")
    separator = f"--{boundary}\r\n".encode("ascii")
    return b"".join([headers, *(separator + part for part in parts), f"--{boundary}--\r\n".encode("ascii")])
