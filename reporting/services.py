"""Writes of the reporting app: periods, assignments, and a submission's life from draft to approval.

Every transition is a conditional UPDATE on (status, version), so two reviewers acting at once
leave one valid state, one history entry and one audit history row (unionportal/audit.py);
approval and reopening move the consolidated totals of every unit above in the same transaction.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Unit
from reporting.choices import Aggregation, PeriodType, RowKind, SubmissionStatus, ValueSource
from reporting.models import (
    ConsolidatedTotal,
    Form,
    FormAssignment,
    MonthsSent,
    Period,
    ReviewComment,
    Submission,
    SubmissionTransition,
    SubmissionValue,
)
from reporting.selectors import REPORTS_CELL
from reporting.validation import Cell, CellError, Issue, check, clean_cell
from unionportal import audit


class SubmissionConflict(Exception):
    """The submission changed since the user opened it (another save, review or tab)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _(
            "Báo cáo vừa được người khác thay đổi sau khi bạn mở. Hãy tải lại trang để xem bản mới nhất; "
            "những gì bạn vừa nhập vẫn còn trên màn hình."
        ))


class SubmissionLocked(Exception):
    """The submission is not in a state that allows this action."""


@dataclass
class SaveResult:
    submission: Submission
    cell_errors: dict[Cell, str] = field(default_factory=dict)


@dataclass
class SubmitRefused(Exception):
    issues: list[Issue]


# --- periods and assignments ------------------------------------------------------------------


def period_get_or_create(*, form: Form, year: int, month: int | None = None) -> Period:
    if form.period_type == PeriodType.MONTHLY:
        starts_on = date(year, month, 1)
        ends_on = date(year, month, calendar.monthrange(year, month)[1])
    else:
        month = None
        starts_on, ends_on = date(year, 1, 1), date(year, 12, 31)
    period, _created = Period.objects.get_or_create(
        form=form, year=year, month=month,
        defaults={"starts_on": starts_on, "ends_on": ends_on, "due_date": form.due_date_for(year, month)},
    )
    return period


def periods_generate(*, year: int, forms: Iterable[Form] | None = None) -> list[Period]:
    """Every period of `year` for the active forms (idempotent)."""
    periods = []
    for form in forms if forms is not None else Form.objects.filter(is_active=True):
        if form.period_type == PeriodType.MONTHLY:
            periods += [period_get_or_create(form=form, year=year, month=m) for m in range(1, 13)]
        elif form.has_period_in(year):
            periods.append(period_get_or_create(form=form, year=year))
    return periods


def form_assign(*, form: Form, units: Iterable[Unit], valid_from: date, valid_until: date | None = None) -> int:
    """Make `units` owe `form` from `valid_from`; units already assigned then are left alone."""
    unit_ids = [u.pk for u in units]
    already = set(
        FormAssignment.objects.filter(form=form, unit_id__in=unit_ids).active_on(valid_from).values_list("unit_id", flat=True)
    )
    created = FormAssignment.objects.bulk_create(
        [FormAssignment(form=form, unit_id=uid, valid_from=valid_from, valid_until=valid_until)
         for uid in unit_ids if uid not in already],
        batch_size=2000,
    )
    return len(created)


# --- a submission's life ----------------------------------------------------------------------


@transaction.atomic
def submission_open(*, unit: Unit, period: Period, by) -> Submission:
    """The unit's submission for the period, created as a prefilled draft on first opening."""
    submission = Submission.objects.filter(unit=unit, period=period).first()
    if submission is not None:
        return submission
    version = period.form.current_version
    with audit.acting(by):
        submission, created = Submission.objects.get_or_create(
            unit=unit, period=period, defaults={"form_version": version, "updated_by": by}
        )
        if created:
            SubmissionTransition.objects.create(
                submission=submission, from_status="", to_status=SubmissionStatus.DRAFT, by=by
            )
            from reporting.prefill import prefill_values  # noqa: PLC0415 - prefill reads other apps

            for (row, column), (number, note) in prefill_values(submission).items():
                SubmissionValue.objects.create(
                    submission=submission, row=row, column=column, number=number,
                    source=ValueSource.PREFILL, source_note=note,
                )
    return submission


def values_of(submission: Submission) -> tuple[dict[Cell, Decimal | str | None], dict[Cell, str]]:
    """(values, comments) by (row key, column) of a submission."""
    values: dict[Cell, Decimal | str | None] = {}
    comments: dict[Cell, str] = {}
    for value in submission.values.select_related("row"):
        cell = (value.row.key, value.column)
        values[cell] = value.text if value.row.column_spec(value.column)["kind"] in (RowKind.TEXT, RowKind.PEOPLE) else value.number
        if value.comment:
            comments[cell] = value.comment
    return values, comments


