"""The reviewer's page of one submission: beside the previous period, return with comments,
approve at the version seen, reopen an approved report with a reason.

Actors: the officer of company A, the reviewer above A (An Giang), a second reviewer of An
Giang, the officer of company B (another unit), Hà Nội's reviewer (another subtree).
"""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reporting.choices import SubmissionStatus
from reporting.models import ConsolidatedTotal, ReviewComment, Submission
from reporting.services import (
    form_assign,
    period_get_or_create,
    submission_approve,
    submission_open,
    submission_save,
    submission_submit,
)
from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel("2026-11-20 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def october(forms):
    return period_get_or_create(form=forms["PL02"], year=2026, month=10)


def report(unit, period, officer, reviewer=None, *, approve=False, **values) -> Submission:
    submission = submission_open(unit=unit, period=period, by=officer)
    result = submission_save(submission=submission, cells={(k, "value"): v for k, v in values.items()},
                             expected_version=submission.version, by=officer)
    submission = submission_submit(submission=result.submission, expected_version=result.submission.version, by=officer)
    if approve:
        submission = submission_approve(submission=submission, expected_version=submission.version, by=reviewer)
    return submission


@pytest.fixture
def submitted(tree, actors, forms, november, october):
    form_assign(form=forms["PL02"], units=[tree.company_a], valid_from=date(2026, 1, 1))
    report(tree.company_a, october, actors.officer_a, actors.reviewer_an_giang, approve=True,
           directives="1", loans="8", achievements="Tháng mười")
    return report(tree.company_a, november, actors.officer_a, directives="3", loans="10", loans_support_fund="4",
                  achievements="Tháng mười một")


def review_url(submission):
    return reverse("reporting:submission-review", args=[submission.pk])


def test_the_submission_is_shown_beside_the_units_previous_period(client, actors, submitted):
    client.force_login(actors.reviewer_an_giang)
    page = client.get(review_url(submitted)).content.decode()

    assert "Tháng 11/2026" in page and "Tháng 10/2026" in page
    loans = page[page.index('id="row-loans"'):page.index('id="row-loans_support_fund"')]
    assert re.search(r'data-testid="figure-loans--value">10<', loans)
    assert re.search(r'class="num text-muted">8<', loans)
    assert "Tháng mười một" in page and "Tháng mười" in page
    assert 'data-testid="review-form"' in page and 'name="y.loans"' in page


def test_return_with_an_overall_comment_and_comments_on_rows(client, actors, submitted):
    client.force_login(actors.reviewer_an_giang)

    response = client.post(review_url(submitted), {
        "version": submitted.version, "hanh_dong": "tra_lai", "comment": "Xem lại vay vốn",
        "y.loans": "Chưa khớp sổ quỹ", "y.directives": "  ",
    })

    assert response.status_code == 302 and response["Location"] == reverse("reporting:review-queue")
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.RETURNED
    assert [(c.row.key, c.text) for c in ReviewComment.objects.all()] == [("loans", "Chưa khớp sổ quỹ")]
    history = client.get(review_url(submitted)).content.decode()
    history = history[history.index('data-testid="history"'):]
    assert "Xem lại vay vốn" in history and "Chưa khớp sổ quỹ" in history and "Lê Văn Bình" in history


def test_returning_without_a_comment_is_refused_and_keeps_the_row_comments(client, actors, submitted):
    client.force_login(actors.reviewer_an_giang)

    response = client.post(review_url(submitted), {
        "version": submitted.version, "hanh_dong": "tra_lai", "comment": " ", "y.loans": "Chưa khớp sổ quỹ",
    })

    assert response.status_code == 422
    page = response.content.decode()
    assert "Hãy ghi ý kiến khi trả lại báo cáo." in page
    assert re.search(r'id="y--loans" form="review-form">Chưa khớp sổ quỹ</textarea>', page)
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED


def test_approve_counts_the_figures_up_the_tree(client, tree, actors, submitted, november):
    client.force_login(actors.reviewer_an_giang)

    response = client.post(review_url(submitted), {"version": submitted.version, "hanh_dong": "duyet"})

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.APPROVED and submitted.approved_by == actors.reviewer_an_giang
    assert ConsolidatedTotal.objects.get(unit=tree.an_giang, period=november, row_key="loans").total == 10


def test_approving_a_submission_that_changed_since_it_was_opened_is_refused(client, tree, actors, forms, november):
    form_assign(form=forms["PL02"], units=[tree.company_a], valid_from=date(2026, 1, 1))
    submission = report(tree.company_a, november, actors.officer_a, loans="10")
    seen = submission.version
    second = user_with_role(tree.an_giang, "reviewer", username="duyet_ag_2")
    client.force_login(second)
    client.post(review_url(submission), {"version": seen, "hanh_dong": "tra_lai", "comment": "Sai"})
    submission.refresh_from_db()
    result = submission_save(submission=submission, cells={("loans", "value"): "99"}, expected_version=submission.version,
                             by=actors.officer_a)
    submission_submit(submission=result.submission, expected_version=result.submission.version, by=actors.officer_a)

    client.force_login(actors.reviewer_an_giang)
    response = client.post(review_url(submission), {"version": seen, "hanh_dong": "duyet"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Báo cáo đã thay đổi sau khi bạn mở trang" in page
    assert re.search(r'data-testid="figure-loans--value">99<', page)  # the page now shows the latest
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_reopen_an_approved_report_with_a_reason(client, tree, actors, submitted, november):
    submission = submission_approve(submission=submitted, expected_version=submitted.version, by=actors.reviewer_an_giang)
    client.force_login(actors.reviewer_an_giang)
    page = client.get(review_url(submission)).content.decode()
    assert 'data-testid="reopen-form"' in page and 'data-testid="review-form"' not in page
    url = reverse("reporting:submission-reopen", args=[submission.pk])

    response = client.post(url, {"version": submission.version, "reason": ""})
    assert response.status_code == 422
    assert "Hãy ghi lý do mở lại báo cáo đã duyệt." in response.content.decode()

    response = client.post(url, {"version": submission.version, "reason": "Sai số vay vốn"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    assert ConsolidatedTotal.objects.get(unit=tree.an_giang, period=november, row_key="loans").total == 0
    assert submission.transitions.last().comment == "Sai số vay vốn"


def test_the_officer_may_read_but_not_decide(client, actors, submitted):
    client.force_login(actors.officer_a)
    page = client.get(review_url(submitted)).content.decode()
    assert 'data-testid="review-form"' not in page
    assert client.post(review_url(submitted), {"version": submitted.version, "hanh_dong": "duyet"}).status_code == 403
    url = reverse("reporting:submission-reopen", args=[submitted.pk])
    assert client.post(url, {"version": submitted.version, "reason": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED


def test_another_unit_or_subtree_gets_404(client, tree, actors, submitted):
    ha_noi_reviewer = user_with_role(tree.ha_noi, "reviewer", username="duyet_hn")
    for outsider in (actors.officer_b, ha_noi_reviewer):
        client.force_login(outsider)
        assert client.get(review_url(submitted)).status_code == 404
        assert client.post(review_url(submitted), {"version": submitted.version, "hanh_dong": "duyet"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED
