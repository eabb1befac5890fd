"""A propaganda campaign as Ban Tuyên giáo of the bank union lives it, in headless Chromium.

The officer of Công đoàn Ngân hàng Việt Nam opens TLĐ's plan and issues the union's plan
implementing it; opens a section on the union's website; imports ten articles from a spreadsheet
and three from the website's RSS file (a file with a bad entry first: nothing is written and the
entry is named); records its launch conference. The quota board shows the weeks, the public page
/tuyen-truyen/ lists the articles, and the union's Phụ lục 03 opens with the counts prefilled.

Screenshots for a person to look at: var/screenshots/campaign-plan.png, quota-board.png,
public-articles.png and pl03-prefilled.png.
"""

from datetime import date, timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.choices import OutletKind, Theme
from campaigns.models import Article, Campaign, MediaOutlet, Phase
from organizations.choices import Role
from reporting.definitions import ensure_forms_loaded
from reporting.models import Form
from reporting.services import form_assign, period_get_or_create
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.test_reporting_journey import log_in
from tests.factories import UnitFactory, user_with_role

pytestmark = pytest.mark.browser

TLD_PLAN = "Kế hoạch tuyên truyền về “Công đoàn vì lợi ích đoàn viên” và “Thiết chế Công đoàn”"
BANK_PLAN = "Kế hoạch triển khai tuyên truyền của Công đoàn Ngân hàng Việt Nam"


@pytest.fixture
def bank(tree):
    today = timezone.localdate()
    union = UnitFactory(parent=tree.tld, code="CDNH", name="Công đoàn Ngân hàng Việt Nam")
    officer = user_with_role(union, Role.OFFICER, username="tuyengiao_nh", full_name="Nguyễn Thu Hà")
    plan = Campaign.objects.create(
        unit=tree.tld, title=TLD_PLAN, themes=[Theme.MEMBER_BENEFITS, Theme.INSTITUTIONS],
        document_number="24/KH-TLĐ", issued_on=date(2017, 7, 5),
    )
    Phase.objects.create(campaign=plan, name="Giai đoạn 1", starts_on=date(2017, 7, 1), ends_on=date(2018, 5, 31))
    Phase.objects.create(campaign=plan, name="Năm nay", starts_on=date(today.year, 1, 1), ends_on=date(today.year, 12, 31))
    MediaOutlet.objects.create(
        unit=union, name="Trang thông tin điện tử Công đoàn Ngân hàng Việt Nam", kind=OutletKind.WEBSITE,
        url="https://congdoannganhang.org.vn",
    )
    ensure_forms_loaded()
    form_assign(form=Form.objects.get(code="PL03"), units=[union], valid_from=date(today.year, 1, 1))
    period_get_or_create(form=Form.objects.get(code="PL03"), year=today.year)
    return union, officer, plan


def recent_mondays(count: int) -> list[date]:
    """The Mondays of the last `count` weeks, oldest first, all within this year (early in January
    they run into the coming weeks: an article may carry a date ahead)."""
    today = timezone.localdate()
    first_monday = date(today.year, 1, 1) + timedelta(days=(7 - date(today.year, 1, 1).weekday()) % 7)
    start = max(today - timedelta(days=today.weekday()) - timedelta(weeks=count - 1), first_monday)
    return [start + timedelta(weeks=n) for n in range(count)]


def article_workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tiêu đề", "Địa chỉ bài", "Ngày đăng", "Báo in"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def feed_file(path, items):
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{published}</pubDate></item>"
        for title, link, published in items
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Công đoàn Ngân hàng Việt Nam</title><link>https://congdoannganhang.org.vn</link>"
        f"<description>Tin bài</description>{entries}</channel></rss>",
        encoding="utf-8",
    )
    return path


def rss_date(day: date) -> str:
    return day.strftime("%a, %d %b %Y 09:00:00 +0700")


