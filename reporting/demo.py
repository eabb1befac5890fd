"""Demo data of reporting, on top of the demo tree of `organizations.demo` and the programme's.

What a visitor finds after `seed_demo`:
- the shipped forms loaded, and the periods of last year and this year for each of them;
- who owes what: Phụ lục 02 and 03 for every unit under TLĐ, Phụ lục 01 for the units directly
  under TLĐ, An Giang's own appendix for the units of LĐLĐ An Giang;
- reports of the demo units (LĐLĐ An Giang: every form it owes, the periods under way and those
  closed in the last three months; LĐLĐ Hà Nội and Công đoàn Ngân hàng Việt Nam: this month's
  Phụ lục 02) in every state: approved in the past
  (some after a return, a few late, one reopened), waiting for review, returned, drafts, and
  units that have not sent this period's report — among them the grassroots union of the
  officer account `canbo.cdcs`, so reminders have someone to remind, while the reviewer
  `duyet.angiang` has reports waiting.

Every report goes through the services a person would use (open → save → submit → return /
approve / reopen, by the officer of the unit when there is a demo account for it and by a
reviewer of a unit above), so the consolidated totals are exactly those of the approved reports.
Only the times are then moved back to when the steps would have happened (a report of March was
not sent today), which changes no figure.

`seed()` is idempotent: a (unit, period) that already has a report is left alone, whatever
state a visitor has moved it to; periods, assignments and forms are only ever added. Values
come from a random generator seeded by unit and period, so every run draws the same figures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from organizations.choices import UnitKindCode
from organizations.demo import (
    AN_GIANG,
    AN_GIANG_DEMO_GRASSROOTS,
    BANK_UNION_CODE,
    HA_NOI,
    TLD_CODE,
    DemoCounts,
    federation_code,
)
from organizations.models import Unit, User
from reporting.choices import PeriodType, RowKind
from reporting.definitions import ensure_forms_loaded, people_table, stored_columns
from reporting.models import Form, FormAssignment, FormVersion, Period, Submission, SubmissionTransition
from reporting.services import (
    SubmitRefused,
    form_assign,
    periods_generate,
    submission_approve,
    submission_open,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
    values_of,
)
from reporting.validation import check, text_column
from unionportal import audit
from unionportal.text import fold

AN_GIANG_FEDERATION = federation_code(AN_GIANG)
HA_NOI_FEDERATION = federation_code(HA_NOI)

# Subtrees whose units have reports, and how far back (in days before today) the due dates of
# their closed periods go: about three months for An Giang, which reports every form it owes;
# only the period under way for the others, which report Phụ lục 02. Kept small on purpose: every
# report goes through the services (about 20 ms each on SQLite) and `seed_demo` must stay fast.
HISTORY_DAYS = {AN_GIANG_FEDERATION: 100, HA_NOI_FEDERATION: 0, BANK_UNION_CODE: 0}
EVERY_FORM = {AN_GIANG_FEDERATION}
MAIN_FORM = "PL02"

# The officer who fills the unit's report when the demo has an account for it, and the reviewer
# accounts, each reviewing the units below their own; above those, the system administrator.
OFFICERS = {AN_GIANG_DEMO_GRASSROOTS: "canbo.cdcs", AN_GIANG_FEDERATION: "canbo.angiang", BANK_UNION_CODE: "canbo.nganhang"}
REVIEWERS = {AN_GIANG_FEDERATION: "duyet.angiang", BANK_UNION_CODE: "duyet.nganhang"}
SYSTEM_ADMIN = "quantri"

# A report's story, by the steps it went through.
MISSING, DRAFT, SUBMITTED, RETURNED, APPROVED, APPROVED_AFTER_RETURN, REOPENED = (
    "missing", "draft", "submitted", "returned", "approved", "approved_after_return", "reopened",
)

RETURN_COMMENT = "Đề nghị đơn vị kiểm tra lại số liệu và gửi lại báo cáo."
ROW_COMMENT = "Số liệu dòng {number} chưa khớp với sổ theo dõi của đơn vị, đề nghị kiểm tra lại."
REOPEN_REASON = "Đơn vị đề nghị điều chỉnh số liệu sau khi đối chiếu với sổ sách của quỹ trợ vốn."
WARNING_COMMENT = "Số liệu đúng thực tế của đơn vị trong kỳ (đã kiểm tra lại)."
TEXTS = [
    "Phối hợp với đối tác triển khai ưu đãi cho đoàn viên tại khu nhà trọ công nhân; thăm hỏi kịp thời "
    "đoàn viên ốm đau, gia đình gặp khó khăn.",
    "Tổ chức “Phiên chợ Công đoàn” tại khu công nghiệp, đoàn viên mua hàng thiết yếu với giá ưu đãi.",
    "Ký kết thỏa thuận với siêu thị và nhà thuốc trên địa bàn; đoàn viên xuất trình thẻ được giảm giá.",
    "Một số công đoàn cơ sở còn chậm báo cáo; số đoàn viên sử dụng sản phẩm, dịch vụ của đối tác còn thấp.",
    "Đề nghị cấp trên mở rộng thỏa thuận hợp tác với các chuỗi siêu thị, cơ sở y tế tại địa phương.",
    "Mô hình “Mái ấm công đoàn” gắn với vận động doanh nghiệp cùng hỗ trợ, cần nhân rộng.",
]


@dataclass(frozen=True)
class Actors:
    officers: dict[str, User]
    reviewers: dict[str, User]  # unit path → reviewer of that unit
    system_admin: User | None

    def officer_of(self, unit: Unit) -> User | None:
        return self.officers.get(unit.code)

    def reviewer_above(self, unit: Unit) -> User | None:
        """The reviewer of the nearest unit above that has one; else the system administrator."""
        for path in reversed(unit.ancestor_paths()):
            if path in self.reviewers:
                return self.reviewers[path]
        return self.system_admin


def seed() -> DemoCounts:
    counts = DemoCounts()
    with transaction.atomic(), translation.override("vi"):
        versions_before = FormVersion.objects.count()
        ensure_forms_loaded()
        for _ in range(FormVersion.objects.count() - versions_before):
            counts.add("biểu mẫu", created=True)
        today = timezone.localdate()
        _seed_periods(today, counts)
        _seed_assignments(today, counts)
        _seed_submissions(today, counts)
    return counts


def _seed_periods(today: date, counts: DemoCounts) -> None:
    before = Period.objects.count()
    for year in (today.year - 1, today.year):
        periods_generate(year=year)
    for _ in range(Period.objects.count() - before):
        counts.add("kỳ báo cáo", created=True)


def _seed_assignments(today: date, counts: DemoCounts) -> None:
    forms = {form.code: form for form in Form.objects.filter(is_active=True)}
    root = Unit.objects.filter(code=TLD_CODE).first()
    if root is None:
        return
    valid_from = date(today.year - 1, 1, 1)
    below_root = Unit.objects.filter(path__startswith=root.path, depth__gt=root.depth, is_active=True)
    wanted = {
        "PL02": below_root,
        "PL03": below_root,
        "PL01": below_root.filter(depth=root.depth + 1),
    }
    an_giang = Unit.objects.filter(code=AN_GIANG_FEDERATION).first()
    if an_giang is not None:
        wanted["AGIANG"] = Unit.objects.filter(path__startswith=an_giang.path, depth__gt=an_giang.depth, is_active=True)
    for code, units in wanted.items():
        if code not in forms:
            continue  # a form whose data file is not shipped yet
        # Units that already owe the form at any time are left alone (an administrator may have
        # closed an assignment on purpose).
        units = units.exclude(pk__in=FormAssignment.objects.filter(form=forms[code]).values("unit_id"))
        for _ in range(form_assign(form=forms[code], units=list(units), valid_from=valid_from)):
            counts.add("đơn vị phải báo cáo", created=True)


# --- reports ------------------------------------------------------------------------------------


def _actors() -> Actors:
    usernames = {*OFFICERS.values(), *REVIEWERS.values(), SYSTEM_ADMIN}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    paths = dict(Unit.objects.filter(code__in=REVIEWERS).values_list("code", "path"))
    return Actors(
        officers={code: users[name] for code, name in OFFICERS.items() if name in users},
        reviewers={paths[code]: users[name] for code, name in REVIEWERS.items() if name in users and code in paths},
        system_admin=users.get(SYSTEM_ADMIN),
    )


def _position(unit: Unit) -> int:
    """The number a demo unit's code ends with (LDLD-91-KCN-02 → 2); 0 for the others."""
    tail = unit.code.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


