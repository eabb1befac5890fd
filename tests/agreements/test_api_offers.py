"""/api/v1/offers/: the public catalogue through the API — what is listed, filters, reach, writes."""

import unicodedata
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agreements.models import Offer
from tests.factories import AgreementFactory, OfferFactory, OutletFactory, PartnerFactory, province

TODAY = timezone.localdate


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def titles(response):
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def offer(unit, title, *, scope="subtree", provinces=None, agreement=None, **fields):
    agreement = agreement or AgreementFactory(partner=PartnerFactory(unit=unit), scope=scope, provinces=provinces)
    return OfferFactory(agreement=agreement, title=title, **fields)


@pytest.fixture
def catalogue(tree):
    """Offers of TLĐ (nationwide), An Giang (its subtree), Hà Nội, a rice pilot in listed provinces."""
    return {
        "nationwide": offer(tree.tld, "Giảm 5% cước điện thoại di động", scope="nationwide", category="telecom"),
        "hotel": offer(
            tree.an_giang, "Giảm 30% giá phòng Khách sạn Công đoàn An Giang", category="travel", discount_percent=30
        ),
        "pharmacy": offer(tree.an_giang, "Giảm 8% thuốc và thiết bị y tế", category="health", discount_percent=8),
        "ha_noi": offer(tree.ha_noi, "Giảm 15% vé tham quan Hồ Gươm", category="leisure", discount_percent=15),
        "rice": offer(
            tree.tld, "Gạo cho bếp ăn tập thể giá ưu đãi", scope="provinces", provinces=[province(1), province(33)],
            category="food", for_kitchens=True,
        ),
    }


def test_anonymous_lists_offers_in_force_only(tree, catalogue):
    yesterday, tomorrow = TODAY() - timedelta(days=1), TODAY() + timedelta(days=1)
    offer(tree.an_giang, "Thỏa thuận đã hết hạn", agreement=AgreementFactory(
        partner=PartnerFactory(unit=tree.an_giang), valid_from=TODAY() - timedelta(days=400), valid_until=yesterday,
    ))
    offer(tree.an_giang, "Thỏa thuận dự thảo", agreement=AgreementFactory(partner=PartnerFactory(unit=tree.an_giang), is_draft=True))
    offer(tree.an_giang, "Ưu đãi kết thúc hôm qua", valid_until=yesterday)
    offer(tree.an_giang, "Ưu đãi bắt đầu ngày mai", valid_from=tomorrow)
    offer(tree.an_giang, "Ưu đãi kết thúc hôm nay", valid_until=TODAY())

    listed = titles(api().get(reverse("offer-list")))

    assert listed == {o.title for o in catalogue.values()} | {"Ưu đãi kết thúc hôm nay"}


def test_an_offer_in_force_opens_for_anyone_and_an_expired_one_does_not(tree, catalogue):
    expired = offer(tree.an_giang, "Ưu đãi cũ", valid_until=TODAY() - timedelta(days=1))

    row = api().get(reverse("offer-detail", args=[catalogue["hotel"].pk])).json()

    assert row["partner_name"] == catalogue["hotel"].agreement.partner.name
    assert row["discount_label"] == "-30%" and row["in_force"] is True
    assert row["unit_name"] == "Liên đoàn Lao động tỉnh An Giang"
    assert api().get(reverse("offer-detail", args=[expired.pk])).status_code == 404


@pytest.mark.parametrize("text", ["khach san", "khách sạn", "KHÁCH SẠN", "Khach  San an giang"])
def test_search_ignores_marks_case_and_spacing(tree, catalogue, text):
    assert titles(api().get(reverse("offer-list"), {"search": text})) == {catalogue["hotel"].title}


def test_search_accepts_decomposed_unicode_and_old_tone_placement(tree, catalogue):
    offer(tree.an_giang, "Nhà hàng Hòa Bình giảm 10%")
    nfd = unicodedata.normalize("NFD", "khách sạn")

    assert titles(api().get(reverse("offer-list"), {"search": nfd})) == {catalogue["hotel"].title}
    assert titles(api().get(reverse("offer-list"), {"search": "hoà bình"})) == {"Nhà hàng Hòa Bình giảm 10%"}


