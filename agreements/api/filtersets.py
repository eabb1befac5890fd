"""Query-string filters of the welfare programme API (django-filter).

The offers filter also applies the catalogue's reach rule: which agreements cover the chosen
province, or the member's own union, is decided here so the list and the count agree.
"""

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from agreements.choices import AgreementScope, InstitutionKind, OfferCategory
from agreements.models import Agreement, BenefitUsage, Institution, Offer, Outlet, Partner
from agreements.selectors import offers_reaching
from organizations.models import Province, Unit
from organizations.scoping import get_scope
from unionportal.filters import IdFilter, YearFilter
from unionportal.text import fold


def is_staff_user(user) -> bool:
    """Officers, reviewers and administrators: they also see their own unit's unpublished records."""
    return not get_scope(user).is_empty


def member_unit_of(user) -> Unit | None:
    """The union a signed-in member belongs to; staff are answered as staff, not as members."""
    if not user.is_authenticated or not user.member_unit_id or is_staff_user(user):
        return None
    return user.member_unit


def _search(queryset, name, value):
    return queryset.search(value)


class SearchFilterSet(filters.FilterSet):
    search = filters.CharFilter(
        method=_search,
        label=_("Tìm kiếm"),
        help_text=_("Không phân biệt dấu, hoa thường: “khach san” tìm được “Khách sạn”."),
    )


class OfferFilterSet(SearchFilterSet):
    """Filters of the public offer list.

    `province` and the member's union narrow the list to the agreements that reach them;
    `active` defaults to "in force now" for everybody who is not staff.
    """

    ORDERINGS = {
        "newest": (F("created_at").desc(), F("id").desc()),
        "discount": (F("discount_percent").desc(nulls_last=True), F("discount_amount").desc(nulls_last=True), F("id").desc()),
        "ending": (
            F("valid_until").asc(nulls_last=True),
            F("agreement__valid_until").asc(nulls_last=True),
            F("id").desc(),
        ),
    }

    province = filters.ModelChoiceFilter(
        queryset=Province.objects.all(),
        field_name="agreement__unit__province",  # for the schema's type only: `filter_queryset` applies it
        method="filter_nothing",
        label=_("Tỉnh/thành phố"),
        help_text=_("Mã tỉnh/thành phố: chỉ các ưu đãi có phạm vi áp dụng tới tỉnh này."),
    )
    category = filters.ChoiceFilter(choices=OfferCategory.choices, label=_("Nhóm ưu đãi"))
    partner = IdFilter(field_name="agreement__partner_id", label=_("Mã đối tác"))
    agreement = IdFilter(field_name="agreement_id", label=_("Mã thỏa thuận"))
    for_kitchens = filters.BooleanFilter(label=_("Dành cho bếp ăn tập thể"))
    active = filters.BooleanFilter(
        method="filter_nothing",
        label=_("Đang hiệu lực"),
        help_text=_("true: đang hiệu lực hôm nay (mặc định với người xem công khai); false: đã hết hoặc chưa hiệu lực."),
    )
    ordering = filters.ChoiceFilter(
        choices=[("newest", _("Mới nhất")), ("discount", _("Giảm nhiều nhất")), ("ending", _("Sắp hết hạn"))],
        method="filter_nothing",
        label=_("Sắp xếp"),
    )

    class Meta:
        model = Offer
        fields = ["search", "province", "category", "partner", "agreement", "for_kitchens", "active", "ordering"]

    def filter_nothing(self, queryset, name, value):
        # Applied together in `filter_queryset`, where the user and the other values are known.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        user = self.request.user
        staff = is_staff_user(user)

        # The catalogue's reach rule (agreements.selectors): a member's own union, and the chosen
        # province or else the member's own; with neither, everything but the subtree agreements
        # of unions without a province (a sector union's offers reach only its own members).
        # Staff choosing no province keep the whole list, their own unit's offers included.
        member_unit = member_unit_of(user)
        province = data.get("province") or (member_unit.province if member_unit else None)
        if province is not None or not staff:
            queryset = offers_reaching(queryset, province=province, unit=member_unit)

        active = data.get("active")
        if active is False:
            # The public only ever sees offers in force: asking for the others gives nothing.
            queryset = queryset.exclude(pk__in=Offer.objects.in_force().values("pk")) if staff else queryset.none()
        elif active is True and staff:
            queryset = queryset.in_force()

        return queryset.order_by(*self.ORDERINGS[data.get("ordering") or "newest"])


class PartnerFilterSet(SearchFilterSet):
    unit = IdFilter(field_name="unit_id", label=_("Mã đơn vị quản lý"))

    class Meta:
        model = Partner
        fields = ["search", "unit"]


class AgreementFilterSet(filters.FilterSet):
    STATUSES = [
        ("in_force", _("Đang hiệu lực")),
        ("ending", _("Hết hiệu lực trong 30 ngày tới")),
        ("expired", _("Hết hiệu lực")),
        ("draft", _("Dự thảo")),
    ]

    search = filters.CharFilter(method="filter_search", label=_("Tìm theo số, tên thỏa thuận hoặc tên đối tác"))
    unit = IdFilter(field_name="unit_id", label=_("Mã đơn vị ký"))
    partner = IdFilter(field_name="partner_id", label=_("Mã đối tác"))
    scope = filters.ChoiceFilter(choices=AgreementScope.choices, label=_("Phạm vi áp dụng"))
    status = filters.ChoiceFilter(choices=STATUSES, method="filter_status", label=_("Tình trạng"))

    class Meta:
        model = Agreement
        fields = ["search", "unit", "partner", "scope", "status"]

    def filter_search(self, queryset, name, value):
        key = fold(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(number__icontains=value.strip()) | Q(title__icontains=value.strip()) | Q(partner__search_key__contains=key)
        )

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "in_force":
            return queryset.in_force(today)
        if value == "ending":
            return queryset.ending_soon(today)
        if value == "expired":
            return queryset.filter(is_draft=False, valid_until__lt=today)
        return queryset.filter(is_draft=True)


class OutletFilterSet(SearchFilterSet):
    province = filters.ModelChoiceFilter(queryset=Province.objects.all(), label=_("Tỉnh/thành phố"))
    partner = IdFilter(field_name="partner_id", label=_("Mã đối tác"))
    displays_sign = filters.BooleanFilter(label=_("Có biển niêm yết ưu đãi"))

    class Meta:
        model = Outlet
        fields = ["search", "province", "partner", "displays_sign"]


class InstitutionFilterSet(SearchFilterSet):
    province = filters.ModelChoiceFilter(queryset=Province.objects.all(), label=_("Tỉnh/thành phố"))
    kind = filters.ChoiceFilter(choices=InstitutionKind.choices, label=_("Loại thiết chế"))
    unit = IdFilter(field_name="unit_id", label=_("Mã đơn vị sở hữu"))

    class Meta:
        model = Institution
        fields = ["search", "province", "kind", "unit"]


class BenefitUsageFilterSet(filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("Mã đơn vị"))
    month = filters.DateFilter(method="filter_month", label=_("Tháng (một ngày bất kỳ trong tháng)"))
    year = YearFilter(field_name="month__year", label=_("Năm"))
    partner = IdFilter(field_name="partner_id", label=_("Mã đối tác"))
    institution = IdFilter(field_name="institution_id", label=_("Mã thiết chế"))

    class Meta:
        model = BenefitUsage
        fields = ["unit", "month", "year", "partner", "institution"]

    def filter_month(self, queryset, name, value):
        return queryset.for_month(value)
