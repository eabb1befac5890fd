"""API of the welfare programme: partners, agreements, offers, outlets, union institutions, usage.

Offers and union institutions are public to read, as the members' catalogue is; everything
else, and every write, goes through the unit scope of `ScopedModelViewSet` (outside the scope
404, visible but not the caller's to change 403).
"""

from django.core.paginator import Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Count, ProtectedError, Window
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination

from agreements.api.filtersets import (
    AgreementFilterSet,
    BenefitUsageFilterSet,
    InstitutionFilterSet,
    OfferFilterSet,
    OutletFilterSet,
    PartnerFilterSet,
    is_staff_user,
)
from agreements.api.serializers import (
    AgreementSerializer,
    BenefitUsageSerializer,
    InstitutionSerializer,
    OfferSerializer,
    OutletSerializer,
    PartnerSerializer,
)
from agreements.models import Agreement, BenefitUsage, Institution, Offer, Outlet, Partner
from organizations.api.base import ScopedModelViewSet
from organizations.models import Province
from organizations.scoping import get_scope


class InUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Không xóa được: bản ghi này đang được các bản ghi khác sử dụng.")
    default_code = "in_use"


class CataloguePagination(PageNumberPagination):
    """Pages of 20 like the catalogue; a client may ask for up to 100.

    With a search, one query returns the page and the total (a window count): the matches are
    a few hundred at most, and counting them apart would run the trigram search twice. Without
    one, the plain count is cheaper than carrying the count through every offer in force.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        if not request.query_params.get("search", "").strip():
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        page_size = self.get_page_size(request)
        try:
            number = int(request.query_params.get(self.page_query_param, 1))
            if number < 1:
                raise ValueError
        except ValueError as exc:
            raise NotFound(_("Trang không hợp lệ.")) from exc
        offset = (number - 1) * page_size
        rows = list(queryset.annotate(_total=Window(Count("*")))[offset : offset + page_size])
        if not rows and number > 1:
            raise NotFound(_("Trang không hợp lệ."))
        paginator = DjangoPaginator(queryset, page_size)
        paginator.count = rows[0]._total if rows else 0  # a cached_property: set, not computed
        self.page = Page(rows, number, paginator)
        return rows


class ProgrammeViewSet(ScopedModelViewSet):
    """Scoped CRUD of programme records.

    Creating needs a unit the caller may write for; deleting a record others still point to
    answers 409 with a Vietnamese message instead of a server error.
    """

    def create(self, request, *args, **kwargs):
        scope = get_scope(request.user)
        if not (scope.is_system_admin or scope.officer_unit_ids):
            raise PermissionDenied(_("Chỉ cán bộ của đơn vị mới được nhập dữ liệu chương trình phúc lợi."))
        return super().create(request, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError as exc:
            raise InUse from exc


class PublicReadViewSet(ProgrammeViewSet):
    """Anyone reads the public records; staff also read their own unit's unpublished ones."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def public(self, queryset):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.queryset.all()
        public = self.public(queryset)
        if not is_staff_user(self.request.user):
            return public
        return public | queryset.visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Ưu đãi (công khai)", description=(
        "Ưu đãi đang hiệu lực, ai cũng xem được, không cần đăng nhập. `province` (mã tỉnh) chỉ giữ các ưu đãi "
        "có phạm vi tới tỉnh đó; đoàn viên đã đăng nhập mặc định thấy các ưu đãi tới công đoàn và tỉnh của mình. "
        "Cán bộ còn thấy các ưu đãi chưa công bố của đơn vị mình (`active=false`)."
    )),
    retrieve=extend_schema(summary="Chi tiết ưu đãi (công khai)"),
)
class OfferViewSet(PublicReadViewSet):
    queryset = Offer.objects.select_related("agreement__partner", "agreement__unit").prefetch_related(
        "agreement__provinces"
    )
    serializer_class = OfferSerializer
    filterset_class = OfferFilterSet
    pagination_class = CataloguePagination

    def public(self, queryset):
        return queryset.in_force()

    def filter_queryset(self, queryset):
        # The list filters (a province, the member's own reach) choose what is listed; an offer
        # opened from a link or a QR code is shown whichever province the reader is in.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        summary="Điểm bán áp dụng ưu đãi (công khai)",
        responses=OutletSerializer(many=True),
        filters=False,
        parameters=[
            OpenApiParameter(
                "province", OpenApiTypes.INT, description="Mã tỉnh/thành phố: các điểm bán ở tỉnh này đứng trước."
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def outlets(self, request, pk=None):
        """The partner's outlets where the offer is honoured, those of the chosen province first."""
        offer = self.get_object()
        province = None
        if request.query_params.get("province"):
            try:
                province = Province.objects.get(pk=int(request.query_params["province"]))
            except (ValueError, Province.DoesNotExist) as exc:
                raise ValidationError({"province": [_("Không có tỉnh/thành phố với mã này.")]}) from exc
        outlets = (
            Outlet.objects.filter(partner_id=offer.agreement.partner_id)
            .select_related("partner", "province", "ward")
            .province_first(province)
        )
        page = self.paginate_queryset(outlets)
        return self.get_paginated_response(OutletSerializer(page, many=True, context=self.get_serializer_context()).data)


class PartnerViewSet(ProgrammeViewSet):
    """Partners of the caller's units, and TLĐ's partners."""

    queryset = Partner.objects.select_related("unit")
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilterSet


class AgreementViewSet(ProgrammeViewSet):
    """Agreements signed by the caller's units, and TLĐ's agreements."""

    queryset = Agreement.objects.select_related("unit", "partner").prefetch_related("provinces")
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet


class OutletViewSet(ProgrammeViewSet):
    """Outlets of the caller's units' partners (a public offer lists its own under `offers/{id}/outlets/`)."""

    queryset = Outlet.objects.select_related("partner", "province", "ward")
    serializer_class = OutletSerializer
    filterset_class = OutletFilterSet


@extend_schema_view(
    list=extend_schema(summary="Thiết chế công đoàn (công khai)"),
    retrieve=extend_schema(summary="Chi tiết thiết chế công đoàn (công khai)"),
)
class InstitutionViewSet(PublicReadViewSet):
    """Union institutions that are open: anyone may read them; officers keep their own unit's."""

    queryset = Institution.objects.select_related("unit", "province", "ward")
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilterSet

    def public(self, queryset):
        return queryset.filter(is_active=True)


class BenefitUsageViewSet(ProgrammeViewSet):
    """Monthly usage figures of the caller's units (internal: members and the public see none)."""

    queryset = BenefitUsage.objects.select_related("unit", "partner", "institution")
    serializer_class = BenefitUsageSerializer
    filterset_class = BenefitUsageFilterSet
