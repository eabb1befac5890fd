"""The unit tree as a spreadsheet: its columns, reading an uploaded file, writing an export.

`UnitResource` (django-import-export) is the one definition of the file's columns. Exports go
through it; imports use its column names to recognise the header row, then hand the rows to
`organizations.services.unit_tree_import`, which validates the whole file and writes the tree
in bulk. Import-export's own row-by-row import (`import_data`) is deliberately not used:
it saves one instance at a time, so it could neither compute materialized paths for rows
that arrive in any order nor import 130,000 units in reasonable time.

Reading does not use import-export's XLSX/CSV format classes either: tablib's CSV reader
drops blank lines (every later row number would be off by one in the error list) and a
ragged row raises instead of being reported. `read_unit_file` keeps row numbers exactly as
the user sees them in the spreadsheet and returns a `tablib.Dataset` all the same.

Hostile files: a size limit, a row limit, a check that an .xlsx really is a zip and that its
declared uncompressed size is bounded. Full zip-bomb defences (per-member ratios, streaming
limits) come with the file-upload hardening issue.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import tablib
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from organizations.models import Unit
from unionportal.text import fold

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 300_000
# The declared uncompressed size of all members of an .xlsx; a real 300,000-row tree is ~60 MB.
MAX_XLSX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
IMPORT_EXTENSIONS = ("xlsx", "csv")

# Column headers are a file format, not interface text: they stay Vietnamese whatever the
# interface language, so an exported file always imports again. Technical names are accepted too.
COLUMN_HEADERS: dict[str, str] = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "short_name": "Tên viết tắt",
    "kind": "Loại đơn vị",
    "parent_code": "Mã đơn vị cấp trên",
    "province": "Mã tỉnh",
    "is_active": "Đang hoạt động",
}
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "unit_code", "ma_don_vi"),
    "name": ("name", "ten_don_vi"),
    "short_name": ("short_name", "ten_viet_tat"),
    "kind": ("kind", "kind_code", "loai_don_vi", "ma_loai_don_vi"),
    "parent_code": ("parent_code", "parent", "ma_cap_tren", "ma_don_vi_cap_tren"),
    "province": ("province", "province_code", "ma_tinh"),
    "is_active": ("is_active", "active", "dang_hoat_dong"),
}
REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")

# Cells a spreadsheet would run as a formula (OWASP "CSV injection"); exported with a leading
# apostrophe, which the importer removes again so that an export round-trips unchanged.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS = frozenset({"co", "x", "1", "true", "yes", "dang hoat dong", "hoat dong"})
FALSE_WORDS = frozenset({"khong", "0", "false", "no", "ngung hoat dong", "ngung"})


class UnitFileError(Exception):
    """The file as a whole cannot be read; `message` is Vietnamese and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _header_key(header: object) -> str:
    return fold(str(header)).replace("_", " ").replace("-", " ").strip()


_KNOWN_HEADERS: dict[str, str] = {}
for _key, _header in COLUMN_HEADERS.items():
    for _name in (_header, _key, *COLUMN_ALIASES[_key]):
        _KNOWN_HEADERS[" ".join(_header_key(_name).split())] = _key


@dataclass(frozen=True)
class ColumnMap:
    """Where each known column sits in the file and the header the user wrote for it."""

    index: dict[str, int]
    header: dict[str, str]

    def label(self, key: str) -> str:
        return self.header.get(key) or COLUMN_HEADERS[key]


def match_columns(headers: Sequence[object] | None) -> tuple[ColumnMap, list[str]]:
    """Map the header row to column keys; the second value lists file-level errors."""
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    errors: list[str] = []
    for position, raw in enumerate(headers or []):
        text = cell_text(raw)
        if not text:
            continue
        key = _KNOWN_HEADERS.get(" ".join(_header_key(text).split()))
        if key is None:
            errors.append(
                _("Cột “%(header)s” không được hỗ trợ. Các cột hợp lệ: %(columns)s.")
                % {"header": text, "columns": ", ".join(COLUMN_HEADERS.values())}
            )
        elif key in index:
            errors.append(_("Cột “%(header)s” xuất hiện hai lần.") % {"header": text})
        else:
            index[key] = position
            written[key] = text
    missing = [COLUMN_HEADERS[key] for key in REQUIRED_COLUMNS if key not in index]
    if missing:
        errors.append(
            _("Tệp thiếu cột: %(columns)s. Dòng đầu tiên của tệp phải là tên các cột.")
            % {"columns": ", ".join(f"“{m}”" for m in missing)}
        )
    return ColumnMap(index=index, header=written), errors


