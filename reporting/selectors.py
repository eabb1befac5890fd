"""Reads of reporting that span units: the consolidated report of a unit and the compliance list
(Phụ lục 04) of the units under it.

Every figure is summed by the database. A consolidation reads the unit's precomputed
`ConsolidatedTotal` rows (kept up to date by `services.totals_apply` in the same transaction as
each approval and reopening) and adds the unit's own submission while it is not approved yet:
a unit's own activity always counts in its own consolidation, the units below only once their
report is approved. A unit without units below keeps no totals: its consolidation is its own
submission.

Query counts do not depend on the number of units: a consolidation is 5 queries (6 with the
count of pending units, done on first use), a breakdown 1, a compliance page 2 (counts, then one
page of rows).
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from organizations.models import Unit
from reporting.choices import Aggregation, ComplianceStatus, RowKind, SubmissionStatus
from reporting.definitions import NO_CELL, computed_cells
from reporting.models import (
    ConsolidatedTotal,
    FormAssignment,
    FormRow,
    FormVersion,
    Period,
    Submission,
    SubmissionValue,
)
from unionportal.numbers import format_number

Cell = tuple[str, str]  # (row key, column)
TEXT_KINDS = (RowKind.TEXT, RowKind.PEOPLE)
# A ConsolidatedTotal cell that is no form row: how many approved reports a unit's totals hold
# (its own and those below), moved by `services.totals_apply` with the figures, so that "how many
# units below are included" is read with the figures instead of counted over the subtree.
REPORTS_CELL: Cell = ("__reports__", "value")


# --- consolidation -----------------------------------------------------------------------------


@dataclass
class Figure:
    """One cell of a consolidated row: the number (None = nobody reported it) and how to show it."""

    column: str
    number: Decimal | None
    drillable: bool = False
    computed: bool = False  # a formula column (AGIANG's members' share in %), worked out from the totals
    ruled_out: bool = False  # a cell this row does not have on paper

    @property
    def display(self) -> str:
        return format_number(self.number)


@dataclass
class GatheredText:
    """A text row's answer from one unit (text rows are gathered per unit, not added up)."""

    unit_code: str
    unit_name: str
    text: str
    is_own: bool = False


@dataclass
class ConsolidatedRow:
    row: FormRow
    figures: list[Figure] = field(default_factory=list)
    texts: list[GatheredText] = field(default_factory=list)

    # What a template needs of the form row, without reaching into it.
    @property
    def key(self) -> str:
        return self.row.key

    @property
    def number(self) -> str:
        return self.row.number

    @property
    def label(self) -> str:
        return self.row.label

    @property
    def unit(self) -> str:
        return self.row.unit

    @property
    def bold(self) -> bool:
        return self.row.bold

    @property
    def indent(self) -> int:
        return self.row.indent

    @property
    def is_section(self) -> bool:
        return self.row.is_section

    @property
    def is_text(self) -> bool:
        return self.row.aggregation == Aggregation.TEXT or self.row.kind in TEXT_KINDS

    def figure(self, column: str = "value") -> Figure | None:
        return next((f for f in self.figures if f.column == column), None)


@dataclass
class Consolidation:
    """A unit's consolidated report for one period, in the layout of its form.

    `included_units`: units below whose approved report is counted. `pending_count` and
    `pending_units` (a lazy queryset in tree order; show a slice): units below that owe the
    form for the period (an assignment in force on the due date) and are not approved yet.
    Counting them is an anti-join over the whole subtree (the slowest read of a consolidation),
    so `pending_count` is computed on first use and a page may load it after the figures.
    """

    unit: Unit
    period: Period
    form_version: FormVersion
    own_submission: Submission | None
    rows: list[ConsolidatedRow]
    columns: list[dict]
    has_units_below: bool
    included_units: int
    pending_units: QuerySet
    _pending_count: int | None = field(default=None, repr=False)

    @property
    def pending_count(self) -> int:
        if self._pending_count is None:
            self._pending_count = self.pending_units.count() if self.has_units_below else 0
        return self._pending_count

    @property
    def own_counts(self) -> bool:
        """The unit's own report is in the figures (always, whatever its state)."""
        return self.own_submission is not None

    @property
    def own_is_approved(self) -> bool:
        return self.own_submission is not None and self.own_submission.status == SubmissionStatus.APPROVED