OPEN, RECENT, PAST = "open", "recent", "past"


def _phases(periods: list[Period], today: date) -> dict[int, str]:
    """How each period stands today: open (not due yet, or the month under way), recent (the
    form's last period past its due date, if that was within 45 days), past (the ones before)."""
    phases = {}
    last_closed: dict[int, Period] = {}
    for period in periods:
        under_way = period.form.period_type == PeriodType.MONTHLY and period.starts_on <= today <= period.ends_on
        if under_way or period.due_date >= today:
            phases[period.pk] = OPEN
        else:
            phases[period.pk] = PAST
            if period.due_date < today - timedelta(days=45):
                continue
            latest = last_closed.get(period.form_id)
            if latest is None or period.due_date > latest.due_date:
                last_closed[period.form_id] = period
    for period in last_closed.values():
        phases[period.pk] = RECENT
    return phases


def _story(unit: Unit, period: Period, phase: str, today: date, rng: random.Random) -> str:
    """What happened to this unit's report for this period, by how the period stands today."""
    kind = unit.kind.code if unit.kind_id else ""
    grassroots = kind == UnitKindCode.GRASSROOTS
    n = _position(unit) if grassroots else 0
    branch = unit.code.rsplit("-", 2)[-2] if n else ""
    if phase == OPEN:  # the month (or year) under way
        if unit.code == AN_GIANG_DEMO_GRASSROOTS:
            return MISSING  # the officer account's union has not sent it: reminders go there
        if not grassroots:
            # The unions in between wait for review; federations and sector unions draft theirs.
            return SUBMITTED if kind == UnitKindCode.INTERMEDIATE else DRAFT
        if n == 1:
            return APPROVED if branch == "LX" else SUBMITTED
        return DRAFT if n == 2 else MISSING
    if phase == RECENT:  # the period just closed
        if grassroots and n == 2 and branch in ("KCN", "LX", "AGR"):
            return SUBMITTED  # sent late, still waiting for review
        if grassroots and n == 3 and branch == "KCN":
            return RETURNED
        if unit.code == f"{AN_GIANG_FEDERATION}-CD-02":
            return MISSING
        if unit.code == f"{AN_GIANG_FEDERATION}-RG-02":
            return REOPENED  # approved, then opened again for a correction
        return APPROVED
    return APPROVED_AFTER_RETURN if rng.random() < 0.12 else APPROVED


