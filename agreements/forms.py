"""Forms of the officers' side: partners, agreements, offers, outlets, institutions, usage, scans.

Every choice a form offers comes from the user's scope (the units they record for, the partners
they may see), and the same querysets validate what comes back, so a forged id is refused like
any other wrong value. Dates are typed dd/mm/yyyy; numbers accept Vietnamese commas (12,5).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.choices import AgreementScope, DiscountKind
from agreements.models import (
    Agreement,
    BenefitUsage,
    Institution,
    Offer,
    Outlet,
    OutletComplaint,
    OutletInspection,
    Partner,
)
from organizations.models import Province, Unit, Ward
from organizations.scoping import get_scope
from unionportal import documents, numbers
from unionportal.documents import DocumentUploadForm

DATE_PLACEHOLDER = "dd/mm/yyyy"


def recording_units(user):
    """Units for which `user` records programme records: their officer units.

    A system administrator without an officer role records for TLĐ itself (the root units).
    """
    scope = get_scope(user)
    units = Unit.objects.filter(pk__in=sorted(scope.officer_unit_ids))
    if scope.is_system_admin:
        units = units | Unit.objects.filter(depth=1)
    return units.order_by("path")


def date_widget() -> forms.DateInput:
    # A text input, not type=date: the browser's date picker would send and show yyyy-mm-dd.
    return forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric"})


class DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", date_widget())
        super().__init__(**kwargs)


class MonthField(forms.Field):
    """A month typed mm/yyyy (or yyyy-mm, what `<input type=month>` sends), kept as its first day."""

    widget = forms.TextInput(attrs={"placeholder": "mm/yyyy", "inputmode": "numeric"})
    default_error_messages = {"invalid": gettext_lazy("Nhập tháng theo dạng mm/yyyy, ví dụ 03/2026.")}

    def prepare_value(self, value):
        if isinstance(value, date):
            return value.strftime("%m/%Y")
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        text = str(value).strip()
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text) or re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        first, second = match.groups()
        year, month = (int(second), int(first)) if len(first) <= 2 else (int(first), int(second))
        if not 1 <= month <= 12 or year < 1990:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return date(year, month, 1)


def _vietnamese_number(to_python):
    """Read "1.234,5" with the portal's one number reader before the field's own checks."""

    def read(value):
        try:
            number = numbers.parse_number(value)
        except numbers.NumberError:
            return to_python(value)  # the field's own message names the problem
        return to_python(None if number is None else str(number))

    return read


class PortalForm(forms.ModelForm):
    """Bootstrap classes, dd/mm/yyyy dates, localized decimals; invalid fields are marked."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = date_widget()
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                # Typed the Vietnamese way: "1.250", "12,5" or "1.234,5".
                mode = "decimal" if isinstance(field, forms.DecimalField) else "numeric"
                field.widget = forms.TextInput(attrs={"inputmode": mode})
                field.to_python = _vietnamese_number(field.to_python)
            self._style(name, field)

    @staticmethod
    def _style(name, field) -> None:
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def _get_validation_exclusions(self):
        # The unit is set by the view, not typed: the constraints that name it must still be checked
        # (one partner tax code per unit, one usage row per unit, month and partner).
        exclude = super()._get_validation_exclusions()
        if getattr(self.instance, "unit_id", None):
            exclude.discard("unit")
        return exclude

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def _set_unit(self):
        """The unit field on creation only; with a single unit to choose it is set, not asked."""
        if self.instance.pk:
            self.fields.pop("unit", None)
            return
        units = recording_units(self.user)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None
        if len(units) == 1:
            self.instance.unit = units[0]
            self.fields.pop("unit")


