"""/api/v1/partners/, agreements/, outlets/, institutions/, usage/: scope, public reads, validated writes."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agreements.models import Agreement, BenefitUsage, Partner
from organizations.choices import Role
from organizations.models import RoleAssignment, Ward
from tests.factories import (
    AgreementFactory,
    BenefitUsageFactory,
    InstitutionFactory,
    OfferFactory,
    OutletFactory,
    PartnerFactory,
    province,
)


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def names(response, key="name"):
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def agreement_payload(partner, **changes):
    today = timezone.localdate()
    return {
        "number": "12/TTHT-CĐCS", "title": "Thỏa thuận chăm lo đoàn viên năm 2026", "partner": partner.pk,
        "signed_on": str(today), "valid_from": str(today), "valid_until": str(today + timedelta(days=365)),
        "scope": "subtree", **changes,
    }


# --- partners and agreements --------------------------------------------------------------------


def test_officers_see_their_units_partners_and_tlds_not_another_units(actors, tree):
    PartnerFactory(unit=tree.company_a, name="Siêu thị Long Xuyên")
    PartnerFactory(unit=tree.company_b, name="Nhà sách Hà Nội")
    PartnerFactory(unit=tree.tld, name="Tổng Công ty Lương thực Miền Bắc")

    assert names(api(actors.officer_a).get(reverse("partner-list"))) == {
        "Siêu thị Long Xuyên", "Tổng Công ty Lương thực Miền Bắc",
    }
    assert names(api(actors.reviewer_an_giang).get(reverse("partner-list"), {"search": "sieu thi"})) == {
        "Siêu thị Long Xuyên",
    }
    assert names(api(actors.member).get(reverse("partner-list"))) == set()
    assert api().get(reverse("partner-list")).status_code == 401


def test_an_officer_of_province_a_cannot_see_or_change_province_bs_agreements(actors, tree):
    theirs = AgreementFactory(partner=PartnerFactory(unit=tree.company_b))
    client = api(actors.officer_a)

    assert client.get(reverse("agreement-detail", args=[theirs.pk])).status_code == 404
    assert client.patch(reverse("agreement-detail", args=[theirs.pk]), {"title": "X"}).status_code == 404
    assert client.delete(reverse("agreement-detail", args=[theirs.pk])).status_code == 404
    assert theirs.pk not in {row["id"] for row in client.get(reverse("agreement-list")).json()["results"]}
    Agreement.objects.get(pk=theirs.pk, title=theirs.title)


def test_tld_agreements_are_visible_to_every_officer_but_not_theirs_to_change(actors, tree):
    national = AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide")

    assert api(actors.officer_b).get(reverse("agreement-detail", args=[national.pk])).status_code == 200
    assert api(actors.officer_b).patch(reverse("agreement-detail", args=[national.pk]), {"title": "X"}).status_code == 403
    assert api(actors.system_admin).patch(
        reverse("agreement-detail", args=[national.pk]), {"title": "Thỏa thuận mới"}
    ).status_code == 200


def test_members_see_no_internal_records(actors, tree):
    AgreementFactory(partner=PartnerFactory(unit=tree.company_a))
    AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide")
    OutletFactory(partner=PartnerFactory(unit=tree.company_a))
    BenefitUsageFactory(unit=tree.company_a)

    for route in ("partner-list", "agreement-list", "outlet-list", "usage-list"):
        response = api(actors.member).get(reverse(route))
        assert response.status_code == 200 and response.json()["count"] == 0, route


def test_a_new_agreement_belongs_to_the_officers_own_unit(actors, tree):
    partner = PartnerFactory(unit=tree.company_a)

    response = api(actors.officer_a).post(
        reverse("agreement-list"), agreement_payload(partner, unit=tree.an_giang.pk), format="json"
    )
    # Company A's officer writes for company A only: another unit id is refused, not silently moved.
    assert response.status_code == 400 and "unit" in response.json()

    response = api(actors.officer_a).post(reverse("agreement-list"), agreement_payload(partner), format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["unit"] == tree.company_a.pk and row["status"] == "in_force"
    assert row["unit_name"] == "Công đoàn cơ sở Công ty A"


def test_an_agreements_partner_must_be_visible_to_the_officer(actors, tree):
    elsewhere = PartnerFactory(unit=tree.company_b)

    response = api(actors.officer_a).post(reverse("agreement-list"), agreement_payload(elsewhere), format="json")

    assert response.status_code == 400
    assert response.json() == {"partner": ["Không tìm thấy đối tác này, hoặc bạn không được xem đối tác này."]}


def test_agreement_dates_and_province_scope_are_checked(actors, tree):
    partner = PartnerFactory(unit=tree.company_a)
    client = api(actors.officer_a)

    def errors(**changes):
        response = client.post(reverse("agreement-list"), agreement_payload(partner, **changes), format="json")
        assert response.status_code == 400
        return response.json()

    assert errors(valid_from="2026-06-01", valid_until="2026-05-31") == {
        "valid_until": ["Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."]
    }
    assert errors(scope="provinces") == {"provinces": ["Chọn các tỉnh, thành phố áp dụng thỏa thuận."]}
    assert "provinces" in errors(provinces=[1, 33])
    assert errors(signed_on="31/12/2026") == {
        "signed_on": ["Ngày không đúng định dạng (năm-tháng-ngày, ví dụ 2026-01-31)."]
    }

    response = client.post(
        reverse("agreement-list"), agreement_payload(partner, scope="provinces", provinces=[1, 33]), format="json"
    )
    assert response.status_code == 201 and sorted(response.json()["provinces"]) == [1, 33]


def test_an_officer_with_several_units_names_one_they_may_edit(actors, tree):
    RoleAssignment.objects.create(user=actors.officer_a, unit=tree.hospital, role=Role.OFFICER)
    client = api(actors.officer_a)
    payload = {"name": "Nhà thuốc Tâm An", "tax_code": "1801234567"}

    missing = client.post(reverse("partner-list"), payload, format="json")
    not_theirs = client.post(reverse("partner-list"), {**payload, "unit": tree.company_b.pk}, format="json")
    chosen = client.post(reverse("partner-list"), {**payload, "unit": tree.hospital.pk}, format="json")

    assert missing.status_code == 400 and missing.json() == {"unit": ["Chọn đơn vị mà bạn được giao nhập liệu."]}
    assert not_theirs.status_code == 400
    assert not_theirs.json()["unit"] == ["Không tìm thấy bản ghi này, hoặc bạn không có quyền sử dụng nó."]
    assert chosen.status_code == 201 and Partner.objects.get(pk=chosen.json()["id"]).unit == tree.hospital


def test_a_partners_tax_code_is_unique_within_the_unit(actors, tree):
    PartnerFactory(unit=tree.company_a, tax_code="1801234567")

    response = api(actors.officer_a).post(
        reverse("partner-list"), {"name": "Đối tác trùng", "tax_code": "1801234567"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"tax_code": ["Đơn vị đã có đối tác với mã số thuế này."]}


def test_reviewers_read_but_do_not_write(actors, tree):
    partner = PartnerFactory(unit=tree.company_a)

    assert api(actors.reviewer_an_giang).get(reverse("partner-detail", args=[partner.pk])).status_code == 200
    assert api(actors.reviewer_an_giang).patch(reverse("partner-detail", args=[partner.pk]), {"name": "X"}).status_code == 403
    assert api(actors.reviewer_an_giang).post(reverse("partner-list"), {"name": "X"}).status_code == 403


def test_a_partner_with_agreements_cannot_be_deleted(actors, tree):
    partner = AgreementFactory(partner=PartnerFactory(unit=tree.company_a)).partner

    response = api(actors.officer_a).delete(reverse("partner-detail", args=[partner.pk]))

    assert response.status_code == 409
    assert "đang được các bản ghi khác sử dụng" in response.json()["detail"]
    assert Partner.objects.filter(pk=partner.pk).exists()


# --- outlets ---------------------------------------------------------------------------------------


def test_outlets_are_scoped_and_their_ward_must_be_in_their_province(actors, tree):
    partner = PartnerFactory(unit=tree.company_a)
    OutletFactory(partner=PartnerFactory(unit=tree.company_b), name="Cửa hàng Hà Nội", province=province(1))
    long_xuyen = Ward.objects.get(province_id=91, name="Phường Long Xuyên")
    ba_dinh = Ward.objects.get(province_id=1, name="Phường Ba Đình")
    client = api(actors.officer_a)
    payload = {"partner": partner.pk, "name": "Cửa hàng Mỹ Thới", "address": "12 Trần Hưng Đạo", "province": 91}

    wrong_ward = client.post(reverse("outlet-list"), {**payload, "ward": ba_dinh.code}, format="json")
    other_partner = client.post(
        reverse("outlet-list"), {**payload, "partner": PartnerFactory(unit=tree.company_b).pk}, format="json"
    )
    created = client.post(reverse("outlet-list"), {**payload, "ward": long_xuyen.code}, format="json")

    assert wrong_ward.json() == {"ward": ["Phường/xã “Phường Ba Đình” không thuộc An Giang."]}
    assert "không do đơn vị của bạn quản lý" in other_partner.json()["partner"][0]
    assert created.status_code == 201 and created.json()["ward_name"] == "Phường Long Xuyên"
    assert names(client.get(reverse("outlet-list"))) == {"Cửa hàng Mỹ Thới"}
    assert names(client.get(reverse("outlet-list"), {"search": "my thoi"})) == {"Cửa hàng Mỹ Thới"}


# --- institutions ------------------------------------------------------------------------------------


def test_anyone_reads_open_institutions_and_officers_also_their_closed_ones(actors, tree):
    InstitutionFactory(unit=tree.an_giang, name="Khách sạn Công đoàn An Giang", province=province(91))
    InstitutionFactory(
        unit=tree.ha_noi, kind="cultural_house", name="Nhà văn hóa lao động Hà Nội", province=province(1)
    )
    closed = InstitutionFactory(unit=tree.company_a, name="Nhà trẻ Công ty A (tạm dừng)", is_active=False)

    assert names(api().get(reverse("institution-list"))) == {"Khách sạn Công đoàn An Giang", "Nhà văn hóa lao động Hà Nội"}
    assert names(api().get(reverse("institution-list"), {"search": "khach san", "province": 91})) == {
        "Khách sạn Công đoàn An Giang"
    }
    assert names(api().get(reverse("institution-list"), {"kind": "cultural_house"})) == {"Nhà văn hóa lao động Hà Nội"}
    assert api().get(reverse("institution-detail", args=[closed.pk])).status_code == 404
    assert api(actors.officer_a).get(reverse("institution-detail", args=[closed.pk])).status_code == 200
    assert api(actors.officer_b).get(reverse("institution-detail", args=[closed.pk])).status_code == 404


def test_an_officer_records_their_units_institution(actors, tree):
    client = api(actors.officer_a)
    payload = {
        "kind": "kindergarten", "name": "Nhà trẻ Hoa Sen", "address": "5 Hà Hoàng Hổ", "province": 91,
        "member_prices": "Giảm 50% học phí cho con đoàn viên",
    }

    response = client.post(reverse("institution-list"), payload, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["unit"] == tree.company_a.pk and response.json()["kind_display"] == "Nhà trẻ, mẫu giáo"
    assert api().post(reverse("institution-list"), payload, format="json").status_code == 401
    assert api(actors.member).post(reverse("institution-list"), payload, format="json").status_code == 403


# --- usage ----------------------------------------------------------------------------------------------


def test_usage_is_internal_and_scoped(actors, tree):
    BenefitUsageFactory(unit=tree.company_a, members_count=120)
    BenefitUsageFactory(unit=tree.company_b, members_count=80)

    assert names(api(actors.officer_a).get(reverse("usage-list")), "members_count") == {120}
    assert names(api(actors.reviewer_an_giang).get(reverse("usage-list")), "members_count") == {120}
    assert names(api(actors.system_admin).get(reverse("usage-list")), "members_count") == {120, 80}
    assert api().get(reverse("usage-list")).status_code == 401


def test_usage_of_a_partner_from_above_is_recorded_for_the_month(actors, tree):
    provincial = AgreementFactory(partner=PartnerFactory(unit=tree.an_giang, name="Siêu thị An Giang")).partner
    elsewhere = AgreementFactory(partner=PartnerFactory(unit=tree.ha_noi)).partner
    hotel = InstitutionFactory(unit=tree.an_giang)
    client = api(actors.officer_a)

    created = client.post(
        reverse("usage-list"),
        {"month": "2026-03-17", "partner": provincial.pk, "members_count": 45, "value_million": "12.5"},
        format="json",
    )
    again = client.post(
        reverse("usage-list"), {"month": "2026-03-01", "partner": provincial.pk, "members_count": 5}, format="json"
    )
    both = client.post(
        reverse("usage-list"),
        {"month": "2026-03-01", "partner": provincial.pk, "institution": hotel.pk, "members_count": 5},
        format="json",
    )
    far = client.post(reverse("usage-list"), {"month": "2026-03-01", "partner": elsewhere.pk, "members_count": 5})
    institution = client.post(
        reverse("usage-list"), {"month": "2026-03-01", "institution": hotel.pk, "members_count": 30}, format="json"
    )

    assert created.status_code == 201, created.content
    usage = BenefitUsage.objects.get(pk=created.json()["id"])
    assert (usage.unit, usage.month) == (tree.company_a, date(2026, 3, 1))
    assert again.json() == {"partner": ["Đơn vị đã nhập số liệu của đối tác này cho tháng này."]}
    assert both.json() == {"partner": ["Chọn một đối tác hoặc một thiết chế công đoàn (chỉ một)."]}
    assert far.status_code == 400 and "partner" in far.json()
    assert institution.status_code == 201
    assert names(client.get(reverse("usage-list"), {"month": "2026-03-20"}), "members_count") == {45, 30}


def test_offer_and_institution_lists_answer_anonymous_callers(tree):
    OfferFactory(agreement=AgreementFactory(partner=PartnerFactory(unit=tree.tld), scope="nationwide"))

    assert api().get(reverse("offer-list")).json()["count"] == 1
    assert api().get(reverse("institution-list")).status_code == 200
