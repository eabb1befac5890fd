"""The reminder emails written straight to bytes on SMTP (notifications/mail.py) say exactly what the
same emails built by Django's email classes say: same subject, sender, addresses and both texts.
Over SMTP with PIPELINING an email's message goes in one write with the next email's commands;
with or without it, an address the server refuses stops neither the others nor the next email,
and a connection that breaks fails only the emails still in flight."""

from datetime import date
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.core.mail import get_connection

from bench.smtp_sink import SmtpSink
from notifications.mail import BatchMailer, Email, MailStream, encode_header, mime_bytes
from notifications.models import Notification, ReminderDispatch
from organizations.choices import Role
from tests.factories import user_with_role


def parsed(data: bytes):
    """The message, and its two texts as a mail client shows them (lines travel as CRLF)."""
    message = message_from_bytes(data, policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
    return message, text, html


def test_written_bytes_read_back_as_the_same_message():
    subject = "[Cổng phúc lợi đoàn viên] Nhắc hạn: Phụ lục 02 tháng 11/2026 — hạn nộp 25/11/2026 " * 2
    text = "Kính gửi: Trần Thị An,\n\nCĐCS Công ty A chưa gửi Phụ lục 02.\n.\nDòng bắt đầu bằng dấu chấm\n" + "x" * 2000
    html = "<p>Kính gửi: <strong>Trần &amp; Lê</strong></p>"
    data = mime_bytes(
        subject=subject, from_header=encode_header("Cổng phúc lợi đoàn viên") + " <no-reply@example.vn>",
        to=["an@example.vn", "binh@example.vn"], text=text, html=html,
    )
    header_lines = data.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert all(len(line) <= 78 for line in header_lines if not line.startswith((b"From:", b"Message-ID:")))
    message, text_back, html_back = parsed(data)
    assert message["Subject"] == subject.replace("\n", " ")
    assert message["From"].addresses[0].display_name == "Cổng phúc lợi đoàn viên"
    assert [a.addr_spec for a in message["To"].addresses] == ["an@example.vn", "binh@example.vn"]
    assert text_back == text
    assert html_back == html
    # The HTML in 8 bits, as Django writes it; the text, with a line SMTP cannot carry, in base64.
    assert [line for line in data.split(b"\r\n") if line.startswith(b"Content-Transfer-Encoding")] == [
        b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: 8bit",
    ]


def test_an_ascii_header_stays_as_it_is_and_a_line_break_cannot_add_a_header():
    assert encode_header("Report due") == "Report due"
    assert "\n" not in encode_header("Hạn nộp\nBcc: x@example.vn").replace("\r\n ", "")


def sent_through(settings, run_on, day: date, backend: str, sink: SmtpSink | None = None) -> set:
    """What the dispatcher sends on `day` through `backend`: (subject, addresses, text, html) per email."""
    settings.EMAIL_BACKEND = backend
    if sink is not None:
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
    messages = run_on(day)
    if sink is None:
        return {
            (m.subject, tuple(m.to), m.body, m.alternatives[0][0]) for m in messages
        }
    emails = set()
    for _sender, _recipients, data in sink.messages:
        message, text, html = parsed(data)
        emails.add((message["Subject"], tuple(a.addr_spec for a in message["To"].addresses), text, html))
    return emails


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("long_name", [False, True], ids=["8-bit parts", "a line too long for 8 bits"])
def test_the_smtp_path_sends_what_the_django_path_sends(settings, run_on, november_reports, tree, long_name):
    if long_name:  # "Kính gửi: " and eight officers' names: a line over the 998 octets SMTP carries
        for n in range(8):
            user_with_role(tree.company_a, Role.OFFICER, username=f"can_bo_a{n}", full_name=f"Cán bộ {n} " + "Nguyễn " * 18)
    by_django = sent_through(settings, run_on, date(2026, 11, 20), "django.core.mail.backends.locmem.EmailBackend")
    assert len(by_django) == 4  # An Giang's and Hà Nội's units still owing November
    Notification.objects.all().delete()
    ReminderDispatch.objects.all().delete()
    mail.outbox.clear()
    with SmtpSink(keep=True) as sink:
        by_smtp = sent_through(
            settings, run_on, date(2026, 11, 20), "django.core.mail.backends.smtp.EmailBackend", sink
        )
    assert by_smtp == by_django
    encodings = {line for _s, _r, data in sink.messages for line in data.split(b"\r\n") if b"Transfer-Encoding" in line}
    assert encodings == ({b"Content-Transfer-Encoding: 8bit", b"Content-Transfer-Encoding: base64"} if long_name
                         else {b"Content-Transfer-Encoding: 8bit"})


EMAIL = Email(
    subject="Nhắc hạn: Phụ lục 02", to=["an@example.vn", "binh@example.vn"],
    text="Kính gửi: Trần Thị An,\n.\nCĐCS Công ty A chưa gửi Phụ lục 02.\n", html="<p>Kính gửi</p>",
)


def email(*to: str) -> Email:
    """EMAIL to `to`, with its bytes, as BatchMailer makes them for SMTP."""
    return Email(
        subject=EMAIL.subject, to=list(to), text=EMAIL.text, html=EMAIL.html,
        data=mime_bytes(subject=EMAIL.subject, from_header="portal@example.vn", to=list(to), text=EMAIL.text,
                        html=EMAIL.html),
    )


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "portal@example.vn"
    return settings


def stream_to(sink: SmtpSink) -> MailStream:
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=sink.port, use_tls=False,
        username="", password="",
    )
    connection.open()
    return MailStream(connection, BatchMailer())


