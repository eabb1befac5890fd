"""Officers fill their unit's reports; reviewers above review them.

Access, the same on every page:
- not signed in → the login page; no role anywhere (a member) → 404;
- a unit or submission outside the user's visible scope → 404 (it does not exist for them);
- visible but not theirs to change (a reviewer on an officer's form, an officer acting as a
  reviewer) → 403.
Reads go through `visible_to`, the officer's writes through `editable_by`, the reviewer's
through `reviewable_by` (organizations/scoping.py); the services check again.

The entry page saves itself while the officer types (htmx posts the whole form with the
version the page was built on; the answer updates that version and the messages next to each
cell, out of band, and never touches what is in the inputs). Every refusal keeps what was
typed on the screen: a stale version (someone else saved) answers 409 with a message, cells
that cannot be read come back with their own message, and the page re-renders typed values.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.choices import Role
from organizations.models import RoleAssignment, Unit
from organizations.scoping import get_scope
from reporting import services
from reporting.choices import RowKind, SubmissionStatus, ValueSource
from reporting.definitions import (
    NO_CELL,
    computed_cells,
    computed_decimals,
    is_computed,
    people_table,
)
from reporting.forms_entry import (
    COMMENT_PREFIX,
    ROW_COMMENT_PREFIX,
    VALUE_PREFIX,
    QueueFilterForm,
    ReopenForm,
    ReturnForm,
    cell_name,
    posted_cells,
    posted_row_comments,
    posted_version,
)
from reporting.models import (
    FormVersion,
    Period,
    ReviewComment,
    Submission,
    SubmissionTransition,
)
from reporting.validation import Issue, text_column
from unionportal.history import submission_changes
from unionportal.numbers import format_number
from unionportal.text import fold

QUEUE_PAGE_SIZE = 50
LIST_PAGE_SIZE = 24
TEXT_KINDS = (RowKind.TEXT, RowKind.PEOPLE)
PERIOD_SLUG = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


# --- access ----------------------------------------------------------------------------------


def staff_required(view):
    """Signed in and holding a role somewhere; members and strangers get 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if get_scope(request.user).is_empty:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _submissions():
    return Submission.objects.select_related("unit", "period__form", "form_version", "updated_by", "approved_by")


def visible_submission(user, pk: int) -> Submission:
    return get_object_or_404(_submissions().visible_to(user), pk=pk)


def editable_submission(user, pk: int) -> Submission:
    """Outside the scope: 404. Visible but not the user's unit's: 403."""
    submission = visible_submission(user, pk)
    if not Submission.objects.editable_by(user).filter(pk=submission.pk).exists():
        raise PermissionDenied
    return submission


def can_review(user, submission: Submission) -> bool:
    return Submission.objects.reviewable_by(user).filter(pk=submission.pk).exists()


# --- a unit's reports: which periods it owes and where each stands --------------------------


def owed_periods(unit: Unit):
    """Periods the unit owes: the form is assigned to it on the period's due date."""
    return Period.objects.filter(
        Q(form__assignments__unit=unit)
        & Q(form__assignments__valid_from__lte=F("due_date"))
        & (Q(form__assignments__valid_until__isnull=True) | Q(form__assignments__valid_until__gte=F("due_date")))
    ).distinct()


@dataclass
class ReportLine:
    """One period a unit owes (or has reported for), with its submission if it has one."""

    unit: Unit
    period: Period
    submission: Submission | None
    today: date

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else ""

    @property
    def status_label(self) -> str:
        return self.submission.get_status_display() if self.submission else _("Chưa mở")

    @property
    def is_done(self) -> bool:
        return self.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)

    @property
    def timeliness(self) -> str:
        """on_time | late (decided at the first submission) | overdue | open."""
        if self.submission and self.submission.first_submitted_at:
            return "late" if self.submission.submitted_late else "on_time"
        return "overdue" if self.today > self.period.due_date else "open"

    @property
    def timeliness_label(self) -> str:
        if self.timeliness == "on_time":
            return _("Gửi đúng hạn")
        if self.timeliness == "late":
            return _("Gửi muộn")
        if self.timeliness == "overdue":
            return _("Quá hạn, chưa gửi")
        days = (self.period.due_date - self.today).days
        if days == 0:
            return _("Hạn nộp hôm nay")
        return ngettext("Còn %(days)d ngày", "Còn %(days)d ngày", days) % {"days": days}

    @property
    def url(self) -> str:
        return reverse("reporting:submission-edit", kwargs={
            "unit_pk": self.unit.pk, "form_code": self.period.form.code, "period_slug": self.period.slug,
        })


