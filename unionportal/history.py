"""Reading the audit history (unionportal/audit.py) as people read it: one line per changed field,
with who, when, the value before and the value after.

The history keeps whole versions of an object; a line is the difference between one version and
the one before it (of the same object). Shown on the review page of a submission, on the page of
an agreement, and in the admin (django-simple-history's "Lịch sử" of each object).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The newest lines shown on a page (the admin shows every version).
LIMIT = 300

ACTIONS = {"+": gettext_lazy("Tạo mới"), "~": gettext_lazy("Sửa"), "-": gettext_lazy("Xóa")}


@dataclass
class Change:
    at: datetime
    user: object | None
    action: str
    subject: str
    before: str
    after: str
    reason: str = ""
    order: tuple = ()  # (when, version id): versions written in the same instant keep their order

    @property
    def user_name(self) -> str:
        if self.user is None:
            return _("Hệ thống")
        return self.user.get_full_name() or self.user.get_username()


def display(value, field: models.Field | None = None, related: dict | None = None) -> str:
    """A stored value as the pages show it (Vietnamese formats, choice labels, names of related rows)."""
    if value is None or value == "":
        return ""
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation:
        obj = (related or {}).get(value)
        return str(obj) if obj is not None else f"#{value}"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return formats.number_format(Decimal(text), use_l10n=True)
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "d/m/Y")
    return str(value)


def _related_objects(records: list, model: type[models.Model], fields: list[str]) -> dict[str, dict]:
    """{field name: {pk: object}} for the foreign keys among `fields`, one query per field."""
    related: dict[str, dict] = {}
    for name in fields:
        field = model._meta.get_field(name)
        if not field.is_relation:
            continue
        ids = {getattr(r, field.attname) for r in records} - {None}
        related[name] = field.related_model._default_manager.in_bulk(ids) if ids else {}
    return related


def changes_of(records, model: type[models.Model], fields: list[str], *, subject=None,
               extra=None) -> list[Change]:
    """The lines of `records` (historical rows of `model`, any number of objects), oldest first.

    `subject(record, field)` names what changed (default: the field's label); `extra(record,
    previous)` may add lines of its own (e.g. a many-to-many set).
    """
    records = list(records)
    related = _related_objects(records, model, fields)
    previous_of: dict[int, object] = {}
    lines: list[Change] = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = previous_of.get(record.id)
        previous_of[record.id] = record
        action = str(ACTIONS.get(record.history_type, record.history_type))
        for name in fields:
            field = model._meta.get_field(name)
            after = display(getattr(record, field.attname), field, related.get(name))
            before = display(getattr(previous, field.attname), field, related.get(name)) if previous else ""
            if record.history_type == "-":
                before, after = after, ""
            if before == after:
                continue
            label = subject(record, field) if subject else str(field.verbose_name).capitalize()
            lines.append(Change(record.history_date, record.history_user, action, label, before, after,
                                record.history_change_reason or "", (record.history_date, record.history_id)))
        if extra is not None:
            lines.extend(extra(record, previous, action))
    return lines


def newest_first(lines: list[Change], limit: int = LIMIT) -> list[Change]:
    return sorted(lines, key=lambda c: c.order or (c.at, 0), reverse=True)[:limit]


# --- the audited objects ----------------------------------------------------------------------

SUBMISSION_FIELDS = ["status", "form_version", "approved_by"]
VALUE_FIELDS = ["number", "text", "comment"]
AGREEMENT_FIELDS = [
    "number", "title", "unit", "partner", "signed_on", "valid_from", "valid_until", "scope", "support_amount",
    "support_plan", "is_draft", "terminated_on", "termination_reason",
]


def submission_changes(submission) -> list[Change]:
    """Every change of the submission's state and of each of its cells, newest first."""
    from reporting.models import FormRow, Submission, SubmissionValue

    lines = changes_of(
        Submission.history.filter(id=submission.pk).select_related("history_user"), Submission, SUBMISSION_FIELDS
    )
    values = list(SubmissionValue.history.filter(submission_id=submission.pk).select_related("history_user"))
    rows = FormRow.objects.in_bulk({v.row_id for v in values})
    columns = {c["key"]: c["label"] for c in submission.form_version.columns}
    many_columns = len(columns) > 1

    def cell(record, field) -> str:
        row = rows.get(record.row_id)
        label = f"{row.number} {row.label}".strip() if row else f"#{record.row_id}"
        if len(label) > 90:
            label = label[:89] + "…"
        if many_columns and record.column in columns:
            label = f"{label} — {columns[record.column]}"
        if field.name == "comment":
            label = _("%(cell)s (giải trình)") % {"cell": label}
        return label

    lines += changes_of(values, SubmissionValue, VALUE_FIELDS, subject=cell)
    return newest_first(lines)


def agreement_changes(agreement) -> list[Change]:
    """Every change of the agreement, its provinces included, newest first."""
    from agreements.models import Agreement
    from organizations.models import Province

    records = list(Agreement.history.filter(id=agreement.pk).select_related("history_user"))
    names = dict(Province.objects.values_list("code", "name"))
    # The provinces each version had (simple-history keeps them in a table of their own).
    listed: dict[int, set[int]] = {r.history_id: set() for r in records}
    through = Agreement.history.model._meta.get_field("historicalagreement_provinces").related_model
    for history_id, code in through.objects.filter(history__in=list(listed)).values_list("history_id", "province_id"):
        listed[history_id].add(code)

    def provinces(record, previous, action) -> list[Change]:
        now = listed[record.history_id]
        before = listed[previous.history_id] if previous else set()
        if now == before or record.history_type == "-":
            return []
        label = str(Agreement._meta.get_field("provinces").verbose_name).capitalize()
        return [Change(record.history_date, record.history_user, action, label,
                       ", ".join(sorted(names.get(c, str(c)) for c in before)),
                       ", ".join(sorted(names.get(c, str(c)) for c in now)), record.history_change_reason or "",
                       (record.history_date, record.history_id))]

    return newest_first(changes_of(records, Agreement, AGREEMENT_FIELDS, extra=provinces))