def test_a_synonym_stands_for_its_expansion(tree, catalogue):
    # Migration 0002 loads "ks" → "khách sạn".
    assert catalogue["hotel"].title in titles(api().get(reverse("offer-list"), {"search": "ks an giang"}))


def test_province_keeps_the_offers_whose_agreement_reaches_it(tree, catalogue):
    in_an_giang = titles(api().get(reverse("offer-list"), {"province": 91}))
    in_ha_noi = titles(api().get(reverse("offer-list"), {"province": 1}))
    in_hung_yen = titles(api().get(reverse("offer-list"), {"province": 33}))

    c = {k: o.title for k, o in catalogue.items()}
    assert in_an_giang == {c["nationwide"], c["hotel"], c["pharmacy"]}
    assert in_ha_noi == {c["nationwide"], c["ha_noi"], c["rice"]}
    assert in_hung_yen == {c["nationwide"], c["rice"]}


def test_an_unknown_province_is_refused_in_vietnamese(tree):
    response = api().get(reverse("offer-list"), {"province": 99})

    assert response.status_code == 400
    assert "province" in response.json()


def test_text_province_and_category_together(tree, catalogue):
    response = api().get(reverse("offer-list"), {"search": "giam", "province": 91, "category": "health"})

    assert titles(response) == {catalogue["pharmacy"].title}


def test_partner_and_kitchen_filters(tree, catalogue):
    partner = catalogue["ha_noi"].agreement.partner_id

    assert titles(api().get(reverse("offer-list"), {"partner": partner})) == {catalogue["ha_noi"].title}
    assert titles(api().get(reverse("offer-list"), {"for_kitchens": "true"})) == {catalogue["rice"].title}


def test_ordering_by_discount(tree, catalogue):
    rows = api().get(reverse("offer-list"), {"province": 91, "ordering": "discount"}).json()["results"]

    assert [r["title"] for r in rows][:2] == [catalogue["hotel"].title, catalogue["nationwide"].title]


def test_a_member_sees_by_default_what_reaches_their_union(actors, tree, catalogue):
    own = titles(api(actors.member).get(reverse("offer-list")))
    elsewhere = titles(api(actors.member).get(reverse("offer-list"), {"province": 1}))

    c = {k: o.title for k, o in catalogue.items()}
    assert own == {c["nationwide"], c["hotel"], c["pharmacy"]}
    # Browsing Hà Nội adds what reaches Hà Nội; the member's own union's offers stay.
    assert elsewhere == own | {c["ha_noi"], c["rice"]}


def test_the_public_never_sees_offers_that_are_not_in_force(actors, tree, catalogue):
    offer(tree.company_a, "Dự thảo của công ty A", agreement=AgreementFactory(
        partner=PartnerFactory(unit=tree.company_a), is_draft=True,
    ))

    assert titles(api().get(reverse("offer-list"), {"active": "false"})) == set()
    assert titles(api(actors.member).get(reverse("offer-list"), {"active": "false"})) == set()
    assert "Dự thảo của công ty A" not in titles(api(actors.officer_b).get(reverse("offer-list")))


def test_an_officer_also_sees_their_own_units_unpublished_offers(actors, tree, catalogue):
    draft = offer(tree.company_a, "Dự thảo của công ty A", agreement=AgreementFactory(
        partner=PartnerFactory(unit=tree.company_a), is_draft=True,
    ))

    everything = titles(api(actors.officer_a).get(reverse("offer-list")))
    not_in_force = titles(api(actors.officer_a).get(reverse("offer-list"), {"active": "false"}))
    in_force = titles(api(actors.officer_a).get(reverse("offer-list"), {"active": "true"}))

    assert everything == {o.title for o in catalogue.values()} | {draft.title}
    assert not_in_force == {draft.title}
    assert draft.title not in in_force
    assert api(actors.officer_a).get(reverse("offer-detail", args=[draft.pk])).status_code == 200
    assert api(actors.officer_b).get(reverse("offer-detail", args=[draft.pk])).status_code == 404