def _seed_submissions(today: date, counts: DemoCounts) -> None:
    actors = _actors()
    subtrees = list(Unit.objects.filter(code__in=HISTORY_DAYS))
    if not subtrees:
        return
    units_q = Q()
    for top in subtrees:
        units_q |= Q(path__startswith=top.path)
    units = {u.pk: u for u in Unit.objects.filter(units_q, is_active=True).select_related("kind")}
    earliest = today - timedelta(days=max(HISTORY_DAYS.values()))
    periods = list(
        Period.objects.filter(Q(due_date__gte=earliest) | Q(ends_on__gte=today), starts_on__lte=today, form__is_active=True)
        .select_related("form")
    )
    # Monthly reports first, so the annual report opens with the year's approved months.
    periods.sort(key=lambda p: (p.form.period_type != PeriodType.MONTHLY, p.ends_on, p.form.sort_order))
    existing = set(
        Submission.objects.filter(unit_id__in=units, period__in=periods).values_list("unit_id", "period_id")
    )
    owed = {
        period.pk: set(
            FormAssignment.objects.for_period(period).filter(unit_id__in=units).values_list("unit_id", flat=True)
        )
        for period in periods
    }
    history_from = {top.path: (today - timedelta(days=HISTORY_DAYS[top.code]), top.code in EVERY_FORM) for top in subtrees}
    versions = {v.pk: v for v in FormVersion.objects.filter(is_current=True).prefetch_related("rows")}
    phases = _phases(periods, today)
    written: dict[tuple[int, int], dict] = {}  # (unit, period) → the values just written, for the next period
    for period in periods:
        earlier = period.previous()
        for unit_id in sorted(owed[period.pk], key=lambda pk: units[pk].path):
            unit = units[unit_id]
            since, every_form = next(v for path, v in history_from.items() if unit.path.startswith(path))
            if (unit_id, period.pk) in existing or (phases[period.pk] != OPEN and period.due_date < since):
                continue
            if not every_form and period.form.code != MAIN_FORM:
                continue
            rng = random.Random(f"{unit.code}/{period.form.code}/{period.slug}")
            story = _story(unit, period, phases[period.pk], today, rng)
            if story == MISSING:
                continue
            previous = _previous_values(unit, earlier, written)
            written[(unit_id, period.pk)] = _write_report(unit, period, story, rng, actors, versions, today, previous)
            counts.add("báo cáo", created=True)


