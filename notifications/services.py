"""Writes of the notifications app: claiming the reminders due on a day, sending a batch of them,
and marking notifications read.

How a reminder is sent exactly once:
1. `reminders_dispatch` works out what is due on a day (`selectors.reminders_due`) and claims it:
   one INSERT … SELECT of a `ReminderDispatch` per unit owed it, stamped with the run's token,
   ignoring conflicts with the unique constraint. The rows carrying the token are exactly what
   this run won; their ids go to `send` in batches of REMINDER_BATCH_SIZE (at least 100) after
   the claim commits (the Celery dispatcher enqueues one batch task each, on commit;
   `send_reminders` sends them at once). A second dispatcher, a second beat or a re-run wins
   nothing and sends nothing.
2. `reminder_batch_send` takes ids. It writes the in-app notifications in one INSERT (a unique
   (dispatch, user) constraint absorbs a batch run twice), then sends the emails over one SMTP
   connection, each one claimed first (pending → sending, a conditional UPDATE) and marked sent
   after, in the statement that claims the next one (notifications/marks.py; over SMTP on
   PostgreSQL that statement travels on a second connection while the email's SMTP exchange
   starts, and the message is handed over only once the claim is won). A batch delivered
   twice, or picked up after its worker was killed, skips what is no longer pending: nothing is
   sent twice. The message in flight when a worker dies stays "sending" (whether the server took
   it cannot be known) and is never re-sent.
3. A failed send goes back to pending and is retried by the task with backoff, without holding up
   the rest of the batch; an address the server refuses is marked failed at once. Rows left
   pending (a lost queue, a command run that hit an SMTP outage) are picked up again by the next
   run while their reminder is still due.
"""

from __future__ import annotations

import functools
import logging
import math
import smtplib
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.choices import DispatchKind, DispatchStatus, NotificationKind
from notifications.mail import BatchMailer, Email, MailStream, Outcome, open_connection, release_connection
from notifications.marks import Done, OverlappedMarks, SerialMarks, open_marks
from notifications.models import Notification, ReminderDispatch
from notifications.selectors import (
    DueReminder,
    Recipient,
    form_names,
    missing_below,
    reminder_recipients,
    reminders_due,
    reviewers_by_unit,
    units_owing,
    units_to_escalate,
)
from reporting.choices import ComplianceStatus
from reporting.models import Period

log = logging.getLogger(__name__)

# The digest lists this many units in full; the rest are on the Phụ lục 04 page it links to.
DIGEST_UNITS_SHOWN = 100
# Rows still pending this long after their claim were left behind by an earlier run.
RESUME_AFTER = timedelta(minutes=15)
# After this many send failures in a row the SMTP server is taken to be down: the rest of the
# batch waits for the task's retry instead of trying each address in turn.
FAILURES_BEFORE_PAUSE = 3


@dataclass
class BatchResult:
    """What one batch did. `retry_ids`: failed for a reason that may pass (retry later);
    `remaining_ids`: not tried because the batch ran out of time (enqueue them again)."""

    emails: int = 0
    notifications: int = 0
    failed: int = 0
    no_recipient: int = 0
    not_needed: int = 0
    retry_ids: list[int] = field(default_factory=list)
    remaining_ids: list[int] = field(default_factory=list)


@dataclass
class DispatchCounts:
    """What a run claimed (units reminded, upper units sent a digest, batches) and, when it sent
    the batches itself, what they did."""

    reminders: int = 0
    escalations: int = 0
    resumed: int = 0
    batches: int = 0
    emails: int = 0
    notifications: int = 0
    failed: int = 0
    no_recipient: int = 0
    not_needed: int = 0
    left_pending: int = 0

    def add(self, result: BatchResult) -> None:
        self.emails += result.emails
        self.notifications += result.notifications
        self.failed += result.failed
        self.no_recipient += result.no_recipient
        self.not_needed += result.not_needed
        self.left_pending += len(result.retry_ids) + len(result.remaining_ids)

    def as_dict(self) -> dict:
        return asdict(self)


