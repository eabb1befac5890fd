"""Form definitions: the YAML files in `reporting/forms/` and their loading into the database.

A file describes one version of one form. Adding a form is adding a file; changing a form is
giving its file a higher `version` (a loaded version is never changed in place, so submissions
on it stay readable). The format, by example (PL02.yaml is the plain case):

    code: PL03                      # letters, digits, "-" and "_"
    version: 1
    title: "…"                      # shown in lists and printed under the labels below
    appendix: "PHỤ LỤC 03"          # title block, printed as is (optional)
    attachment_note: "(Kèm văn bản số …)"
    template_label: "MẪU: …"
    content_header: "Nội dung và tiêu chí báo cáo"   # header of the label column
    unit_header: "Đơn vị"           # header of the unit column; null when units are per cell
    period_type: monthly | yearly | one_off
    due: {day: 25}                  # monthly: that day of each month
    due: {day: 5, month: 12}        # yearly, and one-off forms due once in any year
    due: {date: 2017-09-20}         # a one-off form due on one date only
    reminder_offsets: [-5, 0]
    columns:                        # default: one column {key: value, label: "Số lượng"}
      - {key: result, label: "Kết quả"}
      - {key: members, label: "Đoàn viên công đoàn hưởng lợi", unit: "người"}   # unit/kind: defaults for the cells
      - {key: share, label: "Tỷ lệ %", formula: "members / result * 100", decimals: 1}   # computed, never stored
    rows:
      - {key: loans, number: "4", label: "…", unit: "đoàn viên", kind: integer}
      - {key: loans_fund, number: "-", label: "…", kind: integer, parent: loans}   # "of which": ≤ its whole
      - {key: r6, kind: integer, cells: {result: {unit: "người", label: "Số LĐ được hưởng lợi"},
                                         members: {kind: none}}}                    # none: the row has no such cell
      - {key: r1, kind: text, required: true}
      - {key: officers, kind: people,                                               # a table of people
         lines: [{key: "1", label: "Lãnh đạo LĐLĐ tỉnh"}, …],
         fields: [{key: name, label: "Họ và tên", required: true},
                  {key: position, label: "Chức vụ", default: line},                # empty: the line's label is printed
                  {key: phone, label: "Số điện thoại", format: phone},
                  {key: email, label: "Email", format: email}]}
      - {key: x, …, prefill: "sum:PL02.partner_users"}    # see reporting/prefill.py
    rules:                          # cross-row rules; sides are sums of cells "row" or "row.column"
      - {left: "a + b", op: "<=", right: "c", severity: error, message: "…"}
      - {left: "*.members", op: "<=", right: "*.result", rows: [r6, r7], severity: error, message: "…"}
        # "*" = each row in `rows` (default: every row that has all the named cells)

A people table is stored one cell per line and field: SubmissionValue.column = "<line>.<field>"
("1.name", "3.email"), as text.
"""

from __future__ import annotations

import ast
import hashlib
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction

from reporting.choices import Aggregation, PeriodType, RowKind

FORMS_DIR = Path(__file__).resolve().parent / "forms"

DEFAULT_AGGREGATION = {
    RowKind.SECTION: Aggregation.NONE,
    RowKind.INTEGER: Aggregation.SUM,
    RowKind.MONEY: Aggregation.SUM,
    RowKind.PERCENT: Aggregation.NONE,
    RowKind.TEXT: Aggregation.TEXT,
    RowKind.PEOPLE: Aggregation.NONE,
}
NUMERIC_KINDS = {RowKind.INTEGER, RowKind.MONEY, RowKind.PERCENT}
NO_CELL = "none"  # cell kind of a column a row does not have (a blank, ruled-out cell on paper)
RULE_OPERATORS = {"<=", "<", ">=", ">", "==", "!="}
PEOPLE_FORMATS = {"text", "phone", "email"}
COLUMN_MAX_LENGTH = 30  # SubmissionValue.column
DEFAULT_DECIMALS = 1

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_read_cache: dict[Path, tuple[str, dict]] = {}


