from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.choices import Role
from organizations.models import Department, Province, RoleAssignment, Unit, UnitKind, User
from organizations.scoping import get_scope
from unionportal.admin_site import ScopedModelAdmin, SystemAdminOnlyModelAdmin
from unionportal.history_admin import HistoryAdmin


class UnitAdminForm(forms.ModelForm):
    parent_code = forms.CharField(
        label=_("Mã đơn vị cấp trên"),
        required=False,
        help_text=_("Chỉ dùng khi tạo đơn vị mới. Để trống để tạo đơn vị gốc (chỉ quản trị hệ thống)."),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "province", "is_active"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk:
            del self.fields["parent_code"]

    def clean_parent_code(self):
        code = self.cleaned_data["parent_code"].strip()
        scope = get_scope(self.request.user)
        if not code:
            if not scope.is_system_admin:
                raise ValidationError(_("Hãy nhập mã đơn vị cấp trên."))
            return None
        parent = Unit.objects.filter(code=code).manageable_by(self.request.user).first()
        if parent is None:
            raise ValidationError(_("Không có đơn vị mã “%(code)s” trong phạm vi bạn quản lý."), params={"code": code})
        return parent


@admin.register(Unit)
class UnitAdmin(HistoryAdmin, ScopedModelAdmin):
    form = UnitAdminForm
    list_display = ["code", "name", "kind", "province", "depth", "is_active"]
    list_filter = ["kind", "is_active", "province"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["kind", "province"]
    show_full_result_count = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form_class):
            def __new__(cls, *args, **kw):
                kw["request"] = request
                return form_class(*args, **kw)

        return RequestForm

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # `parent_code` only places a new unit (the form drops it for an existing one): listing it
        # on the change page, or on a version in the history, would fail to render.
        return [f for f in fields if f != "parent_code"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        parent = form.cleaned_data.get("parent_code")
        fields = {f: form.cleaned_data[f] for f in UnitAdminForm.Meta.fields}
        created = Unit.objects.add_child(parent, create_kwargs=fields) if parent else Unit.objects.add_root(create_kwargs=fields)
        obj.pk = created.pk
        obj.path, obj.depth = created.path, created.depth

    def has_delete_permission(self, request, obj=None) -> bool:
        # Units carry reports and history: they are closed (is_active), not deleted.
        return False


@admin.register(Department)
class DepartmentAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]


class RoleScopeFormMixin:
    """Units offered (and accepted) are those the administrator manages; only a system
    administrator may grant the system administrator role."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("unit", "member_unit"):
            kwargs["queryset"] = Unit.objects.manageable_by(request.user)
        if db_field.name == "department":
            kwargs["queryset"] = Department.objects.manageable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not get_scope(request.user).is_system_admin:
            kwargs["choices"] = [c for c in Role.choices if c[0] != Role.SYSTEM_ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class RoleAssignmentInline(RoleScopeFormMixin, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["unit", "role", "department"]


@admin.register(User)
class UserAdmin(RoleScopeFormMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "is_active"]
    search_fields = ["username", "full_name", "email", "member_card_number"]
    ordering = ["username"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone")}),
        (_("Đoàn viên"), {"fields": ("member_card_number", "member_unit")}),
        (_("Trạng thái"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    autocomplete_fields = ["member_unit"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = get_scope(request.user)
        if scope.is_system_admin:
            return queryset
        # A unit administrator sees the people holding a role in, or members of, their subtree.
        units = Unit.objects.manageable_by(request.user).values("pk")
        return queryset.filter(Q(roles__unit__in=units) | Q(member_unit__in=units)).distinct()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not get_scope(request.user).is_system_admin:
            fields.append("is_superuser")
        return fields

    def has_module_permission(self, request) -> bool:
        return get_scope(request.user).is_staff_like

    def has_view_permission(self, request, obj=None) -> bool:
        return self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._in_scope(request, obj)

    def has_add_permission(self, request) -> bool:
        return get_scope(request.user).is_staff_like

    def has_delete_permission(self, request, obj=None) -> bool:
        return get_scope(request.user).is_system_admin

    def _in_scope(self, request, obj) -> bool:
        if not get_scope(request.user).is_staff_like:
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()



@admin.register(RoleAssignment)
class RoleAssignmentAdmin(RoleScopeFormMixin, ScopedModelAdmin):
    list_display = ["user", "unit", "role", "department"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "unit__code", "unit__name"]
    autocomplete_fields = ["user", "unit", "department"]
    list_select_related = ["user", "unit", "department"]


@admin.register(UnitKind)
class UnitKindAdmin(SystemAdminOnlyModelAdmin):
    list_display = ["code", "name", "sort_order"]


@admin.register(Province)
class ProvinceAdmin(SystemAdminOnlyModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name"]
