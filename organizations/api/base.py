"""The one DRF base viewset through which every API endpoint reaches unit-owned objects."""

from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied

from organizations.scoping import EDIT


class ScopedModelViewSet(viewsets.ModelViewSet):
    """Reads go through `visible_to(user)`, writes through `scope_action_for_write`.

    An object outside the visible scope answers 404; visible but not writable answers 403.
    """

    scope_action_for_write = EDIT
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS:
            self.check_write_scope(obj)
        return obj

    def check_write_scope(self, obj) -> None:
        allowed = self.queryset.model._default_manager.all().for_action(self.request.user, self.scope_action_for_write)
        if not allowed.filter(pk=obj.pk).exists():
            raise PermissionDenied


class ScopedReadOnlyViewSet(ScopedModelViewSet):
    http_method_names = ["get", "head", "options"]