def report_lines(unit: Unit, *, today: date, open_only: bool = False) -> list[ReportLine]:
    """The unit's started periods, latest due first; two queries whatever their number."""
    submissions = {
        s.period_id: s for s in Submission.objects.filter(unit=unit).select_related("period__form")
    }
    periods = {p.pk: p for p in owed_periods(unit).filter(starts_on__lte=today).select_related("form")}
    for submission in submissions.values():
        periods.setdefault(submission.period_id, submission.period)
    lines = [ReportLine(unit, period, submissions.get(pk), today) for pk, period in periods.items()]
    if open_only:
        lines = [line for line in lines if not line.is_done]
    lines.sort(key=lambda line: (line.period.due_date, line.period.form.sort_order), reverse=not open_only)
    return lines


def officer_units(user):
    """Units where the user is an officer (the reports they fill)."""
    unit_ids = RoleAssignment.objects.filter(user=user, role=Role.OFFICER).values("unit_id")
    return Unit.objects.editable_by(user).filter(pk__in=unit_ids).select_related("kind")


HOME_LINES = 6


def home_reports(user, units) -> list[tuple[Unit, list[ReportLine], int]]:
    """For the home page: each officer unit's reports still to send and how many more there are.

    Those not yet due come first, nearest due date first; then the overdue ones, latest first
    (a unit that never reported should see this month before last January).
    """
    today = timezone.localdate()
    result = []
    for unit in units:
        lines = report_lines(unit, today=today, open_only=True)
        upcoming = [line for line in lines if line.period.due_date >= today]
        overdue = [line for line in lines if line.period.due_date < today]
        ordered = upcoming + overdue[::-1]
        result.append((unit, ordered[:HOME_LINES], max(0, len(ordered) - HOME_LINES)))
    return result


def awaiting_review_count(user) -> int:
    return Submission.objects.reviewable_by(user).awaiting_review().count()


@staff_required
@require_GET
def submission_list(request: HttpRequest) -> HttpResponse:
    """My unit's reports: every period its forms are due, with status, due date and timeliness."""
    user = request.user
    units = list(officer_units(user))
    chosen = request.GET.get("don_vi")
    if chosen:
        # A system administrator (or an officer of several units) may look at one unit.
        unit = get_object_or_404(Unit.objects.visible_to(user).select_related("kind"), pk=_int(chosen))
        if not Unit.objects.editable_by(user).filter(pk=unit.pk).exists():
            raise PermissionDenied
        units = [unit]
    today = timezone.localdate()
    sections = []
    for unit in units:
        page = Paginator(report_lines(unit, today=today), LIST_PAGE_SIZE).get_page(request.GET.get("trang"))
        sections.append({"unit": unit, "page": page})
    return render(request, "reporting/entry/submission_list.html", {
        "sections": sections,
        "awaiting_count": awaiting_review_count(user) if get_scope(user).reviewer_paths else None,
        "query_string": _query_without(request, "trang"),
    })


# --- the page of one report ------------------------------------------------------------------


