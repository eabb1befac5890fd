"""reporting.demo: forms, periods, assignments and reports in every state, loaded by `seed_demo`."""

from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from organizations.demo import AN_GIANG_DEMO_GRASSROOTS
from organizations.management.commands.seed_demo import DEMO_APPS
from organizations.models import Unit, User
from reporting.choices import Aggregation, SubmissionStatus
from reporting.models import (
    ConsolidatedTotal,
    FormAssignment,
    Period,
    ReviewComment,
    Submission,
    SubmissionTransition,
    SubmissionValue,
)
from reporting.selectors import REPORTS_CELL, totals_differences, totals_recomputed, totals_stored

pytestmark = pytest.mark.django_db


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seeding shared by the read-only tests of this module, rolled back after them.

    Each test's own transaction is a savepoint inside this one.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        output = seed_demo()
        yield output
        transaction.set_rollback(True)


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    models = (Period, FormAssignment, Submission, SubmissionValue, SubmissionTransition, ReviewComment, ConsolidatedTotal)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def current_pl02() -> Period:
    return Period.objects.for_form("PL02").containing(timezone.localdate()).get()


def test_seeding_twice_changes_nothing(seeded):
    first_output, first = seeded, snapshot()

    output = seed_demo()

    line = next(row for row in first_output.splitlines() if row.startswith("reporting:"))
    assert "báo cáo:" in line and line.endswith("cập nhật 0")
    assert "reporting: đã đủ, không thay đổi gì" in output
    assert snapshot() == first
    assert "reporting" in DEMO_APPS


def test_periods_of_last_year_and_this_year_and_who_owes_what(seeded):
    year = timezone.localdate().year
    assert Period.objects.for_form("PL02").filter(year__in=[year - 1, year]).count() == 24
    assert set(Period.objects.for_form("PL03").values_list("year", flat=True)) == {year - 1, year}

    root = Unit.objects.get(code="TLD")
    owing_pl02 = FormAssignment.objects.filter(form__code="PL02").values_list("unit_id", flat=True)
    assert set(owing_pl02) == set(Unit.objects.exclude(pk=root.pk).values_list("pk", flat=True))
    assert set(FormAssignment.objects.filter(form__code="PL01").values_list("unit__depth", flat=True)) == {2}
    agiang = set(FormAssignment.objects.filter(form__code="AGIANG").values_list("unit__code", flat=True))
    assert AN_GIANG_DEMO_GRASSROOTS in agiang and all(code.startswith("LDLD-91-") for code in agiang)


def test_reports_in_every_state(seeded):
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses == set(SubmissionStatus.values)
    assert Submission.objects.filter(submitted_late=True).exists()
    assert Submission.objects.on_time().exists()
    returned = SubmissionTransition.objects.filter(to_status=SubmissionStatus.RETURNED, from_status=SubmissionStatus.SUBMITTED)
    assert ReviewComment.objects.filter(transition__in=returned).exists()
    assert SubmissionTransition.objects.filter(from_status=SubmissionStatus.APPROVED, to_status=SubmissionStatus.RETURNED).exists()
    # Every history reads in time order, no step in the future.
    now = timezone.now()
    for submission in Submission.objects.filter(unit__code__startswith="LDLD-91").prefetch_related("transitions")[:60]:
        moments = [t.at for t in submission.transitions.all()]
        assert moments == sorted(moments) and moments[-1] <= now
        assert (submission.first_submitted_at is None) == (submission.status == SubmissionStatus.DRAFT and len(moments) == 1)


def test_the_officer_accounts_union_has_not_sent_this_months_report(seeded):
    period = current_pl02()
    assert not Submission.objects.filter(
        unit__code=AN_GIANG_DEMO_GRASSROOTS, period=period, status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED]
    ).exists()
    # …though it has a history of approved months, and other unions of the province have sent theirs.
    assert Submission.objects.filter(unit__code=AN_GIANG_DEMO_GRASSROOTS, status=SubmissionStatus.APPROVED).count() >= 2
    assert Submission.objects.filter(period=period, unit__code__startswith="LDLD-91-").exclude(
        status=SubmissionStatus.DRAFT
    ).exists()


def test_the_an_giang_reviewer_has_reports_waiting(seeded):
    reviewer = User.objects.get(username="duyet.angiang")
    waiting = Submission.objects.reviewable_by(reviewer).awaiting_review()
    assert waiting.filter(period=current_pl02()).count() >= 3
    assert waiting.exclude(period=current_pl02()).exists()  # one from the month before, sent late


def test_an_giangs_consolidated_totals_are_the_sums_of_its_approved_reports(seeded):
    an_giang = Unit.objects.get(code="LDLD-91")
    approved = (
        SubmissionValue.objects.filter(
            submission__status=SubmissionStatus.APPROVED, submission__unit__path__startswith=an_giang.path,
            row__aggregation=Aggregation.SUM, number__isnull=False,
        )
        .values("submission__period_id", "row__key", "column")
        .annotate(total=Sum("number"))
    )
    expected = {(v["submission__period_id"], v["row__key"], v["column"]): v["total"] for v in approved}
    stored = defaultdict(Decimal)
    for cell in ConsolidatedTotal.objects.filter(unit=an_giang, contributors__gt=0).exclude(row_key=REPORTS_CELL[0]):
        stored[(cell.period_id, cell.row_key, cell.column)] = cell.total
    reports = ConsolidatedTotal.objects.filter(unit=an_giang, row_key=REPORTS_CELL[0]).aggregate(n=Sum("total"))["n"]
    assert reports == Submission.objects.approved().filter(unit__path__startswith=an_giang.path).count()

    assert len(expected) > 40
    assert dict(stored) == expected
    assert totals_differences(totals_stored(), totals_recomputed()) == []