class DefinitionError(ValueError):
    """A form file that cannot be loaded; the message names the file and the place."""


# --- reading and checking files -----------------------------------------------------------------


def definition_files(directory: Path | str | None = None) -> list[Path]:
    return sorted(Path(directory or FORMS_DIR).glob("*.yaml"))


def read_definition(path: Path) -> dict:
    """The checked definition of one file, as it will be stored (plain JSON types)."""
    path = Path(path)
    raw = path.read_bytes()
    # Parsed files are kept by content (not by mtime, which two quick writes can share): tests
    # and `ensure_forms_loaded` read the same files again and again.
    digest = hashlib.sha256(raw).hexdigest()
    cached = _read_cache.get(path)
    if cached and cached[0] == digest:
        return json.loads(json.dumps(cached[1]))
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path.name}: not readable as UTF-8 YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DefinitionError(f"{path.name}: not a form definition")
    # Dates (due.date) and other YAML-only types become what the JSON column will hold, so the
    # checksum of a file is the checksum of what is stored.
    data = json.loads(json.dumps(data, ensure_ascii=False, default=str))
    validate_definition(data, source=path.name)
    _read_cache[path] = (digest, data)
    return json.loads(json.dumps(data))


def validate_definition(data: dict, *, source: str) -> None:
    """Refuse a file whose rows, parents, kinds, cells, formulas or rules do not hold together."""

    def fail(message: str):
        raise DefinitionError(f"{source}: {message}")

    for name in ("code", "version", "title", "period_type", "rows"):
        if name not in data:
            fail(f"missing '{name}'")
    if not isinstance(data["rows"], list) or not all(isinstance(row, dict) for row in data["rows"]):
        fail("rows must be a list of rows")
    if not isinstance(data.get("columns") or [], list) or not isinstance(data.get("rules") or [], list):
        fail("columns and rules must be lists")
    if not isinstance(data["version"], int) or data["version"] < 1:
        fail("version must be a whole number from 1")
    if data["period_type"] not in PeriodType.values:
        fail(f"unknown period_type {data['period_type']!r}")
    due = data.get("due") or {}
    if data["period_type"] == PeriodType.MONTHLY and "day" not in due:
        fail("a monthly form needs due.day")
    if data["period_type"] == PeriodType.YEARLY and not {"day", "month"} <= set(due):
        fail("a yearly form needs due.day and due.month")
    if data["period_type"] == PeriodType.ONE_OFF and "date" not in due and not {"day", "month"} <= set(due):
        fail("a one-off form needs due.date, or due.day and due.month (due once in any year)")
    try:
        if "date" in due:
            date.fromisoformat(str(due["date"]))
        if "day" in due:
            date(2024, int(due.get("month", 1)), int(due["day"]))  # a leap year: 29/2 is allowed
    except (TypeError, ValueError):
        fail(f"due {due!r} is not a date")

    columns = data.get("columns") or [{"key": "value"}]
    column_keys = [c.get("key") for c in columns]
    if len(set(column_keys)) != len(column_keys) or not all(column_keys):
        fail("every column needs its own key")
    stored = [c["key"] for c in columns if not c.get("formula")]
    if not stored:
        fail("a form needs at least one column that is not computed")
    for column in columns:
        if column.get("kind") not in (None, *NUMERIC_KINDS, RowKind.TEXT):
            fail(f"column {column['key']!r} has an unknown kind {column.get('kind')!r}")
        if column.get("formula"):
            try:
                names = formula_names(column["formula"])
            except DefinitionError as exc:
                fail(f"column {column['key']!r}: {exc}")
            for name in names:
                if name not in stored:
                    fail(f"column {column['key']!r}: the formula names {name!r}, which is not a stored column")

    keys: list[str] = []
    rows_by_key: dict[str, dict] = {}
    for position, row in enumerate(data["rows"], start=1):
        key = row.get("key")
        if not key:
            fail(f"row {position} has no key")
        if key in rows_by_key:
            fail(f"row key {key!r} is used twice")
        kind = row.get("kind")
        if kind not in RowKind.values:
            fail(f"row {key!r} has an unknown kind {kind!r}")
        if "label" not in row:
            fail(f"row {key!r} has no label")
        parent = row.get("parent")
        if parent and parent not in rows_by_key:
            fail(f"row {key!r} names parent {parent!r}, which is not an earlier row")
        for column, spec in (row.get("cells") or {}).items():
            if column not in column_keys:
                fail(f"row {key!r} describes an unknown column {column!r}")
            if spec.get("kind") not in (None, NO_CELL, *NUMERIC_KINDS, RowKind.TEXT):
                fail(f"row {key!r}, column {column!r}: unknown kind {spec.get('kind')!r}")
        if kind == RowKind.PEOPLE:
            _validate_people(row, fail)
        rows_by_key[key] = row
        keys.append(key)

    for position, rule in enumerate(data.get("rules") or [], start=1):
        if rule.get("op") not in RULE_OPERATORS:
            fail(f"rule {position} has an unknown operator {rule.get('op')!r}")
        if rule.get("severity") not in ("error", "warning"):
            fail(f"rule {position} needs severity error or warning")
        if not str(rule.get("message", "")).strip():
            fail(f"rule {position} needs a message")
        terms = [t for side in ("left", "right") for t in terms_of(str(rule.get(side, "")))]
        cells = [t for t in terms if not _is_number(t)]
        if not terms_of(str(rule.get("left", ""))) or not terms_of(str(rule.get("right", ""))):
            fail(f"rule {position} needs a left and a right side")
        wildcard = [t.startswith("*") for t in cells]
        if any(wildcard) and not all(wildcard):
            fail(f"rule {position} mixes '*' with named rows")
        for term in cells:
            name, _dot, column = term.partition(".")
            if name != "*" and name not in rows_by_key:
                fail(f"rule {position} names an unknown row {name!r}")
            if column and column not in stored:
                fail(f"rule {position} names an unknown or computed column {column!r}")
        for name in rule.get("rows") or []:
            if name not in rows_by_key:
                fail(f"rule {position} lists an unknown row {name!r}")
        if rule.get("rows") and not any(wildcard):
            fail(f"rule {position} lists rows but names no '*' cell")


