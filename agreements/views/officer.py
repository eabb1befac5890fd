"""Officers' side of the welfare programme: partners, agreements and their scans, offers, outlets
with their printable notice and inspections, union institutions, monthly usage, complaints.

Access, the same on every page:
- not signed in → the login page (a scan download → 404: it never admits it exists);
- no role in any unit (a member) → 404;
- a record outside the user's scope → 404; visible but not the user's own unit's (a reviewer,
  an officer looking at a TLĐ agreement) → 403 on every page that changes it.
Reads go through `visible_to`, writes through `editable_by` (agreements/models.py).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements import services
from agreements.choices import AgreementStatus, ComplaintStatus
from agreements.forms import (
    AgreementDocumentForm,
    AgreementForm,
    AgreementTerminateForm,
    BenefitUsageForm,
    ComplaintRespondForm,
    InstitutionForm,
    MonthField,
    OfferForm,
    OutletForm,
    OutletInspectionForm,
    PartnerForm,
    recording_units,
)
from agreements.models import (
    ENDING_SOON_DAYS,
    Agreement,
    AgreementDocument,
    BenefitUsage,
    Institution,
    Offer,
    Outlet,
    OutletComplaint,
    Partner,
)
from agreements.selectors import complaint_counts_by_partner
from organizations.choices import Role
from organizations.models import Province, RoleAssignment, Unit, Ward
from organizations.scoping import get_scope
from unionportal.documents import stream_document
from unionportal.history import agreement_changes
from unionportal.text import fold

PAGE_SIZE = 50


# --- access ----------------------------------------------------------------------------------


def staff_required(view):
    """Signed in and holding a role somewhere; members and strangers get 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if get_scope(request.user).is_empty:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def visible_or_404(queryset, pk: int, user):
    return get_object_or_404(queryset.visible_to(user), pk=pk)


def editable_or_403(queryset, pk: int, user):
    """Outside the scope: 404. Visible but not the user's to change: 403."""
    obj = visible_or_404(queryset, pk, user)
    if not queryset.model._default_manager.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def require_recording_unit(user) -> None:
    """Only officers (and system administrators, for TLĐ) create programme records."""
    if not recording_units(user).exists():
        raise PermissionDenied


def editable_ids(queryset, objects, user) -> set[int]:
    """Which of `objects` the user may change, in one query (the page shows edit links for them)."""
    ids = [obj.pk for obj in objects]
    if not ids:
        return set()
    return set(queryset.model._default_manager.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))


