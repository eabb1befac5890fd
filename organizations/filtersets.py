import django_filters
from django.utils.translation import gettext_lazy as _

from organizations.models import Unit
from unionportal.filters import IdFilter


class UnitFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(method="filter_parent", label=_("Mã đơn vị cấp trên"))
    kind = django_filters.CharFilter(field_name="kind__code", label=_("Loại đơn vị"))
    province = IdFilter(field_name="province_id", label=_("Mã tỉnh"))
    search = django_filters.CharFilter(method="filter_search", label=_("Tìm kiếm"))
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Unit
        fields = ["parent", "kind", "province", "search", "is_active"]

    def filter_parent(self, queryset, name, value):
        parent = Unit.objects.filter(code=value).only("path", "depth").first()
        if parent is None:
            return queryset.none()
        return queryset.children_of(parent)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
