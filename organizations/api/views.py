from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from organizations.api.base import ScopedReadOnlyViewSet
from organizations.api.serializers import UnitSerializer
from organizations.filtersets import UnitFilterSet
from organizations.models import Unit


class UnitViewSet(ScopedReadOnlyViewSet):
    """Units the caller may see: filter by `parent` (code), `kind` (code), `province`, `search`."""

    queryset = Unit.objects.select_related("kind", "province").with_parent_code()
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    @extend_schema(responses=UnitSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def subtree(self, request, pk=None):
        """The unit and every unit under it that the caller may see, in tree order."""
        unit = self.get_object()
        page = self.paginate_queryset(self.get_queryset().subtree_of(unit))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
