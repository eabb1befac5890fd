"""Members' catalogue: public offers and union institutions, and members' reports about outlets.

The catalogue is public (no login): anyone sees the offers in force, a signed-in member sees
their own province first and the offers their own union negotiated. Reporting an outlet needs
a member's account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from agreements import services
from agreements.choices import AgreementScope, InstitutionKind, OfferCategory
from agreements.forms_catalogue import OutletComplaintForm
from agreements.models import Institution, Offer, Outlet, OutletComplaint, Partner
from agreements.selectors import (
    SORT_NEWEST,
    SORTS,
    offers_page,
    offers_published,
    offers_reaching,
    offers_sorted,
    partner_choices,
)
from organizations.models import Province, Unit

PAGE_SIZE = 20
# A select of thousands of partners is unusable on a phone; above this the filter is offered
# from the offer pages only (?doi_tac=…) and the select is left out.
PARTNER_OPTIONS_MAX = 300
# Outlets listed on an offer page; a chain with more is narrowed by choosing a province.
OUTLETS_MAX = 100
QUERY_MAX_LENGTH = 200


@dataclass(frozen=True)
class Visitor:
    """Who is looking: the member's own union (for subtree agreements) and its province, if any."""

    unit: Unit | None = None
    province_code: int | None = None


def visitor_of(request: HttpRequest) -> Visitor:
    user = request.user
    if not user.is_authenticated or user.member_unit_id is None:
        return Visitor()
    unit = user.member_unit
    return Visitor(unit=unit, province_code=unit.province_id)


def province_options(visitor: Visitor) -> list[Province]:
    """The 34 provinces by name, the member's own first."""
    provinces = list(Province.objects.order_by("name"))
    provinces.sort(key=lambda p: p.code != visitor.province_code)  # stable: the rest keep their order
    return provinces


def chosen_province(request: HttpRequest, provinces: list[Province], visitor: Visitor) -> Province | None:
    """`?tinh=<code>`; absent means the member's own province, empty means every province."""
    raw = request.GET.get("tinh")
    code = visitor.province_code if raw is None else _int_or_none(raw)
    return next((p for p in provinces if p.code == code), None)