def form_version_for(*, unit: Unit, period: Period, own: Submission | None = None) -> FormVersion | None:
    """The layout a consolidation is shown in: the unit's own submission's version, else the current one.

    Totals are kept by row key, so reports on another version of the form add up wherever the
    keys match.
    """
    if own is not None:
        return own.form_version
    return FormVersion.objects.filter(form_id=period.form_id, is_current=True).first()


def consolidation(*, unit: Unit, period: Period, with_texts: bool = True) -> Consolidation:
    """The consolidated report of `unit` for `period` (5 queries whatever the size of the tree;
    4 without gathering the texts of the units below, which a single figure does not need)."""
    own = (
        Submission.objects.filter(unit=unit, period=period).select_related("form_version").order_by().first()
    )
    form_version = form_version_for(unit=unit, period=period, own=own)
    rows = list(form_version.rows.all()) if form_version else []
    columns = form_version.columns if form_version else []
    has_below = unit.numchild > 0

    # Own values: numbers counted when the own report is not approved (or the unit keeps no
    # totals), texts always shown first among the gathered texts.
    own_numbers: dict[Cell, Decimal] = {}
    own_texts: dict[Cell, str] = {}
    if own is not None:
        for key, column, number, text, aggregation in SubmissionValue.objects.filter(submission=own).values_list(
            "row__key", "column", "number", "text", "row__aggregation"
        ):
            if text:
                own_texts[(key, column)] = text
            if number is not None and (aggregation == Aggregation.SUM or not has_below):
                own_numbers[(key, column)] = number

    totals: dict[Cell, Decimal] = {}
    included = 0
    if has_below:
        for key, column, total in ConsolidatedTotal.objects.filter(
            unit=unit, period=period, contributors__gt=0
        ).values_list("row_key", "column", "total"):
            totals[(key, column)] = total
        reports = int(totals.pop(REPORTS_CELL, 0))
        included = reports - (1 if own is not None and own.status == SubmissionStatus.APPROVED else 0)
        if own is None or own.status != SubmissionStatus.APPROVED:
            for cell, number in own_numbers.items():
                totals[cell] = totals.get(cell, Decimal(0)) + number
    else:
        totals = dict(own_numbers)

    text_keys = [r.key for r in rows if r.aggregation == Aggregation.TEXT]
    gathered = _texts_from_units_below(unit, period, text_keys) if has_below and with_texts else {}
    # The share of a total is computed from the totals, never added up.
    computed = computed_cells(form_version, totals, rows=rows) if form_version else {}

    consolidated_rows = []
    for row in rows:
        item = ConsolidatedRow(row=row)
        if row.is_section:
            pass
        elif row.aggregation == Aggregation.TEXT or row.kind in TEXT_KINDS:
            for column in (c["key"] for c in columns):
                if (row.key, column) in own_texts:
                    item.texts.append(GatheredText(unit.code, unit.name, own_texts[(row.key, column)], is_own=True))
            item.texts += gathered.get(row.key, [])
        else:
            summed = row.aggregation == Aggregation.SUM
            for spec in columns:
                column = spec["key"]
                if row.column_spec(column)["kind"] == NO_CELL:
                    item.figures.append(Figure(column, None, ruled_out=True))
                elif spec.get("formula"):
                    item.figures.append(Figure(column, computed.get((row.key, column)), computed=True))
                elif not summed and has_below:
                    item.figures.append(Figure(column, None))  # not an added-up row: not consolidated
                else:
                    item.figures.append(Figure(column, totals.get((row.key, column)), drillable=summed and has_below))
        consolidated_rows.append(item)

    return Consolidation(
        unit=unit, period=period, form_version=form_version, own_submission=own, rows=consolidated_rows,
        columns=columns, has_units_below=has_below, included_units=included,
        pending_units=pending_units(unit=unit, period=period) if has_below else Unit.objects.none(),
    )


