"""The forms as data: the four shipped files, periods for any year, a fifth form from a file alone,
new versions beside old submissions, the `load_forms` command and the An Giang appendix."""

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.choices import PeriodType, RowKind, SubmissionStatus, ValueSource
from reporting.definitions import (
    DefinitionError,
    computed_cells,
    definition_files,
    ensure_forms_loaded,
    load_all,
    people_table,
    read_definition,
    stored_columns,
    validate_definition,
)
from reporting.models import ConsolidatedTotal, Form, FormVersion, Period
from reporting.services import (
    SubmitRefused,
    form_assign,
    period_get_or_create,
    periods_generate,
    submission_approve,
    submission_open,
    submission_save,
    submission_submit,
    values_of,
)
from reporting.validation import check
from tests.factories import BenefitUsageFactory, InstitutionFactory
from unionportal.numbers import format_number

FIFTH_FORM = """\
# A small yearly form, to show that a new form is a file and nothing else.
code: TEST5
version: {version}
title: "Biểu mẫu thứ năm"
appendix: "PHỤ LỤC 05"
period_type: yearly
due: {{day: 15, month: 1}}
rows:
  - {{key: s1, number: "I", label: "Hoạt động", kind: section}}
  - {{key: visits, number: "1", label: "{visits_label}", unit: "cuộc", kind: integer}}
  - {{key: visits_far, number: "-", label: "Trong đó ở vùng sâu, vùng xa", unit: "cuộc", kind: integer, parent: visits}}
  - {{key: spent, number: "2", label: "Kinh phí", unit: "triệu đồng", kind: money}}
  - {{key: notes, number: "3", label: "Ghi chú", kind: text, required: true}}
{extra}
"""


def write_fifth_form(directory: Path, *, version=1, visits_label="Số cuộc thăm hỏi", extra="") -> Path:
    path = directory / "TEST5.yaml"
    path.write_text(FIFTH_FORM.format(version=version, visits_label=visits_label, extra=extra), encoding="utf-8")
    return path


def save(submission, by, **cells):
    result = submission_save(
        submission=submission, cells={(k, "value"): v for k, v in cells.items()},
        expected_version=submission.version, by=by,
    )
    assert result.cell_errors == {}
    return result.submission


# --- the shipped files -------------------------------------------------------------------------


def test_the_four_appendix_forms_are_shipped_and_load(forms):
    assert set(forms) >= {"PL01", "PL02", "PL03", "AGIANG"}
    assert {p.stem for p in definition_files()} == {"PL01", "PL02", "PL03", "AGIANG"}
    for form in forms.values():
        assert form.current_version.rows.exists()


def test_loading_twice_changes_nothing(forms):
    before = FormVersion.objects.count()
    assert all(not created for _code, _version, created in load_all())
    ensure_forms_loaded()
    assert FormVersion.objects.count() == before


def test_phu_luc_03_is_transcribed_with_its_sub_lines_units_and_parents(forms):
    rows = {row.key: row for row in forms["PL03"].current_version.rows.all()}
    assert rows["conferences"].number == "1.1.1." and rows["conferences"].unit == "Hội nghị"
    assert rows["conference_participants"].label == "Số người tham gia"  # "Sô" corrected
    assert rows["officials_conferences"].unit == "CQ,ĐV"
    assert rows["workers_conferences"].label == "Số DN có CĐCS tổ chức HNNLĐ"
    assert rows["partner_value"].kind == RowKind.MONEY and rows["partner_value"].unit == "Triệu đồng"
    assert rows["cba_beneficial"].parent == rows["cba"]
    assert [r.key for r in rows["insured"].parts.all()] == [
        "insured_social", "insured_health", "insured_unemployment", "insured_commercial",
    ]
    assert rows["education_university"].number == "+" and rows["education_university"].parent == rows["education_users"]
    assert rows["hardship_amount"].label == "Số tiền được trợ giúp:"
    assert rows["recommendations"].label == "ĐỀ XUẤT KIẾN NGHỊ" and rows["recommendations"].kind == RowKind.TEXT
    assert rows["conferences"].prefill == "campaigns.conferences"
    assert rows["articles"].prefill == "campaigns.articles"
    assert rows["partner_users"].prefill == "sum:PL02.partner_users"
    definition = forms["PL03"].current_version.definition
    assert definition["template_label"] == "MẪU: BÁO CÁO KẾT QUẢ THỰC HIỆN"
    assert definition["content_header"] == "Nội dung và tiêu chí báo cáo"


