"""The figures of a unit's dashboard, one function per section, each summed by the database.

Every read covers the unit and its subtree (a range on the indexed materialized path) and is
grouped in SQL: by month, by unit directly below, by partner or by ISO week. No query runs per
unit and no loop walks the units of the subtree, so the number of queries of a section is fixed
whatever the size of the tree (reporting 5: periods, the year's tallies (rates and slowest
units), states by unit below and their names, the slowest units' names; welfare 5; member
benefits 1, 2 for a unit without units below; campaigns 4), and the Python work is bounded by the number of months, weeks and bars.

What a section counts (each chart's caption says it again to the reader):
- reporting: Phụ lục 02 (the monthly report). A unit "owes" a month when it has an assignment in
  force on the month's due date (as in Phụ lục 04, `reporting.selectors.compliance`), and the
  units counted are those strictly below the dashboard's unit;
- welfare: agreements signed by TLĐ (they apply to every unit), by the unit or by a union below
  it, drafts left out; members' usage recorded for the unit and the units below;
- member benefits: only approved reports, read from the consolidated totals the approval keeps
  (`reporting.models.ConsolidatedTotal`), so a figure here equals the consolidated report's;
- campaigns: the sections, articles and activities of the unit and the units below.

These functions take a unit the caller has already checked the viewer may see; the figures do
not depend on who asks, which is what lets them be cached per (unit, year) (`dashboards.cache`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractWeek, Least, Length, Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import ENDING_SOON_DAYS, Agreement, BenefitUsage, Offer
from campaigns.models import Activity, Article, Section
from campaigns.prefill import CONFERENCE_KINDS
from campaigns.selectors import iso_weeks
from dashboards.charts import BAR, BAR_LINE, COLOURS, HEAT, LINE, STACKED_BAR, TABLE, Chart, Series
from organizations.models import Unit
from reporting.choices import SubmissionStatus
from reporting.models import ConsolidatedTotal, FormAssignment, MonthsSent, Period, Submission, SubmissionValue
from reporting.selectors import REPORTS_CELL

MONTHLY_FORM = "PL02"
# The status-by-unit chart keeps the units below with the most units owing the report; the rest
# are added up in one bar, so a province with 900 grassroots unions directly under it stays legible.
MAX_BARS = 25
TOP_PARTNERS = 10
SLOWEST_SHOWN = 10
ENDING_SHOWN = 50
MONTHS = range(1, 13)


def dashboard_url(unit_code: str, year: int) -> str:
    """The dashboard page of a unit for a year: where a click on that unit's bar leads."""
    return f"{reverse('dashboards:dashboard')}?{urlencode({'don_vi': unit_code, 'nam': year})}"


def month_labels(year: int) -> list[str]:
    return [f"{month:02d}/{year}" for month in MONTHS]


def _started(year: int, month: int, today: date) -> bool:
    return date(year, month, 1) <= today


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _subtree(unit: Unit, prefix: str = "") -> Q:
    return Q(**{f"{prefix}path__startswith": unit.path})


# --- reporting (Phụ lục 02) --------------------------------------------------------------------


def reporting_charts(*, unit: Unit, year: int, today: date) -> list[Chart]:
    periods = {
        p.month: p
        for p in Period.objects.filter(form__code=MONTHLY_FORM, year=year, month__isnull=False).select_related("form")
    }
    tallies = _tallies(unit, today, periods)
    return [
        _submission_rates(year, tallies),
        _status_by_unit(unit, year, today, periods),
        _slowest_units(year, tallies),
    ]


@dataclass
class Tallies:
    """What one pass over the year's reports found: per month shown, the units owing it, those that
    sent it and those that sent it late; and the units below that were slowest over the months due."""

    months: dict[int, dict[str, int]] = field(default_factory=dict)
    slowest: list[tuple[int, int, int, int]] = field(default_factory=list)  # (unit id, owed, late, not sent)


def _bit(value: str, month: int) -> str:
    """SQL for bit `month` of an integer mask, in arithmetic PostgreSQL and SQLite read alike."""
    return f"(({value} / {1 << (month - 1)}) %% 2)"  # %% : the statement has parameters


def _popcount(value: str) -> str:
    """SQL counting the bits of a 12-bit mask: PostgreSQL's bit_count, else one term a month."""
    if connection.vendor == "postgresql":
        return f"bit_count(CAST({value} AS bit(12)))"
    return "(" + " + ".join(_bit(value, m) for m in MONTHS) + ")"


def _mask(months) -> int:
    return sum(1 << (m - 1) for m in months)