def test_the_list_makes_the_same_few_queries_whatever_the_page_holds(tree, django_assert_max_num_queries):
    def page_queries(count):
        for n in range(count):
            offer(tree.an_giang, f"Khách sạn số {n}", scope="provinces", provinces=[province(91), province(1)])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = api().get(reverse("offer-list"), {"search": "khach san", "province": 91, "page_size": 100})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    few, few_count = page_queries(3)
    many, many_count = page_queries(40)

    assert (few_count, many_count) == (3, 43)
    assert many == few
    # Province, synonyms, the page with its total, the provinces of the page's agreements; on
    # PostgreSQL also the agreements that reach the province (see OfferQuerySet.covering).
    assert many <= 5


def test_outlets_of_an_offer_list_the_chosen_province_first(tree, catalogue):
    partner = catalogue["nationwide"].agreement.partner
    OutletFactory(partner=partner, name="Cửa hàng Hà Nội", province=province(1))
    OutletFactory(partner=partner, name="Cửa hàng Long Xuyên", province=province(91))
    OutletFactory(partner=PartnerFactory(unit=tree.tld), name="Cửa hàng của đối tác khác", province=province(91))
    url = reverse("offer-outlets", args=[catalogue["nationwide"].pk])

    by_default = [r["name"] for r in api().get(url).json()["results"]]
    ha_noi_first = [r["name"] for r in api().get(url, {"province": 1}).json()["results"]]

    assert by_default == ["Cửa hàng Long Xuyên", "Cửa hàng Hà Nội"]  # An Giang sorts before Hà Nội by name
    assert ha_noi_first == ["Cửa hàng Hà Nội", "Cửa hàng Long Xuyên"]
    assert api().get(url, {"province": "xyz"}).status_code == 400


# --- writes ---------------------------------------------------------------------------------------


def offer_payload(agreement, **changes):
    return {
        "agreement": agreement.pk, "title": "Giảm 12% cho đoàn viên", "category": "consumer_goods",
        "discount_kind": "percent", "discount_percent": "12", "conditions": "Xuất trình thẻ đoàn viên.",
        **changes,
    }


def test_an_officer_adds_an_offer_to_their_own_units_agreement(actors, tree):
    agreement = AgreementFactory(partner=PartnerFactory(unit=tree.company_a, name="Siêu thị Hòa Bình"))

    response = api(actors.officer_a).post(reverse("offer-list"), offer_payload(agreement), format="json")

    assert response.status_code == 201, response.content
    created = Offer.objects.get(pk=response.json()["id"])
    assert created.search_key.startswith("giam 12% cho doan vien sieu thi hoa binh")
    assert titles(api().get(reverse("offer-list"), {"search": "sieu thi hoa binh"})) == {"Giảm 12% cho đoàn viên"}


def test_an_officer_cannot_attach_an_offer_to_an_agreement_they_do_not_sign(actors, tree):
    tld_agreement = AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide")
    other_unit = AgreementFactory(partner=PartnerFactory(unit=tree.company_b))

    for agreement in (tld_agreement, other_unit):
        response = api(actors.officer_a).post(reverse("offer-list"), offer_payload(agreement), format="json")
        assert response.status_code == 400
        assert "không do đơn vị của bạn ký" in response.json()["agreement"][0]


def test_offer_validation_speaks_vietnamese_next_to_the_field(actors, tree):
    agreement = AgreementFactory(partner=PartnerFactory(unit=tree.company_a))
    client = api(actors.officer_a)

    def errors(**changes):
        response = client.post(reverse("offer-list"), offer_payload(agreement, **changes), format="json")
        assert response.status_code == 400
        return response.json()

    assert errors(discount_percent="120") == {"discount_percent": ["Mức giảm phải từ 0 đến 100%."]}
    assert errors(discount_percent="mười") == {"discount_percent": ["Phải là một số."]}
    assert errors(discount_kind="amount") == {"discount_amount": ["Nhập số tiền giảm."]}
    assert errors(valid_from="2026-05-01", valid_until="2026-04-01") == {
        "valid_until": ["Ngày kết thúc phải sau ngày bắt đầu áp dụng."]
    }
    assert errors(title="") == {"title": ["Trường này không được để trống."]}


