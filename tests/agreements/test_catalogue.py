"""The members' catalogue: public offers that reach the visitor, searched, filtered and sorted.

Actors: an anonymous visitor, a member of company A (An Giang), a member of a sector union
(no province). Offers are named so that a person reading the page would tell them apart.
"""

import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementDocument
from organizations.choices import UnitKindCode
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    OfferFactory,
    OutletFactory,
    PartnerFactory,
    UnitFactory,
    UserFactory,
    province,
    unit_kind,
)

HANOI, HUNG_YEN, BAC_NINH, HAI_PHONG, AN_GIANG = 1, 33, 24, 31, 91
LIST = reverse("agreements:offer-list")
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def titles(response) -> list[str]:
    """Offer titles in the order the visitor sees them."""
    return [offer.title for offer in response.context["page_obj"].object_list]


def offer(unit, title, *, scope="subtree", provinces=(), **fields):
    agreement = AgreementFactory(partner=PartnerFactory(unit=unit), scope=scope)
    if provinces:
        agreement.provinces.set([province(code) for code in provinces])
    return OfferFactory(agreement=agreement, title=title, **fields)


@pytest.fixture
def hotel(tree):
    return offer(tree.an_giang, "Khách sạn Công đoàn Long Xuyên", category="travel", discount_percent=20)


@pytest.fixture
def supermarket(tree):
    return offer(tree.tld, "Siêu thị Co.op giảm giá", scope="nationwide", category="consumer_goods")


# --- Search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["khach san", "khách sạn", "KHÁCH SẠN", unicodedata.normalize("NFD", "khách sạn"), "  Khach   SAN  "],
)
def test_every_spelling_of_khach_san_finds_the_hotel_and_only_it(client, hotel, supermarket, typed):
    response = client.get(LIST, {"q": typed, "tinh": ""})

    assert titles(response) == ["Khách sạn Công đoàn Long Xuyên"]


def test_old_and_new_tone_mark_placement_find_each_other(client, tree):
    offer(tree.tld, "Nhà văn hóa Hòa Bình", scope="nationwide")  # new style: hòa
    offer(tree.tld, "Du lịch Thanh Hoà", scope="nationwide")  # old style: hoà

    assert sorted(titles(client.get(LIST, {"q": "hoà", "tinh": ""}))) == ["Du lịch Thanh Hoà", "Nhà văn hóa Hòa Bình"]
    assert sorted(titles(client.get(LIST, {"q": "hòa", "tinh": ""}))) == ["Du lịch Thanh Hoà", "Nhà văn hóa Hòa Bình"]


def test_the_synonym_ks_finds_khach_san(client, hotel, supermarket):
    assert titles(client.get(LIST, {"q": "ks long xuyen", "tinh": ""})) == ["Khách sạn Công đoàn Long Xuyên"]


def test_the_partner_name_is_searched_too(client, tree):
    agreement = AgreementFactory(partner=PartnerFactory(unit=tree.tld, name="Tập đoàn Viễn thông Quân đội"), scope="nationwide")
    OfferFactory(agreement=agreement, title="Gói cước cho đoàn viên")

    assert titles(client.get(LIST, {"q": "vien thong", "tinh": ""})) == ["Gói cước cho đoàn viên"]


# --- Scope and province ----------------------------------------------------------------------------


@pytest.fixture
def scoped(tree):
    """One offer per kind of scope."""
    sector = UnitFactory(parent=tree.tld, code="CDN-GT", name="Công đoàn Giao thông Vận tải Việt Nam",
                         kind=unit_kind(UnitKindCode.CENTRAL_SECTOR))
    return {
        "nationwide": offer(tree.tld, "Ưu đãi toàn quốc", scope="nationwide"),
        "rice": offer(tree.tld, "Gạo Vina Food 1 cho bếp ăn tập thể", scope="provinces",
                      provinces=[HANOI, HUNG_YEN, BAC_NINH, HAI_PHONG]),
        "an_giang": offer(tree.an_giang, "Ưu đãi của LĐLĐ An Giang"),
        "ha_noi": offer(tree.ha_noi, "Ưu đãi của LĐLĐ Hà Nội"),
        "sector": offer(sector, "Ưu đãi ngành Giao thông"),
        "sector_unit": sector,
    }


