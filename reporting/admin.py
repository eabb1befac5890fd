"""Reporting in the administration site.

- Forms come from their data files (`reporting/forms/*.yaml`): a system administrator edits only
  the deadline rule, the reminder days and whether the form is in use; versions and rows are
  shown read-only, since submissions keep the version they were filled on.
- Periods: the due date is data a system administrator may move (the UI, the compliance list
  and the reminders read it); the period itself is generated, not typed.
- Which units owe which form: unit administrators manage the assignments of their subtree.
- Submissions are read-only here, with their values and history: a report changes only through
  its own pages (save, submit, return, approve, reopen with a reason), never silently.
"""

import calendar
import json
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.models import Unit
from organizations.scoping import VIEW, get_scope
from reporting.choices import PeriodType
from reporting.models import (
    Form,
    FormAssignment,
    FormRow,
    FormVersion,
    Period,
    Submission,
    SubmissionTransition,
    SubmissionValue,
)
from reporting.services import periods_generate
from unionportal.admin_site import ParentScopedInline, ScopedModelAdmin, SystemAdminOnlyModelAdmin
from unionportal.history_admin import HistoryAdmin


class ReadOnlyInline(ParentScopedInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- forms and their versions -------------------------------------------------------------------


class FormAdminForm(forms.ModelForm):
    """The deadline rule must give a real date in every month or year it is used for."""

    class Meta:
        model = Form
        fields = ["due_day", "due_month", "one_off_due_date", "reminder_offsets", "is_active", "sort_order"]

    def clean_reminder_offsets(self):
        offsets = self.cleaned_data["reminder_offsets"]
        if offsets in (None, ""):
            return []
        if not isinstance(offsets, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in offsets):
            raise forms.ValidationError(_("Nhập một danh sách số nguyên, ví dụ [-5, 0]."))
        if any(abs(n) > 90 for n in offsets):
            raise forms.ValidationError(_("Mỗi ngày nhắc phải trong khoảng 90 ngày trước hoặc sau hạn nộp."))
        return sorted(set(offsets))

    def clean(self):
        data = super().clean()
        period_type = self.instance.period_type
        day, month = data.get("due_day"), data.get("due_month")
        if period_type == PeriodType.MONTHLY:
            # Up to 31: in a shorter month the due date is the month's last day (Form.due_date_for).
            if day is None or not 1 <= day <= 31:
                self.add_error("due_day", _("Báo cáo tháng cần ngày hạn nộp từ 1 đến 31 (tháng ngắn hơn: ngày cuối tháng)."))
        elif period_type == PeriodType.YEARLY or (period_type == PeriodType.ONE_OFF and (day or month)):
            if month is None or not 1 <= month <= 12:
                self.add_error("due_month", _("Cần tháng hạn nộp từ 1 đến 12."))
            elif day is None or not 1 <= day <= calendar.monthrange(2024, month)[1]:
                self.add_error("due_day", _("Tháng %(month)s không có ngày này.") % {"month": month})
        elif period_type == PeriodType.ONE_OFF and not data.get("one_off_due_date"):
            self.add_error(
                "one_off_due_date", _("Báo cáo một lần cần ngày hạn nộp, hoặc ngày và tháng hạn nộp của năm được yêu cầu.")
            )
        return data


class FormVersionInline(ReadOnlyInline):
    model = FormVersion
    fields = ["version", "is_current", "loaded_at"]
    show_change_link = True


@admin.register(Form)
class FormAdmin(SystemAdminOnlyModelAdmin):
    form = FormAdminForm
    list_display = ["code", "title", "period_type", "due_rule", "reminder_offsets", "is_active"]
    list_filter = ["period_type", "is_active"]
    search_fields = ["code", "title"]
    readonly_fields = ["code", "title", "period_type"]
    fieldsets = (
        (None, {"fields": ("code", "title", "period_type", "is_active", "sort_order")}),
        (_("Hạn nộp và nhắc hạn"), {
            "fields": ("due_day", "due_month", "one_off_due_date", "reminder_offsets"),
            "description": _(
                "Hạn nộp mới áp dụng cho các kỳ được tạo sau khi lưu. Để dời hạn của một kỳ đã có, "
                "sửa ở mục “Kỳ báo cáo”."
            ),
        }),
    )
    inlines = [FormVersionInline]
    actions = ["generate_periods"]

    @admin.display(description=_("hạn nộp"))
    def due_rule(self, obj: Form) -> str:
        if obj.period_type == PeriodType.MONTHLY:
            return _("ngày %(day)s hằng tháng") % {"day": obj.due_day}
        if obj.due_day and obj.due_month:
            return f"{obj.due_day:02d}/{obj.due_month:02d}"
        return obj.one_off_due_date.strftime("%d/%m/%Y") if obj.one_off_due_date else "—"

    @admin.action(description=_("Tạo các kỳ báo cáo của năm nay và năm sau"))
    def generate_periods(self, request, queryset):
        year = timezone.localdate().year
        before = Period.objects.filter(form__in=queryset).count()
        for y in (year, year + 1):
            periods_generate(year=y, forms=queryset.filter(is_active=True))
        created = Period.objects.filter(form__in=queryset).count() - before
        self.message_user(
            request,
            ngettext("Đã tạo %(n)d kỳ báo cáo.", "Đã tạo %(n)d kỳ báo cáo.", created) % {"n": created},
            messages.SUCCESS,
        )

    def has_add_permission(self, request) -> bool:
        return False  # a form is added with its data file in reporting/forms/, not typed here

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # periods and submissions hold on to it; `is_active` retires a form


class FormRowInline(ReadOnlyInline):
    model = FormRow
    fields = ["order", "number", "label", "unit", "kind", "aggregation", "parent", "required", "prefill"]


@admin.register(FormVersion)
class FormVersionAdmin(SystemAdminOnlyModelAdmin):
    list_display = ["form", "version", "is_current", "loaded_at"]
    list_filter = ["form", "is_current"]
    list_select_related = ["form"]
    fields = ["form", "version", "is_current", "checksum", "loaded_at", "definition_text"]
    readonly_fields = fields
    inlines = [FormRowInline]

    @admin.display(description=_("định nghĩa"))
    def definition_text(self, obj: FormVersion):
        return format_html("<pre>{}</pre>", json.dumps(obj.definition, ensure_ascii=False, indent=2))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- periods and deadlines ----------------------------------------------------------------------


class PeriodAdminForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["due_date"]

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date < self.instance.starts_on:
            raise forms.ValidationError(
                _("Hạn nộp không được trước ngày bắt đầu kỳ (%(day)s).") % {"day": self.instance.starts_on.strftime("%d/%m/%Y")}
            )
        return due_date


@admin.register(Period)
class PeriodAdmin(SystemAdminOnlyModelAdmin):
    form = PeriodAdminForm
    list_display = ["__str__", "form", "year", "month", "starts_on", "ends_on", "due_date"]
    list_filter = ["form", "year"]
    list_select_related = ["form"]
    fields = ["form", "year", "month", "starts_on", "ends_on", "due_date"]
    readonly_fields = ["form", "year", "month", "starts_on", "ends_on"]
    ordering = ["form", "-year", "-month"]

    def has_add_permission(self, request) -> bool:
        return False  # generated from the form's rule (action "Tạo các kỳ báo cáo" on the form)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- who owes which form ------------------------------------------------------------------------


class FormAssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = FormAssignment
        fields = ["unit", "form", "valid_from", "valid_until"]

    def clean(self):
        data = super().clean()
        valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("Ngày kết thúc không được trước ngày bắt đầu."))
        unit, form = data.get("unit"), data.get("form")
        if unit and form and valid_from:
            overlapping = FormAssignment.objects.filter(unit=unit, form=form).exclude(pk=self.instance.pk)
            overlapping = overlapping.filter(valid_from__lte=valid_until or date.max).exclude(valid_until__lt=valid_from)
            if overlapping.exists():
                self.add_error(None, _("Đơn vị này đã được giao biểu mẫu này trong khoảng thời gian trùng lặp."))
        return data


