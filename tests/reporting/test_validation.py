"""What an officer is told about the figures typed: cells read the Vietnamese way, whole counts,
parts within their wholes, required rows, the form's own rules, the unit's history, the people of
Phụ lục 01 — and an empty cell is never a zero."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.choices import RowKind, Severity, SubmissionStatus
from reporting.definitions import NUMERIC_KINDS, ensure_forms_loaded, stored_columns
from reporting.models import FormVersion
from reporting.services import (
    SubmitRefused,
    period_get_or_create,
    submission_open,
    submission_save,
    submission_submit,
)
from reporting.validation import CellError, check, clean_cell
from unionportal.numbers import NumberError, format_number, parse_number

D = Decimal


def version_of(code: str) -> FormVersion:
    """The current version with its rows fetched once (check() then runs without queries)."""
    return FormVersion.objects.prefetch_related("rows").get(form__code=code, is_current=True)


def row(version, key):
    return version.rows.get(key=key)


def errors(issues):
    return {(i.row_key, i.column) for i in issues if i.is_error}


def warnings(issues):
    return {(i.row_key, i.column) for i in issues if not i.is_error}


# --- one cell --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, raw, expected",
    [
        ("directives", "12", D(12)),
        ("directives", " 1.250 ", D(1250)),
        ("directives", "", None),
        ("directives", "0", D(0)),
        ("partner_value", "1.234,5", D("1234.5")),
        ("partner_value", "0,25", D("0.25")),
        ("achievements", "  Tổ chức tốt  ", "Tổ chức tốt"),
    ],
)
def test_a_cell_is_read_the_vietnamese_way(forms, key, raw, expected):
    assert clean_cell(row(version_of("PL02"), key), "value", raw) == expected


def test_an_empty_cell_and_a_zero_stay_different(forms):
    version = version_of("PL02")
    assert clean_cell(row(version, "loans"), "value", "") is None
    assert clean_cell(row(version, "loans"), "value", "0") == 0


@pytest.mark.parametrize(
    "key, raw, message",
    [
        ("directives", "2,5", "chỉ nhận số nguyên"),
        ("directives", "-1", "không được âm"),
        ("partner_value", "-0,5", "không được âm"),
        ("directives", "ba", "không phải là số"),
        ("directives", "1,2,3", "không phải là số"),
    ],
)
def test_a_cell_that_cannot_be_a_figure_is_refused_in_vietnamese(forms, key, raw, message):
    with pytest.raises(CellError, match=message):
        clean_cell(row(version_of("PL02"), key), "value", raw)


def test_a_cell_of_a_column_the_form_does_not_have_is_refused(forms):
    with pytest.raises(CellError, match="không có cột"):
        clean_cell(row(version_of("PL02"), "directives"), "members", "3")


# --- Phụ lục 01: the officers' table ---------------------------------------------------------


@pytest.mark.parametrize("raw", ["0912 345 678", "0912.345.678", "+84 912 345 678", "0296 3852 123", "(0296) 3852-123"])
def test_a_vietnamese_phone_number_is_accepted_as_typed(forms, raw):
    assert clean_cell(row(version_of("PL01"), "officers"), "3.phone", f" {raw} ") == raw


@pytest.mark.parametrize("raw", ["12345", "0912 345 67", "09123456789012", "số máy lẻ 12"])
def test_a_phone_number_that_cannot_be_dialled_is_refused(forms, raw):
    with pytest.raises(CellError, match="Số điện thoại không hợp lệ"):
        clean_cell(row(version_of("PL01"), "officers"), "3.phone", raw)


def test_an_email_is_checked(forms):
    officers = row(version_of("PL01"), "officers")
    assert clean_cell(officers, "3.email", "dau.moi@ldld.angiang.vn") == "dau.moi@ldld.angiang.vn"
    with pytest.raises(CellError, match="Địa chỉ email không hợp lệ"):
        clean_cell(officers, "3.email", "dau.moi@")
    with pytest.raises(CellError, match="không có ô"):
        clean_cell(officers, "4.name", "Nguyễn Văn A")


def test_phu_luc_01_needs_the_department_and_each_officers_name_and_phone(tree, actors, forms):
    period = period_get_or_create(form=forms["PL01"], year=2026)
    submission = submission_open(unit=tree.company_a, period=period, by=actors.officer_a)
    result = submission_save(
        submission=submission, expected_version=submission.version, by=actors.officer_a,
        cells={("officers", "1.name"): "Nguyễn Văn Hùng", ("officers", "1.phone"): "0912 345 678",
               ("officers", "2.email"): "không-phải-email"},
    )
    assert set(result.cell_errors) == {("officers", "2.email")}
    with pytest.raises(SubmitRefused) as refused:
        submission_submit(submission=result.submission, expected_version=result.submission.version, by=actors.officer_a)
    assert errors(refused.value.issues) == {
        ("advisory_department", "value"),
        ("officers", "2.name"), ("officers", "2.phone"), ("officers", "3.name"), ("officers", "3.phone"),
    }
    message = next(i.message for i in refused.value.issues if i.column == "3.name")
    assert message == "Hãy ghi “Họ và tên” của dòng 3 (Cán bộ đầu mối)."

    cells = {("advisory_department", "value"): "Ban Chính sách - Pháp luật"}
    for line, name, phone in (("2", "Trần Thị Lan", "0296 3852 123"), ("3", "Lê Minh Tâm", "0987654321")):
        cells |= {("officers", f"{line}.name"): name, ("officers", f"{line}.phone"): phone}
    cells[("officers", "3.email")] = "tam.le@ldld.angiang.vn"
    result = submission_save(submission=result.submission, cells=cells, expected_version=result.submission.version,
                             by=actors.officer_a)
    submission = submission_submit(submission=result.submission, expected_version=result.submission.version, by=actors.officer_a)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.values.get(column="3.email").text == "tam.le@ldld.angiang.vn"


# --- the whole report --------------------------------------------------------------------------


def test_a_part_with_an_empty_whole_is_not_an_error_but_with_a_zero_whole_it_is(forms):
    version = version_of("PL02")
    assert errors(check(version, {("loans_support_fund", "value"): D(5)})) == set()
    assert errors(check(version, {("loans_support_fund", "value"): D(5), ("loans", "value"): D(0)})) == {
        ("loans_support_fund", "value"),
    }
    assert check(version, {("loans_support_fund", "value"): D(0), ("loans", "value"): D(0)}) == []


def test_the_rule_on_several_parts_is_shown_at_the_part_that_was_typed(forms):
    version = version_of("PL02")
    issues = check(version, {("housing", "value"): D(10), ("housing_new", "value"): D(6), ("housing_repair", "value"): D(7)})
    assert errors(issues) == {("housing_new", "value")}  # each part fits, together they do not
    issues = check(version, {("loans", "value"): D(3), ("loans_national_fund", "value"): D(4)})
    assert errors(issues) == {("loans_national_fund", "value")}
    assert "Tổng số đoàn viên vay từ hai quỹ" in " ".join(i.message for i in issues)


def test_a_warning_of_the_form_file_asks_for_a_comment_and_the_comment_clears_it(forms):
    version = version_of("PL02")
    values = {("agreements_new", "value"): D(5), ("agreements_ongoing", "value"): D(2)}
    (issue,) = check(version, values)
    assert issue.severity == Severity.WARNING and issue.row_key == "agreements_new"
    assert check(version, values, comments={("agreements_new", "value"): "Ký mới cuối tháng, chưa triển khai"}) == []


def test_figures_stored_wrongly_are_still_caught_by_the_check(forms):
    version = version_of("PL02")
    issues = check(version, {("directives", "value"): D("2.5"), ("inspections", "value"): D(-1)})
    assert errors(issues) == {("directives", "value"), ("inspections", "value")}


@pytest.mark.parametrize(
    "before, now, warned",
    [(D(10), D(100), True), (D(10), D(99), False), (D(500), D(50), True), (D(500), D(51), False),
     (D(500), D(0), False), (D(0), D(400), False), (None, D(400), False)],
)
def test_a_figure_far_from_last_period_needs_a_comment(forms, before, now, warned):
    version = version_of("PL02")
    previous = {("culture_sport", "value"): before}
    issues = check(version, {("culture_sport", "value"): now}, previous=previous)
    assert warnings(issues) == ({("culture_sport", "value")} if warned else set())
    assert errors(issues) == set()
    comments = {("culture_sport", "value"): "Hội thao toàn tỉnh trong tháng"}
    assert check(version, {("culture_sport", "value"): now}, previous=previous, comments=comments) == []


def test_a_required_figure_must_be_typed_and_zero_counts_as_typed(db, tmp_path):
    (tmp_path / "REQ.yaml").write_text(
        'code: REQ\nversion: 1\ntitle: "Bắt buộc"\nperiod_type: monthly\ndue: {day: 10}\n'
        'rows:\n  - {key: members, number: "1", label: "Số đoàn viên", kind: integer, required: true}\n'
        '  - {key: note, number: "2", label: "Ghi chú", kind: text, required: true}\n', encoding="utf-8",
    )
    ensure_forms_loaded(tmp_path)
    version = version_of("REQ")
    issues = check(version, {})
    assert errors(issues) == {("members", "value"), ("note", "value")}
    assert "ghi 0 nếu không có" in next(i.message for i in issues if i.row_key == "members")
    assert check(version, {("members", "value"): D(0), ("note", "value"): "Không có"}) == []
    assert errors(check(version, {("members", "value"): D(0), ("note", "value"): "   "})) == {("note", "value")}


# --- properties --------------------------------------------------------------------------------

figures = st.decimals(min_value=-10**12, max_value=10**12, places=3, allow_nan=False, allow_infinity=False)


@given(figures)
def test_a_formatted_figure_reads_back_as_the_same_figure(number):
    assert parse_number(format_number(number)) == number


@given(figures, st.integers(min_value=0, max_value=3))
def test_a_figure_formatted_with_fixed_decimals_reads_back_rounded(number, places):
    text = format_number(number, places=places)
    assert text.count(",") == (1 if places else 0)
    assert abs(parse_number(text) - number) <= D(1).scaleb(-places) / 2


@given(st.integers(min_value=0, max_value=10**15 - 1))  # 15 whole digits: the stored maximum
def test_whole_numbers_typed_with_or_without_thousand_dots_read_the_same(number):
    assert parse_number(format_number(number)) == parse_number(str(number)) == number


@given(st.text(alphabet="0123456789.,- abc", max_size=12))
def test_anything_typed_is_a_figure_an_empty_cell_or_a_vietnamese_error(raw):
    try:
        parsed = parse_number(raw)
    except NumberError as exc:
        assert "không phải là số" in str(exc)
    else:
        assert parsed is None or parsed.is_finite()


FORMS_WITH_PARTS = ["PL02", "PL03", "AGIANG"]
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _pairs_of(version):
    """{row key: (part column, whole column)} of the per-row rules ("*.members <= *.result")."""
    pairs = {}
    for rule in version.rules:
        if rule["left"].startswith("*.") and rule["op"] == "<=":
            for key in rule.get("rows") or []:
                pairs[key] = (rule["left"][2:], rule["right"][2:])
    return pairs


def _figure(draw, kind, cap):
    if kind == RowKind.MONEY:
        return draw(st.decimals(min_value=0, max_value=cap, places=3))
    return D(draw(st.integers(min_value=0, max_value=int(cap))))


@pytest.mark.parametrize("code", FORMS_WITH_PARTS)
@HYPOTHESIS
@given(data=st.data())
def test_parts_that_fit_their_wholes_never_give_an_error(forms, code, data):
    version = version_of(code)
    rows = list(version.rows.all())
    by_id = {r.pk: r for r in rows}
    pairs = _pairs_of(version)
    values, room = {}, {}
    for item in rows:
        if item.kind not in NUMERIC_KINDS:
            continue
        for column in stored_columns(version, item):
            cap = D(10**6)
            parent = by_id.get(item.parent_id)
            if parent is not None and (parent.key, column) in room:
                cap = room[(parent.key, column)]
            if item.key in pairs and column == pairs[item.key][0]:
                cap = min(cap, values.get((item.key, pairs[item.key][1]), cap))
            if data.draw(st.booleans(), label="empty?"):
                room[(item.key, column)] = cap  # an empty whole leaves its parts the room it had
                continue
            kind = item.column_spec(column)["kind"]
            figure = _figure(data.draw, kind, cap)
            values[(item.key, column)] = room[(item.key, column)] = figure
            if parent is not None and (parent.key, column) in room:
                room[(parent.key, column)] -= figure  # siblings share their whole: sums stay within it
    assert errors(check(version, values)) == set()


@pytest.mark.parametrize("code", FORMS_WITH_PARTS)
@HYPOTHESIS
@given(data=st.data())
def test_a_part_above_its_whole_is_always_an_error_at_the_part(forms, code, data):
    version = version_of(code)
    rows = list(version.rows.all())
    by_id = {r.pk: r for r in rows}
    parts = [(r, c) for r in rows if r.parent_id for c in stored_columns(version, r) if r.kind in NUMERIC_KINDS]
    part, column = data.draw(st.sampled_from(parts), label="part")
    whole_row = by_id[part.parent_id]
    whole = _figure(data.draw, whole_row.column_spec(column)["kind"], D(10**6))
    excess = data.draw(st.integers(min_value=1, max_value=10**6), label="excess")
    values = {(whole_row.key, column): whole, (part.key, column): whole + excess}
    issues = check(version, values)
    assert (part.key, column) in errors(issues)
    assert any("không được lớn hơn" in i.message for i in issues if (i.row_key, i.column) == (part.key, column))
