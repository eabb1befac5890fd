"""The one reader and writer of spreadsheets (unionportal/spreadsheets.py), below every import and
export: caps on what a file may claim, and cells that cannot run as formulas or break a file."""

import csv
import io

import openpyxl
import pytest

from unionportal import spreadsheets


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_a_file_with_more_rows_than_the_cap_is_refused_in_vietnamese():
    content = xlsx([["Tên", "Mã"], *[[f"Đơn vị {n}", n] for n in range(11)]])
    assert len(spreadsheets.read_spreadsheet(content, "tep.xlsx", max_rows=11)) == 11
    with pytest.raises(spreadsheets.SpreadsheetError, match="Tệp có quá 10 dòng"):
        spreadsheets.read_spreadsheet(content, "tep.xlsx", max_rows=10)


def test_a_sheet_formatted_down_to_its_last_row_costs_nothing():
    content = xlsx([["Tên", "Mã"], ["Công đoàn A", 1]] + [[None, None]] * 5000)
    assert len(spreadsheets.read_spreadsheet(content, "tep.xlsx", max_rows=10)) == 1


def test_a_file_with_more_columns_than_the_cap_is_refused():
    header = [f"Cột {n}" for n in range(spreadsheets.MAX_IMPORT_COLUMNS + 1)]
    with pytest.raises(spreadsheets.SpreadsheetError, match="cột"):
        spreadsheets.read_spreadsheet(xlsx([header, ["x"] * len(header)]), "tep.xlsx")
    stream = io.StringIO()
    csv.writer(stream).writerows([header, ["x"] * len(header)])
    with pytest.raises(spreadsheets.SpreadsheetError, match="cột"):
        spreadsheets.read_spreadsheet(stream.getvalue().encode(), "tep.csv")


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_formula_prefix_is_neutralised_in_both_formats(text):
    assert spreadsheets.safe_cell(text) == "'" + text
    dataset = spreadsheets.tablib.Dataset([text], headers=["Tên"])
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.render_dataset(dataset, "xlsx"))).active
    assert sheet["A2"].data_type == "s"  # text, never a formula
    written = spreadsheets.render_dataset(dataset, "csv").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(written, newline="")))[1] == ["'" + text]


def test_control_characters_are_dropped_instead_of_failing_the_export():
    dataset = spreadsheets.tablib.Dataset(["Công\x00 đoàn\x0b A\x1f"], headers=["Tên\x07"])
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.render_dataset(dataset, "xlsx"))).active
    assert (sheet["A1"].value, sheet["A2"].value) == ("Tên", "Công đoàn A")
    assert spreadsheets.safe_cell(12.5) == 12.5
