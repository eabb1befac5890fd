"""The quota board: articles per section and ISO week against the section's weekly quota.

One query for the sections, one aggregate query for the counts grouped by (section, ISO week),
whatever the number of sections; per-unit totals are summed from those counts. Measured by
`make bench` (scenario `quota_board`: 1,000 sections, 52 weeks, ~100,000 articles).
"""

from __future__ import annotations

import io
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, IntegerField
from django.db.models.functions import Cast, ExtractWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Article, Section
from organizations.models import Unit
from unionportal.spreadsheets import put_safe


def iso_weeks(year: int) -> list[tuple[int, date]]:
    """(week number, Monday) of every ISO week of `year` (52 or 53)."""
    last = date(year, 12, 28).isocalendar().week  # 28 December is always in the last ISO week
    return [(week, date.fromisocalendar(year, week, 1)) for week in range(1, last + 1)]


@dataclass
class Cell:
    week: int
    count: int
    below: bool  # a finished week, the section open, and fewer articles than the quota
    counted: bool  # whether the week is judged at all (before opening or not yet over: no)


@dataclass
class BoardRow:
    section: Section
    counts: list[int]  # articles per week, in the order of the board's weeks (week 1 first)
    judged: range  # the indexes of the weeks judged: over, and the section open by their Sunday
    total: int
    weeks_below: int

    def is_below(self, index: int) -> bool:
        return index in self.judged and self.counts[index] < self.section.weekly_quota

    @property
    def cells(self) -> list[Cell]:
        """One `Cell` per week. The page does without them (52,000 objects for TLĐ's board)."""
        return [Cell(i + 1, count, self.is_below(i), i in self.judged) for i, count in enumerate(self.counts)]


@dataclass
class UnitTotal:
    unit: Unit
    sections: int = 0
    weekly: list[int] = field(default_factory=list)
    total: int = 0
    weeks_below: int = 0


@dataclass
class QuotaBoard:
    unit: Unit
    year: int
    weeks: list[tuple[int, date]]
    rows: list[BoardRow]
    unit_totals: list[UnitTotal]


def quota_board(*, sections, unit: Unit, year: int, today: date | None = None) -> QuotaBoard:
    """The board of the `sections` (already scoped to the viewer) under `unit` for `year`."""
    today = today or timezone.localdate()
    weeks = iso_weeks(year)
    first_day, last_day = weeks[0][1], weeks[-1][1] + timedelta(days=6)
    sections = list(
        sections.filter(outlet__unit__path__startswith=unit.path)
        .select_related("outlet__unit")
        .order_by("outlet__unit__path", "outlet__name", "name", "pk")
    )
    # Counts per section, one slot per week. The dates run from the Monday of week 1 to the Sunday
    # of the last week: exactly the ISO year, so the week number alone places an article.
    counts: defaultdict[int, list[int]] = defaultdict(lambda: [0] * len(weeks))
    if sections:
        grouped = (
            Article.objects.filter(
                section__in=[s.pk for s in sections], published_on__gte=first_day, published_on__lte=last_day
            )
            # An integer, not PostgreSQL's numeric (a Decimal per row); COUNT(*) lets PostgreSQL
            # answer from the (section, published_on) index alone.
            .annotate(week=Cast(ExtractWeek("published_on"), IntegerField()))
            .values_list("section_id", "week")
            .annotate(n=Count("*"))
            .order_by()
        )
        # Rows straight from the cursor: Django's per-row converters would cost more than the
        # query itself on TLĐ's ~45,000 (section, week) pairs; the values are plain integers.
        sql, params = grouped.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for section_id, week, n in cursor.fetchall():
                counts[section_id][week - 1] = n
    # A week is judged once it is over (and only if the section was open by its Sunday).
    sundays = [monday + timedelta(days=6) for _week, monday in weeks]
    weeks_over = bisect_left(sundays, today)
    rows: list[BoardRow] = []
    totals: dict[int, UnitTotal] = {}
    for section in sections:
        section_counts = counts.get(section.pk) or [0] * len(weeks)
        judged = range(bisect_left(sundays, section.opened_on), weeks_over)
        below = sum(1 for count in section_counts[judged.start:judged.stop] if count < section.weekly_quota)
        row = BoardRow(section, section_counts, judged, sum(section_counts), below)
        rows.append(row)
        owner = section.outlet.unit
        total = totals.setdefault(owner.pk, UnitTotal(owner, weekly=[0] * len(weeks)))
        total.sections += 1
        total.total += row.total
        total.weeks_below += row.weeks_below
        total.weekly = [a + b for a, b in zip(total.weekly, section_counts, strict=True)]
    return QuotaBoard(unit=unit, year=year, weeks=weeks, rows=rows, unit_totals=list(totals.values()))


def quota_board_workbook(board: QuotaBoard) -> bytes:
    """The board as .xlsx: one sheet of sections (below-quota cells filled and marked "!"), one of
    unit totals. Every text goes through `put_safe` (no formula runs from a section's name)."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Chỉ tiêu bài viết")[:31]
    bold = Font(bold=True)
    below_fill = PatternFill("solid", fgColor="F8D7DA")
    headers = [_("Đơn vị"), _("Cơ quan báo chí"), _("Chuyên mục"), _("Chỉ tiêu/tuần")]
    headers += [_("Tuần %(week)d") % {"week": week} for week, _monday in board.weeks]
    headers += [_("Tổng"), _("Số tuần chưa đạt")]
    for column, header in enumerate(headers, 1):
        put_safe(sheet.cell(row=1, column=column), header)
        sheet.cell(row=1, column=column).font = bold
    for line, row in enumerate(board.rows, 2):
        section = row.section
        values = [section.outlet.unit.name, section.outlet.name, section.name, section.weekly_quota]
        for column, value in enumerate(values, 1):
            put_safe(sheet.cell(row=line, column=column), value)
        for offset, cell in enumerate(row.cells):
            target = sheet.cell(row=line, column=len(values) + 1 + offset)
            target.value = cell.count  # stays a number; the fill and the last column say "below"
            if cell.below:
                target.fill = below_fill
        sheet.cell(row=line, column=len(headers) - 1, value=row.total)
        sheet.cell(row=line, column=len(headers), value=row.weeks_below)
    sheet.freeze_panes = "E2"
    totals = workbook.create_sheet(_("Tổng theo đơn vị")[:31])
    total_headers = [_("Đơn vị"), _("Số chuyên mục"), _("Tổng số bài"), _("Số tuần chưa đạt")]
    for column, header in enumerate(total_headers, 1):
        put_safe(totals.cell(row=1, column=column), header)
        totals.cell(row=1, column=column).font = bold
    for line, total in enumerate(board.unit_totals, 2):
        for column, value in enumerate([total.unit.name, total.sections, total.total, total.weeks_below], 1):
            put_safe(totals.cell(row=line, column=column), value)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def default_board_unit(user) -> Unit | None:
    """The outermost unit the viewer sees (TLĐ for a system administrator)."""
    return Unit.objects.visible_to(user).order_by("depth", "path").first()