@transaction.atomic
def submission_save(*, submission: Submission, cells: Mapping[Cell, object], comments: Mapping[Cell, str] | None = None,
                    expected_version: int, by, source: str = ValueSource.MANUAL) -> SaveResult:
    """Save typed cells of a draft or returned submission.

    Cells that cannot be read (not a number, negative, not whole) are not stored and come back
    in `cell_errors` with a Vietnamese message, so the page can show them next to the cell with
    what was typed; the other cells are saved.
    """
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.version != expected_version:
        raise SubmissionConflict()
    if not locked.is_editable:
        raise SubmissionLocked(_("Báo cáo đã gửi hoặc đã duyệt, không sửa được."))
    rows = {row.key: row for row in locked.form_version.rows.all()}
    existing = {(v.row.key, v.column): v for v in locked.values.select_related("row")}
    errors: dict[Cell, str] = {}
    comments = comments or {}
    for (row_key, column), raw in cells.items():
        row = rows.get(row_key)
        if row is None or row.is_section:
            continue
        try:
            cleaned = clean_cell(row, column, raw)
        except CellError as exc:
            errors[(row_key, column)] = str(exc)
            continue
        if (row_key, column) not in existing and cleaned in (None, "") and not (comments.get((row_key, column)) or "").strip():
            continue  # a page posts every cell: an empty cell never typed in needs no row
        value = existing.get((row_key, column)) or SubmissionValue(submission=locked, row=row, column=column)
        before = (value.number, value.text, value.comment, value.source, value.source_note)
        if isinstance(cleaned, str):
            changed = value.text != cleaned
            value.text = cleaned
        else:
            changed = value.number != cleaned or value.pk is None
            value.number = cleaned
        if changed:
            value.source, value.source_note = source, "" if source == ValueSource.MANUAL else value.source_note
        if (row_key, column) in comments:
            value.comment = comments[(row_key, column)].strip()
        # The page posts every cell on each automatic save: only a real change is written (and
        # leaves a line in the audit history).
        if value.pk is None or (value.number, value.text, value.comment, value.source, value.source_note) != before:
            value._history_user = by
            value.save()
    for cell, text in comments.items():
        if cell not in cells and cell in existing and existing[cell].comment != text.strip():
            existing[cell].comment = text.strip()
            existing[cell]._history_user = by
            existing[cell].save(update_fields=["comment"])
    _bump(locked, by)
    return SaveResult(submission=locked, cell_errors=errors)


def submission_issues(submission: Submission) -> list[Issue]:
    """What stands between this submission and being sent: errors and unexplained warnings."""
    values, comments = values_of(submission)
    previous = None
    earlier_period = submission.period.previous()
    if earlier_period is not None:
        earlier = Submission.objects.filter(unit_id=submission.unit_id, period=earlier_period).first()
        if earlier is not None:
            previous = values_of(earlier)[0]
    return check(submission.form_version, values, comments=comments, previous=previous)


@transaction.atomic
def submission_submit(*, submission: Submission, expected_version: int, by) -> Submission:
    """Send a draft or returned submission to the reviewers above; refused with its issues."""
    issues = submission_issues(submission)
    if issues:
        raise SubmitRefused(issues)
    now = timezone.now()
    first = submission.first_submitted_at or now
    _transition(
        submission, expected_version=expected_version, by=by,
        allowed_from=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED), to=SubmissionStatus.SUBMITTED,
        extra={"first_submitted_at": first, "last_submitted_at": now,
               "submitted_late": first > submission.period.deadline()},
    )
    months_sent_record(Submission.objects.filter(pk=submission.pk))
    return submission


def months_sent_record(submissions) -> None:
    """Add the months these reports were sent (and sent late) to their units' `MonthsSent` rows.

    Only adds bits (a report never goes back to draft), so it is safe to run again, and run over
    a whole period it rebuilds what the generator wrote. One INSERT … SELECT … ON CONFLICT.
    """
    table = MonthsSent._meta.db_table
    ids_sql, ids_params = submissions.order_by().values("pk").query.sql_with_params()
    bit = "(1 << (p.month - 1))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, form_id, year, sent, late) "
            f"SELECT s.unit_id, p.form_id, p.year, SUM({bit}), SUM(CASE WHEN s.submitted_late THEN {bit} ELSE 0 END) "
            f"FROM {Submission._meta.db_table} s JOIN {Period._meta.db_table} p ON p.id = s.period_id "
            f"WHERE s.id IN ({ids_sql}) AND s.first_submitted_at IS NOT NULL AND p.month IS NOT NULL "
            f"GROUP BY s.unit_id, p.form_id, p.year "
            f"ON CONFLICT (unit_id, form_id, year) DO UPDATE SET "
            f"sent = {table}.sent | excluded.sent, late = {table}.late | excluded.late",
            ids_params,
        )


@transaction.atomic
def submission_return(*, submission: Submission, expected_version: int, by, comment: str,
                      row_comments: Mapping[str, str] | None = None) -> Submission:
    """Send a submitted report back to its unit with an overall comment and comments per row."""
    _require_reviewer(submission, by)
    if not comment.strip():
        raise SubmissionLocked(_("Hãy ghi ý kiến khi trả lại báo cáo."))
    transition = _transition(
        submission, expected_version=expected_version, by=by,
        allowed_from=(SubmissionStatus.SUBMITTED,), to=SubmissionStatus.RETURNED, comment=comment,
    )
    rows = {row.key: row for row in submission.form_version.rows.all()}
    ReviewComment.objects.bulk_create(
        [ReviewComment(transition=transition, row=rows[key], text=text.strip())
         for key, text in (row_comments or {}).items() if key in rows and text.strip()]
    )
    return submission


