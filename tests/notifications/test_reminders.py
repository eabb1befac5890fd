"""The daily dispatcher, frozen at 08:00 on the days that matter: exactly the units that still owe
their report are reminded, once; the day after the deadline each upper unit's reviewers get one
digest listing exactly the units below still missing.

PL02 is due on the 25th with reminders 5 days before and on the day (20th, 25th); PL03 on 05/12
with reminders 10 and 5 days before and on the day.
"""

from datetime import date

import pytest

from notifications.choices import DispatchKind, DispatchStatus
from notifications.models import Notification, ReminderDispatch
from notifications.selectors import form_name, form_names, reminders_due
from tests.notifications.conftest import recipients

pytestmark = pytest.mark.django_db

def pl02(messages) -> list:
    """The monthly report's reminders among `messages` (PL03's fall on some of the same days)."""
    return [m for m in messages if "Phụ lục 02" in m.subject]


# Officers of units that have not sent November: returned (Châu Thành), nothing (A, B), draft (Hà Nội).
OWING_NOVEMBER = ["can_bo_a@example.vn", "can_bo_b@example.vn", "can_bo_ct@example.vn", "can_bo_hn@example.vn"]


def test_nothing_is_due_on_the_19th(run_on, november_reports):
    assert run_on(date(2026, 11, 19)) == []
    assert not ReminderDispatch.objects.exists()


def test_on_the_20th_the_units_that_have_not_sent_are_reminded_and_the_others_are_not(run_on, november_reports):
    sent = run_on(date(2026, 11, 20))

    assert recipients(sent) == OWING_NOVEMBER  # not An Giang (submitted) nor the hospital (approved)
    message = next(m for m in sent if m.to == ["can_bo_a@example.vn"])
    assert "Phụ lục 02 tháng 11/2026" in message.subject
    assert "25/11/2026" in message.body and "còn 5 ngày" in message.body
    assert "Trạng thái: Chưa gửi" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "25/11/2026" in html and "còn 5 ngày" in html


def test_the_email_links_straight_to_the_form(run_on, november_reports, tree, settings):
    settings.PORTAL_URL = "https://congdoan.example.vn"
    [message] = [m for m in run_on(date(2026, 11, 20)) if m.to == ["can_bo_a@example.vn"]]

    link = f"https://congdoan.example.vn/bao-cao/{tree.company_a.pk}/PL02/2026-11/"
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]


def test_a_returned_report_and_a_draft_are_reminded_with_their_state(run_on, november_reports):
    sent = {m.to[0]: m for m in run_on(date(2026, 11, 20))}

    assert "Trạng thái: Bị trả lại" in sent["can_bo_ct@example.vn"].body
    assert "Trạng thái: Đang soạn" in sent["can_bo_hn@example.vn"].body


def test_running_twice_the_same_day_sends_nothing_more(run_on, november_reports):
    first = run_on(date(2026, 11, 20))
    again = run_on(date(2026, 11, 20))
    next_day = run_on(date(2026, 11, 21))

    assert len(first) == 4
    assert again == [] and next_day == []
    assert Notification.objects.count() == 4
    assert ReminderDispatch.objects.count() == 4
    assert set(ReminderDispatch.objects.values_list("status", flat=True)) == {DispatchStatus.SENT}


def test_on_the_25th_the_units_still_owing_get_the_reminder_of_the_day(run_on, november_reports, tree, actors):
    from reporting.choices import SubmissionStatus
    from tests.notifications.conftest import report

    run_on(date(2026, 11, 20))
    report(tree.company_b, november_reports, actors.system_admin, status=SubmissionStatus.SUBMITTED)

    sent = pl02(run_on(date(2026, 11, 25)))

    assert recipients(sent) == ["can_bo_a@example.vn", "can_bo_ct@example.vn", "can_bo_hn@example.vn"]
    assert all("hôm nay là hạn cuối" in m.body for m in sent)
    assert run_on(date(2026, 11, 25)) == []


def test_the_day_after_the_deadline_each_upper_unit_gets_one_digest_of_exactly_the_units_missing(
    run_on, november_reports, tree
):
    run_on(date(2026, 11, 25))

    sent = run_on(date(2026, 11, 26))

    digests = {m.to[0]: m for m in sent}
    assert sorted(digests) == ["duyet_ag@example.vn", "duyet_hn@example.vn", "duyet_tld@example.vn"]
    listed = {
        address: sorted(line.split()[1] for line in m.body.splitlines() if line.startswith("- "))
        for address, m in digests.items()
    }
    assert listed == {
        "duyet_ag@example.vn": ["AG-CT", "AG-CT-A"],  # not the hospital (approved)
        "duyet_hn@example.vn": ["HN-B"],
        "duyet_tld@example.vn": ["AG-CT", "AG-CT-A", "HN", "HN-B"],  # not An Giang (submitted)
    }
    assert "2 đơn vị chưa gửi Phụ lục 02 tháng 11/2026" in digests["duyet_ag@example.vn"].subject
    assert "/bao-cao/tinh-hinh-nop/?bieu_mau=PL02&ky=2026-11&don_vi=AG" in digests["duyet_ag@example.vn"].body
    assert f"/don-vi/{tree.company_a.pk}/" in digests["duyet_ag@example.vn"].body  # nothing opened: the unit's page
    html = digests["duyet_ag@example.vn"].alternatives[0][0]
    assert "Công đoàn cơ sở Công ty A" in html and "Bệnh viện" not in html
    assert run_on(date(2026, 11, 26)) == []
    assert ReminderDispatch.objects.filter(kind=DispatchKind.ESCALATION).count() == 3