def _owed_masks(shown: list[int], periods: dict[int, Period]) -> tuple[str, list]:
    """SELECT unit_id, owed: per unit, the mask of the months shown it owes (an assignment in
    force on the month's due date). Most assignments cover the whole year: tested first, so the
    month-by-month test runs only for the others."""
    first, last = periods[shown[0]].due_date, periods[shown[-1]].due_date
    in_force = "a.valid_from <= %s AND (a.valid_until IS NULL OR a.valid_until >= %s)"
    month_by_month = " + ".join(f"CASE WHEN {in_force} THEN {1 << (m - 1)} ELSE 0 END" for m in shown)
    months_params = [day for m in shown for day in (periods[m].due_date, periods[m].due_date)]
    where = f"FROM {FormAssignment._meta.db_table} a WHERE a.form_id = %s GROUP BY a.unit_id"
    form_id = periods[shown[0]].form_id
    if connection.vendor == "postgresql":
        mask = f"CASE WHEN {in_force} THEN {_mask(shown)} ELSE {month_by_month} END"
        return f"SELECT a.unit_id AS unit_id, bit_or({mask}) AS owed {where}", [first, last, *months_params, form_id]
    # SQLite has no bit_or: the largest bit of each month, added up (assignments may overlap).
    bits = " + ".join(
        f"MAX(CASE WHEN {in_force} THEN {1 << (m - 1)} ELSE 0 END)" for m in shown
    )
    return f"SELECT a.unit_id AS unit_id, {bits} AS owed {where}", [*months_params, form_id]


def _tallies(unit: Unit, today: date, periods: dict[int, Period]) -> Tallies:
    """The figures of the rates and of the slowest units, in one statement.

    Each unit strictly below `unit` becomes one row of three 12-bit masks, bit m-1 for month m:
    the months it owes (an assignment in force on the month's due date, as in Phụ lục 04), the
    months of those it sent (submitted, returned or approved: `MonthsSent`, kept by
    `submission_submit`) and the months of those it sent late. The months' counts are sums of
    bits over the distinct combinations of masks (a few thousand at most), and the slowest units
    an ORDER BY over the same rows. Joining every unit with every month and its report instead
    (1.57 M pairs with 1.41 M reports nationally) took five seconds.
    """
    result = Tallies()
    shown = sorted(m for m, p in periods.items() if p.starts_on <= today)
    if not shown:
        return result
    due = _mask(m for m in shown if periods[m].due_date < today)
    first = periods[shown[0]]
    owed_sql, owed_params = _owed_masks(shown, periods)
    sums = ", ".join(
        f"SUM(g.n * {_bit('g.owed', m)}), SUM(g.n * {_bit('g.sent', m)}), SUM(g.n * {_bit('g.late', m)})"
        for m in shown
    )
    padding = ", CAST(NULL AS BIGINT)" * (3 * len(shown) - 3)
    # Months due and owed that were not sent on time (late or not at all), and those not sent.
    slow = f"((t.owed & {due}) - ((t.sent - t.late) & {due}))"
    not_sent = f"((t.owed - t.sent) & {due})"
    sql = f"""
        WITH owed AS ({owed_sql}), t AS (
            SELECT u.id AS id, u.path AS path, o.owed AS owed,
                   COALESCE(m.sent, 0) & o.owed AS sent, COALESCE(m.late, 0) & o.owed AS late
            FROM {Unit._meta.db_table} u
            JOIN owed o ON o.unit_id = u.id
            LEFT JOIN {MonthsSent._meta.db_table} m ON m.unit_id = u.id AND m.form_id = %s AND m.year = %s
            WHERE u.path LIKE %s AND u.depth > %s
        ), g AS (
            SELECT t.owed AS owed, t.sent AS sent, t.late AS late, COUNT(*) AS n FROM t GROUP BY t.owed, t.sent, t.late
        )
        SELECT 0, CAST(NULL AS BIGINT), {sums} FROM g
        UNION ALL
        SELECT * FROM (
            SELECT 1, r.id, {_popcount(f"(r.owed & {due})")}, r.score - r.not_sent, r.not_sent{padding}
            FROM (
                SELECT t.id AS id, t.path AS path, t.owed AS owed,
                       {_popcount(slow)} AS score, {_popcount(not_sent)} AS not_sent
                FROM t WHERE {slow} > 0
            ) r
            ORDER BY r.score DESC, r.not_sent DESC, r.path
            LIMIT {SLOWEST_SHOWN}
        ) ranked
    """
    params = [*owed_params, first.form_id, first.year, f"{unit.path}%", unit.depth]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for kind, unit_id, *figures in rows:
        if kind == 0:
            for index, month in enumerate(shown):
                expected, sent, late = (int(v or 0) for v in figures[3 * index : 3 * index + 3])
                result.months[month] = {"expected": expected, "sent": sent, "late": late}
        else:
            result.slowest.append((unit_id, int(figures[0]), int(figures[1]), int(figures[2])))
    return result