# --- claiming what is due -------------------------------------------------------------------------


def batch_size() -> int:
    return max(1, settings.REMINDER_BATCH_SIZE)


def reminders_claim(*, due: DueReminder, on: date, size: int | None = None) -> Iterator[list[int]]:
    """Claim `due` for every unit it is owed to; yield the claimed dispatch ids `size` at a time,
    in tree order, once the claim is committed.

    One statement claims them all: INSERT … SELECT from the anti-join of the units owed the
    reminder, ON CONFLICT DO NOTHING, every row stamped with this run's token. What the token
    then finds is exactly what this run won; rows another run inserted first stay theirs. The
    ORM's bulk_create(ignore_conflicts=True) does the same from Python objects, but building
    40,000 of them took longer than the 5 s the national run is allowed; here nothing but the
    ids comes back to Python (a few hundred kilobytes nationally).

    Units already reminded are left to the unique index (ON CONFLICT), not filtered out in the
    SELECT: an anti-join on the table the statement is filling was planned, once the table had
    been analysed empty, as a scan of it per unit, growing with every row inserted (50 s).
    """
    size = size or batch_size()
    units = units_owing(due.period) if due.kind == DispatchKind.REMINDER else units_to_escalate(due)
    claim = uuid.uuid4().hex
    with transaction.atomic():
        _insert_ignoring_conflicts(units, due=due, on=on, claim=claim)
        claimed = list(ReminderDispatch.objects.filter(claim=claim).order_by("unit__path").values_list("pk", flat=True))
    for start in range(0, len(claimed), size):
        yield claimed[start : start + size]


def _insert_ignoring_conflicts(units: QuerySet, *, due: DueReminder, on: date, claim: str) -> None:
    """INSERT INTO dispatch … SELECT the units' ids … ON CONFLICT DO NOTHING (PostgreSQL, SQLite)."""
    try:
        units_sql, units_params = units.order_by().values(owing_unit=F("pk")).query.sql_with_params()
    except EmptyResultSet:  # a filter on an empty list of units: nothing to claim
        return
    opts = ReminderDispatch._meta
    values = {
        "period": due.period.pk, "kind": due.kind, "scheduled_for": due.scheduled_for, "run_date": on,
        "status": DispatchStatus.PENDING, "claim": claim, "created_at": timezone.now(), "attempts": 0,
        "email_to": "", "error": "",
    }
    quote = connection.ops.quote_name
    columns = [quote(opts.get_field("unit").column)] + [quote(opts.get_field(name).column) for name in values]
    params = [opts.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    placeholders = ", ".join(["%s"] * len(params))
    # "WHERE true": SQLite needs it to read ON CONFLICT after an INSERT … SELECT.
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(columns)}) "
        f"SELECT owing.owing_unit, {placeholders} FROM ({units_sql}) AS owing WHERE true "
        f"ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *units_params])


