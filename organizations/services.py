"""Writes that touch several units at once.

`unit_tree_import` is the only way a spreadsheet enters the unit tree.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import tablib
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext as _

from organizations.models import Province, Unit, UnitKind, User
from organizations.resources import ColumnMap, cell_text, match_columns, parse_active
from organizations.scoping import get_scope
from unionportal import audit

BATCH_SIZE = 2000
_LOOKUP_CHUNK = 5000
_MAX_DEPTH = Unit._meta.get_field("path").max_length // Unit.steplen
_MAX_SIBLINGS = len(Unit.alphabet) ** Unit.steplen - 1
_CODE_MAX = Unit._meta.get_field("code").max_length
_NAME_MAX = Unit._meta.get_field("name").max_length
_SHORT_NAME_MAX = Unit._meta.get_field("short_name").max_length


@dataclass(frozen=True)
class UnitImportError:
    """One problem: `row` as numbered in the spreadsheet (header = 1), None for the whole file."""

    row: int | None
    column: str
    message: str
    value: str = ""


@dataclass
class UnitImportResult:
    """What an import found (dry run) or did (apply): counts, errors and time spent."""

    dry_run: bool
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[UnitImportError] = field(default_factory=list)
    applied: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def file_errors(self) -> list[UnitImportError]:
        return [e for e in self.errors if e.row is None]

    @property
    def row_errors(self) -> list[UnitImportError]:
        return [e for e in self.errors if e.row is not None]


class _Row:
    """One data row of the file, cleaned, and where it lands in the tree."""

    __slots__ = (
        "number", "code", "name", "short_name", "kind_id", "province_id", "is_active", "parent_code",
        "has_error", "existing", "path", "depth", "numchild",
    )

    def __init__(self, number: int):
        self.number = number
        self.has_error = False
        self.existing: _Existing | None = None
        self.path: str | None = None
        self.depth = 0
        self.numchild = 0


class _Existing:
    __slots__ = ("id", "code", "path", "depth", "name", "short_name", "kind_id", "province_id", "is_active")

    def __init__(self, values: tuple):
        (self.id, self.code, self.path, self.depth, self.name, self.short_name,
         self.kind_id, self.province_id, self.is_active) = values


_KEEP = object()  # an optional column the file does not have: keep what the unit has


def unit_tree_import(*, dataset: tablib.Dataset, user: User | None, dry_run: bool) -> UnitImportResult:
    """Check a whole unit-tree file and, unless `dry_run`, write it all or nothing.

    `user` limits where units may be added or changed to `Unit.objects.manageable_by(user)`
    (a unit administrator: their own subtree; a system administrator: anywhere, including new
    root units); `None` is the command line's full access.

    Rows may come in any order: new units are placed by walking down from their anchors
    (an existing unit, or the root for a unit without a parent) so a parent is always placed
    before its children; a parent code that leads nowhere or round in a circle is a row error.

    Existing units (same code) get their name, short name, kind, province and active flag
    updated. Moving a unit under another parent by file is refused: a move renumbers a whole
    subtree and changes who reviews it, so it belongs to its own, explicit action.

    The write does not go through treebeard's `add_child` (several queries per unit): the
    materialized paths are computed here, numbering after each parent's last existing child,
    new units are inserted with `bulk_create` in path order, changed units with `bulk_update`,
    and the `numchild` of existing parents is raised in one UPDATE, all in one transaction.
    """
    result = UnitImportResult(dry_run=dry_run)
    started = time.perf_counter()
    if dry_run:
        _plan(dataset, user, result, lock=False)
        result.seconds["validate"] = time.perf_counter() - started
        return result
    try:
        with transaction.atomic():
            plan = _plan(dataset, user, result, lock=True)
            result.seconds["validate"] = time.perf_counter() - started
            if result.errors:
                return result
            write_started = time.perf_counter()
            with audit.acting(user):  # the audit history rows name who imported
                _write(plan)
            result.seconds["write"] = time.perf_counter() - write_started
    except IntegrityError:
        # Someone changed the same part of the tree between our reads and our writes.
        result.errors.append(
            UnitImportError(
                row=None, column="",
                message=_("Cây đơn vị vừa được người khác thay đổi trong lúc nhập; chưa có gì được ghi. Hãy nhập lại."),
            )
        )
        return result
    result.applied = True
    return result


@dataclass
class _Plan:
    new_rows: list[_Row]
    changed_rows: list[_Row]
    added_children: dict[int, int]  # existing parent id -> number of new children
    keep_province: bool
    keep_active: bool


def _plan(dataset: tablib.Dataset, user: User | None, result: UnitImportResult, *, lock: bool) -> _Plan:
    errors = result.errors
    columns, file_errors = match_columns(dataset.headers)
    empty_plan = _Plan([], [], {}, keep_province=True, keep_active=True)
    if file_errors:
        errors.extend(UnitImportError(row=None, column="", message=m) for m in file_errors)
        return empty_plan

    rows = _clean_rows(dataset, columns, errors)
    result.rows = len(rows)
    if not rows:
        errors.append(UnitImportError(row=None, column="", message=_("Tệp không có dòng dữ liệu nào.")))
        return empty_plan

    def error(row: _Row, key: str, message: str, value: str = "") -> None:
        row.has_error = True
        errors.append(UnitImportError(row=row.number, column=columns.label(key), message=message, value=value))

    # The first row of each code stands for it; later rows with the same code are errors.
    by_code: dict[str, _Row] = {}
    for row in rows:
        if not row.code:
            continue
        first = by_code.get(row.code)
        if first is None:
            by_code[row.code] = row
        else:
            error(row, "code", _("Mã đơn vị bị trùng với dòng %(row)d") % {"row": first.number}, row.code)

    existing, manageable = _load_existing(by_code.keys() | {r.parent_code for r in rows if r.parent_code}, user)
    is_system = user is None or get_scope(user).is_system_admin
    keep_province = "province" not in columns.index
    keep_active = "is_active" not in columns.index

    # Existing units: in scope, not moved, and what changes.
    changed_rows: list[_Row] = []
    updates = [r for r in by_code.values() if r.code in existing]
    current_parent_code = _parent_codes([existing[r.code] for r in updates])
    for row in updates:
        unit = existing[row.code]
        row.existing = unit
        if row.code not in manageable:
            error(row, "code", _("Mã đơn vị “%(code)s” đã được dùng cho một đơn vị ngoài phạm vi quản lý của bạn")
                  % {"code": row.code}, row.code)
            continue
        parent_code = current_parent_code.get(unit.path[: -Unit.steplen], "")
        if row.parent_code != parent_code:
            error(row, "parent_code",
                  _("Không chuyển đơn vị “%(code)s” sang cấp trên khác bằng tệp nhập (cấp trên hiện tại: “%(parent)s”)")
                  % {"code": row.code, "parent": parent_code}, row.parent_code)
            continue
        if row.has_error:
            continue
        if _differs(row, unit, keep_province, keep_active):
            changed_rows.append(row)
    result.updated = len(changed_rows)
    result.unchanged = len(updates) - len(changed_rows) - sum(1 for r in updates if r.has_error)

    # New units: find each one's parent, then walk down from the anchors.
    new_rows = [r for r in by_code.values() if r.code not in existing]
    children: dict[str, list[_Row]] = defaultdict(list)  # parent code ("" = root) -> new rows
    for row in new_rows:
        parent = row.parent_code
        if not parent:
            if not is_system:
                error(row, "parent_code",
                      _("Chỉ quản trị hệ thống được tạo đơn vị cấp cao nhất; hãy ghi mã đơn vị cấp trên"))
                continue
        elif parent in by_code and parent not in existing:
            pass  # placed when its parent row is
        elif parent not in manageable:
            error(row, "parent_code",
                  _("Mã đơn vị cấp trên “%(code)s” không tồn tại trong tệp hoặc trong phạm vi của bạn")
                  % {"code": parent}, parent)
            continue
        children[parent].append(row)

    anchors = [code for code in children if code == "" or code in existing]
    if lock:
        # Concurrent imports under the same parents wait for each other instead of
        # computing the same paths.
        ids = [existing[c].id for c in anchors if c]
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            list(Unit.objects.select_for_update().filter(pk__in=ids[start : start + _LOOKUP_CHUNK]).values_list("pk"))
    added_children: dict[int, int] = {}
    for code in anchors:
        if code == "":
            last_root = Unit.objects.get_last_root_node()
            next_step = Unit._str2int(last_root.path[-Unit.steplen :]) + 1 if last_root else 1
            _place(children, code, "", 0, next_step, error)
        else:
            parent = existing[code]
            last = (
                Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .order_by("-path").values_list("path", flat=True).first()
            )
            next_step = Unit._str2int(last[-Unit.steplen :]) + 1 if last else 1
            added_children[parent.id] = _place(children, code, parent.path, parent.depth, next_step, error)

    _report_cycles(new_rows, by_code, existing, error)
    placed = [r for r in new_rows if r.path is not None]
    result.new = sum(1 for r in placed if not r.has_error)
    return _Plan(placed, changed_rows, added_children, keep_province, keep_active)


def _clean_rows(dataset: tablib.Dataset, columns: ColumnMap, errors: list[UnitImportError]) -> list[_Row]:
    kinds = {code.lower(): pk for pk, code in UnitKind.objects.values_list("pk", "code")}
    provinces = set(Province.objects.values_list("code", flat=True))
    kind_list = ", ".join(sorted(kinds))
    idx = columns.index
    i_code, i_name, i_kind, i_parent = idx["code"], idx["name"], idx["kind"], idx["parent_code"]
    i_short, i_province, i_active = idx.get("short_name"), idx.get("province"), idx.get("is_active")
    label = columns.label
    rows: list[_Row] = []

    for offset, values in enumerate(dataset):
        if all(v is None or v == "" for v in values):
            continue
        row = _Row(offset + 2)
        row_errors: list[tuple[str, str, str]] = []

        row.code = code = cell_text(values[i_code])
        if not code:
            row_errors.append(("code", _("Thiếu mã đơn vị"), ""))
        elif len(code) > _CODE_MAX:
            row_errors.append(("code", _("Mã đơn vị dài quá %(max)d ký tự") % {"max": _CODE_MAX}, code))

        row.name = name = cell_text(values[i_name])
        if not name:
            row_errors.append(("name", _("Thiếu tên đơn vị"), ""))
        elif len(name) > _NAME_MAX:
            row_errors.append(("name", _("Tên đơn vị dài quá %(max)d ký tự") % {"max": _NAME_MAX}, name[:80]))

        row.short_name = short_name = cell_text(values[i_short]) if i_short is not None else ""
        if len(short_name) > _SHORT_NAME_MAX:
            row_errors.append(
                ("short_name", _("Tên viết tắt dài quá %(max)d ký tự") % {"max": _SHORT_NAME_MAX}, short_name[:80])
            )

        kind = cell_text(values[i_kind])
        row.kind_id = kinds.get(kind.lower())
        if not kind:
            row_errors.append(("kind", _("Thiếu loại đơn vị"), ""))
        elif row.kind_id is None:
            row_errors.append(
                ("kind", _("Loại đơn vị “%(value)s” không hợp lệ (dùng một trong: %(kinds)s)")
                 % {"value": kind, "kinds": kind_list}, kind)
            )

        if i_province is None:
            row.province_id = _KEEP
        else:
            province = cell_text(values[i_province])
            row.province_id = int(province) if province.isdigit() else None
            if province and row.province_id not in provinces:
                row_errors.append(("province", _("Mã tỉnh “%(value)s” không có") % {"value": province}, province))

        if i_active is None:
            row.is_active = _KEEP
        else:
            active = cell_text(values[i_active])
            row.is_active = parse_active(active) if active else True
            if row.is_active is None:
                row_errors.append(
                    ("is_active", _("“%(value)s” không hợp lệ: ghi “Có” hoặc “Không”") % {"value": active}, active)
                )

        row.parent_code = parent_code = cell_text(values[i_parent])
        if parent_code and parent_code == code:
            row_errors.append(("parent_code", _("Đơn vị không thể là cấp trên của chính nó"), parent_code))

        if row_errors:
            row.has_error = True
            errors.extend(
                UnitImportError(row=row.number, column=label(key), message=message, value=value)
                for key, message, value in row_errors
            )
        rows.append(row)
    return rows


def _load_existing(codes: set[str], user: User | None) -> tuple[dict[str, _Existing], set[str]]:
    """Units already in the database among `codes`, and which of them the user may manage."""
    existing: dict[str, _Existing] = {}
    manageable: set[str] = set()
    ordered = sorted(codes)
    fields = ("id", "code", "path", "depth", "name", "short_name", "kind_id", "province_id", "is_active")
    for start in range(0, len(ordered), _LOOKUP_CHUNK):
        chunk = ordered[start : start + _LOOKUP_CHUNK]
        for values in Unit.objects.filter(code__in=chunk).order_by().values_list(*fields):
            existing[values[1]] = _Existing(values)
        if user is None:
            continue  # full access: every unit found is manageable, no second lookup (4 s of 130,000)
        manageable.update(Unit.objects.manageable_by(user).filter(code__in=chunk).order_by().values_list("code", flat=True))
    if user is None:
        manageable.update(existing)
    return existing, manageable


def _parent_codes(units: list[_Existing]) -> dict[str, str]:
    """Codes of the parents of existing units, by the parent's path."""
    paths = sorted({u.path[: -Unit.steplen] for u in units if u.depth > 1})
    codes: dict[str, str] = {}
    for start in range(0, len(paths), _LOOKUP_CHUNK):
        chunk = paths[start : start + _LOOKUP_CHUNK]
        codes.update(Unit.objects.filter(path__in=chunk).order_by().values_list("path", "code"))
    return codes