def _validate_people(row: dict, fail) -> None:
    key = row["key"]
    lines, fields = row.get("lines") or [], row.get("fields") or []
    if not lines or not fields:
        fail(f"people row {key!r} needs lines and fields")
    line_keys = [str(line.get("key", "")) for line in lines]
    field_keys = [str(f.get("key", "")) for f in fields]
    for what, found in (("line", line_keys), ("field", field_keys)):
        if not all(found) or len(set(found)) != len(found) or any("." in k for k in found):
            fail(f"people row {key!r}: every {what} needs its own key, without '.'")
    for spec in fields:
        if spec.get("format", "text") not in PEOPLE_FORMATS:
            fail(f"people row {key!r}: field {spec['key']!r} has an unknown format {spec.get('format')!r}")
    if max(len(k) for k in line_keys) + 1 + max(len(k) for k in field_keys) > COLUMN_MAX_LENGTH:
        fail(f"people row {key!r}: line and field keys are too long")


def terms_of(expression: str) -> list[str]:
    """The terms of a rule side: `a + b + 3` → ["a", "b", "3"] (sums only, on purpose)."""
    return [term.strip() for term in expression.split("+") if term.strip()]


def _is_number(term: str) -> bool:
    try:
        float(term)
    except ValueError:
        return False
    return True