def paginate(request: HttpRequest, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return page, query.urlencode()


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def decimal_label(value: Decimal | None) -> str:
    """12.500 → "12,5", 1234.000 → "1.234": no trailing zeros, Vietnamese separators."""
    if value is None:
        return ""
    value = value.normalize()
    if value.as_tuple().exponent > 0:
        value = value.quantize(Decimal(1))
    return number_format(value, force_grouping=True)


def render_form(request: HttpRequest, form, *, title: str, back: str, **extra) -> HttpResponse:
    return render(
        request,
        "agreements/officer/form.html",
        {"form": form, "title": title, "back": back, **extra},
    )


# --- partners --------------------------------------------------------------------------------


@staff_required
@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    partners = Partner.objects.visible_to(user).select_related("unit").annotate(agreement_count=Count("agreements"))
    q = request.GET.get("q", "").strip()
    if q:
        partners = partners.search(q)
    page, query_string = paginate(request, partners.order_by("name", "pk"))
    complaints = OutletComplaint.objects.visible_to(user).filter(
        offer__agreement__partner__in=[p.pk for p in page.object_list]
    )
    counts = {c.partner_id: c for c in complaint_counts_by_partner(complaints)} if page.object_list else {}
    for partner in page.object_list:
        count = counts.get(partner.pk)
        partner.complaints_open, partner.complaints_total = (count.open, count.total) if count else (0, 0)
    return render(
        request,
        "agreements/officer/partner_list.html",
        {
            "page": page,
            "query_string": query_string,
            "q": q,
            "editable": editable_ids(Partner.objects, page.object_list, user),
            "can_create": recording_units(user).exists(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    require_recording_unit(request.user)
    form = PartnerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        partner = form.save()
        messages.success(request, _("Đã thêm đối tác “%(name)s”.") % {"name": partner.name})
        return redirect("agreements:partner-detail", pk=partner.pk)
    return render_form(request, form, title=_("Thêm đối tác"), back=reverse("agreements:partner-list"))


@staff_required
@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    partner = visible_or_404(Partner.objects.select_related("unit"), pk, user)
    agreements = Agreement.objects.visible_to(user).filter(partner=partner).select_related("unit")
    complaints = OutletComplaint.objects.visible_to(user).filter(offer__agreement__partner=partner)
    counts = complaint_counts_by_partner(complaints)
    return render(
        request,
        "agreements/officer/partner_detail.html",
        {
            "partner": partner,
            "agreements": agreements,
            "outlet_count": Outlet.objects.visible_to(user).filter(partner=partner).count(),
            "complaint_count": counts[0] if counts else None,
            "can_edit": Partner.objects.editable_by(user).filter(pk=partner.pk).exists(),
            "can_create": recording_units(user).exists(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def partner_update(request: HttpRequest, pk: int) -> HttpResponse:
    partner = editable_or_403(Partner.objects.all(), pk, request.user)
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu thông tin đối tác."))
        return redirect("agreements:partner-detail", pk=partner.pk)
    return render_form(
        request, form, title=_("Sửa đối tác “%(name)s”") % {"name": partner.name},
        back=reverse("agreements:partner-detail", args=[partner.pk]),
    )


# --- agreements ------------------------------------------------------------------------------

STATUS_FILTERS = {
    "hieu-luc": AgreementStatus.IN_FORCE,
    "sap-het-han": "ending",
    "chua-hieu-luc": AgreementStatus.NOT_YET,
    "het-han": AgreementStatus.EXPIRED,
    "cham-dut": AgreementStatus.TERMINATED,
    "du-thao": AgreementStatus.DRAFT,
}


def filter_by_status(queryset, status: str):
    today = timezone.localdate()
    if status == AgreementStatus.IN_FORCE:
        return queryset.in_force(today)
    if status == "ending":
        return queryset.ending_soon(today)
    if status == AgreementStatus.DRAFT:
        return queryset.filter(is_draft=True)
    live = queryset.filter(is_draft=False)
    if status == AgreementStatus.TERMINATED:
        return live.filter(terminated_on__lte=today)
    live = live.exclude(terminated_on__lte=today)
    if status == AgreementStatus.NOT_YET:
        return live.filter(valid_from__gt=today)
    if status == AgreementStatus.EXPIRED:
        return live.filter(valid_until__lt=today)
    return queryset


def ending_soon(user):
    """The user's own unit's agreements in force that end within 30 days, soonest first."""
    return (
        Agreement.objects.editable_by(user)
        .ending_soon()
        .select_related("partner", "unit")
        .order_by("valid_until", "number")
    )


@staff_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    agreements = Agreement.objects.visible_to(user).select_related("partner", "unit")
    q = request.GET.get("q", "").strip()
    if q:
        folded = fold(q)
        agreements = agreements.filter(
            Q(number__icontains=q) | Q(title__icontains=q) | Q(partner__search_key__contains=folded)
        )
    status_slug = request.GET.get("trang_thai", "")
    if status_slug in STATUS_FILTERS:
        agreements = filter_by_status(agreements, STATUS_FILTERS[status_slug])
    partner_id = int_or_none(request.GET.get("doi_tac"))
    if partner_id:
        agreements = agreements.filter(partner_id=partner_id)
    if request.GET.get("cua_don_vi"):
        agreements = agreements.filter(pk__in=Agreement.objects.editable_by(user).values("pk"))
    page, query_string = paginate(request, agreements.order_by("-signed_on", "number", "pk"))
    soon = list(ending_soon(user)[:20])
    return render(
        request,
        "agreements/officer/agreement_list.html",
        {
            "page": page,
            "query_string": query_string,
            "q": q,
            "status_slug": status_slug,
            "own_only": bool(request.GET.get("cua_don_vi")),
            "status_choices": [
                ("hieu-luc", _("Đang hiệu lực")),
                ("sap-het-han", _("Hết hiệu lực trong 30 ngày tới")),
                ("chua-hieu-luc", _("Chưa đến ngày hiệu lực")),
                ("het-han", _("Hết hiệu lực")),
                ("cham-dut", _("Đã chấm dứt")),
                ("du-thao", _("Dự thảo")),
            ],
            "ending_soon": soon,
            "ending_soon_days": ENDING_SOON_DAYS,
            "editable": editable_ids(Agreement.objects, page.object_list, user),
            "can_create": recording_units(user).exists(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    require_recording_unit(request.user)
    initial = {}
    partner_id = int_or_none(request.GET.get("doi_tac"))
    if partner_id:
        initial["partner"] = partner_id
    form = AgreementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        agreement = form.save()
        messages.success(request, _("Đã thêm thỏa thuận số %(number)s.") % {"number": agreement.number})
        return redirect("agreements:agreement-detail", pk=agreement.pk)
    return render_form(request, form, title=_("Thêm thỏa thuận hợp tác"), back=reverse("agreements:agreement-list"))


@staff_required
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    agreement = visible_or_404(Agreement.objects.select_related("partner", "unit"), pk, user)
    can_edit = Agreement.objects.editable_by(user).filter(pk=agreement.pk).exists()
    agreement.support_label = decimal_label(agreement.support_amount)
    return render(
        request,
        "agreements/officer/agreement_detail.html",
        {
            "agreement": agreement,
            "provinces": agreement.provinces.all(),
            "offers": agreement.offers.all(),
            "documents": agreement.documents.select_related("uploaded_by"),
            "can_edit": can_edit,
            "changes": agreement_changes(agreement),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def agreement_update(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = editable_or_403(Agreement.objects.all(), pk, request.user)
    form = AgreementForm(request.POST or None, instance=agreement, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu thỏa thuận."))
        return redirect("agreements:agreement-detail", pk=agreement.pk)
    return render_form(
        request, form, title=_("Sửa thỏa thuận số %(number)s") % {"number": agreement.number},
        back=reverse("agreements:agreement-detail", args=[agreement.pk]),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def agreement_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = editable_or_403(Agreement.objects.select_related("partner"), pk, request.user)
    if agreement.terminated_on:
        messages.info(request, _("Thỏa thuận này đã được chấm dứt."))
        return redirect("agreements:agreement-detail", pk=agreement.pk)
    form = AgreementTerminateForm(request.POST or None, initial={"terminated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_terminate(
                agreement=agreement,
                on=form.cleaned_data["terminated_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã chấm dứt thỏa thuận số %(number)s.") % {"number": agreement.number})
            return redirect("agreements:agreement-detail", pk=agreement.pk)
    return render_form(
        request, form, title=_("Chấm dứt thỏa thuận số %(number)s") % {"number": agreement.number},
        back=reverse("agreements:agreement-detail", args=[agreement.pk]),
        submit_label=_("Chấm dứt thỏa thuận"), danger=True,
        intro=_("Từ ngày chấm dứt, các ưu đãi của thỏa thuận không còn hiện với đoàn viên."),
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- scanned documents -----------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = editable_or_403(Agreement.objects.select_related("partner"), pk, request.user)
    form = AgreementDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.agreement_document_add(
            agreement=agreement,
            upload=form.cleaned_data["file"],
            content_type=form.content_type,
            original_name=form.original_name,
            by=request.user,
        )
        messages.success(request, _("Đã tải lên văn bản “%(name)s”.") % {"name": form.original_name})
        return redirect("agreements:agreement-detail", pk=agreement.pk)
    return render(
        request,
        "agreements/officer/document_upload.html",
        {"agreement": agreement, "form": form},
    )


@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Streamed only to users who see the agreement; to anyone else the scan does not exist."""
    if not request.user.is_authenticated or get_scope(request.user).is_empty:
        raise Http404
    document = get_object_or_404(
        AgreementDocument.objects.filter(agreement__in=Agreement.objects.visible_to(request.user)), pk=pk
    )
    return stream_document(document.file, filename=document.original_name, content_type=document.content_type)


# --- offers ----------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = editable_or_403(Agreement.objects.select_related("partner"), pk, request.user)
    form = OfferForm(request.POST or None, user=request.user, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        offer = form.save()
        messages.success(request, _("Đã thêm ưu đãi “%(title)s”.") % {"title": offer.title})
        return redirect("agreements:agreement-detail", pk=agreement.pk)
    return render_form(
        request, form, title=_("Thêm ưu đãi cho thỏa thuận số %(number)s") % {"number": agreement.number},
        back=reverse("agreements:agreement-detail", args=[agreement.pk]),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def offer_update(request: HttpRequest, pk: int) -> HttpResponse:
    offer = editable_or_403(Offer.objects.select_related("agreement__partner"), pk, request.user)
    form = OfferForm(request.POST or None, instance=offer, user=request.user, agreement=offer.agreement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu ưu đãi."))
        return redirect("agreements:agreement-detail", pk=offer.agreement_id)
    return render_form(
        request, form, title=_("Sửa ưu đãi “%(title)s”") % {"title": offer.title},
        back=reverse("agreements:agreement-detail", args=[offer.agreement_id]),
    )


# --- outlets ---------------------------------------------------------------------------------


@staff_required
@require_GET
def outlet_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    outlets = Outlet.objects.visible_to(user).with_last_inspection().select_related("partner", "province", "ward")
    q = request.GET.get("q", "").strip()
    if q:
        outlets = outlets.search(q)
    partner_id = int_or_none(request.GET.get("doi_tac"))
    partner = Partner.objects.visible_to(user).filter(pk=partner_id).first() if partner_id else None
    if partner_id:
        outlets = outlets.filter(partner_id=partner_id)
    province_code = int_or_none(request.GET.get("tinh"))
    if province_code:
        outlets = outlets.filter(province_id=province_code)
    if request.GET.get("khong_bien"):
        outlets = outlets.filter(displays_sign=False)
    page, query_string = paginate(request, outlets.order_by("province__name", "name", "pk"))
    return render(
        request,
        "agreements/officer/outlet_list.html",
        {
            "page": page,
            "query_string": query_string,
            "q": q,
            "partner": partner,
            "province_code": province_code,
            "provinces": Province.objects.order_by("search_key"),
            "no_sign_only": bool(request.GET.get("khong_bien")),
            "editable": editable_ids(Outlet.objects, page.object_list, user),
            "can_create": Partner.objects.editable_by(user).exists(),
            "can_inspect": recording_units(user).exists(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def outlet_create(request: HttpRequest) -> HttpResponse:
    require_recording_unit(request.user)
    initial = {}
    partner_id = int_or_none(request.GET.get("doi_tac"))
    if partner_id:
        initial["partner"] = partner_id
    form = OutletForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        outlet = form.save()
        messages.success(request, _("Đã thêm điểm bán “%(name)s”.") % {"name": outlet.name})
        return redirect(f"{reverse('agreements:outlet-list')}?doi_tac={outlet.partner_id}")
    return render_form(request, form, title=_("Thêm điểm bán"), back=reverse("agreements:outlet-list"))


@staff_required
@require_http_methods(["GET", "POST"])
def outlet_update(request: HttpRequest, pk: int) -> HttpResponse:
    outlet = editable_or_403(Outlet.objects.all(), pk, request.user)
    form = OutletForm(request.POST or None, instance=outlet, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu điểm bán."))
        return redirect(f"{reverse('agreements:outlet-list')}?doi_tac={outlet.partner_id}")
    return render_form(
        request, form, title=_("Sửa điểm bán “%(name)s”") % {"name": outlet.name},
        back=f"{reverse('agreements:outlet-list')}?doi_tac={outlet.partner_id}",
    )


@staff_required
@require_GET
def ward_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the wards of `?province=`, for the outlet and institution forms (htmx)."""
    code = int_or_none(request.GET.get("province"))
    wards = Ward.objects.filter(province_id=code).order_by("name") if code else Ward.objects.none()
    return render(request, "agreements/officer/_ward_options.html", {"wards": wards})


@staff_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Any outlet the officer sees may be checked (seed 003 §5: units check the outlets in their area)."""
    outlet = visible_or_404(Outlet.objects.select_related("partner", "province"), pk, request.user)
    units = list(recording_units(request.user))
    if not units:
        raise PermissionDenied
    # An officer of several units inspects for the one in the outlet's province, if any.
    unit = next((u for u in units if u.province_id == outlet.province_id), units[0])
    form = OutletInspectionForm(
        request.POST or None, user=request.user, initial={"inspected_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.outlet_inspection_record(
            outlet=outlet,
            unit=unit,
            inspected_on=data["inspected_on"],
            sign_displayed=data["sign_displayed"],
            discount_honoured=data["discount_honoured"],
            notes=data["notes"],
            by=request.user,
        )
        messages.success(request, _("Đã ghi kết quả kiểm tra điểm bán “%(name)s”.") % {"name": outlet.name})
        return redirect(f"{reverse('agreements:outlet-list')}?doi_tac={outlet.partner_id}")
    return render_form(
        request, form, title=_("Kiểm tra điểm bán “%(name)s”") % {"name": outlet.name},
        back=f"{reverse('agreements:outlet-list')}?doi_tac={outlet.partner_id}",
        intro=_("%(partner)s · %(address)s, %(province)s")
        % {"partner": outlet.partner.name, "address": outlet.address, "province": outlet.province.name},
        recent_inspections=outlet.inspections.select_related("unit", "inspected_by")[:5],
    )


@staff_required
@require_GET
def outlet_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 sign an outlet displays (biển niêm yết, seed 003 §4), with a QR code to the live offer."""
    outlet = visible_or_404(Outlet.objects.select_related("partner", "province", "ward"), pk, request.user)
    today = timezone.localdate()
    offers = list(
        Offer.objects.in_force(today)
        .filter(agreement__partner=outlet.partner)
        .covering(province=outlet.province)
        .select_related("agreement__unit")
        .order_by_discount()[:6]
    )
    for offer in offers:
        ends = [d for d in (offer.valid_until, offer.agreement.valid_until) if d]
        offer.notice_until = min(ends) if ends else None
    if len(offers) == 1:
        try:
            target = reverse("agreements:offer-detail", args=[offers[0].pk])
        except NoReverseMatch:  # the catalogue's page is not there: the filtered list still answers
            target = _catalogue_url(outlet)
    else:
        target = _catalogue_url(outlet)
    live_url = request.build_absolute_uri(target)
    qr_svg = segno.make(live_url, error="m").svg_inline(scale=1, border=2, omitsize=True, dark="#000")
    return render(
        request,
        "agreements/officer/outlet_notice.html",
        {
            "outlet": outlet,
            "offers": offers,
            "live_url": live_url,
            "qr_svg": qr_svg,
            "hotlines": _hotlines({o.agreement.unit for o in offers}),
            "today": today,
        },
    )


def _catalogue_url(outlet: Outlet) -> str:
    return f"{reverse('agreements:offer-list')}?{urlencode({'doi_tac': outlet.partner_id, 'tinh': outlet.province_id})}"


def _hotlines(units: set[Unit]) -> list[tuple[Unit, str]]:
    """The phone a member calls about the discount: the signing union's first officer with a phone.

    Units carry no phone number of their own; the focal officer's is the one the seed's
    directives print ("tên cán bộ đầu mối và ... điện thoại liên hệ").
    """
    if not units:
        return []
    phones: dict[int, str] = {}
    rows = (
        RoleAssignment.objects.filter(unit__in=units, role=Role.OFFICER, user__is_active=True)
        .exclude(user__phone="")
        .order_by("unit_id", "created_at", "pk")
        .values_list("unit_id", "user__phone")
    )
    for unit_id, phone in rows:
        phones.setdefault(unit_id, phone)
    return [(unit, phones.get(unit.pk, "")) for unit in sorted(units, key=lambda u: u.path)]


# --- institutions ----------------------------------------------------------------------------


@staff_required
@require_GET
def institution_manage_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    institutions = Institution.objects.visible_to(user).select_related("unit", "province")
    q = request.GET.get("q", "").strip()
    if q:
        institutions = institutions.search(q)
    province_code = int_or_none(request.GET.get("tinh"))
    if province_code:
        institutions = institutions.filter(province_id=province_code)
    page, query_string = paginate(request, institutions.order_by("province__name", "name", "pk"))
    return render(
        request,
        "agreements/officer/institution_list.html",
        {
            "page": page,
            "query_string": query_string,
            "q": q,
            "province_code": province_code,
            "provinces": Province.objects.order_by("search_key"),
            "editable": editable_ids(Institution.objects, page.object_list, user),
            "can_create": recording_units(user).exists(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def institution_create(request: HttpRequest) -> HttpResponse:
    require_recording_unit(request.user)
    form = InstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        institution = form.save()
        messages.success(request, _("Đã thêm thiết chế “%(name)s”.") % {"name": institution.name})
        return redirect("agreements:institution-manage-list")
    return render_form(
        request, form, title=_("Thêm thiết chế công đoàn"), back=reverse("agreements:institution-manage-list")
    )


@staff_required
@require_http_methods(["GET", "POST"])
def institution_update(request: HttpRequest, pk: int) -> HttpResponse:
    institution = editable_or_403(Institution.objects.all(), pk, request.user)
    form = InstitutionForm(request.POST or None, instance=institution, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu thiết chế công đoàn."))
        return redirect("agreements:institution-manage-list")
    return render_form(
        request, form, title=_("Sửa thiết chế “%(name)s”") % {"name": institution.name},
        back=reverse("agreements:institution-manage-list"),
    )


# --- monthly usage ---------------------------------------------------------------------------


@staff_required
@require_GET
def usage_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    usages = BenefitUsage.objects.visible_to(user).select_related("unit", "partner", "institution")
    month_text = request.GET.get("thang", "").strip()
    month_error = ""
    if month_text:
        try:
            usages = usages.for_month(MonthField().clean(month_text))
        except ValidationError as exc:
            month_error = exc.messages[0]
    totals = usages.aggregate(members=Sum("members_count"), value=Sum("value_million"))
    page, query_string = paginate(request, usages.order_by("-month", "unit__path", "pk"))
    for usage in page.object_list:
        usage.value_label = decimal_label(usage.value_million)
    totals["value_label"] = decimal_label(totals["value"] or Decimal(0))
    return render(
        request,
        "agreements/officer/usage_list.html",
        {
            "page": page,
            "query_string": query_string,
            "month_text": month_text,
            "month_error": month_error,
            "totals": totals,
            "editable": editable_ids(BenefitUsage.objects, page.object_list, user),
            "can_create": recording_units(user).exists(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def usage_create(request: HttpRequest) -> HttpResponse:
    require_recording_unit(request.user)
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    form = BenefitUsageForm(request.POST or None, user=request.user, initial={"month": last_month})
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã ghi số liệu sử dụng ưu đãi."))
        return redirect("agreements:usage-list")
    return render_form(
        request, form, title=_("Nhập số liệu đoàn viên sử dụng ưu đãi"), back=reverse("agreements:usage-list"),
        intro=_("Số đoàn viên đã sử dụng sản phẩm, dịch vụ của đối tác hoặc thiết chế công đoàn trong tháng (Phụ lục 02, mục II.1.4, II.1.5 và II.2)."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def usage_update(request: HttpRequest, pk: int) -> HttpResponse:
    usage = editable_or_403(BenefitUsage.objects.all(), pk, request.user)
    form = BenefitUsageForm(request.POST or None, instance=usage, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu số liệu sử dụng ưu đãi."))
        return redirect("agreements:usage-list")
    return render_form(
        request, form, title=_("Sửa số liệu tháng %(month)s") % {"month": usage.month.strftime("%m/%Y")},
        back=reverse("agreements:usage-list"),
    )


# --- complaints ------------------------------------------------------------------------------

# `?trang_thai=`: empty means every complaint not closed yet.
COMPLAINT_FILTERS = {
    "": "open",
    "moi": ComplaintStatus.OPEN,
    "dang-xu-ly": ComplaintStatus.IN_PROGRESS,
    "da-dong": ComplaintStatus.CLOSED,
    "tat-ca": "all",
}


@staff_required
@require_GET
def complaint_queue(request: HttpRequest) -> HttpResponse:
    """Complaints about the agreements the user's units signed (reviewers: their subtree, read-only)."""
    user = request.user
    visible = OutletComplaint.objects.visible_to(user)
    status_slug = request.GET.get("trang_thai", "")
    status = COMPLAINT_FILTERS.get(status_slug, COMPLAINT_FILTERS[""])
    complaints = visible.select_related(
        "offer__agreement__partner", "offer__agreement__unit", "outlet__province", "reporter"
    )
    if status == "open":
        complaints = complaints.open()
    elif status != "all":
        complaints = complaints.filter(status=status)
    partner_id = int_or_none(request.GET.get("doi_tac"))
    if partner_id:
        complaints = complaints.filter(offer__agreement__partner_id=partner_id)
    page, query_string = paginate(request, complaints.order_by("-created_at", "-pk"))
    return render(
        request,
        "agreements/officer/complaint_queue.html",
        {
            "page": page,
            "query_string": query_string,
            "status_slug": status_slug,
            "partner_id": partner_id,
            "counts": complaint_counts_by_partner(visible)[:20],
            "editable": editable_ids(OutletComplaint.objects, page.object_list, user),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def complaint_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """The complaint and its answer. Officers of the signing unit answer; reviewers only read."""
    user = request.user
    complaint = visible_or_404(
        OutletComplaint.objects.select_related(
            "offer__agreement__partner", "offer__agreement__unit", "outlet__province", "reporter", "handled_by"
        ),
        pk,
        user,
    )
    can_edit = OutletComplaint.objects.editable_by(user).filter(pk=complaint.pk).exists()
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = None
    if can_edit:
        form = ComplaintRespondForm(
            request.POST or None, instance=complaint, user=user,
            initial={"close": complaint.status == ComplaintStatus.CLOSED},
        )
        if request.method == "POST" and form.is_valid():
            services.complaint_respond(
                complaint=complaint, response=form.cleaned_data["response"], close=form.cleaned_data["close"], by=user
            )
            messages.success(request, _("Đã ghi kết quả xử lý và gửi trả lời cho đoàn viên."))
            return redirect("agreements:complaint-queue")
    return render(
        request,
        "agreements/officer/complaint_handle.html",
        {"complaint": complaint, "form": form, "can_edit": can_edit},
    )
