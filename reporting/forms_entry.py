"""Forms of the entry and review pages.

The cells of a report are not a Django form: their names come from the form version
(`v.<row key>.<column>` for a figure or text, `g.<row key>.<column>` for the officer's
explanation of a warning, `y.<row key>` for a reviewer's comment on a row), and the service
reads and checks them (`reporting.services.submission_save`).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.definitions import stored_columns
from reporting.models import Form

VALUE_PREFIX = "v"
COMMENT_PREFIX = "g"
ROW_COMMENT_PREFIX = "y"

Cell = tuple[str, str]


def cell_name(prefix: str, row_key: str, column: str) -> str:
    return f"{prefix}.{row_key}.{column}"


def posted_cells(data, form_version) -> tuple[dict[Cell, str], dict[Cell, str]]:
    """(cells, comments) typed on the page, for the cells of `form_version` that hold a value."""
    allowed = {(row.key, column) for row in form_version.rows.all() for column in stored_columns(form_version, row)}
    cells: dict[Cell, str] = {}
    comments: dict[Cell, str] = {}
    for name in data:
        prefix, _dot, rest = name.partition(".")
        row_key, _dot, column = rest.partition(".")  # a people cell's column is "<line>.<field>"
        if prefix not in (VALUE_PREFIX, COMMENT_PREFIX) or (row_key, column) not in allowed:
            continue
        (cells if prefix == VALUE_PREFIX else comments)[(row_key, column)] = data.get(name, "")
    return cells, comments


def posted_row_comments(data) -> dict[str, str]:
    """The reviewer's comments per row, by row key (empty ones dropped)."""
    comments = {}
    for name in data:
        prefix, _dot, row_key = name.partition(".")
        if prefix == ROW_COMMENT_PREFIX and row_key and data.get(name, "").strip():
            comments[row_key] = data[name]
    return comments


def posted_version(data) -> int | None:
    try:
        return int(data.get("version", ""))
    except (TypeError, ValueError):
        return None


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến chung khi trả lại"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        required=False,  # required only when returning; approving ignores it
        max_length=4000,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do mở lại"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        max_length=4000,
        error_messages={"required": _("Hãy ghi lý do mở lại báo cáo đã duyệt.")},
    )


class QueueFilterForm(forms.Form):
    """Filters of the review queue; every field is optional."""

    bieu_mau = forms.ModelChoiceField(
        label=_("Biểu mẫu"), queryset=Form.objects.filter(is_active=True), to_field_name="code", required=False,
        empty_label=_("Tất cả biểu mẫu"), widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    ky = forms.RegexField(label=_("Kỳ (ví dụ 2026-11)"), regex=r"^\d{4}(-\d{2})?$", required=False)
    q = forms.CharField(label=_("Đơn vị"), required=False, max_length=100)
