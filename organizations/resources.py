"""The unit tree as a spreadsheet: its columns, reading an uploaded file, writing an export.

`UnitResource` (django-import-export) is the one definition of the file's columns. Exports go
through it; imports use its column names to recognise the header row, then hand the rows to
`organizations.services.unit_tree_import`, which validates the whole file and writes the tree
in bulk. Import-export's own row-by-row import (`import_data`) is deliberately not used:
it saves one instance at a time, so it could neither compute materialized paths for rows
that arrive in any order nor import 130,000 units in reasonable time.

Reading, writing, formula neutralising and the size/zip checks are shared with every other
import of the portal in `unionportal.spreadsheets`; this module keeps only what is particular
to the unit tree (its columns and the names its callers already use).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import tablib
from import_export import resources
from import_export.fields import Field

from organizations.models import Unit
from unionportal import spreadsheets
from unionportal.spreadsheets import (  # noqa: F401 - names used by the unit-tree callers
    FORMULA_PREFIXES,
    IMPORT_EXTENSIONS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    ColumnMap,
    cell_text,
    neutralise_formula,
    write_csv,
)
from unionportal.spreadsheets import SpreadsheetError as UnitFileError  # noqa: F401
from unionportal.spreadsheets import parse_yes_no as parse_active  # noqa: F401

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
UNIT_COLUMNS = spreadsheets.SheetColumns(COLUMN_HEADERS, aliases=COLUMN_ALIASES, required=REQUIRED_COLUMNS)
_COLUMN_WIDTHS = (18, 50, 20, 20, 20, 10, 16)


def match_columns(headers: Sequence[object] | None) -> tuple[ColumnMap, list[str]]:
    """Map the header row to column keys; the second value lists file-level errors."""
    return UNIT_COLUMNS.match(headers)


def read_unit_file(content: bytes, filename: str) -> tablib.Dataset:
    """The first sheet of an .xlsx, or a UTF-8 .csv, as a Dataset; see `unionportal.spreadsheets`."""
    return spreadsheets.read_spreadsheet(content, filename, max_rows=MAX_IMPORT_ROWS)


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


def render_dataset(dataset: tablib.Dataset, file_format: str) -> bytes:
    """Write the dataset as .xlsx or .csv, formulas neutralised; see `unionportal.spreadsheets`."""
    return spreadsheets.render_dataset(dataset, file_format, title=dataset.title or "Don vi", widths=_COLUMN_WIDTHS)


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Don vi") -> bytes:
    return spreadsheets.write_xlsx(headers, rows, title=title, widths=_COLUMN_WIDTHS)