def test_every_prefill_of_phu_luc_03_names_a_row_of_phu_luc_02(forms):
    pl02 = set(forms["PL02"].current_version.rows.values_list("key", flat=True))
    sums = [r.prefill for r in forms["PL03"].current_version.rows.all() if r.prefill.startswith("sum:")]
    assert len(sums) >= 9
    for source in sums:
        code, _dot, key = source.removeprefix("sum:").partition(".")
        assert code == "PL02" and key in pl02, source


def test_phu_luc_01_has_the_department_row_and_the_officers_table(forms):
    rows = {row.key: row for row in forms["PL01"].current_version.rows.all()}
    assert rows["advisory_department"].label == "Ban … (được giao tham mưu triển khai các hoạt động)"
    assert rows["advisory_department"].required
    lines, fields = people_table(rows["officers"])
    assert [line["label"] for line in lines] == ["Lãnh đạo LĐLĐ tỉnh", "Lãnh đạo ban", "Cán bộ đầu mối"]
    assert [field["label"] for field in fields] == ["Họ và tên", "Chức vụ", "Số điện thoại", "Email"]
    columns = stored_columns(forms["PL01"].current_version, rows["officers"])
    assert "1.name" in columns and "3.email" in columns and len(columns) == 12


# --- periods and deadlines for any year -------------------------------------------------------


def test_due_dates_come_from_the_files_for_any_year(forms):
    assert forms["PL01"].period_type == PeriodType.ONE_OFF
    assert forms["PL01"].due_date_for(2026, None) == date(2026, 9, 20)
    assert forms["PL01"].due_date_for(2031, None) == date(2031, 9, 20)
    assert forms["PL02"].due_date_for(2026, 2) == date(2026, 2, 25)
    assert forms["PL03"].due_date_for(2027, None) == date(2027, 12, 5)
    assert forms["AGIANG"].due_date_for(2026, None) == date(2026, 12, 31)


def test_periods_are_generated_for_every_form_including_the_one_off_list(forms):
    periods = periods_generate(year=2027)
    by_form = {}
    for period in periods:
        by_form.setdefault(period.form.code, []).append(period)
    assert len(by_form["PL02"]) == 12
    (pl01,) = by_form["PL01"]
    assert pl01.due_date == date(2027, 9, 20) and pl01.month is None
    assert by_form["PL03"][0].due_date == date(2027, 12, 5)
    assert by_form["AGIANG"][0].due_date == date(2027, 12, 31)


def test_a_one_off_form_with_a_fixed_date_has_a_period_only_in_that_year(db, tmp_path):
    (tmp_path / "ONCE.yaml").write_text(
        'code: ONCE\nversion: 1\ntitle: "Một lần"\nperiod_type: one_off\ndue: {date: 2017-09-20}\n'
        'rows:\n  - {key: a, number: "1", label: "Số", kind: integer}\n', encoding="utf-8",
    )
    ensure_forms_loaded(tmp_path)
    form = Form.objects.get(code="ONCE")
    assert form.due_date_for(2017, None) == date(2017, 9, 20)
    assert [p.year for p in periods_generate(year=2017, forms=[form])] == [2017]
    assert periods_generate(year=2018, forms=[form]) == []


# --- a fifth form, and versions ---------------------------------------------------------------


