"""Serializers of the welfare programme API.

Writes are checked here, with Vietnamese messages next to the field that caused them:
- related records come from querysets scoped to the caller, so a record the caller may not use
  gets the same "not found" answer as one that does not exist;
- the owning unit is the officer's own unit when they have exactly one, otherwise it is
  required and must be a unit they may edit;
- the model's own constraints (unique per unit, dates in order, percentages) run before saving,
  each message attached to the field it is about.
"""

import copy
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from agreements.choices import AgreementScope, DiscountKind, OfferCategory
from agreements.models import Agreement, BenefitUsage, Institution, Offer, Outlet, Partner
from organizations.models import Province, Unit, Ward
from organizations.scoping import get_scope

# DRF's Vietnamese catalogue is incomplete; these replace its English leftovers.
MESSAGES = {
    "required": _("Trường này là bắt buộc."),
    "null": _("Trường này không được để trống."),
    "blank": _("Trường này không được để trống."),
    "invalid": _("Giá trị không hợp lệ."),
    "max_length": _("Không được dài quá {max_length} ký tự."),
    "min_value": _("Giá trị phải từ {min_value} trở lên."),
    "max_value": _("Giá trị phải từ {max_value} trở xuống."),
    "max_digits": _("Không được quá {max_digits} chữ số."),
    "max_decimal_places": _("Không được quá {max_decimal_places} chữ số sau dấu phẩy."),
    "max_whole_digits": _("Không được quá {max_whole_digits} chữ số trước dấu phẩy."),
    "max_string_length": _("Giá trị quá lớn."),
    "invalid_choice": _("“{input}” không phải là một lựa chọn hợp lệ."),
    "does_not_exist": _("Không tìm thấy bản ghi này, hoặc bạn không có quyền sử dụng nó."),
    "incorrect_type": _("Cần mã số (id) của bản ghi."),
    "not_a_list": _("Cần một danh sách mã số."),
    "empty": _("Chọn ít nhất một giá trị."),
}
INVALID_BY_TYPE = {
    serializers.IntegerField: _("Phải là một số nguyên."),
    serializers.DecimalField: _("Phải là một số."),
    serializers.DateField: _("Ngày không đúng định dạng (năm-tháng-ngày, ví dụ 2026-01-31)."),
    serializers.DateTimeField: _("Thời điểm không đúng định dạng."),
    serializers.BooleanField: _("Phải là true hoặc false."),
    serializers.EmailField: _("Địa chỉ email không hợp lệ."),
    serializers.URLField: _("Địa chỉ trang web không hợp lệ."),
}


def messages_for(field_class) -> dict:
    for kind, invalid in INVALID_BY_TYPE.items():
        if issubclass(field_class, kind):
            return {**MESSAGES, "invalid": invalid}
    return dict(MESSAGES)


def related(queryset, *, error_messages: dict | None = None, **kwargs) -> serializers.PrimaryKeyRelatedField:
    """A writable link by id. A `.none()` queryset is replaced by the caller's own in `get_fields`."""
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset,
        error_messages={**MESSAGES, **(error_messages or {})},
        **kwargs,
    )


def forced_unit(user) -> Unit | None:
    """The officer's own unit when they hold exactly one officer role (and are not a system admin)."""
    scope = get_scope(user)
    if scope.is_system_admin or len(scope.officer_unit_ids) != 1:
        return None
    return Unit.objects.filter(pk=next(iter(scope.officer_unit_ids))).first()