def _differs(row: _Row, unit: _Existing, keep_province: bool, keep_active: bool) -> bool:
    return (
        row.name != unit.name
        or row.short_name != unit.short_name
        or row.kind_id != unit.kind_id
        or (not keep_province and row.province_id != unit.province_id)
        or (not keep_active and row.is_active != unit.is_active)
    )


def _place(children: dict[str, list[_Row]], code: str, path: str, depth: int, next_step: int, error) -> int:
    """Give paths to the new units under `code` and all new units below them; return how many
    new children `code` got. Iterative, so a 60-level chain cannot exhaust the stack."""
    stack = [(code, path, depth, next_step, None)]
    top_count = 0
    while stack:
        parent_code, parent_path, parent_depth, step, parent_row = stack.pop()
        kids = children.get(parent_code, ())
        count = 0
        for row in kids:
            if parent_depth + 1 > _MAX_DEPTH:
                error(row, "parent_code", _("Cây đơn vị sâu quá %(max)d cấp") % {"max": _MAX_DEPTH}, row.parent_code)
                continue
            if step > _MAX_SIBLINGS:
                error(row, "parent_code", _("Một đơn vị không thể có quá %(max)d đơn vị trực thuộc")
                      % {"max": _MAX_SIBLINGS}, row.parent_code)
                continue
            row.depth = parent_depth + 1
            row.path = Unit._get_path(parent_path, row.depth, step)
            step += 1
            count += 1
            stack.append((row.code, row.path, row.depth, 1, row))
        if parent_row is None:
            top_count = count
        else:
            parent_row.numchild = count
    return top_count


