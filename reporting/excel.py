"""The one Excel writer (and template reader) of reporting: every form, submission and consolidation.

A report is laid out once (`report_layout`: the title block of its Phụ lục, the header, every
row of the form with its number, label, unit and figures) from a form version and values;
`form_workbook` draws that layout with openpyxl and the print views draw it as HTML, so the
.xlsx, the printed page and the form file never disagree. Nothing here knows a form by name:
PL01, PL02, PL03 and AGIANG differ only in their data files.

- Every cell written passes `unionportal.spreadsheets.put_safe` (formulas neutralised, control
  characters dropped). Figures are numbers with a number format, empty cells stay empty.
- A template (`template_meta`) is the same workbook with its identity (form, version, period,
  unit) in a very hidden sheet, the row keys in a hidden column, the input cells unlocked and
  the rest of the sheet protected (no password: it guards against slips, not people).
  `read_filled_template` reads it back after `spreadsheets.check_xlsx` refused anything hostile.
- `compliance_workbook` streams (write-only) the Phụ lục 04 list: 20,000 rows in about a second.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import IO, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reporting.choices import ComplianceStatus, RowKind, SubmissionStatus
from reporting.definitions import NO_CELL, NUMERIC_KINDS, computed_cells, people_table, stored_columns
from reporting.services import values_of
from reporting.validation import CellError, clean_cell
from unionportal import spreadsheets
from unionportal.numbers import format_number

Cell = tuple[str, str]  # (row key, column)

# What every form file may leave out: the words of the paper forms.
DEFAULT_CONTENT_HEADER = "Nội dung và chỉ tiêu báo cáo"
DEFAULT_UNIT_HEADER = "Đơn vị"
DEFAULT_UNIT_CAPTION = "Đơn vị"
PEOPLE_KEY_SEPARATOR = "|"
NUMBER_HEADER = "STT"
TEXT_KINDS = (RowKind.TEXT, RowKind.PEOPLE)
NUMBER_FORMATS = {
    RowKind.INTEGER: "#,##0",
    RowKind.MONEY: "#,##0.0##",
    RowKind.PERCENT: "#,##0.0#",
}

META_SHEET = "ThongTinMau"
KEY_HEADER = "Mã dòng (không sửa)"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024  # a filled template is ~15 KB
MAX_TEMPLATE_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
XLSX_CONTENT_TYPE = spreadsheets.CONTENT_TYPES["xlsx"]

FONT_NAME = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_INPUT_FILL = PatternFill("solid", fgColor="FFF8D6")
_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
_RULED_OUT_FILL = PatternFill("solid", fgColor="D9D9D9")


# --- the layout ----------------------------------------------------------------------------------


@dataclass
class LayoutCell:
    column: str
    value: Decimal | str | None
    kind: str
    computed: bool = False
    editable: bool = False
    span: int = 1  # a text row's one answer spans every value column
    decimals: int | None = None  # of a computed figure
    placeholder: str = ""  # shown (not stored) while empty: a people table's printed line

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def is_ruled_out(self) -> bool:
        """A cell the row does not have (`kind: none`): blank on the paper form too."""
        return self.kind == NO_CELL

    @property
    def display(self) -> str:
        if self.value is None or self.value == "":
            return self.placeholder
        if isinstance(self.value, str):
            return self.value
        return format_number(self.value)

    @property
    def number_format(self) -> str:
        if self.decimals is not None:
            return "#,##0" + ("." + "0" * self.decimals if self.decimals > 0 else "")
        return NUMBER_FORMATS.get(self.kind, "General")


@dataclass
class PeopleLine:
    key: str
    label: str
    cells: list[LayoutCell]


@dataclass
class PeopleTable:
    """A table of people (Phụ lục 01): one line per printed position, one column per field."""

    fields: list[dict]
    lines: list[PeopleLine]


@dataclass
class LayoutRow:
    key: str
    number: str
    label: str
    unit: str
    kind: str
    bold: bool
    indent: int
    cells: list[LayoutCell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what each cell counts, where the row says (AGIANG)
    people: PeopleTable | None = None

    @property
    def is_section(self) -> bool:
        return self.kind == RowKind.SECTION

    @property
    def is_text(self) -> bool:
        return self.kind == RowKind.TEXT


@dataclass
class Layout:
    """A report as it is printed: the title block of its Phụ lục, the header and the rows."""

    appendix: str
    attachment_note: str
    template_label: str
    title: str
    unit_caption: str
    unit_name: str
    period_label: str
    title_extra: list[str]
    content_header: str
    unit_header: str
    show_unit_column: bool
    show_header: bool
    columns: list[dict]
    rows: list[LayoutRow]

    @property
    def header(self) -> list[str]:
        headers = [NUMBER_HEADER, self.content_header]
        if self.show_unit_column:
            headers.append(self.unit_header)
        return headers + [c.get("label") or c["key"] for c in self.columns]

    @property
    def width(self) -> int:
        """Columns of the main table (STT, content, unit, values)."""
        return 2 + int(self.show_unit_column) + len(self.columns)

    @property
    def people_width(self) -> int:
        """Columns a people table needs: STT and one per field."""
        return max([1 + len(r.people.fields) for r in self.rows if r.people] or [0])


def report_layout(*, form_version, unit_name: str, period_label: str, values: Mapping[Cell, object],
                  title_extra: str | Iterable[str] | None = None) -> Layout:
    """Lay out one report of `form_version` with `values` {(row key, column): number | text | None}.

    Computed columns (a `formula` in the form file, such as AGIANG's members' share in %) are
    worked out from the row's figures by `definitions.computed_cells`; cells a row does not have
    (`kind: none`) stay blank; a people row (Phụ lục 01) becomes a small table of its own.
    """
    definition = form_version.definition
    columns = form_version.columns
    form_rows = list(form_version.rows.all())
    numbers = {cell: _as_number(value) for cell, value in values.items() if not isinstance(value, (str, list, tuple))}
    computed = computed_cells(form_version, numbers, rows=form_rows)
    rows = []
    for row in form_rows:
        item = LayoutRow(
            key=row.key, number=row.number, label=row.label, unit=row.unit, kind=row.kind, bold=row.bold,
            indent=row.indent,
        )
        stored = stored_columns(form_version, row)
        if row.kind == RowKind.PEOPLE:
            item.people = _people_layout(row, values)
        elif row.kind == RowKind.TEXT and len(stored) == 1:
            item.cells.append(LayoutCell(
                stored[0], _as_text(values.get((row.key, stored[0]))), RowKind.TEXT, editable=True, span=len(columns),
            ))
        elif row.kind != RowKind.SECTION:
            for column in columns:
                key = column["key"]
                spec = row.column_spec(key)
                if column.get("formula"):
                    ruled_out = spec["kind"] == NO_CELL or (row.key, key) not in computed
                    item.cells.append(LayoutCell(
                        key, None if ruled_out else computed[(row.key, key)], NO_CELL if ruled_out else RowKind.PERCENT,
                        computed=True, decimals=int(column.get("decimals", 1)),
                    ))
                elif key not in stored:
                    item.cells.append(LayoutCell(key, None, NO_CELL))
                elif spec["kind"] in TEXT_KINDS:
                    item.cells.append(LayoutCell(key, _as_text(values.get((row.key, key))), RowKind.TEXT, editable=True))
                else:
                    item.cells.append(LayoutCell(key, _as_number(values.get((row.key, key))), spec["kind"], editable=True))
            item.notes = _cell_notes(row, columns)
        rows.append(item)
    if isinstance(title_extra, str):
        extra = [title_extra]
    else:
        extra = [line for line in (title_extra or []) if line]
    unit_header = definition.get("unit_header", DEFAULT_UNIT_HEADER)
    return Layout(
        appendix=definition.get("appendix") or "",
        attachment_note=definition.get("attachment_note") or "",
        template_label=definition.get("template_label") or "",
        title=definition.get("title") or form_version.form.title,
        unit_caption=definition.get("unit_caption") or DEFAULT_UNIT_CAPTION,
        unit_name=unit_name,
        period_label=str(period_label),
        title_extra=extra,
        content_header=definition.get("content_header") or DEFAULT_CONTENT_HEADER,
        unit_header=unit_header or "",
        show_unit_column=unit_header is not None and any(r.unit for r in rows),
        show_header=any(r.kind in NUMERIC_KINDS for r in form_rows),
        columns=columns,
        rows=rows,
    )


def _people_layout(row, values: Mapping[Cell, object]) -> PeopleTable:
    lines, fields = people_table(row)
    table = PeopleTable(fields=fields, lines=[])
    for line in lines:
        cells = []
        for spec in fields:
            column = f"{line['key']}.{spec['key']}"
            placeholder = line.get("label", "") if spec.get("default") == "line" else ""
            cells.append(LayoutCell(column, _as_text(values.get((row.key, column))), RowKind.PEOPLE, editable=True,
                                    placeholder=placeholder))
        table.lines.append(PeopleLine(key=str(line["key"]), label=line.get("label", ""), cells=cells))
    return table


def _cell_notes(row, columns: list[dict]) -> list[str]:
    """"Kết quả: Kết quả tham gia của CĐCS (lượt)": what a cell counts, where the row names it."""
    notes = []
    for column in columns:
        spec = row.cells.get(column["key"], {})
        if spec.get("kind") == NO_CELL or not spec.get("label") or column.get("formula"):
            continue  # a computed column's header says what it is
        unit = f" ({spec['unit']})" if spec.get("unit") and spec["unit"] != "%" else ""
        notes.append(f"{column.get('label') or column['key']}: {spec['label']}{unit}")
    return notes


def _as_number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(_as_text(v) for v in value if v)
    return str(value)


# --- the workbook --------------------------------------------------------------------------------


def form_workbook(*, form_version, unit_name: str, period_label: str, values: Mapping[Cell, object],
                  title_extra: str | Iterable[str] | None = None, template_meta: Mapping[str, object] | None = None) -> Workbook:
    """The report in the layout of its Phụ lục, on one A4 portrait sheet (fit to width).

    With `template_meta` ({"form", "version", "period", "unit"}) the workbook is an import
    template: its identity in a very hidden sheet, row keys in a hidden column, input cells
    unlocked and tinted, the rest protected.
    """
    layout = report_layout(
        form_version=form_version, unit_name=unit_name, period_label=period_label, values=values,
        title_extra=title_extra,
    )
    if template_meta is not None:
        layout.title_extra.append(_(
            "Điền vào các ô nền vàng (số viết như 1.234,5; để trống nếu không có số liệu); "
            "không thêm, bớt dòng hay cột; lưu dạng .xlsx rồi tải lên trang “Nhập từ tệp Excel” của báo cáo."
        ))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(form_version)
    _Drawing(sheet, layout, template_meta=template_meta).draw()
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _sheet_title(form_version) -> str:
    return f"{form_version.form.code} v{form_version.version}"[:31]


def _font(*, bold=False, italic=False, size=12) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size)


class _Drawing:
    """Draws a Layout on a worksheet; `row_at` is the next free row."""

    def __init__(self, sheet, layout: Layout, *, template_meta: Mapping[str, object] | None):
        self.sheet = sheet
        self.layout = layout
        self.template_meta = template_meta
        self.template = template_meta is not None
        self.first_value_column = 4 if layout.show_unit_column else 3
        main_width = self.first_value_column - 1 + len(layout.columns)
        self.last_column = max(main_width, layout.people_width)
        self.key_column = self.last_column + 1
        self.widths = self._widths()
        self.row_at = 1
        self.people_positions: dict[str, str] = {}

    def _widths(self) -> list[float]:
        layout = self.layout
        has_text = any(r.is_text for r in layout.rows)
        widths = [6.0, 58.0] + ([12.0] if layout.show_unit_column else [])
        value_width = 34.0 if has_text and len(layout.columns) == 1 and not layout.people_width else 16.0
        widths += [value_width] * len(layout.columns)
        widths += [16.0] * (self.last_column - len(widths))
        for row in layout.rows:
            if row.people:
                for position, spec in enumerate(row.people.fields, start=2):
                    wanted = {"email": 28.0, "phone": 16.0}.get(spec.get("format"), 24.0)
                    if position > 2:  # column B is the wide label column already
                        widths[position - 1] = max(widths[position - 1], wanted)
        return widths

    def draw(self) -> None:
        sheet, layout = self.sheet, self.layout
        for position, width in enumerate(self.widths, 1):
            sheet.column_dimensions[get_column_letter(position)].width = width
        self._title_line(layout.appendix, _font(bold=True, size=13))
        self._title_line(layout.attachment_note, _font(italic=True))
        self._title_line(layout.template_label, _font(bold=True))
        self._title_line(layout.title, _font(bold=True, size=14))
        self.row_at += 1
        self._title_line(f"{layout.unit_caption}: {layout.unit_name}", _font(bold=True), align="left")
        self._title_line(_("Kỳ báo cáo: %(period)s") % {"period": layout.period_label}, _font(), align="left")
        for line in layout.title_extra:
            self._title_line(line, _font(italic=True, size=11), align="left")
        self.row_at += 1
        header_row = self.row_at - 1
        if layout.show_header:
            header_row = self.row_at
            self._header(layout.header, fill_to=self.last_column)
        if self.template:
            sheet.cell(row=header_row, column=self.key_column, value=KEY_HEADER)
            sheet.column_dimensions[get_column_letter(self.key_column)].hidden = True
        for row in layout.rows:
            self._row(row)
            if row.people:
                self._people(row)
        last_row = self.row_at - 1
        stamp = sheet.cell(row=self.row_at + 1, column=1)
        spreadsheets.put_safe(stamp, _("Xuất từ Cổng phúc lợi đoàn viên lúc %(when)s.") % {
            "when": timezone.localtime().strftime("%H:%M %d/%m/%Y")})
        stamp.font = _font(italic=True, size=10)
        self._print_setup(header_row=header_row if layout.show_header else None, last_row=max(last_row, self.row_at + 1))
        if self.template:
            self._protect()
            self._write_meta(header_row=header_row)

    # -- pieces

    def _title_line(self, text: str, font: Font, *, align: str = "center") -> None:
        if not text:
            return
        cell = self.sheet.cell(row=self.row_at, column=1)
        spreadsheets.put_safe(cell, text)
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        self.sheet.merge_cells(start_row=self.row_at, start_column=1, end_row=self.row_at, end_column=self.last_column)
        width = sum(self.widths[: self.last_column]) * (0.8 if (font.sz or 12) > 12 else 1)
        self.sheet.row_dimensions[self.row_at].height = max(18, 17 * _line_count(text, width))
        self.row_at += 1

    def _header(self, headers: list[str], *, fill_to: int) -> None:
        for position in range(1, fill_to + 1):
            cell = self.sheet.cell(row=self.row_at, column=position)
            if position <= len(headers):
                spreadsheets.put_safe(cell, headers[position - 1])
            cell.font = _font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = _BORDER
            cell.fill = _HEADER_FILL
        self.sheet.row_dimensions[self.row_at].height = max(
            20, 16 * max(_line_count(text, self.widths[i]) for i, text in enumerate(headers))
        )
        self.row_at += 1

    def _row(self, row: LayoutRow) -> None:
        sheet, at = self.sheet, self.row_at
        number = sheet.cell(row=at, column=1)
        spreadsheets.put_safe(number, row.number or None)
        number.alignment = Alignment(horizontal="center", vertical="top")
        label = sheet.cell(row=at, column=2)
        label_width = self.widths[1] - row.indent * 2
        if row.notes:
            # The form's own words (trusted data): rich text is never read as a formula.
            label.value = CellRichText(
                row.label,
                *[TextBlock(InlineFont(rFont=FONT_NAME, i=True, sz=10), "\n– " + note) for note in row.notes],
            )
        else:
            spreadsheets.put_safe(label, row.label)
        label.alignment = Alignment(vertical="top", wrap_text=True, indent=row.indent * 2)
        # Points: a 12 pt line is ~15.5 pt high, a 10 pt note line ~13 pt.
        heights = [15.5 * _line_count(row.label, label_width) + sum(13 * _line_count(n, label_width * 1.2) for n in row.notes)]
        if self.layout.show_unit_column:
            unit = sheet.cell(row=at, column=3)
            spreadsheets.put_safe(unit, row.unit or None)
            unit.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
            heights.append(15.5 * _line_count(row.unit, self.widths[2]))
        first = self.first_value_column
        for offset, item in enumerate(row.cells):
            column = first + offset
            cell = sheet.cell(row=at, column=column)
            if item.is_ruled_out:
                cell.fill = _RULED_OUT_FILL
            elif item.is_text:
                spreadsheets.put_safe(cell, item.value or None)
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                end = self.last_column if item.span == len(self.layout.columns) else column
                heights.append(15.5 * _line_count(item.value or "", sum(self.widths[column - 1:end])))
                if end > column:
                    sheet.merge_cells(start_row=at, start_column=column, end_row=at, end_column=end)
            else:
                cell.value = _excel_number(item.value)
                cell.number_format = item.number_format
                cell.alignment = Alignment(horizontal="right", vertical="top")
            if self.template and item.editable:
                cell.protection = Protection(locked=False)
                cell.fill = _INPUT_FILL
        self._finish_row(at, bold=row.bold, section=row.is_section)
        if self.template:
            sheet.cell(row=at, column=self.key_column, value=row.key)
        height = max(heights)
        if height > 16:
            sheet.row_dimensions[at].height = height + 3
        self.row_at += 1

    def _people(self, row: LayoutRow) -> None:
        table = row.people
        self._header([NUMBER_HEADER, *[f.get("label") or f["key"] for f in table.fields]], fill_to=self.last_column)
        self.people_positions[row.key] = ",".join(f"{f['key']}:{i}" for i, f in enumerate(table.fields, start=2))
        for line in table.lines:
            at = self.row_at
            number = self.sheet.cell(row=at, column=1, value=line.key)
            number.alignment = Alignment(horizontal="center", vertical="top")
            heights = [1]
            for offset, item in enumerate(line.cells):
                cell = self.sheet.cell(row=at, column=2 + offset)
                # A template leaves the printed line to the page; the export prints it.
                spreadsheets.put_safe(cell, (item.value or None) if self.template else (item.display or None))
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                heights.append(_line_count(item.display, self.widths[1 + offset]))
                if self.template:
                    cell.protection = Protection(locked=False)
                    cell.fill = _INPUT_FILL
            self._finish_row(at, bold=False, section=False)
            if self.template:
                self.sheet.cell(row=at, column=self.key_column, value=f"{row.key}{PEOPLE_KEY_SEPARATOR}{line.key}")
            if max(heights) > 1:
                self.sheet.row_dimensions[at].height = 16 * max(heights) + 2
            self.row_at += 1

    def _finish_row(self, at: int, *, bold: bool, section: bool) -> None:
        for column in range(1, self.last_column + 1):
            cell = self.sheet.cell(row=at, column=column)
            cell.border = _BORDER
            cell.font = _font(bold=bold)
            if section and not self.template:
                cell.fill = _SECTION_FILL

    def _print_setup(self, *, header_row: int | None, last_row: int) -> None:
        sheet = self.sheet
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        if header_row:
            sheet.print_title_rows = f"{header_row}:{header_row}"
            sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        sheet.print_area = f"A1:{get_column_letter(self.last_column)}{last_row}"
        sheet.oddFooter.center.text = "&P / &N"

    def _protect(self) -> None:
        protection = self.sheet.protection
        protection.sheet = True
        # Widening a column or a row is allowed; inserting or deleting rows and columns is not.
        protection.formatColumns = False
        protection.formatRows = False
        protection.formatCells = False

    def _write_meta(self, *, header_row: int) -> None:
        sheet = self.sheet.parent.create_sheet(META_SHEET)
        sheet.sheet_state = "veryHidden"
        first = self.first_value_column
        entries = {
            **{k: str(v) for k, v in self.template_meta.items()},
            "header_row": str(header_row),
            "key_column": str(self.key_column),
            "first_value_column": str(first),
            "columns": ",".join(f"{c['key']}:{first + i}" for i, c in enumerate(self.layout.columns) if not c.get("formula")),
            **{f"people:{key}": value for key, value in self.people_positions.items()},
        }
        for key, value in entries.items():
            sheet.append([key, spreadsheets.safe_cell(value)])


def _excel_number(value: Decimal | None):
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _line_count(text: str, width: float) -> int:
    """About how many lines `text` takes in a column `width` characters wide, wrapped."""
    if not text:
        return 1
    per_line = max(1.0, width * 1.2)  # a column width counts "0"s of Calibri 11; Times 12 text is narrower
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


# --- submissions, consolidations, compliance ------------------------------------------------------


def template_meta_of(submission) -> dict[str, object]:
    """The identity a template carries: form, version, period and unit of the submission."""
    return {
        "form": submission.period.form.code,
        "version": submission.form_version.version,
        "period": submission.period.slug,
        "unit": submission.unit.code,
    }


def submission_title_extra(submission) -> list[str]:
    status = SubmissionStatus(submission.status).label
    line = _("Trạng thái: %(status)s") % {"status": status}
    if submission.first_submitted_at:
        line += _("; gửi lần đầu %(when)s") % {"when": timezone.localtime(submission.first_submitted_at).strftime("%d/%m/%Y")}
    if submission.approved_at:
        line += _("; duyệt ngày %(when)s") % {"when": timezone.localtime(submission.approved_at).strftime("%d/%m/%Y")}
    return [line + "."]


def submission_workbook(submission, *, as_template: bool = False, blank: bool = False) -> Workbook:
    """A unit's report in its Phụ lục layout; `as_template` makes it an import template
    (`blank`: without the current figures)."""
    values = {} if blank else values_of(submission)[0]
    return form_workbook(
        form_version=submission.form_version,
        unit_name=submission.unit.name,
        period_label=submission.period.label,
        values=values,
        title_extra=None if as_template else submission_title_extra(submission),
        template_meta=template_meta_of(submission) if as_template else None,
    )


def consolidation_values(consolidation) -> dict[Cell, object]:
    """{(row key, column): figure | text} of a `reporting.selectors.Consolidation`; a text row's
    answers gathered from several units are written one per line, each after its unit's name."""
    values: dict[Cell, object] = {}
    for row in consolidation.rows:
        for figure in row.figures:
            values[(row.key, figure.column)] = figure.number
        stored = stored_columns(consolidation.form_version, row.row) if row.texts else []
        if stored:
            texts_in = stored[0]
            if len(row.texts) == 1 and row.texts[0].is_own and not consolidation.has_units_below:
                values[(row.key, texts_in)] = row.texts[0].text
            else:
                values[(row.key, texts_in)] = "\n".join(f"• {t.unit_name}: {t.text}" for t in row.texts)
    return values