def test_the_bank_unions_officer_runs_the_campaign_from_plan_to_report(page, bank, tmp_path):
    union, officer, tld_plan = bank
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, officer.username)

    # 1. TLĐ's plan: the bank union issues its own plan implementing it.
    page.goto("/tuyen-truyen/quan-ly/ke-hoach/")
    page.get_by_role("link", name=TLD_PLAN).click()
    page.get_by_role("link", name="Ban hành kế hoạch thực hiện").click()
    page.get_by_label("Tên kế hoạch").fill(BANK_PLAN)
    page.get_by_label("Công đoàn vì lợi ích đoàn viên").check()
    page.get_by_label("Số văn bản").fill("15/KH-CĐNH")
    page.get_by_label("Ngày ban hành").fill(f"02/01/{today.year}")
    page.get_by_label("Giai đoạn từ ngày").fill(f"01/01/{today.year}")
    page.get_by_label("Giai đoạn đến ngày").fill(f"31/12/{today.year}")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main .alert-success")).to_contain_text(BANK_PLAN)
    expect(page.locator("main")).to_contain_text(TLD_PLAN)  # what it implements
    page.screenshot(path=str(SCREENSHOT_DIR / "campaign-plan.png"), full_page=True)
    bank_plan = Campaign.objects.get(unit=union, title=BANK_PLAN)
    assert bank_plan.implements == tld_plan

    # TLĐ's plan now counts the bank union among the units below that have issued theirs.
    page.goto(f"/tuyen-truyen/quan-ly/ke-hoach/{tld_plan.pk}/")
    expect(page.locator("main")).to_contain_text("Công đoàn Ngân hàng Việt Nam")

    # 2. A section on the union's website.
    page.goto("/tuyen-truyen/quan-ly/bao-chi/")
    page.get_by_role("link", name="Mở chuyên mục").click()
    page.get_by_label("Tên chuyên mục").fill("Công đoàn vì lợi ích đoàn viên")
    page.get_by_label("Chủ đề").select_option(Theme.MEMBER_BENEFITS)
    page.get_by_label("Kế hoạch").select_option(label=f"{BANK_PLAN}")
    page.get_by_label("Ngày mở").fill(f"05/01/{today.year}")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main .alert-success")).to_contain_text("Đã mở chuyên mục")
    section_url = page.url

    # 3. Ten articles from a spreadsheet, two to four a week.
    weeks = recent_mondays(5)
    rows = [
        (f"Đoàn viên ngân hàng được giảm giá tuần {n // 2 + 1} bài {n + 1}",
         f"https://congdoannganhang.org.vn/tin/bai-{n + 1}", weeks[n // 2].strftime("%d/%m/%Y"),
         "Không")
        for n in range(10)
    ]
    page.get_by_role("link", name="Nhập từ tệp Excel/CSV").click()
    page.locator("input[type=file]").set_input_files(str(article_workbook(tmp_path / "bai-viet.xlsx", rows)))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator("#import-preview")).to_contain_text("10 bài viết sẽ được nhập")
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("main .alert-success")).to_contain_text("Đã nhập 10 bài viết")

    # 4. The website's RSS file: a bad date first (nothing written, the entry named), then three good entries.
    good = [(f"Tin RSS {n}", f"https://congdoannganhang.org.vn/rss/{n}", rss_date(weeks[-2] + timedelta(days=n)))
            for n in range(1, 4)]
    bad = [*good[:2], ("Tin lỗi ngày", "https://congdoannganhang.org.vn/rss/loi", "ngày 45 tháng 13")]
    page.goto(section_url)
    page.get_by_role("link", name="Nhập từ tệp RSS/Atom").click()
    page.locator("input[type=file]").set_input_files(str(feed_file(tmp_path / "bad.xml", bad)))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator("#import-errors tr[data-row='3']")).to_contain_text("Ngày đăng")
    assert Article.objects.filter(section__outlet__unit=union).count() == 10
    page.locator("input[type=file]").set_input_files(str(feed_file(tmp_path / "tin.xml", good)))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator("#import-preview")).to_contain_text("3 bài viết sẽ được nhập")
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("main .alert-success")).to_contain_text("Đã nhập 3 bài viết")
    assert Article.objects.filter(section__outlet__unit=union).count() == 13

    # 5. The launch conference, counted in Phụ lục 03 row 1.1.1.
    page.goto("/tuyen-truyen/quan-ly/hoat-dong/them/")
    page.get_by_label("Loại hoạt động").select_option(label="Hội nghị triển khai")
    page.get_by_label("Tên hoạt động").fill("Hội nghị triển khai kế hoạch tuyên truyền")
    page.get_by_label("Ngày tổ chức").fill(weeks[0].strftime("%d/%m/%Y"))
    page.get_by_label("Số người tham gia").fill("120")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main .alert-success")).to_contain_text("Đã ghi nhận hoạt động")

    # 6. The quota board: one row for the section, its weeks counted against the quota of two.
    page.goto("/tuyen-truyen/quan-ly/bang-chi-tieu/")
    row = page.locator("tbody tr", has_text="Công đoàn vì lợi ích đoàn viên").first
    expect(row).to_be_visible()
    week_cell = row.locator(f"td[data-week='{weeks[0].isocalendar().week}']")
    expect(week_cell).to_contain_text("2")
    page.screenshot(path=str(SCREENSHOT_DIR / "quota-board.png"), full_page=True)

    # 7. Members and the public: the articles, grouped by theme, linking out.
    page.context.clear_cookies()
    page.goto("/tuyen-truyen/")
    benefits = page.locator(f"[data-testid=theme-{Theme.MEMBER_BENEFITS}]")
    expect(benefits.get_by_role("link", name="Tin RSS 3")).to_have_attribute(
        "href", "https://congdoannganhang.org.vn/rss/3"
    )
    page.screenshot(path=str(SCREENSHOT_DIR / "public-articles.png"), full_page=True)

    # 8. Phụ lục 03 of the bank union opens with the campaign's figures, marked as prefilled.
    log_in(page, officer.username)
    page.goto(f"/bao-cao/{union.pk}/PL03/{today.year}/")
    for key, figure in (("conferences", "1"), ("conference_participants", "120"),
                        ("documents_posted", "13"), ("articles", "13")):
        expect(page.locator(f'[name="v.{key}.value"]')).to_have_value(figure)
        expect(page.locator(f"#row-{key} .prefill-badge")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "pl03-prefilled.png"), full_page=True)