@time_machine.travel("2027-01-10 09:00 +07:00")
def test_a_fifth_form_needs_only_a_data_file(tree, actors, tmp_path):
    write_fifth_form(tmp_path)
    ensure_forms_loaded(tmp_path)
    form = Form.objects.get(code="TEST5")
    form_assign(form=form, units=[tree.company_a], valid_from=date(2026, 1, 1))
    period = period_get_or_create(form=form, year=2026)
    assert period.due_date == date(2026, 1, 15)

    submission = submission_open(unit=tree.company_a, period=period, by=actors.officer_a)
    submission = save(submission, actors.officer_a, visits="12", visits_far="15", spent="2,5")
    with pytest.raises(SubmitRefused) as refused:
        submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    assert {(i.row_key, i.column) for i in refused.value.issues} == {("visits_far", "value"), ("notes", "value")}

    submission = save(submission, actors.officer_a, visits_far="4", notes="Đã thăm hỏi các gia đình khó khăn")
    submission = submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    assert submission.status == SubmissionStatus.SUBMITTED
    values, _comments = values_of(submission)
    assert values[("spent", "value")] == Decimal("2.5")


def test_a_new_version_leaves_submissions_on_the_old_one_intact_and_readable(tree, actors, tmp_path):
    write_fifth_form(tmp_path)
    ensure_forms_loaded(tmp_path)
    form = Form.objects.get(code="TEST5")
    old_period = period_get_or_create(form=form, year=2026)
    old = submission_open(unit=tree.company_a, period=old_period, by=actors.officer_a)
    old = save(old, actors.officer_a, visits="7", notes="Năm cũ")

    write_fifth_form(
        tmp_path, version=2, visits_label="Số cuộc thăm hỏi, động viên",
        extra='  - {key: families, number: "4", label: "Số gia đình được thăm", unit: "gia đình", kind: integer}',
    )
    ensure_forms_loaded(tmp_path)
    form.refresh_from_db()
    assert form.current_version.version == 2
    assert FormVersion.objects.filter(form=form).count() == 2

    old.refresh_from_db()
    assert old.form_version.version == 1
    assert old.form_version.rows.get(key="visits").label == "Số cuộc thăm hỏi"
    assert not old.form_version.rows.filter(key="families").exists()
    values, _comments = values_of(old)
    assert values[("visits", "value")] == 7 and values[("notes", "value")] == "Năm cũ"
    assert check(old.form_version, values) == []

    new = submission_open(unit=tree.company_a, period=period_get_or_create(form=form, year=2027), by=actors.officer_a)
    assert new.form_version.version == 2
    assert new.form_version.rows.get(key="visits").label == "Số cuộc thăm hỏi, động viên"


def test_a_changed_file_with_the_same_version_is_refused(db, tmp_path):
    write_fifth_form(tmp_path)
    ensure_forms_loaded(tmp_path)
    write_fifth_form(tmp_path, visits_label="Một nhãn khác")
    with pytest.raises(DefinitionError, match="new version"):
        load_all(tmp_path)
    assert FormVersion.objects.get(form__code="TEST5").rows.get(key="visits").label == "Số cuộc thăm hỏi"


def test_load_forms_prints_what_it_did_and_refuses_a_changed_file(db, tmp_path):
    write_fifth_form(tmp_path)
    out = StringIO()
    call_command("load_forms", "--dir", str(tmp_path), stdout=out)
    assert "TEST5 phiên bản 1: đã nạp biểu mẫu mới (5 dòng)." in out.getvalue()

    out = StringIO()
    call_command("load_forms", "--dir", str(tmp_path), stdout=out)
    assert "TEST5 phiên bản 1: không thay đổi." in out.getvalue()

    write_fifth_form(tmp_path, visits_label="Một nhãn khác")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_forms", "--dir", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "đã nạp với nội dung khác" in err.getvalue()

    write_fifth_form(tmp_path, version=2, visits_label="Một nhãn khác")
    out = StringIO()
    call_command("load_forms", "--dir", str(tmp_path), stdout=out)
    assert "TEST5 phiên bản 2: đã nạp (5 dòng); thay phiên bản 1" in out.getvalue()


