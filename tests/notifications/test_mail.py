"""The reminder emails written straight to bytes on SMTP (notifications/mail.py) say exactly what the
same emails built by Django's email classes say: same subject, sender, addresses and both texts."""

from datetime import date
from email import message_from_bytes, policy

import pytest
from django.core import mail

from bench.smtp_sink import SmtpSink
from notifications.mail import encode_header, mime_bytes
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
