"""A person looks for a union hotel in An Giang in the public catalogue, on a desktop and a phone.

Screenshots go to var/screenshots/ (catalogue-desktop.png, catalogue-phone.png, and the offer
page on a phone) so that a person can look at the pages.
"""

import re

import pytest
from playwright.sync_api import expect

from organizations.choices import UnitKindCode
from organizations.reference_data import ensure_reference_data
from tests.browser.conftest import SCREENSHOT_DIR
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    OfferFactory,
    OutletFactory,
    PartnerFactory,
    UnitFactory,
    province,
    unit_kind,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue():
    """LĐLĐ An Giang's union hotel (scoped to its subtree) among a few other offers."""
    ensure_reference_data()
    tld = UnitFactory(code="TLD", name="Tổng Liên đoàn Lao động Việt Nam", kind=unit_kind(UnitKindCode.CONFEDERATION))
    an_giang = UnitFactory(parent=tld, code="AG", name="Liên đoàn Lao động tỉnh An Giang", short_name="LĐLĐ An Giang",
                           kind=unit_kind(UnitKindCode.PROVINCIAL), province=province(91))
    ha_noi = UnitFactory(parent=tld, code="HN", name="Liên đoàn Lao động Thành phố Hà Nội", short_name="LĐLĐ Hà Nội",
                         kind=unit_kind(UnitKindCode.PROVINCIAL), province=province(1))

    hotel_partner = PartnerFactory(unit=an_giang, name="Công ty TNHH MTV Du lịch Công đoàn An Giang",
                                   website="https://dulichcongdoan-angiang.vn", sector="Du lịch, khách sạn")
    hotel = OfferFactory(
        agreement=AgreementFactory(partner=hotel_partner, number="15/TTHT-LĐLĐ", scope="subtree",
                                   title="Thỏa thuận chăm lo nghỉ dưỡng cho đoàn viên An Giang"),
        title="Khách sạn Công đoàn Long Xuyên", category="travel", discount_percent=20,
        description="Giảm 20% giá phòng, miễn phí bữa sáng cho đoàn viên và gia đình.",
        conditions="Xuất trình thẻ đoàn viên khi nhận phòng.", for_families=True,
    )
    OutletFactory(partner=hotel_partner, name="Văn phòng bán phòng tại TP. Hồ Chí Minh",
                  address="12 Nguyễn Thị Minh Khai", province=province(79), phone="02838123456", displays_sign=False)
    OutletFactory(partner=hotel_partner, name="Khách sạn Công đoàn Long Xuyên",
                  address="18 Lê Triệu Kiết, phường Long Xuyên", province=province(91), phone="02963841234")

    OfferFactory(agreement=AgreementFactory(partner=PartnerFactory(unit=ha_noi, name="Khách sạn Công đoàn Hà Nội"),
                                            scope="subtree"),
                 title="Khách sạn Công đoàn Hà Nội – giảm 15%", category="travel", discount_percent=15)
    for title, partner, category, percent in [
        ("Giảm 5% khi mua sắm tại siêu thị", "Liên hiệp Hợp tác xã Thương mại TP. HCM", "consumer_goods", 5),
        ("Gói cước di động ưu đãi cho đoàn viên", "Tổng Công ty Viễn thông", "telecom", 30),
        ("Vay tiêu dùng lãi suất ưu đãi", "Ngân hàng Thương mại Cổ phần Công Thương", "banking", 10),
    ]:
        OfferFactory(agreement=AgreementFactory(partner=PartnerFactory(unit=tld, name=partner), scope="nationwide"),
                     title=title, category=category, discount_percent=percent)
    InstitutionFactory(unit=an_giang, name="Nhà văn hóa Lao động An Giang", kind="cultural_house")
    return hotel


def test_a_visitor_finds_the_union_hotel_in_an_giang_and_its_outlets(page, catalogue):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/uu-dai/")
    cards = page.locator("[data-testid=offer-card]")
    expect(cards).to_have_count(5)

    page.get_by_label("Tỉnh, thành phố").select_option(label="An Giang")
    page.get_by_label("Tìm ưu đãi").fill("khach san")

    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Khách sạn Công đoàn Long Xuyên")
    expect(cards.first).to_contain_text("-20%")
    expect(page).to_have_url(re.compile(r"q=khach(\+|%20)san"))
    expect(page).to_have_url(re.compile(r"tinh=91"))
    page.screenshot(path=str(SCREENSHOT_DIR / "catalogue-desktop.png"), full_page=True)

    cards.first.get_by_role("link", name="Khách sạn Công đoàn Long Xuyên").click()

    expect(page.locator("main h1")).to_have_text("Khách sạn Công đoàn Long Xuyên")
    outlets = page.locator("[data-testid=outlet]")
    expect(outlets).to_have_count(2)
    expect(outlets.nth(0).locator("[data-testid=outlet-province]")).to_have_text("An Giang")
    expect(outlets.nth(1).locator("[data-testid=outlet-province]")).to_have_text("Thành phố Hồ Chí Minh")
    expect(page.locator("[data-testid=agreement]")).to_contain_text("15/TTHT-LĐLĐ")
    page.screenshot(path=str(SCREENSHOT_DIR / "catalogue-offer-desktop.png"), full_page=True)


def test_the_catalogue_fits_a_phone(page, catalogue):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/uu-dai/?tinh=91&q=khach+san")

    card = page.locator("[data-testid=offer-card]")
    expect(card).to_have_count(1)
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOT_DIR / "catalogue-phone.png"), full_page=True)

    card.get_by_role("link").click()
    expect(page.locator("[data-testid=outlet]").first).to_contain_text("An Giang")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOT_DIR / "catalogue-offer-phone.png"), full_page=True)


def test_a_member_reports_an_outlet_and_follows_it(page, catalogue):
    from tests.factories import TEST_PASSWORD, UserFactory

    unit = catalogue.agreement.unit
    UserFactory(username="doanvien_ag", full_name="Ngô Thị Phương", member_card_number="079123456789", member_unit=unit)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill("doanvien_ag")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()

    page.goto(f"/uu-dai/{catalogue.pk}/")
    page.get_by_label("Điểm bán từ chối áp dụng ưu đãi").check()
    page.get_by_label("Điểm bán", exact=True).select_option(
        label="Khách sạn Công đoàn Long Xuyên — 18 Lê Triệu Kiết, phường Long Xuyên, An Giang"
    )
    page.get_by_label("Mô tả thêm").fill("Lễ tân không nhận thẻ đoàn viên.")
    page.locator("#report").screenshot(path=str(SCREENSHOT_DIR / "catalogue-report-phone.png"))
    page.get_by_role("button", name="Gửi phản ánh").click()

    expect(page.locator("main h1")).to_have_text("Phản ánh của tôi")
    complaint = page.locator("[data-testid=complaint]")
    expect(complaint).to_contain_text("Điểm bán từ chối áp dụng ưu đãi")
    expect(complaint.locator("[data-testid=complaint-status]")).to_have_text("Mới")


def test_the_printable_offer(page, catalogue):
    page.set_viewport_size({"width": 1000, "height": 1400})
    page.goto(f"/uu-dai/{catalogue.pk}/in/?tinh=91")
    page.emulate_media(media="print")

    expect(page.locator("h1")).to_have_text("Khách sạn Công đoàn Long Xuyên")
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.locator(".no-print")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOT_DIR / "catalogue-print.png"), full_page=True)
