"""Consolidated reports and the compliance list (Phụ lục 04), under /bao-cao/.

Who sees what (the unit scope of `organizations.scoping`, nothing else):
- a consolidation of any unit the user may see: an officer their own unit (a unit without units
  below shows its own report), a reviewer or unit administrator their unit and everything
  below, a system administrator the whole tree (TLĐ: the national total);
- contributions by unit below and the names of the units still pending only to those who see
  the units below (officers of an upper unit see its figures and counts, not the units);
- the compliance list only of a unit whose subtree the user sees.
Members and anyone else: 404. A unit outside the scope: 404.

Query parameters: `bieu_mau` (form code), `ky` (period: 2026-11 or 2026), `don_vi` (unit code);
on the compliance list also `loai` (unit kind code), `tinh` (province code), `trang_thai`
(ComplianceStatus), `trang` (page).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from organizations.models import Province, Unit, UnitKind
from organizations.scoping import UnitScope, get_scope
from reporting.choices import ComplianceStatus, PeriodType
from reporting.compliance_export import compliance_file_name, compliance_xlsx, export_job_start, sync_limit
from reporting.models import ExportJob, ExportJobStatus, Form, Period
from reporting.selectors import (
    compliance,
    compliance_counts,
    consolidation,
    consolidation_breakdown,
    pending_units,
)
from unionportal import spreadsheets

PAGE_SIZE = 50
PENDING_SHOWN = 20
UNIT_CHOICES_SHOWN = 200


@dataclass
class Selection:
    """What the page is about: a form, one of its periods and a unit in the user's scope."""

    forms: list[Form]
    form: Form | None
    periods: list[Period]
    period: Period | None
    unit: Unit
    home_units: list[Unit]

    def query(self, **extra) -> str:
        params = {"bieu_mau": self.form.code if self.form else "", "ky": self.period.slug if self.period else "",
                  "don_vi": self.unit.code}  # later keys win: query(don_vi=...) points at another unit
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)


def sees_below(scope: UnitScope, unit: Unit) -> bool:
    """The user sees every unit under `unit` (reviewer/administrator at or above it, system admin)."""
    return scope.is_system_admin or any(unit.path.startswith(p) for p in scope.reviewer_paths + scope.admin_paths)


def home_units(user) -> list[Unit]:
    """The units a user's reporting pages start from: the top of each part of their scope."""
    scope = get_scope(user)
    if scope.is_empty:
        return []
    if scope.is_system_admin:
        return list(Unit.objects.filter(depth=1).order_by("path"))
    paths = set(scope.reviewer_paths + scope.admin_paths)
    return list(
        Unit.objects.filter(Q(path__in=paths) | Q(pk__in=scope.officer_unit_ids)).order_by("path")
    )


def _selection(request: HttpRequest) -> Selection:
    """Form, period and unit from the query (the POSTed fields for a background export)."""
    params = request.POST if request.method == "POST" else request.GET
    units = home_units(request.user)
    if not units:
        raise Http404
    code = params.get("don_vi", "").strip()
    if code:
        unit = Unit.objects.visible_to(request.user).filter(code=code).select_related("kind", "province").first()
        if unit is None:
            raise Http404
    else:
        # The outermost of the user's units: TLĐ for the national view, else their own unit.
        unit = min(units, key=lambda u: (u.depth, u.path))

    forms = list(Form.objects.filter(is_active=True))
    form = next((f for f in forms if f.code == params.get("bieu_mau")), None)
    if form is None and params.get("bieu_mau"):
        raise Http404
    if form is None:
        with_periods = set(Period.objects.order_by().values_list("form_id", flat=True).distinct())
        # The monthly report first: it is what reviewers follow from month to month.
        candidates = sorted((f for f in forms if f.pk in with_periods), key=lambda f: f.period_type != PeriodType.MONTHLY)
        form = candidates[0] if candidates else (forms[0] if forms else None)
    periods = list(Period.objects.filter(form=form).select_related("form").order_by("-starts_on")) if form else []
    wanted = params.get("ky", "").strip()
    # A period the form does not have (the form was just switched) falls back to the default.
    period = next((p for p in periods if p.slug == wanted), None)
    if period is None and periods:
        today = timezone.localdate()
        period = next((p for p in periods if p.starts_on <= today), periods[-1])
    return Selection(forms=forms, form=form, periods=periods, period=period, unit=unit, home_units=units)


