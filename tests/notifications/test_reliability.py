"""Exactly once, whatever happens: a batch delivered twice, two dispatchers racing, SMTP failures,
a worker killed mid-batch, a lost queue, a unit that sends its report between claim and email,
the provider's rate limit, and one SMTP connection per batch."""

import itertools
from datetime import date, datetime, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail

from notifications import services
from notifications.choices import DispatchKind, DispatchStatus
from notifications.models import Notification, ReminderDispatch
from notifications.selectors import reminders_due
from notifications.services import reminder_batch_send, reminders_dispatch
from notifications.tasks import send_reminder_batch
from reporting.choices import SubmissionStatus
from tests.notifications.conftest import at_8am, recipients, report
from tests.notifications.mailbackends import FlakyBackend

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)
OWING = ["can_bo_a@example.vn", "can_bo_b@example.vn", "can_bo_ct@example.vn", "can_bo_hn@example.vn"]


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.mailbackends.FlakyBackend"
    FlakyBackend.transient, FlakyBackend.refused, FlakyBackend.opened = {}, set(), 0
    mail.outbox = []
    yield FlakyBackend
    FlakyBackend.transient, FlakyBackend.refused, FlakyBackend.opened = {}, set(), 0


def claim(day=DAY, **kwargs) -> list[list[int]]:
    """Run the dispatcher on `day` keeping the claimed batches instead of sending them."""
    batches: list[list[int]] = []
    with time_machine.travel(at_8am(day), tick=False):
        reminders_dispatch(on=day, send=batches.append, **kwargs)
    return batches


def status_of(unit) -> str:
    return ReminderDispatch.objects.get(unit=unit).status


def test_a_batch_delivered_twice_sends_each_email_once(november_reports, flaky):
    [ids] = claim()

    first = reminder_batch_send(dispatch_ids=ids)
    second = reminder_batch_send(dispatch_ids=ids)

    assert (first.emails, first.notifications) == (4, 4)
    assert (second.emails, second.notifications) == (0, 0)
    assert recipients(mail.outbox) == OWING
    assert Notification.objects.count() == 4


def test_a_second_dispatcher_claims_nothing(november_reports):
    assert sum(len(batch) for batch in claim()) == 4
    assert claim() == []


def test_two_dispatchers_racing_claim_each_unit_once(november_reports, tree):
    # Another beat's INSERT committed first for two of the four units: this run's INSERT meets the
    # unique constraint there, and what carries this run's token is only what it won.
    for unit in (tree.company_a, tree.company_b):
        ReminderDispatch.objects.create(
            unit=unit, period=november_reports, kind=DispatchKind.REMINDER, scheduled_for=DAY, run_date=DAY,
            claim="the-other-beat",
        )

    [ids] = claim()

    won = set(ReminderDispatch.objects.filter(pk__in=ids).values_list("unit__code", flat=True))
    assert won == {"AG-CT", "HN"}
    assert ReminderDispatch.objects.count() == 4


def test_an_smtp_failure_is_retried_later_without_holding_up_the_other_units(november_reports, flaky, tree):
    flaky.transient["can_bo_a@example.vn"] = 1
    [ids] = claim()

    result = reminder_batch_send(dispatch_ids=ids)

    assert result.emails == 3
    assert result.retry_ids == [ReminderDispatch.objects.get(unit=tree.company_a).pk]
    assert status_of(tree.company_a) == DispatchStatus.PENDING
    assert "SMTPServerDisconnected" in ReminderDispatch.objects.get(unit=tree.company_a).error

    again = reminder_batch_send(dispatch_ids=result.retry_ids)

    assert again.emails == 1 and again.notifications == 0  # its notification was written the first time
    assert recipients(mail.outbox) == OWING
    assert status_of(tree.company_a) == DispatchStatus.SENT


def test_the_task_asks_the_broker_to_retry_what_failed_with_backoff(november_reports, flaky, tree, monkeypatch):
    flaky.transient["can_bo_a@example.vn"] = 1
    [ids] = claim()
    asked = []
    monkeypatch.setattr(send_reminder_batch, "retry", lambda **kwargs: asked.append(kwargs) or Retry())
    send_reminder_batch.push_request(retries=2, is_eager=False)  # as a worker runs its third try
    try:
        with pytest.raises(Retry):
            send_reminder_batch.run(ids)
    finally:
        send_reminder_batch.pop_request()

    company_a = ReminderDispatch.objects.get(unit=tree.company_a)
    assert asked == [{"args": [[company_a.pk]], "countdown": 240}]  # 1, 2, 4 minutes…
    assert recipients(mail.outbox) == OWING[1:]  # the others went at once
    assert company_a.status == DispatchStatus.PENDING