def test_an_anonymous_visitor_sees_every_scope_but_sector_subtrees(client, scoped):
    assert sorted(titles(client.get(LIST))) == sorted([
        "Ưu đãi toàn quốc", "Gạo Vina Food 1 cho bếp ăn tập thể", "Ưu đãi của LĐLĐ An Giang", "Ưu đãi của LĐLĐ Hà Nội",
    ])


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (HANOI, ["Gạo Vina Food 1 cho bếp ăn tập thể", "Ưu đãi của LĐLĐ Hà Nội", "Ưu đãi toàn quốc"]),
        (HUNG_YEN, ["Gạo Vina Food 1 cho bếp ăn tập thể", "Ưu đãi toàn quốc"]),
        (HAI_PHONG, ["Gạo Vina Food 1 cho bếp ăn tập thể", "Ưu đãi toàn quốc"]),
        (AN_GIANG, ["Ưu đãi của LĐLĐ An Giang", "Ưu đãi toàn quốc"]),
    ],
)
def test_a_province_lists_the_offers_whose_scope_covers_it(client, scoped, code, expected):
    assert sorted(titles(client.get(LIST, {"tinh": code}))) == expected


def test_a_member_sees_their_own_province_preselected_and_first(client, tree, scoped):
    member = UserFactory(member_card_number="079000000001", member_unit=tree.company_a)
    client.force_login(member)

    response = client.get(LIST)

    assert sorted(titles(response)) == ["Ưu đãi của LĐLĐ An Giang", "Ưu đãi toàn quốc"]
    page = response.content.decode()
    assert '<option value="91" selected>An Giang</option>' in page
    assert page.index('<option value="91"') < page.index(f'<option value="{HANOI}"')


def test_a_member_of_a_sector_union_sees_its_subtree_offers(client, tree, scoped):
    depot = UnitFactory(parent=scoped["sector_unit"], code="CDN-GT-01", name="Công đoàn Công ty Xe khách", province=None)
    member = UserFactory(member_card_number="079000000002", member_unit=depot)
    client.force_login(member)

    assert "Ưu đãi ngành Giao thông" in titles(client.get(LIST))
    assert "Ưu đãi ngành Giao thông" in titles(client.get(LIST, {"tinh": HANOI}))


def test_nobody_outside_the_sector_sees_its_subtree_offers(client, tree, scoped, actors):
    for who in (None, actors.member, actors.officer_b):
        client.logout()
        if who:
            client.force_login(who)
        for params in ({}, {"tinh": ""}, {"tinh": HANOI}, {"tinh": AN_GIANG}):
            assert "Ưu đãi ngành Giao thông" not in titles(client.get(LIST, params)), (who, params)


def test_a_member_may_still_choose_every_province(client, tree, scoped, actors):
    client.force_login(actors.member)

    shown = titles(client.get(LIST, {"tinh": ""}))

    assert "Ưu đãi của LĐLĐ Hà Nội" in shown and "Ưu đãi của LĐLĐ An Giang" in shown


def test_category_and_partner_filters(client, tree, hotel, supermarket):
    assert titles(client.get(LIST, {"nhom": "travel", "tinh": ""})) == ["Khách sạn Công đoàn Long Xuyên"]
    partner = supermarket.agreement.partner
    response = client.get(LIST, {"doi_tac": partner.pk, "tinh": ""})
    assert titles(response) == ["Siêu thị Co.op giảm giá"]
    assert f'<option value="{partner.pk}" selected>{partner.name}</option>' in response.content.decode()


# --- In force ---------------------------------------------------------------------------------


