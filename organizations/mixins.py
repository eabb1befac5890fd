"""The one view mixin through which every HTML view reaches unit-owned objects."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from organizations.scoping import VIEW, get_scope


class ScopedViewMixin(LoginRequiredMixin):
    """Serve only objects in the asking user's unit scope.

    Outside the scope the object does not exist (404); inside the visible scope but without
    the right to `scope_action` it is forbidden (403).
    """

    scope_action = VIEW

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.scope_action != VIEW:
            allowed = self.model._default_manager.all().for_action(self.request.user, self.scope_action)
            if not allowed.filter(pk=obj.pk).exists():
                raise PermissionDenied
        return obj


class StaffScopeRequiredMixin(LoginRequiredMixin):
    """For administration pages: system administrators and unit administrators only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not get_scope(request.user).is_staff_like:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
