"""Monthly usage figures and union institutions, recorded by officers for their own unit."""

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import BenefitUsage, Institution
from tests.factories import BenefitUsageFactory, InstitutionFactory, PartnerFactory


@pytest.fixture
def officer(client, actors):
    client.force_login(actors.officer_a)
    return client


def last_month():
    from datetime import timedelta

    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def test_an_officer_records_a_months_usage_in_million_vnd(officer, tree):
    partner = PartnerFactory(unit=tree.tld, name="Ngân hàng Công Thương")  # a TLĐ partner's products
    month = last_month()
    response = officer.post(
        reverse("agreements:usage-create"),
        {"month": month.strftime("%m/%Y"), "partner": partner.pk, "members_count": "1.250", "value_million": "1.234,5"},
    )
    assert response.status_code == 302
    usage = BenefitUsage.objects.get()
    assert (usage.unit, usage.month, usage.members_count, str(usage.value_million)) == (
        tree.company_a, month, 1250, "1234.500"
    )
    page = officer.get(reverse("agreements:usage-list")).content.decode()
    assert "1.234,5" in page and "1.250" in page and month.strftime("%m/%Y") in page


def test_a_second_row_for_the_same_month_and_partner_is_refused_in_vietnamese(officer, tree):
    usage = BenefitUsageFactory(unit=tree.company_a, month=last_month())
    page = officer.post(
        reverse("agreements:usage-create"),
        {"month": usage.month.strftime("%m/%Y"), "partner": usage.partner_id, "members_count": "5"},
    ).content.decode()
    assert "Đơn vị đã nhập số liệu của đối tác này cho tháng này." in page
    assert BenefitUsage.objects.count() == 1


def test_usage_needs_a_partner_or_an_institution_and_a_real_month(officer, tree):
    institution = InstitutionFactory(unit=tree.company_a)
    partner = PartnerFactory(unit=tree.company_a)
    neither = officer.post(reverse("agreements:usage-create"), {"month": "13/2026", "members_count": "5"}).content.decode()
    assert 'data-error-for="month">Nhập tháng theo dạng mm/yyyy' in neither
    assert 'data-error-for="partner">Chọn một đối tác hoặc một thiết chế công đoàn.' in neither
    assert 'value="13/2026"' in neither
    both = officer.post(
        reverse("agreements:usage-create"),
        {"month": last_month().strftime("%m/%Y"), "members_count": "5", "partner": partner.pk, "institution": institution.pk},
    ).content.decode()
    assert 'data-error-for="institution">Chọn đối tác hoặc thiết chế công đoàn, không chọn cả hai.' in both
    assert not BenefitUsage.objects.exists()


def test_the_usage_list_filters_by_month_and_stays_bounded(officer, tree, django_assert_max_num_queries):
    month = last_month()
    officer.get(reverse("agreements:usage-list"))
    for _n in range(20):
        BenefitUsageFactory(unit=tree.company_a, month=month)
    with django_assert_max_num_queries(9):
        page = officer.get(reverse("agreements:usage-list"), {"thang": month.strftime("%m/%Y")}).content.decode()
    assert "20 dòng số liệu" in page and "tổng 2.400 lượt đoàn viên, 700 triệu đồng" in page


def test_an_officer_adds_and_edits_a_union_institution(officer, tree):
    response = officer.post(
        reverse("agreements:institution-create"),
        {"kind": "union_hotel", "name": "Khách sạn Công đoàn Long Xuyên", "address": "12 Nguyễn Huệ", "province": 91,
         "services": "Phòng nghỉ", "member_prices": "Giảm 20%", "is_active": "on"},
    )
    assert response.status_code == 302
    institution = Institution.objects.get()
    assert institution.unit == tree.company_a
    officer.post(
        reverse("agreements:institution-update", args=[institution.pk]),
        {"kind": "union_hotel", "name": "Khách sạn Công đoàn An Giang", "address": "12 Nguyễn Huệ", "province": 91},
    )
    institution.refresh_from_db()
    assert institution.name == "Khách sạn Công đoàn An Giang" and institution.is_active is False


def test_another_units_institution_and_usage_are_out_of_reach(client, actors, tree):
    institution = InstitutionFactory(unit=tree.company_b, name="Nhà văn hóa Hà Nội")
    usage = BenefitUsageFactory(unit=tree.company_b)
    client.force_login(actors.officer_a)
    assert "Nhà văn hóa Hà Nội" not in client.get(reverse("agreements:institution-manage-list")).content.decode()
    assert client.get(reverse("agreements:institution-update", args=[institution.pk])).status_code == 404
    assert client.get(reverse("agreements:usage-update", args=[usage.pk])).status_code == 404
