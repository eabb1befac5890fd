"""The Excel template workflow: download, fill in Excel, upload, see, confirm; hostile files refused.

Actors: Trần Thị An, officer of Công ty A (fills the report); Lê Văn Bình, reviewer of An Giang;
Phạm Minh Châu, officer of Công ty B (another unit).
"""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting import excel
from reporting.choices import ValueSource
from reporting.models import SubmissionValue
from reporting.services import period_get_or_create, submission_open, submission_save, submission_submit
from unionportal import spreadsheets


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def report(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    result = submission_save(
        submission=submission, cells={("directives", "value"): "1", ("inspections", "value"): "3"},
        expected_version=submission.version, by=actors.officer_a,
    )
    return result.submission


@pytest.fixture
def officer(client, actors):
    client.force_login(actors.officer_a)
    return client


def template_of(client, submission, **query) -> bytes:
    response = client.get(reverse("reporting:submission-template", kwargs={"pk": submission.pk}), query)
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    return response.content


def filled(content: bytes, cells: dict) -> bytes:
    """Type into the template as a person would in Excel: {row key or "row|line": value or {column: value}}."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    meta = {row[0]: row[1] for row in workbook[excel.META_SHEET].iter_rows(values_only=True)}
    sheet = workbook.worksheets[0]
    key_column, first = int(meta["key_column"]), int(meta["first_value_column"])
    columns = excel._positions(meta["columns"])
    for row in sheet.iter_rows(min_row=int(meta["header_row"]) + 1):
        key = row[key_column - 1].value
        if key not in cells:
            continue
        value = cells[key]
        if isinstance(value, dict):
            positions = excel._positions(meta[f"people:{key.split('|')[0]}"]) if "|" in key else columns
            for column, typed in value.items():
                sheet.cell(row=row[0].row, column=positions[column]).value = typed
        else:
            sheet.cell(row=row[0].row, column=first).value = value
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(client, submission, content: bytes, name: str = "bao-cao.xlsx"):
    return client.post(
        reverse("reporting:submission-import", kwargs={"pk": submission.pk}),
        {"file": SimpleUploadedFile(name, content)},
    )


def snapshot(submission):
    submission.refresh_from_db()
    return submission.version, sorted(
        SubmissionValue.objects.filter(submission=submission).values_list("row__key", "column", "number", "text", "source")
    )


def stashed_files(media) -> list:
    folder = media / spreadsheets.STASH_DIR
    return list(folder.iterdir()) if folder.exists() else []


def test_round_trip_download_fill_upload_see_confirm(officer, report, media):
    content = filled(template_of(officer, report), {
        "directives": 5, "inspections": None, "partner_value": "1.234,5", "culture_sport": 0,
        "achievements": "- Tổ chức 3 hội nghị\n- Ký 2 thỏa thuận",
    })
    before = snapshot(report)

    page = upload(officer, report, content)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="import-preview"' in text and 'data-testid="confirm-import"' in text
    assert "1.234,5" in text and "Tổ chức 3 hội nghị" in text
    assert snapshot(report) == before  # shown, never applied silently

    done = officer.post(reverse("reporting:submission-import", kwargs={"pk": report.pk}), {"token": page.context["token"]})
    assert done.status_code == 302
    assert done["Location"] == reverse("reporting:submission-edit", kwargs={
        "unit_pk": report.unit_id, "form_code": "PL02", "period_slug": "2026-11"})
    cells = {(v.row.key, v.column): v for v in SubmissionValue.objects.filter(submission=report).select_related("row")}
    assert cells[("directives", "value")].number == 5
    assert cells[("directives", "value")].source == ValueSource.IMPORT
    assert cells[("partner_value", "value")].number == Decimal("1234.5")
    assert cells[("culture_sport", "value")].number == 0  # a zero is a figure
    assert cells[("inspections", "value")].number is None  # emptied in the file, empty in the report
    assert cells[("achievements", "value")].text == "- Tổ chức 3 hội nghị\n- Ký 2 thỏa thuận"
    assert not stashed_files(media)  # the parked file is gone once used


def test_a_cell_that_cannot_be_read_is_shown_at_its_row_and_nothing_is_written(officer, report, media):
    before = snapshot(report)
    page = upload(officer, report, filled(template_of(officer, report), {"directives": "2,5", "inspections": "ba"}))
    text = page.content.decode()
    assert "chỉ nhận số nguyên" in text and "“ba” không phải là số" in text
    assert "token" not in page.context and 'data-testid="confirm-import"' not in text
    assert snapshot(report) == before and not stashed_files(media)


def test_a_blank_template_has_no_figures(officer, report):
    workbook = openpyxl.load_workbook(io.BytesIO(template_of(officer, report, trong="1")))
    values = [c.value for c in workbook.worksheets[0]["D"] if isinstance(c.value, (int, float))]
    assert values == []


@pytest.mark.parametrize("other", ["period", "form", "unit", "version"])
def test_a_template_of_another_form_period_or_unit_gets_a_clear_error(officer, client, tree, actors, report, forms, other):
    if other == "period":
        october = period_get_or_create(form=forms["PL02"], year=2026, month=10)
        content = template_of(officer, submission_open(unit=tree.company_a, period=october, by=actors.officer_a))
        expected = "mẫu của kỳ tháng 10/2026; báo cáo này là kỳ Tháng 11/2026"
    elif other == "form":
        year = period_get_or_create(form=forms["PL03"], year=2026)
        content = template_of(officer, submission_open(unit=tree.company_a, period=year, by=actors.officer_a))
        expected = "mẫu của biểu mẫu “PL03”, không phải của biểu mẫu PL02"
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(template_of(officer, report)))
        meta = workbook[excel.META_SHEET]
        for row in meta.iter_rows():
            if row[0].value == other:
                row[1].value = {"unit": "HN-B", "version": "7"}[other]
        stream = io.BytesIO()
        workbook.save(stream)
        content = stream.getvalue()
        expected = {"unit": "mẫu của đơn vị mã “HN-B”", "version": "mẫu phiên bản 7 của biểu mẫu PL02"}[other]
    before = snapshot(report)
    page = upload(officer, report, content)
    assert page.status_code == 200
    assert expected in " ".join(page.context["form"].errors["file"])
    assert snapshot(report) == before


def test_a_spreadsheet_that_is_not_a_template_is_refused(officer, report):
    workbook = openpyxl.Workbook()
    workbook.active.append(["STT", "Nội dung", "Số lượng"])
    stream = io.BytesIO()
    workbook.save(stream)
    page = upload(officer, report, stream.getvalue())
    assert "không phải mẫu nhập báo cáo" in page.context["form"].errors["file"][0]


def zip_bomb(uncompressed_mb: int) -> bytes:
    """A valid-looking .xlsx whose sheet inflates to `uncompressed_mb` MB of nothing (~1,000:1)."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types xmlns='x'/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(uncompressed_mb):
                member.write(chunk)
    return stream.getvalue()


def entity_bomb(template: bytes) -> bytes:
    """The template with "billion laughs" declared in its sheet and used in a cell."""
    laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{laughs}]>'
    source, target = io.BytesIO(template), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                if text.startswith("<?xml"):
                    head, _sep, body = text.partition("?>")
                    text = f"{head}?>{doctype}{body}"
                else:
                    text = doctype + text
                text = text.replace("<t>PHỤ LỤC 02</t>", "<t>&lol9;</t>")
                assert "&lol9;" in text
                data = text.encode()
            bomb.writestr(item, data)
    return target.getvalue()


