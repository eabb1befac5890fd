"""Phụ lục 04: who under a unit owes the form for a period and where each one stands.

November 2026 of PL02 is due on 25/11/2026 (end of day, Asia/Ho_Chi_Minh). Every unit of the
tree owes it. Statuses: approved, on time and late (sent, waiting for review), returned, draft
(opened, never sent) and missing (nothing at all).
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.choices import UnitKindCode
from organizations.models import Unit
from reporting.choices import ComplianceStatus, SubmissionStatus
from reporting.models import FormAssignment
from reporting.selectors import compliance, compliance_counts
from reporting.services import form_assign
from tests.factories import UnitFactory, province, unit_kind
from tests.reporting.test_consolidation import assigned, report, reviewer_tld  # noqa: F401 - fixtures

ON_TIME_DAY = "2026-11-20 09:00 +07:00"
LATE_DAY = "2026-11-27 10:00 +07:00"


@pytest.fixture
def statuses(tree, actors, assigned, reviewer_tld):  # noqa: F811 - fixtures
    admin = actors.system_admin
    with time_machine.travel(ON_TIME_DAY):
        report(tree.company_a, assigned, admin, reviewer=reviewer_tld, directives="1")
        report(tree.an_giang, assigned, admin, status=SubmissionStatus.SUBMITTED, directives="1")
        report(tree.chau_thanh, assigned, admin, status=SubmissionStatus.RETURNED, reviewer=reviewer_tld, directives="1")
    with time_machine.travel(LATE_DAY):
        report(tree.hospital, assigned, admin, status=SubmissionStatus.SUBMITTED, directives="1")
        report(tree.company_b, assigned, admin, status=SubmissionStatus.DRAFT, directives="1")
    return assigned


def by_code(units):
    return {u.code: u.compliance_status for u in units}


def test_each_unit_below_has_its_status(tree, statuses):
    assert by_code(compliance(unit=tree.tld, period=statuses)) == {
        "AG": ComplianceStatus.ON_TIME,
        "AG-CT": ComplianceStatus.RETURNED,
        "AG-CT-A": ComplianceStatus.APPROVED,
        "AG-BV": ComplianceStatus.LATE,
        "HN": ComplianceStatus.MISSING,
        "HN-B": ComplianceStatus.DRAFT,
    }
    assert [u.code for u in compliance(unit=tree.tld, period=statuses)] == ["AG", "AG-CT", "AG-CT-A", "AG-BV", "HN", "HN-B"]
    # Strictly below: An Giang's list does not hold An Giang itself.
    assert set(by_code(compliance(unit=tree.an_giang, period=statuses))) == {"AG-CT", "AG-CT-A", "AG-BV"}


def test_the_rows_carry_the_submission_times(tree, statuses):
    rows = {u.code: u for u in compliance(unit=tree.tld, period=statuses)}
    assert rows["AG-BV"].submitted_late is True and rows["AG-BV"].first_submitted_at.day == 27
    assert rows["AG-CT-A"].approved_at is not None
    assert rows["HN"].first_submitted_at is None and rows["HN"].submission_id is None


def test_the_end_of_the_due_date_in_vietnam_decides(tree, actors, assigned):  # noqa: F811
    with time_machine.travel("2026-11-25 23:59 +07:00"):
        report(tree.company_a, assigned, actors.system_admin, status=SubmissionStatus.SUBMITTED, directives="1")
    with time_machine.travel("2026-11-26 00:00:30 +07:00"):  # still the 25th in UTC
        report(tree.hospital, assigned, actors.system_admin, status=SubmissionStatus.SUBMITTED, directives="1")
    assert by_code(compliance(unit=tree.an_giang, period=assigned, status=None)) == {
        "AG-CT": ComplianceStatus.MISSING, "AG-CT-A": ComplianceStatus.ON_TIME, "AG-BV": ComplianceStatus.LATE,
    }


def test_counts_and_rates(tree, statuses):
    counts = compliance_counts(unit=tree.tld, period=statuses)
    assert counts.expected == 6
    assert counts.by_status == {
        "approved": 1, "on_time": 1, "late": 1, "returned": 1, "draft": 1, "missing": 1,
    }
    assert (counts.sent, counts.sent_on_time, counts.sent_late, counts.not_sent) == (4, 3, 1, 2)
    assert counts.sent_rate == Decimal("66.7") and counts.on_time_rate == Decimal("50.0")
    assert counts.approved_rate == Decimal("16.7")
    assert [r["count"] for r in counts.rows()] == [1, 1, 1, 1, 1, 1]


def test_filters_by_status_kind_and_province(tree, statuses):
    assert by_code(compliance(unit=tree.tld, period=statuses, status=ComplianceStatus.MISSING)) == {"HN": "missing"}
    provincial = unit_kind(UnitKindCode.PROVINCIAL)
    assert set(by_code(compliance(unit=tree.tld, period=statuses, kind=provincial))) == {"AG", "HN"}
    assert set(by_code(compliance(unit=tree.tld, period=statuses, kind=provincial.pk))) == {"AG", "HN"}
    assert set(by_code(compliance(unit=tree.tld, period=statuses, province=province(1)))) == {"HN", "HN-B"}
    counts = compliance_counts(unit=tree.tld, period=statuses, province=1)
    assert counts.expected == 2 and counts.by_status["draft"] == 1 and counts.by_status["missing"] == 1


def test_only_units_with_an_assignment_in_force_on_the_due_date_are_expected(tree, forms, november):
    form = forms["PL02"]
    form_assign(form=form, units=[tree.company_a], valid_from=date(2026, 1, 1))
    form_assign(form=form, units=[tree.hospital], valid_from=date(2026, 1, 1), valid_until=date(2026, 11, 24))
    form_assign(form=form, units=[tree.chau_thanh], valid_from=date(2026, 11, 26))
    form_assign(form=forms["PL02"], units=[tree.an_giang], valid_from=date(2026, 11, 25), valid_until=date(2026, 11, 25))
    # A unit assigned twice (a merge recorded twice) is listed once.
    FormAssignment.objects.create(form=form, unit=tree.company_a, valid_from=date(2026, 6, 1))
    assert by_code(compliance(unit=tree.tld, period=november)) == {"AG": "missing", "AG-CT-A": "missing"}
    assert compliance_counts(unit=tree.tld, period=november).expected == 2


def test_query_counts_do_not_grow_with_the_number_of_units(tree, actors, forms, november, reviewer_tld):  # noqa: F811
    counts = []
    for size, parent in ((5, tree.an_giang), (50, tree.ha_noi)):
        for n in range(size):
            unit = UnitFactory(parent=parent, code=f"{parent.code}-{n:03d}")
            if n % 2:
                report(unit, november, actors.system_admin, reviewer=reviewer_tld, directives="1")
        form_assign(form=forms["PL02"], units=Unit.objects.all(), valid_from=date(2026, 1, 1))
        parent.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            expected = compliance_counts(unit=parent, period=november).expected
            rows = list(compliance(unit=parent, period=november)[:50])
            [(u.kind.name, u.province) for u in rows]
        counts.append(len(queries))
        assert len(rows) == min(50, expected) and expected == size + {"AG": 3, "HN": 1}[parent.code]
    # 2 statements; on PostgreSQL the counts run in a serial-plan block (savepoint + SET LOCAL) → 6.
    assert counts[0] == counts[1] and counts[0] <= 6