def test_writes_follow_the_scope_404_outside_403_read_only(actors, tree, catalogue):
    own = offer(tree.company_a, "Ưu đãi của công ty A")
    hidden = offer(tree.company_b, "Dự thảo của công ty B", agreement=AgreementFactory(
        partner=PartnerFactory(unit=tree.company_b), is_draft=True,
    ))
    change = {"title": "Đổi tên"}

    assert api(actors.officer_a).patch(reverse("offer-detail", args=[own.pk]), change).status_code == 200
    # Public but signed by another unit: visible, not theirs to change.
    assert api(actors.officer_a).patch(reverse("offer-detail", args=[catalogue["ha_noi"].pk]), change).status_code == 403
    assert api(actors.officer_a).delete(reverse("offer-detail", args=[catalogue["nationwide"].pk])).status_code == 403
    assert api(actors.officer_a).patch(reverse("offer-detail", args=[hidden.pk]), change).status_code == 404
    assert api().patch(reverse("offer-detail", args=[own.pk]), change).status_code == 401
    assert api(actors.member).patch(reverse("offer-detail", args=[own.pk]), change).status_code == 403
    assert api(actors.member).post(reverse("offer-list"), offer_payload(own.agreement)).status_code == 403
    assert api(actors.officer_a).delete(reverse("offer-detail", args=[own.pk])).status_code == 204


def test_a_sector_unions_own_offers_reach_only_its_members(tree, actors):
    from organizations.choices import Role
    from tests.factories import UnitFactory, UserFactory, user_with_role

    bank_union = UnitFactory(parent=tree.tld, code="CDN-NH", name="Công đoàn Ngân hàng Việt Nam")
    branch = UnitFactory(parent=bank_union, code="CDN-NH-01", name="Công đoàn Chi nhánh An Giang", province=province(91))
    bank_member = UserFactory(member_unit=branch, member_card_number="0911")
    offer(bank_union, "Vay mua nhà lãi suất ưu đãi cho cán bộ ngân hàng", category="banking")

    assert "Vay mua nhà lãi suất ưu đãi cho cán bộ ngân hàng" not in titles(api().get(reverse("offer-list")))
    assert "Vay mua nhà lãi suất ưu đãi cho cán bộ ngân hàng" not in titles(api(actors.member).get(reverse("offer-list")))
    assert "Vay mua nhà lãi suất ưu đãi cho cán bộ ngân hàng" in titles(api(bank_member).get(reverse("offer-list")))
    bank_officer = user_with_role(bank_union, Role.OFFICER)
    assert "Vay mua nhà lãi suất ưu đãi cho cán bộ ngân hàng" in titles(api(bank_officer).get(reverse("offer-list")))


def test_a_searched_list_pages_like_any_other(tree):
    for n in range(25):
        offer(tree.an_giang, f"Khách sạn Công đoàn số {n:02d}")
    offer(tree.an_giang, "Siêu thị giảm giá")

    first = api().get(reverse("offer-list"), {"search": "khach san"}).json()
    second = api().get(reverse("offer-list"), {"search": "khach san", "page": 2}).json()
    everything = api().get(reverse("offer-list"), {"search": "khach san", "page_size": 100}).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (25, 20, None)
    assert "page=2" in first["next"]
    assert (second["count"], len(second["results"]), second["next"]) == (25, 5, None)
    assert {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]} == {
        r["id"] for r in everything["results"]
    }
    assert api().get(reverse("offer-list"), {"search": "khach san", "page": 3}).status_code == 404
    assert api().get(reverse("offer-list"), {"search": "khach san", "page": "x"}).status_code == 404
    assert api().get(reverse("offer-list"), {"search": "khong co gi"}).json() == {
        "count": 0, "next": None, "previous": None, "results": [],
    }