@dataclass
class CellView:
    """One cell of a row as the page shows it."""

    column: str
    kind: str
    name: str
    comment_name: str
    dom_id: str
    unit: str = ""  # the cell's unit of measure (the row's unless the cell says otherwise)
    caption: str = ""  # what the paper form prints in the cell ("Kết quả tham gia của CĐCS")
    unit_differs: bool = False
    label: str = ""  # the column's header, for phones where the header is not shown
    placeholder: str = ""
    display: str = ""
    absent: bool = False  # the row has no such cell (ruled out on paper)
    computed: bool = False
    source_note: str | None = None
    comment: str = ""
    error: str = ""
    issues: list[Issue] = field(default_factory=list)
    previous: str = ""

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def is_integer(self) -> bool:
        return self.kind == RowKind.INTEGER

    @property
    def has_warning(self) -> bool:
        return any(not issue.is_error for issue in self.issues)

    @property
    def needs_explanation(self) -> bool:
        return self.has_warning or bool(self.comment.strip())

    @property
    def editable(self) -> bool:
        return not (self.absent or self.computed)


@dataclass
class PeopleLine:
    """One line of a people table (Phụ lục 01: "Lãnh đạo LĐLĐ tỉnh") with a cell per field."""

    key: str
    label: str
    cells: list[CellView]


@dataclass
class RowView:
    row: object
    cells: list[CellView]
    review_comment: str = ""
    reviewer_draft: str = ""  # what the reviewer typed for this row before a refusal
    people_fields: list[dict] = field(default_factory=list)
    people_lines: list[PeopleLine] = field(default_factory=list)

    @property
    def is_section(self) -> bool:
        return self.row.kind == RowKind.SECTION

    @property
    def is_text(self) -> bool:
        """A text row: one box across the unit and figure columns, whatever the number of columns."""
        return self.row.kind == RowKind.TEXT

    @property
    def is_people(self) -> bool:
        return self.row.kind == RowKind.PEOPLE

    @property
    def all_cells(self) -> list[CellView]:
        return self.cells + [cell for line in self.people_lines for cell in line.cells]


def _dom_id(row_key: str, column: str) -> str:
    return f"{row_key}--{column}".replace(".", "__")


def _display(value, kind: str) -> str:
    if kind in TEXT_KINDS:
        return value.text
    return format_number(value.number)


def _numbers(values: dict, rows) -> dict[tuple[str, str], Decimal]:
    by_id = {row.pk: row.key for row in rows}
    return {(by_id[row_id], column): v.number for (row_id, column), v in values.items() if v.number is not None}


