"""Form definitions: the YAML files in `reporting/forms/` and their loading into the database.

A file describes one version of one form (code, version, title block, period type, due rule,
reminder days, value columns, ordered rows, cross-row rules). Adding a form is adding a file;
changing a form is adding a file with a higher `version` (the loaded version is never changed
in place, so submissions on it stay readable).
"""

from __future__ import annotations

import hashlib
import json
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
RULE_OPERATORS = {"<=", "<", ">=", ">", "==", "!="}


class DefinitionError(ValueError):
    """A form file that cannot be loaded; the message names the file and the place."""


def definition_files() -> list[Path]:
    return sorted(FORMS_DIR.glob("*.yaml"))


def read_definition(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    validate_definition(data, source=path.name)
    return data


def validate_definition(data: dict, *, source: str) -> None:
    """Refuse a file whose rows, parents, kinds or rules do not hold together."""

    def fail(message: str):
        raise DefinitionError(f"{source}: {message}")

    for field in ("code", "version", "title", "period_type", "rows"):
        if field not in data:
            fail(f"missing '{field}'")
    if data["period_type"] not in PeriodType.values:
        fail(f"unknown period_type {data['period_type']!r}")
    due = data.get("due", {})
    if data["period_type"] == PeriodType.MONTHLY and "day" not in due:
        fail("a monthly form needs due.day")
    if data["period_type"] == PeriodType.YEARLY and not {"day", "month"} <= set(due):
        fail("a yearly form needs due.day and due.month")
    if data["period_type"] == PeriodType.ONE_OFF and "date" not in due:
        fail("a one-off form needs due.date")
    columns = {c["key"] for c in data.get("columns") or [{"key": "value"}]}
    keys: set[str] = set()
    for position, row in enumerate(data["rows"], start=1):
        key = row.get("key")
        if not key:
            fail(f"row {position} has no key")
        if key in keys:
            fail(f"row key {key!r} is used twice")
        if row.get("kind") not in RowKind.values:
            fail(f"row {key!r} has an unknown kind {row.get('kind')!r}")
        parent = row.get("parent")
        if parent and parent not in keys:
            fail(f"row {key!r} names parent {parent!r}, which is not an earlier row")
        for column in row.get("cells", {}):
            if column not in columns:
                fail(f"row {key!r} describes an unknown column {column!r}")
        keys.add(key)
    for position, rule in enumerate(data.get("rules", []), start=1):
        if rule.get("op") not in RULE_OPERATORS:
            fail(f"rule {position} has an unknown operator {rule.get('op')!r}")
        if rule.get("severity") not in ("error", "warning"):
            fail(f"rule {position} needs severity error or warning")
        for side in ("left", "right"):
            for term in terms_of(str(rule.get(side, ""))):
                name = term.split(".")[0]
                if not _is_number(term) and name not in keys:
                    fail(f"rule {position} names an unknown row {name!r}")


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
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def load_definition(data: dict):
    """Create the form, its version and rows; return (form_version, created). Idempotent."""
    from reporting.models import Form, FormRow, FormVersion

    due = data.get("due", {})
    form, _ = Form.objects.get_or_create(
        code=data["code"],
        defaults={
            "title": data["title"],
            "period_type": data["period_type"],
            "due_day": due.get("day"),
            "due_month": due.get("month"),
            "one_off_due_date": due.get("date"),
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
    FormVersion.objects.filter(form=form).update(is_current=False)
    version = FormVersion.objects.create(
        form=form, version=data["version"], definition=data, checksum=digest, is_current=True
    )
    if data["title"] != form.title:
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
            cells=spec.get("cells", {}),
            prefill=spec.get("prefill", ""),
        )
        by_key[row.key] = row
    return version, True


def load_all() -> list[tuple[str, int, bool]]:
    """Load every file in `reporting/forms/`; returns (code, version, created) per file."""
    results = []
    for path in definition_files():
        version, created = load_definition(read_definition(path))
        results.append((version.form.code, version.version, created))
    return results


def ensure_forms_loaded() -> None:
    """Load the shipped forms if they are missing (after `flush`, or in a fresh test database)."""
    from reporting.models import FormVersion

    if FormVersion.objects.count() < len(definition_files()):
        load_all()
