"""API of the campaigns: plans, milestones, media outlets, sections, articles, activities.

Every endpoint goes through the unit scope of `ScopedModelViewSet` (via the programme's
`ProgrammeViewSet`: only officers create, a record still in use answers 409 on delete). TLĐ's
plans are visible to every unit, since they are what the units implement.
"""

from django_filters import rest_framework as filters

from agreements.api.views import ProgrammeViewSet
from campaigns.api.serializers import (
    ActivitySerializer,
    ArticleSerializer,
    CampaignSerializer,
    MediaOutletSerializer,
    MilestoneSerializer,
    SectionSerializer,
)
from campaigns.models import Activity, Article, Campaign, MediaOutlet, Milestone, Section


class ArticleFilterSet(filters.FilterSet):
    published_from = filters.DateFilter(field_name="published_on", lookup_expr="gte", label="Đăng từ ngày")
    published_until = filters.DateFilter(field_name="published_on", lookup_expr="lte", label="Đăng đến ngày")

    class Meta:
        model = Article
        fields = ["section", "in_print"]


class ActivityFilterSet(filters.FilterSet):
    held_from = filters.DateFilter(field_name="held_on", lookup_expr="gte", label="Tổ chức từ ngày")
    held_until = filters.DateFilter(field_name="held_on", lookup_expr="lte", label="Tổ chức đến ngày")

    class Meta:
        model = Activity
        fields = ["unit", "kind", "campaign"]


class CampaignViewSet(ProgrammeViewSet):
    """Propaganda plans of the caller's units, and TLĐ's plans."""

    queryset = Campaign.objects.select_related("unit").prefetch_related("phases")
    serializer_class = CampaignSerializer
    filterset_fields = ["unit", "implements"]


class MilestoneViewSet(ProgrammeViewSet):
    """Milestones of the caller's units' plans."""

    queryset = Milestone.objects.select_related("campaign")
    serializer_class = MilestoneSerializer
    filterset_fields = ["campaign"]


class MediaOutletViewSet(ProgrammeViewSet):
    """Media outlets (websites, newspapers, magazines…) owned by the caller's units."""

    queryset = MediaOutlet.objects.select_related("unit")
    serializer_class = MediaOutletSerializer
    filterset_fields = ["unit", "kind"]


class SectionViewSet(ProgrammeViewSet):
    """Sections of the caller's units' outlets, each with its weekly quota."""

    queryset = Section.objects.select_related("outlet")
    serializer_class = SectionSerializer
    filterset_fields = ["outlet", "campaign", "theme"]


class ArticleViewSet(ProgrammeViewSet):
    """Articles published in the caller's units' sections."""

    queryset = Article.objects.all()
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilterSet


class ActivityViewSet(ProgrammeViewSet):
    """Propaganda activities (conferences, fairs, contests, printed material) of the caller's units."""

    queryset = Activity.objects.select_related("unit").prefetch_related("partners")
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