def test_hostile_files_are_refused_without_harm(officer, report, media):
    before = snapshot(report)
    template = template_of(officer, report)
    cases = {
        "không phải là tệp Excel": b"PK\x03\x04 this is not a zip at all",
        "giải nén ra quá lớn": zip_bomb(120),
        "khai báo XML không được phép": entity_bomb(filled(template, {"directives": 9})),
        "Tệp lớn quá 5 MB": b"\0" * (50 * 1024 * 1024),
    }
    for message, content in cases.items():
        page = upload(officer, report, content)
        assert page.status_code == 200
        assert message in " ".join(page.context["form"].errors["file"]), message
    page = upload(officer, report, b"a;b\n1;2\n", name="bao-cao.csv")
    assert "Chỉ nhận tệp .xlsx" in page.context["form"].errors["file"][0]
    assert snapshot(report) == before and not stashed_files(media)


def test_the_checks_hold_below_the_view(report):
    """The zip and XML checks are in the one reader of spreadsheets, for every import of the portal."""
    with pytest.raises(spreadsheets.SpreadsheetError, match="giải nén ra quá lớn"):
        spreadsheets.check_xlsx(zip_bomb(12))  # small in total, but ~1,000:1
    assert openpyxl.DEFUSEDXML  # and openpyxl parses through defusedxml as a second line
    workbook = excel.submission_workbook(report, as_template=True)
    bomb = entity_bomb(excel.workbook_bytes(workbook))
    with pytest.raises(ValueError) as refused:
        openpyxl.load_workbook(io.BytesIO(bomb))
    causes, error = [], refused.value
    while error is not None:
        causes.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    assert "EntitiesForbidden" in causes
    with pytest.raises(spreadsheets.SpreadsheetError, match="khai báo XML"):
        spreadsheets.read_spreadsheet(bomb, "bom.xlsx")
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(spreadsheets.MAX_XLSX_MEMBERS + 1):
            archive.writestr(f"x/{n}.bin", b"")
    with pytest.raises(spreadsheets.SpreadsheetError, match="quá nhiều thành phần"):
        spreadsheets.check_xlsx(many.getvalue())