def _submission_rates(year: int, tallies: Tallies) -> Chart:
    """Per month: units below owing the report, how many sent it (at least once) and how many on time."""
    counts = tallies.months

    def per_month(value):
        return [value(counts[m]) if m in counts else None for m in MONTHS]

    return Chart(
        key="submission_rates",
        title=_("Tỷ lệ gửi báo cáo tháng và gửi đúng hạn"),
        caption=_(
            "Phụ lục 02 (báo cáo tháng), các đơn vị trực thuộc phải báo cáo trong tháng (cả cây): tỷ lệ đã gửi "
            "(kể cả gửi muộn, bị trả lại, đã duyệt) và tỷ lệ gửi trước hết hạn nộp ngày 25, trên số đơn vị phải báo cáo. "
            "Tháng chưa bắt đầu để trống."
        ),
        kind=LINE,
        wide=True,
        category_label=_("Tháng"),
        labels=month_labels(year),
        series=[
            Series("sent_rate", _("Tỷ lệ đã gửi"), per_month(lambda c: _rate(c["sent"], c["expected"])),
                   unit="%", colour=COLOURS["primary"], type="line", decimals=1),
            Series("on_time_rate", _("Tỷ lệ gửi đúng hạn"), per_month(lambda c: _rate(c["sent"] - c["late"], c["expected"])),
                   unit="%", colour=COLOURS["approved"], type="line", decimals=1),
            Series("expected", _("Số đơn vị phải báo cáo"), per_month(lambda c: c["expected"]), unit=_("đơn vị"),
                   table_only=True),
            Series("sent", _("Số đơn vị đã gửi"), per_month(lambda c: c["sent"]), unit=_("đơn vị"), table_only=True),
            Series("sent_on_time", _("Số đơn vị gửi đúng hạn"), per_month(lambda c: c["sent"] - c["late"]),
                   unit=_("đơn vị"), table_only=True),
        ],
    )


def status_period(periods: dict[int, Period], year: int, today: date) -> Period | None:
    """The month whose report states are shown by unit: this month, or December of a past year."""
    if year == today.year:
        return periods.get(today.month)
    if year < today.year:
        return periods.get(12)
    return None


STATUS_SERIES = (
    ("approved", SubmissionStatus.APPROVED),
    ("submitted", SubmissionStatus.SUBMITTED),
    ("returned", SubmissionStatus.RETURNED),
    ("draft", SubmissionStatus.DRAFT),
    ("missing", None),
)


def _status_by_unit(unit: Unit, year: int, today: date, periods: dict[int, Period]) -> Chart:
    """For each unit directly below: how many units of its subtree (itself included) owe the month's
    report, by the state of their report. One grouped query, then one for the names of the bars."""
    period = status_period(periods, year, today)
    title = _("Tình trạng báo cáo tháng theo đơn vị trực thuộc")
    if period is not None:
        title = _("Tình trạng báo cáo %(period)s theo đơn vị trực thuộc") % {"period": period.label}
    chart = Chart(
        key="status_by_unit",
        title=title,
        caption=_(
            "Phụ lục 02: mỗi thanh là một đơn vị trực thuộc trực tiếp, gồm chính đơn vị đó và các đơn vị cấp dưới của nó "
            "phải báo cáo trong tháng, chia theo trạng thái báo cáo (đã duyệt, đã gửi chờ duyệt, bị trả lại, đang soạn, "
            "chưa mở). Bấm vào một thanh để xem bảng điều khiển của đơn vị đó."
        ),
        kind=STACKED_BAR,
        category_label=_("Đơn vị"),
        horizontal=True,
        wide=True,
        per_unit=True,
        empty_text=_("Không có đơn vị trực thuộc nào phải báo cáo tháng này."),
    )
    labels = {
        "approved": _("Đã duyệt"), "submitted": _("Đã gửi, chờ duyệt"), "returned": _("Bị trả lại"),
        "draft": _("Đang soạn"), "missing": _("Chưa mở báo cáo"),
    }
    if period is None:
        chart.series = [Series(key, labels[key], [], unit=_("đơn vị"), colour=COLOURS[key]) for key, _s in STATUS_SERIES]
        chart.note = _("Chưa có kỳ báo cáo tháng này.")
        return chart
    owes = FormAssignment.objects.for_period(period).filter(unit=OuterRef("pk"))
    child_length = len(unit.path) + Unit.steplen
    groups = (
        Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth)
        .filter(Exists(owes))
        .annotate(sub=FilteredRelation("submissions", condition=Q(submissions__period=period)))
        .annotate(child_path=Substr("path", 1, child_length))
        .order_by()
        .values_list("child_path", "sub__status")
        .annotate(n=Count("pk"))
    )
    by_child: dict[str, dict[str, int]] = {}
    for child_path, status, n in groups:
        key = next(k for k, s in STATUS_SERIES if s == status)
        by_child.setdefault(child_path, dict.fromkeys(labels, 0))[key] += n
    children = {
        path: (code, name)
        for path, code, name in Unit.objects.filter(path__in=list(by_child)).values_list("path", "code", "name")
    }
    # Tree order; beyond MAX_BARS the largest stay and the others share one bar.
    paths = sorted(by_child)
    others: list[str] = []
    if len(paths) > MAX_BARS:
        largest = sorted(paths, key=lambda p: (-sum(by_child[p].values()), p))[: MAX_BARS - 1]
        others = [p for p in paths if p not in largest]
        paths = sorted(largest)
    chart.labels = [children[p][1] for p in paths]
    chart.links = [dashboard_url(children[p][0], year) for p in paths]
    columns = [[by_child[p][key] for p in paths] for key in labels]
    if others:
        chart.labels.append(_("Các đơn vị khác (%(n)s)") % {"n": len(others)})
        chart.links.append(None)
        for column, key in zip(columns, labels, strict=True):
            column.append(sum(by_child[p][key] for p in others))
    chart.series = [
        Series(key, labels[key], column, unit=_("đơn vị"), colour=COLOURS[key])
        for key, column in zip(labels, columns, strict=True)
    ]
    return chart


