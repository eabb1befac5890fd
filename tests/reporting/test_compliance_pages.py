"""The compliance page (Phụ lục 04), its .xlsx export and the background export of big lists."""

import io
from urllib.parse import urlencode

import openpyxl
import pytest
from django.urls import reverse

from organizations.choices import Role
from reporting.models import ExportJob, ExportJobStatus
from tests.factories import user_with_role
from tests.reporting.test_compliance import statuses  # noqa: F401 - fixtures
from tests.reporting.test_consolidation import assigned, reviewer_tld  # noqa: F401 - fixtures


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def get(client, user, name="reporting:compliance", **params):
    client.force_login(user)
    return client.get(f"{reverse(name)}?{urlencode(params)}")


def rows_of(html: str) -> dict[str, str]:
    """{unit code: status} of the rows of the compliance table."""
    found = {}
    for chunk in html.split('<tr data-unit="')[1:]:
        code, rest = chunk.split('"', 1)
        found[code] = rest.split('data-status="', 1)[1].split('"', 1)[0]
    return found


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [row for row in sheet.iter_rows(values_only=True)]


def test_the_system_administrator_sees_every_unit_under_tld_with_counts(client, actors, statuses):  # noqa: F811
    html = get(client, actors.system_admin).content.decode()
    assert rows_of(html) == {
        "AG": "on_time", "AG-CT": "returned", "AG-CT-A": "approved", "AG-BV": "late", "HN": "missing", "HN-B": "draft",
    }
    assert 'data-count="expected">6<' in html
    assert "(66,7%)" in html  # 4 of 6 sent, written the Vietnamese way
    assert "Hạn nộp: 25/11/2026" in html


def test_the_reviewer_sees_the_units_below_their_province_and_filters_them(client, actors, statuses):  # noqa: F811
    html = get(client, actors.reviewer_an_giang).content.decode()
    assert set(rows_of(html)) == {"AG-CT", "AG-CT-A", "AG-BV"}
    html = get(client, actors.reviewer_an_giang, trang_thai="late").content.decode()
    assert rows_of(html) == {"AG-BV": "late"}
    html = get(client, actors.reviewer_an_giang, loai="cd_cap_tren_co_so").content.decode()
    assert set(rows_of(html)) == {"AG-CT"}
    html = get(client, actors.system_admin, tinh="1").content.decode()
    assert set(rows_of(html)) == {"HN", "HN-B"}


@pytest.mark.parametrize("code", ["TLD", "HN"])
def test_the_reviewer_cannot_list_above_or_sideways(client, actors, statuses, code):  # noqa: F811
    assert get(client, actors.reviewer_an_giang, don_vi=code).status_code == 404
    assert get(client, actors.reviewer_an_giang, "reporting:compliance-export", don_vi=code).status_code == 404


def test_officers_and_members_get_no_list(client, actors, tree, statuses):  # noqa: F811
    upper_officer = user_with_role(tree.chau_thanh, Role.OFFICER, username="can_bo_ct")
    for user in (actors.officer_a, upper_officer, actors.member):
        assert get(client, user).status_code == 404


def test_the_list_is_paginated(client, actors, statuses, monkeypatch):  # noqa: F811
    monkeypatch.setattr("reporting.views.consolidation.PAGE_SIZE", 4)
    first = get(client, actors.system_admin).content.decode()
    second = get(client, actors.system_admin, trang=2).content.decode()
    assert list(rows_of(first)) == ["AG", "AG-CT", "AG-CT-A", "AG-BV"]
    assert list(rows_of(second)) == ["HN", "HN-B"]
    assert "Trang 2/2" in second


def test_the_export_is_a_spreadsheet_of_the_filtered_list(client, actors, statuses):  # noqa: F811
    response = get(client, actors.reviewer_an_giang, "reporting:compliance-export")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "phu-luc-04-PL02-2026-11-AG.xlsx" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    codes = [r[1] for r in rows if r and isinstance(r[0], int)]
    assert codes == ["AG-CT", "AG-CT-A", "AG-BV"]
    assert next(r for r in rows if len(r) > 5 and r[1] == "AG-BV")[5] == "Gửi muộn"
    response = get(client, actors.reviewer_an_giang, "reporting:compliance-export", trang_thai="approved")
    assert [r[1] for r in sheet_rows(response.content) if r and isinstance(r[0], int)] == ["AG-CT-A"]


def test_a_big_list_is_exported_in_the_background_with_a_download_link(
    client, actors, statuses, settings, media, django_capture_on_commit_callbacks  # noqa: F811
):
    settings.COMPLIANCE_EXPORT_SYNC_LIMIT = 4
    page = get(client, actors.system_admin).content.decode()
    assert 'data-testid="export-job-form"' in page and 'data-testid="export-link"' not in page
    response = get(client, actors.system_admin, "reporting:compliance-export")
    assert response.status_code == 302 and reverse("reporting:compliance") in response["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:compliance-export"), {"bieu_mau": "PL02", "ky": "2026-11", "don_vi": "TLD"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reporting:export-job-detail", kwargs={"pk": job.pk})
    assert job.status == ExportJobStatus.SUCCEEDED and job.total_rows == 6 and job.processed_rows == 6

    html = client.get(response["Location"]).content.decode()
    download = reverse("reporting:export-job-download", kwargs={"pk": job.pk})
    assert download in html and "Tệp đã sẵn sàng" in html
    response = client.get(download)
    content = b"".join(response.streaming_content)
    assert [r[1] for r in sheet_rows(content) if r and isinstance(r[0], int)] == ["AG", "AG-CT", "AG-CT-A", "AG-BV", "HN", "HN-B"]

    for other in (actors.reviewer_an_giang, actors.officer_a):
        client.force_login(other)
        assert client.get(download).status_code == 404
        assert client.get(reverse("reporting:export-job-detail", kwargs={"pk": job.pk})).status_code == 404


def test_a_running_export_shows_its_progress_and_polls(client, actors, tree, statuses, media):  # noqa: F811
    job = ExportJob.objects.create(
        user=actors.reviewer_an_giang, unit=tree.an_giang, period=statuses, total_rows=30000, processed_rows=12000, status=ExportJobStatus.RUNNING,
    )
    client.force_login(actors.reviewer_an_giang)
    html = client.get(reverse("reporting:export-job-detail", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger=\"every 1s\"" in html and "40%" in html and "<html" not in html