def _texts_from_units_below(unit: Unit, period: Period, text_keys: list[str]) -> dict[str, list[GatheredText]]:
    """The texts of the approved reports of the units DIRECTLY below `unit`, one query.

    Direct children only, by choice: a province gathers what its districts and its own
    grassroots unions wrote, TLĐ what the provinces and sector unions wrote (each of which
    gathered its own children's texts into its report); the whole subtree would be 100,000
    paragraphs at the top. Each child's own consolidation shows the level below.
    """
    if not text_keys:
        return {}
    gathered: dict[str, list[GatheredText]] = defaultdict(list)
    values = (
        SubmissionValue.objects.filter(
            submission__period=period, submission__status=SubmissionStatus.APPROVED,
            submission__unit__path__startswith=unit.path, submission__unit__depth=unit.depth + 1,
            row__key__in=text_keys,
        )
        .exclude(text="")
        .order_by("submission__unit__path", "column")
        .values_list("row__key", "submission__unit__code", "submission__unit__name", "text")
    )
    for key, code, name, text in values:
        gathered[key].append(GatheredText(code, name, text))
    return gathered


def _assigned(period: Period) -> Exists:
    return Exists(FormAssignment.objects.for_period(period).filter(unit=OuterRef("pk")))


def pending_units(*, unit: Unit, period: Period) -> QuerySet:
    """Units below `unit` that owe the form for `period` and whose report is not approved yet.

    One anti-join (an assignment in force on the due date, and no approved submission), in tree
    order; each unit is annotated with `submission_status` (None when nothing was opened).
    """
    approved = Submission.objects.filter(unit=OuterRef("pk"), period=period, status=SubmissionStatus.APPROVED)
    return (
        Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth)
        .filter(_assigned(period))
        .filter(~Exists(approved))
        .annotate(submission_status=Subquery(Submission.objects.filter(unit=OuterRef("pk"), period=period).values("status")[:1]))
        .order_by("path")
    )


def consolidation_breakdown(*, unit: Unit, period: Period, row_key: str, column: str = "value") -> QuerySet:
    """Where one consolidated figure comes from, in one query: `unit` itself and each unit directly
    below it, annotated with `contribution` (None = nothing counted), `reports` (how many approved
    reports it brings) and `submission_status` (its own report's state, None when none).

    The unit's own line is its own report in whatever state (it always counts in its own
    consolidation); a child brings its consolidated total (approved reports of its subtree) or,
    for a unit without units below, its own approved report. The lines add up to the figure.
    """
    own_value = SubmissionValue.objects.filter(
        submission__unit=OuterRef("pk"), submission__period=period, row__key=row_key, column=column
    ).values("number")[:1]
    approved_value = SubmissionValue.objects.filter(
        submission__unit=OuterRef("pk"), submission__period=period, submission__status=SubmissionStatus.APPROVED,
        row__key=row_key, column=column,
    ).values("number")[:1]
    subtree_total = ConsolidatedTotal.objects.filter(
        unit=OuterRef("pk"), period=period, row_key=row_key, column=column, contributors__gt=0
    )
    return (
        Unit.objects.filter(Q(pk=unit.pk) | Q(path__startswith=unit.path, depth=unit.depth + 1))
        .annotate(
            contribution=Case(
                When(pk=unit.pk, then=Subquery(own_value)),
                When(numchild__gt=0, then=Subquery(subtree_total.values("total")[:1])),
                default=Subquery(approved_value),
            ),
            reports=Case(
                When(pk=unit.pk, then=Value(None)),
                When(numchild__gt=0, then=Subquery(subtree_total.values("contributors")[:1])),
                default=Case(When(Exists(approved_value), then=Value(1)), default=Value(0)),
            ),
            submission_status=Subquery(
                Submission.objects.filter(unit=OuterRef("pk"), period=period).values("status")[:1]
            ),
        )
        .order_by("depth", "path")
    )