def _slowest_units(year: int, tallies: Tallies) -> Chart:
    """The units below with the most months sent late or not sent, over the months already due."""
    chart = Chart(
        key="slowest_units",
        title=_("Các đơn vị chậm báo cáo nhất"),
        caption=_(
            "Phụ lục 02, các tháng đã quá hạn nộp trong năm: số tháng đơn vị gửi muộn (sau ngày hết hạn) và số tháng "
            "chưa gửi (chưa mở hoặc còn đang soạn); đơn vị chậm nhiều tháng nhất đứng đầu. Mọi cấp dưới, không chỉ "
            "đơn vị trực thuộc trực tiếp."
        ),
        kind=TABLE,
        columns=[
            {"key": "unit", "label": _("Đơn vị"), "unit": "", "decimals": 0},
            {"key": "parent", "label": _("Trực thuộc"), "unit": "", "decimals": 0},
            {"key": "owed", "label": _("Số tháng đã quá hạn"), "unit": _("tháng"), "decimals": 0},
            {"key": "late", "label": _("Gửi muộn"), "unit": _("tháng"), "decimals": 0},
            {"key": "not_sent", "label": _("Chưa gửi"), "unit": _("tháng"), "decimals": 0},
        ],
        wide=True,
        per_unit=True,
        empty_text=_("Không có đơn vị nào gửi muộn hoặc chưa gửi trong các tháng đã quá hạn."),
    )
    ranked = tallies.slowest
    if not ranked:
        return chart
    parent = Unit.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen))
    names = {
        pk: (code, name, parent_name)
        for pk, code, name, parent_name in Unit.objects.filter(pk__in=[row[0] for row in ranked])
        .annotate(parent_name=Subquery(parent.values("name")[:1]))
        .values_list("pk", "code", "name", "parent_name")
    }
    for pk, owed, late_months, not_sent_months in ranked:
        code, name, parent_name = names[pk]
        chart.rows.append([name, parent_name or "", owed, late_months, not_sent_months])
        chart.row_links.append(dashboard_url(code, year))
    return chart


# --- welfare programme -------------------------------------------------------------------------


def _agreements_of(unit: Unit):
    """Agreements that concern the unit: signed by TLĐ (for every union), by the unit or below it."""
    return Agreement.objects.filter(Q(unit__depth=1) | _subtree(unit, "unit__"), is_draft=False)


def _in_force_on(day: date) -> Q:
    return (
        Q(valid_from__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=day))
    )


def welfare_charts(*, unit: Unit, year: int, today: date) -> list[Chart]:
    return [
        _agreements_in_force(unit, year, today),
        _agreements_signed(unit, year),
        _usage_by_month(unit, year),
        _top_partners(unit, year),
        _offers_ending(unit, year, today),
    ]


def _agreements_in_force(unit: Unit, year: int, today: date) -> Chart:
    """Agreements in force on the last day of each month (today for the month under way): one
    query of twelve filtered counts."""
    days = {m: min(date(year, m, calendar.monthrange(year, m)[1]), today) for m in MONTHS if _started(year, m, today)}
    counts = (
        _agreements_of(unit).aggregate(**{f"m{m}": Count("pk", filter=_in_force_on(day)) for m, day in days.items()})
        if days else {}
    )
    return Chart(
        key="agreements_in_force",
        title=_("Thỏa thuận hợp tác đang có hiệu lực"),
        caption=_(
            "Số thỏa thuận hợp tác với doanh nghiệp còn hiệu lực vào ngày cuối mỗi tháng (hôm nay với tháng đang diễn ra): "
            "thỏa thuận do TLĐ, đơn vị và các công đoàn cấp dưới ký; không tính dự thảo và thỏa thuận đã chấm dứt."
        ),
        kind=LINE,
        category_label=_("Tháng"),
        labels=month_labels(year),
        series=[Series("in_force", _("Thỏa thuận đang hiệu lực"), [counts.get(f"m{m}") for m in MONTHS],
                       unit=_("thỏa thuận"), colour=COLOURS["primary"], type="line")],
    )


