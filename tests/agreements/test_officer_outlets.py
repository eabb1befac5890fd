"""Outlets: recording them, inspecting them (seed 003 §5) and printing their discount notice (§4)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Outlet, OutletInspection
from agreements.services import outlet_inspection_record
from organizations.models import Ward
from tests.factories import AgreementFactory, OfferFactory, OutletFactory, PartnerFactory, province, user_with_role


@pytest.fixture
def officer(client, actors):
    client.force_login(actors.officer_a)
    return client


@pytest.fixture
def partner_a(tree):
    return PartnerFactory(unit=tree.company_a, name="Siêu thị Sài Gòn Co.op")


def test_an_officer_adds_an_outlet_with_its_ward(officer, partner_a):
    ward = Ward.objects.filter(province_id=91).first()
    response = officer.post(
        reverse("agreements:outlet-create"),
        {"partner": partner_a.pk, "name": "Co.op Mart Long Xuyên", "address": "1 Trần Hưng Đạo",
         "province": 91, "ward": ward.pk, "phone": "02963123456", "latitude": "10,3759", "longitude": "105,4185"},
    )
    assert response.status_code == 302
    outlet = Outlet.objects.get()
    assert (outlet.partner, outlet.ward, str(outlet.latitude)) == (partner_a, ward, "10.375900")


def test_a_ward_of_another_province_is_refused_and_the_wards_offered_follow_the_province(officer, partner_a):
    ha_noi_ward = Ward.objects.filter(province_id=1).first()
    response = officer.post(
        reverse("agreements:outlet-create"),
        {"partner": partner_a.pk, "name": "Cửa hàng", "address": "2 Lê Lợi", "province": 91, "ward": ha_noi_ward.pk},
    )
    page = response.content.decode()
    assert 'data-error-for="ward">' in page and not Outlet.objects.exists()
    assert 'value="Cửa hàng"' in page

    options = officer.get(reverse("agreements:ward-options"), {"province": 1}).content.decode()
    assert ha_noi_ward.name in options
    assert Ward.objects.filter(province_id=91).first().name not in options


def test_an_officer_cannot_add_an_outlet_to_a_tld_partner(officer, tree):
    tld_partner = PartnerFactory(unit=tree.tld)
    page = officer.post(
        reverse("agreements:outlet-create"),
        {"partner": tld_partner.pk, "name": "Cửa hàng", "address": "2 Lê Lợi", "province": 91},
    ).content.decode()
    assert 'data-error-for="partner">Hãy chọn một đối tác của đơn vị trong danh sách.' in page
    assert not Outlet.objects.exists()


def test_recording_an_inspection_updates_the_outlet_and_the_list_shows_it(officer, actors, tree, partner_a):
    outlet = OutletFactory(partner=partner_a, displays_sign=True)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = officer.post(
        reverse("agreements:inspection-create", args=[outlet.pk]),
        {"inspected_on": yesterday.strftime("%d/%m/%Y"), "discount_honoured": "on", "notes": "Biển bị gỡ khi sửa cửa hàng."},
    )
    assert response.status_code == 302
    inspection = OutletInspection.objects.get()
    assert (inspection.unit, inspection.inspected_by, inspection.sign_displayed) == (tree.company_a, actors.officer_a, False)
    outlet.refresh_from_db()
    assert outlet.displays_sign is False and outlet.sign_checked_on == yesterday

    row = officer.get(reverse("agreements:outlet-list")).content.decode().split(f'data-outlet="{outlet.pk}"')[1].split("</tr>")[0]
    assert yesterday.strftime("%d/%m/%Y") in row and "không có biển" in row and "Chưa có" in row


def test_an_officer_inspects_a_tld_partners_outlet_in_their_area(officer, tree):
    outlet = OutletFactory(partner=PartnerFactory(unit=tree.tld))
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = officer.post(
        reverse("agreements:inspection-create", args=[outlet.pk]),
        {"inspected_on": today, "sign_displayed": "on", "discount_honoured": "on"},
    )
    assert response.status_code == 302
    assert OutletInspection.objects.get().unit == tree.company_a


def test_an_inspection_dated_in_the_future_is_refused(officer, partner_a):
    outlet = OutletFactory(partner=partner_a)
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    page = officer.post(reverse("agreements:inspection-create", args=[outlet.pk]), {"inspected_on": tomorrow}).content.decode()
    assert 'data-error-for="inspected_on">Ngày kiểm tra không được sau hôm nay.' in page
    assert f'value="{tomorrow}"' in page


def test_a_late_record_of_an_older_visit_does_not_overwrite_the_newer_sign_status(actors, tree, partner_a):
    outlet = OutletFactory(partner=partner_a)
    today = timezone.localdate()
    common = {"outlet": outlet, "unit": tree.company_a, "notes": "", "by": actors.officer_a, "discount_honoured": True}
    outlet_inspection_record(inspected_on=today, sign_displayed=True, **common)
    outlet_inspection_record(inspected_on=today - timedelta(days=20), sign_displayed=False, **common)
    outlet.refresh_from_db()
    assert outlet.displays_sign is True and outlet.sign_checked_on == today
    listed = Outlet.objects.with_last_inspection().get(pk=outlet.pk)
    assert listed.last_inspected_on == today and listed.last_inspection_sign is True


def test_the_outlet_list_makes_a_bounded_number_of_queries(officer, partner_a, actors, django_assert_max_num_queries):
    officer.get(reverse("agreements:outlet-list"))
    for n in range(30):
        outlet = OutletFactory(partner=partner_a, ward=Ward.objects.filter(province_id=91)[n])
        outlet_inspection_record(
            outlet=outlet, unit=partner_a.unit, inspected_on=timezone.localdate(), sign_displayed=True,
            discount_honoured=bool(n % 2), notes="", by=actors.officer_a,
        )
    with django_assert_max_num_queries(10):
        page = officer.get(reverse("agreements:outlet-list")).content.decode()
    assert page.count('data-testid="last-inspection"') == 30


def test_the_outlet_list_filters_by_partner_province_and_missing_sign(officer, partner_a):
    OutletFactory(partner=partner_a, name="Cửa hàng có biển", displays_sign=True)
    OutletFactory(partner=partner_a, name="Cửa hàng thiếu biển", displays_sign=False)
    OutletFactory(partner=partner_a, name="Cửa hàng Hà Nội", province=province(1))
    page = officer.get(reverse("agreements:outlet-list"), {"doi_tac": partner_a.pk, "tinh": 91, "khong_bien": 1}).content.decode()
    table = page.split("<table")[1]
    assert "Cửa hàng thiếu biển" in table and "Cửa hàng có biển" not in table and "Cửa hàng Hà Nội" not in table


# --- the printable notice ---------------------------------------------------------------------


@pytest.fixture
def focal_officer(tree):
    return user_with_role(tree.company_a, phone="0296 3852 111", full_name="Cán bộ đầu mối")


def test_the_notice_shows_the_partner_its_offers_here_and_a_qr_code_to_the_live_offer(officer, partner_a, focal_officer):
    outlet = OutletFactory(partner=partner_a, name="Co.op Mart Long Xuyên")
    until = timezone.localdate() + timedelta(days=60)
    offer = OfferFactory(
        agreement=AgreementFactory(partner=partner_a), title="Giảm giá hàng tiêu dùng", discount_percent=10,
        conditions="Xuất trình thẻ đoàn viên công đoàn.", valid_until=until,
    )
    OfferFactory(agreement=AgreementFactory(partner=partner_a, valid_until=timezone.localdate() - timedelta(days=1),
                                            valid_from=timezone.localdate() - timedelta(days=100)),
                 title="Ưu đãi đã hết hạn")
    response = officer.get(reverse("agreements:outlet-notice", args=[outlet.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Siêu thị Sài Gòn Co.op" in page and "ƯU ĐÃI DÀNH CHO ĐOÀN VIÊN CÔNG ĐOÀN" in page
    assert "Giảm giá hàng tiêu dùng" in page and "-10%" in page and "Xuất trình thẻ đoàn viên công đoàn." in page
    assert f"Áp dụng đến hết ngày {until:%d/%m/%Y}" in page
    assert "Ưu đãi đã hết hạn" not in page
    assert "0296 3852 111" in page and "Công đoàn cơ sở Công ty A" in page
    assert "css/outlet-notice.css" in page  # the A4 page set-up (@page), from a file: no inline style under the CSP
    assert "<svg" in page and 'class="segno"' in page
    live = response.context["live_url"]
    assert live.startswith("http://testserver/")
    assert live in (f"http://testserver/uu-dai/{offer.pk}/", f"http://testserver/uu-dai/?doi_tac={partner_a.pk}&tinh=91")


def test_with_several_offers_the_qr_code_opens_the_partners_offers_in_the_outlets_province(officer, partner_a):
    outlet = OutletFactory(partner=partner_a)
    OfferFactory(agreement=AgreementFactory(partner=partner_a), title="Ưu đãi một")
    OfferFactory(agreement=AgreementFactory(partner=partner_a), title="Ưu đãi hai", discount_percent=20)
    OfferFactory(agreement=AgreementFactory(partner=PartnerFactory(unit=partner_a.unit)), title="Của đối tác khác")
    response = officer.get(reverse("agreements:outlet-notice", args=[outlet.pk]))
    page = response.content.decode()
    assert response.context["live_url"] == f"http://testserver/uu-dai/?doi_tac={partner_a.pk}&tinh=91"
    assert page.index("Ưu đãi hai") < page.index("Ưu đãi một")  # the biggest discount first
    assert "Của đối tác khác" not in page


def test_an_offer_for_other_provinces_is_not_on_an_outlets_notice(officer, partner_a):
    outlet = OutletFactory(partner=partner_a)
    OfferFactory(
        agreement=AgreementFactory(partner=partner_a, scope="provinces", provinces=[province(1)]),
        title="Chỉ ở Hà Nội",
    )
    page = officer.get(reverse("agreements:outlet-notice", args=[outlet.pk])).content.decode()
    assert "Chỉ ở Hà Nội" not in page
    assert "chưa có ưu đãi đang hiệu lực" in page