def _write_report(unit: Unit, period: Period, story: str, rng: random.Random, actors: Actors,
                  versions: dict[int, FormVersion], today: date, previous: dict | None) -> dict:
    """Take the unit's report through `story`; returns the values written."""
    officer, reviewer = actors.officer_of(unit), actors.reviewer_above(unit)
    submission = submission_open(unit=unit, period=period, by=officer)
    version = versions.get(submission.form_version_id) or submission.form_version
    prefilled, _comments = values_of(submission)
    cells, comments, values = _figures(version, unit, rng, prefilled, previous)
    submission = submission_save(
        submission=submission, cells=cells, comments=comments, expected_version=submission.version, by=officer
    ).submission
    if story == DRAFT:
        _backdate(submission, story, rng, today)
        return values
    try:
        submission = submission_submit(submission=submission, expected_version=submission.version, by=officer)
    except SubmitRefused:
        # A rule of a form file the generator cannot meet: the report stays a draft, nothing breaks.
        _backdate(submission, DRAFT, rng, today)
        return values
    if story in (RETURNED, APPROVED_AFTER_RETURN):
        row = _row_to_correct(version)
        submission = submission_return(
            submission=submission, expected_version=submission.version, by=reviewer, comment=RETURN_COMMENT,
            row_comments={row.key: ROW_COMMENT.format(number=row.number or row.label)} if row else None,
        )
        if story == APPROVED_AFTER_RETURN and row is not None:
            # Down by one (up from zero): no part exceeds its whole, no figure jumps tenfold.
            typed = cells.get((row.key, "value")) or Decimal(0)
            cells = {(row.key, "value"): typed - 1 if typed > 0 else typed + 1}
            values.update(cells)
            submission = submission_save(
                submission=submission, cells=cells, expected_version=submission.version, by=officer
            ).submission
            submission = submission_submit(submission=submission, expected_version=submission.version, by=officer)
    if story in (APPROVED, APPROVED_AFTER_RETURN, REOPENED):
        submission = submission_approve(submission=submission, expected_version=submission.version, by=reviewer)
    if story == REOPENED:
        submission = submission_reopen(
            submission=submission, expected_version=submission.version, by=reviewer, reason=REOPEN_REASON
        )
    _backdate(submission, story, rng, today)
    return values


def _row_to_correct(version: FormVersion):
    """A whole-number row with no parts and no whole above it: changing it by one breaks no rule."""
    rows = list(version.rows.all())
    with_parts = {row.parent_id for row in rows if row.parent_id}
    for row in rows:
        if row.kind == RowKind.INTEGER and not row.parent_id and row.pk not in with_parts and not row.prefill:
            return row
    return None


# --- figures ------------------------------------------------------------------------------------

TEXT_BY_ROW = {"advisory_department": "Ban Chính sách – Pháp luật"}  # Phụ lục 01 names a department
PEOPLE_UNITS = ("đoàn viên", "người", "lượt", "lao động", "nlđ", "cnvc")
NAMES = [
    "Nguyễn Văn Hùng", "Trần Thị Mỹ Linh", "Lê Hoàng Nam", "Phạm Thị Hồng Nhung", "Võ Minh Trí",
    "Huỳnh Thị Kim Yến", "Đặng Quốc Bảo", "Bùi Thị Thanh Tâm", "Ngô Văn Lực", "Dương Thị Ngọc Hân",
]


