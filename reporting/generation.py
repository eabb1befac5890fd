"""Volume data for measurements (`make bench`) and tests: one period of a form reported by most
units of the tree, written with a few INSERT … SELECT statements instead of 4 million objects.

`generate_period_reports(period=...)`:
1. every unit of the tree owes the form (one FormAssignment per unit not yet assigned);
2. `share` of the units (chosen by a hash of their id, so the same units on every run) get a
   submission: most approved, some waiting, returned or in draft, one in ten first sent late;
3. each submission gets a value for every summed row and for some text rows (PL02: 17 numbers
   and 0–4 texts, so 17–21 values; a form with more rows gets more), figures derived from a
   hash of (submission, row) so that reruns and both databases give the same numbers;
4. the consolidated totals of the period are rewritten from scratch (`verify_totals --fix`'s
   statement): approving in bulk without going through 100,000 transactions.
The statements are plain SQL that SQLite and PostgreSQL both run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock

from django.db import connection, transaction
from django.utils import timezone

from organizations.models import Unit
from reporting.choices import Aggregation, RowKind, SubmissionStatus, ValueSource
from reporting.models import (
    ConsolidatedTotal,
    FormAssignment,
    FormRow,
    FormVersion,
    Period,
    Submission,
    SubmissionValue,
)
from reporting.services import months_sent_record
from unionportal import audit

# Of the units with a submission (by a hash of the submission id, in percent).
STATUS_SHARES = (
    (SubmissionStatus.APPROVED, 90),
    (SubmissionStatus.SUBMITTED, 5),
    (SubmissionStatus.RETURNED, 3),
    (SubmissionStatus.DRAFT, 2),
)


@dataclass
class GenerationResult:
    units: int = 0
    assignments: int = 0
    submissions: int = 0
    values: int = 0
    totals: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


# One multiplier per salt: hashes with different salts must not be shifted copies of each other
# (x*K + 1 and x*K + 2 pick almost the same units below a threshold).
_MULTIPLIERS = (2654435761, 2246822519, 3266489917, 668265263, 374761393, 1181783497, 3323801793, 2860486313)


def _hash(expression: str, salt: int) -> str:
    """A deterministic pseudo-random 0..99 of an integer expression, the same in SQLite and PostgreSQL."""
    multiplier = _MULTIPLIERS[salt % len(_MULTIPLIERS)]
    return f"((({expression}) * {multiplier} + {salt}) %% 1000003 %% 100)"  # %% : the SQL has parameters


def generate_period_reports(*, period: Period, share: float = 0.9, text_share: float = 0.5,
                            by=None, seed: int = 7) -> GenerationResult:
    """Fill `period` with reports from `share` of the units (see the module docstring).

    Refuses a period that already has submissions (it is for fresh databases).
    """
    if Submission.objects.filter(period=period).exists():
        raise ValueError(f"{period} already has submissions")
    version = FormVersion.objects.get(form_id=period.form_id, is_current=True)
    result = GenerationResult(units=Unit.objects.count())
    quote = connection.ops.quote_name
    deadline = period.deadline()
    on_time = timezone.make_aware(datetime.combine(period.due_date - timedelta(days=3), clock(9)))
    late = deadline + timedelta(days=2)
    now = timezone.now()

    # Generated volume data for measurements and tests, not anybody's change: no audit history.
    with transaction.atomic(), audit.unaudited("generate_period_reports: generated reports for measurements"):
        started = time.perf_counter()
        before = FormAssignment.objects.count()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FormAssignment._meta.db_table} (unit_id, form_id, valid_from, valid_until) "
                f"SELECT u.id, %s, %s, NULL FROM {Unit._meta.db_table} u WHERE NOT EXISTS ("
                f"SELECT 1 FROM {FormAssignment._meta.db_table} a WHERE a.unit_id = u.id AND a.form_id = %s)",
                [period.form_id, period.starts_on.replace(month=1, day=1), period.form_id],
            )
        result.assignments = FormAssignment.objects.count() - before
        result.seconds["assignments"] = time.perf_counter() - started

        started = time.perf_counter()
        status_case = "CASE"
        threshold = 0
        for status, percent in STATUS_SHARES:
            threshold += percent
            status_case += f" WHEN {_hash('u.id', seed + 1)} < {threshold} THEN '{status}'"
        status_case += f" ELSE '{SubmissionStatus.DRAFT}' END"
        sent = f"({status_case}) <> '{SubmissionStatus.DRAFT}'"
        is_late = f"{_hash('u.id', seed + 2)} < 10"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Submission._meta.db_table}
                    (unit_id, period_id, form_version_id, status, version, first_submitted_at, last_submitted_at,
                     submitted_late, approved_at, approved_by_id, created_at, updated_at, updated_by_id)
                SELECT u.id, %s, %s, {status_case}, 3,
                       CASE WHEN {sent} THEN (CASE WHEN {is_late} THEN %s ELSE %s END) END,
                       CASE WHEN {sent} THEN (CASE WHEN {is_late} THEN %s ELSE %s END) END,
                       CASE WHEN {sent} AND {is_late} THEN %s ELSE %s END,
                       CASE WHEN ({status_case}) = '{SubmissionStatus.APPROVED}' THEN %s END,
                       %s, %s, %s, %s
                FROM {Unit._meta.db_table} u
                WHERE {_hash('u.id', seed)} < %s
                """,
                [period.pk, version.pk, late, on_time, late, on_time, True, False, now,
                 getattr(by, "pk", None), now, now, getattr(by, "pk", None), round(share * 100)],
            )
        months_sent_record(Submission.objects.filter(period=period))
        result.submissions = Submission.objects.filter(period=period).count()
        result.seconds["submissions"] = time.perf_counter() - started

        started = time.perf_counter()
        summed = list(
            FormRow.objects.filter(form_version=version, aggregation=Aggregation.SUM).values_list("pk", flat=True)
        )
        texts = list(
            FormRow.objects.filter(form_version=version, kind=RowKind.TEXT).values_list("pk", flat=True)
        )
        value_table = SubmissionValue._meta.db_table
        column = quote("column")
        # Counts up to ~100, money with decimals; zero sometimes, as in real reports.
        number = f"(({_hash('s.id * 31 + r.id', seed + 3)} * {_hash('s.id + r.id * 7', seed + 4)}) %% 120)"
        with connection.cursor() as cursor:
            if summed:
                cursor.execute(
                    f"""
                    INSERT INTO {value_table} (submission_id, row_id, {column}, number, text, source, source_note, comment)
                    SELECT s.id, r.id, 'value',
                           CASE WHEN r.kind = '{RowKind.MONEY}' THEN {number} * 1.5 ELSE {number} END,
                           '', %s, '', ''
                    FROM {Submission._meta.db_table} s
                    JOIN {FormRow._meta.db_table} r ON r.id IN ({", ".join(["%s"] * len(summed))})
                    WHERE s.period_id = %s
                    """,
                    [ValueSource.MANUAL, *summed, period.pk],
                )
            if texts:
                cursor.execute(
                    f"""
                    INSERT INTO {value_table} (submission_id, row_id, {column}, number, text, source, source_note, comment)
                    SELECT s.id, r.id, 'value', NULL, %s, %s, '', ''
                    FROM {Submission._meta.db_table} s
                    JOIN {FormRow._meta.db_table} r ON r.id IN ({", ".join(["%s"] * len(texts))})
                    WHERE s.period_id = %s AND {_hash('s.id * 13 + r.id', seed + 5)} < %s
                    """,
                    ["Tổ chức tốt các hoạt động chăm lo cho đoàn viên trong tháng.", ValueSource.MANUAL, *texts,
                     period.pk, round(text_share * 100)],
                )
        result.values = SubmissionValue.objects.filter(submission__period=period).count()
        result.seconds["values"] = time.perf_counter() - started

        if connection.vendor == "postgresql":
            # Fresh statistics before the aggregation: without them the planner picks nested
            # loops over 2 million rows (35 s instead of 2 s).
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for model in (Unit, FormRow, FormAssignment, Submission, SubmissionValue):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
            result.seconds["analyze"] = time.perf_counter() - started

        started = time.perf_counter()
        from reporting.management.commands.verify_totals import totals_rewrite

        result.totals = totals_rewrite([period.pk])
        result.seconds["totals"] = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ConsolidatedTotal._meta.db_table}")
    return result