@admin.register(FormAssignment)
class FormAssignmentAdmin(ScopedModelAdmin):
    """Unit administrators give and close the forms their subtree owes; closing keeps the history."""

    form = FormAssignmentAdminForm
    list_display = ["unit", "form", "valid_from", "valid_until"]
    list_filter = ["form"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "form"]
    autocomplete_fields = ["unit"]
    show_full_result_count = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.manageable_by(request.user)
        elif db_field.name == "form":
            kwargs["queryset"] = Form.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        field = form_class.base_fields.get("valid_until")
        if field is not None:
            field.help_text = _(
                "Đơn vị giải thể, sáp nhập hoặc thôi báo cáo: ghi ngày kết thúc thay vì xóa, để các kỳ trước vẫn đúng."
            )
        return form_class


# --- submissions (read-only, with history) ------------------------------------------------------


class SubmissionValueInline(ReadOnlyInline):
    model = SubmissionValue
    fields = ["row_label", "column", "number", "text", "source", "source_note", "comment"]
    verbose_name_plural = _("số liệu")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("row").order_by("row__order", "column")

    @admin.display(description=_("dòng"))
    def row_label(self, obj: SubmissionValue) -> str:
        return str(obj.row)


class SubmissionTransitionInline(ReadOnlyInline):
    model = SubmissionTransition
    fields = ["at", "by", "from_status", "to_status", "comment", "row_comment_list"]
    verbose_name_plural = _("lịch sử")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by").prefetch_related("row_comments__row")

    @admin.display(description=_("ý kiến theo dòng"))
    def row_comment_list(self, obj: SubmissionTransition):
        comments = list(obj.row_comments.all())
        if not comments:
            return "—"
        return format_html_join(
            "", "<div><strong>{}</strong>: {}</div>", ((c.row.number or c.row.key, c.text) for c in comments)
        )


@admin.register(Submission)
class SubmissionAdmin(HistoryAdmin, ScopedModelAdmin):
    """Reports of the administrator's subtree, to look at: changes go through the reporting pages."""

    scope_action = VIEW
    list_display = ["unit", "period", "status", "version", "first_submitted_at", "submitted_late", "approved_at"]
    list_filter = ["status", "period__form", "submitted_late"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "period__form"]
    show_full_result_count = False
    fields = [
        "unit", "period", "form_version", "status", "version", "first_submitted_at", "last_submitted_at",
        "submitted_late", "approved_at", "approved_by", "created_at", "updated_at", "updated_by",
    ]
    readonly_fields = fields
    inlines = [SubmissionValueInline, SubmissionTransitionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting would leave its figures in every consolidation above: reopen it instead.
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return get_scope(request.user).is_staff_like and super().has_view_permission(request, obj)
