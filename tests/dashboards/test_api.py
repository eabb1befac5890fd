"""The dashboard endpoints as a caller meets them: scope, bad input, caching and its invalidation,
query counts that do not grow with the tree, and the OpenAPI schema."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.cache import cache_key
from organizations.choices import Role
from reporting.choices import SubmissionStatus
from reporting.models import Submission
from reporting.services import form_assign, submission_approve, submission_reopen
from tests.dashboards.scenario import chart, series
from tests.factories import (
    ActivityFactory,
    ArticleFactory,
    BenefitUsageFactory,
    SectionFactory,
    UnitFactory,
    province,
    user_with_role,
)
from tests.reporting.test_consolidation import report

SECTIONS = ["reporting", "welfare", "benefits", "campaigns"]


def url(section):
    return f"/api/v1/dashboard/{section}/"


@pytest.fixture
def officer_of_hanoi(tree):
    """An officer of another province (LĐLĐ Hà Nội itself)."""
    return user_with_role(tree.ha_noi, Role.OFFICER, username="can_bo_hn", full_name="Đinh Thị Hà")


# --- scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_another_provinces_unit_is_not_found(client, tree, actors, officer_of_hanoi, section):
    client.force_login(officer_of_hanoi)
    assert client.get(url(section), {"unit": tree.an_giang.pk}).status_code == 404
    assert client.get(url(section), {"unit": tree.company_a.pk}).status_code == 404
    assert client.get(url(section), {"unit": tree.ha_noi.pk}).status_code == 200
    client.force_login(actors.reviewer_an_giang)
    assert client.get(url(section), {"unit": tree.ha_noi.pk}).status_code == 404
    assert client.get(url(section), {"unit": tree.tld.pk}).status_code == 404  # nobody sees upward
    assert client.get(url(section), {"unit": tree.chau_thanh.pk}).status_code == 200  # drill-down


def test_members_and_anonymous_callers_get_nothing(client, tree, actors):
    assert client.get(url("reporting")).status_code == 401
    client.force_login(actors.member)
    assert client.get(url("reporting")).status_code == 404
    assert client.get("/api/v1/dashboard/xlsx/", {"section": "reporting"}).status_code == 404


def test_the_default_unit_is_the_top_of_the_callers_scope(client, tree, actors):
    for user, code in ((actors.system_admin, "TLD"), (actors.reviewer_an_giang, "AG"), (actors.officer_b, "HN-B")):
        client.force_login(user)
        assert client.get(url("welfare")).json()["unit"]["code"] == code


def test_bad_input_is_told_in_vietnamese(client, tree, actors):
    client.force_login(actors.reviewer_an_giang)
    answer = client.get(url("reporting"), {"year": "hai nghìn"})
    assert answer.status_code == 400 and answer.json() == {"year": ["Năm phải là một số, ví dụ 2026."]}
    answer = client.get(url("reporting"), {"year": 1975})
    assert answer.status_code == 400 and answer.json()["year"][0].startswith("Chọn một năm từ 2000 đến")
    answer = client.get(url("reporting"), {"unit": "AG"})
    assert answer.status_code == 400 and answer.json() == {"unit": ["Cần mã số (id) của đơn vị."]}
    answer = client.get("/api/v1/dashboard/xlsx/", {"section": "ban-do"})
    assert answer.status_code == 400 and "ban-do" in answer.json()["section"][0]
    answer = client.get("/api/v1/dashboard/xlsx/", {"section": "welfare", "chart": "khong-co"})
    assert answer.status_code == 400 and answer.json() == {"chart": ["Phần này không có biểu đồ “khong-co”."]}


def test_an_officer_of_an_upper_unit_sees_its_figures_not_the_units_below(client, tree, year_of_reports, today):
    officer_an_giang = user_with_role(tree.an_giang, Role.OFFICER, username="can_bo_ag")
    client.force_login(officer_an_giang)
    payload = client.get(url("reporting"), {"year": 2026}).json()
    assert payload["unit"]["code"] == "AG" and payload["sees_below"] is False
    # The unit's figures, as on its consolidated report...
    assert series(payload, "submission_rates", "sent_rate")[9:11] == [66.7, 100.0]
    # ...but no unit below by name.
    by_unit = chart(payload, "status_by_unit")
    assert by_unit["restricted"] is True and by_unit["labels"] == [] and by_unit["links"] == []
    assert "cán bộ duyệt báo cáo" in by_unit["note"]
    assert chart(payload, "slowest_units")["rows"] == []
    assert client.get(url("reporting"), {"unit": tree.chau_thanh.pk}).status_code == 404
    # The reviewer of the same unit sees them (and the cached copy served first did not leak).
    client.force_login(year_of_reports.reviewer_tld)
    full = client.get(url("reporting"), {"unit": tree.an_giang.pk, "year": 2026}).json()
    assert full["sees_below"] is True and chart(full, "status_by_unit")["labels"]


# --- cache -------------------------------------------------------------------------------------


def test_the_figures_are_cached_per_unit_and_year(client, tree, actors, year_of_reports, dashboard_cache, today):
    client.force_login(actors.reviewer_an_giang)
    with CaptureQueriesContext(connection) as cold:
        client.get(url("reporting"), {"year": 2026})
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url("reporting"), {"year": 2026})
    assert again.status_code == 200
    assert dashboard_cache.get(cache_key("reporting", tree.an_giang.pk, 2026, "vi")) is not None
    figures = [q["sql"] for q in warm.captured_queries if "reporting_" in q["sql"]]
    assert figures == [], figures  # no figure is read again
    assert len(warm.captured_queries) < len(cold.captured_queries)


def test_an_approval_forgets_the_figures_of_the_unit_and_every_unit_above(client, tree, actors, year_of_reports,
                                                                         dashboard_cache, today,
                                                                         django_capture_on_commit_callbacks):
    client.force_login(year_of_reports.reviewer_tld)
    for unit in (tree.tld, tree.an_giang, tree.ha_noi):
        client.get(url("reporting"), {"year": 2026, "unit": unit.pk})
        client.get(url("benefits"), {"year": 2026, "unit": unit.pk})
    keys = {name: cache_key("reporting", getattr(tree, name).pk, 2026, "vi") for name in ("tld", "an_giang", "ha_noi")}
    assert all(dashboard_cache.get(key) for key in keys.values())

    hospital = Submission.objects.get(unit=tree.hospital, period=year_of_reports.november)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submission_approve(submission=hospital, expected_version=hospital.version, by=actors.reviewer_an_giang)
    assert len(callbacks) >= 1
    assert dashboard_cache.get(keys["tld"]) is None and dashboard_cache.get(keys["an_giang"]) is None
    assert dashboard_cache.get(cache_key("benefits", tree.an_giang.pk, 2026, "vi")) is None
    assert dashboard_cache.get(keys["ha_noi"]) is not None  # not above the hospital

    fresh = client.get(url("reporting"), {"year": 2026, "unit": tree.an_giang.pk}).json()
    assert {s["key"]: s["data"] for s in chart(fresh, "status_by_unit")["series"]}["approved"] == [1, 1]


def test_a_reopening_forgets_them_too(client, tree, actors, year_of_reports, dashboard_cache, today):
    client.force_login(actors.reviewer_an_giang)
    before = client.get(url("benefits"), {"year": 2026}).json()
    assert series(before, "housing", "housing_new")[10] == 4
    approved = Submission.objects.get(unit=tree.company_a, period=year_of_reports.november)
    submission_reopen(submission=approved, expected_version=approved.version, by=actors.reviewer_an_giang,
                      reason="Sai số nhà")
    after = client.get(url("benefits"), {"year": 2026}).json()
    assert series(after, "housing", "housing_new")[10] is None


def test_a_new_day_recomputes(client, tree, actors, year_of_welfare):
    client.force_login(actors.reviewer_an_giang)
    with time_machine.travel("2026-11-28 10:00 +07:00", tick=False):
        ending = chart(client.get(url("welfare"), {"year": 2026}).json(), "offers_ending")
    assert ending["rows"][0][-1] == 12
    with time_machine.travel("2026-11-29 08:00 +07:00", tick=False):
        ending = chart(client.get(url("welfare"), {"year": 2026}).json(), "offers_ending")
    assert ending["rows"][0][-1] == 11


# --- query counts ------------------------------------------------------------------------------


def _queries(client, section, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(section), {"year": 2026}).status_code == 200
    return len(captured.captured_queries)


def _grow(tree, actors, year_of_reports, year_of_campaigns):
    """Twenty more grassroots unions under Châu Thành, each with a report, usage, articles, activities."""
    admin = actors.system_admin
    for n in range(20):
        unit = UnitFactory(parent=tree.chau_thanh, code=f"AG-CT-{n:02d}", province=province(91))
        form_assign(form=year_of_reports.form, units=[unit], valid_from=date(2026, 1, 1))
        with time_machine.travel("2026-11-21 09:00 +07:00"):
            report(unit, year_of_reports.november, admin, reviewer=year_of_reports.reviewer_tld,
                   status=SubmissionStatus.APPROVED if n % 2 else SubmissionStatus.SUBMITTED, sick_visits_aid=str(n))
        BenefitUsageFactory(unit=unit, month=date(2026, 10, 1), members_count=n + 1)
        section = SectionFactory(outlet__unit=unit, opened_on=date(2026, 1, 5))
        ArticleFactory(section=section, published_on=date(2026, 11, 3))
        ActivityFactory(unit=unit, kind="seminar", held_on=date(2026, 6, 1), participants=10)


@pytest.mark.parametrize("section", SECTIONS)
def test_the_number_of_queries_does_not_grow_with_the_tree(client, tree, actors, year_of_reports, year_of_welfare,
                                                           year_of_campaigns, dashboard_cache, today, section):
    reviewer = actors.reviewer_an_giang
    small = _queries(client, section, reviewer)
    dashboard_cache.clear()
    _grow(tree, actors, year_of_reports, year_of_campaigns)
    dashboard_cache.clear()
    large = _queries(client, section, reviewer)
    assert large == small
    # The session, the user, their scope and the unit, then the figures (dashboards/selectors.py).
    assert small == 4 + {"reporting": 5, "welfare": 5, "benefits": 1, "campaigns": 4}[section]


# --- schema ------------------------------------------------------------------------------------


def test_the_endpoints_are_in_the_openapi_schema(client, actors):
    client.force_login(actors.system_admin)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for section in SECTIONS:
        operation = schema["paths"][f"/api/v1/dashboard/{section}/"]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"unit", "year"}
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/DashboardSection")
    xlsx = schema["paths"]["/api/v1/dashboard/xlsx/"]["get"]
    assert {p["name"] for p in xlsx["parameters"]} >= {"unit", "year", "section", "chart"}
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in xlsx["responses"]["200"]["content"]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_answer_has_the_documented_shape(client, tree, actors, year_of_reports, year_of_welfare, year_of_campaigns,
                                               today, section):
    from dashboards.api.serializers import DashboardSectionSerializer

    client.force_login(actors.reviewer_an_giang)
    payload = client.get(url(section), {"year": 2026}).json()
    checked = DashboardSectionSerializer(data=payload)
    assert checked.is_valid(), checked.errors
    for item in payload["charts"]:
        if item["kind"] == "table":
            assert all(len(row) == len(item["columns"]) for row in item["rows"])
        else:
            assert all(len(s["data"]) == len(item["labels"]) for s in item["series"]), item["key"]
