"""The reminder emails of one batch: rendered once per shape, serialised without the email package
on an SMTP connection, sent over that one connection.

A national run sends tens of thousands of emails that differ only in a unit's name, its officers'
names and a link. Rendering two Django templates and building a MIME tree through Python's email
package for each took ~5 ms an email (bench `reminders`, profiled): thirty times the SMTP exchange
itself. Here each template is rendered once per batch for each shape of message (the report's
state, the days left, whether officers are named) with marker characters where the unit's own
values go, and each email is those texts with the values put in (HTML-escaped in the HTML part).

On Django's SMTP backend the message is written straight to bytes (`mime_bytes`: multipart/
alternative, UTF-8, base64 bodies, RFC 2047 subject) and handed to smtplib; any other backend
(the file backend of the worker tests, locmem in the tests, a provider's API backend) gets the
same texts as an `EmailMultiAlternatives`. tests/notifications/test_mail.py parses what
`mime_bytes` writes back with the email package and finds the same subject, addresses and texts.
"""

from __future__ import annotations

import base64
import functools
import logging
import re
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, make_msgid, parseaddr
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# Private-use characters: never in a unit's name or a URL, left alone by escaping and gettext.
MARKERS = {"unit": "\ue000unit\ue000", "names": "\ue000names\ue000", "url": "\ue000url\ue000"}
# An encoded word of 39 bytes is 64 characters ("=?utf-8?b?" + 52 + "?="): with "Subject: " before
# it, a line stays within the 78 characters RFC 5322 asks for.
_ENCODED_WORD_BYTES = 39
_LEADING_DOT = re.compile(rb"(?m)^\.")  # dot-stuffing (RFC 5321 4.5.2)
_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")


# The SMTP connection of this process, kept from one batch to the next (see `open_connection`),
# with the settings it was opened with.
_kept: tuple[tuple, SmtpBackend] | None = None


def _is_smtp(connection) -> bool:
    """Django's own SMTP backend, whose smtplib connection the emails are written to directly."""
    return type(connection) is SmtpBackend


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
    if _is_smtp(connection):
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
    """One email ready to go: envelope, subject and both texts."""

    subject: str
    to: list[str]
    text: str
    html: str


class BatchMailer:
    """Builds the emails of one batch and sends them over `connection` (a Django email backend,
    already opened for SMTP)."""

    def __init__(self, connection):
        self.connection = connection
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.raw = _is_smtp(connection)
        self._shapes: dict[tuple, tuple[str, str]] = {}
        if self.raw:
            self.from_header = sanitize_address(self.from_email, settings.DEFAULT_CHARSET)
            self.envelope_from = parseaddr(self.from_header)[1]

    def reminder(self, *, context: dict, title: str, to: list[str]) -> Email:
        """A reminder: the templates rendered once per shape, then the unit's values put in."""
        key = (context["period"].pk, context["form_name"], context["status"], context["days_left"], bool(context["names"]))
        if key not in self._shapes:
            shape = {**context, "unit": SimpleNamespace(name=MARKERS["unit"]), "url": MARKERS["url"],
                     "names": MARKERS["names"] if context["names"] else ""}
            self._shapes[key] = (
                render_to_string("notifications/email/reminder.txt", shape),
                render_to_string("notifications/email/reminder.html", shape),
            )
        text, html = self._shapes[key]
        values = {"unit": context["unit"].name, "names": context["names"], "url": context["url"]}
        for name, marker in MARKERS.items():
            text = text.replace(marker, values[name])
            html = html.replace(marker, escape(values[name]))
        return Email(subject=_reminder_subject(title, get_language()), to=to, text=text, html=html)

    def rendered(self, *, template: str, context: dict, title: str, to: list[str]) -> Email:
        """Any other email (the reviewers' digest): rendered whole."""
        return Email(
            subject=subject_line(title), to=to,
            text=render_to_string(f"notifications/email/{template}.txt", context),
            html=render_to_string(f"notifications/email/{template}.html", context),
        )

    @property
    def connection_lost(self) -> bool:
        """The SMTP connection was closed under the batch (see `_pipelined`): open another."""
        return self.raw and getattr(self.connection.connection, "sock", None) is None

    def send(self, email: Email, *, go_ahead: Callable[[], bool] = lambda: True) -> bool:
        """Send one email if `go_ahead()` says so, asked as late as can be: on SMTP just before the
        server can take the message (see `_handed_over`). Returns whether it went; raises what
        smtplib or the backend raises."""
        if self.raw and all(_PLAIN_ADDRESS.match(address) for address in email.to):
            data = mime_bytes(
                subject=email.subject, from_header=self.from_header, to=email.to, text=email.text, html=email.html
            )
            return _handed_over(self.connection.connection, self.envelope_from, email.to, data, go_ahead)
        if not go_ahead():
            return False
        message = EmailMultiAlternatives(email.subject, email.text, self.from_email, email.to, connection=self.connection)
        message.attach_alternative(email.html, "text/html")
        if not self.connection.send_messages([message]):
            raise OSError(_("Máy chủ thư không nhận thư."))
        return True


