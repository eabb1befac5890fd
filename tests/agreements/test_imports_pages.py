"""The import and export pages, and background import jobs (Celery runs eagerly in tests).

Officer A imports for Công ty A; officer B for Công ty B; the system administrator for TLĐ.
"""

import io
import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, ImportJob, ImportJobStatus, Outlet
from agreements.services import import_job_run
from organizations.choices import Role
from tests.agreements.test_imports import OFFER_HEADER, OUTLET_HEADER, csv_bytes, xlsx_bytes
from tests.factories import AgreementFactory, OutletFactory, PartnerFactory, RoleAssignmentFactory
from unionportal import audit


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def partner_a(tree):
    partner = PartnerFactory(unit=tree.company_a, name="Siêu thị Co.op Long Xuyên", tax_code="1600000001")
    AgreementFactory(partner=partner, number="15/TTHT-CĐCS")
    return partner


def start_url(resource="diem-ban"):
    return reverse("agreements:import-start", kwargs={"resource": resource})


def upload(client, content: bytes, name: str = "diem-ban.csv", resource="diem-ban", **extra):
    file = io.BytesIO(content)
    file.name = name
    return client.post(start_url(resource), {"file": file, **extra})


def outlet_rows(count, province="91"):
    return [["1600000001", f"Cửa hàng {n}", f"{n} Lê Lợi", province] for n in range(count)]


def stashed_files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file())


# --- Small files: checked and written in the request ---------------------------------------------------


def test_the_page_lists_every_bad_row_and_writes_nothing(client, actors, partner_a, media):
    client.force_login(actors.officer_a)
    rows = [*outlet_rows(1), ["0100000002", "Cửa hàng", "Lê Lợi", "91"], ["1600000001", "Cửa hàng", "Lê Lợi", "99"]]
    page = upload(client, csv_bytes(OUTLET_HEADER[:4], rows)).content.decode()
    assert "Tệp có lỗi ở 2 dòng. Không có gì được ghi" in page
    assert '<td class="num">3</td>' in page and "Mã số thuế đối tác" in page
    assert "Đối tác có mã số thuế “0100000002” không có trong phạm vi của đơn vị." in page
    assert '<td class="num">4</td>' in page and "Mã tỉnh “99” không có trong danh mục 34 tỉnh, thành phố." in page
    assert "Xác nhận nhập" not in page
    assert Outlet.objects.count() == 0 and stashed_files(media) == []


def test_a_good_file_is_checked_then_written_on_confirmation(client, actors, partner_a, media):
    client.force_login(actors.officer_a)
    response = upload(client, xlsx_bytes(OUTLET_HEADER[:4], outlet_rows(2)), "diem-ban.xlsx")
    page = response.content.decode()
    assert "Tệp hợp lệ: 2 dòng — 2 bản ghi mới, 0 bản ghi được cập nhật." in page and "Xác nhận nhập" in page
    assert Outlet.objects.count() == 0 and len(stashed_files(media)) == 1
    token = response.context["token"]

    confirmed = client.post(start_url(), {"token": token}, follow=True)
    assert "Đã nhập tệp “diem-ban.xlsx”: 2 bản ghi mới, 0 bản ghi được cập nhật." in confirmed.content.decode()
    assert Outlet.objects.filter(partner=partner_a).count() == 2
    assert stashed_files(media) == [], "the parked file is removed once written"

    replay = client.post(start_url(), {"token": token}, follow=True)
    assert "Phiên nhập đã hết hạn" in replay.content.decode() and Outlet.objects.count() == 2


def test_a_token_is_useless_to_another_officer(client, actors, partner_a, media):
    client.force_login(actors.officer_a)
    token = upload(client, csv_bytes(OUTLET_HEADER[:4], outlet_rows(1))).context["token"]
    client.force_login(actors.officer_b)
    page = client.post(start_url(), {"token": token}, follow=True).content.decode()
    assert "Phiên nhập đã hết hạn" in page and Outlet.objects.count() == 0
    # Nor for another kind of record.
    client.force_login(actors.officer_a)
    page = client.post(start_url("doi-tac"), {"token": token}, follow=True).content.decode()
    assert "Phiên nhập đã hết hạn" in page and Outlet.objects.count() == 0