def build_rows(submission: Submission, *, typed: dict | None = None, typed_comments: dict | None = None,
               cell_errors: dict | None = None, issues: list[Issue] | None = None,
               review_comments: dict[int, str] | None = None, previous: Submission | None = None) -> list[RowView]:
    """The form's rows with this submission's cells; what was typed (after a refusal) wins.

    Generic over the form files: one or several figure columns (a column a row does not have
    is left blank, a computed one such as a share in % is shown, never typed), text rows, and
    people tables (a cell per line and field, stored as "<line>.<field>").
    """
    form_version = submission.form_version
    rows = list(form_version.rows.all())
    stored = {(v.row_id, v.column): v for v in submission.values.all()}
    earlier = {(v.row_id, v.column): v for v in previous.values.all()} if previous is not None else {}
    computed = computed_cells(form_version, _numbers(stored, rows), rows)
    computed_before = computed_cells(form_version, _numbers(earlier, rows), rows) if previous is not None else {}
    typed, typed_comments = typed or {}, typed_comments or {}
    cell_errors, review_comments = cell_errors or {}, review_comments or {}
    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues or []:
        by_cell[(issue.row_key, issue.column)].append(issue)
    columns = form_version.columns
    text_key = text_column(form_version)

    def cell_for(row, column: str, *, label: str = "", placeholder: str = "") -> CellView:
        spec = row.column_spec(column)
        kind = spec.get("kind", row.kind)
        unit = spec.get("unit") or row.unit
        cell = CellView(
            column=column, kind=kind, name=cell_name(VALUE_PREFIX, row.key, column),
            comment_name=cell_name(COMMENT_PREFIX, row.key, column), dom_id=_dom_id(row.key, column),
            unit=unit, caption=spec.get("label", "") if row.kind in (RowKind.INTEGER, RowKind.MONEY, RowKind.PERCENT) else "",
            unit_differs=unit != row.unit, label=label, placeholder=placeholder,
            absent=kind == NO_CELL, computed=is_computed(form_version, column),
        )
        if cell.absent:
            return cell
        if cell.computed:
            places = computed_decimals(form_version, column)
            cell.display = format_number(computed.get((row.key, column)), places)
            cell.previous = format_number(computed_before.get((row.key, column)), places)
            return cell
        value = stored.get((row.pk, column))
        if value is not None:
            cell.display = _display(value, kind)
            cell.comment = value.comment
            if value.source == ValueSource.PREFILL:
                cell.source_note = value.source_note or _("Lấy sẵn từ số liệu của cổng")
        if (row.key, column) in typed:
            cell.display = typed[(row.key, column)]
        if (row.key, column) in typed_comments:
            cell.comment = typed_comments[(row.key, column)]
        cell.error = cell_errors.get((row.key, column), "")
        cell.issues = by_cell.get((row.key, column), [])
        if (row.pk, column) in earlier:
            cell.previous = _display(earlier[(row.pk, column)], kind)
        return cell

    result = []
    for row in rows:
        view = RowView(row=row, cells=[], review_comment=review_comments.get(row.pk, ""))
        if row.kind == RowKind.TEXT:
            view.cells = [cell_for(row, text_key, label=row.label)]
        elif row.kind == RowKind.PEOPLE:
            lines, fields = people_table(row)
            view.people_fields = fields
            for line in lines:
                view.people_lines.append(PeopleLine(key=str(line["key"]), label=line.get("label", ""), cells=[
                    cell_for(row, f"{line['key']}.{spec['key']}", label=spec.get("label", ""),
                             placeholder=line.get("label", "") if spec.get("default") == "line" else "")
                    for spec in fields
                ]))
        elif row.kind != RowKind.SECTION:
            view.cells = [cell_for(row, c["key"], label=c.get("label", "")) for c in columns]
        result.append(view)
    return result


@dataclass
class IssueLine:
    """A problem in the list above the Submit button, linked to its row."""

    issue: Issue
    number: str
    label: str
    anchor: str


def issue_lines(form_version: FormVersion, issues: list[Issue]) -> list[IssueLine]:
    rows = {row.key: row for row in form_version.rows.all()}
    lines = []
    for issue in issues:
        row = rows.get(issue.row_key)
        lines.append(IssueLine(
            issue=issue, number=row.number if row else "", label=row.label if row else issue.row_key,
            anchor=f"row-{issue.row_key}",
        ))
    return lines


def history(submission: Submission) -> list[SubmissionTransition]:
    """Every transition with who did it and the per-row comments of each return (3 queries)."""
    return list(
        submission.transitions.select_related("by").prefetch_related(
            Prefetch("row_comments", queryset=ReviewComment.objects.select_related("row").order_by("row__order"))
        )
    )


def last_return(transitions: list[SubmissionTransition]) -> SubmissionTransition | None:
    """The latest return (or reopening) whose comments the officer should see next to the rows."""
    for transition in reversed(transitions):
        if transition.to_status == SubmissionStatus.RETURNED:
            return transition
        if transition.to_status == SubmissionStatus.SUBMITTED:
            return None  # answered already by a resubmission
    return None


def previous_submission(submission: Submission) -> Submission | None:
    earlier = submission.period.previous()
    if earlier is None:
        return None
    return Submission.objects.filter(unit_id=submission.unit_id, period=earlier).select_related("period__form").first()


