"""Reminders in the administration site, for system administrators: what was sent, to whom, and
what failed (read-only; the reminder days themselves are edited on the forms, under Reporting).

Deleting a dispatch row lets the next run send that reminder again while it is still due: the
way to resend one left "sending" by a worker killed mid-send, once checked it never arrived.
Notifications are personal and are not listed here."""

from django.contrib import admin

from notifications.models import ReminderDispatch
from unionportal.admin_site import SystemAdminOnlyModelAdmin


@admin.register(ReminderDispatch)
class ReminderDispatchAdmin(SystemAdminOnlyModelAdmin):
    list_display = ["scheduled_for", "kind", "unit", "period", "status", "sent_at", "attempts", "email_to"]
    list_filter = ["status", "kind", "scheduled_for", "period__form"]
    search_fields = ["unit__code", "unit__name", "email_to"]
    list_select_related = ["unit", "period__form"]
    readonly_fields = [
        "unit", "period", "kind", "scheduled_for", "run_date", "status", "created_at", "sent_at", "attempts",
        "email_to", "error",
    ]
    date_hierarchy = "scheduled_for"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