def _agreements_signed(unit: Unit, year: int) -> Chart:
    """New agreements per month of signing, by who signed: TLĐ, the unit itself, a union below."""
    level = Case(
        When(unit__depth=1, then=Value("tld")),
        When(unit_id=unit.pk, then=Value("unit")),
        default=Value("below"),
        output_field=CharField(),
    )
    rows = (
        _agreements_of(unit).filter(signed_on__range=(date(year, 1, 1), date(year, 12, 31)))
        .annotate(level=level, month=ExtractMonth("signed_on"))
        .order_by()
        .values_list("month", "level")
        .annotate(n=Count("pk"))
    )
    counts = {(month, lvl): n for month, lvl, n in rows}
    levels = [("tld", _("TLĐ ký"))]
    if unit.depth > 1:
        levels.append(("unit", _("Đơn vị ký")))
    levels.append(("below", _("Công đoàn cấp dưới ký")))
    return Chart(
        key="agreements_signed",
        title=_("Thỏa thuận ký mới theo tháng và cấp ký"),
        caption=_(
            "Số thỏa thuận hợp tác ký trong mỗi tháng (theo ngày ký), chia theo cấp ký: Tổng Liên đoàn, chính đơn vị, "
            "hay một công đoàn cấp dưới của đơn vị. Không tính dự thảo."
        ),
        kind=STACKED_BAR,
        category_label=_("Tháng"),
        labels=month_labels(year),
        series=[
            Series(key, label, [counts.get((m, key), 0) for m in MONTHS], unit=_("thỏa thuận"), colour=COLOURS[key])
            for key, label in levels
        ],
    )


def _usage_by_month(unit: Unit, year: int) -> Chart:
    rows = (
        BenefitUsage.objects.filter(_subtree(unit, "unit__"), month__range=(date(year, 1, 1), date(year, 12, 31)))
        .annotate(m=ExtractMonth("month"))
        .order_by()
        .values_list("m")
        .annotate(
            partner=Sum("members_count", filter=Q(partner__isnull=False)),
            institution=Sum("members_count", filter=Q(institution__isnull=False)),
            value=Sum("value_million"),
        )
    )
    by_month = {m: (partner, institution, value) for m, partner, institution, value in rows}

    def column(i):
        return [by_month[m][i] if m in by_month else None for m in MONTHS]

    return Chart(
        key="usage_by_month",
        title=_("Đoàn viên sử dụng sản phẩm của đối tác và thiết chế công đoàn"),
        caption=_(
            "Số lượt đoàn viên sử dụng sản phẩm, dịch vụ của đối tác và thiết chế công đoàn trong mỗi tháng (cột, trục trái) "
            "và giá trị đoàn viên được hưởng, triệu đồng (đường, trục phải), theo số liệu sử dụng ưu đãi đã nhập "
            "của đơn vị và các đơn vị cấp dưới."
        ),
        kind=BAR_LINE,
        category_label=_("Tháng"),
        labels=month_labels(year),
        series=[
            Series("partner_members", _("Sử dụng sản phẩm của đối tác"), column(0), unit=_("lượt đoàn viên"),
                   colour=COLOURS["primary"]),
            Series("institution_members", _("Sử dụng thiết chế công đoàn"), column(1), unit=_("lượt đoàn viên"),
                   colour=COLOURS["secondary"]),
            Series("value", _("Giá trị được hưởng"), column(2), unit=_("triệu đồng"), colour=COLOURS["accent"],
                   type="line", axis="y1", decimals=3),
        ],
    )


def _top_partners(unit: Unit, year: int) -> Chart:
    rows = list(
        BenefitUsage.objects.filter(
            _subtree(unit, "unit__"), partner__isnull=False, month__range=(date(year, 1, 1), date(year, 12, 31))
        )
        .order_by()
        .values_list("partner_id", "partner__name")
        .annotate(members=Sum("members_count"), value=Sum("value_million"))
        .order_by("-members", "partner__name")[:TOP_PARTNERS]
    )
    return Chart(
        key="top_partners",
        title=_("Đối tác phục vụ nhiều đoàn viên nhất"),
        caption=_(
            "%(n)s đối tác có nhiều lượt đoàn viên của đơn vị và các đơn vị cấp dưới sử dụng sản phẩm, dịch vụ nhất "
            "trong năm, cùng giá trị đoàn viên được hưởng (triệu đồng)."
        ) % {"n": TOP_PARTNERS},
        kind=BAR,
        horizontal=True,
        category_label=_("Đối tác"),
        labels=[name for _pk, name, _m, _v in rows],
        series=[
            Series("members", _("Lượt đoàn viên sử dụng"), [m for _pk, _n, m, _v in rows], unit=_("lượt đoàn viên"),
                   colour=COLOURS["primary"]),
            Series("value", _("Giá trị được hưởng"), [v for _pk, _n, _m, v in rows], unit=_("triệu đồng"),
                   table_only=True, decimals=3),
        ],
    )