def _unit_choices(selection: Selection, user) -> list[Unit]:
    """Suggestions for the unit box: the user's own units and the units directly below them."""
    clauses = Q(pk__in=[u.pk for u in selection.home_units])
    scope = get_scope(user)
    for unit in selection.home_units:
        if sees_below(scope, unit):
            clauses |= Q(path__startswith=unit.path, depth=unit.depth + 1)
    return list(Unit.objects.filter(clauses).order_by("path")[:UNIT_CHOICES_SHOWN])


def _parent_if_visible(unit: Unit, user) -> Unit | None:
    if unit.depth <= 1:
        return None
    return Unit.objects.visible_to(user).filter(path=unit.parent_path).first()


@login_required
@require_GET
def consolidation_view(request: HttpRequest) -> HttpResponse:
    """The consolidated report of a unit for a period, in its form's layout, every figure drillable.

    The units still pending are counted by a second request (`phan=cho-duyet`, loaded by htmx
    right after the page): that count is an anti-join over the whole subtree, the figures are not.
    """
    selection = _selection(request)
    scope = get_scope(request.user)
    if request.GET.get("phan") == "cho-duyet":
        return _pending_block(request, selection, sees_below(scope, selection.unit))
    parent = _parent_if_visible(selection.unit, request.user)
    context = {
        "selection": selection,
        "unit_choices": _unit_choices(selection, request.user),
        "sees_below": sees_below(scope, selection.unit),
        "parent": parent,
        "parent_query": selection.query(don_vi=parent.code) if parent else "",
    }
    if selection.period is not None:
        result = consolidation(unit=selection.unit, period=selection.period)
        context.update(
            consolidation=result,
            content_header=(result.form_version.definition.get("content_header") if result.form_version else None)
            or _("Nội dung và chỉ tiêu báo cáo"),
        )
    return render(request, "reporting/consolidation/consolidation.html", context)


def _pending_block(request: HttpRequest, selection: Selection, shows_units: bool) -> HttpResponse:
    """How many units below owe the report and are not approved; the first of them by name."""
    if selection.period is None or not selection.unit.numchild:
        raise Http404
    pending = pending_units(unit=selection.unit, period=selection.period)
    context = {
        "pending_count": pending.count(),
        "pending": list(pending[:PENDING_SHOWN]) if shows_units else [],
        "sees_below": shows_units,
        "query": selection.query(),
    }
    return render(request, "reporting/consolidation/_pending.html", context)


@login_required
@require_GET
def consolidation_breakdown_view(request: HttpRequest, unit_pk: int, period_pk: int, row_key: str) -> HttpResponse:
    """Where one consolidated figure comes from: the unit's own report and each unit directly below.

    An htmx request gets the panel only; a plain request the whole page.
    """
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_pk)
    period = get_object_or_404(Period.objects.select_related("form"), pk=period_pk)
    result = consolidation(unit=unit, period=period, with_texts=False)
    row = next((r for r in result.rows if r.key == row_key and r.figures), None)
    column = request.GET.get("cot", "value")
    figure = row.figure(column) if row else None
    if figure is None:
        raise Http404
    lines = consolidation_breakdown(unit=unit, period=period, row_key=row_key, column=column)
    scope = get_scope(request.user)
    shows_units = sees_below(scope, unit)
    if not shows_units:
        lines = lines.filter(pk=unit.pk)
    context = {
        "unit": unit, "period": period, "row": row, "figure": figure, "column": column,
        "lines": list(lines), "shows_units": shows_units,
        "column_label": next((c["label"] for c in result.columns if c["key"] == column), ""),
    }
    template = (
        "reporting/consolidation/_breakdown.html" if request.htmx else "reporting/consolidation/breakdown.html"
    )
    return render(request, template, context)


# --- compliance --------------------------------------------------------------------------------


@dataclass
class ComplianceFilters:
    kind: UnitKind | None
    province: Province | None
    status: str | None

    def as_query(self) -> dict:
        return {
            "loai": self.kind.code if self.kind else "",
            "tinh": self.province.code if self.province else "",
            "trang_thai": self.status or "",
        }

    def label(self) -> str:
        parts = []
        if self.kind:
            parts.append(_("Loại đơn vị: %(name)s") % {"name": self.kind.name})
        if self.province:
            parts.append(_("Tỉnh/thành phố: %(name)s") % {"name": self.province.name})
        if self.status:
            parts.append(_("Tình trạng: %(name)s") % {"name": ComplianceStatus(self.status).label})
        return " · ".join(parts)

    def as_job(self) -> dict:
        return {
            "kind": self.kind.pk if self.kind else None,
            "province": self.province.pk if self.province else None,
            "status": self.status,
            "label": self.label(),
        }


