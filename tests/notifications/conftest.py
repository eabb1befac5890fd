"""Reminders stand on the tree of tests/conftest.py, with PL02 and PL03 owed by every unit below TLĐ:

TLĐ (reviewer_tld)
├── LĐLĐ An Giang (officer_an_giang, reviewer_an_giang)   — 11/2026: submitted
│   ├── LĐLĐ huyện Châu Thành (officer_chau_thanh)          — 11/2026: returned
│   │   └── CĐCS Công ty A (officer_a)                        — 11/2026: nothing sent
│   └── CĐCS Bệnh viện An Giang (officer_hospital)          — 11/2026: approved
└── LĐLĐ Hà Nội (officer_ha_noi, reviewer_ha_noi)          — 11/2026: draft
    └── CĐCS Công ty B (officer_b)                            — 11/2026: nothing sent
"""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from organizations.choices import Role
from organizations.models import Unit
from reporting.choices import SubmissionStatus
from reporting.definitions import ensure_forms_loaded
from reporting.models import Form
from reporting.services import (
    form_assign,
    periods_generate,
    submission_approve,
    submission_open,
    submission_return,
    submission_save,
    submission_submit,
)
from tests.factories import user_with_role

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def at_8am(day: date) -> datetime:
    """The moment beat starts the dispatcher on `day`."""
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=VIETNAM)


def report(unit, period, by, *, status, reviewer=None):
    """The unit's report for the period taken to `status` through the services."""
    submission = submission_open(unit=unit, period=period, by=by)
    submission = submission_save(
        submission=submission, cells={("directives", "value"): "1"}, expected_version=submission.version, by=by
    ).submission
    if status == SubmissionStatus.DRAFT:
        return submission
    submission = submission_submit(submission=submission, expected_version=submission.version, by=by)
    if status == SubmissionStatus.RETURNED:
        return submission_return(
            submission=submission, expected_version=submission.version, by=reviewer, comment="Xem lại số liệu"
        )
    if status == SubmissionStatus.APPROVED:
        return submission_approve(submission=submission, expected_version=submission.version, by=reviewer)
    return submission


@pytest.fixture
def forms(db):
    ensure_forms_loaded()
    return {form.code: form for form in Form.objects.all()}


@pytest.fixture
def periods(tree, forms):
    """The 2026 periods of PL02 and PL03, owed by every unit below TLĐ since 1/1/2026."""
    below = Unit.objects.filter(depth__gt=1)
    for code in ("PL02", "PL03"):
        periods_generate(year=2026, forms=[forms[code]])
        form_assign(form=forms[code], units=below, valid_from=date(2026, 1, 1))
    return SimpleNamespace(
        november=forms["PL02"].periods.get(year=2026, month=11),
        december=forms["PL02"].periods.get(year=2026, month=12),
        year=forms["PL03"].periods.get(year=2026),
    )


@pytest.fixture
def people(tree, actors):
    """An officer for every unit, and reviewers at TLĐ, An Giang and Hà Nội."""
    return SimpleNamespace(
        officer_a=actors.officer_a,
        officer_b=actors.officer_b,
        officer_an_giang=user_with_role(tree.an_giang, Role.OFFICER, username="can_bo_ag", full_name="Võ Văn Phúc"),
        officer_chau_thanh=user_with_role(
            tree.chau_thanh, Role.OFFICER, username="can_bo_ct", full_name="Nguyễn Thị Hồng"
        ),
        officer_hospital=user_with_role(tree.hospital, Role.OFFICER, username="can_bo_bv", full_name="Lý Văn Sơn"),
        officer_ha_noi=user_with_role(tree.ha_noi, Role.OFFICER, username="can_bo_hn", full_name="Đinh Thị Thủy"),
        reviewer_an_giang=actors.reviewer_an_giang,
        reviewer_ha_noi=user_with_role(tree.ha_noi, Role.REVIEWER, username="duyet_hn", full_name="Mai Văn Tâm"),
        reviewer_tld=user_with_role(tree.tld, Role.REVIEWER, username="duyet_tld", full_name="Hoàng Văn Giang"),
    )


@pytest.fixture
def november_reports(tree, actors, periods, people):
    """November 2026 as the tree above says; taken through the services before any reminder runs."""
    admin = actors.system_admin
    november = periods.november
    report(tree.an_giang, november, admin, status=SubmissionStatus.SUBMITTED)
    report(tree.chau_thanh, november, admin, status=SubmissionStatus.RETURNED, reviewer=people.reviewer_an_giang)
    report(tree.hospital, november, admin, status=SubmissionStatus.APPROVED, reviewer=people.reviewer_an_giang)
    report(tree.ha_noi, november, admin, status=SubmissionStatus.DRAFT)
    mail.outbox.clear()
    return november


@pytest.fixture
def run_on(django_capture_on_commit_callbacks):
    """Run the daily dispatcher as beat would at 08:00 on a day (tasks eager, enqueued on commit);
    returns the emails it sent."""
    from notifications.tasks import dispatch_reminders

    def run(day: date, **kwargs) -> list:
        before = len(mail.outbox)
        with time_machine.travel(at_8am(day), tick=False), django_capture_on_commit_callbacks(execute=True):
            dispatch_reminders.delay(**kwargs)
        return mail.outbox[before:]

    return run


def recipients(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)