def _offers_ending(unit: Unit, year: int, today: date) -> Chart:
    """Offers members may use today that end within ENDING_SOON_DAYS (whichever ends first: the
    offer or its agreement)."""
    until = today + timedelta(days=ENDING_SOON_DAYS)
    ends_on = Least(Coalesce("valid_until", "agreement__valid_until"), Coalesce("agreement__valid_until", "valid_until"))
    offers = list(
        Offer.objects.in_force(today)
        .filter(Q(agreement__unit__depth=1) | _subtree(unit, "agreement__unit__"))
        .annotate(ends_on=ends_on)
        .filter(ends_on__lte=until)
        .annotate(total=Window(Count("*")))
        .order_by("ends_on", "title", "pk")
        .values_list("title", "agreement__partner__name", "agreement__unit__name", "ends_on", "total")[:ENDING_SHOWN]
    )
    chart = Chart(
        key="offers_ending",
        title=_("Ưu đãi sắp hết hạn trong %(days)s ngày tới") % {"days": ENDING_SOON_DAYS},
        caption=_(
            "Ưu đãi đang áp dụng hôm nay của các thỏa thuận do TLĐ, đơn vị và công đoàn cấp dưới ký, sẽ hết hạn trong "
            "%(days)s ngày tới (ngày hết hạn của ưu đãi hoặc của thỏa thuận, ngày nào sớm hơn), tính từ hôm nay, "
            "không theo năm đã chọn."
        ) % {"days": ENDING_SOON_DAYS},
        kind=TABLE,
        columns=[
            {"key": "offer", "label": _("Ưu đãi"), "unit": "", "decimals": 0},
            {"key": "partner", "label": _("Đối tác"), "unit": "", "decimals": 0},
            {"key": "signed_by", "label": _("Đơn vị ký"), "unit": "", "decimals": 0},
            {"key": "ends_on", "label": _("Hết hạn"), "unit": "", "decimals": 0},
            {"key": "days_left", "label": _("Còn lại"), "unit": _("ngày"), "decimals": 0},
        ],
        wide=True,
        per_unit=True,
        empty_text=_("Không có ưu đãi nào hết hạn trong %(days)s ngày tới.") % {"days": ENDING_SOON_DAYS},
    )
    for title, partner, signed_by, ends, _total in offers:
        chart.rows.append([title, partner, signed_by, ends.strftime("%d/%m/%Y"), (ends - today).days])
    if offers and offers[0][4] > len(offers):
        chart.note = _("Hiện %(shown)s trong số %(total)s ưu đãi.") % {"shown": len(offers), "total": offers[0][4]}
    return chart


# --- member benefits from approved reports ------------------------------------------------------

# Rows of Phụ lục 02 (reporting/forms/PL02.yaml) the benefit charts read.
BENEFIT_ROWS = (
    "housing", "housing_new", "housing_repair", "loans", "loans_support_fund", "loans_national_fund",
    "sick_visits_aid", "culture_sport",
)


