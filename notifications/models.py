"""Notifications in the portal and the record of every deadline reminder sent.

The reminder days themselves are not here: they are data on the reporting forms
(`reporting.Form.reminder_offsets`, days relative to each period's `due_date`), so there is one
source of deadlines. This app only remembers what it has sent, so that nothing is sent twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.choices import DispatchKind, DispatchStatus, NotificationKind
from organizations.models import Unit
from reporting.models import Period


class ReminderDispatchQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DispatchStatus.PENDING)

    def for_reminder(self, *, period: Period, kind: str, scheduled_for):
        return self.filter(period=period, kind=kind, scheduled_for=scheduled_for)


class ReminderDispatch(models.Model):
    """Lượt nhắc hạn: one reminder owed to a unit for one period of a form, or one digest of the
    units still missing owed to the reviewers of an upper unit.

    The row is claimed (inserted, ignoring conflicts with the unique constraint) before anything
    is sent and marked sent after, so a dispatcher run twice, a task retried or two beats send
    one email. `scheduled_for` is the reminder day (the due date plus one of the form's offsets;
    the day after the due date for a digest), `run_date` the day of the run that claimed it,
    from which the days left are counted.
    """

    # No index of its own: the unique constraint below starts with the unit. Every index is paid
    # for on each of the ~40,000 rows a national reminder day inserts.
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị"), db_index=False
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", verbose_name=_("kỳ báo cáo"))
    kind = models.CharField(_("loại"), max_length=12, choices=DispatchKind.choices)
    scheduled_for = models.DateField(_("ngày nhắc"))
    run_date = models.DateField(_("ngày chạy"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=DispatchStatus.choices, default=DispatchStatus.PENDING
    )
    # The dispatcher run that inserted the row: what it may send is exactly what it claimed.
    claim = models.CharField(max_length=32, db_index=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm nhận"), default=timezone.now)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    email_to = models.TextField(_("gửi email tới"), blank=True)
    error = models.TextField(_("lỗi gần nhất"), blank=True)

    objects = ReminderDispatchQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "unit__path"]
        verbose_name = _("lượt nhắc hạn")
        verbose_name_plural = _("lượt nhắc hạn")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "kind", "scheduled_for"],
                name="reminder_dispatch_once",
                violation_error_message=_("Lượt nhắc này đã được ghi nhận."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit_id} — {self.period_id} — {self.scheduled_for:%d/%m/%Y}"

    @property
    def days_left(self) -> int:
        """Days from the run that claimed it to the due date (negative once it is past)."""
        return (self.period.due_date - self.run_date).days


class NotificationQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A notification is seen by the person it was written to, nobody else (not even an administrator)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Thông báo: a message to one person in the portal (a deadline reminder, a digest of the units
    below still missing), with a link to act on it; it stays unread until they open or mark it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("người nhận")
    )
    kind = models.CharField(_("loại"), max_length=12, choices=NotificationKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    dispatch = models.ForeignKey(
        ReminderDispatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications",
        verbose_name=_("lượt nhắc hạn"),
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            # A retried batch inserts the same notifications again: the conflict keeps one.
            models.UniqueConstraint(
                fields=["dispatch", "user"], condition=Q(dispatch__isnull=False), name="notification_once_per_dispatch"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
