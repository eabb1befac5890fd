"""`/api/v1/dashboard/…`: the figures of a unit's dashboard, one endpoint per section, and their .xlsx.

Scoping is that of the rest of the portal (`organizations.scoping`): the unit must be one the
caller sees (else 404, as for a unit that does not exist); a caller with no unit scope (a member)
gets 404 too. The figures are the unit's own and its subtree's, as on its consolidated report;
the charts that name the units below (state of each unit's report, the slowest units, offers of
the unions below) are withheld (`restricted`) from callers who do not see those units, such as
the officer of an upper unit.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from dashboards.api.serializers import (
    DashboardQuerySerializer,
    DashboardSectionSerializer,
    DashboardXlsxQuerySerializer,
)
from dashboards.cache import section_figures
from dashboards.charts import withheld
from dashboards.excel import section_workbook
from organizations.models import Unit
from organizations.scoping import get_scope
from reporting.api.views import IgnoreAccept
from reporting.views.consolidation import home_units, sees_below
from unionportal.spreadsheets import CONTENT_TYPES

NOT_YOURS = OpenApiResponse(description="Đơn vị không thuộc phạm vi của bạn (hoặc bạn không có phạm vi đơn vị).")
BAD_QUERY = OpenApiResponse(description="Tham số không hợp lệ (năm, đơn vị, phần, biểu đồ).")


def resolve_unit_year(request, query_class=DashboardQuerySerializer) -> tuple[Unit, int, dict]:
    """The unit (checked against the caller's scope: 404) and the year (400) of a dashboard request."""
    homes = home_units(request.user)
    if not homes:
        raise NotFound
    raw_unit = request.query_params.get("unit", "").strip()
    if raw_unit and not raw_unit.isdigit():
        raise ValidationError({"unit": [_("Cần mã số (id) của đơn vị.")]})
    if raw_unit:
        unit = Unit.objects.visible_to(request.user).filter(pk=int(raw_unit)).first()
        if unit is None:
            raise NotFound(_("Không có đơn vị này trong phạm vi của bạn."))
    else:
        unit = min(homes, key=lambda u: (u.depth, u.path))  # TLĐ for the national view, else their own
    query = query_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return unit, data.get("year") or timezone.localdate().year, data


def for_viewer(payload: dict, *, sees: bool) -> dict:
    """The cached figures as this viewer may see them."""
    if sees:
        return {**payload, "sees_below": True}
    note = _("Chỉ cán bộ duyệt báo cáo và quản trị của đơn vị cấp trên xem được số liệu theo từng đơn vị cấp dưới.")
    charts = [withheld(c, note) if c["per_unit"] else {**c, "links": [None] * len(c["links"])} for c in payload["charts"]]
    return {**payload, "charts": charts, "sees_below": False}


def _section_schema(summary: str, description: str):
    return extend_schema(
        summary=summary, description=description, parameters=[DashboardQuerySerializer], filters=False,
        responses={200: DashboardSectionSerializer, 400: BAD_QUERY, 404: NOT_YOURS},
    )


class DashboardViewSet(viewsets.ViewSet):
    """The figures of the dashboard of a unit (default: the top of your scope) for a year (default: this year).

    Each section is a list of charts in one shape (labels, series of numbers, or a table), cached
    per (unit, year) and recomputed when a report of the subtree changes state.
    """

    permission_classes = [permissions.IsAuthenticated]

    def _section(self, request, section: str) -> Response:
        unit, year, _data = resolve_unit_year(request)
        payload = section_figures(section=section, unit=unit, year=year)
        return Response(for_viewer(payload, sees=sees_below(get_scope(request.user), unit)))

    @_section_schema(
        "Bảng điều khiển: báo cáo định kỳ",
        "Phụ lục 02: tỷ lệ gửi và gửi đúng hạn theo tháng; tình trạng báo cáo tháng này theo đơn vị trực thuộc; "
        "các đơn vị chậm báo cáo nhất.",
    )
    @action(detail=False, methods=["get"])
    def reporting(self, request):
        return self._section(request, "reporting")

    @_section_schema(
        "Bảng điều khiển: chương trình phúc lợi",
        "Thỏa thuận đang hiệu lực theo tháng; thỏa thuận ký mới theo cấp ký; đoàn viên sử dụng sản phẩm của đối tác và "
        "thiết chế, giá trị (triệu đồng); đối tác phục vụ nhiều đoàn viên nhất; ưu đãi sắp hết hạn trong 30 ngày.",
    )
    @action(detail=False, methods=["get"])
    def welfare(self, request):
        return self._section(request, "welfare")

    @_section_schema(
        "Bảng điều khiển: lợi ích của đoàn viên",
        "Từ các báo cáo Phụ lục 02 đã duyệt (số liệu tổng hợp): Mái ấm Công đoàn, vay vốn từ hai quỹ, thăm hỏi và trợ cấp "
        "khó khăn, văn hóa thể thao, theo tháng.",
    )
    @action(detail=False, methods=["get"])
    def benefits(self, request):
        return self._section(request, "benefits")

    @_section_schema(
        "Bảng điều khiển: tuyên truyền",
        "Tỷ lệ chuyên mục đạt chỉ tiêu 2 bài mỗi tuần (theo tuần); bài viết theo tháng; hội nghị triển khai và người tham gia.",
    )
    @action(detail=False, methods=["get"])
    def campaigns(self, request):
        return self._section(request, "campaigns")

    @extend_schema(
        summary="Tải số liệu của biểu đồ về (.xlsx)",
        description="Một trang tính cho mỗi biểu đồ: đúng bảng số liệu bên cạnh biểu đồ, kèm chú thích.",
        parameters=[DashboardXlsxQuerySerializer], filters=False,
        responses={(200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY, 400: BAD_QUERY, 404: NOT_YOURS},
    )
    @action(detail=False, methods=["get"], content_negotiation_class=IgnoreAccept)
    def xlsx(self, request):
        unit, year, data = resolve_unit_year(request, DashboardXlsxQuerySerializer)
        section = data["section"]
        payload = for_viewer(section_figures(section=section, unit=unit, year=year),
                             sees=sees_below(get_scope(request.user), unit))
        charts = payload["charts"]
        wanted = (data.get("chart") or "").strip()
        if wanted:
            charts = [c for c in charts if c["key"] == wanted]
            if not charts:
                raise ValidationError({"chart": [_("Phần này không có biểu đồ “%(key)s”.") % {"key": wanted}]})
        name = f"bang-dieu-khien-{section}{'-' + wanted if wanted else ''}-{unit.code}-{year}.xlsx"
        response = HttpResponse(section_workbook(payload, charts), content_type=CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = content_disposition_header(True, name.replace("/", "-"))
        return response
