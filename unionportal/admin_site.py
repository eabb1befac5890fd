"""The administration site, opened to system and unit administrators through the unit scope."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.scoping import MANAGE, get_scope
from organizations.two_factor import has_two_factor


class PortalAdminSite(admin.AdminSite):
    site_header = _("Quản trị Cổng phúc lợi đoàn viên")
    site_title = _("Quản trị cổng")
    index_title = _("Quản trị hệ thống")

    def has_permission(self, request) -> bool:
        # An administrator with two-factor authentication must have passed the second step in
        # this session (django-otp's OTPMiddleware sets is_verified); the login page sees to it,
        # so this refuses only sessions opened another way or before the device was added.
        return (
            request.user.is_active
            and get_scope(request.user).is_staff_like
            and (getattr(request.user, "is_verified", lambda: False)() or not has_two_factor(request.user))
        )

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise Http404
        return redirect_to_login(request.GET.get("next", reverse("admin:index")))


class ScopedModelAdmin(admin.ModelAdmin):
    """A model admin that lists and changes only what the administrator's unit scope reaches."""

    scope_action = MANAGE

    def get_queryset(self, request):
        return super().get_queryset(request).for_action(request.user, self.scope_action)

    def _allowed(self, request, obj=None) -> bool:
        scope = get_scope(request.user)
        if not scope.is_staff_like:
            return False
        if obj is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request) -> bool:
        return get_scope(request.user).is_staff_like

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request) -> bool:
        return get_scope(request.user).is_staff_like

    def has_delete_permission(self, request, obj=None) -> bool:
        return get_scope(request.user).is_system_admin and self._allowed(request, obj)


class ParentScopedInline(admin.TabularInline):
    """Rows edited inside their parent's page follow the parent: whoever may change the parent
    here changes them. (Django's default asks for model permissions, which administrators holding
    a role do not have, so it would hide the rows from them.)"""

    extra = 0

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None) -> bool:
        return self._parent_admin().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._parent_admin().has_change_permission(request, obj)

    has_add_permission = has_delete_permission = has_change_permission


class SystemAdminOnlyModelAdmin(admin.ModelAdmin):
    """Reference data (kinds of unit, provinces) that only system administrators change."""

    def has_module_permission(self, request) -> bool:
        return get_scope(request.user).is_system_admin

    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = (
        lambda self, request, obj=None: get_scope(request.user).is_system_admin
    )