def test_load_forms_loads_the_shipped_files(db):
    out = StringIO()
    call_command("load_forms", stdout=out)
    for code in ("PL01", "PL02", "PL03", "AGIANG"):
        assert f"{code} phiên bản 1:" in out.getvalue()
    assert Form.objects.count() == 4


@pytest.mark.parametrize(
    "change, complaint",
    [
        ({"rows": [{"key": "a", "label": "A", "kind": "integer", "parent": "b"}]}, "not an earlier row"),
        ({"rows": [{"key": "a", "label": "A", "kind": "number"}]}, "unknown kind"),
        ({"columns": [{"key": "x"}, {"key": "p", "formula": "x ** 2"}]}, "may use only"),
        ({"columns": [{"key": "x"}, {"key": "p", "formula": "y / x"}]}, "not a stored column"),
        ({"rules": [{"left": "a", "op": "<=", "right": "zz", "severity": "error", "message": "m"}]}, "unknown row"),
        ({"rules": [{"left": "*.value", "op": "<=", "right": "a", "severity": "error", "message": "m"}]}, "mixes"),
        ({"period_type": "one_off", "due": {}}, "one-off form needs"),
        ({"rows": [{"key": "p", "label": "P", "kind": "people", "lines": [{"key": "1", "label": "x"}]}]}, "needs lines and fields"),
    ],
)
def test_a_file_that_does_not_hold_together_is_refused(change, complaint):
    data = {
        "code": "X", "version": 1, "title": "X", "period_type": "yearly", "due": {"day": 1, "month": 1},
        "rows": [{"key": "a", "label": "A", "kind": "integer"}],
    }
    data.update(change)
    with pytest.raises(DefinitionError, match=complaint):
        validate_definition(data, source="X.yaml")


def test_the_shipped_files_pass_their_own_checks():
    for path in definition_files():
        assert read_definition(path)["code"] == path.stem


# --- prefill of the annual report -------------------------------------------------------------


def test_the_annual_report_opens_with_the_years_approved_monthly_figures(tree, actors, forms):
    for month, users in ((3, "40"), (11, "25")):
        period = period_get_or_create(form=forms["PL02"], year=2026, month=month)
        monthly = submission_open(unit=tree.company_a, period=period, by=actors.officer_a)
        monthly = save(monthly, actors.officer_a, partner_users=users, partner_value="10,5", loans="3", loans_national_fund="2")
        monthly = submission_submit(submission=monthly, expected_version=monthly.version, by=actors.officer_a)
        submission_approve(submission=monthly, expected_version=monthly.version, by=actors.reviewer_an_giang)
    other = submission_open(  # a draft of December does not count
        unit=tree.company_a, period=period_get_or_create(form=forms["PL02"], year=2026, month=12), by=actors.officer_a,
    )
    save(other, actors.officer_a, partner_users="999")
    hotel = InstitutionFactory(kind="union_hotel", unit=tree.an_giang)
    BenefitUsageFactory(unit=tree.company_a, month=date(2026, 6, 1), partner=None, institution=hotel, members_count=8,
                        value_million=Decimal("1.5"))

    annual = submission_open(unit=tree.company_a, period=period_get_or_create(form=forms["PL03"], year=2026), by=actors.officer_a)
    prefilled = {v.row.key: v for v in annual.values.select_related("row")}
    assert prefilled["partner_users"].number == 65
    assert prefilled["partner_value"].number == Decimal("21")
    assert prefilled["national_fund_members"].number == 4
    assert prefilled["hotel_users"].number == 8 and prefilled["hotel_value"].number == Decimal("1.5")
    assert all(v.source == ValueSource.PREFILL and v.source_note for v in prefilled.values())
    assert prefilled["conferences"].number == 0  # campaigns counts the unit's conferences: none this year
    assert "education_users" not in prefilled  # no usage of schools: nothing, not zero


# --- the An Giang appendix ----------------------------------------------------------------------


