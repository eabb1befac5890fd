"""API of reporting: forms, periods, submissions with their review, consolidations, compliance.

Scoping is that of the pages (`organizations.scoping`): a submission or unit outside the
caller's scope answers 404; one the caller sees but may not act on answers 403 (saving and
sending are for the unit's officers, returning, approving and reopening for a reviewer of a unit
above). Consolidations are for anyone who sees the unit; the names of the units below, the
breakdown by unit below and the compliance list only for those who see the units below.

Optimistic locking: every submission answers with an `ETag` (its saved version). A change
(PATCH, submit, return, approve, reopen) must carry it in `If-Match`; without it the answer is
428, with a stale one 412, and nothing is changed. A transition the report's state does not
allow, or a submission refused because of its issues, answers 409 with a Vietnamese message
(and the issues, with their row keys).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import InvalidPage
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from openpyxl import Workbook
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from organizations.api.base import ScopedModelViewSet
from organizations.models import Province, Unit, UnitKind
from organizations.scoping import EDIT, REVIEW, get_scope
from reporting import excel, services
from reporting.api.filtersets import PeriodFilterSet, SubmissionFilterSet
from reporting.api.serializers import (
    BreakdownQuerySerializer,
    BreakdownSerializer,
    ComplianceQuerySerializer,
    ComplianceRowSerializer,
    ComplianceSummarySerializer,
    ConflictSerializer,
    ConsolidationQuerySerializer,
    ConsolidationSerializer,
    ExportJobSerializer,
    FormSerializer,
    FormVersionSerializer,
    PeriodSerializer,
    ReopenSerializer,
    ReturnSerializer,
    SubmissionDetailSerializer,
    SubmissionOpenSerializer,
    SubmissionSerializer,
    SubmissionValuesSerializer,
    issues_data,
)
from reporting.compliance_export import compliance_file_name, compliance_xlsx, export_job_start, sync_limit
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
from reporting.selectors import compliance, compliance_counts, consolidation, consolidation_breakdown
from reporting.validation import CellError, clean_cell
from reporting.views.consolidation import ComplianceFilters, home_units, sees_below
from unionportal import spreadsheets

XLSX = spreadsheets.CONTENT_TYPES["xlsx"]
XLSX_RESPONSE = {(200, XLSX): OpenApiTypes.BINARY}
PERIOD_SLUG = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")
ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="ETag của báo cáo (phiên bản lưu, ví dụ \"7\") như lần đọc gần nhất: báo cáo đã đổi từ đó thì trả lời 412.",
)
CONFLICT_RESPONSES = {
    403: OpenApiResponse(description="Báo cáo của đơn vị bạn xem được nhưng không được thao tác."),
    404: OpenApiResponse(description="Không có báo cáo này trong phạm vi của bạn."),
    409: OpenApiResponse(ConflictSerializer, description="Trạng thái báo cáo không cho phép, hoặc báo cáo còn lỗi."),
    412: OpenApiResponse(ConflictSerializer, description="Báo cáo đã được người khác thay đổi (If-Match cũ)."),
    428: OpenApiResponse(ConflictSerializer, description="Thiếu tiêu đề If-Match."),
}


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = gettext_lazy(
        "Hãy gửi kèm tiêu đề If-Match với ETag của báo cáo (phiên bản lưu) mà bạn đã đọc, để không ghi đè thay đổi của người khác."
    )
    default_code = "precondition_required"


class IgnoreAccept(BaseContentNegotiation):
    """For file downloads: the file whatever the client accepts, errors always as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ObjectSchema(AutoSchema):
    """These `list` routes answer one object (a consolidation, a page with its summary), not an array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


def xlsx_response(workbook: Workbook | bytes, file_name: str) -> HttpResponse:
    content = workbook if isinstance(workbook, bytes) else excel.workbook_bytes(workbook)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name.replace("/", "-")}"'
    return response


# --- forms and periods --------------------------------------------------------------------------


def _rows():
    return FormRow.objects.select_related("parent").order_by("order")


@extend_schema_view(
    list=extend_schema(summary="Biểu mẫu báo cáo", description="Các biểu mẫu với phiên bản hiện hành và các dòng."),
    retrieve=extend_schema(summary="Chi tiết biểu mẫu (theo mã: PL01, PL02, PL03, AGIANG)"),
)
class FormViewSet(viewsets.ReadOnlyModelViewSet):
    """The appendix forms, each with its current version (title block, columns, rules, rows)."""

    queryset = Form.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=FormVersion.objects.filter(is_current=True).prefetch_related(Prefetch("rows", queryset=_rows())),
            to_attr="current_versions",
        )
    )
    serializer_class = FormSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"

    @extend_schema(summary="Mọi phiên bản của biểu mẫu", responses=FormVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, code=None):
        """Every loaded version, newest first: reports keep the version they were filled on."""
        form = self.get_object()
        versions = form.versions.order_by("-version").prefetch_related(Prefetch("rows", queryset=_rows()))
        return Response(FormVersionSerializer(versions, many=True, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="Kỳ báo cáo", description="Lọc theo biểu mẫu (`form`), năm, tháng."),
    retrieve=extend_schema(summary="Chi tiết kỳ báo cáo"),
)
class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Periods of every form with their due dates (data an administrator may move)."""

    queryset = Period.objects.select_related("form")
    serializer_class = PeriodSerializer
    filterset_class = PeriodFilterSet