@transaction.atomic
def submission_approve(*, submission: Submission, expected_version: int, by) -> Submission:
    """Approve a submitted report: it is locked and counts in every consolidation above it."""
    _require_reviewer(submission, by)
    _transition(
        submission, expected_version=expected_version, by=by,
        allowed_from=(SubmissionStatus.SUBMITTED,), to=SubmissionStatus.APPROVED,
        extra={"approved_at": timezone.now(), "approved_by": by},
    )
    totals_apply(submission, sign=1)
    return submission


def submissions_approve_many(*, submissions: Iterable[Submission], by) -> tuple[list[Submission], list[tuple[Submission, str]]]:
    """Approve each of `submissions`, each in its own transaction; returns (approved, refused with reason)."""
    approved, refused = [], []
    for submission in submissions:
        try:
            approved.append(submission_approve(submission=submission, expected_version=submission.version, by=by))
        except (SubmissionConflict, SubmissionLocked, PermissionDenied) as exc:
            refused.append((submission, str(exc) or _("Không duyệt được.")))
    return approved, refused


@transaction.atomic
def submission_reopen(*, submission: Submission, expected_version: int, by, reason: str) -> Submission:
    """Unlock an approved report so its unit can correct it; its figures leave the consolidation."""
    _require_reviewer(submission, by)
    if not reason.strip():
        raise SubmissionLocked(_("Hãy ghi lý do mở lại báo cáo đã duyệt."))
    _transition(
        submission, expected_version=expected_version, by=by,
        allowed_from=(SubmissionStatus.APPROVED,), to=SubmissionStatus.RETURNED, comment=reason,
        extra={"approved_at": None, "approved_by": None},
    )
    totals_apply(submission, sign=-1)
    return submission


def _require_reviewer(submission: Submission, by) -> None:
    """Only a reviewer of a unit above the submission's unit may review it."""
    if not Unit.objects.reviewable_by(by).filter(pk=submission.unit_id).exists():
        raise PermissionDenied(_("Bạn không phải người duyệt báo cáo của đơn vị này."))


def _transition(submission: Submission, *, expected_version: int, by, allowed_from, to: str,
                comment: str = "", extra: dict | None = None) -> SubmissionTransition:
    """Move the submission with one conditional UPDATE; a stale version or state changes nothing."""
    extra = extra or {}
    updated = audit.update(
        Submission.objects.filter(pk=submission.pk, version=expected_version, status__in=allowed_from), by=by,
        status=to, version=F("version") + 1, updated_by=by, updated_at=timezone.now(), **extra,
    )
    if not updated:
        current = Submission.objects.filter(pk=submission.pk).values_list("status", "version").first()
        if current and current[1] != expected_version:
            raise SubmissionConflict()
        raise SubmissionLocked(_("Báo cáo đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.") % {
            "status": SubmissionStatus(current[0]).label if current else "?"})
    from_status = submission.status
    submission.refresh_from_db()
    return SubmissionTransition.objects.create(
        submission=submission, from_status=from_status, to_status=to, by=by, comment=comment.strip()
    )


def _bump(submission: Submission, by) -> None:
    audit.update(Submission.objects.filter(pk=submission.pk), by=by,
                 version=F("version") + 1, updated_by=by, updated_at=timezone.now())
    submission.refresh_from_db(fields=["version", "updated_by", "updated_at"])


# --- consolidated totals ----------------------------------------------------------------------


def totals_apply(submission: Submission, *, sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) a submission's summed figures to every unit above it.

    One upsert per (unit above, row, column); units without units below keep no totals (their
    consolidation is their own submission).
    """
    unit = submission.unit
    holders = list(
        Unit.objects.filter(path__in=[*unit.ancestor_paths(), unit.path], numchild__gt=0).values_list("pk", flat=True)
    )
    if not holders:
        return
    cells = [
        (value.row.key, value.column, value.number)
        for value in submission.values.select_related("row")
        if value.number is not None and value.row.aggregation == Aggregation.SUM
    ]
    # One more cell counts the approved reports a total holds ("included units" read in O(1)).
    cells.append((*REPORTS_CELL, 1))
    table = ConsolidatedTotal._meta.db_table
    sql = (
        f"INSERT INTO {table} (unit_id, period_id, row_key, {connection.ops.quote_name('column')}, total, contributors) "
        f"VALUES (%s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (unit_id, period_id, row_key, {connection.ops.quote_name('column')}) DO UPDATE SET "
        f"total = {table}.total + excluded.total, contributors = {table}.contributors + excluded.contributors"
    )
    params = [
        (holder, submission.period_id, row_key, column, sign * number, sign)
        for holder in holders for row_key, column, number in cells
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