def _header(submission: Submission) -> dict:
    definition = submission.form_version.definition
    columns = [
        {"key": c["key"], "label": c.get("label", ""), "computed": bool(c.get("formula"))}
        for c in submission.form_version.columns
    ]
    unit_header = definition.get("unit_header", _("Đơn vị"))  # null: units are per cell (An Giang)
    return {
        "appendix": definition.get("appendix", ""),
        "attachment_note": definition.get("attachment_note", ""),
        "template_label": definition.get("template_label", ""),
        "unit_caption": definition.get("unit_caption", ""),
        "content_header": definition.get("content_header") or _("Nội dung và chỉ tiêu báo cáo"),
        "unit_header": unit_header or "",
        "title": definition.get("title", submission.period.form.title),
        "columns": columns,
        "multi_column": len(columns) > 1,
        # A form of text and people only (Phụ lục 01) has no table header on paper.
        "has_figures": any(r.get("kind") in ("integer", "money", "percent") for r in definition.get("rows", [])),
    }


def _spans(submission: Submission, *, review: bool) -> dict:
    """Column spans of the table: figure columns (doubled beside the previous period), plus the unit column."""
    count = len(submission.form_version.columns)
    value_span = count * (2 if review else 1)
    has_unit_column = submission.form_version.definition.get("unit_header", "-") is not None
    return {"column_count": count, "value_span": value_span, "wide_span": value_span + int(has_unit_column)}


def entry_context(request: HttpRequest, submission: Submission, *, typed=None, typed_comments=None,
                  cell_errors=None, issues=None, alert: str = "") -> dict:
    user = request.user
    editable = submission.is_editable and Submission.objects.editable_by(user).filter(pk=submission.pk).exists()
    if issues is None:
        issues = services.submission_issues(submission) if submission.is_editable else []
    transitions = history(submission)
    returned = last_return(transitions) if submission.status == SubmissionStatus.RETURNED else None
    review_comments = {c.row_id: c.text for c in returned.row_comments.all()} if returned else {}
    return {
        "submission": submission,
        "unit": submission.unit,
        "period": submission.period,
        "form": submission.period.form,
        "header": _header(submission),
        "rows": build_rows(
            submission, typed=typed, typed_comments=typed_comments, cell_errors=cell_errors, issues=issues,
            review_comments=review_comments,
        ),
        "issues": issue_lines(submission.form_version, issues),
        "has_errors": any(i.is_error for i in issues),
        **_spans(submission, review=False),
        "editable": editable,
        "returned": returned,
        "history": transitions,
        "alert": alert,
        "parent": Unit.objects.filter(path=submission.unit.parent_path).first() if submission.unit.depth > 1 else None,
        "now": timezone.now(),
    }


def _period_or_404(form_code: str, period_slug: str) -> Period:
    match = PERIOD_SLUG.match(period_slug)
    if not match:
        raise Http404
    year, month = int(match.group(1)), int(match.group(2)) if match.group(2) else None
    return get_object_or_404(Period.objects.select_related("form"), form__code=form_code, year=year, month=month)


@staff_required
@require_GET
def submission_edit(request: HttpRequest, unit_pk: int, form_code: str, period_slug: str) -> HttpResponse:
    """The unit's report for the period, looking like the paper form; opening it creates the draft."""
    user = request.user
    unit = get_object_or_404(Unit.objects.visible_to(user).select_related("kind"), pk=unit_pk)
    if not Unit.objects.editable_by(user).filter(pk=unit.pk).exists():
        raise PermissionDenied
    period = _period_or_404(form_code, period_slug)
    submission = _submissions().filter(unit=unit, period=period).first()
    if submission is None:
        if period.starts_on > timezone.localdate() or not owed_periods(unit).filter(pk=period.pk).exists():
            raise Http404  # nothing to fill: the unit does not owe this form, or the period has not begun
        submission = services.submission_open(unit=unit, period=period, by=user)
        submission = _submissions().get(pk=submission.pk)
    return render(request, "reporting/entry/submission_edit.html", entry_context(request, submission))