def _handed_over(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes, go_ahead) -> bool:
    """`smtplib.SMTP.sendmail`, with `go_ahead()` asked before the server can take the message:
    the reminder batch waits there for its claim to be committed (`notifications.marks`).

    A server that offers PIPELINING (RFC 2920; Postfix, Exim and the big providers do) gets
    MAIL FROM, every RCPT TO and DATA in one write (`_pipelined`). Otherwise each command waits
    for its reply, and `go_ahead()` is asked between RCPT TO and DATA: until DATA is answered the
    server has taken nothing, so when it says no (or raises) the transaction is dropped with RSET.
    """
    smtp.ehlo_or_helo_if_needed()
    if smtp.does_esmtp and smtp.has_extn("pipelining"):
        return _pipelined(smtp, sender, recipients, data, go_ahead)
    options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, reply = smtp.mail(sender, options)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        _abandon(smtp, 0)
        raise smtplib.SMTPRecipientsRefused(refused)
    try:
        going = go_ahead()
    except BaseException:
        _abandon(smtp, 0)
        raise
    if not going:
        _abandon(smtp, 0)
        return False
    code, reply = smtp.data(data)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    return True


def _pipelined(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes, go_ahead) -> bool:
    """`_handed_over` on a server that offers PIPELINING: MAIL FROM, every RCPT TO and DATA in one
    write, then the message: two round trips an email, where `sendmail` waits for three plus one
    per recipient (bench `reminders`).

    `go_ahead()` is asked once DATA is accepted, before the message goes: the batch's claim has
    travelled meanwhile. Past DATA only the message ends the transaction, so when it says no (or
    raises) the connection is dropped, and a server delivers nothing it did not get whole; the
    batch opens a new one (`BatchMailer.connection_lost`). That happens only when another run
    won the claim, which is rare.
    """
    size = f" SIZE={len(data)}" if smtp.has_extn("size") else ""
    smtp.send(
        f"MAIL FROM:<{sender}>{size}\r\n" + "".join(f"RCPT TO:<{r}>\r\n" for r in recipients) + "DATA\r\n"
    )
    sender_reply = _reply(smtp)
    refused = {}
    for recipient in recipients:
        code, reply = _reply(smtp)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    code, reply = _reply(smtp)
    if code != 354 or sender_reply[0] != 250 or len(refused) == len(recipients):
        if code == 354:  # DATA taken with nobody to deliver to: only hanging up ends it
            smtp.close()
        else:
            _abandon(smtp, code)
        if sender_reply[0] != 250:
            raise smtplib.SMTPSenderRefused(*sender_reply, sender)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        raise smtplib.SMTPDataError(code, reply)
    try:
        going = go_ahead()
    except BaseException:
        smtp.close()
        raise
    if not going:
        smtp.close()
        return False
    if data.startswith(b".") or b"\n." in data:
        data = _LEADING_DOT.sub(b"..", data)
    smtp.send(data + (b".\r\n" if data.endswith(b"\r\n") else b"\r\n.\r\n"))
    code, reply = _reply(smtp)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    return True


def _reply(smtp: smtplib.SMTP) -> tuple[int, bytes]:
    """The next reply; a server going away (421) closes the connection, as smtplib does."""
    code, reply = smtp.getreply()
    if code == 421:
        smtp.close()
        raise smtplib.SMTPServerDisconnected(reply.decode("utf-8", "replace"))
    return code, reply


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    """End the mail transaction: RSET, or close on 421 (the server is going away)."""
    if code == 421:
        smtp.close()
        return
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
    encoded = base64.encodebytes(content.encode("utf-8")).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode("ascii") + encoded


def mime_bytes(*, subject: str, from_header: str, to: list[str], text: str, html: str) -> bytes:
    """A multipart/alternative message (plain text, then HTML) as SMTP takes it (CRLF lines)."""
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
    return b"".join([
        headers, separator, _body(text, "plain"), separator, _body(html, "html"), f"--{boundary}--\r\n".encode("ascii"),
    ])
