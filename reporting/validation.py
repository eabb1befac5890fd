"""Reading typed figures the Vietnamese way and checking a submission against its form.

Row-level checks come from the row kind (whole numbers ≥ 0, money ≥ 0, a share ≤ 100 %), the
tree of rows ("of which" parts cannot exceed their whole), required rows (text, figures, the
named people of a people table, whose phone and email must be readable), the cross-row rules of
the form file (members benefiting ≤ workers benefiting where the form pairs them, …), and the
unit's own history (a figure ten times last period's, or a tenth of it, needs a comment).
Errors block submission; warnings need a comment (`SubmissionValue.comment`) on the cell.

An empty cell (None) is "not reported" and a zero is a figure: an empty cell breaks no rule
but a required one, and 0 is compared like any other number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from reporting.choices import RowKind, Severity
from reporting.definitions import (
    NO_CELL,
    NUMERIC_KINDS,
    is_computed,
    people_cell,
    people_table,
    stored_columns,
    terms_of,
)
from unionportal import numbers

HISTORY_FACTOR = Decimal(10)

Cell = tuple[str, str]  # (row key, column)

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^(?:\+84|0)\d{9,10}$")


@dataclass(frozen=True)
class Issue:
    row_key: str
    column: str
    severity: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


class CellError(ValueError):
    pass


def parse_number(raw) -> Decimal | None:
    try:
        return numbers.parse_number(raw)
    except numbers.NumberError as exc:
        raise CellError(str(exc)) from exc


def clean_cell(row, column: str, raw) -> Decimal | str | None:
    """The stored form of one typed cell, or CellError with a Vietnamese message.

    Text and people cells are kept as typed (trimmed); figures are read the Vietnamese way.
    A computed cell or a cell the row does not have is refused, never stored.
    """
    if row.kind == RowKind.PEOPLE:
        found = people_cell(row, column)
        if found is None:
            raise CellError(_("Bảng này không có ô “%(column)s”.") % {"column": column})
        text = _text(raw)
        message = _people_format_error(found[1], text)
        if message:
            raise CellError(message)
        return text
    form_version = row.form_version
    if column not in {c["key"] for c in form_version.columns}:
        raise CellError(_("Biểu mẫu không có cột “%(column)s”.") % {"column": column})
    if is_computed(form_version, column):
        raise CellError(_("Ô này được tính tự động từ các ô khác, không nhập."))
    kind = row.column_spec(column)["kind"]
    if kind == NO_CELL or row.kind == RowKind.SECTION:
        raise CellError(_("Dòng này không có ô để nhập ở cột này."))
    if kind == RowKind.TEXT:
        return _text(raw)
    number = parse_number(raw)
    if number is None:
        return None
    message = _number_error(kind, number)
    if message:
        raise CellError(message)
    return number


def _text(raw) -> str:
    return ("" if raw is None else str(raw)).strip()


def _number_error(kind: str, number: Decimal) -> str | None:
    if not number.is_finite():
        return _("“%(value)s” không phải là số.") % {"value": number}
    if number < 0:
        return _("Số liệu không được âm.")
    if kind == RowKind.INTEGER and number != number.to_integral_value():
        return _("Dòng này chỉ nhận số nguyên.")
    if kind == RowKind.PERCENT and number > 100:
        return _("Tỷ lệ không được lớn hơn 100%.")
    return None


def _people_format_error(field: dict, text: str) -> str | None:
    if not text:
        return None
    if field.get("format") == "email":
        try:
            validate_email(text)
        except ValidationError:
            return _("Địa chỉ email không hợp lệ, ví dụ đúng: ten.canbo@congdoan.vn.")
    if field.get("format") == "phone" and not _PHONE.match(_PHONE_SEPARATORS.sub("", text)):
        return _("Số điện thoại không hợp lệ: ghi 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84, ví dụ 0912 345 678.")
    return None


def check(form_version, values: dict[Cell, Decimal | str | None], *, comments: dict[Cell, str] | None = None,
          previous: dict[Cell, Decimal | None] | None = None) -> list[Issue]:
    """Every problem of a complete set of values, errors and warnings, in row order.

    A warning whose cell carries a comment has been explained and is left out.
    """
    comments = comments or {}
    rows = list(form_version.rows.all())
    by_key = {row.key: row for row in rows}
    by_id = {row.pk: row for row in rows}
    columns = {row.key: stored_columns(form_version, row) for row in rows}
    issues: list[Issue] = []

    for row in rows:
        if row.kind == RowKind.TEXT:
            issues += _text_issues(row, values, text_column(form_version))
        elif row.kind == RowKind.PEOPLE:
            issues += _people_issues(row, values)
        elif row.kind in NUMERIC_KINDS:
            parent = by_id.get(row.parent_id)
            for column in columns[row.key]:
                issues += _number_issues(row, column, values, parent, columns)

    for rule in form_version.rules:
        issues += _rule_issues(rule, rows, columns, values)

    for (row_key, column), earlier in (previous or {}).items():
        row = by_key.get(row_key)
        if row is None or row.kind not in NUMERIC_KINDS or column not in columns[row_key]:
            continue
        now = _number(values.get((row_key, column)))
        earlier = _number(earlier)
        if now is None or not earlier or earlier < 0:
            continue
        if now >= earlier * HISTORY_FACTOR:
            issues.append(Issue(row_key, column, Severity.WARNING, _(
                "Số liệu (%(now)s) gấp %(factor)s lần trở lên so với kỳ trước (%(before)s): hãy kiểm tra lại hoặc giải trình."
            ) % {"now": _fmt(now), "before": _fmt(earlier), "factor": HISTORY_FACTOR}))
        elif 0 < now and now * HISTORY_FACTOR <= earlier:
            # A dropped digit (50 for 500) is as likely a slip as an added one; a zero is left
            # alone: "nothing this period" is an ordinary answer.
            issues.append(Issue(row_key, column, Severity.WARNING, _(
                "Số liệu (%(now)s) chỉ bằng 1/%(factor)s hoặc ít hơn so với kỳ trước (%(before)s): hãy kiểm tra lại hoặc giải trình."
            ) % {"now": _fmt(now), "before": _fmt(earlier), "factor": HISTORY_FACTOR}))

    order = {row.key: position for position, row in enumerate(rows)}
    issues.sort(key=lambda i: (order.get(i.row_key, len(order)), i.severity != Severity.ERROR))
    unique = list(dict.fromkeys(issues))
    return [i for i in unique if i.is_error or not (comments.get((i.row_key, i.column)) or "").strip()]


def _text_issues(row, values, column: str) -> list[Issue]:
    if row.required and not str(values.get((row.key, column)) or "").strip():
        return [Issue(row.key, column, Severity.ERROR, _("Dòng này bắt buộc phải điền."))]
    return []


def text_column(form_version) -> str:
    """The cell a text row's answer is kept in: "value" when the form has it, else the first column."""
    keys = [c["key"] for c in form_version.columns]
    return "value" if "value" in keys else keys[0]


