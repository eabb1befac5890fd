"""/api/v1/forms/, periods/, submissions/: reading the forms, and a report's life through the API,
with optimistic locking (ETag / If-Match), scope (404 / 403) and Vietnamese refusals."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from organizations.models import Unit
from reporting.models import ConsolidatedTotal, Submission
from reporting.services import form_assign
from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def in_november():
    """20/11/2026: the report of November is open, due on the 25th."""
    with time_machine.travel("2026-11-20 09:00 +07:00"):
        yield


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def owed(forms, november):
    """Every unit of the tree owes Phụ lục 02 this year."""
    form_assign(form=forms["PL02"], units=Unit.objects.all(), valid_from=date(2026, 1, 1))
    return november


def open_report(user, unit, period):
    return api(user).post(reverse("submission-list"), {"unit": unit.pk, "period": period.pk}, format="json")


def patch(user, pk, etag, *cells, **changes):
    values = [{"row": row, "value": value} for row, value in cells]
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return api(user).patch(reverse("submission-detail", args=[pk]), {"values": values, **changes}, format="json", **headers)


def act(user, pk, name, etag, **body):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return api(user).post(reverse(f"submission-{name}", args=[pk]), body, format="json", **headers)


def values(response) -> dict:
    return {(v["row"], v["column"]): v["number"] or v["text"] for v in response.json()["values"]}


# --- forms and periods --------------------------------------------------------------------------


def test_forms_come_with_their_current_version_and_rows(actors, forms):
    listed = api(actors.officer_a).get(reverse("form-list")).json()["results"]
    pl02 = next(f for f in listed if f["code"] == "PL02")
    assert pl02["period_type"] == "monthly" and pl02["due_day"] == 25
    rows = pl02["current_version"]["rows"]
    assert rows[0]["number"] == "I" and rows[0]["kind"] == "section"
    loans_fund = next(r for r in rows if r["key"] == "loans_support_fund")
    assert loans_fund["parent"] == "loans" and loans_fund["unit"] == "đoàn viên"
    assert pl02["current_version"]["title_block"]["appendix"] == "PHỤ LỤC 02"

    detail = api(actors.member).get(reverse("form-detail", args=["PL02"]))
    assert detail.status_code == 200 and detail.json()["current_version"]["version"] == 1
    versions = api(actors.member).get(reverse("form-versions", args=["PL02"])).json()
    assert [v["version"] for v in versions] == [1] and versions[0]["rows"]
    assert api().get(reverse("form-list")).status_code == 401


def test_periods_filter_by_form_and_year(actors, forms, november):
    from reporting.services import periods_generate

    periods_generate(year=2026)
    response = api(actors.officer_a).get(reverse("period-list"), {"form": "PL02", "year": 2026, "page_size": 100})
    results = response.json()["results"]
    assert len(results) == 12 and {p["form"] for p in results} == {"PL02"}
    this = next(p for p in results if p["month"] == 11)
    assert this["slug"] == "2026-11" and this["label"] == "Tháng 11/2026" and this["due_date"] == "2026-11-25"


# --- opening a report ---------------------------------------------------------------------------


def test_the_officer_opens_a_prefilled_draft_once(actors, tree, owed):
    first = open_report(actors.officer_a, tree.company_a, owed)
    assert first.status_code == 201, first.content
    assert first["ETag"] == f'"{first.json()["version"]}"'
    assert first.json()["status"] == "draft" and first.json()["unit_code"] == "AG-CT-A"
    assert [h["to_status"] for h in first.json()["history"]] == ["draft"]

    again = open_report(actors.officer_a, tree.company_a, owed)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Submission.objects.count() == 1


def test_opening_another_units_report_is_refused(actors, tree, owed):
    outside = open_report(actors.officer_b, tree.company_a, owed)
    assert outside.status_code == 400
    assert "Không tìm thấy đơn vị này" in outside.json()["unit"][0]
    assert open_report(actors.reviewer_an_giang, tree.company_a, owed).status_code == 403  # sees it, not theirs
    assert not Submission.objects.exists()


def test_a_unit_that_does_not_owe_the_form_cannot_open_it(actors, tree, forms, november):
    response = open_report(actors.officer_a, tree.company_a, november)
    assert response.status_code == 400
    assert response.json()["period"] == ["Đơn vị không phải báo cáo biểu mẫu PL02 trong kỳ này."]


# --- saving with optimistic locking -------------------------------------------------------------


@pytest.fixture
def draft(actors, tree, owed):
    response = open_report(actors.officer_a, tree.company_a, owed)
    return response.json()["id"], response["ETag"]


def test_saving_needs_the_etag_and_a_stale_one_changes_nothing(actors, draft):
    pk, etag = draft
    missing = patch(actors.officer_a, pk, None, ("directives", 2))
    assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]

    saved = patch(actors.officer_a, pk, etag, ("directives", 2), ("partner_value", "1.234,5"))
    assert saved.status_code == 200, saved.content
    assert values(saved)[("directives", "value")] == "2.000"
    assert values(saved)[("partner_value", "value")] == "1234.500"
    assert saved["ETag"] != etag

    stale = patch(actors.officer_a, pk, etag, ("directives", 9))  # a second tab, opened before the save
    assert stale.status_code == 412
    assert "vừa được người khác thay đổi" in stale.json()["detail"]
    assert stale.json()["version"] == int(saved["ETag"].strip('"'))
    assert Submission.objects.get(pk=pk).values.get(row__key="directives").number == 2


def test_an_unreadable_cell_refuses_the_whole_save_with_a_message_at_the_cell(actors, draft):
    pk, etag = draft
    response = patch(actors.officer_a, pk, etag, ("directives", "3"), ("inspections", "ba"), ("nowhere", 1))
    assert response.status_code == 400
    errors = response.json()["values"]
    assert errors[0] == {} and "không phải là số" in errors[1]["value"][0]
    assert errors[2]["row"] == ["Biểu mẫu không có dòng “nowhere”."]
    assert not Submission.objects.get(pk=pk).values.filter(row__key="directives").exists()


def test_an_empty_cell_and_a_zero_stay_different(actors, draft):
    pk, etag = draft
    response = patch(actors.officer_a, pk, etag, ("directives", 0), ("inspections", None))
    cells = values(response)
    assert cells[("directives", "value")] == "0.000" and ("inspections", "value") not in cells


def test_a_reviewer_may_not_fill_the_units_report_and_another_unit_sees_nothing(actors, draft):
    pk, etag = draft
    assert patch(actors.reviewer_an_giang, pk, etag, ("directives", 1)).status_code == 403
    assert api(actors.officer_b).get(reverse("submission-detail", args=[pk])).status_code == 404
    assert patch(actors.officer_b, pk, etag, ("directives", 1)).status_code == 404
    assert act(actors.officer_b, pk, "approve", etag).status_code == 404
    assert api(actors.member).get(reverse("submission-detail", args=[pk])).status_code == 404


# --- submitting and reviewing -------------------------------------------------------------------


def test_a_report_with_errors_is_refused_with_its_issues(actors, draft):
    pk, etag = draft
    saved = patch(actors.officer_a, pk, etag, ("loans", 3), ("loans_support_fund", 5))
    assert saved.json()["issues"][0]["row"] == "loans_support_fund"

    refused = act(actors.officer_a, pk, "submit", saved["ETag"])
    assert refused.status_code == 409
    body = refused.json()
    assert body["detail"].startswith("Báo cáo chưa gửi được")
    assert {i["row"] for i in body["issues"]} == {"loans_support_fund"}
    assert body["issues"][0]["severity"] == "error" and body["status"] == "draft"


def test_submit_return_correct_resubmit_approve(actors, tree, owed, draft):
    pk, etag = draft
    officer, reviewer = actors.officer_a, actors.reviewer_an_giang
    saved = patch(officer, pk, etag, ("directives", 2), ("loans", 10), ("loans_support_fund", 4))
    sent = act(officer, pk, "submit", saved["ETag"])
    assert sent.status_code == 200 and sent.json()["status"] == "submitted" and not sent.json()["submitted_late"]

    assert act(officer, pk, "approve", sent["ETag"]).status_code == 403  # not a reviewer above
    assert act(reviewer, pk, "return", sent["ETag"]).status_code == 400  # a return needs a comment
    unknown_row = act(reviewer, pk, "return", sent["ETag"], comment="Xem lại", row_comments={"khong_co": "?"})
    assert unknown_row.status_code == 400 and unknown_row.json()["row_comments"] == {"khong_co": ["Biểu mẫu không có dòng này."]}
    returned = act(reviewer, pk, "return", sent["ETag"], comment="Xem lại dòng vay vốn",
                   row_comments={"loans": "Số này chưa khớp sổ quỹ"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    last = returned.json()["history"][-1]
    assert last["comment"] == "Xem lại dòng vay vốn" and last["row_comments"] == [{"row": "loans", "text": "Số này chưa khớp sổ quỹ"}]
    assert last["by"] == "Lê Văn Bình"

    corrected = patch(officer, pk, returned["ETag"], ("loans", 12))
    resent = act(officer, pk, "submit", corrected["ETag"])
    assert resent.json()["status"] == "submitted"
    approved = act(reviewer, pk, "approve", resent["ETag"])
    assert approved.status_code == 200 and approved.json()["approved_by"] == "Lê Văn Bình"
    assert [h["to_status"] for h in approved.json()["history"]] == ["draft", "submitted", "returned", "submitted", "approved"]
    assert ConsolidatedTotal.objects.get(unit=tree.an_giang, period=owed, row_key="loans").total == Decimal("12")

    locked = patch(officer, pk, approved["ETag"], ("loans", 99))
    assert locked.status_code == 409 and "không sửa được" in locked.json()["detail"]
    twice = act(reviewer, pk, "approve", approved["ETag"])
    assert twice.status_code == 409 and "Đã duyệt" in twice.json()["detail"]


def test_a_review_based_on_an_old_version_is_refused(actors, draft):
    pk, etag = draft
    sent = act(actors.officer_a, pk, "submit", etag)
    second_reviewer_etag = sent["ETag"]
    assert act(actors.reviewer_an_giang, pk, "approve", sent["ETag"]).status_code == 200
    late = act(actors.reviewer_an_giang, pk, "return", second_reviewer_etag, comment="Trả lại")
    assert late.status_code == 412 and late.json()["status"] == "approved"


def test_reopening_an_approved_report_needs_a_reason_and_takes_it_out_of_the_totals(actors, tree, owed, draft):
    pk, etag = draft
    saved = patch(actors.officer_a, pk, etag, ("loans", 7))
    sent = act(actors.officer_a, pk, "submit", saved["ETag"])
    approved = act(actors.reviewer_an_giang, pk, "approve", sent["ETag"])

    assert act(actors.reviewer_an_giang, pk, "reopen", approved["ETag"], reason=" ").status_code == 400
    assert act(actors.officer_a, pk, "reopen", approved["ETag"], reason="Sai").status_code == 403
    reopened = act(actors.reviewer_an_giang, pk, "reopen", approved["ETag"], reason="Sai số liệu quỹ")
    assert reopened.status_code == 200 and reopened.json()["status"] == "returned"
    assert reopened.json()["history"][-1]["comment"] == "Sai số liệu quỹ"
    assert ConsolidatedTotal.objects.get(unit=tree.an_giang, period=owed, row_key="loans").total == 0


def test_approving_a_draft_is_refused_in_vietnamese(actors, draft):
    pk, etag = draft
    response = act(actors.reviewer_an_giang, pk, "approve", etag)
    assert response.status_code == 409
    assert response.json()["detail"] == "Báo cáo đang ở trạng thái “Đang soạn”, không thực hiện được thao tác này."


# --- lists and files ----------------------------------------------------------------------------


def test_the_list_is_scoped_and_filtered(actors, tree, owed):
    mine = open_report(actors.officer_a, tree.company_a, owed).json()
    hospital_officer = user_with_role(tree.hospital, "officer")
    hospital = open_report(hospital_officer, tree.hospital, owed).json()
    act(hospital_officer, hospital["id"], "submit", f'"{hospital["version"]}"')
    theirs = open_report(actors.officer_b, tree.company_b, owed).json()

    def ids(user, **query):
        response = api(user).get(reverse("submission-list"), query)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(actors.officer_a) == {mine["id"]}
    assert ids(actors.reviewer_an_giang) == {mine["id"], hospital["id"]}
    assert ids(actors.reviewer_an_giang, status="submitted") == {hospital["id"]}
    assert ids(actors.reviewer_an_giang, unit=tree.company_a.pk) == {mine["id"]}
    assert ids(actors.reviewer_an_giang, subtree=tree.chau_thanh.pk) == {mine["id"]}
    assert ids(actors.reviewer_an_giang, form="PL02", period=owed.pk, reviewable="true") == {mine["id"], hospital["id"]}
    assert ids(actors.system_admin, status=["draft", "submitted"]) == {mine["id"], hospital["id"], theirs["id"]}
    assert ids(actors.member) == set()


def test_a_report_downloads_as_xlsx_in_its_appendix_layout(actors, draft):
    pk, etag = draft
    patch(actors.officer_a, pk, etag, ("directives", 2))
    response = api(actors.officer_a).get(reverse("submission-xlsx", args=[pk]), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="PL02-2026-11-AG-CT-A.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "PHỤ LỤC 02" in texts and "Công đoàn cơ sở Công ty A" in " ".join(texts)
    assert api(actors.officer_b).get(reverse("submission-xlsx", args=[pk])).status_code == 404


def test_a_warning_is_explained_with_a_comment_then_the_report_goes(actors, draft):
    pk, etag = draft
    saved = patch(actors.officer_a, pk, etag, ("agreements_new", 3), ("agreements_ongoing", 1))
    refused = act(actors.officer_a, pk, "submit", saved["ETag"])
    assert refused.status_code == 409
    assert [(i["row"], i["severity"]) for i in refused.json()["issues"]] == [("agreements_new", "warning")]

    assert act(actors.officer_a, pk, "submit", None).status_code == 428
    explained = api(actors.officer_a).patch(
        reverse("submission-detail", args=[pk]),
        {"values": [{"row": "agreements_new", "comment": "Ký mới 3 thỏa thuận, 2 đã hết hạn trong tháng."}]},
        format="json", HTTP_IF_MATCH=saved["ETag"],
    )
    assert explained.status_code == 200 and explained.json()["issues"] == []
    cell = next(v for v in explained.json()["values"] if v["row"] == "agreements_new")
    assert cell["number"] == "3.000" and cell["comment"].startswith("Ký mới 3")
    assert act(actors.officer_a, pk, "submit", explained["ETag"]).json()["status"] == "submitted"