@pytest.fixture
def agiang_2026(forms):
    return period_get_or_create(form=forms["AGIANG"], year=2026)


def agiang_save(submission, by, cells):
    return submission_save(submission=submission, cells=cells, expected_version=submission.version, by=by)


def test_the_an_giang_appendix_works_from_its_data_file_alone(tree, actors, agiang_2026):
    version = agiang_2026.form.current_version
    assert [c["label"] for c in version.columns] == ["Kết quả", "Đoàn viên công đoàn hưởng lợi", "Tỷ lệ %"]
    rows = {row.key: row for row in version.rows.all()}
    assert rows["policy"].column_spec("result") == {"unit": "lượt", "kind": "integer", "label": "Kết quả tham gia, xây dựng"}
    assert rows["social"].column_spec("result")["unit"] == "người"
    assert stored_columns(version, rows["policy"]) == ["result"]
    assert stored_columns(version, rows["social"]) == ["result", "members"]

    submission = submission_open(unit=tree.company_a, period=agiang_2026, by=actors.officer_a)
    result = agiang_save(submission, actors.officer_a, {
        ("policy", "result"): "3",
        ("cba", "result"): "2", ("cba", "members"): "150",  # participations vs people: no share, no rule
        ("social", "result"): "80", ("social", "members"): "50",
        ("social_fund", "result"): "30", ("social_fund", "members"): "31",
        ("spiritual", "result"): "1.200", ("spiritual", "members"): "900",
        ("social", "share"): "99",   # computed: never typed, never stored
        ("policy", "members"): "5",  # the row has no such cell
    })
    assert set(result.cell_errors) == {("social", "share"), ("policy", "members")}
    assert "tính tự động" in result.cell_errors[("social", "share")]
    submission = result.submission
    assert not submission.values.filter(column="share").exists()

    values, _comments = values_of(submission)
    shares = computed_cells(version, values)
    assert shares[("social", "share")] == Decimal("62.5")
    assert format_number(shares[("social", "share")], places=1) == "62,5"
    assert shares[("spiritual", "share")] == Decimal("75.0")
    assert format_number(shares[("spiritual", "share")], places=1) == "75,0"
    assert shares[("social_other", "share")] is None  # nothing typed: not computable, not 0 %
    assert ("cba", "share") not in shares and ("policy", "share") not in shares

    with pytest.raises(SubmitRefused) as refused:
        submission_submit(submission=submission, expected_version=submission.version, by=actors.officer_a)
    (issue,) = refused.value.issues
    assert (issue.row_key, issue.column, issue.is_error) == ("social_fund", "members", True)
    assert "không được lớn hơn" in issue.message

    result = agiang_save(submission, actors.officer_a, {("social_fund", "members"): "24"})
    submission = submission_submit(submission=result.submission, expected_version=result.submission.version, by=actors.officer_a)
    submission_approve(submission=submission, expected_version=submission.version, by=actors.reviewer_an_giang)

    totals = {
        (t.row_key, t.column): t.total
        for t in ConsolidatedTotal.objects.filter(unit=tree.an_giang, period=agiang_2026)
    }
    assert totals[("spiritual", "members")] == 900
    assert computed_cells(version, totals)[("social", "share")] == Decimal("62.5")


def test_a_part_of_the_an_giang_appendix_cannot_exceed_its_whole_in_either_column(forms):
    version = forms["AGIANG"].current_version
    values = {
        ("social", "result"): Decimal(10), ("social", "members"): Decimal(5),
        ("social_loans", "result"): Decimal(12), ("social_loans", "members"): Decimal(6),
    }
    errors = {(i.row_key, i.column) for i in check(version, values) if i.is_error}
    assert errors == {("social_loans", "result"), ("social_loans", "members")}


def test_periods_keep_the_form_and_year(forms):
    period = period_get_or_create(form=forms["PL01"], year=2026)
    assert period.label == "Đợt năm 2026" and period.slug == "2026"
    assert Period.objects.filter(form__code="PL01").count() == 1
