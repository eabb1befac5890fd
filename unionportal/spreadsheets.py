"""Spreadsheets in and out of the portal: the one place that reads, writes and parks them.

Every import (the unit tree, the welfare programme's partners, offers, outlets and usage) and
every export goes through here, so they all behave the same way:

- Reading (`read_spreadsheet`): the first sheet of an .xlsx or a UTF-8 .csv as a
  `tablib.Dataset` whose row `i` is spreadsheet row `i + 2` (the header is row 1). Blank rows
  are kept as empty rows so row numbers in error lists are the ones the user sees;
  import-export's own format classes are not used because tablib's CSV reader drops blank
  lines and raises on a ragged row.
- Hostile files (`check_xlsx`, before any XML parser sees the file): a size limit, a row limit,
  a check that an .xlsx really is a zip (a 5 MB picture renamed .xlsx is refused in
  Vietnamese), a bounded number of members, a bounded declared uncompressed size and
  compression ratio (a zip bomb; `zipfile` never inflates a member past its declared size),
  and no DTD in any XML member (an entity bomb: SpreadsheetML never needs a DTD). openpyxl
  also parses through defusedxml, which is installed for that reason.
- Columns (`SheetColumns`): headers are recognised diacritics- and case-insensitively, with
  technical aliases; unknown, repeated and missing columns are file-level errors.
- Writing (`render_dataset`): every cell passes `safe_cell`, which drops control characters
  and neutralises formulas (OWASP "CSV injection": a text cell starting with = + - @, tab or
  carriage return gets a leading apostrophe). `cell_text` removes that apostrophe again on
  import, so an export imports back unchanged.
- Parking an upload between its check and its confirmation (`stash_upload`, `unsign_stash`):
  the file waits in shared storage (`MEDIA_ROOT/imports/<random>.<ext>`), never in a worker's
  memory, so the confirmation may land on any web worker or a Celery worker. The page carries
  only a signed, expiring token naming that file and the user who uploaded it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple

import tablib
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.text import fold

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 300_000
# Every import of the portal has a few dozen columns; a sheet may claim 16,384.
MAX_IMPORT_COLUMNS = 200
# The declared uncompressed size of all members of an .xlsx; a real 300,000-row file is ~60 MB.
MAX_XLSX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
# A workbook is a dozen members (more with pictures); tens of thousands is a zip bomb's shape.
MAX_XLSX_MEMBERS = 1_000
# Sheet XML compresses 10-30 times, a sheet of identical empty styled cells ~100 times; a zip
# bomb's filler compresses ~1,000 times. Checked for members above 1 MB only.
MAX_XLSX_RATIO = 200
_RATIO_CHECKED_FROM = 1024 * 1024
_XML_MEMBER_SUFFIXES = (".xml", ".rels", ".vml")
IMPORT_EXTENSIONS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

# Cells a spreadsheet would run as a formula; exported with a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TRUE_WORDS = frozenset({"co", "x", "1", "true", "yes", "dang hoat dong", "hoat dong"})
FALSE_WORDS = frozenset({"khong", "0", "false", "no", "ngung hoat dong", "ngung"})


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; `message` is Vietnamese and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Cells --------------------------------------------------------------------------------------


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
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        text = text[1:]
    return text


def parse_yes_no(text: str) -> bool | None:
    """"Có"/"Không" (and x, 1/0, true/false); None when the word is not recognised."""
    word = fold(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def safe_cell(value: object) -> object:
    """What an exported cell may hold: no control characters, no formula; numbers stay numbers.

    The one place both rules live, for every export of the portal.
    """
    if not isinstance(value, str):
        return value
    value = _CONTROL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def put_safe(cell, value: object) -> None:
    """Write `value` into an openpyxl cell (also a write-only cell) through `safe_cell`.

    A text `safe_cell` had to neutralise is stored as a text cell with Excel's own quote prefix
    (what a leading apostrophe typed in Excel becomes): it shows and prints without the
    apostrophe, is never run, and stays text when someone edits the cell.
    """
    cleaned = safe_cell(value)
    if isinstance(cleaned, str) and cleaned.startswith("'") and cleaned != _CONTROL_CHARACTERS.sub("", value):
        cell.value = cleaned[1:]
        cell.data_type = "s"  # openpyxl would take a text starting with "=" for a formula
        cell.quotePrefix = True
        return
    cell.value = cleaned


def neutralise_formula(value: object) -> object:
    """Kept for callers of the unit-tree export; see `safe_cell`."""
    return safe_cell(value)


# --- Columns ------------------------------------------------------------------------------------


def header_key(header: object) -> str:
    return " ".join(fold(str(header)).replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class ColumnMap:
    """Where each known column sits in the file and the header the user wrote for it."""

    index: dict[str, int]
    header: dict[str, str]
    defaults: dict[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        return self.header.get(key) or self.defaults[key]


class SheetColumns:
    """The columns of one kind of file: `headers` (key → the header we write), `aliases`
    (other names accepted on import, compared folded), the `required` keys and `one_of`
    (keys of which the file must have at least one)."""

    def __init__(self, headers: dict[str, str], *, aliases: dict[str, Sequence[str]] | None = None,
                 required: Sequence[str] = (), one_of: Sequence[str] = ()):
        self.headers = dict(headers)
        self.required = tuple(required)
        self.one_of = tuple(one_of)
        self._known: dict[str, str] = {}
        for key, header in self.headers.items():
            for name in (header, key, *(aliases or {}).get(key, ())):
                self._known[header_key(name)] = key

    def key_for(self, header: object) -> str | None:
        return self._known.get(header_key(header))

    def match(self, headers: Sequence[object] | None) -> tuple[ColumnMap, list[str]]:
        """Map a header row to column keys; the second value lists file-level errors."""
        index: dict[str, int] = {}
        written: dict[str, str] = {}
        errors: list[str] = []
        for position, raw in enumerate(headers or []):
            text = cell_text(raw)
            if not text:
                continue
            key = self.key_for(text)
            if key is None:
                errors.append(
                    _("Cột “%(header)s” không được hỗ trợ. Các cột hợp lệ: %(columns)s.")
                    % {"header": text, "columns": ", ".join(self.headers.values())}
                )
            elif key in index:
                errors.append(_("Cột “%(header)s” xuất hiện hai lần.") % {"header": text})
            else:
                index[key] = position
                written[key] = text
        missing = [self.headers[key] for key in self.required if key not in index]
        if missing:
            errors.append(
                _("Tệp thiếu cột: %(columns)s. Dòng đầu tiên của tệp phải là tên các cột.")
                % {"columns": ", ".join(f"“{m}”" for m in missing)}
            )
        if self.one_of and not any(key in index for key in self.one_of):
            errors.append(
                _("Tệp phải có ít nhất một trong các cột: %(columns)s.")
                % {"columns": ", ".join(f"“{self.headers[key]}”" for key in self.one_of)}
            )
        return ColumnMap(index=index, header=written, defaults=self.headers), errors


# --- Reading ------------------------------------------------------------------------------------


def file_extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check_upload(filename: str, size: int) -> str | None:
    """The Vietnamese reason an upload is refused before it is read, or None."""
    if file_extension(filename) not in IMPORT_EXTENSIONS:
        return _("Chỉ nhận tệp .xlsx hoặc .csv.")
    if size > MAX_IMPORT_BYTES:
        return _("Tệp lớn quá %(limit)d MB.") % {"limit": MAX_IMPORT_BYTES // (1024 * 1024)}
    return None


def read_spreadsheet(content: bytes, filename: str, *, max_rows: int = MAX_IMPORT_ROWS) -> tablib.Dataset:
    """The first sheet of an .xlsx, or a UTF-8 .csv (with or without BOM), as a Dataset.

    Row `i` of the dataset is spreadsheet row `i + 2` (the header is row 1); blank rows are kept
    as empty rows so numbering never shifts, except trailing blank rows, which are dropped.
    """
    refused = check_upload(filename, len(content))
    if refused:
        raise SpreadsheetError(refused)
    if not content:
        raise SpreadsheetError(_("Tệp rỗng."))
    rows = _xlsx_rows(content) if file_extension(filename) == "xlsx" else _csv_rows(content)
    return _to_dataset(rows, max_rows)


def is_blank_row(values: Sequence[object]) -> bool:
    return all(v is None or v == "" for v in values)


def check_xlsx(content: bytes, *, max_uncompressed: int = MAX_XLSX_UNCOMPRESSED_BYTES) -> None:
    """Refuse (SpreadsheetError, in Vietnamese) an .xlsx that is not a zip, a zip bomb or an XML
    entity bomb, reading no more than each member's prolog."""
    not_xlsx = _("Tệp không phải là tệp Excel .xlsx hợp lệ.")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise SpreadsheetError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_XLSX_MEMBERS:
                raise SpreadsheetError(_("Tệp Excel có quá nhiều thành phần, không thể đọc."))
            if sum(member.file_size for member in members) > max_uncompressed:
                raise SpreadsheetError(_("Tệp Excel giải nén ra quá lớn, không thể đọc."))
            for member in members:
                if member.file_size > _RATIO_CHECKED_FROM and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
                    raise SpreadsheetError(_("Tệp Excel giải nén ra quá lớn, không thể đọc."))
            for member in members:
                if member.filename.lower().endswith(_XML_MEMBER_SUFFIXES):
                    _refuse_xml_declarations(archive, member)
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        raise SpreadsheetError(not_xlsx) from exc


