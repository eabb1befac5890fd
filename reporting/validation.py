"""Reading typed figures the Vietnamese way and checking a submission against its form.

Row-level checks come from the row kind (whole numbers ≥ 0, money ≥ 0), the tree of rows
("of which" parts cannot exceed their whole), required text rows, the cross-row rules of the
form file, and the unit's own history (a figure ten times last period's needs a comment).
Errors block submission; warnings need a comment (`SubmissionValue.comment`) on the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from reporting.choices import RowKind, Severity
from reporting.definitions import terms_of
from unionportal import numbers

HISTORY_FACTOR = Decimal(10)

Cell = tuple[str, str]  # (row key, column)


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
    """The stored form of one typed cell, or CellError with a Vietnamese message."""
    kind = row.column_spec(column)["kind"]
    if kind == RowKind.TEXT or kind == RowKind.PEOPLE:
        return ("" if raw is None else str(raw)).strip()
    number = parse_number(raw)
    if number is None:
        return None
    if number < 0:
        raise CellError(_("Số liệu không được âm."))
    if kind == RowKind.INTEGER and number != number.to_integral_value():
        raise CellError(_("Dòng này chỉ nhận số nguyên."))
    if kind == RowKind.PERCENT and number > 100:
        raise CellError(_("Tỷ lệ không được lớn hơn 100%."))
    return number


def check(form_version, values: dict[Cell, Decimal | str | None], *, comments: dict[Cell, str] | None = None,
          previous: dict[Cell, Decimal | None] | None = None) -> list[Issue]:
    """Every problem of a complete set of values, errors and warnings, in row order."""
    comments = comments or {}
    rows = list(form_version.rows.all())
    by_key = {row.key: row for row in rows}
    by_id = {row.pk: row for row in rows}
    issues: list[Issue] = []

    for row in rows:
        if row.required and row.kind == RowKind.TEXT and not (values.get((row.key, "value")) or "").strip():
            issues.append(Issue(row.key, "value", Severity.ERROR, _("Dòng này bắt buộc phải điền.")))
        if row.parent_id and row.is_numeric:
            parent = by_id[row.parent_id]
            for column in _numeric_columns(form_version, row):
                part, whole = values.get((row.key, column)), values.get((parent.key, column))
                if part is not None and whole is not None and part > whole:
                    issues.append(Issue(row.key, column, Severity.ERROR, _(
                        "Số “trong đó” (%(part)s) không được lớn hơn số của dòng %(number)s (%(whole)s)."
                    ) % {"part": _fmt(part), "whole": _fmt(whole), "number": parent.number or parent.label[:30]}))

    for rule in form_version.rules:
        left, right = _side(rule["left"], values), _side(rule["right"], values)
        if left is None or right is None:
            continue
        if not _holds(left, rule["op"], right):
            anchor = terms_of(rule["left"])[0]
            row_key, _dot, column = anchor.partition(".")
            issues.append(Issue(row_key, column or "value", rule["severity"], rule["message"]))

    for (row_key, column), earlier in (previous or {}).items():
        now = values.get((row_key, column))
        row = by_key.get(row_key)
        if row is None or not row.is_numeric or now is None or not earlier:
            continue
        if now >= earlier * HISTORY_FACTOR:
            issues.append(Issue(row_key, column, Severity.WARNING, _(
                "Số liệu (%(now)s) gấp %(factor)s lần trở lên so với kỳ trước (%(before)s): hãy kiểm tra lại hoặc giải trình."
            ) % {"now": _fmt(now), "before": _fmt(earlier), "factor": HISTORY_FACTOR}))

    # A warning with a comment on its cell has been explained.
    return [i for i in issues if i.is_error or not (comments.get((i.row_key, i.column)) or "").strip()]


def _numeric_columns(form_version, row) -> list[str]:
    """Stored columns of a numeric row (computed columns such as a share in % are not stored)."""
    return [c["key"] for c in form_version.columns if not c.get("formula") and row.column_spec(c["key"])["kind"] != RowKind.TEXT]


def _side(expression: str, values) -> Decimal | None:
    """Sum of the terms; None when every named cell is empty (nothing to compare yet)."""
    total, seen = Decimal(0), False
    for term in terms_of(expression):
        try:
            total += Decimal(term)
            continue
        except InvalidOperation:
            pass
        row_key, _dot, column = term.partition(".")
        value = values.get((row_key, column or "value"))
        if value is not None:
            total += value
            seen = True
    return total if seen else None


def _holds(left: Decimal, op: str, right: Decimal) -> bool:
    return {
        "<=": left <= right, "<": left < right, ">=": left >= right,
        ">": left > right, "==": left == right, "!=": left != right,
    }[op]


def _fmt(number: Decimal) -> str:
    return numbers.format_number(number)