def benefit_charts(*, unit: Unit, year: int, today: date) -> list[Chart]:
    """Approved figures of the unit's subtree per month: its consolidated totals (own approved report
    included) when it has units below, else its own approved reports. Two queries."""
    values: dict[tuple[int, str], Decimal] = {}
    reports: dict[int, int] = {}
    if unit.numchild > 0:
        for month, key, total in ConsolidatedTotal.objects.filter(
            unit=unit, period__form__code=MONTHLY_FORM, period__year=year, period__month__isnull=False,
            column="value", row_key__in=[*BENEFIT_ROWS, REPORTS_CELL[0]], contributors__gt=0,
        ).values_list("period__month", "row_key", "total"):
            if key == REPORTS_CELL[0]:
                reports[month] = int(total)
            else:
                values[(month, key)] = total
    else:
        approved = {"submission__unit": unit, "submission__status": SubmissionStatus.APPROVED,
                    "submission__period__form__code": MONTHLY_FORM, "submission__period__year": year}
        for month, key, number in SubmissionValue.objects.filter(
            **approved, column="value", row__key__in=BENEFIT_ROWS, number__isnull=False,
        ).values_list("submission__period__month", "row__key", "number"):
            values[(month, key)] = number
        reports = dict.fromkeys(
            Submission.objects.filter(
                unit=unit, status=SubmissionStatus.APPROVED, period__form__code=MONTHLY_FORM, period__year=year,
            ).values_list("period__month", flat=True),
            1,
        )

    def row(key):
        return [values.get((m, key)) for m in MONTHS]

    people = _("đoàn viên")
    labels = month_labels(year)
    month = _("Tháng")
    source = _("Từ các báo cáo Phụ lục 02 đã duyệt của đơn vị và các đơn vị cấp dưới (số liệu tổng hợp).")
    return [
        Chart(
            key="approved_reports",
            title=_("Số báo cáo đã duyệt được tính"),
            caption=_("Số báo cáo Phụ lục 02 đã duyệt (của đơn vị và các đơn vị cấp dưới) có trong số liệu của mỗi tháng."),
            kind=BAR, category_label=month, labels=labels, wide=True,
            series=[Series("reports", _("Báo cáo đã duyệt"), [reports.get(m) for m in MONTHS], unit=_("báo cáo"),
                           colour=COLOURS["neutral"])],
        ),
        Chart(
            key="housing",
            title=_("Mái ấm Công đoàn: nhà được trao và được hỗ trợ sửa chữa"),
            caption=_("Phụ lục 02, dòng II.5: số đoàn viên được trao nhà “Mái ấm công đoàn” và được hỗ trợ tiền sửa chữa nhà, "
                      "theo tháng; cột cuối của bảng là tổng số đoàn viên hưởng chương trình. %(source)s") % {"source": source},
            kind=STACKED_BAR, category_label=month, labels=labels,
            series=[
                Series("housing_new", _("Được trao nhà"), row("housing_new"), unit=people, colour=COLOURS["primary"]),
                Series("housing_repair", _("Được hỗ trợ sửa nhà"), row("housing_repair"), unit=people,
                       colour=COLOURS["secondary"]),
                Series("housing", _("Tổng số hưởng chương trình"), row("housing"), unit=people, table_only=True),
            ],
        ),
        Chart(
            key="loans",
            title=_("Đoàn viên được vay vốn từ hai quỹ"),
            caption=_("Phụ lục 02, dòng II.4: số đoàn viên được vay vốn tạo việc làm từ Quỹ trợ vốn và từ Quỹ Quốc gia giải "
                      "quyết việc làm, theo tháng; cột cuối của bảng là tổng số đoàn viên được vay. %(source)s")
            % {"source": source},
            kind=STACKED_BAR, category_label=month, labels=labels,
            series=[
                Series("loans_support_fund", _("Quỹ trợ vốn"), row("loans_support_fund"), unit=people,
                       colour=COLOURS["primary"]),
                Series("loans_national_fund", _("Quỹ Quốc gia giải quyết việc làm"), row("loans_national_fund"),
                       unit=people, colour=COLOURS["below"]),
                Series("loans", _("Tổng số được vay vốn"), row("loans"), unit=people, table_only=True),
            ],
        ),
        Chart(
            key="sick_visits_aid",
            title=_("Thăm hỏi ốm đau, trợ cấp khó khăn"),
            caption=_("Phụ lục 02, dòng II.6: số đoàn viên được thăm hỏi ốm đau, trợ cấp khó khăn, theo tháng. %(source)s")
            % {"source": source},
            kind=BAR, category_label=month, labels=labels,
            series=[Series("sick_visits_aid", _("Được thăm hỏi, trợ cấp"), row("sick_visits_aid"), unit=people,
                           colour=COLOURS["accent"])],
        ),
        Chart(
            key="culture_sport",
            title=_("Văn hóa, thể dục thể thao, du lịch"),
            caption=_("Phụ lục 02, dòng II.3: số đoàn viên được tham gia hoạt động văn hóa, thể dục thể thao, du lịch, "
                      "theo tháng. %(source)s") % {"source": source},
            kind=BAR, category_label=month, labels=labels,
            series=[Series("culture_sport", _("Tham gia văn hóa, thể thao"), row("culture_sport"), unit=people,
                           colour=COLOURS["secondary"])],
        ),
    ]


# --- campaigns ---------------------------------------------------------------------------------


def campaign_charts(*, unit: Unit, year: int, today: date) -> list[Chart]:
    return [_quota_strip(unit, year, today), _articles_by_month(unit, year), _conferences(unit, year)]