def test_a_report_changed_between_check_and_confirmation_is_not_overwritten(officer, actors, report):
    page = upload(officer, report, filled(template_of(officer, report), {"directives": 5}))
    report.refresh_from_db()
    submission_save(submission=report, cells={("directives", "value"): "7"}, expected_version=report.version,
                    by=actors.officer_a)
    done = officer.post(reverse("reporting:submission-import", kwargs={"pk": report.pk}),
                        {"token": page.context["token"]}, follow=True)
    assert "Báo cáo đã thay đổi sau khi bạn kiểm tra tệp" in done.content.decode()
    assert SubmissionValue.objects.get(submission=report, row__key="directives").number == 7


def test_a_sent_report_cannot_be_imported_into(officer, actors, report):
    content = filled(template_of(officer, report), {"directives": 5})
    report.refresh_from_db()
    submission_submit(submission=report, expected_version=report.version, by=actors.officer_a)
    before = snapshot(report)
    page = upload(officer, report, content)
    assert 'data-testid="not-editable"' in page.content.decode()
    assert snapshot(report) == before


def test_a_token_is_good_only_for_its_user_and_report(client, officer, actors, report, tree, november):
    page = upload(officer, report, filled(template_of(officer, report), {"directives": 5}))
    token = page.context["token"]
    other = submission_open(unit=tree.company_a, period=period_get_or_create(
        form=report.period.form, year=2026, month=12), by=actors.officer_a)
    done = officer.post(reverse("reporting:submission-import", kwargs={"pk": other.pk}), {"token": token}, follow=True)
    assert "Phiên nhập đã hết hạn" in done.content.decode()
    assert SubmissionValue.objects.get(submission=report, row__key="directives").number == 1


def test_the_officers_table_of_phu_luc_01_round_trips(officer, tree, actors, forms):
    period = period_get_or_create(form=forms["PL01"], year=2026)
    submission = submission_open(unit=tree.company_a, period=period, by=actors.officer_a)
    content = filled(template_of(officer, submission), {
        "advisory_department": "Ban Chính sách – Pháp luật",
        "officers|1": {"name": "Nguyễn Văn A", "phone": "0912 345 678"},
        "officers|3": {"name": "Lê Thị C", "position": "Chuyên viên", "email": "không-phải-email"},
    })
    page = upload(officer, submission, content)
    assert "Địa chỉ email không hợp lệ" in page.content.decode()
    content = filled(content, {"officers|3": {"email": "le.c@congdoan.vn"}})
    page = upload(officer, submission, content)
    officer.post(reverse("reporting:submission-import", kwargs={"pk": submission.pk}), {"token": page.context["token"]})
    texts = dict(SubmissionValue.objects.filter(submission=submission).values_list("column", "text"))
    assert texts["value"] == "Ban Chính sách – Pháp luật"
    assert texts["1.name"] == "Nguyễn Văn A" and texts["1.phone"] == "0912 345 678"
    assert texts["3.position"] == "Chuyên viên" and texts["3.email"] == "le.c@congdoan.vn"
    assert "1.position" not in texts  # the printed line stands


def test_the_an_giang_appendix_round_trips_without_its_computed_share(officer, tree, actors, forms):
    period = period_get_or_create(form=forms["AGIANG"], year=2026)
    submission = submission_open(unit=tree.company_a, period=period, by=actors.officer_a)
    content = filled(template_of(officer, submission), {"social": {"result": 300, "members": 240}, "policy": {"result": 4}})
    page = upload(officer, submission, content)
    officer.post(reverse("reporting:submission-import", kwargs={"pk": submission.pk}), {"token": page.context["token"]})
    numbers = {(k, c): n for k, c, n in SubmissionValue.objects.filter(submission=submission).values_list("row__key", "column", "number")}
    assert numbers[("social", "result")] == 300 and numbers[("social", "members")] == 240
    assert numbers[("policy", "result")] == 4
    assert not any(column == "share" for _key, column in numbers)