def _refused(request: HttpRequest, submission: Submission, message: str, *, typed, typed_comments,
             cell_errors=None, status: int = 409) -> HttpResponse:
    """Answer a refused save: htmx gets the message out of band, a page keeps every typed value."""
    if request.htmx:
        return render(request, "reporting/entry/_save_refused.html", {"message": message}, status=status)
    fresh = _submissions().get(pk=submission.pk)
    context = entry_context(request, fresh, typed=typed, typed_comments=typed_comments, cell_errors=cell_errors,
                            alert=message)
    return render(request, "reporting/entry/submission_edit.html", context, status=status)


def _save(request: HttpRequest, submission: Submission):
    """Save the posted cells; returns (result or None, refusal response or None, typed, comments)."""
    typed, typed_comments = posted_cells(request.POST, submission.form_version)
    version = posted_version(request.POST)
    if version is None:
        return None, _refused(request, submission, _("Trang thiếu phiên bản báo cáo: hãy tải lại trang."),
                              typed=typed, typed_comments=typed_comments, status=400), typed, typed_comments
    try:
        result = services.submission_save(
            submission=submission, cells=typed, comments=typed_comments, expected_version=version, by=request.user,
        )
    except (services.SubmissionConflict, services.SubmissionLocked) as exc:
        return None, _refused(request, submission, str(exc), typed=typed, typed_comments=typed_comments), \
            typed, typed_comments
    return result, None, typed, typed_comments


@staff_required
@require_POST
def submission_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a draft (htmx while typing, or the "Lưu nháp" button)."""
    submission = editable_submission(request.user, pk)
    result, refusal, typed, typed_comments = _save(request, submission)
    if refusal is not None:
        return refusal
    fresh = _submissions().get(pk=submission.pk)
    issues = services.submission_issues(fresh)
    if request.htmx:
        rows = build_rows(fresh, typed=typed, typed_comments=typed_comments, cell_errors=result.cell_errors,
                          issues=issues)
        return render(request, "reporting/entry/_save_result.html", {
            "submission": fresh, "rows": rows, "issues": issue_lines(fresh.form_version, issues),
            "has_errors": any(i.is_error for i in issues), "editable": True, "now": timezone.now(),
            "cell_errors": result.cell_errors,
        })
    if result.cell_errors:
        context = entry_context(request, fresh, typed=typed, typed_comments=typed_comments,
                                cell_errors=result.cell_errors, issues=issues,
                                alert=_("Một số ô chưa lưu được: xem thông báo cạnh từng ô."))
        return render(request, "reporting/entry/submission_edit.html", context, status=422)
    messages.success(request, _("Đã lưu bản nháp."))
    return redirect(_edit_url(fresh))


@staff_required
@require_POST
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what is on the page, then send the report to the unit above."""
    submission = editable_submission(request.user, pk)
    result, refusal, typed, typed_comments = _save(request, submission)
    if refusal is not None:
        return refusal
    fresh = _submissions().get(pk=submission.pk)
    if result.cell_errors:
        context = entry_context(request, fresh, typed=typed, typed_comments=typed_comments,
                                cell_errors=result.cell_errors,
                                alert=_("Chưa gửi được: một số ô chưa đúng, xem thông báo cạnh từng ô."))
        return render(request, "reporting/entry/submission_edit.html", context, status=422)
    try:
        services.submission_submit(submission=fresh, expected_version=fresh.version, by=request.user)
    except services.SubmitRefused as refused:
        context = entry_context(request, fresh, typed=typed, typed_comments=typed_comments, issues=refused.issues,
                                alert=_("Chưa gửi được: hãy sửa các lỗi và giải trình các cảnh báo dưới đây."))
        return render(request, "reporting/entry/submission_edit.html", context, status=422)
    except (services.SubmissionConflict, services.SubmissionLocked) as exc:
        return _refused(request, fresh, str(exc), typed=typed, typed_comments=typed_comments)
    parent = Unit.objects.filter(path=fresh.unit.parent_path).first() if fresh.unit.depth > 1 else None
    if parent is not None:
        messages.success(request, _("Đã gửi báo cáo lên %(unit)s.") % {"unit": parent.name})
    else:
        messages.success(request, _("Đã gửi báo cáo."))
    return redirect(_edit_url(fresh))