def test_an_expired_offer_is_listed_on_its_last_day_and_gone_the_next(client, tree):
    last_day = date(2026, 6, 30)
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=VN), tick=False):
        agreement = AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide",
                                     valid_until=date(2026, 12, 31))
        OfferFactory(agreement=agreement, title="Ưu đãi mùa hè", valid_until=last_day)
        OfferFactory(agreement=AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide",
                                                valid_until=last_day), title="Thỏa thuận hết hạn cùng ngày")

    with time_machine.travel(datetime(2026, 6, 30, 23, 50, tzinfo=VN), tick=False):
        assert sorted(titles(client.get(LIST))) == ["Thỏa thuận hết hạn cùng ngày", "Ưu đãi mùa hè"]
    with time_machine.travel(datetime(2026, 7, 1, 0, 10, tzinfo=VN), tick=False):
        assert titles(client.get(LIST)) == []
        assert titles(client.get(LIST, {"hieu_luc": "0"})) == []  # not even among the upcoming ones


def test_draft_and_terminated_agreements_are_never_listed_nor_shown(client, tree):
    today = timezone.localdate()
    draft = offer(tree.tld, "Ưu đãi dự thảo", scope="nationwide")
    draft.agreement.is_draft = True
    draft.agreement.save()
    ended = offer(tree.tld, "Ưu đãi đã chấm dứt", scope="nationwide")
    ended.agreement.terminated_on = today
    ended.agreement.save()

    for params in ({}, {"hieu_luc": "0"}, {"q": "uu dai"}):
        assert titles(client.get(LIST, params)) == []
    assert client.get(reverse("agreements:offer-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("agreements:offer-detail", args=[ended.pk])).status_code == 404


def test_upcoming_offers_show_only_when_in_force_is_unticked(client, tree):
    soon = offer(tree.tld, "Ưu đãi Tết", scope="nationwide", valid_from=timezone.localdate() + timedelta(days=10))

    assert titles(client.get(LIST)) == []
    assert titles(client.get(LIST, {"hieu_luc": "0"})) == ["Ưu đãi Tết"]
    assert titles(client.get(LIST, {"hieu_luc": ["0", "1"]})) == []
    detail = client.get(reverse("agreements:offer-detail", args=[soon.pk])).content.decode()
    assert "bắt đầu áp dụng từ ngày" in detail


# --- Sorting and pages --------------------------------------------------------------------------


def test_sorts_newest_highest_discount_and_ending_soon(client, tree):
    today = timezone.localdate()
    a = offer(tree.tld, "A giảm 5%", scope="nationwide", discount_percent=5, valid_until=today + timedelta(days=3))
    b = offer(tree.tld, "B giảm 30%", scope="nationwide", discount_percent=30)
    b.agreement.valid_until = today + timedelta(days=100)
    b.agreement.save()
    offer(tree.tld, "C giảm 15%", scope="nationwide", discount_percent=15, valid_until=today + timedelta(days=50))
    assert a.pk < b.pk

    assert titles(client.get(LIST, {"sap_xep": "moi-nhat"})) == ["C giảm 15%", "B giảm 30%", "A giảm 5%"]
    assert titles(client.get(LIST, {"sap_xep": "giam-nhieu"})) == ["B giảm 30%", "C giảm 15%", "A giảm 5%"]
    assert titles(client.get(LIST, {"sap_xep": "sap-het-han"})) == ["A giảm 5%", "C giảm 15%", "B giảm 30%"]


def test_twenty_offers_a_page(client, tree):
    agreement = AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide")
    OfferFactory.create_batch(45, agreement=agreement)

    assert len(titles(client.get(LIST))) == 20
    last = client.get(LIST, {"trang": 3})
    assert len(titles(last)) == 5
    assert "Trang 3/3" in last.content.decode()


@pytest.mark.parametrize(
    ("asked", "shown"), [("9", 3), ("9" * 30, 3), ("0", 3), ("-1", 3), ("hai", 1), ("2.5", 1), ("", 1)]
)
def test_a_page_past_the_end_shows_the_last_and_a_wrong_number_the_first(client, tree, asked, shown):
    agreement = AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide")
    OfferFactory.create_batch(45, agreement=agreement)

    page = client.get(LIST, {"trang": asked}).context["page_obj"]

    assert (page.number, page.paginator.count, len(page.object_list)) == (shown, 45, 20 if shown < 3 else 5)


def test_nothing_found_is_one_empty_page(client, hotel):
    response = client.get(LIST, {"q": "khong co gi", "tinh": "", "trang": 2})

    assert titles(response) == [] and response.context["page_obj"].number == 1
    assert "Chưa tìm thấy ưu đãi nào phù hợp." in response.content.decode()


def test_the_partner_filter_is_read_once_per_scope_and_may_lag_a_few_minutes(
    client, tree, hotel, supermarket, catalogue_cache
):
    def partner_names(response):
        return sorted(name for _, name in response.context["partners"])

    with CaptureQueriesContext(connection) as first:
        response = client.get(LIST, {"tinh": ""})
    assert partner_names(response) == sorted([hotel.agreement.partner.name, supermarket.agreement.partner.name])
    newcomer = offer(tree.tld, "Ưu đãi mới", scope="nationwide").agreement.partner

    # Within those minutes a new offer is listed at once, and its partner joins the filter later…
    with CaptureQueriesContext(connection) as again:
        response = client.get(LIST, {"tinh": ""})
    assert "Ưu đãi mới" in titles(response) and newcomer.name not in partner_names(response)
    assert len(again) == len(first) - 1
    # …except in a scope nobody looked at in the meantime.
    hanoi = partner_names(client.get(LIST, {"tinh": HANOI}))
    assert hanoi == sorted([newcomer.name, supermarket.agreement.partner.name])
    catalogue_cache.clear()  # the minutes have passed
    assert newcomer.name in partner_names(client.get(LIST, {"tinh": ""}))


def test_the_list_makes_a_bounded_number_of_queries(client, tree, actors, catalogue_cache):
    def add(n):
        for i in range(n):
            unit = (tree.tld, tree.an_giang, tree.company_a)[i % 3]
            offer(unit, f"Khách sạn số {i}", scope=("nationwide", "subtree")[i % 2])

    def queries_per_visitor():
        counts = []
        for who in (None, actors.member):
            client.logout()
            if who:
                client.force_login(who)
            catalogue_cache.clear()  # the partner filter read too: the most a page costs
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST, {"q": "khach san", "sap_xep": "sap-het-han"})
            counts.append(len(queries))
        return counts, response

    add(3)
    few, _ = queries_per_visitor()
    add(40)
    many, response = queries_per_visitor()

    assert len(titles(response)) == 20
    assert many == few
    # 10 for a member on PostgreSQL: `covering()` resolves the reaching agreements in a query of its own.
    assert max(many) <= 10


def test_typing_in_the_search_box_returns_only_the_results(client, hotel, supermarket):
    response = client.get(LIST, {"q": "khach san", "tinh": ""}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert "<html" not in page and "Khách sạn Công đoàn Long Xuyên" in page and "Siêu thị" not in page
    assert 'id="partner-filter" hx-swap-oob="true"' in page
    assert "HX-Request" in response["Vary"]
    restore = client.get(LIST, {"q": "khach san"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


# --- The offer page -------------------------------------------------------------------------------


@pytest.fixture
def hotel_with_outlets(tree, hotel):
    partner = hotel.agreement.partner
    OutletFactory(partner=partner, name="Chi nhánh Hà Nội", province=province(HANOI), phone="02439999999")
    OutletFactory(partner=partner, name="Khách sạn Long Xuyên", province=province(AN_GIANG), displays_sign=False)
    OutletFactory(partner=PartnerFactory(unit=tree.an_giang), name="Cửa hàng của đối tác khác")
    return hotel


def outlet_names(response) -> list[str]:
    return [o.name for o in response.context["outlets"]]


def test_the_offer_page_lists_the_outlets_of_the_chosen_province_first(client, hotel_with_outlets):
    url = reverse("agreements:offer-detail", args=[hotel_with_outlets.pk])

    assert outlet_names(client.get(url, {"tinh": AN_GIANG})) == ["Khách sạn Long Xuyên", "Chi nhánh Hà Nội"]
    assert outlet_names(client.get(url, {"tinh": HANOI})) == ["Chi nhánh Hà Nội", "Khách sạn Long Xuyên"]


def test_the_offer_page_defaults_to_the_members_province(client, actors, hotel_with_outlets):
    client.force_login(actors.member)
    response = client.get(reverse("agreements:offer-detail", args=[hotel_with_outlets.pk]))

    assert outlet_names(response) == ["Khách sạn Long Xuyên", "Chi nhánh Hà Nội"]


def test_the_offer_page_shows_partner_discount_validity_and_agreement_but_no_scans(client, hotel_with_outlets):
    agreement = hotel_with_outlets.agreement
    AgreementDocument.objects.create(agreement=agreement, file="agreements/0123abcd", original_name="ban-ky-scan.pdf",
                                     content_type="application/pdf", size=100)

    page = client.get(reverse("agreements:offer-detail", args=[hotel_with_outlets.pk])).content.decode()

    assert agreement.partner.name in page and agreement.partner.contact_phone in page
    assert "-20%" in page
    assert agreement.number in page and agreement.unit.name in page
    assert agreement.valid_from.strftime("%d/%m/%Y") in page
    assert "Có biển niêm yết ưu đãi" in page and "Chưa có biển niêm yết" in page
    assert "Cửa hàng của đối tác khác" not in page
    assert "ban-ky-scan.pdf" not in page and "0123abcd" not in page


def test_the_printable_view_has_the_facts_and_no_navigation(client, hotel_with_outlets):
    page = client.get(reverse("agreements:offer-print", args=[hotel_with_outlets.pk]), {"tinh": AN_GIANG}).content.decode()

    assert "Khách sạn Công đoàn Long Xuyên" in page and "Khách sạn Long Xuyên" in page
    assert "<nav" not in page and "@media print" not in page  # print rules come from the stylesheet
    assert "css/catalogue.css" in page


def test_an_expired_offer_page_is_not_found(client, tree):
    old = offer(tree.tld, "Ưu đãi cũ", scope="nationwide", valid_until=timezone.localdate() - timedelta(days=1))

    assert client.get(reverse("agreements:offer-detail", args=[old.pk])).status_code == 404
    assert client.get(reverse("agreements:offer-print", args=[old.pk])).status_code == 404


# --- Institutions ----------------------------------------------------------------------------------

INSTITUTIONS = reverse("agreements:institution-list")


def institution_names(response) -> list[str]:
    return [i.name for i in response.context["page_obj"].object_list]


def test_institutions_are_searched_without_diacritics_and_filtered(client, tree):
    InstitutionFactory(unit=tree.an_giang, name="Khách sạn Công đoàn An Giang", kind="union_hotel")
    InstitutionFactory(unit=tree.an_giang, name="Nhà văn hóa Lao động An Giang", kind="cultural_house")
    InstitutionFactory(unit=tree.ha_noi, name="Khách sạn Công đoàn Hà Nội", kind="union_hotel", province=province(HANOI))
    InstitutionFactory(unit=tree.an_giang, name="Khách sạn đã đóng cửa", is_active=False)

    assert institution_names(client.get(INSTITUTIONS, {"q": "KHACH SAN", "tinh": AN_GIANG})) == [
        "Khách sạn Công đoàn An Giang"
    ]
    assert sorted(institution_names(client.get(INSTITUTIONS, {"q": "ks"}))) == [
        "Khách sạn Công đoàn An Giang", "Khách sạn Công đoàn Hà Nội",
    ]
    assert institution_names(client.get(INSTITUTIONS, {"loai": "cultural_house"})) == ["Nhà văn hóa Lao động An Giang"]
    assert institution_names(client.get(INSTITUTIONS, {"q": "van hoa", "tinh": HANOI})) == []


def test_an_inactive_institution_is_not_shown(client, tree):
    closed = InstitutionFactory(unit=tree.an_giang, is_active=False)
    open_ = InstitutionFactory(unit=tree.an_giang, member_prices="Giảm 30% giá phòng")

    assert client.get(reverse("agreements:institution-detail", args=[closed.pk])).status_code == 404
    page = client.get(reverse("agreements:institution-detail", args=[open_.pk])).content.decode()
    assert "Giảm 30% giá phòng" in page and open_.unit.name in page


def test_institutions_typing_returns_only_the_results(client, tree):
    InstitutionFactory(unit=tree.an_giang, name="Khách sạn Công đoàn An Giang")

    page = client.get(INSTITUTIONS, {"q": "khach"}, headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in page and "Khách sạn Công đoàn An Giang" in page