def cell_text(value: object) -> str:
    """A cell as trimmed NFC text: 12.0 → "12", None → "", "'=x" (our own export) → "=x"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text.isascii():
        # Text typed on a Mac arrives decomposed (NFD); the database keeps one form.
        text = unicodedata.normalize("NFC", text)
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def parse_active(text: str) -> bool | None:
    """"Có"/"Không" (and x, 1/0, true/false); None when the word is not recognised."""
    word = fold(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


# --- Reading ------------------------------------------------------------------------------------


def read_unit_file(content: bytes, filename: str) -> tablib.Dataset:
    """The first sheet of an .xlsx, or a UTF-8 .csv (with or without BOM), as a Dataset.

    Row `i` of the dataset is spreadsheet row `i + 2` (the header is row 1); blank rows are kept
    as empty rows so numbering never shifts, except trailing blank rows, which are dropped.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in IMPORT_EXTENSIONS:
        raise UnitFileError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    if len(content) > MAX_IMPORT_BYTES:
        raise UnitFileError(
            _("Tệp lớn quá %(limit)d MB.") % {"limit": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    if not content:
        raise UnitFileError(_("Tệp rỗng."))
    rows = _xlsx_rows(content) if extension == "xlsx" else _csv_rows(content)
    return _to_dataset(rows)


def _xlsx_rows(content: bytes) -> Iterable[Sequence[object]]:
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise UnitFileError(_("Tệp không phải là tệp Excel .xlsx hợp lệ."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            declared = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnitFileError(_("Tệp không phải là tệp Excel .xlsx hợp lệ.")) from exc
    if declared > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise UnitFileError(_("Tệp Excel giải nén ra quá lớn, không thể đọc."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        raise UnitFileError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")) from exc
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    except UnitFileError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise UnitFileError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")) from exc
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterable[Sequence[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnitFileError(
            _("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: “CSV UTF-8 (Comma delimited)”).")
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Excel with a Vietnamese list separator saves CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise UnitFileError(_("Tệp CSV không đúng định dạng: %(error)s") % {"error": exc}) from exc


def _to_dataset(rows: Iterable[Sequence[object]]) -> tablib.Dataset:
    iterator = iter(rows)
    try:
        header_row = next(iterator)
    except StopIteration:
        raise UnitFileError(_("Tệp rỗng.")) from None
    headers = [cell_text(h) for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise UnitFileError(_("Dòng đầu tiên của tệp phải là tên các cột."))
    width = len(headers)
    blank = (None,) * width
    data: list[tuple] = []
    blank_run = 0
    for row in iterator:
        values = tuple(row[:width])
        if all(v is None or v == "" for v in values):
            # Held back until a filled row follows: trailing blank rows (a column formatted
            # down to row 1,048,576) cost nothing, inner ones keep the row numbers right.
            blank_run += 1
            continue
        if blank_run:
            data.extend([blank] * blank_run)
            blank_run = 0
        if len(values) < width:
            values += (None,) * (width - len(values))
        data.append(values)
        if len(data) > MAX_IMPORT_ROWS:
            raise UnitFileError(_("Tệp có quá %(limit)d dòng.") % {"limit": MAX_IMPORT_ROWS})
    # Every row was already cut or padded to the header's width.
    return tablib.Dataset(*data, headers=headers)


# --- The resource and writing ---------------------------------------------------------------------


class UnitResource(resources.ModelResource):
    """The columns of the unit tree file, used for export and to recognise an import's header.

    Export with `UnitResource().export(queryset)` on a queryset that went through
    `Unit.objects.visible_to(user)`; import with `organizations.services.unit_tree_import`.
    """

    code = Field(attribute="code", column_name=COLUMN_HEADERS["code"])
    name = Field(attribute="name", column_name=COLUMN_HEADERS["name"])
    short_name = Field(attribute="short_name", column_name=COLUMN_HEADERS["short_name"])
    kind = Field(column_name=COLUMN_HEADERS["kind"])
    parent_code = Field(column_name=COLUMN_HEADERS["parent_code"])
    province = Field(column_name=COLUMN_HEADERS["province"])
    is_active = Field(column_name=COLUMN_HEADERS["is_active"])

    class Meta:
        model = Unit
        fields = ("code", "name", "short_name", "kind", "parent_code", "province", "is_active")
        export_order = fields
        chunk_size = 2000

    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        if queryset is None:
            raise ValueError("UnitResource.export needs a queryset scoped with Unit.objects.visible_to(user).")
        queryset = queryset.with_parent_code().select_related("kind").order_by("path")
        return super().export(queryset=queryset, **kwargs)

    def import_data(self, *args, **kwargs):
        raise NotImplementedError(
            "Import the unit tree with organizations.services.unit_tree_import, which computes tree paths."
        )

    def dehydrate_kind(self, unit: Unit) -> str:
        return unit.kind.code

    def dehydrate_parent_code(self, unit: Unit) -> str:
        return getattr(unit, "parent_code", None) or ""

    def dehydrate_province(self, unit: Unit) -> int | str:
        return unit.province_id if unit.province_id is not None else ""

    def dehydrate_is_active(self, unit: Unit) -> str:
        return "Có" if unit.is_active else "Không"


def neutralise_formula(value: object) -> object:
    """Text a spreadsheet would evaluate gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def render_dataset(dataset: tablib.Dataset, file_format: str) -> bytes:
    """Write the dataset as .xlsx or .csv (UTF-8 with BOM, so Excel shows Vietnamese correctly)."""
    rows = ([neutralise_formula(v) for v in row] for row in dataset)
    if file_format == "csv":
        return write_csv(dataset.headers, rows)
    if file_format == "xlsx":
        return write_xlsx(dataset.headers, rows, title=dataset.title or "Don vi")
    raise ValueError(f"Unknown export format {file_format!r}")


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    stream = io.StringIO()
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(headers)
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Don vi") -> bytes:
    """A streaming (write-only) workbook: 130,000 rows in seconds and little memory."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (18, 50, 20, 20, 20, 10, 16), strict=False):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        )
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