class PartnerForm(PortalForm):
    class Meta:
        model = Partner
        fields = [
            "unit", "name", "tax_code", "sector", "address", "website",
            "contact_name", "contact_phone", "contact_email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_unit()


class AgreementForm(PortalForm):
    class Meta:
        model = Agreement
        fields = [
            "number", "title", "unit", "partner", "signed_on", "valid_from", "valid_until",
            "scope", "provinces", "support_amount", "support_plan", "is_draft",
        ]
        widgets = {
            "provinces": forms.CheckboxSelectMultiple,
            "support_plan": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "valid_until": gettext_lazy("Để trống nếu thỏa thuận không ghi thời hạn."),
            "is_draft": gettext_lazy("Thỏa thuận dự thảo chưa hiện với đoàn viên."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_unit()
        self.fields["partner"].queryset = Partner.objects.visible_to(self.user).select_related("unit")
        self.fields["partner"].error_messages["invalid_choice"] = _("Hãy chọn một đối tác trong danh sách.")
        self.fields["partner"].empty_label = gettext_lazy("— Chọn đối tác —")
        # Folded names sort "Đồng Nai" among the D's, as a Vietnamese reader expects.
        self.fields["provinces"].queryset = Province.objects.order_by("search_key")
        self.fields["provinces"].required = False
        self.fields["provinces"].help_text = _("Chỉ dùng khi phạm vi áp dụng là “Một số tỉnh, thành phố”.")

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit") or getattr(self.instance, "unit", None)
        scope = cleaned.get("scope")
        if scope == AgreementScope.NATIONWIDE and unit is not None and unit.depth != 1:
            self.add_error(
                "scope",
                _("Chỉ thỏa thuận do Tổng Liên đoàn ký mới áp dụng toàn quốc. Hãy chọn phạm vi khác."),
            )
        if scope == AgreementScope.PROVINCES and not cleaned.get("provinces"):
            self.add_error("provinces", _("Hãy chọn ít nhất một tỉnh, thành phố áp dụng."))
        elif scope and scope != AgreementScope.PROVINCES:
            cleaned["provinces"] = Province.objects.none()  # a list only means something for that scope
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
        signed_on = cleaned.get("signed_on")
        if signed_on and signed_on > timezone.localdate():
            self.add_error("signed_on", _("Ngày ký không được sau hôm nay."))
        return cleaned

    def validate_constraints(self):
        # The date check above already says it next to the field; do not repeat it on top.
        if "valid_until" not in self.errors:
            super().validate_constraints()


class AgreementTerminateForm(forms.Form):
    terminated_on = DateField(label=gettext_lazy("Ngày chấm dứt"))
    reason = forms.CharField(
        label=gettext_lazy("Lý do chấm dứt"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Hãy ghi lý do chấm dứt.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            PortalForm._style("", field)


class AgreementDocumentForm(DocumentUploadForm):
    """A scan of the signed agreement. The file's bytes decide what it is, never its name."""

    allowed_types = (documents.PDF, documents.JPEG, documents.PNG)
    max_bytes_setting = "AGREEMENT_DOCUMENT_MAX_BYTES"


class OfferForm(PortalForm):
    class Meta:
        model = Offer
        fields = [
            "title", "category", "description", "discount_kind", "discount_percent", "discount_amount",
            "special_price", "conditions", "for_members", "for_families", "for_kitchens", "valid_from", "valid_until",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("discount_kind")
        needed = {
            DiscountKind.PERCENT: ("discount_percent", _("Hãy nhập mức giảm (%).")),
            DiscountKind.AMOUNT: ("discount_amount", _("Hãy nhập số tiền giảm.")),
            DiscountKind.SPECIAL_PRICE: ("special_price", _("Hãy nhập giá ưu đãi.")),
        }
        if kind in needed:
            name, message = needed[kind]
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        if not (cleaned.get("for_members") or cleaned.get("for_families") or cleaned.get("for_kitchens")):
            self.add_error("for_members", _("Chọn ít nhất một đối tượng được hưởng ưu đãi."))
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


class WardChoiceMixin:
    """Wards offered are those of the chosen province (3,321 in all would be unusable)."""

    def _limit_wards(self):
        province = None
        if self.is_bound:
            province = self.data.get(self.add_prefix("province")) or None
        elif self.instance.pk:
            province = self.instance.province_id
        else:
            province = self.initial.get("province")
        field = self.fields["ward"]
        field.queryset = Ward.objects.filter(province_id=province) if str(province or "").isdigit() else Ward.objects.none()
        field.empty_label = gettext_lazy("— Chọn phường/xã —")
        self.fields["province"].queryset = Province.objects.order_by("search_key")
        self.fields["province"].empty_label = gettext_lazy("— Chọn tỉnh/thành phố —")
        # Choosing a province reloads the ward options (htmx), without a page reload.
        self.fields["province"].widget.attrs.update(
            {"hx-get": reverse("agreements:ward-options"), "hx-target": f"#{self['ward'].id_for_label}", "hx-trigger": "change"}
        )

    def _check_ward(self, cleaned):
        ward, province = cleaned.get("ward"), cleaned.get("province")
        if ward and province and ward.province_id != province.pk:
            self.add_error("ward", _("Phường/xã này không thuộc tỉnh/thành phố đã chọn."))


class OutletForm(WardChoiceMixin, PortalForm):
    class Meta:
        model = Outlet
        fields = ["partner", "name", "address", "province", "ward", "phone", "latitude", "longitude"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.editable_by(self.user)
        self.fields["partner"].error_messages["invalid_choice"] = _("Hãy chọn một đối tác của đơn vị trong danh sách.")
        self.fields["partner"].empty_label = gettext_lazy("— Chọn đối tác —")
        self._limit_wards()

    def clean(self):
        cleaned = super().clean()
        self._check_ward(cleaned)
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error("longitude" if longitude is None else "latitude", _("Nhập đủ cả vĩ độ và kinh độ, hoặc để trống cả hai."))
        if latitude is not None and not (8 <= latitude <= 24):
            self.add_error("latitude", _("Vĩ độ phải nằm trong lãnh thổ Việt Nam (từ 8 đến 24)."))
        if longitude is not None and not (102 <= longitude <= 118):
            self.add_error("longitude", _("Kinh độ phải nằm trong lãnh thổ Việt Nam (từ 102 đến 118)."))
        return cleaned


class OutletInspectionForm(PortalForm):
    class Meta:
        model = OutletInspection
        fields = ["inspected_on", "sign_displayed", "discount_honoured", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "sign_displayed": gettext_lazy("Điểm bán có niêm yết biển ưu đãi cho đoàn viên"),
            "discount_honoured": gettext_lazy("Điểm bán áp dụng đúng ưu đãi cho đoàn viên"),
        }

    def clean_inspected_on(self):
        inspected_on = self.cleaned_data["inspected_on"]
        if inspected_on > timezone.localdate():
            raise ValidationError(_("Ngày kiểm tra không được sau hôm nay."))
        return inspected_on


class InstitutionForm(WardChoiceMixin, PortalForm):
    class Meta:
        model = Institution
        fields = ["kind", "unit", "name", "address", "province", "ward", "phone", "services", "member_prices", "is_active"]
        widgets = {
            "services": forms.Textarea(attrs={"rows": 3}),
            "member_prices": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_unit()
        self._limit_wards()

    def clean(self):
        cleaned = super().clean()
        self._check_ward(cleaned)
        return cleaned


class BenefitUsageForm(PortalForm):
    month = MonthField(label=gettext_lazy("Tháng"))

    class Meta:
        model = BenefitUsage
        fields = ["unit", "month", "partner", "institution", "members_count", "value_million", "note"]
        help_texts = {
            "partner": gettext_lazy("Chọn đối tác hoặc thiết chế công đoàn, không chọn cả hai."),
            "value_million": gettext_lazy("Đơn vị: triệu đồng, ví dụ 12,5."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_unit()
        self.fields["partner"].queryset = Partner.objects.visible_to(self.user)
        self.fields["institution"].queryset = Institution.objects.visible_to(self.user)
        self.fields["partner"].empty_label = self.fields["institution"].empty_label = gettext_lazy("— Không chọn —")

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and month > timezone.localdate().replace(day=1):
            raise ValidationError(_("Không nhập số liệu cho tháng chưa đến."))
        return month

    def clean(self):
        cleaned = super().clean()
        partner, institution = cleaned.get("partner"), cleaned.get("institution")
        if partner and institution:
            self.add_error("institution", _("Chọn đối tác hoặc thiết chế công đoàn, không chọn cả hai."))
        elif not partner and not institution and "partner" not in self.errors and "institution" not in self.errors:
            self.add_error("partner", _("Chọn một đối tác hoặc một thiết chế công đoàn."))
        return cleaned

    def validate_constraints(self):
        # "partner or institution" is already said next to the field.
        if not ({"partner", "institution"} & set(self.errors)):
            super().validate_constraints()


class ComplaintRespondForm(PortalForm):
    close = forms.BooleanField(
        label=gettext_lazy("Đã xử lý xong: đóng phản ánh"),
        required=False,
        help_text=gettext_lazy("Không chọn nếu vẫn đang xử lý; đoàn viên vẫn nhận được nội dung trả lời."),
    )

    class Meta:
        model = OutletComplaint
        fields = ["response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 4})}
        labels = {"response": gettext_lazy("Kết quả xử lý (gửi cho đoàn viên phản ánh)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].required = True
        self.fields["response"].error_messages["required"] = _("Hãy ghi kết quả xử lý để trả lời đoàn viên.")
        self._style("close", self.fields["close"])