def test_on_05_12_every_unit_owing_the_annual_report_is_reminded_once_per_reminder_day(run_on, periods, people):
    everyone = sorted(
        f"{u.username}@example.vn"
        for u in (people.officer_a, people.officer_b, people.officer_an_giang, people.officer_chau_thanh,
                  people.officer_hospital, people.officer_ha_noi)
    )

    on_30_11 = run_on(date(2026, 11, 30))
    on_05_12 = run_on(date(2026, 12, 5))

    assert recipients(on_30_11) == everyone  # 5 days before 05/12
    assert recipients(on_05_12) == everyone  # on the day
    assert all("Phụ lục 03 năm 2026" in m.subject and "05/12/2026" in m.body for m in on_05_12)
    assert run_on(date(2026, 12, 5)) == []


def test_one_form_only(run_on, november_reports):
    assert run_on(date(2026, 11, 30), form_code="PL02") == []
    assert len(run_on(date(2026, 11, 30), form_code="PL03")) == 6


def test_a_reminder_day_missed_is_sent_by_the_next_run_within_the_grace_window(run_on, november_reports, settings):
    settings.REMINDER_GRACE_DAYS = 3

    sent = run_on(date(2026, 11, 22))  # beat was down on the 20th and 21st

    assert recipients(sent) == OWING_NOVEMBER
    assert all("còn 3 ngày" in m.body for m in sent)
    assert run_on(date(2026, 11, 23)) == []


def test_a_reminder_day_missed_beyond_the_grace_window_is_not_sent_late(run_on, november_reports, settings):
    settings.REMINDER_GRACE_DAYS = 3

    assert run_on(date(2026, 11, 24)) == []


def test_when_several_reminder_days_were_missed_only_the_latest_is_sent(run_on, november_reports, settings):
    settings.REMINDER_GRACE_DAYS = 7

    sent = pl02(run_on(date(2026, 11, 25)))

    assert recipients(sent) == OWING_NOVEMBER  # once each, the reminder of the 25th
    assert set(
        ReminderDispatch.objects.filter(kind=DispatchKind.REMINDER, period=november_reports)
        .values_list("scheduled_for", flat=True)
    ) == {date(2026, 11, 25)}


def test_the_reminder_days_are_the_forms_data(run_on, november_reports, forms):
    forms["PL02"].reminder_offsets = [-3]
    forms["PL02"].save()

    assert run_on(date(2026, 11, 20)) == []
    assert recipients(run_on(date(2026, 11, 22))) == OWING_NOVEMBER


def test_a_moved_due_date_moves_the_reminders(run_on, november_reports):
    november_reports.due_date = date(2026, 11, 28)
    november_reports.save()

    assert run_on(date(2026, 11, 20)) == []
    assert recipients(run_on(date(2026, 11, 23))) == OWING_NOVEMBER


def test_an_inactive_form_and_a_closed_unit_are_not_reminded(run_on, november_reports, forms, tree):
    tree.company_b.is_active = False
    tree.company_b.save()
    assert "can_bo_b@example.vn" not in recipients(run_on(date(2026, 11, 20)))

    forms["PL02"].is_active = False
    forms["PL02"].save()
    assert pl02(run_on(date(2026, 11, 25))) == []


def test_the_days_due_are_worked_out_from_the_periods(periods):
    def due(day):
        return sorted((d.period.form.code, d.kind, d.scheduled_for) for d in reminders_due(on=day))

    assert due(date(2026, 11, 19)) == []
    assert due(date(2026, 11, 20)) == [("PL02", "reminder", date(2026, 11, 20))]
    assert due(date(2026, 11, 26)) == [
        ("PL02", "escalation", date(2026, 11, 26)), ("PL02", "reminder", date(2026, 11, 25)),
        ("PL03", "reminder", date(2026, 11, 25)),
    ]
    assert due(date(2026, 12, 5)) == [("PL03", "reminder", date(2026, 12, 5))]
    assert due(date(2026, 12, 6)) == [("PL03", "escalation", date(2026, 12, 6)), ("PL03", "reminder", date(2026, 12, 5))]


def test_a_batch_calls_each_form_as_people_do(forms):
    # One query for a batch's forms, the same names as one form at a time.
    assert form_names(form.pk for form in forms.values()) == {form.pk: form_name(form) for form in forms.values()}
    assert form_name(forms["PL02"]) == "Phụ lục 02"
