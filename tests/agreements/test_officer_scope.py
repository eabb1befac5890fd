"""Who sees and changes which programme records on the officers' pages.

Company A is in An Giang (province A), company B in Hà Nội (province B).
"""

import pytest
from django.urls import reverse

from agreements.models import Agreement, Outlet, Partner
from tests.factories import AgreementFactory, OfferFactory, OutletFactory, PartnerFactory


@pytest.fixture
def agreement_b(tree):
    return AgreementFactory(partner=PartnerFactory(unit=tree.company_b, name="Siêu thị Hà Nội B"), title="Thỏa thuận của B")


@pytest.fixture
def agreement_a(tree):
    return AgreementFactory(partner=PartnerFactory(unit=tree.company_a, name="Nhà sách An Giang"), title="Thỏa thuận của A")


def test_an_officer_of_province_a_cannot_see_or_change_province_bs_agreements(client, actors, agreement_b):
    client.force_login(actors.officer_a)
    pk = agreement_b.pk
    before = Agreement.objects.values().get(pk=pk)

    assert "Thỏa thuận của B" not in client.get(reverse("agreements:agreement-list")).content.decode()
    for name in ("agreement-detail", "agreement-update", "agreement-terminate", "document-upload", "offer-create"):
        assert client.get(reverse(f"agreements:{name}", args=[pk])).status_code == 404, name
    posted = client.post(
        reverse("agreements:agreement-update", args=[pk]),
        {"number": "99/HACK", "title": "Đổi tên", "scope": "subtree", "partner": agreement_b.partner_id,
         "signed_on": "01/01/2026", "valid_from": "01/01/2026"},
    )
    assert posted.status_code == 404
    terminated = client.post(
        reverse("agreements:agreement-terminate", args=[pk]), {"terminated_on": "01/02/2026", "reason": "x"}
    )
    assert terminated.status_code == 404
    assert Agreement.objects.values().get(pk=pk) == before


def test_an_officer_of_province_a_cannot_see_province_bs_partners_outlets_or_offers(client, actors, agreement_b):
    outlet = OutletFactory(partner=agreement_b.partner, name="Cửa hàng Hoàn Kiếm")
    offer = OfferFactory(agreement=agreement_b)
    client.force_login(actors.officer_a)

    assert "Siêu thị Hà Nội B" not in client.get(reverse("agreements:partner-list")).content.decode()
    assert "Cửa hàng Hoàn Kiếm" not in client.get(reverse("agreements:outlet-list")).content.decode()
    assert client.get(reverse("agreements:partner-detail", args=[agreement_b.partner_id])).status_code == 404
    assert client.get(reverse("agreements:outlet-notice", args=[outlet.pk])).status_code == 404
    assert client.get(reverse("agreements:inspection-create", args=[outlet.pk])).status_code == 404
    assert client.get(reverse("agreements:offer-update", args=[offer.pk])).status_code == 404


def test_a_forged_partner_of_another_unit_is_refused_in_the_form(client, actors, agreement_b):
    client.force_login(actors.officer_a)
    response = client.post(
        reverse("agreements:agreement-create"),
        {"number": "01/TT", "title": "Thỏa thuận", "partner": agreement_b.partner_id, "scope": "subtree",
         "signed_on": "01/01/2026", "valid_from": "01/01/2026"},
    )
    assert response.status_code == 200
    assert 'data-error-for="partner">Hãy chọn một đối tác trong danh sách.' in response.content.decode()
    assert not Agreement.objects.filter(number="01/TT").exists()


def test_the_reviewer_above_a_reads_but_cannot_change_anything(client, actors, agreement_a):
    outlet = OutletFactory(partner=agreement_a.partner)
    client.force_login(actors.reviewer_an_giang)
    before = Agreement.objects.values().get(pk=agreement_a.pk)

    assert "Thỏa thuận của A" in client.get(reverse("agreements:agreement-list")).content.decode()
    detail = client.get(reverse("agreements:agreement-detail", args=[agreement_a.pk])).content.decode()
    assert "Bạn chỉ xem được thỏa thuận này" in detail
    assert reverse("agreements:agreement-update", args=[agreement_a.pk]) not in detail
    posts = {
        "agreement-update": {"number": "99", "title": "Đổi", "partner": agreement_a.partner_id, "scope": "subtree",
                             "signed_on": "01/01/2026", "valid_from": "01/01/2026"},
        "agreement-terminate": {"terminated_on": "01/02/2026", "reason": "Đối tác vi phạm"},
        "offer-create": {"title": "Ưu đãi lạ", "category": "food", "discount_kind": "percent",
                         "discount_percent": "5", "for_members": "on"},
        "document-upload": {},
    }
    for name, data in posts.items():
        assert client.get(reverse(f"agreements:{name}", args=[agreement_a.pk])).status_code == 403, name
        assert client.post(reverse(f"agreements:{name}", args=[agreement_a.pk]), data).status_code == 403, name
    assert client.post(reverse("agreements:partner-update", args=[agreement_a.partner_id]), {"name": "X"}).status_code == 403
    assert client.post(reverse("agreements:outlet-update", args=[outlet.pk]), {"name": "X"}).status_code == 403
    assert client.post(reverse("agreements:inspection-create", args=[outlet.pk]), {"inspected_on": "01/01/2026"}).status_code == 403
    assert client.post(reverse("agreements:partner-create"), {"name": "Đối tác mới"}).status_code == 403

    assert Agreement.objects.values().get(pk=agreement_a.pk) == before
    assert agreement_a.offers.count() == 0
    assert not Partner.objects.filter(name__in=["X", "Đối tác mới"]).exists()
    assert Outlet.objects.get(pk=outlet.pk).name != "X"


def test_tld_agreements_are_visible_to_every_officer_but_changed_by_none_of_them(client, actors, tree):
    national = AgreementFactory(
        partner=PartnerFactory(unit=tree.tld, name="Tập đoàn Viễn thông Quốc gia"), scope="nationwide",
        title="Thỏa thuận toàn quốc",
    )
    for officer in (actors.officer_a, actors.officer_b):
        client.force_login(officer)
        assert "Thỏa thuận toàn quốc" in client.get(reverse("agreements:agreement-list")).content.decode()
        assert client.get(reverse("agreements:agreement-detail", args=[national.pk])).status_code == 200
        assert client.get(reverse("agreements:agreement-update", args=[national.pk])).status_code == 403


def test_members_get_nothing_from_the_officers_pages(client, actors, agreement_a):
    client.force_login(actors.member)
    assert client.get(reverse("agreements:agreement-list")).status_code == 404
    assert client.get(reverse("agreements:agreement-detail", args=[agreement_a.pk])).status_code == 404
    assert client.get(reverse("agreements:partner-create")).status_code == 404


def test_an_officer_changes_their_own_units_agreement(client, actors, agreement_a):
    client.force_login(actors.officer_a)
    response = client.post(
        reverse("agreements:agreement-update", args=[agreement_a.pk]),
        {"number": agreement_a.number, "title": "Tên mới của thỏa thuận", "partner": agreement_a.partner_id,
         "scope": "subtree", "signed_on": "02/01/2026", "valid_from": "05/01/2026", "valid_until": "31/12/2026"},
    )
    assert response.status_code == 302
    agreement_a.refresh_from_db()
    assert agreement_a.title == "Tên mới của thỏa thuận"
    assert agreement_a.unit == actors.officer_a.roles.get().unit  # the unit cannot move