def _edit_url(submission: Submission) -> str:
    return reverse("reporting:submission-edit", kwargs={
        "unit_pk": submission.unit_id, "form_code": submission.period.form.code, "period_slug": submission.period.slug,
    })


# --- review ----------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submissions waiting in the reviewer's subtree, oldest due date first; approve several at once."""
    user = request.user
    if request.method == "POST":
        return _approve_many(request)
    waiting = Submission.objects.reviewable_by(user).awaiting_review()
    filters = QueueFilterForm(request.GET or None)
    queue = waiting
    if filters.is_valid():
        if filters.cleaned_data["bieu_mau"]:
            queue = queue.filter(period__form=filters.cleaned_data["bieu_mau"])
        if filters.cleaned_data["ky"]:
            year, _dash, month = filters.cleaned_data["ky"].partition("-")
            queue = queue.filter(period__year=int(year), period__month=int(month) if month else None)
        if filters.cleaned_data["q"] and fold(filters.cleaned_data["q"]):
            queue = queue.filter(unit__search_key__contains=fold(filters.cleaned_data["q"]))
    queue = queue.select_related("unit", "period__form").order_by(
        "period__due_date", "first_submitted_at", "unit__path"
    )
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("trang"))
    periods = Period.objects.filter(pk__in=waiting.values("period_id")).select_related("form").order_by(
        "-starts_on", "form__sort_order"
    )
    return render(request, "reporting/entry/review_queue.html", {
        "page": page,
        "filters": filters,
        "periods": periods,
        "query_string": _query_without(request, "trang"),
        "today": timezone.localdate(),
    })


def _approve_many(request: HttpRequest) -> HttpResponse:
    """Approve the ticked submissions, each at the version the reviewer's list showed."""
    chosen = [pk for pk in map(_int, request.POST.getlist("chon")) if pk]
    back = reverse("reporting:review-queue") + (f"?{request.POST['tro_ve']}" if request.POST.get("tro_ve") else "")
    if not chosen:
        messages.warning(request, _("Hãy chọn ít nhất một báo cáo để duyệt."))
        return redirect(back)
    submissions = list(
        Submission.objects.reviewable_by(request.user).filter(pk__in=chosen).select_related("unit", "period__form")
    )
    for submission in submissions:
        seen = _int(request.POST.get(f"phien_ban_{submission.pk}"))
        if seen is not None:
            submission.version = seen  # approve what the list showed, not what changed since
    approved, refused = services.submissions_approve_many(submissions=submissions, by=request.user)
    if approved:
        messages.success(request, ngettext(
            "Đã duyệt %(count)d báo cáo.", "Đã duyệt %(count)d báo cáo.", len(approved)) % {"count": len(approved)})
    for submission, reason in refused:
        messages.error(request, _("Chưa duyệt báo cáo của %(unit)s (%(period)s): %(reason)s") % {
            "unit": submission.unit.name, "period": submission.period.label, "reason": reason})
    return redirect(back)


def review_context(request: HttpRequest, submission: Submission, *, return_form=None, reopen_form=None,
                   row_comments=None, alert: str = "") -> dict:
    user = request.user
    previous = previous_submission(submission)
    transitions = history(submission)
    issues = services.submission_issues(submission) if submission.status == SubmissionStatus.SUBMITTED else []
    rows = build_rows(submission, previous=previous, issues=issues)
    row_comments = row_comments or {}
    for row in rows:
        row.reviewer_draft = row_comments.get(row.row.key, "")
    reviewer = can_review(user, submission)
    return {
        "submission": submission,
        "unit": submission.unit,
        "period": submission.period,
        "form": submission.period.form,
        "header": _header(submission),
        "rows": rows,
        "previous": previous,
        **_spans(submission, review=True),
        "history": transitions,
        "changes": submission_changes(submission),
        "returned": last_return(transitions) if submission.status == SubmissionStatus.RETURNED else None,
        "can_review": reviewer,
        "can_decide": reviewer and submission.status == SubmissionStatus.SUBMITTED,
        "can_reopen": reviewer and submission.status == SubmissionStatus.APPROVED,
        "return_form": return_form or ReturnForm(),
        "reopen_form": reopen_form or ReopenForm(),
        "row_comment_prefix": ROW_COMMENT_PREFIX,
        "alert": alert,
    }


