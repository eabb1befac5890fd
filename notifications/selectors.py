"""Reads of the reminders: what is due on a day, which units still owe a report, who is told.

Everything is worked out from the reporting data: the periods' due dates, the forms' reminder
offsets, the units that owe a form (`FormAssignment`) and their submissions. Nothing is copied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery

from notifications.choices import DispatchKind
from notifications.models import ReminderDispatch
from organizations.choices import Role
from organizations.models import RoleAssignment, Unit, User
from reporting.choices import ComplianceStatus, SubmissionStatus
from reporting.models import Form, FormAssignment, FormVersion, Period, SubmissionValue
from reporting.selectors import compliance, compliance_status_expression

# A unit that has not sent its report: nothing opened, a draft, or returned and not sent again.
OWING = (ComplianceStatus.MISSING, ComplianceStatus.DRAFT, ComplianceStatus.RETURNED)
# The digest goes out the day after the due date.
ESCALATION_OFFSET = 1
# Reminder offsets are kept within 90 days of the due date (reporting.admin.FormAdminForm).
MAX_OFFSET_DAYS = 90
# Where Phụ lục 01 names the unit's focal officer (cán bộ đầu mối): its people table, line 3.
FOCAL_FORM, FOCAL_ROW, FOCAL_LINE = "PL01", "officers", "3"


@dataclass(frozen=True)
class DueReminder:
    """One reminder (or digest) owed today for one period: its kind and the day it was due."""

    period: Period
    kind: str
    scheduled_for: date

    @property
    def offset(self) -> int:
        return (self.scheduled_for - self.period.due_date).days


@dataclass(frozen=True)
class Recipient:
    """Someone to tell: a user (in-app notification and email) or only an email address (the
    focal officer named in Phụ lục 01, who may have no account)."""

    name: str
    email: str
    user_id: int | None = None


def grace_days() -> int:
    return max(0, settings.REMINDER_GRACE_DAYS)


def reminders_due(*, on: date, form_code: str | None = None) -> list[DueReminder]:
    """The reminders and digests due on `on`, at most one of each kind per period.

    A reminder day missed (beat was down) within the grace window is still due on the next run;
    when several reminder days of a period fall in the window, only the latest is sent, since it
    says everything the earlier one would have said. Periods of inactive forms are left out.
    """
    window_start = on - timedelta(days=grace_days())
    periods = Period.objects.filter(
        form__is_active=True,
        due_date__gte=window_start - timedelta(days=MAX_OFFSET_DAYS + ESCALATION_OFFSET),
        due_date__lte=on + timedelta(days=MAX_OFFSET_DAYS),
    ).select_related("form").order_by("due_date", "form__sort_order", "form__code")
    if form_code:
        periods = periods.filter(form__code=form_code)
    due: list[DueReminder] = []
    for period in periods:
        days = [period.due_date + timedelta(days=n) for n in period.form.reminder_offsets or []]
        in_window = [day for day in days if window_start <= day <= on]
        if in_window:
            due.append(DueReminder(period, DispatchKind.REMINDER, max(in_window)))
        escalation_day = period.due_date + timedelta(days=ESCALATION_OFFSET)
        if window_start <= escalation_day <= on:
            due.append(DueReminder(period, DispatchKind.ESCALATION, escalation_day))
    return due


def units_owing(period: Period) -> QuerySet:
    """Every active unit that owes the form for `period` and has not sent it (missing, draft or
    returned), annotated with `compliance_status`: the anti-join of Phụ lục 04 over the whole
    tree (an assignment in force on the due date, the submission of the period left-joined)."""
    return (
        Unit.objects.filter(is_active=True)
        .filter(Exists(FormAssignment.objects.for_period(period).filter(unit=OuterRef("pk"))))
        .annotate(sub=FilteredRelation("submissions", condition=Q(submissions__period=period)))
        .filter(Q(sub__id__isnull=True) | Q(sub__status__in=[SubmissionStatus.DRAFT, SubmissionStatus.RETURNED]))
        .annotate(compliance_status=compliance_status_expression("sub"))
    )


def not_dispatched(units: QuerySet, due: DueReminder) -> QuerySet:
    """`units` without a dispatch of this reminder yet (claimed by an earlier run, sent or not)."""
    done = ReminderDispatch.objects.filter(
        unit=OuterRef("pk"), period=due.period, kind=due.kind, scheduled_for=due.scheduled_for
    )
    return units.filter(~Exists(done))


def units_to_remind(due: DueReminder) -> QuerySet:
    """Units whose officers get this reminder and have not had it, in tree order."""
    return not_dispatched(units_owing(due.period), due).order_by("path")


def batch_units(units: QuerySet, size: int) -> Iterator[list[Unit]]:
    """`units` in tree order, `size` at a time (keyset pagination on the indexed path, no OFFSET)."""
    last_path = ""
    while True:
        chunk = list(units.filter(path__gt=last_path).order_by("path")[:size])
        if not chunk:
            return
        last_path = chunk[-1].path
        yield chunk


def missing_below(unit: Unit, period: Period) -> QuerySet:
    """Phụ lục 04 of `unit` narrowed to the units that have not sent their report, in tree order."""
    return compliance(unit=unit, period=period).filter(is_active=True, compliance_status__in=OWING)


def units_to_escalate(due: DueReminder) -> QuerySet:
    """Upper units with an active reviewer and at least one unit below still missing, not yet told.

    One EXISTS per unit with reviewers (a few hundred nationally, each a range on the indexed
    path), on the day after a deadline only.
    """
    reviewed = Unit.objects.filter(is_active=True, numchild__gt=0).filter(
        Exists(RoleAssignment.objects.filter(unit=OuterRef("pk"), role=Role.REVIEWER, user__is_active=True))
    )
    upper = [u for u in not_dispatched(reviewed, due).order_by("path") if missing_below(u, due.period).exists()]
    return Unit.objects.filter(pk__in=[u.pk for u in upper]).order_by("path")


# --- who is told --------------------------------------------------------------------------------


def _users_by_unit(unit_ids: Iterable[int], role: str) -> dict[int, list[Recipient]]:
    # Two lookups by index rather than one join: joined, the planner read the whole user table
    # for the units of one reminder batch (bench `reminders`, scale 0.1).
    units_of: dict[int, list[int]] = defaultdict(list)
    assignments = RoleAssignment.objects.filter(unit_id__in=list(unit_ids), role=role).order_by()
    for unit_id, user_id in assignments.values_list("unit_id", "user_id"):
        units_of[user_id].append(unit_id)
    found: dict[int, list[Recipient]] = defaultdict(list)
    users = (
        User.objects.filter(pk__in=list(units_of), is_active=True)
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "username", "email")
    )
    for user_id, full_name, username, email in users if units_of else ():
        for unit_id in units_of[user_id]:
            found[unit_id].append(Recipient(name=full_name or username, email=email or "", user_id=user_id))
    return found


def officers_by_unit(unit_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """The officers (cán bộ đầu mối) of each unit, with their accounts."""
    return _users_by_unit(unit_ids, Role.OFFICER)


def reviewers_by_unit(unit_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    return _users_by_unit(unit_ids, Role.REVIEWER)


def focal_officers_by_unit(unit_ids: Iterable[int]) -> dict[int, Recipient]:
    """The focal officer each unit named in its latest filed Phụ lục 01 (sent at least once), when
    that line has an email address. One query."""
    cells = (
        SubmissionValue.objects.filter(
            submission__unit_id__in=list(unit_ids),
            submission__period__form__code=FOCAL_FORM,
            submission__first_submitted_at__isnull=False,
            row__key=FOCAL_ROW,
            column__in=[f"{FOCAL_LINE}.name", f"{FOCAL_LINE}.email"],
        )
        .exclude(text="")
        .order_by("submission__unit_id", "-submission__period__due_date")
        .values_list("submission__unit_id", "submission_id", "column", "text")
    )
    latest: dict[int, int] = {}
    fields: dict[int, dict[str, str]] = defaultdict(dict)
    for unit_id, submission_id, column, text in cells:
        if latest.setdefault(unit_id, submission_id) != submission_id:
            continue  # an older round of Phụ lục 01
        fields[unit_id][column.split(".", 1)[1]] = text.strip()
    return {
        unit_id: Recipient(name=values.get("name", ""), email=values["email"])
        for unit_id, values in fields.items()
        if values.get("email")
    }


def reminder_recipients(unit_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Officers of each unit, and the focal officer of its Phụ lục 01 when that is another address."""
    unit_ids = list(unit_ids)
    recipients = officers_by_unit(unit_ids)
    for unit_id, focal in focal_officers_by_unit(unit_ids).items():
        known = {r.email.lower() for r in recipients.get(unit_id, []) if r.email}
        if focal.email.lower() not in known:
            recipients.setdefault(unit_id, []).append(focal)
    return recipients


def form_name(form: Form) -> str:
    """How people call a form: "Phụ lục 02" from the form file's appendix line; with the code when
    that line carries no number ("Phụ lục báo cáo (AGIANG)"); else the code alone."""
    version = form.current_version
    return _called(form.code, version.definition.get("appendix") if version else "")


def form_names(form_ids: Iterable[int]) -> dict[int, str]:
    """`form_name` of each form, in one query that reads only the appendix line of each current
    version (a reminder batch's forms; the whole definition is the form's every row)."""
    appendix = FormVersion.objects.filter(form=OuterRef("pk"), is_current=True).order_by("-version")
    rows = Form.objects.filter(pk__in=list(form_ids)).annotate(
        appendix=Subquery(appendix.values("definition__appendix")[:1])
    )
    return {pk: _called(code, appendix) for pk, code, appendix in rows.values_list("pk", "code", "appendix")}


def _called(code: str, appendix: str | None) -> str:
    appendix = (appendix or "").strip().capitalize()
    if not appendix:
        return code
    return appendix if appendix[-1].isdigit() else f"{appendix} ({code})"
