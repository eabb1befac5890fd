"""`python manage.py send_reminders [--date 2026-11-20] [--form PL02] [--dry-run]`: the daily
deadline reminders, sent in this process (no Redis or worker needed).

It does what the 08:00 Celery dispatcher does for that day (every reminder and digest due on it,
within the grace window), batch by batch, and ends with a line counting what it sent. Run it
from cron where there is no Celery beat; it is safe to run twice, or beside a beat: what was sent
once is never sent again. `--dry-run` lists who would be reminded and writes nothing.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.choices import DispatchKind
from notifications.selectors import (
    DueReminder,
    Recipient,
    batch_units,
    form_name,
    missing_below,
    reminder_recipients,
    reminders_due,
    reviewers_by_unit,
    units_to_escalate,
    units_to_remind,
)
from notifications.services import DispatchCounts, batch_size, reminder_batch_send, reminders_dispatch
from reporting.choices import ComplianceStatus
from reporting.models import Form


def _who(recipients: list[Recipient]) -> str:
    if not recipients:
        return _("(không có người nhận)")
    return "; ".join(f"{r.name} <{r.email}>" if r.email else f"{r.name} ({_('không có email')})" for r in recipients)


class Command(BaseCommand):
    help = _(
        "Gửi nhắc hạn nộp báo cáo và tổng hợp đơn vị chưa gửi cho cán bộ duyệt, như lượt chạy 08:00 hằng ngày. "
        "Chạy lại không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("Ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay)."))
        parser.add_argument("--form", help=_("Chỉ một biểu mẫu, ví dụ PL02."))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Chỉ liệt kê ai sẽ được nhắc; không gửi, không ghi gì.")
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        with translation.override("vi"):
            day = self._day(options["date"])
            form_code = options["form"]
            if form_code and not Form.objects.filter(code=form_code).exists():
                raise CommandError(
                    _("Không có biểu mẫu %(code)s. Các mã có: %(codes)s.")
                    % {"code": form_code, "codes": ", ".join(Form.objects.values_list("code", flat=True))}
                )
            due = reminders_due(on=day, form_code=form_code)
            if not due:
                self.stdout.write(_("Ngày %(day)s không có lượt nhắc hạn nào đến hạn.") % {"day": f"{day:%d/%m/%Y}"})
            if options["dry_run"]:
                self._dry_run(day, due)
                return
            for item in due:
                self.stdout.write(self._heading(item))
            counts = reminders_dispatch(
                on=day, form_code=form_code, send=lambda ids: reminder_batch_send(dispatch_ids=ids)
            )
            self.stdout.write(self._summary(counts))

    def _day(self, raw: str | None) -> date:
        if not raw:
            return timezone.localdate()
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise CommandError(_("Ngày “%(raw)s” không hợp lệ: nhập dạng YYYY-MM-DD, ví dụ 2026-11-20.") % {"raw": raw}) from exc

    def _heading(self, item: DueReminder) -> str:
        period = item.period
        values = {
            "form": form_name(period.form), "period": period.label.lower(),
            "day": f"{item.scheduled_for:%d/%m/%Y}", "due": f"{period.due_date:%d/%m/%Y}",
        }
        if item.kind == DispatchKind.REMINDER:
            return _("%(form)s %(period)s — nhắc hạn ngày %(day)s (hạn nộp %(due)s)") % values
        return _("%(form)s %(period)s — tổng hợp đơn vị chưa gửi cho cán bộ duyệt (hạn nộp %(due)s đã qua)") % values

    def _dry_run(self, day: date, due: list[DueReminder]) -> None:
        """Who would be told, unit by unit; units nobody can be told about are counted (listed with -v 2)."""
        counts = DispatchCounts()
        for item in due:
            self.stdout.write(self._heading(item))
            if item.kind == DispatchKind.REMINDER:
                for chunk in batch_units(units_to_remind(item), batch_size()):
                    recipients = reminder_recipients(u.pk for u in chunk)
                    for unit in chunk:
                        status = ComplianceStatus(unit.compliance_status).label
                        self._would_tell(counts, recipients.get(unit.pk, []), f"{unit.code}  {unit.name} — {status}")
                        counts.reminders += 1
            else:
                upper = list(units_to_escalate(item))
                reviewers = reviewers_by_unit(u.pk for u in upper)
                for unit in upper:
                    missing = missing_below(unit, item.period).count()
                    what = _("%(code)s  %(name)s — %(n)d đơn vị cấp dưới chưa gửi") % {
                        "code": unit.code, "name": unit.name, "n": missing,
                    }
                    self._would_tell(counts, reviewers.get(unit.pk, []), what)
                    counts.escalations += 1
        self.stdout.write(_("Chạy thử, không gửi gì: sẽ gửi %(what)s") % {"what": self._counted(counts)})

    def _would_tell(self, counts: DispatchCounts, people: list[Recipient], what: str) -> None:
        if any(r.email for r in people):
            counts.emails += 1
        counts.notifications += sum(1 for r in people if r.user_id)
        if not people:
            counts.no_recipient += 1
            if self.verbosity < 2:
                return
        self.stdout.write(f"  {what} → {_who(people)}")

    def _counted(self, counts: DispatchCounts) -> str:
        return _(
            "%(emails)d email và %(notifications)d thông báo; nhắc hạn %(reminders)d đơn vị còn nợ báo cáo "
            "(%(no_recipient)d đơn vị không có người nhận), tổng hợp cho %(escalations)d đơn vị cấp trên."
        ) % {
            "emails": counts.emails, "notifications": counts.notifications, "reminders": counts.reminders,
            "no_recipient": counts.no_recipient, "escalations": counts.escalations,
        }

    def _summary(self, counts: DispatchCounts) -> str:
        return _("Đã gửi %(what)s Không gửi được: %(failed)d; chờ gửi lại: %(pending)d.") % {
            "what": self._counted(counts), "failed": counts.failed, "pending": counts.left_pending,
        }