# --- compliance (Phụ lục 04) -------------------------------------------------------------------


def compliance_status_expression(prefix: str = "sub") -> Case:
    """The ComplianceStatus of a unit from its (left-joined) submission for the period.

    - approved: the report is approved (whenever it was first sent);
    - returned: sent, then returned for correction and not sent again yet;
    - late / on time: sent and waiting for review, first sent after / by the end of the due date
      (`submitted_late`, decided once at the first submission: a resubmission does not change it);
    - draft: a report was opened (a prefilled draft exists) but never sent;
    - missing: no report at all.
    Draft and missing are both "not sent" (chưa gửi) in the rates.
    """
    status = f"{prefix}__status"
    return Case(
        When(**{status: SubmissionStatus.APPROVED}, then=Value(ComplianceStatus.APPROVED)),
        When(**{status: SubmissionStatus.RETURNED}, then=Value(ComplianceStatus.RETURNED)),
        When(**{status: SubmissionStatus.SUBMITTED, f"{prefix}__submitted_late": True}, then=Value(ComplianceStatus.LATE)),
        When(**{status: SubmissionStatus.SUBMITTED}, then=Value(ComplianceStatus.ON_TIME)),
        When(**{status: SubmissionStatus.DRAFT}, then=Value(ComplianceStatus.DRAFT)),
        default=Value(ComplianceStatus.MISSING),
        output_field=CharField(),
    )


def _expected_units(*, unit: Unit, period: Period, kind=None, province=None) -> QuerySet:
    """Units strictly below `unit` that owe the form for `period`, with their submission left-joined."""
    units = Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth).filter(_assigned(period))
    if kind is not None:
        units = units.filter(kind_id=getattr(kind, "pk", kind))
    if province is not None:
        units = units.filter(province_id=getattr(province, "pk", province))
    return units.annotate(
        sub=FilteredRelation("submissions", condition=Q(submissions__period=period))
    ).annotate(compliance_status=compliance_status_expression("sub"))


def compliance(*, unit: Unit, period: Period, kind=None, province=None, status: str | None = None) -> QuerySet:
    """Phụ lục 04: each unit strictly below `unit` that owes the form for `period`, in tree order,
    annotated with `compliance_status` and its report's times.

    One statement: the units of the subtree (a range on the indexed path), a semi-join on the
    assignments in force on the due date, a LEFT JOIN on the submissions of this period.
    `kind` and `province` are a UnitKind / Province or their primary key; `status` a
    ComplianceStatus value.
    """
    units = _expected_units(unit=unit, period=period, kind=kind, province=province)
    if status:
        units = units.filter(compliance_status=status)
    return units.select_related("kind", "province").annotate(
        submission_id=F("sub__id"),
        first_submitted_at=F("sub__first_submitted_at"),
        last_submitted_at=F("sub__last_submitted_at"),
        submitted_late=F("sub__submitted_late"),
        approved_at=F("sub__approved_at"),
    ).order_by("path")


@dataclass
class ComplianceCounts:
    """Counts and rates (in %, one decimal) of a compliance list."""

    expected: int
    by_status: dict[str, int]
    sent: int  # sent at least once (on time or late), whatever the state now
    sent_on_time: int
    sent_late: int

    def rate(self, count: int) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(count) * 100 / self.expected).quantize(Decimal("0.1"))

    @property
    def not_sent(self) -> int:
        return self.by_status[ComplianceStatus.MISSING] + self.by_status[ComplianceStatus.DRAFT]

    @property
    def sent_rate(self) -> Decimal | None:
        return self.rate(self.sent)

    @property
    def on_time_rate(self) -> Decimal | None:
        return self.rate(self.sent_on_time)

    @property
    def approved_rate(self) -> Decimal | None:
        return self.rate(self.by_status[ComplianceStatus.APPROVED])

    def rows(self) -> list[dict]:
        """(status, label, count, rate %) in the order of ComplianceStatus, for pages and exports."""
        return [
            {"status": s.value, "label": s.label, "count": self.by_status[s.value], "rate": self.rate(self.by_status[s.value])}
            for s in ComplianceStatus
        ]


