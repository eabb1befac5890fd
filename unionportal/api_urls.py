"""All API routes under /api/v1/, on one router so the names match the apps' namespaces."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from agreements.api.views import (
    AgreementViewSet,
    BenefitUsageViewSet,
    InstitutionViewSet,
    OfferViewSet,
    OutletViewSet,
    PartnerViewSet,
)
from campaigns.api.views import (
    ActivityViewSet,
    ArticleViewSet,
    CampaignViewSet,
    MediaOutletViewSet,
    MilestoneViewSet,
    SectionViewSet,
)
from dashboards.api.views import DashboardViewSet
from notifications.api import NotificationViewSet
from organizations.api.token import ObtainTokenView
from organizations.api.views import UnitViewSet
from reporting.api.views import (
    ComplianceViewSet,
    ConsolidationViewSet,
    FormViewSet,
    PeriodViewSet,
    SubmissionViewSet,
)

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("partners", PartnerViewSet, basename="partner")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("offers", OfferViewSet, basename="offer")
router.register("outlets", OutletViewSet, basename="outlet")
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("usage", BenefitUsageViewSet, basename="usage")
router.register("forms", FormViewSet, basename="form")
router.register("periods", PeriodViewSet, basename="period")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("consolidations", ConsolidationViewSet, basename="consolidation")
router.register("compliance", ComplianceViewSet, basename="compliance")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("media-outlets", MediaOutletViewSet, basename="media-outlet")
router.register("sections", SectionViewSet, basename="section")
router.register("articles", ArticleViewSet, basename="article")
router.register("activities", ActivityViewSet, basename="activity")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("dashboard", DashboardViewSet, basename="dashboard")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
