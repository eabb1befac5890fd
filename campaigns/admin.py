"""Campaigns in the administration site, scoped like everything else: administrators see their
subtree's records and change what their unit scope manages (ScopedModelAdmin)."""

from django.contrib import admin

from campaigns.models import Activity, Article, Campaign, MediaOutlet, Milestone, MilestoneCompletion, Phase, Section
from unionportal.admin_site import ScopedModelAdmin


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ScopedModelAdmin):
    list_display = ["title", "unit", "document_number", "issued_on"]
    search_fields = ["title", "document_number"]
    raw_id_fields = ["unit", "implements"]
    inlines = [PhaseInline, MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(ScopedModelAdmin):
    list_display = ["title", "campaign", "due_on", "binds_subtree"]
    raw_id_fields = ["campaign"]


@admin.register(MilestoneCompletion)
class MilestoneCompletionAdmin(admin.ModelAdmin):
    """Completions carry no unit queryset of their own: only system administrators see them here."""

    list_display = ["milestone", "unit", "done_on"]
    raw_id_fields = ["milestone", "unit"]

    def _system(self, request, obj=None) -> bool:
        from organizations.scoping import get_scope

        return get_scope(request.user).is_system_admin

    has_module_permission = has_view_permission = has_change_permission = has_add_permission = has_delete_permission = _system


@admin.register(MediaOutlet)
class MediaOutletAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["unit"]


@admin.register(Section)
class SectionAdmin(ScopedModelAdmin):
    list_display = ["name", "outlet", "theme", "opened_on", "weekly_quota", "runs_banner"]
    list_filter = ["theme", "runs_banner"]
    raw_id_fields = ["outlet", "campaign"]


@admin.register(Article)
class ArticleAdmin(ScopedModelAdmin):
    list_display = ["title", "section", "published_on", "in_print"]
    date_hierarchy = "published_on"
    raw_id_fields = ["section"]
    show_full_result_count = False


@admin.register(Activity)
class ActivityAdmin(ScopedModelAdmin):
    list_display = ["title", "kind", "unit", "held_on", "participants"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "campaign"]
    filter_horizontal = ["partners"]