def test_after_the_last_retry_the_reminder_is_marked_failed(november_reports, flaky, tree):
    flaky.transient["can_bo_a@example.vn"] = 1
    [ids] = claim()

    send_reminder_batch.apply(args=[ids], retries=send_reminder_batch.max_retries)

    assert recipients(mail.outbox) == OWING[1:]
    dispatch = ReminderDispatch.objects.get(unit=tree.company_a)
    assert dispatch.status == DispatchStatus.FAILED and "nhiều lần" in dispatch.error


def test_without_a_broker_what_failed_waits_for_the_next_run(november_reports, flaky, tree, run_on):
    flaky.transient["can_bo_a@example.vn"] = 1

    first = run_on(DAY)
    with time_machine.travel(at_8am(DAY) + timedelta(hours=1), tick=False):
        counts = reminders_dispatch(on=DAY, send=lambda ids: reminder_batch_send(dispatch_ids=ids))

    assert recipients(first) == OWING[1:]
    assert counts.resumed == 1 and counts.emails == 1
    assert recipients(mail.outbox) == OWING


def test_an_address_the_server_refuses_fails_at_once_and_the_others_go(november_reports, flaky, tree):
    flaky.refused.add("can_bo_b@example.vn")
    [ids] = claim()

    result = reminder_batch_send(dispatch_ids=ids)

    assert (result.emails, result.failed, result.retry_ids) == (3, 1, [])
    assert status_of(tree.company_b) == DispatchStatus.FAILED
    assert "SMTPRecipientsRefused" in ReminderDispatch.objects.get(unit=tree.company_b).error


def test_a_server_that_is_down_is_not_tried_for_every_address(november_reports, flaky):
    for address in OWING:
        flaky.transient[address] = 1
    [ids] = claim()

    result = reminder_batch_send(dispatch_ids=ids)

    assert result.emails == 0
    assert sorted(result.retry_ids) == sorted(ids)
    assert flaky.opened == services.FAILURES_BEFORE_PAUSE
    assert flaky.transient["can_bo_b@example.vn"] == 1  # the last in tree order was never tried
    assert set(ReminderDispatch.objects.values_list("status", flat=True)) == {DispatchStatus.PENDING}


def test_a_batch_picked_up_after_its_worker_was_killed_sends_the_rest_and_nothing_twice(november_reports, flaky, tree):
    [ids] = claim()
    # The worker died while sending company A's email (sent or not, nobody knows) after B's went.
    ReminderDispatch.objects.filter(unit=tree.company_b).update(status=DispatchStatus.SENT)
    ReminderDispatch.objects.filter(unit=tree.company_a).update(status=DispatchStatus.SENDING)

    result = reminder_batch_send(dispatch_ids=ids)  # the broker hands the batch to the next worker

    assert result.emails == 2
    assert recipients(mail.outbox) == ["can_bo_ct@example.vn", "can_bo_hn@example.vn"]
    assert status_of(tree.company_a) == DispatchStatus.SENDING


def test_a_batch_out_of_time_hands_back_the_rest(november_reports, flaky):
    [ids] = claim()

    result = reminder_batch_send(dispatch_ids=ids, time_budget=-1)
    rest = reminder_batch_send(dispatch_ids=result.remaining_ids)

    assert result.emails == 0 and sorted(result.remaining_ids) == sorted(ids)
    assert rest.emails == 4
    assert recipients(mail.outbox) == OWING


def test_a_batch_out_of_time_after_its_first_email_hands_back_the_one_it_had_claimed_ahead(
    november_reports, flaky, monkeypatch
):
    [ids] = claim()
    clock = itertools.chain([0.0, 0.0], itertools.repeat(100.0))  # it starts, sends one email, then time is up
    monkeypatch.setattr(services.time, "monotonic", lambda: next(clock))

    result = reminder_batch_send(dispatch_ids=ids, time_budget=50)

    assert result.emails == 1 and len(result.remaining_ids) == 3
    assert len(mail.outbox) == 1
    # The next email's claim had gone out with the first one: it is pending again, for the rest.
    assert sorted(ReminderDispatch.objects.values_list("status", flat=True)) == [DispatchStatus.PENDING] * 3 + [
        DispatchStatus.SENT
    ]
    assert reminder_batch_send(dispatch_ids=result.remaining_ids).emails == 3
    assert recipients(mail.outbox) == OWING


