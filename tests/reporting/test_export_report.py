"""`manage.py export_report`: a report or a consolidation to .xlsx from the command line."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from reporting.services import submission_approve, submission_open, submission_save, submission_submit


@pytest.fixture
def approved(tree, actors, november):
    submission = submission_open(unit=tree.company_a, period=november, by=actors.officer_a)
    submission = submission_save(
        submission=submission, expected_version=submission.version, by=actors.officer_a,
        cells={("directives", "value"): "2", ("loans", "value"): "10"},
    ).submission
    submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    submission.refresh_from_db()
    return submission_approve(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang)


def run(*args) -> str:
    out = io.StringIO()
    call_command("export_report", *args, stdout=out)
    return out.getvalue()


def value_of(path, label):
    sheet = openpyxl.load_workbook(path).active
    for row in sheet.iter_rows(min_col=2, max_col=4):
        if str(row[0].value).startswith(label):
            return row[2].value
    raise AssertionError(label)


def test_a_units_own_report(tmp_path, approved):
    path = tmp_path / "cty-a.xlsx"
    output = run("--form", "PL02", "--period", "2026-11", "--unit", "AG-CT-A", "-o", str(path))
    assert "Công đoàn cơ sở Công ty A" in output and str(path) in output
    assert value_of(path, "Văn bản chỉ đạo trong tháng") == 2


def test_the_national_consolidation_by_default(tmp_path, approved):
    path = tmp_path / "tld.xlsx"
    output = run("--form", "pl02", "--period", "2026-11", "--consolidated", "-o", str(path))
    assert "Tổng Liên đoàn Lao động Việt Nam" in output and "tổng hợp" in output
    assert openpyxl.load_workbook(path).active["A1"].value == "PHỤ LỤC 02"
    assert value_of(path, "Số đoàn viên được vay vốn") == 10


@pytest.mark.parametrize(("args", "message"), [
    (["--form", "PL09", "--period", "2026-11"], "Không có biểu mẫu"),
    (["--form", "PL02", "--period", "11/2026"], "không hợp lệ"),
    (["--form", "PL02", "--period", "2031-01"], "không có kỳ"),
    (["--form", "PL02", "--period", "2026-11", "--unit", "KHONG-CO"], "Không có đơn vị"),
    (["--form", "PL02", "--period", "2026-11"], "chưa có báo cáo"),  # TLĐ itself has no report of its own
])
def test_clear_errors(tmp_path, approved, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "-o", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()
