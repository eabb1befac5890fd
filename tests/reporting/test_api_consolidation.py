"""/api/v1/consolidations/ and /api/v1/compliance/: live figures up the tree, their sources,
the Phụ lục 04 list, and their .xlsx — scoped like the pages."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from organizations.models import Unit
from reporting.models import ExportJob
from reporting.services import form_assign, submission_approve, submission_open, submission_save, submission_submit
from tests.factories import user_with_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel("2026-11-20 09:00 +07:00"):
        yield


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def report(unit, period, officer, reviewer=None, **cells):
    """A report with `cells`, sent; approved when a reviewer is given."""
    submission = submission_open(unit=unit, period=period, by=officer)
    submission = submission_save(
        submission=submission, cells={(k, "value"): v for k, v in cells.items()},
        expected_version=submission.version, by=officer,
    ).submission
    submission = submission_submit(submission=submission, expected_version=submission.version, by=officer)
    if reviewer is not None:
        submission = submission_approve(submission=submission, expected_version=submission.version, by=reviewer)
    return submission


@pytest.fixture
def reports(tree, actors, forms, november):
    """Every unit owes PL02; company A approved (loans 12), the hospital sent but not approved
    (loans 5), company B approved (loans 30)."""
    form_assign(form=forms["PL02"], units=Unit.objects.exclude(pk=tree.tld.pk), valid_from=date(2026, 1, 1))
    report(tree.company_a, november, actors.officer_a, actors.reviewer_an_giang, loans="12", directives="2")
    hospital_officer = user_with_role(tree.hospital, "officer", username="can_bo_bv")
    report(tree.hospital, november, hospital_officer, loans="5")
    reviewer_ha_noi = user_with_role(tree.ha_noi, "reviewer", username="duyet_hn")
    report(tree.company_b, november, actors.officer_b, reviewer_ha_noi, loans="30")
    return november


def get(user, name, **query):
    return api(user).get(reverse(name), {"form": "PL02", "period": "2026-11", **query})


def figure(body, key, column="value"):
    row = next(r for r in body["rows"] if r["key"] == key)
    return next(f["number"] for f in row["figures"] if f["column"] == column)


# --- consolidations -----------------------------------------------------------------------------


def test_the_province_sees_its_approved_reports_added_up_and_who_is_pending(actors, tree, reports):
    response = get(actors.reviewer_an_giang, "consolidation-list", unit=tree.an_giang.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"]["code"] == "AG" and body["form"] == "PL02" and body["period"]["slug"] == "2026-11"
    assert figure(body, "loans") == "12.000"  # the hospital's 5 is not approved yet
    assert body["included_units"] == 1 and body["pending_count"] == 2
    assert {u["code"] for u in body["pending_units"]} == {"AG-CT", "AG-BV"}
    assert next(u for u in body["pending_units"] if u["code"] == "AG-BV")["submission_status"] == "submitted"
    section = body["rows"][0]
    assert section["is_section"] and section["bold"] and section["figures"] == []


def test_tld_sees_the_national_total_by_default(actors, reports):
    body = get(actors.system_admin, "consolidation-list").json()
    assert body["unit"]["code"] == "TLD" and figure(body, "loans") == "42.000"


def test_an_officer_of_the_province_sees_figures_but_not_the_units_below(actors, tree, reports):
    officer = user_with_role(tree.an_giang, "officer", username="can_bo_ag")
    body = get(officer, "consolidation-list").json()
    assert body["unit"]["code"] == "AG" and figure(body, "loans") == "12.000"
    assert body["pending_count"] == 2 and body["pending_units"] == []


def test_consolidations_are_scoped_and_need_a_form_and_period(actors, tree, reports):
    assert get(actors.officer_b, "consolidation-list", unit=tree.an_giang.pk).status_code == 404
    assert get(actors.member, "consolidation-list").status_code == 404
    assert api().get(reverse("consolidation-list")).status_code == 401
    missing = api(actors.reviewer_an_giang).get(reverse("consolidation-list"))
    assert missing.status_code == 400
    assert missing.json() == {"form": ["Hãy chọn biểu mẫu (form)."], "period": ["Hãy chọn kỳ báo cáo (period), ví dụ 2026-11."]}
    assert get(actors.reviewer_an_giang, "consolidation-list", form="PL99").json() == {"form": ["Không có biểu mẫu “PL99”."]}
    wrong = get(actors.reviewer_an_giang, "consolidation-list", period="2026-13")
    assert wrong.status_code == 400 and "không có kỳ “2026-13”" in wrong.json()["period"][0]


def test_a_figure_breaks_down_by_unit_below_and_adds_up(actors, tree, reports):
    body = get(actors.reviewer_an_giang, "consolidation-breakdown", unit=tree.an_giang.pk, row="loans").json()
    assert body["figure"] == "12.000"
    lines = {line["unit"]["code"]: line for line in body["lines"]}
    assert set(lines) == {"AG", "AG-CT", "AG-BV"} and lines["AG"]["is_own"]
    assert lines["AG-CT"]["contribution"] == "12.000" and lines["AG-CT"]["reports"] == 1
    assert lines["AG-BV"]["contribution"] is None and lines["AG-BV"]["submission_status"] == "submitted"
    assert sum(Decimal(line["contribution"] or 0) for line in body["lines"]) == Decimal("12")

    officer = user_with_role(tree.an_giang, "officer", username="can_bo_ag")
    only_own = get(officer, "consolidation-breakdown", row="loans").json()
    assert [line["unit"]["code"] for line in only_own["lines"]] == ["AG"]
    assert get(actors.reviewer_an_giang, "consolidation-breakdown", row="s1").status_code == 400  # a section


def test_a_consolidation_downloads_as_xlsx(actors, tree, reports):
    response = get(actors.reviewer_an_giang, "consolidation-xlsx", unit=tree.an_giang.pk)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "tong-hop-PL02-2026-11-AG.xlsx" in response["Content-Disposition"]
    texts = [c.value for row in load_workbook(BytesIO(response.content)).active.iter_rows() for c in row]
    assert "PHỤ LỤC 02" in texts and 12 in texts
    error = api(actors.reviewer_an_giang).get(reverse("consolidation-xlsx"), HTTP_ACCEPT=XLSX)
    assert error.status_code == 400 and error["Content-Type"] == "application/json"


# --- compliance (Phụ lục 04) --------------------------------------------------------------------


def test_the_compliance_list_gives_each_units_state_and_the_rates(actors, tree, reports):
    response = get(actors.reviewer_an_giang, "compliance-list", unit=tree.an_giang.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    states = {row["unit"]["code"]: row["status"] for row in body["results"]}
    assert states == {"AG-CT": "missing", "AG-CT-A": "approved", "AG-BV": "on_time"}
    assert body["count"] == 3 and body["summary"]["expected"] == 3
    assert body["summary"]["sent"] == 2 and body["summary"]["sent_rate"] == "66.7"
    approved = next(s for s in body["summary"]["by_status"] if s["status"] == "approved")
    assert approved["count"] == 1 and approved["label"] == "Đã duyệt"
    row = next(r for r in body["results"] if r["unit"]["code"] == "AG-BV")
    assert row["status_display"] == "Đã gửi đúng hạn" and row["first_submitted_at"] and row["submission"]

    only_missing = get(actors.reviewer_an_giang, "compliance-list", unit=tree.an_giang.pk, status="missing").json()
    assert [r["unit"]["code"] for r in only_missing["results"]] == ["AG-CT"] and only_missing["count"] == 1
    paged = get(actors.system_admin, "compliance-list", page_size=2).json()
    assert paged["count"] == 6 and len(paged["results"]) == 2 and paged["next"]
    by_province = get(actors.system_admin, "compliance-list", province=1).json()
    assert {r["unit"]["code"] for r in by_province["results"]} == {"HN", "HN-B"}


def test_officers_see_no_compliance_list_and_outsiders_nothing(actors, tree, reports):
    refused = get(actors.officer_a, "compliance-list")
    assert refused.status_code == 403 and "Chỉ cán bộ duyệt hoặc quản trị" in refused.json()["detail"]
    assert get(actors.officer_b, "compliance-list", unit=tree.an_giang.pk).status_code == 404
    assert get(actors.reviewer_an_giang, "compliance-list", unit=tree.ha_noi.pk).status_code == 404
    assert get(actors.admin_an_giang, "compliance-list").status_code == 200
    assert get(actors.reviewer_an_giang, "compliance-list", kind="khong-co").json() == {
        "kind": ["Không có loại đơn vị “khong-co”."],
    }


def test_the_compliance_list_downloads_or_becomes_a_background_job(actors, tree, reports, settings):
    response = get(actors.reviewer_an_giang, "compliance-xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(BytesIO(response.content)).active
    codes = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert {"AG-CT", "AG-CT-A", "AG-BV"} <= set(codes)

    settings.COMPLIANCE_EXPORT_SYNC_LIMIT = 2
    too_many = get(actors.reviewer_an_giang, "compliance-xlsx")
    assert too_many.status_code == 409 and "POST" in too_many.json()["detail"]
    url = reverse("compliance-xlsx") + "?form=PL02&period=2026-11&status=missing"
    queued = api(actors.reviewer_an_giang).post(url)
    assert queued.status_code == 202
    job = ExportJob.objects.get(pk=queued.json()["job"])
    assert job.user == actors.reviewer_an_giang and job.unit == tree.an_giang and job.total_rows == 1
    assert job.filters["status"] == "missing"
    assert queued["Location"].endswith(reverse("reporting:export-job-detail", args=[job.pk]))