def _report_cycles(new_rows: list[_Row], by_code: dict[str, _Row], existing: dict, error) -> None:
    """New rows never reached from an anchor either hang below a row that already has an error
    (nothing more to say) or sit on a loop of parent codes, which is reported on each row of it."""
    settled: set[str] = set()
    for start in new_rows:
        if start.path is not None or start.has_error or start.code in settled:
            continue
        chain: list[_Row] = []
        position: dict[str, int] = {}
        row: _Row | None = start
        while row is not None and row.code not in settled and row.path is None and not row.has_error:
            if row.code in position:
                loop = chain[position[row.code] :]
                numbers = ", ".join(str(r.number) for r in sorted(loop, key=lambda r: r.number))
                for member in loop:
                    error(member, "parent_code",
                          _("Mã đơn vị cấp trên tạo thành vòng lặp giữa các dòng %(rows)s") % {"rows": numbers},
                          member.parent_code)
                break
            position[row.code] = len(chain)
            chain.append(row)
            parent = by_code.get(row.parent_code)
            row = parent if parent is not None and parent.code not in existing else None
        settled.update(r.code for r in chain)


def _write(plan: _Plan) -> None:
    """Insert and update the units of `plan`, each with its audit history row (unionportal/audit.py)."""
    search_key_for = Unit.search_key_for
    reason = "unit_tree_import"
    new_units = [
        Unit(
            code=r.code, name=r.name, short_name=r.short_name, kind_id=r.kind_id,
            province_id=None if r.province_id is _KEEP else r.province_id,
            is_active=True if r.is_active is _KEEP else r.is_active,
            path=r.path, depth=r.depth, numchild=r.numchild,
            search_key=search_key_for(r.code, r.name, r.short_name),
        )
        for r in sorted(plan.new_rows, key=lambda r: r.path)
    ]
    # Inserted in path order, so the path index grows at its right edge.
    audit.bulk_create(Unit, new_units, by=None, reason=reason, batch_size=BATCH_SIZE)

    if plan.changed_rows:
        # One plain UPDATE per unit, sent with executemany: Django's bulk_update builds a CASE
        # expression per field and row and spends ~0.7 ms of Python per unit doing it.
        quote = connection.ops.quote_name
        columns = ("name", "short_name", "kind_id", "province_id", "is_active", "search_key")
        sql = (
            f"UPDATE {quote(Unit._meta.db_table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)} "
            f"WHERE {quote('id')} = %s"
        )
        params = [
            (
                r.name, r.short_name, r.kind_id,
                r.existing.province_id if plan.keep_province else r.province_id,
                r.existing.is_active if plan.keep_active else r.is_active,
                search_key_for(r.code, r.name, r.short_name),
                r.existing.id,
            )
            for r in plan.changed_rows
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(params), BATCH_SIZE):
                cursor.executemany(sql, params[start : start + BATCH_SIZE])
        audit.record_rows(Unit, [r.existing.id for r in plan.changed_rows], by=None, reason=reason)

    added = [(pk, n) for pk, n in plan.added_children.items() if n]
    for start in range(0, len(added), 500):
        chunk = added[start : start + 500]
        Unit.objects.filter(pk__in=[pk for pk, _n in chunk]).update(
            numchild=F("numchild")
            + Case(*(When(pk=pk, then=Value(n)) for pk, n in chunk), default=Value(0), output_field=IntegerField())
        )