def consolidation_title_extra(consolidation) -> list[str]:
    if not consolidation.has_units_below:
        own = consolidation.own_submission
        return submission_title_extra(own) if own is not None else [_("Đơn vị chưa lập báo cáo kỳ này.")]
    counts = {"included": consolidation.included_units, "pending": consolidation.pending_count}
    if consolidation.own_submission is not None:
        return [_(
            "Số liệu tổng hợp: báo cáo của chính đơn vị và %(included)d báo cáo đã duyệt của các đơn vị trực thuộc; "
            "%(pending)d đơn vị trực thuộc chưa được duyệt."
        ) % counts]
    return [_(
        "Số liệu tổng hợp: %(included)d báo cáo đã duyệt của các đơn vị trực thuộc; "
        "%(pending)d đơn vị trực thuộc chưa được duyệt."
    ) % counts]


def consolidation_workbook(consolidation) -> Workbook:
    """A unit's consolidated report (`reporting.selectors.consolidation`) in its Phụ lục layout."""
    return form_workbook(
        form_version=consolidation.form_version,
        unit_name=consolidation.unit.name,
        period_label=consolidation.period.label,
        values=consolidation_values(consolidation),
        title_extra=consolidation_title_extra(consolidation),
    )


COMPLIANCE_HEADERS = (
    gettext_lazy("STT"), gettext_lazy("Mã đơn vị"), gettext_lazy("Tên đơn vị"), gettext_lazy("Loại đơn vị"),
    gettext_lazy("Tỉnh, thành phố"), gettext_lazy("Tình trạng"), gettext_lazy("Gửi lần đầu"),
    gettext_lazy("Gửi lần cuối"), gettext_lazy("Thời điểm duyệt"),
)
COMPLIANCE_WIDTHS = (7, 16, 50, 28, 22, 18, 17, 17, 17)


