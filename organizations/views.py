"""Pages of the unit tree, the per-role home page and the health endpoint."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from organizations.choices import Role
from organizations.filtersets import UnitFilterSet
from organizations.mixins import ScopedViewMixin
from organizations.models import RoleAssignment, Unit, UnitKind
from organizations.scoping import get_scope
from unionportal import health


def home(request: HttpRequest) -> HttpResponse:
    """One home page, its content chosen by what the user does in the portal."""
    user = request.user
    context: dict = {}
    if user.is_authenticated:
        assignments = list(
            RoleAssignment.objects.filter(user=user).select_related("unit", "unit__kind", "department")
        )
        context["assignments"] = assignments
        context["officer_units"] = [a.unit for a in assignments if a.role == Role.OFFICER]
        context["reviewer_units"] = [a.unit for a in assignments if a.role == Role.REVIEWER]
        context["admin_units"] = [a.unit for a in assignments if a.role in (Role.UNIT_ADMIN, Role.SYSTEM_ADMIN)]
        context["scope"] = get_scope(user)
        if context["officer_units"]:
            from agreements.views.officer import ending_soon
            from reporting.views.entry import home_reports

            context["ending_soon"] = list(ending_soon(user)[:10])
            # Each unit's reports still to send, with their due dates (Period.due_date) and status.
            context["officer_reports"] = home_reports(user, context["officer_units"])
        context["reviewed_units_count"] = (
            Unit.objects.reviewable_by(user).count() if context["reviewer_units"] else 0
        )
        if context["reviewer_units"]:
            from reporting.views.entry import awaiting_review_count

            context["awaiting_review_count"] = awaiting_review_count(user)
    if not context.get("assignments"):
        from campaigns.views.public import campaign_banner

        # During a phase of TLĐ's propaganda plan the members' and visitors' home page carries its banner.
        context["campaign_banner"] = campaign_banner()
    return render(request, "home.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis, the age of the last Celery heartbeat and the outbox (unionportal/health.py);
    503 when any of them is down or the heartbeat is missing or stale."""
    status, http_status = health.report()
    return JsonResponse(status, status=http_status)


class UnitListView(ScopedViewMixin, ListView):
    model = Unit
    paginate_by = 50
    template_name = "organizations/unit_list.html"

    def get_queryset(self):
        queryset = super().get_queryset().select_related("kind", "province")
        self.filterset = UnitFilterSet(self.request.GET, queryset=queryset)
        return self.filterset.qs

    def get_template_names(self):
        if self.request.htmx:
            return ["organizations/_unit_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context["kinds"] = UnitKind.objects.all()
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class UnitDetailView(ScopedViewMixin, DetailView):
    model = Unit
    template_name = "organizations/unit_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kind", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        user = self.request.user
        context["ancestors"] = Unit.objects.filter(path__in=unit.ancestor_paths()).visible_to(user)
        context["children"] = (
            Unit.objects.children_of(unit).visible_to(user).select_related("kind").order_by("name")[:200]
        )
        context["children_count"] = Unit.objects.children_of(unit).visible_to(user).count()
        context["subtree_count"] = Unit.objects.subtree_of(unit).visible_to(user).count() - 1
        context["departments"] = unit.departments.all()
        context["people"] = (
            RoleAssignment.objects.filter(unit=unit).visible_to(user).select_related("user", "department")
        )
        return context