def _quota_strip(unit: Unit, year: int, today: date) -> Chart:
    """Per ISO week: the sections open by the week's end and the share that carried their quota.

    As on the quota board (`campaigns.selectors.quota_board`), a week counts once it is over and
    the section was open by its Sunday; articles before a section opened do not count. The
    sections meeting the quota are counted by the database (articles grouped by section and
    week, kept when the count reaches the section's quota, then counted per week); the open
    sections come from their opening dates, grouped.
    """
    weeks = iso_weeks(year)
    first_day, last_day = weeks[0][1], weeks[-1][1] + timedelta(days=6)
    sections = Section.objects.filter(_subtree(unit, "outlet__unit__"))
    opened = sorted(
        sections.filter(opened_on__lte=last_day).order_by().values_list("opened_on").annotate(n=Count("pk"))
    )
    meeting_rows = (
        Article.objects.filter(
            _subtree(unit, "section__outlet__unit__"), published_on__range=(first_day, last_day),
            published_on__gte=F("section__opened_on"),
        )
        .annotate(week=ExtractWeek("published_on"))
        .order_by()
        .values("section_id", "week", "section__weekly_quota")
        .annotate(n=Count("pk"))
        .filter(n__gte=F("section__weekly_quota"))
    )
    inner, params = meeting_rows.query.sql_with_params()
    week_column = connection.ops.quote_name("week")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.{week_column}, COUNT(*) FROM ({inner}) t GROUP BY t.{week_column}", params)
        meeting = {int(week): n for week, n in cursor.fetchall()}
    open_counts, shares, met = [], [], []
    running, position = 0, 0
    for week, monday in weeks:
        sunday = monday + timedelta(days=6)
        while position < len(opened) and opened[position][0] <= sunday:
            running += opened[position][1]
            position += 1
        finished = sunday < today
        open_counts.append(running if finished else None)
        met.append(meeting.get(week, 0) if finished else None)
        shares.append(_rate(meeting.get(week, 0), running) if finished else None)
    return Chart(
        key="quota_weeks",
        title=_("Chuyên mục đạt chỉ tiêu 2 bài mỗi tuần"),
        caption=_(
            "Mỗi ô là một tuần (theo ISO) của năm: tỷ lệ chuyên mục, chuyên trang của đơn vị và các đơn vị cấp dưới có đủ "
            "số bài tối thiểu mỗi tuần (thường là 2 bài), trên số chuyên mục đã mở trước cuối tuần. Màu từ đỏ (không "
            "chuyên mục nào đạt) qua vàng đến xanh (tất cả đều đạt); tuần chưa kết thúc hoặc chưa có chuyên mục nào để xám."
        ),
        kind=HEAT,
        wide=True,
        category_label=_("Tuần"),
        labels=[_("Tuần %(week)s (%(monday)s)") % {"week": week, "monday": monday.strftime("%d/%m")}
                for week, monday in weeks],
        series=[
            Series("share", _("Tỷ lệ chuyên mục đạt chỉ tiêu"), shares, unit="%", colour=COLOURS["approved"], decimals=1),
            Series("open", _("Số chuyên mục đã mở"), open_counts, unit=_("chuyên mục"), table_only=True),
            Series("meeting", _("Số chuyên mục đạt chỉ tiêu"), met, unit=_("chuyên mục"), table_only=True),
        ],
    )


def _articles_by_month(unit: Unit, year: int) -> Chart:
    rows = dict(
        Article.objects.filter(
            _subtree(unit, "section__outlet__unit__"), published_on__range=(date(year, 1, 1), date(year, 12, 31))
        )
        .annotate(m=ExtractMonth("published_on"))
        .order_by()
        .values_list("m")
        .annotate(n=Count("pk"))
    )
    return Chart(
        key="articles_by_month",
        title=_("Bài viết tuyên truyền theo tháng"),
        caption=_("Số bài viết đăng trong mỗi tháng trên các chuyên mục, chuyên trang của đơn vị và các đơn vị cấp dưới "
                  "(trang tin, báo, tạp chí, phát thanh, truyền hình, mạng xã hội)."),
        kind=BAR,
        category_label=_("Tháng"),
        labels=month_labels(year),
        series=[Series("articles", _("Bài viết"), [rows.get(m, 0) for m in MONTHS], unit=_("bài"),
                       colour=COLOURS["primary"])],
    )


def _conferences(unit: Unit, year: int) -> Chart:
    rows = {
        m: (n, people)
        for m, n, people in Activity.objects.filter(
            _subtree(unit, "unit__"), kind__in=CONFERENCE_KINDS, held_on__range=(date(year, 1, 1), date(year, 12, 31))
        )
        .annotate(m=ExtractMonth("held_on"))
        .order_by()
        .values_list("m")
        .annotate(n=Count("pk"), people=Sum("participants"))
    }
    return Chart(
        key="conferences",
        title=_("Hội nghị triển khai và người tham gia"),
        caption=_(
            "Số hội nghị triển khai, hội thảo, tập huấn của đơn vị và các đơn vị cấp dưới trong mỗi tháng (cột, trục trái) "
            "và tổng số người tham gia (đường, trục phải), như Phụ lục 03 dòng 1.1.1."
        ),
        kind=BAR_LINE,
        category_label=_("Tháng"),
        labels=month_labels(year),
        series=[
            Series("conferences", _("Hội nghị, hội thảo, tập huấn"), [rows.get(m, (0, 0))[0] for m in MONTHS],
                   unit=_("hội nghị"), colour=COLOURS["primary"]),
            Series("participants", _("Người tham gia"), [rows.get(m, (0, 0))[1] or 0 for m in MONTHS],
                   unit=_("người"), colour=COLOURS["below"], type="line", axis="y1"),
        ],
    )