def _people_issues(row, values) -> list[Issue]:
    issues = []
    lines, fields = people_table(row)
    for line in lines:
        for field in fields:
            column = f"{line['key']}.{field['key']}"
            text = str(values.get((row.key, column)) or "").strip()
            if not text and row.required and field.get("required"):
                issues.append(Issue(row.key, column, Severity.ERROR, _(
                    "Hãy ghi “%(field)s” của dòng %(line)s (%(label)s)."
                ) % {"field": field["label"], "line": line["key"], "label": line["label"]}))
            message = _people_format_error(field, text)
            if message:
                issues.append(Issue(row.key, column, Severity.ERROR, message))
    return issues


def _number_issues(row, column, values, parent, columns) -> list[Issue]:
    value = values.get((row.key, column))
    if value is None or value == "":
        if row.required:
            return [Issue(row.key, column, Severity.ERROR, _("Dòng này bắt buộc phải điền (ghi 0 nếu không có)."))]
        return []
    number = _number(value)
    kind = row.column_spec(column)["kind"]
    if number is None:
        return [Issue(row.key, column, Severity.ERROR, _("“%(value)s” không phải là số.") % {"value": value})]
    message = _number_error(kind, number)
    if message:
        return [Issue(row.key, column, Severity.ERROR, message)]
    if parent is not None and column in columns[parent.key]:
        whole = _number(values.get((parent.key, column)))
        if whole is not None and number > whole:
            return [Issue(row.key, column, Severity.ERROR, _(
                "Số “trong đó” (%(part)s) không được lớn hơn số của dòng %(number)s (%(whole)s)."
            ) % {"part": _fmt(number), "whole": _fmt(whole), "number": parent.number or parent.label[:30]})]
    return []


def _rule_issues(rule: dict, rows, columns, values) -> list[Issue]:
    """One rule of the form file; a rule over "*" cells is checked on each row it names (or on
    every row that has all the cells it names)."""
    named = [t for side in (rule["left"], rule["right"]) for t in terms_of(side) if not _is_constant(t)]
    if not any(term.startswith("*") for term in named):
        return _rule_once(rule, rule["left"], rule["right"], values)
    wanted = set(rule.get("rows") or [])
    needed = {term.partition(".")[2] or "value" for term in named}
    issues = []
    for row in rows:
        if (wanted and row.key not in wanted) or row.kind not in NUMERIC_KINDS or not needed <= set(columns[row.key]):
            continue
        left, right = (side.replace("*", row.key) for side in (rule["left"], rule["right"]))
        issues += _rule_once(rule, left, right, values)
    return issues


def _rule_once(rule: dict, left_side: str, right_side: str, values) -> list[Issue]:
    left, right = _side(left_side, values), _side(right_side, values)
    if left is None or right is None or _holds(left, rule["op"], right):
        return []
    # Shown at the first left-hand cell that holds a figure: the one the officer typed.
    named = [t for t in terms_of(left_side) if not _is_constant(t)]
    anchor = next((t for t in named if _number(values.get(_cell(t))) is not None), named[0] if named else None)
    if anchor is None:
        anchor = next(t for t in terms_of(right_side) if not _is_constant(t))
    row_key, column = _cell(anchor)
    return [Issue(row_key, column, rule["severity"], rule["message"])]


def _is_constant(term: str) -> bool:
    try:
        Decimal(term)
    except InvalidOperation:
        return False
    return True


def _side(expression: str, values) -> Decimal | None:
    """Sum of the terms; None when every named cell is empty (nothing to compare yet)."""
    total, seen = Decimal(0), False
    for term in terms_of(expression):
        if _is_constant(term):
            total += Decimal(term)
            continue
        value = _number(values.get(_cell(term)))
        if value is not None:
            total += value
            seen = True
    return total if seen else None


def _cell(term: str) -> Cell:
    row_key, _dot, column = term.partition(".")
    return row_key, column or "value"


def _number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _holds(left: Decimal, op: str, right: Decimal) -> bool:
    return {
        "<=": left <= right, "<": left < right, ">=": left >= right,
        ">": left > right, "==": left == right, "!=": left != right,
    }[op]


def _fmt(number: Decimal) -> str:
    return numbers.format_number(number)