def _refuse_xml_declarations(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """A DTD (where entities and external references are declared) must come before the root
    element, so parsing up to the first element with DTDs forbidden settles it."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    with archive.open(member) as stream:
        try:
            for _event in iterparse(stream, events=("start",), forbid_dtd=True):
                return
        except DefusedXmlException as exc:
            raise SpreadsheetError(
                _("Tệp Excel chứa khai báo XML không được phép (DTD, entity); tệp không được đọc.")
            ) from exc
        except ParseError as exc:
            raise SpreadsheetError(
                _("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")
            ) from exc


def load_xlsx(content: bytes, *, read_only: bool = True, data_only: bool = True,
              max_uncompressed: int = MAX_XLSX_UNCOMPRESSED_BYTES):
    """An openpyxl workbook of an uploaded .xlsx, after `check_xlsx`; damage → SpreadsheetError."""
    import openpyxl

    check_xlsx(content, max_uncompressed=max_uncompressed)
    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=read_only, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        raise SpreadsheetError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")) from exc


def _xlsx_rows(content: bytes) -> Iterable[Sequence[object]]:
    workbook = load_xlsx(content)
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    except SpreadsheetError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise SpreadsheetError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")) from exc
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterable[Sequence[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: “CSV UTF-8 (Comma delimited)”).")
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Excel with a Vietnamese list separator saves CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise SpreadsheetError(_("Tệp CSV không đúng định dạng: %(error)s") % {"error": exc}) from exc


def _to_dataset(rows: Iterable[Sequence[object]], max_rows: int) -> tablib.Dataset:
    iterator = iter(rows)
    try:
        header_row = next(iterator)
    except StopIteration:
        raise SpreadsheetError(_("Tệp rỗng.")) from None
    headers = [cell_text(h) for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise SpreadsheetError(_("Dòng đầu tiên của tệp phải là tên các cột."))
    if len(headers) > MAX_IMPORT_COLUMNS:
        raise SpreadsheetError(_("Tệp có quá %(limit)d cột.") % {"limit": MAX_IMPORT_COLUMNS})
    width = len(headers)
    blank = (None,) * width
    data: list[tuple] = []
    blank_run = 0
    for row in iterator:
        values = tuple(row[:width])
        if is_blank_row(values):
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
        if len(data) > max_rows:
            raise SpreadsheetError(_("Tệp có quá %(limit)d dòng.") % {"limit": max_rows})
    # Every row was already cut or padded to the header's width.
    return tablib.Dataset(*data, headers=headers)


# --- Writing ------------------------------------------------------------------------------------


def render_dataset(
    dataset: tablib.Dataset, file_format: str, *, title: str | None = None, widths: Sequence[int] = ()
) -> bytes:
    """Write the dataset as .xlsx or .csv (UTF-8 with BOM, so Excel shows Vietnamese correctly),
    every cell through `safe_cell`."""
    rows = ([safe_cell(v) for v in row] for row in dataset)
    headers = [safe_cell(h) for h in dataset.headers or []]
    if file_format == "csv":
        return write_csv(headers, rows)
    if file_format == "xlsx":
        return write_xlsx(headers, rows, title=title or dataset.title or "Du lieu", widths=widths)
    raise ValueError(f"Unknown export format {file_format!r}")


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    stream = io.StringIO()
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(headers)
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Du lieu", widths: Sequence[int] = ()
) -> bytes:
    """A streaming (write-only) workbook: 130,000 rows in seconds and little memory."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for position, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_CONTROL_CHARACTERS.sub("", v) if isinstance(v, str) else v for v in row])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


# --- Parking an upload between its check and its confirmation ---------------------------------------

STASH_DIR = "imports"
STASH_TOKEN_MAX_AGE = timedelta(hours=1)
# Files are swept a day after they were parked: a confirmation token lives an hour, and a
# background import job reads its file within minutes of being queued.
STASH_KEEP = timedelta(days=1)
# What may be parked: the spreadsheets above, and the RSS/Atom files articles are imported from.
STASH_EXTENSIONS = (*IMPORT_EXTENSIONS, "xml")
_STASHED_NAME = re.compile(rf"^{STASH_DIR}/[0-9a-f]{{32}}\.({'|'.join(STASH_EXTENSIONS)})$")


def stash_upload(content: bytes, filename: str) -> str:
    """Keep an uploaded file in shared storage under a random name; return that name."""
    sweep_stale_stashes()
    extension = file_extension(filename)
    if extension not in STASH_EXTENSIONS:
        raise ValueError(f"cannot stash a .{extension} file")
    return default_storage.save(f"{STASH_DIR}/{uuid.uuid4().hex}.{extension}", ContentFile(content))


class StashedUpload(NamedTuple):
    name: str  # where it is parked, "imports/<random>.<ext>"
    filename: str  # what the user called it
    extra: dict  # what the page signed along with it (e.g. the importing unit)


def sign_stash(name: str, filename: str, *, user_id: int, salt: str, extra: dict | None = None) -> str:
    """A token naming a parked file, good only for `user_id` and for `STASH_TOKEN_MAX_AGE`."""
    return signing.dumps({"name": name, "user": user_id, "file": filename[:200], "extra": extra or {}}, salt=salt)


def unsign_stash(token: str, *, user_id: int, salt: str,
                 max_age: timedelta = STASH_TOKEN_MAX_AGE) -> StashedUpload | None:
    """The parked file a valid token of `user_id` names, if it still exists."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    name = data.get("name", "")
    if data.get("user") != user_id or not is_stashed_name(name) or not default_storage.exists(name):
        return None
    return StashedUpload(name, data.get("file", ""), data.get("extra") or {})


def is_stashed_name(name: str) -> bool:
    return bool(_STASHED_NAME.match(name or ""))


def read_stash(name: str) -> bytes:
    if not is_stashed_name(name):
        raise FileNotFoundError(name)
    with default_storage.open(name, "rb") as stashed:
        return stashed.read()


def delete_stash(name: str) -> None:
    if is_stashed_name(name):
        default_storage.delete(name)


def sweep_stale_stashes() -> None:
    """Parked files never confirmed are removed once nobody can use them any more."""
    try:
        _dirs, files = default_storage.listdir(STASH_DIR)
    except FileNotFoundError:
        return
    expired_before = timezone.now() - STASH_KEEP
    for file in files:
        name = f"{STASH_DIR}/{file}"
        try:
            if is_stashed_name(name) and default_storage.get_modified_time(name) < expired_before:
                default_storage.delete(name)
        except FileNotFoundError:
            pass  # another worker swept it first
