"""Officers record partners, agreements and offers for their own unit; the list warns what ends soon."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Offer, Partner
from agreements.services import agreement_terminate
from tests.factories import AgreementFactory, OfferFactory, PartnerFactory, province


@pytest.fixture
def officer(client, actors):
    client.force_login(actors.officer_a)
    return client


@pytest.fixture
def partner_a(tree):
    return PartnerFactory(unit=tree.company_a, name="Siêu thị Co.op An Giang")


def agreement_data(partner, **changes):
    data = {
        "number": "15/TTHT-CĐ",
        "title": "Thỏa thuận chăm lo đoàn viên năm 2026",
        "partner": partner.pk,
        "signed_on": "02/01/2026",
        "valid_from": "15/01/2026",
        "valid_until": "31/12/2026",
        "scope": "subtree",
        "support_amount": "150,5",
        "support_plan": "Tặng quà Tết cho đoàn viên khó khăn.",
    }
    data.update(changes)
    return data


def test_an_officer_adds_a_partner_for_their_own_unit(officer, tree):
    response = officer.post(
        reverse("agreements:partner-create"),
        {"name": "Công ty Cổ phần Điện máy Xanh", "tax_code": "0301234567", "sector": "Điện máy",
         "contact_name": "Lê Thị Hoa", "contact_phone": "0912345678", "contact_email": "hoa@dienmay.vn"},
    )
    partner = Partner.objects.get(name="Công ty Cổ phần Điện máy Xanh")
    assert response.status_code == 302 and response["Location"] == reverse("agreements:partner-detail", args=[partner.pk])
    assert partner.unit == tree.company_a
    page = officer.get(response["Location"]).content.decode()
    assert "Lê Thị Hoa" in page and "Đã thêm đối tác" in page


def test_a_partners_tax_code_is_unique_within_the_unit_said_next_to_nothing_lost(officer, partner_a):
    response = officer.post(reverse("agreements:partner-create"), {"name": "Tên khác", "tax_code": partner_a.tax_code})
    page = response.content.decode()
    assert "Đơn vị đã có đối tác với mã số thuế này." in page
    assert 'value="Tên khác"' in page
    assert Partner.objects.filter(tax_code=partner_a.tax_code).count() == 1


def test_an_officer_records_an_agreement_with_typed_dates_and_a_vietnamese_amount(officer, tree, partner_a):
    response = officer.post(reverse("agreements:agreement-create"), agreement_data(partner_a))
    agreement = Agreement.objects.get(number="15/TTHT-CĐ")
    assert response.status_code == 302
    assert agreement.unit == tree.company_a
    assert agreement.valid_from.isoformat() == "2026-01-15" and agreement.valid_until.isoformat() == "2026-12-31"
    assert str(agreement.support_amount) == "150.500"
    page = officer.get(reverse("agreements:agreement-detail", args=[agreement.pk])).content.decode()
    assert "15/01/2026" in page and "150,5 triệu đồng" in page


def test_validation_errors_are_in_vietnamese_next_to_their_field_and_keep_what_was_typed(officer, partner_a):
    response = officer.post(
        reverse("agreements:agreement-create"),
        agreement_data(partner_a, valid_from="01/06/2026", valid_until="31/05/2026", scope="provinces", signed_on="32/01/2026"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-for="valid_until">Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.' in page
    assert 'data-error-for="provinces">Hãy chọn ít nhất một tỉnh, thành phố áp dụng.' in page
    assert 'data-error-for="signed_on">' in page
    assert 'value="Thỏa thuận chăm lo đoàn viên năm 2026"' in page
    assert 'value="32/01/2026"' in page and 'value="31/05/2026"' in page and 'value="150,5"' in page
    assert 'aria-invalid="true"' in page
    assert not Agreement.objects.exists()


def test_only_tld_signs_nationwide_agreements(client, actors, partner_a, tree):
    client.force_login(actors.officer_a)
    page = client.post(reverse("agreements:agreement-create"), agreement_data(partner_a, scope="nationwide")).content.decode()
    assert 'data-error-for="scope">Chỉ thỏa thuận do Tổng Liên đoàn ký mới áp dụng toàn quốc.' in page

    client.force_login(actors.system_admin)  # records for TLĐ
    tld_partner = PartnerFactory(unit=tree.tld)
    response = client.post(
        reverse("agreements:agreement-create"), agreement_data(tld_partner, scope="nationwide", unit=tree.tld.pk)
    )
    assert response.status_code == 302
    assert Agreement.objects.get(scope="nationwide").unit == tree.tld


def test_an_agreement_for_some_provinces_keeps_them_and_other_scopes_drop_them(officer, partner_a):
    officer.post(
        reverse("agreements:agreement-create"),
        agreement_data(partner_a, scope="provinces", provinces=[province(1).pk, province(91).pk]),
    )
    agreement = Agreement.objects.get()
    assert set(agreement.provinces.values_list("code", flat=True)) == {1, 91}

    officer.post(
        reverse("agreements:agreement-update", args=[agreement.pk]),
        agreement_data(partner_a, scope="subtree", provinces=[province(1).pk]),
    )
    assert not agreement.provinces.exists()


def test_an_officer_adds_and_edits_an_offer_under_their_agreement(officer, partner_a):
    agreement = AgreementFactory(partner=partner_a)
    response = officer.post(
        reverse("agreements:offer-create", args=[agreement.pk]),
        {"title": "Giảm giá gạo cho bếp ăn tập thể", "category": "food", "discount_kind": "percent",
         "discount_percent": "7,5", "conditions": "Hợp đồng với công đoàn cơ sở", "for_kitchens": "on",
         "valid_until": "31/12/2026"},
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.discount_label() == "-7,5%" and offer.for_kitchens and not offer.for_members

    missing = officer.post(
        reverse("agreements:offer-update", args=[offer.pk]),
        {"title": offer.title, "category": "food", "discount_kind": "amount", "for_members": "on"},
    ).content.decode()
    assert 'data-error-for="discount_amount">Hãy nhập số tiền giảm.' in missing


def test_an_officer_terminates_an_agreement_with_a_reason(officer, partner_a):
    agreement = AgreementFactory(partner=partner_a)
    today = timezone.localdate()
    empty = officer.post(reverse("agreements:agreement-terminate", args=[agreement.pk]), {"terminated_on": today.strftime("%d/%m/%Y")})
    assert 'data-error-for="reason">Hãy ghi lý do chấm dứt.' in empty.content.decode()

    response = officer.post(
        reverse("agreements:agreement-terminate", args=[agreement.pk]),
        {"terminated_on": today.strftime("%d/%m/%Y"), "reason": "Đối tác ngừng kinh doanh tại tỉnh."},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.get_status_display() == "Đã chấm dứt"
    assert agreement.termination_reason == "Đối tác ngừng kinh doanh tại tỉnh."
    assert not Agreement.objects.in_force().filter(pk=agreement.pk).exists()


def test_terminating_twice_or_before_signing_is_refused(actors, partner_a):
    from django.core.exceptions import ValidationError

    agreement = AgreementFactory(partner=partner_a)
    with pytest.raises(ValidationError, match="trước ngày ký"):
        agreement_terminate(agreement=agreement, on=agreement.signed_on - timedelta(days=1), reason="x", by=actors.officer_a)
    agreement_terminate(agreement=agreement, on=timezone.localdate(), reason="Hết nhu cầu", by=actors.officer_a)
    with pytest.raises(ValidationError, match="đã được chấm dứt"):
        agreement_terminate(agreement=agreement, on=timezone.localdate(), reason="Lần nữa", by=actors.officer_a)


def test_agreements_ending_within_30_days_of_the_officers_own_unit_are_shown(officer, tree, partner_a):
    today = timezone.localdate()
    AgreementFactory(partner=partner_a, number="01/SAP-HET", valid_until=today + timedelta(days=30))
    AgreementFactory(partner=partner_a, number="02/CON-LAU", valid_until=today + timedelta(days=31))
    AgreementFactory(partner=partner_a, number="03/DA-HET", valid_from=today - timedelta(days=90), valid_until=today - timedelta(days=1))
    AgreementFactory(partner=PartnerFactory(unit=tree.tld), number="04/TLD-SAP-HET", valid_until=today + timedelta(days=3))

    page = officer.get(reverse("agreements:agreement-list")).content.decode()
    block = page.split('data-testid="ending-soon"')[1].split("</section>")[0]
    assert "01/SAP-HET" in block
    assert "02/CON-LAU" not in block and "03/DA-HET" not in block
    assert "04/TLD-SAP-HET" not in block  # TLĐ's agreement is visible but not the officer's unit's

    filtered = officer.get(reverse("agreements:agreement-list"), {"trang_thai": "sap-het-han"}).content.decode()
    table = filtered.split("<table")[1]
    assert "01/SAP-HET" in table and "04/TLD-SAP-HET" in table and "02/CON-LAU" not in table


def test_the_ending_soon_include_renders_on_its_own(rf, actors, partner_a):
    from django.template.loader import render_to_string

    from agreements.views.officer import ending_soon

    AgreementFactory(partner=partner_a, number="07/HET", valid_until=timezone.localdate() + timedelta(days=10))
    html = render_to_string("agreements/officer/_ending_soon.html", {"ending_soon": ending_soon(actors.officer_a)})
    assert "07/HET" in html


@pytest.mark.parametrize("name", ["agreement-list", "partner-list"])
def test_list_pages_make_a_bounded_number_of_queries(officer, partner_a, name, django_assert_max_num_queries):
    officer.get(reverse(f"agreements:{name}"))
    with django_assert_max_num_queries(10):
        officer.get(reverse(f"agreements:{name}"))
    for _n in range(25):
        agreement = AgreementFactory(partner=PartnerFactory(unit=partner_a.unit))
        OfferFactory(agreement=agreement)
    with django_assert_max_num_queries(10):
        response = officer.get(reverse(f"agreements:{name}"))
    assert response.status_code == 200


def test_the_agreement_list_filters_by_text_without_diacritics(officer, partner_a):
    AgreementFactory(partner=partner_a, title="Thỏa thuận với siêu thị")
    AgreementFactory(partner=PartnerFactory(unit=partner_a.unit, name="Ngân hàng Công Thương"), title="Thỏa thuận tín dụng")
    page = officer.get(reverse("agreements:agreement-list"), {"q": "ngan hang"}).content.decode()
    table = page.split("<table")[1]
    assert "Thỏa thuận tín dụng" in table and "Thỏa thuận với siêu thị" not in table