def reminders_left_behind(*, due: DueReminder, on: date, size: int | None = None) -> Iterator[list[int]]:
    """Rows of `due` still pending well after their claim (a lost queue, an SMTP outage during a
    command run), in chunks, counted from `on` from now on (the days left their email gives).
    Sending them again is safe: each email is claimed before it goes."""
    size = size or batch_size()
    ids = list(
        ReminderDispatch.objects.pending()
        .for_reminder(period=due.period, kind=due.kind, scheduled_for=due.scheduled_for)
        .filter(created_at__lt=timezone.now() - RESUME_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        ReminderDispatch.objects.filter(pk__in=chunk, status=DispatchStatus.PENDING).update(run_date=on)
        yield chunk


def reminders_dispatch(
    *, on: date, send: Callable[[list[int]], object], form_code: str | None = None, size: int | None = None
) -> DispatchCounts:
    """Claim every reminder and digest due on `on` (optionally of one form) and hand each batch of
    claimed ids to `send`: the daily dispatcher enqueues a task per batch, `send_reminders` sends
    it in the process. Returns the counts; a `send` that returns a BatchResult adds to them."""
    counts = DispatchCounts()

    def hand_over(ids: list[int]) -> None:
        counts.batches += 1
        result = send(ids)
        if isinstance(result, BatchResult):
            counts.add(result)

    for due in reminders_due(on=on, form_code=form_code):
        for ids in reminders_left_behind(due=due, on=on, size=size):
            counts.resumed += len(ids)
            hand_over(ids)
        for ids in reminders_claim(due=due, on=on, size=size):
            if due.kind == DispatchKind.REMINDER:
                counts.reminders += len(ids)
            else:
                counts.escalations += len(ids)
            hand_over(ids)
    return counts


# --- sending one batch ------------------------------------------------------------------------------


@dataclass
class Outgoing:
    """One dispatch ready to go: who is told, and what the notification and email say."""

    dispatch: ReminderDispatch
    recipients: list[Recipient]
    context: dict
    title: str
    body: str
    path: str

    @functools.cached_property  # asked several times per email in a batch
    def emails(self) -> list[str]:
        seen: dict[str, None] = {}
        for recipient in self.recipients:
            if recipient.email:
                seen.setdefault(recipient.email.strip().lower(), None)
        return list(seen)


def absolute(path: str) -> str:
    return f"{settings.PORTAL_URL}{path}"


def days_left_text(days: int) -> str:
    if days > 0:
        return ngettext("còn %(days)d ngày", "còn %(days)d ngày", days) % {"days": days}
    if days == 0:
        return _("hôm nay là hạn cuối")
    return ngettext("đã quá hạn %(days)d ngày", "đã quá hạn %(days)d ngày", -days) % {"days": -days}


def _names(recipients: list[Recipient]) -> str:
    return ", ".join(r.name for r in recipients if r.name)


# Stands for the unit's id in a link reversed once per batch and filled in per unit: reversing
# it for each unit cost more than the rest of the unit's reminder.
_UNIT_PK_STANDIN = 987_654_321_987


@dataclass(frozen=True)
class ReminderWording:
    """What every reminder of one period, report state and days left says: worked out once per
    batch (a link, four translated texts), the unit's own values put in per reminder."""

    path: str  # with _UNIT_PK_STANDIN where the unit's id goes
    title: str
    status_label: str
    days_left_text: str
    body_format: str


def reminder_wording(period: Period, status: str, days_left: int, name: str) -> ReminderWording:
    path = reverse(
        "reporting:submission-edit",
        kwargs={"unit_pk": _UNIT_PK_STANDIN, "form_code": period.form.code, "period_slug": period.slug},
    )
    title = _("Nhắc hạn: %(form)s %(period)s — hạn nộp %(due)s") % {
        "form": name, "period": period.label.lower(), "due": period.due_date.strftime("%d/%m/%Y"),
    }
    return ReminderWording(
        path=path, title=title, status_label=ComplianceStatus(status).label, days_left_text=days_left_text(days_left),
        body_format=_("%(unit)s: báo cáo %(status)s; %(days_left)s."),
    )


def _reminder_outgoing(
    dispatch: ReminderDispatch, recipients: list[Recipient], status: str, name: str,
    wording: Callable[..., ReminderWording],
) -> Outgoing:
    period, unit = dispatch.period, dispatch.unit
    days_left = dispatch.days_left
    said = wording(period, status, days_left, name)
    path = said.path.replace(str(_UNIT_PK_STANDIN), str(unit.pk))
    context = {
        "unit": unit, "period": period, "form_name": name, "due_date": period.due_date, "days_left": days_left,
        "days_left_text": said.days_left_text, "status_label": said.status_label,
        "status": status, "url": absolute(path), "names": _names(recipients),
    }
    body = said.body_format % {
        "unit": unit.name, "status": said.status_label.lower(), "days_left": said.days_left_text,
    }
    return Outgoing(dispatch, recipients, context, said.title, body, path)


def _escalation_outgoing(dispatch: ReminderDispatch, recipients: list[Recipient], name: str) -> Outgoing | None:
    period, unit = dispatch.period, dispatch.unit
    missing = missing_below(unit, period)
    shown = list(missing[:DIGEST_UNITS_SHOWN])
    if not shown:
        return None
    total = len(shown) if len(shown) < DIGEST_UNITS_SHOWN else missing.count()
    path = reverse("reporting:compliance") + "?" + urlencode(
        {"bieu_mau": period.form.code, "ky": period.slug, "don_vi": unit.code}
    )
    lines = []
    for below in shown:
        if below.submission_id:
            link = reverse("reporting:submission-review", kwargs={"pk": below.submission_id})
        else:
            link = reverse("organizations:unit-detail", kwargs={"pk": below.pk})
        lines.append({"unit": below, "status_label": ComplianceStatus(below.compliance_status).label, "url": absolute(link)})
    context = {
        "unit": unit, "period": period, "form_name": name, "due_date": period.due_date, "lines": lines,
        "total": total, "more": total - len(lines), "url": absolute(path), "names": _names(recipients),
    }
    title = ngettext(
        "%(count)d đơn vị chưa gửi %(form)s %(period)s",
        "%(count)d đơn vị chưa gửi %(form)s %(period)s",
        total,
    ) % {"count": total, "form": name, "period": period.label.lower()}
    body = _("Hạn nộp %(due)s đã qua. Đơn vị thuộc %(unit)s chưa gửi: %(units)s%(more)s.") % {
        "due": period.due_date.strftime("%d/%m/%Y"), "unit": unit.name,
        "units": ", ".join(line["unit"].name for line in lines[:5]),
        "more": _(" và %(n)d đơn vị khác") % {"n": total - 5} if total > 5 else "",
    }
    return Outgoing(dispatch, recipients, context, title, body, path)


def _email(mailer: BatchMailer, outgoing: Outgoing) -> Email:
    if outgoing.dispatch.kind == DispatchKind.REMINDER:
        return mailer.reminder(context=outgoing.context, title=outgoing.title, to=outgoing.emails)
    return mailer.rendered(
        template=outgoing.dispatch.kind, context=outgoing.context, title=outgoing.title, to=outgoing.emails
    )


def _prepare(dispatches: list[ReminderDispatch], result: BatchResult) -> list[Outgoing]:
    """What each dispatch says and to whom, with a constant number of queries per batch. A unit
    that sent its report since the claim (or an upper unit with nobody missing any more) is done."""
    reminders = [d for d in dispatches if d.kind == DispatchKind.REMINDER]
    escalations = [d for d in dispatches if d.kind == DispatchKind.ESCALATION]
    names = form_names({d.period.form_id for d in dispatches})

    still_owing: dict[tuple[int, int], str] = {}
    by_period: dict[int, list[int]] = defaultdict(list)
    periods: dict[int, Period] = {}
    for d in reminders:
        by_period[d.period_id].append(d.unit_id)
        periods[d.period_id] = d.period
    for period_id, unit_ids in by_period.items():
        for unit_id, status in units_owing(periods[period_id]).filter(pk__in=unit_ids).values_list(
            "pk", "compliance_status"
        ):
            still_owing[(period_id, unit_id)] = status

    officers = reminder_recipients({d.unit_id for d in reminders}) if reminders else {}
    reviewers = reviewers_by_unit({d.unit_id for d in escalations}) if escalations else {}
    wording = functools.cache(reminder_wording)
    prepared: list[Outgoing] = []
    done: list[int] = []
    for d in dispatches:
        name = names[d.period.form_id]
        if d.kind == DispatchKind.REMINDER:
            status = still_owing.get((d.period_id, d.unit_id))
            outgoing = _reminder_outgoing(d, officers.get(d.unit_id, []), status, name, wording) if status else None
        else:
            outgoing = _escalation_outgoing(d, reviewers.get(d.unit_id, []), name)
        if outgoing is None:
            done.append(d.pk)
        else:
            prepared.append(outgoing)
    if done:
        result.not_needed += ReminderDispatch.objects.filter(pk__in=done, status=DispatchStatus.PENDING).update(
            status=DispatchStatus.NOT_NEEDED, sent_at=timezone.now()
        )
    return prepared


# Rows a statement, so that a batch's notifications stay within SQLite's limit of parameters.
_NOTIFICATIONS_PER_INSERT = 500


def _notify(prepared: list[Outgoing]) -> int:
    """The in-app notifications of the batch: INSERT … ON CONFLICT DO NOTHING RETURNING, so those a
    previous run of the batch wrote stay as they are and only the new ones are counted. The rows
    go in as plain values: building a model instance for each and going through bulk_create cost
    more than the INSERT itself (bench `reminders`)."""
    now = Notification._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    rows: dict[tuple[int, int], tuple] = {}
    for outgoing in prepared:
        dispatch = outgoing.dispatch
        kind = NotificationKind.REMINDER if dispatch.kind == DispatchKind.REMINDER else NotificationKind.ESCALATION
        for recipient in outgoing.recipients:
            if recipient.user_id:
                rows.setdefault(
                    (dispatch.pk, recipient.user_id),
                    (recipient.user_id, kind, outgoing.title[:255], outgoing.body, outgoing.path, dispatch.pk, now),
                )
    opts = Notification._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(opts.get_field(name).column) for name in ("user", "kind", "title", "body", "url", "dispatch", "created_at")
    )
    values = list(rows.values())
    new = 0
    with connection.cursor() as cursor:
        for start in range(0, len(values), _NOTIFICATIONS_PER_INSERT):
            chunk = values[start : start + _NOTIFICATIONS_PER_INSERT]
            placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES {placeholders} ON CONFLICT DO NOTHING RETURNING 1",
                [value for row in chunk for value in row],
            )
            new += len(cursor.fetchall())
    return new


