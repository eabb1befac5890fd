"""Consolidation up the tree: figures after approvals at several levels, reopening, own drafts,
contributions by unit below, texts gathered per unit, the pending list, constant query counts.

The tree of tests/conftest.py: TLĐ → An Giang → (Châu Thành → Công ty A, Bệnh viện) and
TLĐ → Hà Nội → Công ty B. Every unit owes PL02 for 11/2026.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.choices import Role
from organizations.models import Unit
from reporting.choices import SubmissionStatus
from reporting.selectors import consolidation, consolidation_breakdown, pending_units
from reporting.services import (
    form_assign,
    submission_approve,
    submission_open,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
)
from tests.factories import UnitFactory, user_with_role


@pytest.fixture
def assigned(tree, forms, november):
    form_assign(form=forms["PL02"], units=Unit.objects.all(), valid_from=date(2026, 1, 1))
    return november


@pytest.fixture
def reviewer_tld(tree):
    return user_with_role(tree.tld, Role.REVIEWER, username="duyet_tld", full_name="Hoàng Văn Giang")


def report(unit, period, by, *, status=SubmissionStatus.APPROVED, reviewer=None, **cells):
    """The unit's report for the period with these cells, taken to `status` through the services."""
    submission = submission_open(unit=unit, period=period, by=by)
    result = submission_save(
        submission=submission, cells={(k, "value"): v for k, v in cells.items()},
        expected_version=submission.version, by=by,
    )
    submission = result.submission
    assert result.cell_errors == {}
    if status == SubmissionStatus.DRAFT:
        return submission
    submission = submission_submit(submission=submission, expected_version=submission.version, by=by)
    if status == SubmissionStatus.RETURNED:
        return submission_return(submission=submission, expected_version=submission.version, by=reviewer or by,
                                 comment="Xem lại số liệu")
    if status == SubmissionStatus.APPROVED:
        return submission_approve(submission=submission, expected_version=submission.version, by=reviewer or by)
    return submission


def figure(result, row_key, column="value"):
    row = next(r for r in result.rows if r.key == row_key)
    return row.figure(column).number


@pytest.fixture
def reports(tree, actors, assigned, reviewer_tld):
    """Approved at three levels, with a draft and a submitted report that must not count above."""
    admin = actors.system_admin
    return {
        "company_a": report(tree.company_a, assigned, admin, reviewer=reviewer_tld, directives="2",
                            partner_value="1.234,5", achievements="Công ty A ký 2 thỏa thuận"),
        "hospital": report(tree.hospital, assigned, admin, reviewer=reviewer_tld, directives="3", partner_value="0,5",
                           achievements="Bệnh viện tổ chức hội thao"),
        "chau_thanh": report(tree.chau_thanh, assigned, admin, reviewer=reviewer_tld, directives="5",
                             achievements="Châu Thành kiểm tra 3 cơ sở"),
        "an_giang": report(tree.an_giang, assigned, admin, status=SubmissionStatus.DRAFT, directives="7",
                           achievements="An Giang đang tổng hợp"),
        "company_b": report(tree.company_b, assigned, admin, reviewer=reviewer_tld, directives="11"),
        "ha_noi": report(tree.ha_noi, assigned, admin, status=SubmissionStatus.SUBMITTED, directives="13"),
    }


def test_consolidation_after_approvals_at_several_levels_equals_a_hand_sum(tree, assigned, reports):
    national = consolidation(unit=tree.tld, period=assigned)
    # Approved: A 2 + hospital 3 + Châu Thành 5 + B 11. An Giang's draft and Hà Nội's pending report wait.
    assert figure(national, "directives") == Decimal("21")
    assert figure(national, "partner_value") == Decimal("1235")
    assert figure(national, "inspections") is None  # nobody reported it: empty, not zero
    assert national.included_units == 4
    assert figure(consolidation(unit=tree.an_giang, period=assigned), "directives") == Decimal("17")  # 2+3+5 + own 7
    assert figure(consolidation(unit=tree.chau_thanh, period=assigned), "directives") == Decimal("7")
    assert figure(consolidation(unit=tree.ha_noi, period=assigned), "directives") == Decimal("24")  # own 13 + B 11


