"""Query-string filters of the reporting API (django-filter)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from organizations.models import Unit
from reporting.choices import SubmissionStatus
from reporting.models import Period, Submission
from unionportal.filters import IdFilter, MonthFilter, YearFilter


class PeriodFilterSet(filters.FilterSet):
    form = filters.CharFilter(field_name="form__code", label=_("Mã biểu mẫu"))
    year = YearFilter(field_name="year", label=_("Năm"))
    month = MonthFilter(field_name="month", label=_("Tháng"))

    class Meta:
        model = Period
        fields = ["form", "year", "month"]


class SubmissionFilterSet(filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("Mã số (id) của đơn vị"))
    subtree = IdFilter(
        method="filter_subtree", label=_("Mã số (id) của đơn vị: báo cáo của đơn vị đó và mọi đơn vị trực thuộc")
    )
    form = filters.CharFilter(field_name="period__form__code", label=_("Mã biểu mẫu"))
    period = IdFilter(field_name="period_id", label=_("Mã số (id) của kỳ báo cáo"))
    year = YearFilter(field_name="period__year", label=_("Năm của kỳ báo cáo"))
    status = filters.MultipleChoiceFilter(choices=SubmissionStatus.choices, label=_("Trạng thái (có thể chọn nhiều)"))
    reviewable = filters.BooleanFilter(
        method="filter_reviewable", label=_("true: chỉ các báo cáo bạn được duyệt (của đơn vị cấp dưới)")
    )

    class Meta:
        model = Submission
        fields = ["unit", "subtree", "form", "period", "year", "status", "reviewable"]

    def filter_subtree(self, queryset, name, value):
        unit = Unit.objects.filter(pk=value).only("path").first()
        if unit is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=unit.path)

    def filter_reviewable(self, queryset, name, value):
        reviewable = queryset.reviewable_by(self.request.user).values("pk")
        return queryset.filter(pk__in=reviewable) if value else queryset.exclude(pk__in=reviewable)
