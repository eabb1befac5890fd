"""The reviewer's queue: submissions waiting in their subtree, oldest due date first, filters,
approving several at once, and a bounded number of queries however long the queue.

Actors: the reviewer above A (An Giang), the officers of the units below, the officer of
company B in Hà Nội (another subtree).
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reporting.choices import SubmissionStatus
from reporting.models import Submission
from reporting.services import (
    period_get_or_create,
    submission_open,
    submission_save,
    submission_submit,
)
from tests.factories import UnitFactory, user_with_role


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel("2026-11-20 09:00 +07:00", tick=False):
        yield


def submit(unit, period, officer, **values) -> Submission:
    submission = submission_open(unit=unit, period=period, by=officer)
    if values:
        submission = submission_save(submission=submission, cells={(k, "value"): v for k, v in values.items()},
                                     expected_version=submission.version, by=officer).submission
    return submission_submit(submission=submission, expected_version=submission.version, by=officer)


@pytest.fixture
def october(forms):
    return period_get_or_create(form=forms["PL02"], year=2026, month=10)


@pytest.fixture
def waiting(tree, actors, november, october):
    """Company A's November and October reports, the hospital's November one, company B's (Hà Nội)."""
    hospital_officer = user_with_role(tree.hospital, "officer", username="can_bo_bv")
    return {
        "a_nov": submit(tree.company_a, november, actors.officer_a, loans="3"),
        "hospital_nov": submit(tree.hospital, november, hospital_officer),
        "a_oct": submit(tree.company_a, october, actors.officer_a),
        "b_nov": submit(tree.company_b, november, actors.officer_b),
    }


def queue_ids(response):
    return [s.pk for s in response.context["page"].object_list]


def test_the_queue_lists_the_subtree_oldest_due_date_first(client, actors, waiting):
    client.force_login(actors.reviewer_an_giang)
    response = client.get(reverse("reporting:review-queue"))

    assert queue_ids(response) == [waiting["a_oct"].pk, waiting["a_nov"].pk, waiting["hospital_nov"].pk]
    page = response.content.decode()
    assert "Công đoàn cơ sở Công ty B" not in page
    assert "25/10/2026" in page and "Tháng 10/2026" in page


def test_the_queue_filters_by_form_period_and_unit(client, actors, waiting):
    client.force_login(actors.reviewer_an_giang)
    url = reverse("reporting:review-queue")

    assert queue_ids(client.get(url, {"ky": "2026-10"})) == [waiting["a_oct"].pk]
    assert queue_ids(client.get(url, {"q": "benh vien"})) == [waiting["hospital_nov"].pk]
    assert queue_ids(client.get(url, {"bieu_mau": "PL02", "ky": "2026-11", "q": "cong ty a"})) == [waiting["a_nov"].pk]
    assert queue_ids(client.get(url, {"bieu_mau": "PL03"})) == []


def test_approve_several_at_once(client, tree, actors, waiting):
    client.force_login(actors.reviewer_an_giang)
    chosen = [waiting["a_nov"], waiting["hospital_nov"]]

    response = client.post(reverse("reporting:review-queue"), {
        "chon": [s.pk for s in chosen], **{f"phien_ban_{s.pk}": s.version for s in chosen},
    }, follow=True)

    assert "Đã duyệt 2 báo cáo." in response.content.decode()
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert statuses[waiting["a_nov"].pk] == statuses[waiting["hospital_nov"].pk] == SubmissionStatus.APPROVED
    assert statuses[waiting["a_oct"].pk] == SubmissionStatus.SUBMITTED
    assert queue_ids(response) == [waiting["a_oct"].pk]


def test_bulk_approval_skips_what_changed_since_the_list_was_shown_and_what_is_not_theirs(client, tree, actors, waiting):
    client.force_login(actors.reviewer_an_giang)
    stale, fine, foreign = waiting["a_nov"], waiting["hospital_nov"], waiting["b_nov"]
    data = {"chon": [stale.pk, fine.pk, foreign.pk],
            f"phien_ban_{stale.pk}": stale.version - 1, f"phien_ban_{fine.pk}": fine.version,
            f"phien_ban_{foreign.pk}": foreign.version}

    page = client.post(reverse("reporting:review-queue"), data, follow=True).content.decode()

    assert "Đã duyệt 1 báo cáo." in page
    assert "Chưa duyệt báo cáo của Công đoàn cơ sở Công ty A (Tháng 11/2026)" in page
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert statuses[fine.pk] == SubmissionStatus.APPROVED
    assert statuses[stale.pk] == statuses[foreign.pk] == SubmissionStatus.SUBMITTED


def test_nothing_chosen_is_said(client, actors, waiting):
    client.force_login(actors.reviewer_an_giang)
    page = client.post(reverse("reporting:review-queue"), {}, follow=True).content.decode()
    assert "Hãy chọn ít nhất một báo cáo để duyệt." in page


def test_an_officer_has_an_empty_queue_and_cannot_approve(client, actors, waiting):
    client.force_login(actors.officer_a)
    response = client.get(reverse("reporting:review-queue"))
    assert queue_ids(response) == []
    assert 'data-testid="review-queue-empty"' in response.content.decode()
    client.post(reverse("reporting:review-queue"), {"chon": [waiting["a_nov"].pk]})
    assert Submission.objects.get(pk=waiting["a_nov"].pk).status == SubmissionStatus.SUBMITTED


def test_the_queue_takes_a_fixed_number_of_queries(client, tree, actors, november, django_assert_max_num_queries):
    client.force_login(actors.reviewer_an_giang)
    url = reverse("reporting:review-queue")

    def add_units(count):
        for _ in range(count):
            unit = UnitFactory(parent=tree.chau_thanh)
            submit(unit, november, user_with_role(unit, "officer"))

    add_units(2)
    client.get(url)  # warm the caches of the first request
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    add_units(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(queue_ids(response)) == 17


def test_members_get_404(client, actors):
    client.force_login(actors.member)
    assert client.get(reverse("reporting:review-queue")).status_code == 404


def test_the_reviewers_home_page_counts_what_waits(client, actors, waiting):
    client.force_login(actors.reviewer_an_giang)
    page = client.get(reverse("home")).content.decode()
    assert "3 báo cáo đang chờ bạn duyệt." in page
    assert reverse("reporting:review-queue") in page


def test_period_filter_options_come_from_the_waiting_reports(client, actors, waiting):
    client.force_login(actors.reviewer_an_giang)
    page = client.get(reverse("reporting:review-queue")).content.decode()
    assert '<option value="2026-11">Tháng 11/2026</option>' in page
    assert '<option value="2026-10">Tháng 10/2026</option>' in page


@pytest.mark.parametrize("bad", ["2026-13x", "abc"])
def test_a_malformed_filter_is_ignored(client, actors, waiting, bad):
    client.force_login(actors.reviewer_an_giang)
    assert len(queue_ids(client.get(reverse("reporting:review-queue"), {"ky": bad}))) == 3


def test_units_below_a_reviewers_unit_only(client, tree, actors, waiting, november):
    """A reviewer of Châu Thành sees company A, not the hospital (directly under An Giang)."""
    reviewer = user_with_role(tree.chau_thanh, "reviewer", username="duyet_ct")
    client.force_login(reviewer)
    ids = queue_ids(client.get(reverse("reporting:review-queue")))
    assert ids == [waiting["a_oct"].pk, waiting["a_nov"].pk]
    assert date(2026, 10, 25) == waiting["a_oct"].period.due_date