def test_the_layout_is_the_forms(tree, assigned, reports):
    national = consolidation(unit=tree.tld, period=assigned)
    assert [r.number for r in national.rows[:5]] == ["I", "1", "2", "3", "II"]
    section = national.rows[0]
    assert section.is_section and section.bold and section.figures == []
    directives = national.rows[1]
    assert directives.unit == "văn bản" and directives.figure().drillable
    assert national.columns == [{"key": "value", "label": "Số lượng"}]


def test_an_approval_shows_at_once_and_a_reopening_takes_it_out(tree, actors, assigned, reports, reviewer_tld):
    ha_noi = reports["ha_noi"]
    submission_approve(submission=ha_noi, expected_version=ha_noi.version, by=reviewer_tld)
    national = consolidation(unit=tree.tld, period=assigned)
    assert figure(national, "directives") == Decimal("34")
    assert national.included_units == 5

    company_a = reports["company_a"]
    company_a.refresh_from_db()
    submission_reopen(submission=company_a, expected_version=company_a.version, by=reviewer_tld, reason="Sai số liệu")
    national = consolidation(unit=tree.tld, period=assigned)
    assert figure(national, "directives") == Decimal("32")
    assert figure(national, "partner_value") == Decimal("0.5")
    assert national.included_units == 4
    assert tree.company_a.code in {u.code for u in national.pending_units}
    assert figure(consolidation(unit=tree.chau_thanh, period=assigned), "directives") == Decimal("5")


def test_own_draft_counts_in_own_consolidation_but_a_childs_draft_does_not(tree, actors, assigned, reviewer_tld):
    report(tree.an_giang, assigned, actors.system_admin, status=SubmissionStatus.DRAFT, directives="7")
    report(tree.hospital, assigned, actors.system_admin, status=SubmissionStatus.DRAFT, directives="3")
    an_giang = consolidation(unit=tree.an_giang, period=assigned)
    assert figure(an_giang, "directives") == Decimal("7")
    assert an_giang.own_counts and not an_giang.own_is_approved
    assert an_giang.included_units == 0
    assert figure(consolidation(unit=tree.tld, period=assigned), "directives") is None


def test_a_unit_without_units_below_shows_its_own_report_in_any_state(tree, actors, assigned):
    report(tree.company_a, assigned, actors.system_admin, status=SubmissionStatus.DRAFT, directives="4")
    own = consolidation(unit=tree.company_a, period=assigned)
    assert figure(own, "directives") == Decimal("4")
    assert not own.has_units_below and own.included_units == 0 and own.pending_count == 0
    assert not own.rows[1].figure().drillable


def test_the_breakdown_gives_each_unit_below_and_adds_up(tree, assigned, reports):
    lines = {u.code: u for u in consolidation_breakdown(unit=tree.tld, period=assigned, row_key="directives")}
    assert set(lines) == {"TLD", "AG", "HN"}
    assert lines["TLD"].contribution is None  # TLĐ has no report of its own
    assert lines["AG"].contribution == Decimal("10") and lines["AG"].reports == 3  # An Giang's draft waits
    assert lines["HN"].contribution == Decimal("11") and lines["HN"].reports == 1
    assert lines["HN"].submission_status == SubmissionStatus.SUBMITTED

    lines = {u.code: u for u in consolidation_breakdown(unit=tree.an_giang, period=assigned, row_key="directives")}
    assert {k: v.contribution for k, v in lines.items()} == {
        "AG": Decimal("7"), "AG-CT": Decimal("7"), "AG-BV": Decimal("3"),
    }
    assert sum(v.contribution for v in lines.values()) == figure(consolidation(unit=tree.an_giang, period=assigned), "directives")
    assert lines["AG-BV"].reports == 1