def checksum(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


# --- loading ------------------------------------------------------------------------------------


def _row_cells(data: dict, spec: dict) -> dict:
    """What FormRow.cells holds: per column its unit/kind/label (column defaults first), or the
    people table of a people row."""
    kind = spec["kind"]
    if kind == RowKind.PEOPLE:
        return {"people": {"lines": spec["lines"], "fields": spec["fields"]}}
    cells = {key: dict(value) for key, value in (spec.get("cells") or {}).items()}
    if kind in NUMERIC_KINDS:
        for column in data.get("columns") or []:
            defaults = {k: column[k] for k in ("unit", "kind") if k in column and not column.get("formula")}
            if defaults:
                cells[column["key"]] = {**defaults, **cells.get(column["key"], {})}
    return cells


@transaction.atomic
def load_definition(data: dict):
    """Create the form, its version and rows; return (form_version, created). Idempotent.

    The deadline and reminder days of an existing form are left as they are: they are data an
    administrator may have edited since.
    """
    from reporting.models import Form, FormRow, FormVersion

    due = data.get("due") or {}
    form, _ = Form.objects.get_or_create(
        code=data["code"],
        defaults={
            "title": data["title"],
            "period_type": data["period_type"],
            "due_day": due.get("day"),
            "due_month": due.get("month"),
            "one_off_due_date": date.fromisoformat(str(due["date"])) if due.get("date") else None,
            "reminder_offsets": data.get("reminder_offsets", [-5, 0]),
            "sort_order": data.get("sort_order", 100),
        },
    )
    digest = checksum(data)
    existing = FormVersion.objects.filter(form=form, version=data["version"]).first()
    if existing is not None:
        if existing.checksum != digest:
            raise DefinitionError(
                f"{data['code']} version {data['version']} is already loaded with other content: "
                "give the changed file a new version number"
            )
        return existing, False
    version = FormVersion.objects.create(
        form=form, version=data["version"], definition=data, checksum=digest, is_current=False
    )
    # The highest version is the current one, whatever order the files were loaded in.
    newest = FormVersion.objects.filter(form=form).order_by("-version").values_list("pk", flat=True).first()
    FormVersion.objects.filter(form=form).exclude(pk=newest).update(is_current=False)
    FormVersion.objects.filter(pk=newest).update(is_current=True)
    version.is_current = version.pk == newest
    if version.is_current and data["title"] != form.title:
        form.title = data["title"]
        form.save(update_fields=["title"])
    by_key: dict[str, FormRow] = {}
    for order, spec in enumerate(data["rows"], start=1):
        kind = spec["kind"]
        row = FormRow.objects.create(
            form_version=version,
            key=spec["key"],
            order=order,
            number=spec.get("number", ""),
            label=spec["label"],
            unit=spec.get("unit", ""),
            kind=kind,
            parent=by_key.get(spec.get("parent")),
            aggregation=spec.get("aggregation", DEFAULT_AGGREGATION[kind]),
            indent=spec.get("indent", 1 if spec.get("parent") else 0),
            required=spec.get("required", False),
            bold=spec.get("bold", kind == RowKind.SECTION),
            cells=_row_cells(data, spec),
            prefill=spec.get("prefill", ""),
        )
        by_key[row.key] = row
    return version, True


def load_all(directory: Path | str | None = None) -> list[tuple[str, int, bool]]:
    """Load every file of `directory` (default `reporting/forms/`); (code, version, created) per file."""
    results = []
    for path in definition_files(directory):
        version, created = load_definition(read_definition(path))
        results.append((version.form.code, version.version, created))
    return results


def ensure_forms_loaded(directory: Path | str | None = None) -> None:
    """Load the files whose (code, version) is missing (after `flush`, or in a fresh test database).

    Cheap when everything is loaded: one query. A changed file with an unchanged version is
    caught by `load_forms`, which compares every file with what is stored.
    """
    from reporting.models import FormVersion

    loaded = set(FormVersion.objects.values_list("form__code", "version"))
    for path in definition_files(directory):
        data = read_definition(path)
        if (data["code"], data["version"]) not in loaded:
            load_definition(data)


# --- reading a loaded definition ----------------------------------------------------------------


def is_computed(form_version, column: str) -> bool:
    return any(c["key"] == column and c.get("formula") for c in form_version.columns)


def people_table(row) -> tuple[list[dict], list[dict]]:
    """(lines, fields) of a people row, in the order of the form."""
    table = (row.cells or {}).get("people") or {}
    return table.get("lines", []), table.get("fields", [])


def people_cell(row, column: str) -> tuple[dict, dict] | None:
    """(line, field) of a people cell "<line>.<field>", or None when the row has no such cell."""
    line_key, _dot, field_key = column.partition(".")
    lines, fields = people_table(row)
    line = next((item for item in lines if str(item["key"]) == line_key), None)
    spec = next((item for item in fields if item["key"] == field_key), None)
    return (line, spec) if line and spec else None


def stored_columns(form_version, row) -> list[str]:
    """The cells of a row that hold a value: not computed, not ruled out (`kind: none`).

    A section has none; a people row has one per line and typed field.
    """
    if row.kind == RowKind.SECTION:
        return []
    if row.kind == RowKind.PEOPLE:
        lines, fields = people_table(row)
        return [f"{line['key']}.{spec['key']}" for line in lines for spec in fields]
    return [
        c["key"] for c in form_version.columns
        if not c.get("formula") and row.column_spec(c["key"])["kind"] != NO_CELL
    ]


# --- computed columns ---------------------------------------------------------------------------

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def formula_names(formula: str) -> list[str]:
    """The column names a formula uses; DefinitionError when it is more than + - * / ( )."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise DefinitionError(f"cannot read the formula {formula!r}") from exc
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            continue
        elif isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            continue
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            continue
        elif isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop)):
            continue
        else:
            raise DefinitionError(f"the formula {formula!r} may use only column names, numbers and + - * / ( )")
    return names


def evaluate(formula: str, operands: dict[str, Decimal | None]) -> Decimal | None:
    """The formula over Decimals; None when an operand is empty or a division by zero occurs."""

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            value = operands.get(node.id)
            if value is None:
                raise _Undefined
            return Decimal(value)
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        left, right = walk(node.left), walk(node.right)
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise _Undefined
            return left / right
        return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}[type(node.op)]

    formula_names(formula)  # refuses anything but arithmetic
    try:
        return walk(ast.parse(formula, mode="eval"))
    except (_Undefined, DivisionByZero, InvalidOperation):
        return None


class _Undefined(Exception):
    pass


def computed_cells(form_version, values: dict, rows=None) -> dict[tuple[str, str], Decimal | None]:
    """{(row key, column): figure} of every computed column, e.g. the members' share in %.

    Computed from the stored cells of the same row (of a submission, or of a consolidation:
    the share of a total is computed from the totals, not added up), rounded to the column's
    `decimals` (default 1). None when an operand is empty or zero where it divides: "not
    computable" is not 0 %. Rows that rule the column out (`kind: none`) get no entry.
    """
    formulas = [c for c in form_version.columns if c.get("formula")]
    if not formulas:
        return {}
    result = {}
    for row in rows if rows is not None else form_version.rows.all():
        if row.kind not in NUMERIC_KINDS:
            continue
        for column in formulas:
            if row.column_spec(column["key"])["kind"] == NO_CELL:
                continue
            names = formula_names(column["formula"])
            if any(row.column_spec(name)["kind"] == NO_CELL for name in names):
                continue
            figure = evaluate(column["formula"], {name: values.get((row.key, name)) for name in names})
            if figure is not None:
                places = Decimal(1).scaleb(-int(column.get("decimals", DEFAULT_DECIMALS)))
                figure = figure.quantize(places, rounding=ROUND_HALF_UP)
            result[(row.key, column["key"])] = figure
    return result


def computed_decimals(form_version, column: str) -> int:
    """How many decimals a computed column is shown with."""
    spec = next((c for c in form_version.columns if c["key"] == column), {})
    return int(spec.get("decimals", DEFAULT_DECIMALS))