def public_offers(*, on: date | None = None) -> QuerySet:
    """The offers a public page may show: in force, or published and starting later."""
    return offers_published(on).select_related("agreement__partner", "agreement__unit")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _query_string(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("trang", None)
    return query.urlencode()


def _partial_or_page(request: HttpRequest, page: str, partial: str, context: dict) -> HttpResponse:
    """Typing in the search box asks for the results only; a reload or a history restore gets the page."""
    as_partial = bool(request.htmx) and not request.htmx.history_restore_request and not request.htmx.boosted
    response = render(request, partial if as_partial else page, {**context, "oob": as_partial})
    patch_vary_headers(response, ("HX-Request",))
    return response


def _with_dates(offer: Offer, today: date) -> Offer:
    """The days a member may use the offer: the later start and the earlier end of offer and agreement."""
    agreement = offer.agreement
    starts = [d for d in (offer.valid_from, agreement.valid_from) if d]
    ends = [d for d in (offer.valid_until, agreement.valid_until) if d]
    offer.starts_on = max(starts) if starts else None
    offer.ends_on = min(ends) if ends else None
    offer.is_upcoming = bool(offer.starts_on and offer.starts_on > today)
    offer.days_left = (offer.ends_on - today).days if offer.ends_on else None
    return offer


# --- Offers ------------------------------------------------------------------------------------


def offer_list(request: HttpRequest) -> HttpResponse:
    """`/uu-dai/`: search, filters, sort and pages of the offers that reach the visitor."""
    visitor = visitor_of(request)
    provinces = province_options(visitor)
    province = chosen_province(request, provinces, visitor)
    # A checkbox sends nothing when unticked, so a hidden "0" goes before it: absent = first visit = ticked.
    in_force_values = request.GET.getlist("hieu_luc")
    in_force_only = not in_force_values or "1" in in_force_values
    today = timezone.localdate()

    base = Offer.objects.in_force(today) if in_force_only else offers_published(today)
    base = offers_reaching(base, province=province, unit=visitor.unit)

    text = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    category = request.GET.get("nhom", "")
    category = category if category in OfferCategory.values else ""
    partner_id = _int_or_none(request.GET.get("doi_tac"))
    sort = request.GET.get("sap_xep", SORT_NEWEST)
    sort = sort if sort in SORTS else SORT_NEWEST

    offers = base.search(text) if text else base
    if category:
        offers = offers.filter(category=category)
    if partner_id:
        offers = offers.filter(agreement__partner_id=partner_id)
    page = offers_page(offers_sorted(offers, sort), request.GET.get("trang"), PAGE_SIZE)
    for offer in page.object_list:
        _with_dates(offer, today)

    # The partners of every offer the visitor may see, whatever the text, category and page.
    scope_key = ":".join(
        str(part) for part in (int(in_force_only), province and province.code, visitor.unit and visitor.unit.pk, today)
    )
    partners = partner_choices(base, key=scope_key, limit=PARTNER_OPTIONS_MAX)
    partner_name = next((name for pk, name in partners if pk == partner_id), None)
    if partner_id and partner_name is None:
        partner_name = Partner.objects.filter(pk=partner_id).values_list("name", flat=True).first()
    context = {
        "page_obj": page,
        "provinces": provinces,
        "province": province,
        "categories": OfferCategory.choices,
        "partners": partners if len(partners) <= PARTNER_OPTIONS_MAX else None,
        "partner_id": partner_id,
        "partner_name": partner_name,
        "filters": {"q": text, "category": category, "in_force_only": in_force_only, "sort": sort},
        "sorts": [(SORTS[0], _("Mới nhất")), (SORTS[1], _("Giảm nhiều nhất")), (SORTS[2], _("Sắp hết hạn"))],
        "query_string": _query_string(request),
        "visitor": visitor,
    }
    return _partial_or_page(
        request, "agreements/catalogue/offer_list.html", "agreements/catalogue/_offer_results.html", context
    )


def _offer_page_context(request: HttpRequest, pk: int) -> dict:
    """What the offer page and its printable view show: the offer, its agreement and the outlets."""
    today = timezone.localdate()
    offer = _with_dates(get_object_or_404(public_offers(on=today), pk=pk), today)
    visitor = visitor_of(request)
    provinces = province_options(visitor)
    province = chosen_province(request, provinces, visitor)
    outlets = list(
        Outlet.objects.filter(partner_id=offer.agreement.partner_id)
        .province_first(province)
        .select_related("province", "ward")[:OUTLETS_MAX]
    )
    outlets_total = len(outlets)
    if outlets_total == OUTLETS_MAX:
        outlets_total = Outlet.objects.filter(partner_id=offer.agreement.partner_id).count()
    agreement = offer.agreement
    return {
        "offer": offer,
        "agreement": agreement,
        "partner": agreement.partner,
        "scope_provinces": list(agreement.provinces.all()) if agreement.scope == AgreementScope.PROVINCES else [],
        "provinces": provinces,
        "province": province,
        "outlets_here": [o for o in outlets if province is not None and o.province_id == province.code],
        "outlets_elsewhere": [o for o in outlets if province is None or o.province_id != province.code],
        "outlets": outlets,
        "outlets_hidden": outlets_total - len(outlets),
    }


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """`/uu-dai/<pk>/`: the offer, who grants it, where to use it; members may report an outlet."""
    context = _offer_page_context(request, pk)
    user = request.user
    if user.is_authenticated and user.is_member:
        context["form"] = OutletComplaintForm(offer=context["offer"], has_outlets=bool(context["outlets"]))
    return render(request, "agreements/catalogue/offer_detail.html", context)


def offer_print(request: HttpRequest, pk: int) -> HttpResponse:
    """`/uu-dai/<pk>/in/`: the same facts on one printable page, without the site's navigation."""
    return render(request, "agreements/catalogue/offer_print.html", _offer_page_context(request, pk))


# --- Members' reports -------------------------------------------------------------------------


@login_required
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A member reports that an outlet refused the discount, showed no sign, or something else."""
    context = _offer_page_context(request, pk)
    if not request.user.is_member:
        raise PermissionDenied(_("Chỉ đoàn viên có thẻ đoàn viên mới gửi được phản ánh."))
    offer = context["offer"]
    form = OutletComplaintForm(request.POST or None, offer=offer, has_outlets=bool(context["outlets"]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_create(
                offer=offer,
                outlet=data["outlet"],
                kind=data["kind"],
                message=data["message"],
                happened_on=data["happened_on"],
                reporter=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã gửi phản ánh. Cán bộ công đoàn của đơn vị ký thỏa thuận sẽ xử lý và trả lời bạn tại đây."),
            )
            return redirect("agreements:complaint-mine")
    return render(request, "agreements/catalogue/complaint_form.html", {**context, "form": form})


@login_required
def complaint_mine(request: HttpRequest) -> HttpResponse:
    """`/phan-anh-cua-toi/`: the signed-in member's own reports and the officers' answers."""
    complaints = OutletComplaint.objects.by(request.user).select_related(
        "offer__agreement__partner", "outlet__province"
    )
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "agreements/catalogue/complaint_mine.html", {"page_obj": page, "query_string": ""})


# --- Union institutions -----------------------------------------------------------------------


def institution_list(request: HttpRequest) -> HttpResponse:
    """`/thiet-che-cong-doan/`: union hotels, kindergartens, cultural houses, … that are open."""
    visitor = visitor_of(request)
    provinces = province_options(visitor)
    province = chosen_province(request, provinces, visitor)
    text = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    kind = request.GET.get("loai", "")
    kind = kind if kind in InstitutionKind.values else ""

    institutions = Institution.objects.filter(is_active=True)
    if province is not None:
        institutions = institutions.filter(province=province)
    if kind:
        institutions = institutions.filter(kind=kind)
    if text:
        institutions = institutions.search(text)
    institutions = institutions.select_related("province", "ward", "unit").order_by("province__name", "name", "pk")
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("trang"))
    context = {
        "page_obj": page,
        "provinces": provinces,
        "province": province,
        "kinds": InstitutionKind.choices,
        "filters": {"q": text, "kind": kind},
        "query_string": _query_string(request),
    }
    return _partial_or_page(
        request,
        "agreements/catalogue/institution_list.html",
        "agreements/catalogue/_institution_results.html",
        context,
    )


def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(
        Institution.objects.filter(is_active=True).select_related("province", "ward", "unit"), pk=pk
    )
    return render(request, "agreements/catalogue/institution_detail.html", {"institution": institution})