def _throttle() -> None:
    """At most REMINDER_EMAIL_RATE emails a second across every worker (a counter per second in the
    shared cache, Redis in production); 0 means no limit."""
    rate = settings.REMINDER_EMAIL_RATE
    if rate <= 0:
        return
    while True:
        second = int(time.time())
        key = f"notifications:email-rate:{second}"
        cache.add(key, 0, timeout=10)
        try:
            sent = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if sent <= rate:
            return
        time.sleep(max(0.0, second + 1 - time.time()))


def _claim(dispatch_id: int) -> bool:
    return bool(
        ReminderDispatch.objects.filter(pk=dispatch_id, status=DispatchStatus.PENDING).update(
            status=DispatchStatus.SENDING, attempts=F("attempts") + 1
        )
    )


def _mark_sent(done: Done | None) -> None:
    if done is not None:
        _finish(done[0], DispatchStatus.SENT, email_to=done[1])


def _finish(dispatch_id: int, status: str, *, email_to: str = "", error: str = "") -> None:
    ReminderDispatch.objects.filter(pk=dispatch_id, status=DispatchStatus.SENDING).update(
        status=status, sent_at=timezone.now(), email_to=email_to, error=error[:2000]
    )


def _release(dispatch_id: int, error: str, *, claimed: bool) -> None:
    """Back to pending with the error; a row this run had not claimed yet only gets the error."""
    status = DispatchStatus.SENDING if claimed else DispatchStatus.PENDING
    ReminderDispatch.objects.filter(pk=dispatch_id, status=status).update(
        status=DispatchStatus.PENDING, error=error[:2000]
    )