# --- submissions --------------------------------------------------------------------------------


def _etag(submission: Submission) -> str:
    return f'"{submission.version}"'


def _expected_version(request) -> int:
    header = request.headers.get("If-Match", "").strip()
    match = ETAG.match(header.split(",")[0].strip()) if header else None
    if match is None:
        raise PreconditionRequired
    return int(match.group(1))


def _refusal(status_code: int, message: object, submission: Submission | None = None, issues=None) -> Response:
    data: dict = {"detail": str(message)}
    if submission is not None:
        current = Submission.objects.filter(pk=submission.pk).values("status", "version").first() or {}
        data.update(current)
    if issues is not None:
        data["issues"] = issues_data(submission, issues)
    return Response(data, status=status_code)


@extend_schema_view(
    list=extend_schema(summary="Báo cáo của các đơn vị trong phạm vi của bạn"),
    retrieve=extend_schema(
        summary="Chi tiết báo cáo: số liệu, lịch sử, các vấn đề còn lại",
        responses={200: SubmissionDetailSerializer, 404: OpenApiResponse(description="Không có trong phạm vi của bạn.")},
    ),
    create=extend_schema(
        summary="Mở báo cáo của đơn vị cho một kỳ",
        description=(
            "Tạo bản nháp (đã điền sẵn những gì cổng đã biết) nếu đơn vị chưa có báo cáo kỳ này — 201; "
            "đã có thì trả về báo cáo đó — 200. Chỉ cán bộ của đơn vị; đơn vị phải báo cáo biểu mẫu này trong kỳ."
        ),
        request=SubmissionOpenSerializer,
        responses={200: SubmissionDetailSerializer, 201: SubmissionDetailSerializer,
                   403: OpenApiResponse(description="Không phải cán bộ của đơn vị.")},
    ),
    partial_update=extend_schema(
        summary="Lưu số liệu (bản nháp hoặc báo cáo bị trả lại)",
        description=(
            "Gửi các ô cần lưu; ô không đọc được bị từ chối cả lượt (400, thông báo cạnh từng ô) và không ô nào được lưu. "
            "Cần If-Match."
        ),
        parameters=[IF_MATCH],
        request=SubmissionValuesSerializer,
        responses={200: SubmissionDetailSerializer, **CONFLICT_RESPONSES},
    ),
)
class SubmissionViewSet(ScopedModelViewSet):
    """Reports of the units the caller sees; each change goes through `reporting.services`."""

    queryset = Submission.objects.select_related("unit", "period__form", "form_version", "approved_by")
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    SCOPE_BY_ACTION = {"partial_update": EDIT, "submit": EDIT, "return_": REVIEW, "approve": REVIEW, "reopen": REVIEW}
    REFUSED_BY_SCOPE = {
        EDIT: gettext_lazy("Chỉ cán bộ của đơn vị mới sửa và gửi được báo cáo này."),
        REVIEW: gettext_lazy("Chỉ cán bộ duyệt của đơn vị cấp trên mới trả lại, duyệt hoặc mở lại được báo cáo này."),
    }

    @staticmethod
    def _with_details(queryset):
        """What the detailed answer shows: the values and the history, loaded by `_answer` alone.
        `get_object` does not load them: a change works on the locked row, and loading them there
        too made every read, save and submission load them twice (measured in the deadline rush
        of `make bench-load`)."""
        return queryset.prefetch_related(
            Prefetch("values", queryset=SubmissionValue.objects.select_related("row").order_by("row__order", "column")),
            Prefetch("transitions", queryset=SubmissionTransition.objects.select_related("by")
                     .prefetch_related("row_comments__row")),
        )

    def get_serializer_class(self):
        return SubmissionSerializer if self.action == "list" else SubmissionDetailSerializer

    def check_write_scope(self, obj) -> None:
        scope_action = self.SCOPE_BY_ACTION.get(self.action, EDIT)
        if not Submission.objects.for_action(self.request.user, scope_action).filter(pk=obj.pk).exists():
            raise PermissionDenied(self.REFUSED_BY_SCOPE[scope_action])

    def _answer(self, submission: Submission, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self._with_details(self.get_queryset()).get(pk=submission.pk)
        data = SubmissionDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": _etag(fresh)})

    def _run(self, submission: Submission, service: Callable, **kwargs) -> Response:
        """Call a service with the version the client read; map its refusals to 403/409/412."""
        expected = _expected_version(self.request)
        if expected != submission.version:
            return _refusal(412, services.SubmissionConflict(), submission)
        try:
            result = service(submission=submission, expected_version=expected, by=self.request.user, **kwargs)
        except services.SubmissionConflict as exc:
            return _refusal(412, exc, submission)
        except services.SubmitRefused as exc:
            return _refusal(409, _("Báo cáo chưa gửi được: còn %(n)d vấn đề cần sửa hoặc giải trình (xem “issues”).")
                            % {"n": len(exc.issues)}, submission, issues=exc.issues)
        except services.SubmissionLocked as exc:
            return _refusal(409, exc, submission)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or None) from exc
        return self._answer(getattr(result, "submission", result))

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = SubmissionOpenSerializer(data=request.data, context=self.get_serializer_context())
        serializer.fields["unit"].queryset = Unit.objects.visible_to(request.user)
        serializer.is_valid(raise_exception=True)
        unit, period = serializer.validated_data["unit"], serializer.validated_data["period"]
        if not Unit.objects.editable_by(request.user).filter(pk=unit.pk).exists():
            raise PermissionDenied(_("Chỉ cán bộ của đơn vị mới lập được báo cáo của đơn vị."))
        existing = Submission.objects.filter(unit=unit, period=period).first()
        if existing is not None:
            return self._answer(existing)
        if period.starts_on > timezone.localdate():
            raise ValidationError({"period": [_("Kỳ báo cáo này chưa bắt đầu.")]})
        if not FormAssignment.objects.for_period(period).filter(unit=unit).exists():
            raise ValidationError({"period": [_("Đơn vị không phải báo cáo biểu mẫu %(form)s trong kỳ này.")
                                              % {"form": period.form.code}]})
        submission = services.submission_open(unit=unit, period=period, by=request.user)
        return self._answer(submission, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        submission = self.get_object()
        _expected_version(request)  # 428 before anything else is read
        payload = SubmissionValuesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cells, comments = self._cells(submission, payload.validated_data["values"])
        return self._run(submission, services.submission_save, cells=cells, comments=comments)

    @staticmethod
    def _cells(submission: Submission, items: list[dict]) -> tuple[dict, dict]:
        """Cells and comments to save; every unreadable cell refuses the whole request (400)."""
        rows = {row.key: row for row in submission.form_version.rows.all()}
        existing = set(submission.values.values_list("row__key", "column"))
        cells, comments, errors = {}, {}, []
        for item in items:
            error: dict = {}
            row = rows.get(item["row"])
            if row is None:
                error["row"] = [_("Biểu mẫu không có dòng “%(row)s”.") % {"row": item["row"]}]
            else:
                cell = (row.key, item["column"])
                if "value" not in item and cell in existing:
                    comments[cell] = item.get("comment", "")  # a comment on a stored cell
                else:
                    # A comment alone on a cell never filled is kept in a new, empty cell.
                    raw = item.get("value")
                    try:
                        clean_cell(row, item["column"], raw)
                    except CellError as exc:
                        error["value" if "value" in item else "column"] = [str(exc)]
                    else:
                        cells[cell] = raw
                        if "comment" in item:
                            comments[cell] = item["comment"]
            errors.append(error)
        if any(errors):
            raise ValidationError({"values": errors})
        return cells, comments

    @extend_schema(summary="Tải báo cáo về (.xlsx, theo mẫu Phụ lục)", responses=XLSX_RESPONSE, filters=False)
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreAccept)
    def xlsx(self, request, pk=None):
        submission = self.get_object()
        name = f"{submission.period.form.code}-{submission.period.slug}-{submission.unit.code}.xlsx"
        return xlsx_response(excel.submission_workbook(submission), name)

    @extend_schema(
        summary="Gửi báo cáo lên cấp trên", request=None, parameters=[IF_MATCH],
        responses={200: SubmissionDetailSerializer, **CONFLICT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._run(self.get_object(), services.submission_submit)

    @extend_schema(
        summary="Trả lại báo cáo (kèm ý kiến chung và ý kiến theo dòng)", request=ReturnSerializer,
        parameters=[IF_MATCH], responses={200: SubmissionDetailSerializer, **CONFLICT_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        submission = self.get_object()
        _expected_version(request)
        payload = ReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        keys = set(submission.form_version.rows.values_list("key", flat=True))
        unknown = {key: [_("Biểu mẫu không có dòng này.")] for key in payload.validated_data["row_comments"] if key not in keys}
        if unknown:
            raise ValidationError({"row_comments": unknown})
        return self._run(
            submission, services.submission_return,
            comment=payload.validated_data["comment"], row_comments=payload.validated_data["row_comments"],
        )

    @extend_schema(
        summary="Duyệt báo cáo", request=None, parameters=[IF_MATCH],
        responses={200: SubmissionDetailSerializer, **CONFLICT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._run(self.get_object(), services.submission_approve)

    @extend_schema(
        summary="Mở lại báo cáo đã duyệt (kèm lý do)", request=ReopenSerializer, parameters=[IF_MATCH],
        responses={200: SubmissionDetailSerializer, **CONFLICT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        submission = self.get_object()
        _expected_version(request)
        payload = ReopenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._run(submission, services.submission_reopen, reason=payload.validated_data["reason"])


# --- consolidations and compliance --------------------------------------------------------------


class ReportQueryMixin:
    """Unit, form and period of a consolidation or compliance request, checked in this order:
    the caller has a scope (404), the unit is theirs to see (404), they may see what is asked
    (403), the form and period exist (400)."""

    needs_units_below = False
    refused_message = ""

    def resolve(self, request, query_serializer) -> tuple[Unit, Period, dict]:
        homes = home_units(request.user)
        if not homes:
            raise NotFound
        unit_param = request.query_params.get("unit", "").strip()
        if unit_param:
            if not unit_param.isdigit():
                raise ValidationError({"unit": [_("Cần mã số (id) của đơn vị.")]})
            unit = Unit.objects.visible_to(request.user).filter(pk=int(unit_param)).select_related("kind").first()
            if unit is None:
                raise NotFound(_("Không có đơn vị này trong phạm vi của bạn."))
        else:
            unit = min(homes, key=lambda u: (u.depth, u.path))  # TLĐ for the national view, else their own
        self.sees_below = sees_below(get_scope(request.user), unit)
        if self.needs_units_below and not self.sees_below:
            raise PermissionDenied(self.refused_message)
        query = query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        form = Form.objects.filter(code=data["form"]).first()
        if form is None:
            raise ValidationError({"form": [_("Không có biểu mẫu “%(code)s”.") % {"code": data["form"]}]})
        match = PERIOD_SLUG.match(data["period"].strip())
        period = None
        if match:
            month = int(match.group(2)) if match.group(2) else None
            period = Period.objects.select_related("form").filter(form=form, year=int(match.group(1)), month=month).first()
        if period is None:
            raise ValidationError({"period": [_("Biểu mẫu %(form)s không có kỳ “%(period)s” (ghi 2026-11 hoặc 2026).")
                                              % {"form": form.code, "period": data["period"]}]})
        return unit, period, data


@extend_schema_view(
    list=extend_schema(
        summary="Báo cáo tổng hợp của một đơn vị",
        description=(
            "Báo cáo của đơn vị cộng các báo cáo đã duyệt của các đơn vị trực thuộc (cả cây), theo bố cục biểu mẫu; "
            "với TLĐ là tổng toàn quốc. Số liệu tức thời: một báo cáo vừa duyệt có ngay trong tổng hợp."
        ),
        parameters=[ConsolidationQuerySerializer],
        responses={200: ConsolidationSerializer, 400: OpenApiResponse(description="Thiếu hoặc sai biểu mẫu, kỳ."),
                   404: OpenApiResponse(description="Đơn vị không thuộc phạm vi của bạn.")},
    ),
)
class ConsolidationViewSet(ReportQueryMixin, viewsets.ViewSet):
    """`/api/v1/consolidations/?unit=&form=&period=`, its breakdown by unit below, and its .xlsx."""

    schema = ObjectSchema()

    def list(self, request):
        unit, period, _data = self.resolve(request, ConsolidationQuerySerializer)
        result = consolidation(unit=unit, period=period)
        return Response(ConsolidationSerializer(result, context={"sees_below": self.sees_below}).data)

    @extend_schema(
        summary="Nguồn của một con số tổng hợp: đơn vị và từng đơn vị trực thuộc",
        parameters=[BreakdownQuerySerializer], responses={200: BreakdownSerializer}, filters=False,
    )
    @action(detail=False, methods=["get"])
    def breakdown(self, request):
        unit, period, data = self.resolve(request, BreakdownQuerySerializer)
        result = consolidation(unit=unit, period=period)
        row = next((r for r in result.rows if r.key == data["row"] and r.figures), None)
        if row is None:
            raise ValidationError({"row": [_("Dòng “%(row)s” không có số liệu tổng hợp.") % {"row": data["row"]}]})
        figure = row.figure(data["column"])
        if figure is None:
            raise ValidationError({"column": [_("Biểu mẫu không có cột “%(column)s”.") % {"column": data["column"]}]})
        lines = consolidation_breakdown(unit=unit, period=period, row_key=row.key, column=figure.column)
        if not self.sees_below:
            lines = lines.filter(pk=unit.pk)  # an officer of an upper unit sees its figures, not the units below
        payload = {"unit": unit, "period": period, "row": row.key, "column": figure.column, "figure": figure.number,
                   "lines": list(lines)}
        return Response(BreakdownSerializer(payload, context={"unit": unit}).data)

    @extend_schema(summary="Tải báo cáo tổng hợp về (.xlsx, theo mẫu Phụ lục)", parameters=[ConsolidationQuerySerializer],
                   responses=XLSX_RESPONSE, filters=False)
    @action(detail=False, methods=["get"], content_negotiation_class=IgnoreAccept)
    def xlsx(self, request):
        unit, period, _data = self.resolve(request, ConsolidationQuerySerializer)
        result = consolidation(unit=unit, period=period)
        return xlsx_response(excel.consolidation_workbook(result), f"tong-hop-{period.form.code}-{period.slug}-{unit.code}.xlsx")


class CompliancePagination(PageNumberPagination):
    """Pages of 50 (up to 500); the total comes from the counts already made, not a second COUNT."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_known(self, queryset, request, count: int) -> list:
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        paginator.count = count  # a cached_property: set, not computed
        try:
            self.page = paginator.page(self.get_page_number(request, paginator))
        except InvalidPage as exc:
            raise NotFound(_("Trang không hợp lệ.")) from exc
        return list(self.page)


COMPLIANCE_PAGE = inline_serializer("CompliancePage", {
    "count": serializers.IntegerField(),
    "next": serializers.URLField(allow_null=True),
    "previous": serializers.URLField(allow_null=True),
    "summary": ComplianceSummarySerializer(),
    "results": ComplianceRowSerializer(many=True),
})


@extend_schema_view(
    list=extend_schema(
        summary="Tình hình nộp báo cáo (Phụ lục 04)",
        description=(
            "Các đơn vị trực thuộc phải báo cáo biểu mẫu trong kỳ, với tình trạng (đã duyệt, đúng hạn, muộn, bị trả lại, "
            "đang soạn, chưa gửi), số lượng và tỷ lệ; lọc theo loại đơn vị, tỉnh, tình trạng. Chỉ cho người xem được "
            "các đơn vị trực thuộc (cán bộ duyệt, quản trị)."
        ),
        parameters=[ComplianceQuerySerializer, OpenApiParameter("page", OpenApiTypes.INT),
                    OpenApiParameter("page_size", OpenApiTypes.INT)],
        responses={200: COMPLIANCE_PAGE, 403: OpenApiResponse(description="Bạn không xem được các đơn vị trực thuộc.")},
    ),
)
class ComplianceViewSet(ReportQueryMixin, viewsets.ViewSet):
    """`/api/v1/compliance/?unit=&form=&period=` and its .xlsx (a background job beyond the limit)."""

    schema = ObjectSchema()
    needs_units_below = True
    refused_message = gettext_lazy(
        "Chỉ cán bộ duyệt hoặc quản trị của đơn vị cấp trên mới xem được tình hình nộp báo cáo của các đơn vị trực thuộc."
    )

    def _filters(self, data: dict) -> ComplianceFilters:
        kind = province = None
        if data.get("kind"):
            kind = UnitKind.objects.filter(code=data["kind"]).first()
            if kind is None:
                raise ValidationError({"kind": [_("Không có loại đơn vị “%(code)s”.") % {"code": data["kind"]}]})
        if data.get("province") is not None:
            province = Province.objects.filter(pk=data["province"]).first()
            if province is None:
                raise ValidationError({"province": [_("Không có tỉnh/thành phố mã %(code)s.") % {"code": data["province"]}]})
        return ComplianceFilters(kind=kind, province=province, status=data.get("status") or None)

    def _selection(self, request):
        unit, period, data = self.resolve(request, ComplianceQuerySerializer)
        filters = self._filters(data)
        counts = compliance_counts(unit=unit, period=period, kind=filters.kind, province=filters.province)
        total = counts.by_status[filters.status] if filters.status else counts.expected
        units = compliance(unit=unit, period=period, kind=filters.kind, province=filters.province, status=filters.status)
        return unit, period, filters, counts, total, units

    def list(self, request):
        _unit, _period, _filters, counts, total, units = self._selection(request)
        paginator = CompliancePagination()
        page = paginator.paginate_known(units, request, total)
        return Response({
            "count": total,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "summary": ComplianceSummarySerializer(counts).data,
            "results": ComplianceRowSerializer(page, many=True).data,
        })

    @extend_schema(
        methods=["GET"], summary="Tải tình hình nộp báo cáo về (.xlsx)",
        description="Tối đa theo giới hạn tải ngay (20.000 đơn vị); nhiều hơn thì dùng POST để xuất tệp nền.",
        parameters=[ComplianceQuerySerializer], filters=False,
        responses={**XLSX_RESPONSE, 409: OpenApiResponse(ConflictSerializer, description="Quá nhiều dòng để tải ngay.")},
    )
    @extend_schema(
        methods=["POST"], summary="Xuất tình hình nộp báo cáo thành tệp nền (.xlsx)",
        description="Tệp được chuẩn bị trong nền; `status_url` là trang theo dõi tiến độ và liên kết tải về.",
        parameters=[ComplianceQuerySerializer], request=None, filters=False, responses={202: ExportJobSerializer},
    )
    @action(detail=False, methods=["get", "post"], content_negotiation_class=IgnoreAccept)
    def xlsx(self, request):
        unit, period, filters, _counts, total, units = self._selection(request)
        if request.method == "POST":
            job = export_job_start(user=request.user, unit=unit, period=period, filters=filters.as_job(), total_rows=total)
            url = request.build_absolute_uri(reverse("reporting:export-job-detail", args=[job.pk]))
            data = {"detail": _("Đang chuẩn bị tệp trong nền."), "job": job.pk, "status_url": url, "total_rows": total}
            return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": url})
        if total > sync_limit():
            return Response({"detail": _(
                "Danh sách có %(n)s đơn vị, quá nhiều để tải ngay: gửi POST tới địa chỉ này để xuất tệp nền."
            ) % {"n": total}}, status=status.HTTP_409_CONFLICT)
        content = compliance_xlsx(units, unit=unit, period=period, subtitle=filters.label())
        return xlsx_response(content, compliance_file_name(unit=unit, period=period))