def _figures(version: FormVersion, unit: Unit, rng: random.Random, prefilled: dict, previous: dict | None):
    """Plausible figures for every cell of the form, keeping what the portal prefilled.

    Each cell has a level of its own for the unit (drawn from the unit and the row, so a unit's
    months look alike) varied a little each period. Parts ("of which" rows) share at most 90%
    of their whole, and a later column of a row (members benefiting) stays under its first
    (workers benefiting). The form's rules and the history check then run on the result: a cell
    in error is set to zero, a warning gets an explanation. Returns (cells to save, comments,
    every value as the checks saw them).
    """
    grassroots = unit.kind_id is not None and unit.kind.code == UnitKindCode.GRASSROOTS
    rows = list(version.rows.all())
    parts: dict[int, int] = {}
    for row in rows:
        if row.parent_id:
            parts[row.parent_id] = parts.get(row.parent_id, 0) + 1
    by_id = {row.pk: row for row in rows}
    by_key = {row.key: row for row in rows}
    text_at = text_column(version)
    cells: dict = {}

    def known(cell):
        value = cells.get(cell, prefilled.get(cell))
        return None if value in (None, "") else value

    for row in rows:
        if row.kind == RowKind.TEXT:
            if prefilled.get((row.key, text_at)) in (None, "") and (row.required or rng.random() < 0.85):
                cells[(row.key, text_at)] = TEXT_BY_ROW.get(row.key) or rng.choice(TEXTS)
        elif row.kind == RowKind.PEOPLE:
            cells.update(_people(row, unit, rng))
        elif row.kind in (RowKind.INTEGER, RowKind.MONEY, RowKind.PERCENT):
            columns = stored_columns(version, row)
            for position, column in enumerate(columns):
                cell = (row.key, column)
                if known(cell) is not None:
                    continue
                kind = row.column_spec(column)["kind"]
                bounds = []
                if row.parent_id and known((by_id[row.parent_id].key, column)) is not None:
                    share = rng.uniform(0.4, 0.9) / parts[row.parent_id]
                    bounds.append(known((by_id[row.parent_id].key, column)) * Decimal(str(round(share, 3))))
                if position and known((row.key, columns[0])) is not None:
                    bounds.append(known((row.key, columns[0])) * Decimal(str(round(rng.uniform(0.6, 0.95), 3))))
                if bounds:
                    number = min(bounds)
                    cells[cell] = number.quantize(Decimal("1") if kind == RowKind.INTEGER else Decimal("0.1"))
                else:
                    level = random.Random(f"{unit.code}/{version.form_id}/{row.key}/{column}")
                    cells[cell] = _number(kind, row.column_spec(column)["unit"] or "", grassroots, level, rng)
    values = {**{k: v for k, v in prefilled.items() if v not in (None, "")}, **cells}
    comments: dict = {}
    for _round in range(4):
        issues = check(version, values, comments=comments, previous=previous)
        if not issues:
            break
        for issue in issues:
            cell = (issue.row_key, issue.column)
            if not issue.is_error:
                comments[cell] = WARNING_COMMENT
            elif by_key[issue.row_key].kind in (RowKind.TEXT, RowKind.PEOPLE):
                values[cell] = cells[cell] = rng.choice(TEXTS)
            else:
                values[cell] = cells[cell] = Decimal(0)
    return cells, comments, values


def _number(kind: str, unit_of_measure: str, grassroots: bool, level: random.Random, rng: random.Random) -> Decimal:
    """The unit's own level for the cell (`level`), varied for this period (`rng`)."""
    if kind == RowKind.PERCENT:
        return Decimal(str(round(min(100.0, level.uniform(35, 90) * rng.uniform(0.9, 1.1)), 1)))
    if kind == RowKind.MONEY:
        return Decimal(str(round(level.uniform(3, 120 if grassroots else 400) * rng.uniform(0.6, 1.4), 1)))
    if unit_of_measure.lower().startswith(PEOPLE_UNITS):
        base = level.randint(8, 180) if grassroots else level.randint(40, 600)
        return Decimal(round(base * rng.uniform(0.7, 1.3)))
    base = level.randint(0, 3) if grassroots else level.randint(1, 8)
    return Decimal(max(0, base + rng.randint(-1, 1)))