def _is_permanent(exc: Exception) -> bool:
    """The server refused every address of the message: trying again will not help."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused)


def reminder_batch_send(*, dispatch_ids: list[int], time_budget: float | None = None) -> BatchResult:
    """Send the pending dispatches among `dispatch_ids`: their in-app notifications, then one email
    each over one SMTP connection. Stops after `time_budget` seconds and returns what is left."""
    started = time.monotonic()
    result = BatchResult()
    dispatches = list(
        ReminderDispatch.objects.pending().filter(pk__in=dispatch_ids).select_related("unit").order_by("unit__path", "pk")
    )
    if not dispatches:
        return result
    # A batch is of one period or a few: one instance each, not one joined into every row.
    periods = Period.objects.select_related("form").in_bulk({d.period_id for d in dispatches})
    for dispatch in dispatches:
        dispatch.period = periods[dispatch.period_id]
    mailer = BatchMailer()
    marks = open_marks(overlap=mailer.raw)  # a second connection sets up while the batch reads
    # Officers read Vietnamese, whatever language the process runs in.
    try:
        with translation.override(settings.LANGUAGE_CODE), _quick_commits():
            prepared = _prepare(dispatches, result)
            result.notifications = _notify(prepared)
            with_email = _without_email_done(prepared, result)
            deadline = started + time_budget if time_budget is not None else math.inf
            _EmailRun(result, mailer, marks).send(with_email, deadline=deadline)
    finally:
        marks.close()
    return result


def _without_email_done(prepared: list[Outgoing], result: BatchResult) -> list[Outgoing]:
    """Record the dispatches that have nobody to email (told in the portal only, or nobody at all);
    return the others."""
    with_email = []
    for outgoing in prepared:
        if outgoing.emails:
            with_email.append(outgoing)
        elif _claim(outgoing.dispatch.pk):
            has_users = any(r.user_id for r in outgoing.recipients)
            _finish(outgoing.dispatch.pk, DispatchStatus.SENT if has_users else DispatchStatus.NO_RECIPIENT)
            result.no_recipient += 0 if has_users else 1
    return with_email


class _EmailRun:
    """The emails of one batch, each claimed before it is written to the connection and marked
    sent after (notifications/marks.py), on one `MailStream`.

    The claim of the next email goes out before this one is written, and is awaited only before
    that next email is written: it travels while this one is written, the server reads it and
    the next is built. A claim another run won means the email is never written, so no SMTP
    transaction has to be abandoned.

    A worker killed in the middle leaves up to four emails "sending", none ever sent again: the
    last one the server took (its mark not yet written), the one whose message was on its way
    (taken or not), the one whose commands were, and the next one claimed. The last two never
    went: that is the price of claiming ahead (before, one email at most). With a rate limit
    each email is sent whole before the wait for the next, so only one stays "sending".
    """

    def __init__(self, result: BatchResult, mailer: BatchMailer, marks: SerialMarks | OverlappedMarks):
        self.result = result
        self.mailer = mailer
        self.marks = marks
        self.stream: MailStream | None = None
        self.claiming: Outgoing | None = None  # its claim sent, the answer not read yet
        self.done: Done | None = None  # sent, its "sent" mark written with the next claim
        self.failures_in_a_row = 0

    def send(self, outgoings: list[Outgoing], *, deadline: float) -> None:
        """Send `outgoings`; past `deadline` (time.monotonic) hand the rest back."""
        try:
            self._send(outgoings, deadline)
            if self.stream is not None:
                self._settle(self.stream.drain())
            if self.claiming is not None and self.marks.won():  # the batch stopped before it
                _release(self.claiming.dispatch.pk, "", claimed=True)
        finally:
            _mark_sent(self.done)
            if self.stream is not None:
                release_connection(self.stream.connection, broken=not self.stream.idle)

    def _send(self, outgoings: list[Outgoing], deadline: float) -> None:
        email: Email | None = None  # of `outgoing`, built while the server read the one before
        rate_limited = settings.REMINDER_EMAIL_RATE > 0
        for index, outgoing in enumerate(outgoings):
            if time.monotonic() > deadline:
                self.result.remaining_ids = [o.dispatch.pk for o in outgoings[index:]]
                return
            if self.failures_in_a_row >= FAILURES_BEFORE_PAUSE:
                self.result.retry_ids += [o.dispatch.pk for o in outgoings[index:]]
                return
            try:
                if email is None:
                    email = _email(self.mailer, outgoing)
                if self.stream is None:
                    self.stream = MailStream(open_connection(), self.mailer)
            except Exception as exc:  # noqa: BLE001 - one unit's failure must not stop the others
                self._give_back(outgoing, exc)
                email = None
                continue
            if self.claiming is not outgoing:
                self._begin(outgoing)
            won = self.marks.won()  # False: sent, or being sent, by another run of this batch
            self.claiming = None
            following = outgoings[index + 1] if index + 1 < len(outgoings) else None
            if following is not None and not rate_limited:
                self._begin(following)
            if won:
                self.stream.write(outgoing, email)
            else:
                self.stream.write()  # only the message of the email before, if it waits
            email = None
            if rate_limited:
                # The rate limit waits before the next claim: nothing claimed may wait with it.
                self._settle(self.stream.drain())
                if following is not None:
                    self._begin(following)
            if following is not None:
                try:
                    email = _email(self.mailer, following)  # while the server reads what was written
                except Exception:  # noqa: BLE001 - built again, and given back, in its own turn
                    log.debug("Building a reminder failed", exc_info=True)
            self._settle(self.stream.collect())
            if self.stream.broken:
                release_connection(self.stream.connection, broken=True)
                self.stream = None

    def _begin(self, outgoing: Outgoing) -> None:
        # The rate limit may wait: before the claim, so that a worker killed while waiting
        # leaves the row pending for the next one.
        _throttle()
        self.marks.begin(done=self.done, claim=outgoing.dispatch.pk)
        self.done, self.claiming = None, outgoing

    def _settle(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            outgoing: Outgoing = outcome.key
            if outcome.error is None:
                _mark_sent(self.done)  # only when two outcomes come before the next claim
                self.done = (outgoing.dispatch.pk, ", ".join(outgoing.emails))
                self.result.emails += 1
                self.failures_in_a_row = 0
            else:
                self._failed(outgoing, outcome.error, claimed=True)

    def _give_back(self, outgoing: Outgoing, exc: Exception) -> None:
        """`outgoing` could not be written (no connection, no message)."""
        claimed = self.claiming is outgoing and self.marks.won()
        if self.claiming is outgoing:
            self.claiming = None
        self._failed(outgoing, exc, claimed=claimed)

    def _failed(self, outgoing: Outgoing, exc: Exception, *, claimed: bool) -> None:
        """Failed for good when the server refused every address; otherwise back to pending."""
        dispatch_id, error = outgoing.dispatch.pk, f"{type(exc).__name__}: {exc}"
        if claimed and _is_permanent(exc):
            _finish(dispatch_id, DispatchStatus.FAILED, email_to=", ".join(outgoing.emails), error=error)
            self.result.failed += 1
            return
        log.warning("Reminder %s not sent, will retry: %s", dispatch_id, error)
        _release(dispatch_id, error, claimed=claimed)
        self.result.retry_ids.append(dispatch_id)
        self.failures_in_a_row += 1


@contextmanager
def _quick_commits() -> Iterator[None]:
    """Commit the per-email marks (claimed, sent) without waiting for the disk, on PostgreSQL.

    Each email is claimed (and the one before it marked sent) in a commit of its own, so that a
    worker killed at any moment leaves an exact record; waiting for the disk on each (~4 ms on
    the development machine) made a batch several times slower than the SMTP exchange itself. An asynchronous commit is visible to every other
    worker at once, so a killed worker changes nothing; only a crash of PostgreSQL itself could
    lose the last fraction of a second of marks, and those few emails would then go again.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:  # a broken connection is closed and replaced anyway
            log.debug("Could not reset synchronous_commit", exc_info=True)


def reminders_give_up(*, dispatch_ids: list[int], error: str) -> int:
    """Mark as failed what is still pending after the last retry; returns how many."""
    return ReminderDispatch.objects.filter(pk__in=dispatch_ids, status=DispatchStatus.PENDING).update(
        status=DispatchStatus.FAILED, error=error[:2000]
    )


# --- a person's notifications ---------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.owned_by(user).unread().update(read_at=timezone.now())
