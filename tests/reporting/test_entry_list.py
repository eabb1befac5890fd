"""The officer's list of their unit's reports and the officer's home page.

Actors: the officer of company A, the officer of company B (another unit), the system
administrator (may look at one unit's list), a member (no role: 404).
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reporting.models import Period
from reporting.services import (
    form_assign,
    period_get_or_create,
    periods_generate,
    submission_open,
    submission_submit,
)


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel("2026-11-20 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def year_2026(tree, forms):
    periods_generate(year=2026, forms=[forms["PL02"], forms["PL03"]])
    form_assign(form=forms["PL02"], units=[tree.company_a, tree.company_b], valid_from=date(2026, 1, 1))
    form_assign(form=forms["PL03"], units=[tree.company_a], valid_from=date(2026, 1, 1))
    return {p.slug if p.form.code == "PL02" else f"PL03-{p.slug}": p for p in Period.objects.select_related("form")}


def lines(response):
    return [(line.period.form.code, line.period.slug, line.status, line.timeliness)
            for section in response.context["sections"] for line in section["page"]]


def test_the_list_shows_each_started_period_with_status_due_date_and_timeliness(client, tree, actors, year_2026):
    october = year_2026["2026-10"]
    with time_machine.travel("2026-10-27 10:00 +07:00", tick=False):  # two days late
        submission = submission_open(unit=tree.company_a, period=october, by=actors.officer_a)
        submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    submission_open(unit=tree.company_a, period=year_2026["2026-11"], by=actors.officer_a)
    client.force_login(actors.officer_a)

    response = client.get(reverse("reporting:submission-list"))

    shown = lines(response)
    assert shown[:4] == [
        ("PL03", "2026", "", "open"),  # due 05/12, started in January
        ("PL02", "2026-11", "draft", "open"),
        ("PL02", "2026-10", "submitted", "late"),
        ("PL02", "2026-09", "", "overdue"),
    ]
    assert ("PL02", "2026-12", "", "open") not in shown  # December has not begun
    page = response.content.decode()
    assert "25/11/2026" in page and "Còn 5 ngày" in page and "Gửi muộn" in page and "Quá hạn, chưa gửi" in page
    assert reverse("reporting:submission-edit", kwargs={
        "unit_pk": tree.company_a.pk, "form_code": "PL02", "period_slug": "2026-11"}) in page


def test_each_officer_sees_only_their_own_unit(client, tree, actors, year_2026):
    submission_open(unit=tree.company_a, period=year_2026["2026-11"], by=actors.officer_a)
    client.force_login(actors.officer_b)

    response = client.get(reverse("reporting:submission-list"))

    assert {section["unit"] for section in response.context["sections"]} == {tree.company_b}
    assert all(status == "" for _form, _slug, status, _t in lines(response))
    assert "Công ty A" not in response.content.decode()


def test_another_units_list_is_not_found(client, tree, actors, year_2026):
    client.force_login(actors.officer_b)
    assert client.get(reverse("reporting:submission-list"), {"don_vi": tree.company_a.pk}).status_code == 404
    client.force_login(actors.system_admin)
    response = client.get(reverse("reporting:submission-list"), {"don_vi": tree.company_a.pk})
    assert response.status_code == 200 and response.context["sections"][0]["unit"] == tree.company_a


def test_members_get_404(client, actors):
    client.force_login(actors.member)
    assert client.get(reverse("reporting:submission-list")).status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(client, tree, actors, forms, django_assert_max_num_queries):
    form_assign(form=forms["PL02"], units=[tree.company_a], valid_from=date(2024, 1, 1))
    client.force_login(actors.officer_a)
    url = reverse("reporting:submission-list")

    def add_months(year):
        for month in range(1, 13):
            period = period_get_or_create(form=forms["PL02"], year=year, month=month)
            if period.starts_on <= date(2026, 11, 20):
                submission_open(unit=tree.company_a, period=period, by=actors.officer_a)

    add_months(2026)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add_months(2025)
    add_months(2024)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(lines(response)) == 24  # one page


def test_the_officers_home_page_lists_the_reports_still_to_send(client, tree, actors, year_2026):
    submission = submission_open(unit=tree.company_a, period=year_2026["2026-10"], by=actors.officer_a)
    submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    client.force_login(actors.officer_a)

    page = client.get(reverse("home")).content.decode()

    deadlines = page[page.index('data-testid="deadlines"'):]
    assert "PL02 · Tháng 11/2026" in deadlines and "hạn 25/11/2026" in deadlines
    assert "PL03 · Năm 2026" in deadlines and "hạn 05/12/2026" in deadlines
    assert "Tháng 10/2026" not in deadlines  # sent already
    assert "Quá hạn, chưa gửi" in deadlines  # September was never sent
    assert "trước ngày 25 hằng tháng" not in page  # no hard-coded deadline text any more
