"""Campaigns in the administration site, scoped like everything else: administrators see their
subtree's records and change what their unit scope manages (ScopedModelAdmin). The files of a
plan are listed read-only: they are uploaded on the plan's page, which checks their content."""

from django.contrib import admin

from agreements.models import Partner
from campaigns.models import (
    Activity,
    Article,
    Campaign,
    CampaignDocument,
    MediaOutlet,
    Milestone,
    MilestoneCompletion,
    Phase,
    Section,
)
from unionportal.admin_site import ParentScopedInline, ScopedModelAdmin


class CampaignScopedAdmin(ScopedModelAdmin):
    """Choices stay inside the administrator's scope: the record's owner (its unit, or the plan,
    outlet or section it hangs from) among what they manage, anything it merely refers to (the
    plan it implements, the partners at a fair) among what they see. A raw id typed by hand is
    checked against the same choices, so nothing can be moved out of the scope."""

    def _owner_field(self) -> str:
        return self.model._default_manager.all().unit_field.split("__")[0]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        if db_field.name == self._owner_field():
            kwargs["queryset"] = manager.manageable_by(request.user)
        elif hasattr(manager, "visible_to"):
            kwargs["queryset"] = manager.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Partner:
            kwargs["queryset"] = Partner.objects.visible_to(request.user).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PhaseInline(ParentScopedInline):
    model = Phase


class MilestoneInline(ParentScopedInline):
    model = Milestone


class CampaignDocumentInline(ParentScopedInline):
    model = CampaignDocument
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    # Uploaded on the plan's page, which checks the content; deleted there, with the stored file.
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Campaign)
class CampaignAdmin(CampaignScopedAdmin):
    list_display = ["title", "unit", "document_number", "issued_on"]
    search_fields = ["title", "document_number"]
    raw_id_fields = ["unit", "implements"]
    inlines = [PhaseInline, MilestoneInline, CampaignDocumentInline]


@admin.register(Milestone)
class MilestoneAdmin(CampaignScopedAdmin):
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
class MediaOutletAdmin(CampaignScopedAdmin):
    list_display = ["name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["unit"]


@admin.register(Section)
class SectionAdmin(CampaignScopedAdmin):
    list_display = ["name", "outlet", "theme", "opened_on", "weekly_quota", "runs_banner"]
    list_filter = ["theme", "runs_banner"]
    raw_id_fields = ["outlet", "campaign"]


@admin.register(Article)
class ArticleAdmin(CampaignScopedAdmin):
    list_display = ["title", "section", "published_on", "in_print"]
    date_hierarchy = "published_on"
    raw_id_fields = ["section"]
    show_full_result_count = False


@admin.register(Activity)
class ActivityAdmin(CampaignScopedAdmin):
    list_display = ["title", "kind", "unit", "held_on", "participants"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "campaign"]
    filter_horizontal = ["partners"]
