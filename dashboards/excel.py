"""The figures of dashboard charts as .xlsx: one sheet per chart, exactly the table shown beside it.

A pure function from the section's payload (as served by the JSON endpoint) to the bytes of a
workbook. Every text goes through `unionportal.spreadsheets.put_safe` (a unit, partner or offer
name starting with "=" is never run as a formula); numbers stay numbers, with a number format
that Excel shows the way the reader's locale writes them (1.234,5 in Vietnamese).
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _

from unionportal.spreadsheets import put_safe

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _number_format(decimals: int) -> str:
    return "#,##0" if not decimals else "#,##0." + "0" * min(decimals, 1) + "#" * max(decimals - 1, 0)


def _header(label: str, unit: str) -> str:
    return f"{label} ({unit})" if unit else label


def chart_table(chart: dict) -> tuple[list[str], list[list], list[int]]:
    """(headers, rows, decimals per column) of a chart: what its table shows."""
    if chart["kind"] == "table":
        headers = [_header(c["label"], c["unit"]) for c in chart["columns"]]
        return headers, chart["rows"], [c.get("decimals", 0) for c in chart["columns"]]
    series = chart["series"]
    headers = [chart["category_label"] or _("Mục"), *(_header(s["label"], s["unit"]) for s in series)]
    rows = [
        [label, *(s["data"][i] if i < len(s["data"]) else None for s in series)]
        for i, label in enumerate(chart["labels"])
    ]
    return headers, rows, [0, *(s.get("decimals", 0) for s in series)]


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ (so "11/2026" becomes "11-2026").
    base = _SHEET_FORBIDDEN.sub("-", title).strip()[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:26].strip()} ({n})"
        n += 1
    taken.add(name.lower())
    return name


def section_workbook(payload: dict, charts: list[dict]) -> bytes:
    """A workbook of `charts` (all of the section's, or one) with the unit, year and caption on top."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    taken: set[str] = set()
    for chart in charts:
        sheet = workbook.create_sheet(_sheet_title(chart["title"], taken))
        put_safe(sheet.cell(row=1, column=1), chart["title"])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        put_safe(sheet.cell(row=2, column=1), _("%(unit)s · năm %(year)s · số liệu ngày %(day)s") % {
            "unit": payload["unit"]["name"], "year": payload["year"],
            "day": "/".join(reversed(payload["as_of"].split("-"))),
        })
        put_safe(sheet.cell(row=3, column=1), chart["caption"])
        sheet.cell(row=3, column=1).alignment = Alignment(wrap_text=False)
        line = 5
        if chart.get("restricted") or chart.get("note"):
            put_safe(sheet.cell(row=4, column=1), chart.get("note", ""))
        headers, rows, decimals = chart_table(chart)
        for column, header in enumerate(headers, 1):
            put_safe(sheet.cell(row=line, column=column), header)
            sheet.cell(row=line, column=column).font = bold
        for offset, row in enumerate(rows, 1):
            for column, value in enumerate(row, 1):
                cell = sheet.cell(row=line + offset, column=column)
                put_safe(cell, value)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell.number_format = _number_format(decimals[column - 1])
        for column, header in enumerate(headers, 1):
            longest = max([len(str(header))] + [len(str(row[column - 1])) for row in rows if column - 1 < len(row)])
            sheet.column_dimensions[get_column_letter(column)].width = min(max(10, longest + 2), 60)
        sheet.freeze_panes = sheet.cell(row=line + 1, column=2)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