def _compliance_filters(request: HttpRequest) -> ComplianceFilters:
    source = request.POST if request.method == "POST" else request.GET
    kind = UnitKind.objects.filter(code=source.get("loai", "")).first() if source.get("loai") else None
    province_code = source.get("tinh", "")
    province = Province.objects.filter(code=province_code).first() if province_code.isdigit() else None
    status = source.get("trang_thai") if source.get("trang_thai") in ComplianceStatus.values else None
    return ComplianceFilters(kind=kind, province=province, status=status)


def _compliance_selection(request: HttpRequest) -> Selection:
    selection = _selection(request)
    if not sees_below(get_scope(request.user), selection.unit):
        raise Http404  # an officer sees no unit below their own
    return selection


@login_required
@require_GET
def compliance_view(request: HttpRequest) -> HttpResponse:
    """Phụ lục 04: the units below that owe the form for the period, their state, counts and rates."""
    selection = _compliance_selection(request)
    filters = _compliance_filters(request)
    context: dict = {
        "selection": selection,
        "filters": filters,
        "unit_choices": _unit_choices(selection, request.user),
        "kinds": UnitKind.objects.all(),
        "provinces": Province.objects.all(),
        "statuses": ComplianceStatus.choices,
        "sync_limit": sync_limit(),
    }
    if selection.period is not None:
        counts = compliance_counts(unit=selection.unit, period=selection.period, kind=filters.kind, province=filters.province)
        total = counts.by_status[filters.status] if filters.status else counts.expected
        paginator = Paginator(
            compliance(unit=selection.unit, period=selection.period, kind=filters.kind, province=filters.province,
                       status=filters.status),
            PAGE_SIZE,
        )
        paginator.count = total  # known from the counts: no second COUNT over the subtree
        page = paginator.get_page(request.GET.get("trang"))
        context.update(
            counts=counts, total=total, page=page,
            query_string=selection.query(**filters.as_query()),
            deadline_passed=timezone.now() > selection.period.deadline(),
        )
    template = "reporting/consolidation/_compliance_table.html" if request.htmx else "reporting/consolidation/compliance.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def compliance_export(request: HttpRequest) -> HttpResponse:
    """The compliance list as .xlsx: in the response up to the limit, else (POST) a background job."""
    selection = _compliance_selection(request)
    if selection.period is None:
        raise Http404
    filters = _compliance_filters(request)
    counts = compliance_counts(unit=selection.unit, period=selection.period, kind=filters.kind, province=filters.province)
    total = counts.by_status[filters.status] if filters.status else counts.expected
    units = compliance(unit=selection.unit, period=selection.period, kind=filters.kind, province=filters.province,
                       status=filters.status)
    if request.method == "POST":
        job = export_job_start(
            user=request.user, unit=selection.unit, period=selection.period, filters=filters.as_job(), total_rows=total
        )
        return redirect("reporting:export-job-detail", pk=job.pk)
    if total > sync_limit():
        messages.info(
            request,
            _("Danh sách có %(n)s đơn vị, quá nhiều để tải ngay: hãy bấm “Xuất tệp nền”, tệp sẽ được chuẩn bị "
              "trong nền và có liên kết tải về.") % {"n": f"{total:,}".replace(",", ".")},
        )
        return redirect(f"{reverse('reporting:compliance')}?{selection.query(**filters.as_query())}")
    content = compliance_xlsx(units, unit=selection.unit, period=selection.period, subtitle=filters.label())
    response = HttpResponse(content, content_type=spreadsheets.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = (
        f'attachment; filename="{compliance_file_name(unit=selection.unit, period=selection.period)}"'
    )
    return response


@login_required
@require_GET
def export_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A background export: a progress bar while it runs (htmx polls this view), then the download link."""
    job = get_object_or_404(ExportJob.objects.owned_by(request.user).select_related("unit", "period__form"), pk=pk)
    template = (
        "reporting/consolidation/_export_job_status.html" if request.htmx
        else "reporting/consolidation/export_job_detail.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(ExportJob.objects.owned_by(request.user), pk=pk, status=ExportJobStatus.SUCCEEDED)
    if not job.file_path or not default_storage.exists(job.file_path):
        raise Http404
    return FileResponse(
        default_storage.open(job.file_path, "rb"), as_attachment=True, filename=job.file_name,
        content_type=spreadsheets.CONTENT_TYPES["xlsx"],
    )