def outcomes(stream: MailStream) -> list[tuple[str, str | None]]:
    return [(o.key, type(o.error).__name__ if o.error else None) for o in stream.collect()]


def test_with_pipelining_a_message_goes_with_the_next_emails_commands(smtp_settings):
    with SmtpSink(keep=True) as sink:
        stream = stream_to(sink)
        stream.write("a", email("an@example.vn", "binh@example.vn"))
        assert outcomes(stream) == []  # its DATA accepted, the message not written yet
        assert (sink.commands, sink.count) == (["EHLO", "MAIL", "RCPT", "RCPT", "DATA"], 0)
        assert sink.lines[1] == "MAIL FROM:<portal@example.vn> BODY=8BITMIME"  # the sink offers 8BITMIME

        stream.write("b", email("binh@example.vn"))
        assert outcomes(stream) == [("a", None)]
        assert sink.commands[5:] == ["MAIL", "RCPT", "DATA"] and sink.count == 1

        assert [(o.key, o.error) for o in stream.drain()] == [("b", None)]
        assert stream.idle

    [(_sender, recipients, data), (_sender_b, recipients_b, _data_b)] = sink.messages
    assert (recipients, recipients_b) == (["<an@example.vn>", "<binh@example.vn>"], ["<binh@example.vn>"])
    message, text, html = parsed(data)  # the text's lone "." line came through the dot-stuffing
    assert (message["Subject"], text, html) == (EMAIL.subject, EMAIL.text, EMAIL.html)


def test_without_pipelining_each_email_is_sent_whole(smtp_settings):
    with SmtpSink(keep=True, pipelining=False) as sink:
        stream = stream_to(sink)
        stream.write("a", email("an@example.vn"))
        assert sink.count == 1
        assert outcomes(stream) == [("a", None)]
        assert stream.drain() == [] and stream.idle


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_refused_address_stops_neither_the_others_nor_the_next_email(smtp_settings, pipelining):
    with SmtpSink(keep=True, refuse=frozenset({"an@example.vn"}), pipelining=pipelining) as sink:
        stream = stream_to(sink)
        found = []
        for key, to in (("a", ["an@example.vn", "binh@example.vn"]), ("x", ["an@example.vn"]), ("b", ["binh@example.vn"])):
            stream.write(key, email(*to))
            found += stream.collect()
        found += stream.drain()

    assert [(o.key, type(o.error).__name__ if o.error else None) for o in found] == [
        ("a", None), ("x", "SMTPRecipientsRefused"), ("b", None),
    ]
    assert found[1].error.recipients["an@example.vn"][0] == 550
    assert [recipients for _sender, recipients, _data in sink.messages] == [["<binh@example.vn>"]] * 2
    assert sink.connections == 1


def test_a_connection_that_breaks_fails_the_emails_in_flight_not_those_taken(smtp_settings):
    with SmtpSink(keep=True, drop=frozenset({"gone@example.vn"})) as sink:
        stream = stream_to(sink)
        stream.write("a", email("an@example.vn"))
        assert outcomes(stream) == []
        stream.write("b", email("gone@example.vn"))  # A's message goes with B's commands

        assert outcomes(stream) == [("a", None), ("b", "SMTPServerDisconnected")]
        assert stream.broken and not stream.idle
        stream.write("c", email("an@example.vn"))
        assert outcomes(stream) == [("c", "SMTPServerDisconnected")]
    assert sink.count == 1