@contextmanager
def serial_plan():
    """Plan the statements inside without parallel workers (PostgreSQL; nothing elsewhere).

    Measured on the national tree: the compliance counts take ~115 ms planned serially and
    ~150 ms with two workers, each of which builds its own hash of the 130,000 assignments.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")


def compliance_counts(*, unit: Unit, period: Period, kind=None, province=None) -> ComplianceCounts:
    """Counts per ComplianceStatus of `compliance(...)` (without a status filter), one query.

    Grouped by the submission's (status, submitted_late), at most 9 groups, which the statuses
    are derived from here: cheaper than evaluating the status expression in a filter per count.
    """
    query = (
        _expected_units(unit=unit, period=period, kind=kind, province=province)
        .order_by()
        .values_list("sub__status", "sub__submitted_late")
        .annotate(n=Count("pk"))
    )
    with serial_plan():
        groups = list(query)
    by_status = dict.fromkeys(ComplianceStatus.values, 0)
    sent = sent_late = 0
    for status, late, n in groups:
        compliance_status = {
            SubmissionStatus.APPROVED: ComplianceStatus.APPROVED,
            SubmissionStatus.RETURNED: ComplianceStatus.RETURNED,
            SubmissionStatus.SUBMITTED: ComplianceStatus.LATE if late else ComplianceStatus.ON_TIME,
            SubmissionStatus.DRAFT: ComplianceStatus.DRAFT,
        }.get(status, ComplianceStatus.MISSING)
        by_status[compliance_status] += n
        if status in (SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED, SubmissionStatus.APPROVED):
            # Sent at least once: a submission never goes back to draft after its first sending.
            sent += n
            sent_late += n if late else 0
    return ComplianceCounts(
        expected=sum(by_status.values()), by_status=by_status, sent=sent, sent_on_time=sent - sent_late,
        sent_late=sent_late,
    )


# --- totals from scratch (verify_totals, the bench baseline) -----------------------------------


@dataclass(frozen=True)
class TotalDifference:
    unit_id: int
    period_id: int
    row_key: str
    column: str
    stored: tuple[Decimal, int] | None  # (total, contributors)
    computed: tuple[Decimal, int] | None


def totals_recomputed_sql(period_ids: list[int] | None = None) -> tuple[str, list]:
    """One SELECT giving (unit_id, period_id, row_key, column, total, contributors) for every unit
    with units below, from the approved submissions alone (what ConsolidatedTotal must hold).

    Three steps in one statement:
    1. each approved submission gets its nearest holder of totals: its own unit when that unit
       has units below, else its parent (117,000 submissions joined to 130,000 units by path);
    2. the value rows (~2–5 million at national scale) are summed per (holder, period, row,
       column) on integer keys, which leaves ~20,000 groups;
    3. each holder's sums, and its count of approved reports (REPORTS_CELL), go to the holder and
       every ancestor, found by the prefixes of the holder's path at each depth (an equality on
       the unique path, no LIKE per pair).
    Holders and their ancestors all have units below (`numchild > 0`, ~750 of 130,000 units):
    saying so lets the planner join those few units only.
    """
    quote = connection.ops.quote_name
    step = Unit.steplen
    max_depth = Unit.objects.order_by("-depth").values_list("depth", flat=True).first() or 1
    depths = ", ".join(f"({n})" for n in range(1, max_depth + 1))
    unit_table = Unit._meta.db_table
    row_table = FormRow._meta.db_table
    where_period = ""
    params: list = [SubmissionStatus.APPROVED]
    if period_ids is not None:
        if not period_ids:
            period_ids = [-1]
        where_period = f" AND s.period_id IN ({', '.join(['%s'] * len(period_ids))})"
        params += list(period_ids)
    params.append(Aggregation.SUM)
    sql = f"""
        WITH depths(n) AS (VALUES {depths}),
        holders AS (
            SELECT s.id AS submission_id, s.period_id AS period_id, h.id AS holder_id
            FROM {Submission._meta.db_table} s
            JOIN {unit_table} u ON u.id = s.unit_id
            JOIN {unit_table} h ON h.numchild > 0
                                 AND h.path = CASE WHEN u.numchild > 0 THEN u.path
                                                   ELSE SUBSTR(u.path, 1, LENGTH(u.path) - {step}) END
            WHERE s.status = %s{where_period}
        ),
        holder_sums AS (
            SELECT hs.holder_id, hs.period_id, v.row_id, v.{quote("column")} AS col,
                   SUM(v.number) AS total, COUNT(*) AS contributors
            FROM {SubmissionValue._meta.db_table} v
            JOIN holders hs ON hs.submission_id = v.submission_id
            WHERE v.number IS NOT NULL
              AND v.row_id IN (SELECT id FROM {row_table} WHERE aggregation = %s)
            GROUP BY hs.holder_id, hs.period_id, v.row_id, v.{quote("column")}
        ),
        cells AS (
            SELECT hs.holder_id, hs.period_id, r.{quote("key")} AS row_key, hs.col, hs.total, hs.contributors
            FROM holder_sums hs JOIN {row_table} r ON r.id = hs.row_id
            UNION ALL
            SELECT holder_id, period_id, '{REPORTS_CELL[0]}', '{REPORTS_CELL[1]}', COUNT(*), COUNT(*)
            FROM holders GROUP BY holder_id, period_id
        )
        SELECT a.id, c.period_id, c.row_key, c.col, SUM(c.total), SUM(c.contributors)
        FROM cells c
        JOIN {unit_table} h ON h.id = c.holder_id AND h.numchild > 0
        JOIN depths d ON d.n <= h.depth
        JOIN {unit_table} a ON a.numchild > 0 AND a.path = SUBSTR(h.path, 1, d.n * {step})
        GROUP BY a.id, c.period_id, c.row_key, c.col
    """
    return sql, params


def _quantized(number) -> Decimal:
    return Decimal(str(number)).quantize(Decimal("0.001"))


def without_jit(cursor) -> None:
    """PostgreSQL's JIT compiles this statement for ~1 s (the planner overestimates the rows) and
    then saves nothing: switch it off for the current transaction."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")