def _people(row, unit: Unit, rng: random.Random) -> dict:
    """A people table: a name, a phone and an email on every line (the printed position stands)."""
    lines, fields = people_table(row)
    cells = {}
    domain = f"{unit.code.lower()}.congdoan.vn"
    for line in lines:
        name = rng.choice(NAMES)
        for spec in fields:
            column = f"{line['key']}.{spec['key']}"
            if spec["key"] == "name":
                cells[(row.key, column)] = name
            elif spec.get("format") == "phone":
                cells[(row.key, column)] = f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
            elif spec.get("format") == "email":
                cells[(row.key, column)] = f"{fold(name).replace(' ', '.')}@{domain}"
    return cells


def _previous_values(unit: Unit, earlier_period: Period | None, written: dict) -> dict | None:
    """The unit's figures of the period before, for the history check (as `submission_issues` reads them)."""
    if earlier_period is None:
        return None
    if (unit.pk, earlier_period.pk) in written:
        return written[(unit.pk, earlier_period.pk)]
    earlier = Submission.objects.filter(unit=unit, period=earlier_period).first()
    return values_of(earlier)[0] if earlier is not None else None


# --- when it happened ---------------------------------------------------------------------------

STEPS = {
    DRAFT: ["opened"],
    SUBMITTED: ["opened", "submitted"],
    RETURNED: ["opened", "submitted", "returned"],
    APPROVED: ["opened", "submitted", "approved"],
    APPROVED_AFTER_RETURN: ["opened", "submitted", "returned", "resubmitted", "approved"],
    REOPENED: ["opened", "submitted", "approved", "reopened"],
}


def _backdate(submission: Submission, story: str, rng: random.Random, today: date) -> None:
    """Move the report's times to when its steps would have happened, around its due date.

    Most reports are sent a few days before the due date, about one in twelve after it; a report of
    the period under way is sent in the last days, never later than now. Timeliness is decided
    again from the moved first submission, as `submission_submit` decides it.
    """
    period = submission.period
    now = timezone.now()
    due = timezone.make_aware(datetime.combine(period.due_date, time(9, 0)))
    # A report of a closed period still waiting for review was sent after its due date.
    late = period.due_date < today and (story == SUBMITTED or rng.random() < 0.08)
    submitted = due + timedelta(days=rng.randint(1, 6)) if late else due - timedelta(days=rng.randint(0, 6), hours=-6)
    times = {
        "opened": submitted - timedelta(days=rng.randint(2, 7), hours=5),
        "submitted": submitted,
        "returned": submitted + timedelta(days=1, hours=1),
        "resubmitted": submitted + timedelta(days=2, hours=3),
    }
    times["approved"] = max(times["submitted"], times["resubmitted"] if "resubmitted" in STEPS[story] else due) + timedelta(
        days=rng.randint(1, 3), hours=2
    )
    times["reopened"] = times["approved"] + timedelta(days=6)
    # Steps in order, none in the future, each after the one before.
    moments: list[datetime] = []
    for step in STEPS[story]:
        moment = min(times[step], now - timedelta(hours=len(STEPS[story]) - len(moments)))
        if moments and moment <= moments[-1]:
            moment = moments[-1] + timedelta(minutes=30)
        moments.append(moment)
    at = dict(zip(STEPS[story], moments, strict=True))
    transitions = list(SubmissionTransition.objects.filter(submission=submission).order_by("id"))
    for transition, moment in zip(transitions, moments, strict=True):
        transition.at = moment
    SubmissionTransition.objects.bulk_update(transitions, ["at"])
    first = at.get("submitted")
    fields = {"created_at": at["opened"], "updated_at": moments[-1]}
    if first is not None:
        fields |= {
            "first_submitted_at": first,
            "last_submitted_at": at.get("resubmitted", first),
            "submitted_late": first > period.deadline(),
        }
    if story in (APPROVED, APPROVED_AFTER_RETURN):
        fields["approved_at"] = at["approved"]
    # Backdated as the demo story goes; the audit history keeps this write too.
    audit.update(Submission.objects.filter(pk=submission.pk), by=None, reason="seed_demo", **fields)