class ProgrammeSerializer(serializers.ModelSerializer):
    """Common ground: Vietnamese messages, caller-scoped links, model constraints checked on write."""

    # Constraint name → the field its message belongs next to (others go to non_field_errors).
    constraint_fields: dict[str, str] = {}

    def build_field(self, field_name, info, model_class, nested_depth):
        field_class, kwargs = super().build_field(field_name, info, model_class, nested_depth)
        kwargs["error_messages"] = {**messages_for(field_class), **kwargs.get("error_messages", {})}
        return field_class, kwargs

    def get_unique_together_constraints(self, model):
        # DRF would turn the conditional unique constraints into required fields (the unit is
        # set by `validate`, not typed); `check_model_constraints` checks them instead.
        return iter(())

    @property
    def user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def scoped_querysets(self, user) -> dict:
        """Field name → what the caller may link to. Lazy: nothing runs until a write validates."""
        return {}

    def get_fields(self):
        fields = super().get_fields()
        if self.user is not None:
            for name, queryset in self.scoped_querysets(self.user).items():
                field = fields[name]
                target = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
                target.queryset = queryset
        return fields

    def current(self, attrs: dict, name: str):
        """The value after this write: the one sent, or the stored one on a partial update."""
        if name in attrs:
            return attrs[name]
        return getattr(self.instance, name, None) if self.instance is not None else None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        self.check_model_constraints(attrs)
        return attrs

    def check_model_constraints(self, attrs: dict) -> None:
        model = self.Meta.model
        many = {f.name for f in model._meta.many_to_many}
        values = {k: v for k, v in attrs.items() if k not in many}
        if self.instance is None:
            candidate = model(**values)
        else:
            candidate = copy.copy(self.instance)
            for name, value in values.items():
                setattr(candidate, name, value)
        errors: dict[str, list] = {}
        for constraint in model._meta.constraints:
            try:
                constraint.validate(model, candidate)
            except DjangoValidationError as exc:
                key = self.constraint_fields.get(constraint.name, api_settings.NON_FIELD_ERRORS_KEY)
                errors.setdefault(key, []).extend(exc.messages)
        if errors:
            raise serializers.ValidationError(errors)


def check_dates_in_order(attrs: dict, serializer: ProgrammeSerializer, start: str, end: str, message) -> None:
    valid_from, valid_until = serializer.current(attrs, start), serializer.current(attrs, end)
    if valid_from and valid_until and valid_until < valid_from:
        raise serializers.ValidationError({end: message})


class UnitOwnedSerializer(ProgrammeSerializer):
    """A record owned by a unit: the officer's own unit, or one they may edit when they have several."""

    unit = related(Unit.objects.none(), required=False)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    def scoped_querysets(self, user) -> dict:
        return {"unit": Unit.objects.editable_by(user)}

    def validate(self, attrs):
        unit = forced_unit(self.user)
        if unit is not None:
            attrs["unit"] = unit
        elif self.instance is None and attrs.get("unit") is None:
            raise serializers.ValidationError({"unit": _("Chọn đơn vị mà bạn được giao nhập liệu.")})
        return super().validate(attrs)


class PartnerSerializer(UnitOwnedSerializer):
    constraint_fields = {"partner_unique_tax_code_per_unit": "tax_code"}

    class Meta:
        model = Partner
        fields = [
            "id", "unit", "unit_name", "name", "tax_code", "sector", "address", "website", "logo",
            "contact_name", "contact_phone", "contact_email", "created_at",
        ]
        # Logos are uploaded on the officers' pages, where image content is checked.
        read_only_fields = ["logo", "created_at"]


