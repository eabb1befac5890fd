"""Members' benefits (`/api/v1/dashboard/benefits/`): only approved reports count, read from the
consolidated totals, on the reports of tests/dashboards/scenario.py."""

from reporting.services import submission_approve
from tests.dashboards.scenario import chart, series

URL = "/api/v1/dashboard/benefits/"
BEFORE_OCTOBER = [None] * 9


def figures(client, user, unit=None):
    client.force_login(user)
    query = {"year": 2026} | ({"unit": unit.pk} if unit else {})
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.json()


def test_the_national_figures_add_up_the_approved_reports(client, tree, year_of_reports, today):
    national = figures(client, year_of_reports.reviewer_tld)
    # October: A and B approved; November: A only (An Giang's report waits for review).
    assert series(national, "approved_reports", "reports") == [*BEFORE_OCTOBER, 2, 1, None]
    assert series(national, "housing", "housing_new") == [*BEFORE_OCTOBER, 3, 4, None]
    assert series(national, "housing", "housing_repair") == [*BEFORE_OCTOBER, 3, 0, None]
    assert series(national, "housing", "housing") == [*BEFORE_OCTOBER, 7, 4, None]
    assert series(national, "loans", "loans_support_fund") == [*BEFORE_OCTOBER, 1, 3, None]
    assert series(national, "loans", "loans_national_fund") == [*BEFORE_OCTOBER, 2, 0, None]
    assert series(national, "loans", "loans") == [*BEFORE_OCTOBER, 4, 3, None]
    assert series(national, "sick_visits_aid", "sick_visits_aid") == [*BEFORE_OCTOBER, 12, 2, None]
    assert series(national, "culture_sport", "culture_sport") == [*BEFORE_OCTOBER, 10, 20, None]


def test_a_province_and_a_grassroots_union(client, tree, actors, year_of_reports, today):
    province = figures(client, actors.reviewer_an_giang)
    assert series(province, "sick_visits_aid", "sick_visits_aid") == [*BEFORE_OCTOBER, 7, 2, None]
    assert series(province, "approved_reports", "reports") == [*BEFORE_OCTOBER, 1, 1, None]
    # A unit without units below keeps no totals: its own approved reports are read.
    grassroots = figures(client, actors.officer_a)
    assert series(grassroots, "housing", "housing_new") == [*BEFORE_OCTOBER, 2, 4, None]
    assert series(grassroots, "approved_reports", "reports") == [*BEFORE_OCTOBER, 1, 1, None]


def test_a_report_waiting_for_review_does_not_count_until_approved(client, tree, actors, year_of_reports, today):
    from reporting.models import Submission

    ha_noi = figures(client, actors.system_admin, tree.ha_noi)
    assert series(ha_noi, "sick_visits_aid", "sick_visits_aid")[9:11] == [5, None]
    waiting = Submission.objects.get(unit=tree.an_giang, period=year_of_reports.november)
    province_before = figures(client, year_of_reports.reviewer_tld, tree.an_giang)
    assert series(province_before, "approved_reports", "reports")[10] == 1
    submission_approve(submission=waiting, expected_version=waiting.version, by=year_of_reports.reviewer_tld)
    province_after = figures(client, year_of_reports.reviewer_tld, tree.an_giang)
    assert series(province_after, "approved_reports", "reports")[10] == 2


def test_captions_name_the_rows_of_phu_luc_02(client, actors, year_of_reports, today):
    province = figures(client, actors.reviewer_an_giang)
    assert "dòng II.5" in chart(province, "housing")["caption"]
    assert "dòng II.4" in chart(province, "loans")["caption"]
    assert "đã duyệt" in chart(province, "sick_visits_aid")["caption"]
