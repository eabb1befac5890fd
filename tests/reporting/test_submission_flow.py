"""A monthly report from draft to approval, and what the province above then sees."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from reporting.choices import SubmissionStatus
from reporting.models import ConsolidatedTotal, SubmissionTransition
from reporting.services import (
    SubmissionConflict,
    SubmissionLocked,
    SubmitRefused,
    submission_approve,
    submission_open,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
)


def fill(submission, by, **cells):
    return submission_save(
        submission=submission, cells={(k, "value"): v for k, v in cells.items()},
        expected_version=submission.version, by=by,
    )


def total(unit, period, row_key):
    cell = ConsolidatedTotal.objects.filter(unit=unit, period=period, row_key=row_key).first()
    return cell.total if cell else None


@time_machine.travel("2026-11-20 09:00 +07:00")
def test_draft_submit_return_resubmit_approve(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    assert submission.status == SubmissionStatus.DRAFT
    result = fill(submission, actors.officer_a, directives="2", loans="10", loans_support_fund="4", partner_value="1.234,5")
    assert result.cell_errors == {}
    submission = submission_submit(submission=result.submission, expected_version=result.submission.version, by=actors.officer_a)
    assert submission.status == SubmissionStatus.SUBMITTED and not submission.submitted_late

    submission = submission_return(
        submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang,
        comment="Xem lại dòng vay vốn", row_comments={"loans": "Số này chưa khớp sổ quỹ"},
    )
    assert submission.status == SubmissionStatus.RETURNED
    assert submission.transitions.last().row_comments.get().text == "Số này chưa khớp sổ quỹ"

    result = fill(submission, actors.officer_a, loans="12")
    with time_machine.travel("2026-11-27 10:00 +07:00"):
        submission = submission_submit(submission=result.submission, expected_version=result.submission.version, by=actors.officer_a)
    assert not submission.submitted_late  # timeliness stays with the first submission
    submission = submission_approve(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang)
    assert submission.status == SubmissionStatus.APPROVED
    for unit in (tree.chau_thanh, tree.an_giang, tree.tld):
        assert total(unit, november, "loans") == Decimal("12")
        assert total(unit, november, "partner_value") == Decimal("1234.5")
    assert total(tree.ha_noi, november, "loans") is None
    assert [t.to_status for t in SubmissionTransition.objects.filter(submission=submission).order_by("id")] == [
        "draft", "submitted", "returned", "submitted", "approved",
    ]


def test_bad_cells_come_back_with_vietnamese_messages_and_the_rest_is_saved(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    result = fill(submission, actors.officer_a, directives="2,5", inspections="-1", partner_meetings="ba", culture_sport="40")
    assert set(result.cell_errors) == {("directives", "value"), ("inspections", "value"), ("partner_meetings", "value")}
    assert "số nguyên" in result.cell_errors[("directives", "value")]
    assert result.submission.values.get(row__key="culture_sport").number == 40


def test_a_part_cannot_exceed_its_whole(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    result = fill(submission, actors.officer_a, loans="3", loans_support_fund="5")
    with pytest.raises(SubmitRefused) as refused:
        submission_submit(submission=result.submission, expected_version=result.submission.version, by=actors.officer_a)
    assert {i.row_key for i in refused.value.issues} == {"loans_support_fund"}


def test_an_empty_cell_is_not_a_zero(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    result = fill(submission, actors.officer_a, directives="0")
    values = {v.row.key: v.number for v in result.submission.values.select_related("row")}
    assert values["directives"] == 0 and "inspections" not in values


def test_a_stale_save_is_refused_and_the_first_is_kept(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    opened_version = submission.version
    fill(submission, actors.officer_a, directives="1")
    with pytest.raises(SubmissionConflict):
        submission_save(submission=submission, cells={("directives", "value"): "9"}, expected_version=opened_version, by=actors.officer_a)
    assert submission.values.get(row__key="directives").number == 1


def test_only_a_reviewer_above_may_approve(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    submission = submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    with pytest.raises(PermissionDenied):
        submission_approve(submission=submission, expected_version=submission.version, by=actors.officer_a)


def test_an_approved_report_is_locked_until_reopened_with_a_reason(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    result = fill(submission, actors.officer_a, loans="7")
    submission = submission_submit(submission=result.submission, expected_version=result.submission.version, by=actors.officer_a)
    submission = submission_approve(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang)
    with pytest.raises(SubmissionLocked):
        fill(submission, actors.officer_a, loans="70")
    with pytest.raises(SubmissionLocked):
        submission_reopen(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang, reason=" ")
    submission = submission_reopen(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang, reason="Sai số liệu quỹ")
    assert submission.status == SubmissionStatus.RETURNED
    assert total(tree.an_giang, november, "loans") == 0


def test_two_reviewers_at_once_leave_one_state_and_one_entry(tree, actors, november):
    from tests.factories import user_with_role

    second = user_with_role(tree.an_giang, "reviewer", username="duyet_2")
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    submission = submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    seen_version = submission.version
    submission_approve(submission=submission, expected_version=seen_version, by=actors.reviewer_an_giang)
    with pytest.raises(SubmissionConflict):
        submission_return(submission=submission, expected_version=seen_version, by=second, comment="Trả lại")
    assert submission.transitions.filter(to_status="approved").count() == 1
    assert not submission.transitions.filter(to_status="returned").exists()