def test_reminders_left_pending_by_a_lost_queue_are_sent_by_the_next_run(november_reports, run_on):
    claim()  # claimed on the 20th, but the batches never reached a worker

    sent = run_on(date(2026, 11, 22))

    assert recipients(sent) == OWING
    assert all("còn 3 ngày" in m.body for m in sent)  # counted from the day it finally went
    assert ReminderDispatch.objects.count() == 4  # the same rows, not new ones
    assert run_on(date(2026, 11, 23)) == []


def test_the_command_picks_up_what_was_left_pending(november_reports):
    claim()

    with time_machine.travel(at_8am(DAY) + timedelta(minutes=30), tick=False):
        counts = reminders_dispatch(on=DAY, send=lambda ids: reminder_batch_send(dispatch_ids=ids))

    assert counts.resumed == 4 and counts.reminders == 0 and counts.emails == 4
    assert recipients(mail.outbox) == OWING


def test_a_unit_that_sends_its_report_after_the_claim_is_not_reminded(november_reports, tree, actors):
    [ids] = claim()
    report(tree.company_a, november_reports, actors.system_admin, status=SubmissionStatus.SUBMITTED)

    result = reminder_batch_send(dispatch_ids=ids)

    assert result.emails == 3 and result.not_needed == 1
    assert "can_bo_a@example.vn" not in recipients(mail.outbox)
    assert status_of(tree.company_a) == DispatchStatus.NOT_NEEDED


def test_each_batch_sends_over_one_connection(november_reports, flaky, settings):
    settings.REMINDER_BATCH_SIZE = 2  # the environment refuses less than 100; 2 shows the chunks
    batches = claim()

    for ids in batches:
        reminder_batch_send(dispatch_ids=ids)

    assert [len(ids) for ids in batches] == [2, 2]
    assert flaky.opened == 2
    assert recipients(mail.outbox) == OWING


def test_the_rate_limit_spreads_the_emails_over_seconds(november_reports, settings, monkeypatch):
    class Clock:
        """Seconds that pass only when someone sleeps; a start of its own keeps cache keys apart."""

        now = 1_700_000_000.0 + datetime.now().microsecond

        def time(self):
            return self.now

        def sleep(self, seconds):
            self.now += seconds

        def monotonic(self):
            return self.now

    clock = Clock()
    seconds = []
    monkeypatch.setattr(services, "time", clock)
    original = services._throttle

    def throttle():
        original()
        seconds.append(int(clock.now))

    monkeypatch.setattr(services, "_throttle", throttle)
    settings.REMINDER_EMAIL_RATE = 2
    [ids] = claim()

    reminder_batch_send(dispatch_ids=ids)

    assert len(mail.outbox) == 4
    assert [seconds.count(s) for s in sorted(set(seconds))] == [2, 2]


def test_the_focal_officer_of_phu_luc_01_is_told_too(tree, actors, forms, periods, people, run_on):
    from reporting.services import periods_generate, submission_open, submission_save, submission_submit

    [pl01] = periods_generate(year=2026, forms=[forms["PL01"]])
    submission = submission_open(unit=tree.an_giang, period=pl01, by=actors.system_admin)
    cells = {("advisory_department", "value"): "Ban Chính sách – Pháp luật"}
    for line, name in (("1", "Trần Văn Một"), ("2", "Lê Thị Hai"), ("3", "Ngô Văn Lực")):
        cells[("officers", f"{line}.name")] = name
        cells[("officers", f"{line}.phone")] = "0912345678"
    cells[("officers", "3.email")] = "dau.moi@ldld-ag.example.vn"
    submission = submission_save(
        submission=submission, cells=cells, expected_version=submission.version, by=actors.system_admin
    ).submission
    submission_submit(submission=submission, expected_version=submission.version, by=actors.system_admin)
    mail.outbox = []

    sent = run_on(DAY)

    [to_an_giang] = [m for m in sent if "can_bo_ag@example.vn" in m.to]
    assert to_an_giang.to == ["can_bo_ag@example.vn", "dau.moi@ldld-ag.example.vn"]
    assert "Võ Văn Phúc, Ngô Văn Lực" in to_an_giang.body
    assert Notification.objects.filter(dispatch__unit=tree.an_giang).count() == 1  # the focal officer has no account


def test_what_is_due_is_worked_out_once_per_day(periods):
    assert [d.scheduled_for for d in reminders_due(on=DAY)] == [DAY]