class AgreementSerializer(UnitOwnedSerializer):
    constraint_fields = {"agreement_valid_until_after_valid_from": "valid_until"}

    partner = related(
        Partner.objects.none(),
        error_messages={"does_not_exist": _("Không tìm thấy đối tác này, hoặc bạn không được xem đối tác này.")},
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    scope_display = serializers.CharField(source="get_scope_display", read_only=True)
    provinces = related(Province.objects.all(), many=True, required=False)
    status = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id", "number", "title", "unit", "unit_name", "partner", "partner_name", "signed_on", "valid_from",
            "valid_until", "scope", "scope_display", "provinces", "support_amount", "support_plan", "is_draft",
            "terminated_on", "termination_reason", "status", "status_display", "created_at", "updated_at",
        ]
        # Terminating is an action with its own page (and audit), not a field edit.
        read_only_fields = ["terminated_on", "termination_reason", "created_at", "updated_at"]

    def scoped_querysets(self, user) -> dict:
        return {**super().scoped_querysets(user), "partner": Partner.objects.visible_to(user)}

    def get_status(self, agreement: Agreement) -> str:
        return agreement.status()

    def validate(self, attrs):
        check_dates_in_order(attrs, self, "valid_from", "valid_until", _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
        scope = self.current(attrs, "scope")
        if "provinces" in attrs:
            provinces = attrs["provinces"]
        else:
            provinces = list(self.instance.provinces.all()) if self.instance is not None else []
        if scope == AgreementScope.PROVINCES and not provinces:
            raise serializers.ValidationError({"provinces": _("Chọn các tỉnh, thành phố áp dụng thỏa thuận.")})
        if scope != AgreementScope.PROVINCES and provinces:
            raise serializers.ValidationError(
                {"provinces": _("Chỉ chọn tỉnh, thành phố khi phạm vi áp dụng là “Một số tỉnh, thành phố”.")}
            )
        return super().validate(attrs)


PERCENT_RANGE = _("Mức giảm phải từ 0 đến 100%.")


class OfferSerializer(ProgrammeSerializer):
    """An offer as the public catalogue shows it, with the agreement that grants it."""

    constraint_fields = {"offer_percent_between_0_and_100": "discount_percent", "offer_amount_not_negative": "discount_amount"}

    agreement = related(
        Agreement.objects.none(),
        error_messages={"does_not_exist": _("Không tìm thấy thỏa thuận này, hoặc thỏa thuận không do đơn vị của bạn ký.")}
    )
    # Method fields, not `source="get_category_display"`: Django's display method rebuilds and
    # translates the whole choice list for every row, a fifth of the list's serializing time.
    category_display = serializers.SerializerMethodField()
    discount_label = serializers.SerializerMethodField()
    agreement_number = serializers.CharField(source="agreement.number", read_only=True)
    agreement_title = serializers.CharField(source="agreement.title", read_only=True)
    agreement_valid_until = serializers.DateField(source="agreement.valid_until", read_only=True)
    partner = serializers.IntegerField(source="agreement.partner_id", read_only=True)
    partner_name = serializers.CharField(source="agreement.partner.name", read_only=True)
    partner_website = serializers.CharField(source="agreement.partner.website", read_only=True)
    unit = serializers.IntegerField(source="agreement.unit_id", read_only=True)
    unit_name = serializers.CharField(source="agreement.unit.name", read_only=True)
    scope = serializers.CharField(source="agreement.scope", read_only=True)
    provinces = serializers.PrimaryKeyRelatedField(source="agreement.provinces", many=True, read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id", "title", "description", "category", "category_display", "discount_kind", "discount_percent",
            "discount_amount", "special_price", "discount_label", "conditions", "for_members", "for_families",
            "for_kitchens", "valid_from", "valid_until", "in_force", "agreement", "agreement_number", "agreement_title",
            "agreement_valid_until", "partner", "partner_name", "partner_website", "unit", "unit_name", "scope",
            "provinces", "created_at",
        ]
        read_only_fields = ["created_at"]

    def scoped_querysets(self, user) -> dict:
        return {"agreement": Agreement.objects.editable_by(user)}

    def validate_discount_percent(self, value):
        # Checked here rather than by the model's constraint, whose message has a bare "%" that
        # Django's constraint check cannot format (ValueError: incomplete format).
        if value is not None and not 0 <= value <= 100:
            raise serializers.ValidationError(PERCENT_RANGE)
        return value

    def get_category_display(self, offer: Offer) -> str:
        return str(OfferCategory(offer.category).label)

    def get_discount_label(self, offer: Offer) -> str:
        return offer.discount_label()

    def get_in_force(self, offer: Offer) -> bool:
        today = self.context.setdefault("today", timezone.localdate())
        return (
            offer.agreement.is_in_force(today)
            and (offer.valid_from is None or offer.valid_from <= today)
            and (offer.valid_until is None or offer.valid_until >= today)
        )

    def validate(self, attrs):
        check_dates_in_order(attrs, self, "valid_from", "valid_until", _("Ngày kết thúc phải sau ngày bắt đầu áp dụng."))
        kind = self.current(attrs, "discount_kind") or DiscountKind.PERCENT
        needed = {
            DiscountKind.PERCENT: ("discount_percent", _("Nhập mức giảm theo phần trăm.")),
            DiscountKind.AMOUNT: ("discount_amount", _("Nhập số tiền giảm.")),
            DiscountKind.SPECIAL_PRICE: ("special_price", _("Nhập giá ưu đãi.")),
        }
        field, message = needed[kind]
        if self.current(attrs, field) in (None, ""):
            raise serializers.ValidationError({field: message})
        return super().validate(attrs)


class OutletSerializer(ProgrammeSerializer):
    partner = related(
        Partner.objects.none(),
        error_messages={"does_not_exist": _("Không tìm thấy đối tác này, hoặc đối tác không do đơn vị của bạn quản lý.")}
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    province = related(Province.objects.all())
    province_name = serializers.CharField(source="province.name", read_only=True)
    ward = related(Ward.objects.all(), required=False, allow_null=True)
    ward_name = serializers.CharField(source="ward.name", read_only=True, default=None)

    class Meta:
        model = Outlet
        fields = [
            "id", "partner", "partner_name", "name", "address", "province", "province_name", "ward", "ward_name",
            "phone", "latitude", "longitude", "displays_sign", "sign_checked_on",
        ]

    def scoped_querysets(self, user) -> dict:
        return {"partner": Partner.objects.editable_by(user)}

    def validate(self, attrs):
        check_ward_in_province(attrs, self)
        return super().validate(attrs)


def check_ward_in_province(attrs: dict, serializer: ProgrammeSerializer) -> None:
    ward, province = serializer.current(attrs, "ward"), serializer.current(attrs, "province")
    if ward is not None and province is not None and ward.province_id != province.pk:
        raise serializers.ValidationError(
            {"ward": _("Phường/xã “%(ward)s” không thuộc %(province)s.") % {"ward": ward.name, "province": province.name}}
        )


class InstitutionSerializer(UnitOwnedSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    province = related(Province.objects.all())
    province_name = serializers.CharField(source="province.name", read_only=True)
    ward = related(Ward.objects.all(), required=False, allow_null=True)
    ward_name = serializers.CharField(source="ward.name", read_only=True, default=None)

    class Meta:
        model = Institution
        fields = [
            "id", "kind", "kind_display", "unit", "unit_name", "name", "address", "province", "province_name",
            "ward", "ward_name", "phone", "services", "member_prices", "is_active",
        ]

    def validate(self, attrs):
        check_ward_in_province(attrs, self)
        return super().validate(attrs)


def usable_partners(user):
    """Partners whose offers reach the caller's units: the ones they see, and those of agreements
    signed by a unit above (or at) a unit the caller may edit."""
    if get_scope(user).is_system_admin:
        return Partner.objects.all()
    signed_above = Agreement.objects.filter(
        Exists(Unit.objects.editable_by(user).filter(path__startswith=OuterRef("unit__path")))
    ).values("partner_id")
    return Partner.objects.filter(Q(pk__in=Partner.objects.visible_to(user).values("pk")) | Q(pk__in=signed_above))


class BenefitUsageSerializer(UnitOwnedSerializer):
    constraint_fields = {
        "usage_partner_or_institution": "partner",
        "usage_unique_partner_month": "partner",
        "usage_unique_institution_month": "institution",
        "usage_value_not_negative": "value_million",
    }

    partner = related(Partner.objects.none(), required=False, allow_null=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True, default=None)
    institution = related(Institution.objects.none(), required=False, allow_null=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True, default=None)

    class Meta:
        model = BenefitUsage
        fields = [
            "id", "unit", "unit_name", "month", "partner", "partner_name", "institution", "institution_name",
            "members_count", "value_million", "source", "note",
        ]

    def scoped_querysets(self, user) -> dict:
        return {
            **super().scoped_querysets(user),
            "partner": usable_partners(user),
            # Union institutions are public: any unit's members may use any active one.
            "institution": Institution.objects.filter(
                Q(is_active=True) | Q(pk__in=Institution.objects.visible_to(user).values("pk"))
            ),
        }

    def validate_month(self, value: date) -> date:
        # A month is stored as its first day, whatever day was typed.
        return value.replace(day=1)

    def validate(self, attrs):
        partner, institution = self.current(attrs, "partner"), self.current(attrs, "institution")
        if (partner is None) == (institution is None):
            raise serializers.ValidationError({"partner": _("Chọn một đối tác hoặc một thiết chế công đoàn (chỉ một).")})
        return super().validate(attrs)