def totals_recomputed(period_ids: list[int] | None = None) -> dict[tuple[int, int, str, str], tuple[Decimal, int]]:
    sql, params = totals_recomputed_sql(period_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        without_jit(cursor)
        cursor.execute(sql, params)
        return {
            (unit_id, period_id, row_key, column): (_quantized(total), int(contributors))
            for unit_id, period_id, row_key, column, total, contributors in cursor.fetchall()
        }


def totals_stored(period_ids: list[int] | None = None) -> dict[tuple[int, int, str, str], tuple[Decimal, int]]:
    """The stored ConsolidatedTotal cells; a cell emptied by reopenings (0, 0) counts as absent."""
    stored = ConsolidatedTotal.objects.all()
    if period_ids is not None:
        stored = stored.filter(period_id__in=period_ids)
    return {
        (unit_id, period_id, row_key, column): (_quantized(total), contributors)
        for unit_id, period_id, row_key, column, total, contributors in stored.values_list(
            "unit_id", "period_id", "row_key", "column", "total", "contributors"
        ).iterator(chunk_size=20000)
        if contributors or total
    }


def totals_differences(
    stored: dict[tuple[int, int, str, str], tuple[Decimal, int]],
    computed: dict[tuple[int, int, str, str], tuple[Decimal, int]],
) -> list[TotalDifference]:
    return [
        TotalDifference(*key, stored=stored.get(key), computed=computed.get(key))
        for key in sorted(set(stored) | set(computed))
        if stored.get(key) != computed.get(key)
    ]
