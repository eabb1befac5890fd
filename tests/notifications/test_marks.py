"""Over SMTP on PostgreSQL, each email's claim travels on a second connection while its SMTP
exchange runs (notifications/marks.py). What a person would notice is unchanged: each owing
unit's officer gets one email, every email is recorded, an email whose claim another run won is
never handed over, and a refused address is marked failed without stopping the others.

The test commits its data: the batch's second connection must see the claimed rows."""

import pytest
from django.db import connection

from bench.smtp_sink import SmtpSink
from notifications import marks, services
from notifications.choices import DispatchStatus
from notifications.models import ReminderDispatch
from notifications.services import reminder_batch_send
from tests.notifications.test_reliability import OWING, claim

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def overlapped(monkeypatch):
    """Counts the batches that marked their emails on a second connection."""
    if connection.vendor != "postgresql":
        pytest.skip("Marks overlap the SMTP exchange on PostgreSQL only; elsewhere they are serial")
    opened = []
    real_connect = marks.OverlappedMarks.connect

    def connect_and_count():
        opened.append(real_connect())
        return opened[-1]

    monkeypatch.setattr(marks.OverlappedMarks, "connect", connect_and_count)
    return opened


def smtp_to(settings, sink: SmtpSink) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def delivered_to(sink: SmtpSink) -> list[str]:
    return sorted(address.strip("<>") for _sender, recipients, _data in sink.messages for address in recipients)


def statuses() -> dict[str, int]:
    found: dict[str, int] = {}
    for status in ReminderDispatch.objects.values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def test_each_owing_officer_gets_one_email_and_each_is_recorded_sent(settings, november_reports, overlapped, caplog):
    with SmtpSink(keep=True) as sink:
        smtp_to(settings, sink)
        [ids] = claim()
        first = reminder_batch_send(dispatch_ids=ids)
        again = reminder_batch_send(dispatch_ids=ids)

    assert len(overlapped) == 1  # the first batch; the second found nothing pending
    assert "marking serially" not in caplog.text  # the second connection was finished and used
    assert (first.emails, again.emails) == (4, 0)
    assert delivered_to(sink) == OWING
    assert statuses() == {DispatchStatus.SENT: 4}
    assert sorted(ReminderDispatch.objects.values_list("email_to", flat=True)) == OWING
    assert sink.resets == 0


@pytest.mark.parametrize("pipelining", [True, False])
def test_an_email_whose_claim_another_run_won_is_never_handed_over(
    settings, november_reports, overlapped, tree, monkeypatch, pipelining
):
    real_notify = services._notify

    def notify_then_lose_company_a(prepared):
        # Another run of the batch claims Công ty A's email after this one read the batch.
        ReminderDispatch.objects.filter(unit=tree.company_a).update(status=DispatchStatus.SENDING)
        return real_notify(prepared)

    monkeypatch.setattr(services, "_notify", notify_then_lose_company_a)
    with SmtpSink(keep=True, pipelining=pipelining) as sink:
        smtp_to(settings, sink)
        [ids] = claim()
        result = reminder_batch_send(dispatch_ids=ids)

    assert result.emails == 3
    assert delivered_to(sink) == [address for address in OWING if address != "can_bo_a@example.vn"]
    # Its claim was answered before any of its SMTP commands went: no transaction to drop.
    assert sink.commands.count("MAIL") == 3
    assert (sink.resets, sink.connections) == (0, 1)
    assert ReminderDispatch.objects.get(unit=tree.company_a).status == DispatchStatus.SENDING  # the other run's
    assert statuses() == {DispatchStatus.SENT: 3, DispatchStatus.SENDING: 1}


def test_a_refused_address_is_marked_failed_and_the_others_go(settings, november_reports, overlapped, tree):
    with SmtpSink(keep=True, refuse=frozenset({"can_bo_a@example.vn"})) as sink:
        smtp_to(settings, sink)
        [ids] = claim()
        result = reminder_batch_send(dispatch_ids=ids)

    assert (result.emails, result.failed, result.retry_ids) == (3, 1, [])
    assert delivered_to(sink) == [address for address in OWING if address != "can_bo_a@example.vn"]
    refused = ReminderDispatch.objects.get(unit=tree.company_a)
    assert refused.status == DispatchStatus.FAILED and "550" in refused.error
    assert statuses() == {DispatchStatus.SENT: 3, DispatchStatus.FAILED: 1}