@staff_required
@require_http_methods(["GET", "POST"])
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The submission beside the unit's previous period; approve, or return with comments."""
    submission = visible_submission(request.user, pk)
    if request.method == "GET":
        return render(request, "reporting/entry/submission_review.html", review_context(request, submission))
    if not can_review(request.user, submission):
        raise PermissionDenied
    return_form = ReturnForm(request.POST)
    row_comments = posted_row_comments(request.POST)
    version = posted_version(request.POST)
    action = request.POST.get("hanh_dong")
    try:
        if version is None:
            raise services.SubmissionConflict()
        if action == "duyet":
            services.submission_approve(submission=submission, expected_version=version, by=request.user)
            messages.success(request, _("Đã duyệt báo cáo của %(unit)s, %(period)s.") % {
                "unit": submission.unit.name, "period": submission.period.label})
            return redirect("reporting:review-queue")
        if action == "tra_lai":
            comment = return_form.data.get("comment", "")
            if not comment.strip():
                return_form.add_error("comment", _("Hãy ghi ý kiến khi trả lại báo cáo."))
                context = review_context(request, submission, return_form=return_form, row_comments=row_comments)
                return render(request, "reporting/entry/submission_review.html", context, status=422)
            services.submission_return(submission=submission, expected_version=version, by=request.user,
                                       comment=comment, row_comments=row_comments)
            messages.success(request, _("Đã trả lại báo cáo cho %(unit)s.") % {"unit": submission.unit.name})
            return redirect("reporting:review-queue")
    except services.SubmissionConflict:
        alert = _("Báo cáo đã thay đổi sau khi bạn mở trang (đơn vị sửa, hoặc người khác đã xử lý). "
                  "Trang đang hiện bản mới nhất: hãy xem lại trước khi quyết định.")
    except services.SubmissionLocked as exc:
        alert = str(exc)
    else:
        raise Http404  # an unknown action
    fresh = _submissions().get(pk=submission.pk)
    context = review_context(request, fresh, return_form=return_form, row_comments=row_comments, alert=alert)
    return render(request, "reporting/entry/submission_review.html", context, status=409)


@staff_required
@require_POST
def submission_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Unlock an approved report, with a reason, so its unit can correct it."""
    submission = visible_submission(request.user, pk)
    if not can_review(request.user, submission):
        raise PermissionDenied
    form = ReopenForm(request.POST)
    version = posted_version(request.POST)
    alert, status = "", 422
    if form.is_valid():
        try:
            services.submission_reopen(submission=submission, expected_version=version or 0, by=request.user,
                                       reason=form.cleaned_data["reason"])
        except services.SubmissionConflict:
            alert, status = _("Báo cáo đã thay đổi sau khi bạn mở trang: hãy xem lại rồi mở lại nếu vẫn cần."), 409
        except services.SubmissionLocked as exc:
            alert, status = str(exc), 409
        else:
            messages.success(request, _("Đã mở lại báo cáo: đơn vị có thể sửa và gửi lại."))
            return redirect("reporting:submission-review", pk=submission.pk)
    fresh = _submissions().get(pk=submission.pk)
    context = review_context(request, fresh, reopen_form=form, alert=alert)
    return render(request, "reporting/entry/submission_review.html", context, status=status)


# --- small helpers ---------------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