def test_data_changed_between_check_and_confirmation_writes_nothing_and_says_so(client, actors, partner_a, media):
    client.force_login(actors.officer_a)
    content = csv_bytes(OFFER_HEADER[:2] + ["Mức giảm (%)"], [["15/TTHT-CĐCS", "Giảm 10%", "10"]])
    token = upload(client, content, "uu-dai.csv", resource="uu-dai").context["token"]
    # Someone renames the agreement meanwhile (through the audited write, as any change must go).
    audit.update(Agreement.objects.filter(number="15/TTHT-CĐCS"), by=actors.officer_a, number="15/TTHT-CĐCS (sửa)")

    page = client.post(start_url("uu-dai"), {"token": token}).content.decode()
    assert "Chưa nhập: dữ liệu đã thay đổi từ lúc kiểm tra và tệp không còn hợp lệ." in page
    assert "Không có gì được ghi" in page and "Thỏa thuận số “15/TTHT-CĐCS” không có trong phạm vi của đơn vị." in page


def test_an_image_renamed_xlsx_is_reported_next_to_the_upload_field(client, actors, media):
    client.force_login(actors.officer_a)
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(5 * 1024 * 1024)
    page = upload(client, png, "diem-ban.xlsx").content.decode()
    assert "Tệp không phải là tệp Excel .xlsx hợp lệ." in page and 'data-testid="file-error"' in page
    assert stashed_files(media) == []
    page = upload(client, b"x", "diem-ban.txt").content.decode()
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in page


def test_wrong_columns_are_reported_on_the_page(client, actors, media):
    client.force_login(actors.officer_a)
    page = upload(client, csv_bytes(["Tên", "Địa chỉ"], [["A", "B"]])).content.decode()
    assert "Không nhập được tệp này; không có gì được ghi" in page
    assert "Cột “Tên” không được hỗ trợ." in page and "Tệp thiếu cột: “Mã số thuế đối tác”, “Tên điểm bán”, “Mã tỉnh”." in page


def test_an_officer_of_two_units_chooses_the_unit(client, tree, actors, media):
    RoleAssignmentFactory(user=actors.officer_a, unit=tree.hospital, role=Role.OFFICER)
    hospital_partner = PartnerFactory(unit=tree.hospital, tax_code="1600000009")
    client.force_login(actors.officer_a)
    page = client.get(start_url()).content.decode()
    assert "Nhập cho đơn vị" in page and tree.hospital.name in page
    rows = [["1600000009", "Nhà thuốc bệnh viện", "60 Ung Văn Khiêm", "91"]]
    response = upload(client, csv_bytes(OUTLET_HEADER[:4], rows), unit=tree.hospital.pk)
    client.post(start_url(), {"token": response.context["token"]})
    assert Outlet.objects.get().partner == hospital_partner


# --- Large files: background jobs ---------------------------------------------------------------------------


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_ASYNC_THRESHOLD = 3


