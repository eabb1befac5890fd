"""The audit history of a report: every save of a cell and every transition leaves who, when,
before and after; the reviewer reads it in "Lịch sử thay đổi" on the review page and in the admin.

Actors: the officer of company A, the reviewer above A (An Giang), a second reviewer of An Giang,
the officer of company B (another unit), the An Giang and Hà Nội unit administrators.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reporting.choices import SubmissionStatus
from reporting.models import Submission, SubmissionValue
from reporting.services import (
    SubmissionConflict,
    form_assign,
    submission_approve,
    submission_open,
    submission_return,
    submission_save,
    submission_submit,
)
from tests.factories import user_with_role
from unionportal.history import submission_changes


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel("2026-11-20 09:00 +07:00", tick=False):
        yield


def save(submission, by, **cells):
    return submission_save(submission=submission, cells={(k, "value"): v for k, v in cells.items()},
                           expected_version=submission.version, by=by).submission


@pytest.fixture
def draft(tree, actors, forms, november):
    form_assign(form=forms["PL02"], units=[tree.company_a], valid_from=date(2026, 1, 1))
    return submission_open(unit=tree.company_a, period=november, by=actors.officer_a)


def test_a_saved_cell_is_recorded_with_who_before_and_after_and_unchanged_cells_are_not(draft, actors):
    draft = save(draft, actors.officer_a, loans="10", directives="2")
    draft = save(draft, actors.officer_a, loans="12", directives="2")  # the page posts every cell again

    loans = SubmissionValue.objects.get(submission=draft, row__key="loans")
    versions = list(loans.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.number, v.history_user) for v in versions] == [
        ("+", 10, actors.officer_a), ("~", 12, actors.officer_a),
    ]
    directives = SubmissionValue.objects.get(submission=draft, row__key="directives")
    assert directives.history.count() == 1  # saved twice with the same figure: one version

    line = next(c for c in submission_changes(draft) if c.subject.startswith("4 Số đoàn viên được vay vốn"))
    assert (line.before, line.after, line.user) == ("10", "12", actors.officer_a)


def test_a_transition_leaves_one_audit_row_naming_the_reviewer(draft, actors):
    draft = save(draft, actors.officer_a, loans="10")
    submitted = submission_submit(submission=draft, expected_version=draft.version, by=actors.officer_a)
    before = Submission.history.filter(id=submitted.pk).count()

    submission_approve(submission=submitted, expected_version=submitted.version, by=actors.reviewer_an_giang)

    rows = list(Submission.history.filter(id=submitted.pk).order_by("history_date", "history_id"))
    assert len(rows) == before + 1
    assert (rows[-2].status, rows[-1].status) == (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)
    assert rows[-1].history_user == actors.reviewer_an_giang and rows[-1].history_type == "~"
    change = next(c for c in submission_changes(submitted) if c.after == "Đã duyệt")
    assert (change.before, change.user) == ("Đã gửi", actors.reviewer_an_giang)


def test_a_refused_stale_transition_leaves_no_audit_row(tree, draft, actors):
    second = user_with_role(tree.an_giang, "reviewer", username="duyet_2")
    submitted = submission_submit(submission=draft, expected_version=draft.version, by=actors.officer_a)
    seen = submitted.version
    submission_approve(submission=submitted, expected_version=seen, by=actors.reviewer_an_giang)
    count = Submission.history.filter(id=submitted.pk).count()

    with pytest.raises(SubmissionConflict):
        submission_return(submission=submitted, expected_version=seen, by=second, comment="Trả lại")

    assert Submission.history.filter(id=submitted.pk).count() == count
    assert not Submission.history.filter(id=submitted.pk, history_user=second).exists()


def test_the_review_page_shows_the_history_and_another_unit_gets_404(client, draft, actors):
    draft = save(draft, actors.officer_a, loans="10")
    draft = save(draft, actors.officer_a, loans="11")
    submitted = submission_submit(submission=draft, expected_version=draft.version, by=actors.officer_a)
    url = reverse("reporting:submission-review", args=[submitted.pk])

    client.force_login(actors.reviewer_an_giang)
    page = client.get(url).content.decode()

    assert 'data-testid="audit-history"' in page and "Lịch sử thay đổi" in page
    assert page.count('data-testid="audit-line"') == len(submission_changes(submitted)) >= 3
    assert "Trần Thị An" in page and ">10<" in page and ">11<" in page

    client.force_login(actors.officer_b)
    assert client.get(url).status_code == 404


def test_the_admin_lists_every_version_and_hides_another_subtrees(client, tree, draft, actors):
    save(draft, actors.officer_a, loans="10")
    url = reverse("admin:reporting_submission_history", args=[draft.pk])

    client.force_login(actors.admin_an_giang)
    response = client.get(url)
    assert response.status_code == 200
    assert "Trần Thị An" in response.content.decode() or "can_bo_a" in response.content.decode()

    client.force_login(user_with_role(tree.ha_noi, "unit_admin", username="quan_tri_hn"))
    assert client.get(url).status_code == 404