def test_a_breakdown_is_one_query(tree, assigned, reports, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(consolidation_breakdown(unit=tree.tld, period=assigned, row_key="directives"))


def test_texts_are_gathered_from_the_unit_and_the_approved_units_directly_below(tree, assigned, reports):
    row = next(r for r in consolidation(unit=tree.an_giang, period=assigned).rows if r.key == "achievements")
    assert [(t.unit_code, t.text, t.is_own) for t in row.texts] == [
        ("AG", "An Giang đang tổng hợp", True),
        ("AG-CT", "Châu Thành kiểm tra 3 cơ sở", False),
        ("AG-BV", "Bệnh viện tổ chức hội thao", False),
    ]  # Công ty A's text is in Châu Thành's consolidation, one level down
    row = next(r for r in consolidation(unit=tree.chau_thanh, period=assigned).rows if r.key == "achievements")
    assert [t.unit_code for t in row.texts] == ["AG-CT", "AG-CT-A"]


def test_the_pending_list_names_the_units_below_that_owe_the_form_and_are_not_approved(tree, assigned, reports):
    national = consolidation(unit=tree.tld, period=assigned)
    assert national.pending_count == 2
    assert [(u.code, u.submission_status) for u in national.pending_units] == [
        ("AG", SubmissionStatus.DRAFT), ("HN", SubmissionStatus.SUBMITTED),
    ]
    new_unit = UnitFactory(parent=tree.ha_noi, code="HN-C", name="Công đoàn cơ sở Công ty C")
    assert "HN-C" not in {u.code for u in pending_units(unit=tree.tld, period=assigned)}  # owes nothing
    form_assign(form=assigned.form, units=[new_unit], valid_from=date(2026, 11, 1))
    tree.tld.refresh_from_db()
    assert [(u.code, u.submission_status) for u in pending_units(unit=tree.tld, period=assigned)][-1] == ("HN-C", None)


def _units_with_approved_reports(parent, count, period, by, reviewer):
    for n in range(count):
        unit = UnitFactory(parent=parent, code=f"{parent.code}-{n:03d}")
        report(unit, period, by, reviewer=reviewer, directives="1", achievements=f"Đơn vị {n}")
        if n % 3 == 0:
            report(UnitFactory(parent=parent, code=f"{parent.code}-P{n:03d}"), period, by,
                   status=SubmissionStatus.SUBMITTED, directives="1")


def test_query_counts_do_not_grow_with_the_number_of_units(tree, actors, forms, november, reviewer_tld):
    counts = []
    for size, province in ((5, tree.an_giang), (50, tree.ha_noi)):
        _units_with_approved_reports(province, size, november, actors.system_admin, reviewer_tld)
        form_assign(form=forms["PL02"], units=Unit.objects.all(), valid_from=date(2026, 1, 1))
        province.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            result = consolidation(unit=province, period=november)
            list(result.pending_units[:20])
            list(consolidation_breakdown(unit=province, period=november, row_key="directives"))
        counts.append(len(queries))
        assert figure(result, "directives") == size
    assert counts[0] == counts[1]


def test_the_an_giang_share_in_percent_is_computed_from_the_totals(tree, actors, forms, reviewer_tld):
    """AGIANG: "members" over "result" of the consolidated row, not the sum of the units' shares."""
    from reporting.services import period_get_or_create

    year = period_get_or_create(form=forms["AGIANG"], year=2026)
    form_assign(form=forms["AGIANG"], units=Unit.objects.all(), valid_from=date(2026, 1, 1))

    def agiang(unit, cells):
        submission = submission_open(unit=unit, period=year, by=actors.system_admin)
        result = submission_save(submission=submission, cells=cells, expected_version=submission.version,
                                 by=actors.system_admin)
        assert result.cell_errors == {}
        submission = submission_submit(submission=result.submission, expected_version=result.submission.version,
                                       by=actors.system_admin)
        submission_approve(submission=submission, expected_version=submission.version, by=reviewer_tld)

    agiang(tree.company_a, {("spiritual", "result"): "100", ("spiritual", "members"): "50"})  # 50 %
    agiang(tree.hospital, {("spiritual", "result"): "300", ("spiritual", "members"): "270"})  # 90 %
    an_giang = consolidation(unit=tree.an_giang, period=year)
    spiritual = next(r for r in an_giang.rows if r.key == "spiritual")
    assert spiritual.figure("result").number == 400 and spiritual.figure("members").number == 320
    share = spiritual.figure("share")
    assert share.computed and not share.drillable and share.number == Decimal("80.0") and share.display == "80"
    policy = next(r for r in an_giang.rows if r.key == "policy")
    assert policy.figure("members").ruled_out and policy.figure("share").ruled_out
    own = next(r for r in consolidation(unit=tree.company_a, period=year).rows if r.key == "spiritual")
    assert own.figure("share").number == Decimal("50.0")