def test_a_large_file_is_checked_and_written_by_background_jobs(
    client, actors, partner_a, media, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(actors.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(OUTLET_HEADER[:4], outlet_rows(5)), "lon.csv")
    check_job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("agreements:import-job-detail", args=[check_job.pk])
    assert (check_job.dry_run, check_job.status, check_job.processed_rows, check_job.new_count) == (True, "succeeded", 5, 5)
    assert Outlet.objects.count() == 0

    page = client.get(response["Location"])
    assert "Tệp hợp lệ: 5 dòng — 5 bản ghi mới" in page.content.decode() and "Xác nhận nhập" in page.content.decode()
    assert 'hx-trigger="every 1s"' not in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(start_url(), {"token": page.context["token"]})
    write_job = ImportJob.objects.exclude(pk=check_job.pk).get()
    assert confirmed["Location"] == reverse("agreements:import-job-detail", args=[write_job.pk])
    assert (write_job.dry_run, write_job.status, write_job.applied, write_job.new_count) == (False, "succeeded", True, 5)
    assert Outlet.objects.filter(partner=partner_a).count() == 5
    assert "Đã nhập: 5 bản ghi mới, 0 bản ghi được cập nhật." in client.get(confirmed["Location"]).content.decode()
    assert stashed_files(media) == []

    # Leaving and coming back: the import page lists both jobs, and they still show their result.
    listing = client.get(start_url()).content.decode()
    assert listing.count("lon.csv") == 2 and "Hoàn tất" in listing
    # The checked file cannot be written twice.
    assert "Xác nhận nhập" not in client.get(reverse("agreements:import-job-detail", args=[check_job.pk])).content.decode()


def test_a_job_is_seen_only_by_its_owner_and_system_administrators(client, tree, actors, media):
    job = ImportJob.objects.create(user=actors.officer_a, unit=tree.company_a, resource="diem-ban",
                                   file_path="imports/" + "a" * 32 + ".csv", original_name="a.csv")
    url = reverse("agreements:import-job-detail", args=[job.pk])
    for who, status in [("officer_b", 404), ("reviewer_an_giang", 404), ("member", 404), ("officer_a", 200),
                        ("system_admin", 200)]:
        client.force_login(getattr(actors, who))
        assert client.get(url).status_code == status, who


def test_a_running_job_shows_a_progress_bar_that_polls(client, tree, actors):
    job = ImportJob.objects.create(
        user=actors.officer_a, unit=tree.company_a, resource="diem-ban", file_path="imports/" + "b" * 32 + ".csv",
        original_name="lon.xlsx", status=ImportJobStatus.RUNNING, total_rows=12000, processed_rows=4800,
    )
    client.force_login(actors.officer_a)
    url = reverse("agreements:import-job-detail", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and f'hx-get="{url}"' in page
    assert 'aria-valuenow="40"' in page and "Đang kiểm tra: 4.800 / 12.000 dòng" in page
    assert "Bạn có thể rời trang này" in page

    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="job-status"') and "<html" not in fragment

    ImportJob.objects.filter(pk=job.pk).update(writing=True)
    assert "Đang ghi dữ liệu vào hệ thống…" in client.get(url, headers={"HX-Request": "true"}).content.decode()

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.FAILED, writing=False, finished_at=timezone.now(), message="Tệp có lỗi nên chưa có gì được ghi.",
        error_count=1, error_row_count=1, errors=[{"row": 7, "column": "Mã tỉnh", "message": "Mã tỉnh “99” không có", "value": "99"}],
    )
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "Tệp có lỗi nên chưa có gì được ghi." in done
    assert '<td class="num">7</td>' in done and "Mã tỉnh “99” không có" in done


def test_a_background_write_that_finds_errors_writes_nothing(
    client, actors, partner_a, media, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(actors.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        checked = upload(client, csv_bytes(OUTLET_HEADER[:4], outlet_rows(5)))
    check_page = client.get(checked["Location"])
    partner_a.tax_code = "1600000099"  # someone edits the partner before the officer confirms
    partner_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url(), {"token": check_page.context["token"]})
    job = ImportJob.objects.get(dry_run=False)
    assert (job.status, job.applied, job.error_row_count) == ("failed", False, 5)
    page = client.get(response["Location"]).content.decode()
    assert "Tệp có lỗi nên chưa có gì được ghi." in page and "Chưa nhập" in page
    assert Outlet.objects.count() == 0 and stashed_files(media) == []


def test_a_job_whose_file_is_gone_fails_with_a_message(tree, actors, media):
    job = ImportJob.objects.create(user=actors.officer_a, unit=tree.company_a, resource="diem-ban",
                                   file_path="imports/" + "c" * 32 + ".csv", original_name="a.csv", dry_run=False)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.message == "Không còn tệp đã tải lên; hãy tải tệp lên lại."
    import_job_run(job_id=job.pk)  # a redelivered task does nothing to a finished job
    assert ImportJob.objects.get(pk=job.pk).finished_at == job.finished_at


def test_a_job_run_twice_after_a_lost_worker_writes_once(tree, actors, partner_a, media, small_threshold):
    from unionportal import spreadsheets

    name = spreadsheets.stash_upload(csv_bytes(OUTLET_HEADER[:4], outlet_rows(4)), "a.csv")
    job = ImportJob.objects.create(user=actors.officer_a, unit=tree.company_a, resource="diem-ban", file_path=name,
                                   original_name="a.csv", dry_run=False, status=ImportJobStatus.RUNNING,
                                   started_at=timezone.now() - timedelta(hours=2))
    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk)
    assert Outlet.objects.count() == 4


# --- Export -------------------------------------------------------------------------------------------------


def test_export_downloads_what_the_user_may_see(client, tree, actors, partner_a):
    OutletFactory(partner=partner_a, name="Cửa hàng An Giang")
    OutletFactory(partner=PartnerFactory(unit=tree.company_b), name="Cửa hàng Hà Nội")
    client.force_login(actors.officer_a)
    response = client.get(reverse("agreements:export", kwargs={"resource": "diem-ban"}), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="diem-ban-')
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Mã điểm bán,Mã số thuế đối tác,Tên điểm bán")
    assert "Cửa hàng An Giang" in text and "Cửa hàng Hà Nội" not in text

    xlsx = client.get(reverse("agreements:export", kwargs={"resource": "su-dung"}))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"
    assert client.get(reverse("agreements:export", kwargs={"resource": "khac"})).status_code == 404
    assert client.get(reverse("agreements:export", kwargs={"resource": "diem-ban"}), {"format": "pdf"}).status_code == 404
    client.force_login(actors.member)
    assert client.get(reverse("agreements:export", kwargs={"resource": "diem-ban"})).status_code == 404
