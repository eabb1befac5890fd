"""The one Excel writer: every report in the layout of its Phụ lục, figures where they belong."""

import io
import time
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from reporting import excel
from reporting.choices import ComplianceStatus, RowKind
from reporting.models import FormVersion
from reporting.selectors import consolidation
from reporting.services import (
    period_get_or_create,
    submission_approve,
    submission_open,
    submission_save,
    submission_submit,
)


def fill(submission, by, **cells):
    result = submission_save(
        submission=submission, cells={(k, "value"): v for k, v in cells.items()},
        expected_version=submission.version, by=by,
    )
    assert result.cell_errors == {}
    return result.submission


def reopen(workbook) -> openpyxl.Workbook:
    """What a person gets: the saved file, opened again."""
    return openpyxl.load_workbook(io.BytesIO(excel.workbook_bytes(workbook)))


def find_row(sheet, label: str) -> int:
    for row in sheet.iter_rows(min_col=2, max_col=2):
        if row[0].value and str(row[0].value).startswith(label):
            return row[0].row
    raise AssertionError(f"no row {label!r}")


@pytest.fixture
def filled(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    return fill(
        submission, actors.officer_a, directives="2", partner_meetings="0", partner_value="1.234,5", loans="10",
        loans_support_fund="4", achievements="- Tổ chức 3 hội nghị\n- Ký 2 thỏa thuận", recommendations="=cmd|' /C calc'!A0",
    )


def test_a_submission_exports_in_the_layout_of_phu_luc_02(filled):
    sheet = reopen(excel.submission_workbook(filled)).active
    assert [sheet.cell(row=r, column=1).value for r in range(1, 5)] == [
        "PHỤ LỤC 02",
        "(Kèm văn bản số ..……/TLĐ ngày      /     /          của Tổng Liên đoàn)",
        "MẪU: BÁO CÁO THÁNG",
        "Kết quả thực hiện hoạt động “Năm vì lợi ích đoàn viên”",
    ]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:D1", "A2:D2", "A3:D3", "A4:D4"} <= merged
    assert sheet["A1"].font.b and sheet["A1"].alignment.horizontal == "center"
    texts = [str(c.value) for c in sheet["A"][:10] if c.value]
    assert "Đơn vị: Công đoàn cơ sở Công ty A" in texts
    assert "Kỳ báo cáo: Tháng 11/2026" in texts

    header = find_row(sheet, "Nội dung và chỉ tiêu báo cáo")
    assert [c.value for c in sheet[header]][:4] == ["STT", "Nội dung và chỉ tiêu báo cáo", "Đơn vị", "Số lượng"]
    rows = list(filled.form_version.rows.all())
    printed = [(c[0].value or "", c[1].value, c[2].value or "") for c in sheet.iter_rows(min_row=header + 1, max_row=header + len(rows), max_col=3)]
    assert printed == [(r.number, r.label, r.unit) for r in rows]

    def at(label):
        return sheet.cell(row=find_row(sheet, label), column=4)

    assert sheet.cell(row=find_row(sheet, "Công tác chỉ đạo"), column=2).font.b  # a section
    assert not sheet.cell(row=find_row(sheet, "Chương trình phúc lợi"), column=2).font.b  # bold: false in the file
    assert at("Văn bản chỉ đạo trong tháng").value == 2
    assert at("Văn bản chỉ đạo trong tháng").number_format == "#,##0"
    assert at("Phối hợp với đối tác").value == 0  # a zero stays a zero
    assert at("Kiểm tra, đôn đốc").value is None  # an empty cell stays empty
    assert at("Giá trị đoàn viên").value == 1234.5
    assert at("Giá trị đoàn viên").number_format == "#,##0.0##"
    assert at("Từ Quỹ trợ vốn").value == 4
    assert sheet.cell(row=find_row(sheet, "Từ Quỹ trợ vốn"), column=2).alignment.indent == 2
    assert at("Mặt được").value == "- Tổ chức 3 hội nghị\n- Ký 2 thỏa thuận"
    assert at("Mặt được").alignment.wrap_text
    assert at("Văn bản chỉ đạo trong tháng").border.left.style == "thin"

    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_a_text_that_looks_like_a_formula_is_written_as_text(filled):
    content = excel.workbook_bytes(excel.submission_workbook(filled))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cell = sheet.cell(row=find_row(sheet, "KIẾN NGHỊ"), column=4)
    assert cell.data_type == "s" and cell.value == "=cmd|' /C calc'!A0"
    assert cell.quotePrefix  # Excel's own "typed as text" mark: shown without an apostrophe


def test_a_consolidation_exports_with_the_figures_of_approved_reports(tree, actors, november, filled):
    submission_submit(submission=filled, expected_version=filled.version, by=actors.officer_a)
    filled.refresh_from_db()
    submission_approve(submission=filled, expected_version=filled.version, by=actors.reviewer_an_giang)
    hospital = submission_open(unit=tree.hospital, period=november, by=actors.system_admin)
    fill(hospital, actors.system_admin, directives="3", achievements="Khám sức khỏe cho 200 đoàn viên")
    hospital.refresh_from_db()
    submission_submit(submission=hospital, expected_version=hospital.version, by=actors.system_admin)
    hospital.refresh_from_db()
    submission_approve(submission=hospital, expected_version=hospital.version, by=actors.reviewer_an_giang)

    sheet = reopen(excel.consolidation_workbook(consolidation(unit=tree.an_giang, period=november))).active
    texts = [str(c.value) for c in sheet["A"][:10] if c.value]
    assert "Đơn vị: Liên đoàn Lao động tỉnh An Giang" in texts
    assert any("2 báo cáo đã duyệt" in t for t in texts)
    assert sheet.cell(row=find_row(sheet, "Văn bản chỉ đạo trong tháng"), column=4).value == 5
    assert sheet.cell(row=find_row(sheet, "Giá trị đoàn viên"), column=4).value == 1234.5
    assert sheet.cell(row=find_row(sheet, "Kiểm tra, đôn đốc"), column=4).value is None
    gathered = sheet.cell(row=find_row(sheet, "Mặt được"), column=4).value
    assert "Công đoàn Bệnh viện An Giang: Khám sức khỏe cho 200 đoàn viên" in gathered


def test_the_an_giang_appendix_computes_the_members_share(tree, actors, forms):
    period = period_get_or_create(form=forms["AGIANG"], year=2026)
    submission = submission_open(unit=tree.company_a, period=period, by=actors.officer_a)
    submission_save(
        submission=submission, expected_version=submission.version, by=actors.officer_a,
        cells={("social", "result"): "300", ("social", "members"): "240", ("policy", "result"): "4",
               ("spiritual", "result"): "0", ("spiritual", "members"): "0"},
    )
    submission.refresh_from_db()
    sheet = reopen(excel.submission_workbook(submission)).active
    header = find_row(sheet, "Nội dung lợi ích cho đoàn viên")
    assert [c.value for c in sheet[header]] == ["STT", "Nội dung lợi ích cho đoàn viên", "Kết quả",
                                                 "Đoàn viên công đoàn hưởng lợi", "Tỷ lệ %"]
    social = find_row(sheet, "Lợi ích cho đoàn viên, thông qua hoạt động xã hội")
    assert [sheet.cell(row=social, column=c).value for c in (3, 4, 5)] == [300, 240, 80]
    assert sheet.cell(row=social, column=5).number_format == "#,##0.0"
    assert "Trong đó đoàn viên công đoàn (người)" in str(sheet.cell(row=social, column=2).value)
    policy = find_row(sheet, "Tham gia xây dựng chính sách")
    assert [sheet.cell(row=policy, column=c).value for c in (3, 4, 5)] == [4, None, None]
    spiritual = find_row(sheet, "Lợi ích tinh thần:")
    assert sheet.cell(row=spiritual, column=5).value is None  # 0 of 0 is not 0 %


def test_the_people_table_of_phu_luc_01(tree, actors, forms):
    period = period_get_or_create(form=forms["PL01"], year=2026)
    submission = submission_open(unit=tree.company_a, period=period, by=actors.officer_a)
    submission_save(
        submission=submission, expected_version=submission.version, by=actors.officer_a,
        cells={("advisory_department", "value"): "Ban Chính sách – Pháp luật", ("officers", "1.name"): "Nguyễn Văn A",
               ("officers", "1.phone"): "0912 345 678", ("officers", "3.position"): "Chuyên viên"},
    )
    submission.refresh_from_db()
    sheet = reopen(excel.submission_workbook(submission)).active
    header = find_row(sheet, "Họ và tên")
    assert [c.value for c in sheet[header]][:5] == ["STT", "Họ và tên", "Chức vụ", "Số điện thoại", "Email"]
    assert [c.value for c in sheet[header + 1]][:5] == ["1", "Nguyễn Văn A", "Lãnh đạo LĐLĐ tỉnh", "0912 345 678", None]
    assert [c.value for c in sheet[header + 3]][:3] == ["3", None, "Chuyên viên"]
    assert sheet.cell(row=find_row(sheet, "Ban …"), column=3).value == "Ban Chính sách – Pháp luật"


def test_every_shipped_form_exports(tree, forms):
    for version in FormVersion.objects.filter(is_current=True):
        workbook = excel.form_workbook(form_version=version, unit_name="Đơn vị thử", period_label="Năm 2026", values={})
        sheet = reopen(workbook).active
        labels = [c.value for c in sheet["B"] if c.value]
        for row in version.rows.all():
            assert any(str(label).startswith(row.label) for label in labels), (version, row.key)


def test_a_template_carries_its_identity_and_unlocks_only_the_inputs(filled):
    workbook = reopen(excel.submission_workbook(filled, as_template=True))
    assert workbook[excel.META_SHEET].sheet_state == "veryHidden"
    meta = {row[0]: row[1] for row in workbook[excel.META_SHEET].iter_rows(values_only=True)}
    assert (meta["form"], meta["version"], meta["period"], meta["unit"]) == ("PL02", "1", "2026-11", "AG-CT-A")
    sheet = workbook.worksheets[0]
    assert sheet.protection.sheet
    directives = find_row(sheet, "Văn bản chỉ đạo trong tháng")
    assert not sheet.cell(row=directives, column=4).protection.locked
    assert sheet.cell(row=directives, column=2).protection.locked
    assert sheet.column_dimensions["E"].hidden and sheet.cell(row=directives, column=5).value == "directives"
    blank = reopen(excel.submission_workbook(filled, as_template=True, blank=True)).worksheets[0]
    assert blank.cell(row=directives, column=4).value is None


def test_the_compliance_list_streams_twenty_thousand_rows_quickly():
    moment = datetime(2026, 11, 24, 3, 15, tzinfo=UTC)
    rows = [
        {"code": f"CS{n:05d}", "name": f"Công đoàn cơ sở số {n}", "kind": "Công đoàn cơ sở", "province": "An Giang",
         "compliance_status": ComplianceStatus.ON_TIME if n % 3 else ComplianceStatus.MISSING,
         "first_submitted_at": moment if n % 3 else None, "last_submitted_at": moment if n % 3 else None}
        for n in range(20_000)
    ]
    rows[5]["name"] = "=HYPERLINK(\"http://x\")"
    started = time.perf_counter()
    content = excel.workbook_bytes(excel.compliance_workbook(rows, title="Tình hình gửi báo cáo tháng 11/2026"))
    assert time.perf_counter() - started < 8  # ~2.5 s on a busy 2-core machine; the floor of openpyxl without lxml
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][0] == "PHỤ LỤC 04"
    assert lines[2][:6] == ("STT", "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Tỉnh, thành phố", "Tình trạng")
    assert len(lines) == 3 + 20_000
    assert lines[4][1:6] == ("CS00001", "Công đoàn cơ sở số 1", "Công đoàn cơ sở", "An Giang", "Đã gửi đúng hạn")
    assert lines[4][6] == datetime(2026, 11, 24, 10, 15)  # Asia/Ho_Chi_Minh
    assert lines[3][5] == "Chưa gửi" and (lines[3] + (None,) * 9)[6] is None
    assert lines[8][2] == "=HYPERLINK(\"http://x\")"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_computed_kinds_are_never_stored_as_inputs(forms):
    agiang = forms["AGIANG"].current_version
    layout = excel.report_layout(form_version=agiang, unit_name="x", period_label="y",
                                 values={("social", "result"): Decimal(10), ("social", "share"): Decimal(99)})
    social = next(r for r in layout.rows if r.key == "social")
    share = social.cells[-1]
    assert share.computed and not share.editable and share.value is None  # 10 results, no members: no share
    assert social.cells[0].kind == RowKind.INTEGER and social.cells[0].editable
