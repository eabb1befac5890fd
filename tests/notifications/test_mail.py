"""The reminder emails written straight to bytes on SMTP (notifications/mail.py) say exactly what the
same emails built by Django's email classes say: same subject, sender, addresses and both texts.
Over SMTP, with or without PIPELINING, a message goes only once the batch says go ahead, and an
address the server refuses stops neither the others nor the next email."""

import smtplib
from datetime import date
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.core.mail import get_connection

from bench.smtp_sink import SmtpSink
from notifications.mail import BatchMailer, Email, encode_header, mime_bytes
from notifications.models import Notification, ReminderDispatch


def parsed(data: bytes):
    message = message_from_bytes(data, policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
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
def test_the_smtp_path_sends_what_the_django_path_sends(settings, run_on, november_reports):
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


EMAIL = Email(
    subject="Nhắc hạn: Phụ lục 02", to=["an@example.vn", "binh@example.vn"],
    text="Kính gửi: Trần Thị An,\n.\nCĐCS Công ty A chưa gửi Phụ lục 02.\n", html="<p>Kính gửi</p>",
)


def mailer_to(sink: SmtpSink) -> BatchMailer:
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=sink.port, use_tls=False,
        username="", password="",
    )
    connection.open()
    return BatchMailer(connection)


@pytest.mark.parametrize(("pipelining", "sent_before_go_ahead"), [
    (True, ["EHLO", "MAIL", "RCPT", "RCPT", "DATA"]),  # one write; the message itself waits
    (False, ["EHLO", "MAIL", "RCPT", "RCPT"]),  # DATA waits
])
def test_the_message_goes_once_the_batch_says_go_ahead(pipelining, sent_before_go_ahead):
    seen = []
    with SmtpSink(keep=True, pipelining=pipelining) as sink:
        mailer = mailer_to(sink)
        assert mailer.send(EMAIL, go_ahead=lambda: seen.append((list(sink.commands), sink.count)) or True)
        mailer.connection.close()

    assert seen == [(sent_before_go_ahead, 0)]
    [(sender, recipients, data)] = sink.messages
    assert recipients == ["<an@example.vn>", "<binh@example.vn>"]
    message, text, html = parsed(data)
    assert (message["Subject"], text, html) == (EMAIL.subject, EMAIL.text, EMAIL.html)


def test_told_not_to_go_after_data_the_mailer_drops_the_connection_and_nothing_is_delivered():
    with SmtpSink(keep=True) as sink:
        mailer = mailer_to(sink)
        assert mailer.send(EMAIL, go_ahead=lambda: False) is False
        assert mailer.connection_lost  # past DATA, only the message or hanging up ends the transaction
        assert mailer_to(sink).send(EMAIL)

    assert sink.count == 1 and sink.connections == 2


def test_told_not_to_go_without_pipelining_the_mailer_resets_and_keeps_the_connection():
    with SmtpSink(keep=True, pipelining=False) as sink:
        mailer = mailer_to(sink)
        assert mailer.send(EMAIL, go_ahead=lambda: False) is False
        assert not mailer.connection_lost
        assert mailer.send(EMAIL)

    assert (sink.count, sink.resets, sink.connections) == (1, 1, 1)


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_refused_address_stops_neither_the_others_nor_the_next_email(pipelining):
    with SmtpSink(keep=True, refuse=frozenset({"an@example.vn"}), pipelining=pipelining) as sink:
        mailer = mailer_to(sink)
        assert mailer.send(EMAIL)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            mailer.send(Email(subject="x", to=["an@example.vn"], text="x", html="x"))
        assert mailer.send(EMAIL)

    assert refused.value.recipients["an@example.vn"][0] == 550
    assert [recipients for _sender, recipients, _data in sink.messages] == [["<binh@example.vn>"]] * 2
