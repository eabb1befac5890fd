from django.contrib import admin

from outbox.models import PendingTask
from unionportal.admin_site import SystemAdminOnlyModelAdmin


@admin.register(PendingTask)
class PendingTaskAdmin(SystemAdminOnlyModelAdmin):
    """What waits for Redis, to look at: the outbox sends it by itself."""

    list_display = ["task", "created_at", "attempts", "last_error"]
    readonly_fields = ["task", "args", "kwargs", "options", "created_at", "attempts", "last_error"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
