"""The .xlsx of a dashboard chart: the table shown beside the chart, numbers as numbers, no formula
run from a name."""

import io

import openpyxl
import pytest

from tests.factories import BenefitUsageFactory, PartnerFactory

URL = "/api/v1/dashboard/xlsx/"


def workbook(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_from(sheet, first_row=5):
    return [list(row) for row in sheet.iter_rows(min_row=first_row, values_only=True)]


def test_one_chart_as_a_sheet(client, tree, actors, year_of_welfare, today):
    client.force_login(actors.reviewer_an_giang)
    response = client.get(URL, {"section": "welfare", "chart": "usage_by_month", "year": 2026})
    assert 'filename="bang-dieu-khien-welfare-usage_by_month-AG-2026.xlsx"' in response["Content-Disposition"]
    book = workbook(response)
    assert len(book.sheetnames) == 1
    sheet = book.active
    assert sheet["A1"].value == "Đoàn viên sử dụng sản phẩm của đối tác và thiết chế công đoàn"
    assert sheet["A2"].value == "Liên đoàn Lao động tỉnh An Giang · năm 2026 · số liệu ngày 28/11/2026"
    assert sheet["A3"].value.startswith("Số lượt đoàn viên sử dụng")
    table = rows_from(sheet)
    assert table[0] == ["Tháng", "Sử dụng sản phẩm của đối tác (lượt đoàn viên)",
                        "Sử dụng thiết chế công đoàn (lượt đoàn viên)", "Giá trị được hưởng (triệu đồng)"]
    assert table[9] == ["09/2026", 120, None, 35]
    assert table[10] == ["10/2026", 130, 30, 1236.5]
    assert len(table) == 13
    assert sheet["D15"].number_format == "#,##0.0##"  # shown 1.236,5 in a Vietnamese Excel


def test_a_whole_section_one_sheet_per_chart(client, tree, actors, year_of_reports, today):
    client.force_login(year_of_reports.reviewer_tld)
    book = workbook(client.get(URL, {"section": "reporting", "year": 2026}))
    # Sheet names are the titles cut to Excel's 31 characters, "/" replaced.
    assert book.sheetnames == ["Tỷ lệ gửi báo cáo tháng và gửi", "Tình trạng báo cáo Tháng 11-202",
                               "Các đơn vị chậm báo cáo nhất"]
    rates = rows_from(book.worksheets[0])
    assert rates[0][:3] == ["Tháng", "Tỷ lệ đã gửi (%)", "Tỷ lệ gửi đúng hạn (%)"]
    assert rates[10][:6] == ["10/2026", 50, 33.3, 6, 3, 2]
    slowest = rows_from(book.worksheets[2])
    assert slowest[0] == ["Đơn vị", "Trực thuộc", "Số tháng đã quá hạn (tháng)", "Gửi muộn (tháng)", "Chưa gửi (tháng)"]
    assert slowest[1] == ["Liên đoàn Lao động Thành phố Hà Nội", "Tổng Liên đoàn Lao động Việt Nam", 2, 0, 2]


def test_a_name_that_looks_like_a_formula_stays_text(client, tree, actors, today):
    from datetime import date

    hostile = PartnerFactory(unit=tree.an_giang, name='=HYPERLINK("http://evil.example","Bấm vào đây")')
    BenefitUsageFactory(unit=tree.company_a, partner=hostile, month=date(2026, 10, 1), members_count=7)
    client.force_login(actors.reviewer_an_giang)
    book = workbook(client.get(URL, {"section": "welfare", "chart": "top_partners", "year": 2026}))
    cell = book.active["A6"]
    assert cell.value == '=HYPERLINK("http://evil.example","Bấm vào đây")'
    assert cell.data_type == "s" and cell.quotePrefix  # text with Excel's quote prefix: never run
    assert book.active["B6"].value == 7


@pytest.mark.parametrize("section", ["reporting", "welfare", "benefits", "campaigns"])
def test_every_section_exports(client, tree, actors, section):
    client.force_login(actors.reviewer_an_giang)
    book = workbook(client.get(URL, {"section": section}))
    assert book.sheetnames


def test_an_officer_of_an_upper_unit_gets_no_units_below_in_the_file(client, tree, year_of_reports, today):
    from organizations.choices import Role
    from tests.factories import user_with_role

    client.force_login(user_with_role(tree.an_giang, Role.OFFICER, username="can_bo_ag_x"))
    sheet = workbook(client.get(URL, {"section": "reporting", "chart": "slowest_units", "year": 2026})).active
    assert "cán bộ duyệt báo cáo" in sheet["A4"].value
    assert rows_from(sheet)[1:] == []


def test_another_provinces_file_is_not_found(client, tree, actors):
    client.force_login(actors.officer_b)
    assert client.get(URL, {"section": "welfare", "unit": tree.an_giang.pk}).status_code == 404
