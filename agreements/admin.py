"""The welfare programme in the administration site, scoped like everything else.

Administrators (unit administrators, system administrators) *see* programme records as officers
would (their subtree, plus TLĐ's own records) and *change* only what their unit scope manages;
deleting stays with system administrators. Scans are listed read-only: they are uploaded through
the agreement page, which checks their content.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    Agreement,
    AgreementDocument,
    BenefitUsage,
    Institution,
    Offer,
    Outlet,
    OutletComplaint,
    OutletInspection,
    Partner,
    SearchSynonym,
)
from organizations.models import Unit
from organizations.scoping import MANAGE, VIEW, get_scope
from unionportal.admin_site import ParentScopedInline, ScopedModelAdmin, SystemAdminOnlyModelAdmin
from unionportal.history_admin import HistoryAdmin


class ProgrammeAdmin(ScopedModelAdmin):
    """Lists what the administrator may see; changes only what their unit scope manages."""

    scope_action = VIEW
    show_full_result_count = False

    def _manageable(self, request):
        return self.model._default_manager.all().for_action(request.user, MANAGE)

    def has_change_permission(self, request, obj=None) -> bool:
        if not get_scope(request.user).is_staff_like:
            return False
        return obj is None or self._manageable(request).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return get_scope(request.user).is_system_admin and self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only what the administrator manages may be chosen, so nothing is moved out of the scope.
        related = db_field.related_model
        if related is Unit:
            kwargs["queryset"] = Unit.objects.manageable_by(request.user)
        elif related in (Partner, Agreement, Offer, Outlet, Institution):
            kwargs["queryset"] = related._default_manager.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AgreementDocumentInline(ParentScopedInline):
    model = AgreementDocument
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OfferInline(ParentScopedInline):
    model = Offer
    extra = 0
    fields = ["title", "category", "discount_kind", "discount_percent", "discount_amount", "special_price", "valid_until"]
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(ProgrammeAdmin):
    list_display = ["name", "tax_code", "sector", "unit", "contact_name", "contact_phone"]
    search_fields = ["name", "tax_code", "search_key"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin, ProgrammeAdmin):
    list_display = ["number", "title", "partner", "unit", "signed_on", "valid_from", "valid_until", "status_label"]
    list_filter = ["scope", "is_draft"]
    search_fields = ["number", "title", "partner__name"]
    list_select_related = ["partner", "unit"]
    autocomplete_fields = ["unit", "partner"]
    filter_horizontal = ["provinces"]
    date_hierarchy = "signed_on"
    inlines = [OfferInline, AgreementDocumentInline]

    @admin.display(description=_("trạng thái"))
    def status_label(self, obj: Agreement) -> str:
        return obj.get_status_display()


@admin.register(Offer)
class OfferAdmin(ProgrammeAdmin):
    list_display = ["title", "agreement", "category", "discount_kind", "discount_percent", "valid_until"]
    list_filter = ["category", "discount_kind"]
    search_fields = ["title", "search_key", "agreement__number"]
    list_select_related = ["agreement"]
    autocomplete_fields = ["agreement"]


@admin.register(Outlet)
class OutletAdmin(ProgrammeAdmin):
    list_display = ["name", "partner", "province", "displays_sign", "sign_checked_on"]
    list_filter = ["displays_sign", "province"]
    search_fields = ["name", "search_key", "partner__name"]
    list_select_related = ["partner", "province"]
    autocomplete_fields = ["partner"]
    raw_id_fields = ["ward"]


@admin.register(OutletInspection)
class OutletInspectionAdmin(ProgrammeAdmin):
    # Scoped by the inspecting unit, not by the partner's.
    list_display = ["outlet", "unit", "inspected_on", "sign_displayed", "discount_honoured"]
    list_filter = ["sign_displayed", "discount_honoured"]
    list_select_related = ["outlet", "unit"]
    autocomplete_fields = ["outlet", "unit"]
    date_hierarchy = "inspected_on"


@admin.register(Institution)
class InstitutionAdmin(ProgrammeAdmin):
    list_display = ["name", "kind", "unit", "province", "is_active"]
    list_filter = ["kind", "is_active", "province"]
    search_fields = ["name", "search_key"]
    list_select_related = ["unit", "province"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["ward"]


@admin.register(BenefitUsage)
class BenefitUsageAdmin(ProgrammeAdmin):
    list_display = ["month", "unit", "partner", "institution", "members_count", "value_million", "source"]
    list_filter = ["source"]
    list_select_related = ["unit", "partner", "institution"]
    autocomplete_fields = ["unit", "partner", "institution"]
    date_hierarchy = "month"


@admin.register(OutletComplaint)
class OutletComplaintAdmin(ProgrammeAdmin):
    list_display = ["kind", "offer", "outlet", "status", "created_at", "closed_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["offer", "outlet"]
    readonly_fields = ["offer", "outlet", "reporter", "kind", "message", "happened_on", "created_at"]
    fields = [*readonly_fields, "status", "response", "handled_by", "closed_at"]
    raw_id_fields = ["handled_by"]

    def has_add_permission(self, request) -> bool:
        return False  # members report from the offer page


@admin.register(SearchSynonym)
class SearchSynonymAdmin(SystemAdminOnlyModelAdmin):
    list_display = ["term", "expansion"]
    search_fields = ["term", "expansion"]
