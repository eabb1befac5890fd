"""agreements.demo: the programme's demo content, loaded by `seed_demo`, idempotent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from agreements.choices import AgreementScope, AgreementStatus, ComplaintStatus
from agreements.models import Agreement, BenefitUsage, Institution, Offer, Outlet, OutletComplaint, Partner
from organizations.management.commands.seed_demo import DEMO_APPS
from organizations.models import Province, Unit


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Partner, Agreement, Offer, Outlet, Institution, BenefitUsage, OutletComplaint)
    } | {"provinces": list(Agreement.provinces.through.objects.order_by("pk").values())}


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    first_output = seed_demo()
    first = snapshot()

    output = seed_demo()

    line = next(row for row in first_output.splitlines() if row.startswith("agreements:"))
    assert "tạo mới" in line and line.endswith("cập nhật 0")
    assert snapshot() == first
    assert "agreements: đã đủ, không thay đổi gì" in output
    assert "agreements" in DEMO_APPS


@pytest.mark.django_db
def test_khach_san_in_an_giang_finds_the_union_hotel_offer():
    seed_demo()
    an_giang = Province.objects.get(code=91)

    found = Offer.objects.in_force().covering(province=an_giang).search("khach san")

    titles = set(found.values_list("title", flat=True))
    assert "Giảm 30% giá phòng tại Khách sạn Công đoàn An Giang" in titles
    assert "Giảm 15% giá phòng khách sạn hệ thống Saigontourist" in titles  # nationwide
    assert Institution.objects.search("khach san").filter(province=an_giang, kind="union_hotel").exists()


@pytest.mark.django_db
def test_the_rice_pilot_reaches_its_five_provinces_and_collective_kitchens_only():
    seed_demo()
    pilot = Agreement.objects.get(number="01/TTHT-TLĐ-VNF1")
    rice = pilot.offers.get()

    assert pilot.unit.code == "TLD" and pilot.partner.name.startswith("Tổng Công ty Lương thực Miền Bắc")
    assert pilot.scope == AgreementScope.PROVINCES
    assert set(pilot.provinces.values_list("name", flat=True)) == {
        "Thành phố Hà Nội", "Hưng Yên", "Bắc Ninh", "Thành phố Hải Phòng", "Ninh Bình",
    }
    assert rice.for_kitchens and not rice.for_members and rice.category == "food"
    assert rice in Offer.objects.in_force().covering(province=Province.objects.get(code=37))
    assert rice not in Offer.objects.in_force().covering(province=Province.objects.get(code=91))


@pytest.mark.django_db
def test_agreements_in_force_ending_soon_and_expired():
    seed_demo()
    today = timezone.localdate()
    statuses = [a.status() for a in Agreement.objects.all()]

    assert statuses.count(AgreementStatus.IN_FORCE) >= 8
    assert statuses.count(AgreementStatus.EXPIRED) == 1
    assert Agreement.objects.ending_within(30).count() == 1
    expired_offer = Offer.objects.get(title="Giảm 10% tour du lịch hè trong nước")
    assert expired_offer not in Offer.objects.in_force()
    assert Agreement.objects.ending_within(30).get().valid_until <= today + timedelta(days=30)


@pytest.mark.django_db
def test_an_giang_partners_reach_its_own_unions_only():
    seed_demo()
    an_giang = Unit.objects.get(code="LDLD-91")
    local = Partner.objects.filter(unit=an_giang)
    grassroots = Unit.objects.get(code="LDLD-91-KCN-01")
    ha_noi_grassroots = Unit.objects.get(code="LDLD-01-KCN-01")

    assert local.count() == 4
    reach_here = Offer.objects.in_force().covering(unit=grassroots).filter(agreement__partner__in=local)
    reach_there = Offer.objects.in_force().covering(unit=ha_noi_grassroots).filter(agreement__partner__in=local)
    assert reach_here.count() == 5 and not reach_there.exists()


@pytest.mark.django_db
def test_outlets_institutions_usage_and_complaints_are_there():
    seed_demo()

    assert set(Outlet.objects.values_list("province_id", flat=True)) >= {91, 1, 79, 92}
    assert not Outlet.objects.filter(ward__isnull=True).exists()
    assert not Outlet.objects.exclude(ward__province_id=F("province_id")).exists()
    kinds = set(Institution.objects.values_list("kind", flat=True))
    assert {"union_hotel", "cultural_house", "kindergarten", "legal_advice"} <= kinds
    assert Institution.objects.filter(kind="cultural_house", name__startswith="Nhà văn hóa").exists()
    months = set(BenefitUsage.objects.filter(unit__code="LDLD-91").values_list("month", flat=True))
    assert len(months) == 4 and all(m.day == 1 and m < timezone.localdate().replace(day=1) for m in months)
    assert set(OutletComplaint.objects.values_list("status", flat=True)) == {ComplaintStatus.OPEN, ComplaintStatus.CLOSED}
    closed = OutletComplaint.objects.get(status=ComplaintStatus.CLOSED)
    assert closed.closed_at and closed.handled_by.username == "canbo.angiang"