def compliance_workbook(rows: Iterable, *, title: str = "", subtitle: str = "",
                        progress: Callable[[int], None] | None = None, progress_every: int = 5_000) -> Workbook:
    """Phụ lục 04: each expected unit with its status and submission times, streamed (write-only).

    `rows` are the units of `reporting.selectors.compliance(...)` (objects with code, name, kind,
    province, compliance_status, first/last_submitted_at, approved_at; pass
    `queryset.iterator(chunk_size=...)` for a big list) or dicts with those keys. `progress(n)`
    is called every `progress_every` rows and at the end.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Phụ lục 04")[:31])
    for position, width in enumerate(COMPLIANCE_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    header_row = 1
    bold = _font(bold=True)
    for text, font in ((_("PHỤ LỤC 04"), _font(bold=True, size=13)), (title, bold), (subtitle, _font(italic=True))):
        if text:
            cell = WriteOnlyCell(sheet)
            spreadsheets.put_safe(cell, str(text))
            cell.font = font
            sheet.append([cell])
            header_row += 1
    headers = []
    for text in COMPLIANCE_HEADERS:
        cell = WriteOnlyCell(sheet)
        spreadsheets.put_safe(cell, str(text))
        cell.font = bold
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        headers.append(cell)
    sheet.append(headers)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    labels = {s.value: str(s.label) for s in ComplianceStatus}
    zone = timezone.get_current_timezone()
    # One styled cell per date column, reused: a write-only sheet writes each appended row at
    # once, and creating a styled cell per value would double the time of a 20,000-row list.
    date_cells = [WriteOnlyCell(sheet) for _index in range(3)]
    for cell in date_cells:
        cell.number_format = "dd/mm/yyyy hh:mm"
    done = 0
    for done, row in enumerate(rows, start=1):
        status = _field(row, "compliance_status") or _field(row, "status") or ""
        dates = []
        for cell, name in zip(date_cells, ("first_submitted_at", "last_submitted_at", "approved_at"), strict=True):
            moment = _field(row, name)
            if moment is None:
                dates.append(None)
            else:
                cell.value = moment.astimezone(zone).replace(tzinfo=None)
                dates.append(cell)
        sheet.append([
            done,
            _text_cell(sheet, _field(row, "code")),
            _text_cell(sheet, _field(row, "name")),
            _text_cell(sheet, _name_of(_field(row, "kind"))),
            _text_cell(sheet, _name_of(_field(row, "province"))),
            labels.get(status, str(status)),
            *dates,
        ])
        if progress and done % progress_every == 0:
            progress(done)
    if progress:
        progress(done)
    return workbook


def _field(row, name: str):
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def _name_of(value) -> str:
    if value is None:
        return ""
    return str(getattr(value, "name", value))


def _text_cell(sheet, value):
    """A plain value is fastest in write-only mode; a text that needs neutralising gets a cell."""
    cleaned = spreadsheets.safe_cell(value)
    if isinstance(cleaned, str) and cleaned.startswith("'"):
        cell = WriteOnlyCell(sheet)
        spreadsheets.put_safe(cell, value)
        return cell
    return cleaned


# --- reading a filled template -------------------------------------------------------------------


class TemplateReading(NamedTuple):
    """What a filled template holds: {(row key, column): raw value} and per-cell Vietnamese errors."""

    values: dict[Cell, object]
    errors: dict[Cell, str]


def read_filled_template(file: bytes | IO[bytes], *, submission) -> TemplateReading:
    """Read a template of `submission` filled in Excel; SpreadsheetError (Vietnamese) when the
    file as a whole cannot be used: not an .xlsx, hostile, too big, or the template of another
    form, version, period or unit.

    Every input cell of the form is returned (an empty cell as None: importing it empties the
    cell); `errors` holds the cells `validation.clean_cell` refuses, with its message.
    """
    content = _read_capped(file)
    workbook = spreadsheets.load_xlsx(content, max_uncompressed=MAX_TEMPLATE_UNCOMPRESSED_BYTES)
    try:
        meta = _read_meta(workbook)
        _check_identity(meta, submission)
        sheet = next((ws for ws in workbook.worksheets if ws.title != META_SHEET), None)
        if sheet is None:
            raise spreadsheets.SpreadsheetError(_("Tệp không có trang báo cáo."))
        return _read_values(sheet, meta, submission)
    except spreadsheets.SpreadsheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet surfaces as many openpyxl errors
        raise spreadsheets.SpreadsheetError(
            _("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")
        ) from exc
    finally:
        workbook.close()


def _read_capped(file: bytes | IO[bytes]) -> bytes:
    too_big = spreadsheets.SpreadsheetError(
        _("Tệp lớn quá %(limit)d MB: mẫu nhập báo cáo chỉ vài chục KB.") % {"limit": MAX_TEMPLATE_BYTES // (1024 * 1024)}
    )
    if isinstance(file, (bytes, bytearray)):
        content = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_TEMPLATE_BYTES:
            raise too_big
        content = file.read(MAX_TEMPLATE_BYTES + 1)
    if len(content) > MAX_TEMPLATE_BYTES:
        raise too_big
    if not content:
        raise spreadsheets.SpreadsheetError(_("Tệp rỗng."))
    return content


def _read_meta(workbook) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        raise spreadsheets.SpreadsheetError(_(
            "Tệp này không phải mẫu nhập báo cáo tải từ cổng (không có thông tin mẫu). "
            "Hãy tải mẫu Excel của báo cáo này, điền số liệu vào mẫu rồi tải lên."
        ))
    meta = {}
    for row in workbook[META_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
        if row and row[0]:
            meta[spreadsheets.cell_text(row[0])] = spreadsheets.cell_text(row[1] if len(row) > 1 else "")
    return meta


def _check_identity(meta: dict[str, str], submission) -> None:
    expected = template_meta_of(submission)
    form = submission.period.form
    if meta.get("form") != expected["form"]:
        raise spreadsheets.SpreadsheetError(_(
            "Tệp là mẫu của biểu mẫu “%(theirs)s”, không phải của biểu mẫu %(ours)s (%(title)s). "
            "Hãy tải đúng mẫu của báo cáo này."
        ) % {"theirs": meta.get("form") or "?", "ours": form.code, "title": form.title})
    if meta.get("version") != str(expected["version"]):
        raise spreadsheets.SpreadsheetError(_(
            "Tệp là mẫu phiên bản %(theirs)s của biểu mẫu %(form)s; báo cáo này dùng phiên bản %(ours)s. "
            "Hãy tải lại mẫu rồi điền lại."
        ) % {"theirs": meta.get("version") or "?", "form": form.code, "ours": expected["version"]})
    if meta.get("period") != expected["period"]:
        raise spreadsheets.SpreadsheetError(_(
            "Tệp là mẫu của kỳ %(theirs)s; báo cáo này là kỳ %(ours)s. Hãy tải mẫu của đúng kỳ báo cáo."
        ) % {"theirs": _period_words(meta.get("period") or "?"), "ours": submission.period.label})
    if meta.get("unit") != expected["unit"]:
        raise spreadsheets.SpreadsheetError(_(
            "Tệp là mẫu của đơn vị mã “%(theirs)s”; báo cáo này của đơn vị %(ours)s (mã %(code)s)."
        ) % {"theirs": meta.get("unit") or "?", "ours": submission.unit.name, "code": submission.unit.code})


def _period_words(slug: str) -> str:
    year, _dash, month = slug.partition("-")
    return _("tháng %(month)s/%(year)s") % {"month": month, "year": year} if month else _("năm %(year)s") % {"year": year}


def _read_values(sheet, meta: dict[str, str], submission) -> TemplateReading:
    """Every stored cell of the form, found by the row keys of the hidden key column."""
    try:
        header_row = int(meta["header_row"])
        key_column = int(meta["key_column"])
        text_at = int(meta["first_value_column"])
        positions = _positions(meta["columns"])
        people_positions = {k.partition(":")[2]: _positions(v) for k, v in meta.items() if k.startswith("people:")}
    except (KeyError, ValueError) as exc:
        raise spreadsheets.SpreadsheetError(_("Thông tin mẫu trong tệp bị hỏng. Hãy tải lại mẫu.")) from exc
    form_version = submission.form_version
    rows = {row.key: row for row in form_version.rows.all()}
    # sheet key → [(column, position in the sheet)]
    wanted: dict[str, list[tuple[str, int]]] = {}
    placeholders: dict[Cell, str] = {}
    for key, row in rows.items():
        stored = stored_columns(form_version, row)
        if row.kind == RowKind.PEOPLE:
            lines, fields = people_table(row)
            where = people_positions.get(key, {})
            for line in lines:
                wanted[f"{key}{PEOPLE_KEY_SEPARATOR}{line['key']}"] = [
                    (f"{line['key']}.{spec['key']}", where.get(spec["key"], 0)) for spec in fields
                ]
                for spec in fields:
                    if spec.get("default") == "line":
                        placeholders[(key, f"{line['key']}.{spec['key']}")] = line.get("label", "")
        elif row.kind == RowKind.TEXT and len(stored) == 1:
            wanted[key] = [(stored[0], text_at)]  # one answer, spread over the value columns
        elif stored:
            wanted[key] = [(column, positions.get(column, 0)) for column in stored]
    last_column = max([key_column, *positions.values(), *(p for v in people_positions.values() for p in v.values())])
    values: dict[Cell, object] = {}
    seen: set[str] = set()
    for cells in sheet.iter_rows(min_row=header_row + 1, max_row=header_row + 3 * len(wanted) + 20,
                                 max_col=last_column, values_only=True):
        cells = tuple(cells) + (None,) * (last_column - len(cells))
        sheet_key = spreadsheets.cell_text(cells[key_column - 1])
        if sheet_key not in wanted or sheet_key in seen:
            continue
        seen.add(sheet_key)
        row_key = sheet_key.partition(PEOPLE_KEY_SEPARATOR)[0]
        for column, position in wanted[sheet_key]:
            raw = cells[position - 1] if position else None
            if isinstance(raw, str):
                raw = spreadsheets.cell_text(raw)
            elif isinstance(raw, datetime):
                raw = raw.strftime("%d/%m/%Y")  # a figure Excel took for a date; refused below
            if raw == "" or (raw is not None and raw == placeholders.get((row_key, column))):
                raw = None  # the printed line of a people table is not an answer
            values[(row_key, column)] = raw
    missing = [k for k in wanted if k not in seen]
    if missing:
        row = rows[missing[0].partition(PEOPLE_KEY_SEPARATOR)[0]]
        raise spreadsheets.SpreadsheetError(_(
            "Tệp thiếu %(count)d dòng của biểu mẫu (ví dụ dòng %(number)s “%(label)s”): "
            "mẫu đã bị sửa cấu trúc. Hãy tải lại mẫu và chỉ điền vào các ô nền vàng."
        ) % {"count": len(missing), "number": row.number, "label": row.label[:60]})
    errors: dict[Cell, str] = {}
    for (key, column), raw in values.items():
        try:
            clean_cell(rows[key], column, raw)
        except CellError as exc:
            errors[(key, column)] = str(exc)
    return TemplateReading(values=values, errors=errors)


def _positions(text: str) -> dict[str, int]:
    """"value:4,members:5" → {"value": 4, "members": 5}."""
    positions = {}
    for entry in filter(None, text.split(",")):
        key, _colon, position = entry.rpartition(":")
        positions[key] = int(position)
    return positions
