"""Downloads and print views of reports: in the viewer's scope, in the layout of the Phụ lục.

Actors: Trần Thị An, officer of Công ty A; Lê Văn Bình, reviewer of An Giang; Phạm Minh Châu,
officer of Công ty B (another province).
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from reporting.services import submission_approve, submission_open, submission_save, submission_submit


@pytest.fixture
def approved(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    submission = submission_save(
        submission=submission, expected_version=submission.version, by=actors.officer_a,
        cells={("directives", "value"): "2", ("partner_value", "value"): "1234,5", ("achievements", "value"): "Tốt"},
    ).submission
    submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    submission.refresh_from_db()
    return submission_approve(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang)


def get(client, user, name, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs))


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_the_officer_and_the_reviewer_download_the_report_and_another_unit_gets_404(client, actors, approved):
    response = get(client, actors.officer_a, "reporting:submission-xlsx", pk=approved.pk)
    assert 'filename="PL02-AG-CT-A-2026-11.xlsx"' in response["Content-Disposition"]
    sheet = sheet_of(response)
    assert sheet["A1"].value == "PHỤ LỤC 02"
    assert any(c.value == 2 for c in sheet["D"])
    assert any("Đã duyệt" in str(c.value) for c in sheet["A"][:10])
    assert sheet_of(get(client, actors.reviewer_an_giang, "reporting:submission-xlsx", pk=approved.pk))
    assert get(client, actors.officer_b, "reporting:submission-xlsx", pk=approved.pk).status_code == 404
    assert get(client, actors.member, "reporting:submission-xlsx", pk=approved.pk).status_code == 404


def test_the_print_view_is_the_phu_luc_without_the_portal_around_it(client, actors, approved):
    response = get(client, actors.officer_a, "reporting:submission-print", pk=approved.pk)
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("PHỤ LỤC 02", "MẪU: BÁO CÁO THÁNG", "Kết quả thực hiện hoạt động “Năm vì lợi ích đoàn viên”",
                 "Nội dung và chỉ tiêu báo cáo", "Văn bản chỉ đạo trong tháng", "1.234,5", "Tốt", "css/report-print.css"):
        assert text in page, text
    assert "navbar" not in page
    assert get(client, actors.officer_b, "reporting:submission-print", pk=approved.pk).status_code == 404


def test_the_consolidation_downloads_and_prints_in_scope_only(client, tree, actors, november, approved):
    kwargs = {"unit_pk": tree.an_giang.pk, "period_pk": november.pk}
    response = get(client, actors.reviewer_an_giang, "reporting:consolidation-xlsx", **kwargs)
    sheet = sheet_of(response)
    assert sheet["A1"].value == "PHỤ LỤC 02"
    assert any("Liên đoàn Lao động tỉnh An Giang" in str(c.value) for c in sheet["A"][:10])
    assert any(c.value == 1234.5 for c in sheet["D"])
    page = get(client, actors.reviewer_an_giang, "reporting:consolidation-print", **kwargs).content.decode()
    assert "1.234,5" in page
    # Texts are gathered from the units directly below: Công ty A's under Châu Thành.
    chau_thanh = {"unit_pk": tree.chau_thanh.pk, "period_pk": november.pk}
    page = get(client, actors.reviewer_an_giang, "reporting:consolidation-print", **chau_thanh).content.decode()
    assert "Công đoàn cơ sở Công ty A: Tốt" in page
    assert get(client, actors.officer_b, "reporting:consolidation-xlsx", **kwargs).status_code == 404
    assert get(client, actors.officer_a, "reporting:consolidation-xlsx", **kwargs).status_code == 404  # above them
    assert get(client, actors.officer_b, "reporting:consolidation-print", **kwargs).status_code == 404
    missing = {"unit_pk": tree.an_giang.pk, "period_pk": november.pk + 999}
    assert get(client, actors.reviewer_an_giang, "reporting:consolidation-xlsx", **missing).status_code == 404


def test_only_the_units_officers_get_the_import_template(client, actors, approved):
    assert get(client, actors.officer_a, "reporting:submission-template", pk=approved.pk).status_code == 200
    assert get(client, actors.reviewer_an_giang, "reporting:submission-template", pk=approved.pk).status_code == 403
    assert get(client, actors.officer_b, "reporting:submission-template", pk=approved.pk).status_code == 404
    assert get(client, actors.officer_b, "reporting:submission-import", pk=approved.pk).status_code == 404
