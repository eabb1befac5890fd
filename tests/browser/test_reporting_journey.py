"""A month of Phụ lục 02 as people live it, in headless Chromium.

The officer of a grassroots union (company A) fills this month's Phụ lục 02 and submits it; the
reviewer above (LĐLĐ An Giang) returns it with a comment on one row; the officer sees the
comment next to the row, corrects it and resubmits; the reviewer approves; the province's
consolidation shows the figure and the compliance list counts the report as approved.

Screenshots for a person to look at: var/screenshots/report-form-desktop.png,
report-form-phone.png and review.png.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reporting.definitions import ensure_forms_loaded
from reporting.models import Form, Submission
from reporting.services import (
    form_assign,
    period_get_or_create,
    submission_approve,
    submission_open,
    submission_save,
    submission_submit,
)
from tests.browser.conftest import SCREENSHOT_DIR
from tests.factories import TEST_PASSWORD, user_with_role

pytestmark = pytest.mark.browser


@pytest.fixture
def this_month(tree, actors):
    ensure_forms_loaded()
    today = timezone.localdate()
    form = Form.objects.get(code="PL02")
    form_assign(form=form, units=[tree.company_a, tree.hospital], valid_from=date(today.year, 1, 1))
    return period_get_or_create(form=form, year=today.year, month=today.month)


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("[data-testid=user-menu]")).to_be_visible()


def cell(page, row_key, column="value"):
    return page.locator(f'[name="v.{row_key}.{column}"]')


def wait_saved(page):
    expect(page.locator("#save-status")).to_contain_text("Đã lưu lúc")


def approved_last_month(unit, period, officer, reviewer, **values):
    """Last month's report, approved: the reviewer sees this month's beside it."""
    earlier = period.starts_on - timedelta(days=1)
    last = period_get_or_create(form=period.form, year=earlier.year, month=earlier.month)
    submission = submission_open(unit=unit, period=last, by=officer)
    submission = submission_save(submission=submission, cells={(k, "value"): v for k, v in values.items()},
                                 expected_version=submission.version, by=officer).submission
    submission = submission_submit(submission=submission, expected_version=submission.version, by=officer)
    return submission_approve(submission=submission, expected_version=submission.version, by=reviewer)


def test_an_officer_reports_the_month_and_the_reviewer_returns_then_approves(page, tree, actors, this_month):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    approved_last_month(tree.company_a, this_month, actors.officer_a, actors.reviewer_an_giang,
                        directives="1", inspections="2", loans="8", loans_support_fund="3", partner_value="980",
                        achievements="Ký thỏa thuận với nhà sách Fahasa.")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The officer starts from the home page, where this month's report waits with its due date.
    log_in(page, actors.officer_a.username)
    deadlines = page.locator("[data-testid=deadlines]")
    expect(deadlines).to_contain_text(f"PL02 · {this_month.label}")
    expect(deadlines).to_contain_text(this_month.due_date.strftime("%d/%m/%Y"))
    deadlines.get_by_role("link", name=re.compile("PL02")).click()

    expect(page.locator("h1")).to_contain_text("Năm vì lợi ích đoàn viên")
    expect(page.get_by_role("columnheader", name="Nội dung và chỉ tiêu báo cáo")).to_be_visible()

    cell(page, "directives").fill("2")
    cell(page, "inspections").fill("2,5")  # not a whole number: told next to the cell
    cell(page, "inspections").press("Tab")
    expect(page.locator("#err--inspections--value")).to_have_text("Dòng này chỉ nhận số nguyên.")
    expect(cell(page, "inspections")).to_have_value("2,5")  # what was typed stays
    expect(cell(page, "inspections")).to_have_class(re.compile("is-invalid"))
    cell(page, "inspections").fill("1")
    cell(page, "loans").fill("10")
    cell(page, "loans_support_fund").fill("4")
    cell(page, "partner_value").fill("1234,5")
    cell(page, "achievements").fill("Triển khai thỏa thuận với siêu thị Co.op đến toàn bộ đoàn viên.")
    cell(page, "achievements").press("Tab")
    wait_saved(page)
    expect(page.locator("#err--inspections--value")).to_be_empty()
    expect(page.locator("[data-testid=ready]")).to_be_visible()

    page.reload()  # saved for real: the page reads it back the Vietnamese way
    expect(cell(page, "partner_value")).to_have_value("1.234,5")
    expect(cell(page, "inspections")).to_have_value("1")
    page.screenshot(path=str(SCREENSHOT_DIR / "report-form-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOT_DIR / "report-form-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("main .alert-success")).to_contain_text("Đã gửi báo cáo lên Liên đoàn Lao động huyện Châu Thành")
    expect(page.locator("[data-testid=state-alert]")).to_contain_text("đang chờ duyệt")

    # The reviewer above finds it in the queue and returns it with a comment on the loans row.
    log_in(page, actors.reviewer_an_giang.username)
    expect(page.locator("[data-testid=review-queue-count]")).to_contain_text("1 báo cáo đang chờ bạn duyệt")
    page.get_by_role("link", name="Mở danh sách chờ duyệt").click()
    rows = page.locator("[data-testid=queue-row]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Công đoàn cơ sở Công ty A")
    rows.first.get_by_role("link", name="Xem và duyệt").click()
    expect(page.locator("#row-loans")).to_contain_text("10")
    expect(page.locator("#row-loans .col-previous")).to_have_text("8")  # last month, side by side
    page.screenshot(path=str(SCREENSHOT_DIR / "review.png"), full_page=True)

    page.locator("#row-loans summary").click()
    page.locator("#y--loans").fill("Số đoàn viên vay vốn chưa khớp sổ quỹ: 12 người.")
    page.get_by_label("Ý kiến chung khi trả lại").fill("Đề nghị xem lại dòng vay vốn.")
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.locator("main .alert-success")).to_contain_text("Đã trả lại báo cáo")
    expect(page.locator("[data-testid=review-queue-empty]")).to_be_visible()

    # The officer sees the comment next to the row, corrects it and sends the report again.
    log_in(page, actors.officer_a.username)
    page.locator("[data-testid=deadlines]").get_by_role("link", name=re.compile("PL02")).click()
    expect(page.locator("[data-testid=returned-alert]")).to_contain_text("Đề nghị xem lại dòng vay vốn.")
    expect(page.locator("#row-loans [data-testid=review-comment]")).to_contain_text("chưa khớp sổ quỹ: 12 người")
    cell(page, "loans").fill("12")
    cell(page, "loans").press("Tab")
    wait_saved(page)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("[data-testid=state-alert]")).to_contain_text("đang chờ duyệt")
    history = page.locator("[data-testid=history]")
    expect(history).to_contain_text("Bị trả lại")
    expect(history).to_contain_text("Số đoàn viên vay vốn chưa khớp sổ quỹ")

    # The reviewer approves.
    log_in(page, actors.reviewer_an_giang.username)
    page.goto("/bao-cao/duyet/")
    page.locator("[data-testid=queue-row]").first.get_by_role("link", name="Xem và duyệt").click()
    expect(page.locator("#row-loans")).to_contain_text("12")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator("main .alert-success")).to_contain_text("Đã duyệt báo cáo của Công đoàn cơ sở Công ty A")
    submission = Submission.objects.get(unit=tree.company_a, period=this_month)
    assert submission.status == "approved"
    assert submission.submitted_late == (timezone.localdate() > this_month.due_date)

    # The province's consolidation shows the approved figure at once.
    page.goto(f"/bao-cao/tong-hop/?don_vi={tree.an_giang.code}&bieu_mau=PL02&ky={this_month.slug}")
    expect(page.locator('[data-cell="loans/value"]')).to_have_text("12")  # this month only
    expect(page.locator('[data-cell="partner_value/value"]')).to_have_text("1.234,5")

    # And the compliance list (Phụ lục 04) counts company A as approved, the hospital as missing.
    page.goto(f"/bao-cao/tinh-hinh-nop/?don_vi={tree.an_giang.code}&bieu_mau=PL02&ky={this_month.slug}")
    expect(page.locator(f'tr[data-unit="{tree.company_a.code}"]')).to_have_attribute("data-status", "approved")
    expect(page.locator(f'tr[data-unit="{tree.hospital.code}"]')).to_have_attribute("data-status", "missing")


def test_nothing_typed_is_lost_offline_or_when_someone_else_saved_first(page, browser, live_server, tree, actors, this_month):
    log_in(page, actors.officer_a.username)
    page.goto(f"/bao-cao/{tree.company_a.pk}/PL02/{this_month.slug}/")
    cell(page, "directives").fill("3")
    cell(page, "directives").press("Tab")
    wait_saved(page)

    # The connection drops: the page says so, keeps the value and saves it once back online.
    page.context.set_offline(True)
    cell(page, "inspections").fill("4")
    cell(page, "inspections").press("Tab")
    expect(page.locator("#save-status")).to_have_text("Chưa lưu được — sẽ thử lại")
    expect(cell(page, "inspections")).to_have_value("4")
    page.context.set_offline(False)
    wait_saved(page)
    submission = Submission.objects.get(unit=tree.company_a, period=this_month)
    assert submission.values.get(row__key="inspections").number == 4

    # Saving fails and the tab is closed: the copy kept in the browser is offered back.
    page.route("**/bao-cao/so/*/luu/", lambda route: route.abort())
    cell(page, "culture_sport").fill("250")
    cell(page, "culture_sport").press("Tab")
    expect(page.locator("#save-status")).to_have_text("Chưa lưu được — sẽ thử lại")
    page.unroute("**/bao-cao/so/*/luu/")
    page.reload()
    expect(cell(page, "culture_sport")).to_have_value("")
    banner = page.locator("[data-testid=restore-banner]")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Khôi phục").click()
    expect(cell(page, "culture_sport")).to_have_value("250")
    wait_saved(page)
    assert submission.values.get(row__key="culture_sport").number == 250

    # A colleague opens the same draft and saves first: the second save is refused, and told.
    user_with_role(tree.company_a, "officer", username="can_bo_a_2", full_name="Hồ Thị Giang")
    other = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        colleague = other.new_page()
        log_in(colleague, "can_bo_a_2")
        colleague.goto(f"/bao-cao/{tree.company_a.pk}/PL02/{this_month.slug}/")
        cell(colleague, "loans").fill("5")
        cell(colleague, "loans").press("Tab")
        wait_saved(colleague)
    finally:
        other.close()
    cell(page, "loans").fill("50")
    cell(page, "loans").press("Tab")
    expect(page.locator("[data-testid=form-alert]")).to_contain_text("Báo cáo vừa được người khác thay đổi")
    expect(page.locator("[data-testid=form-alert]")).to_contain_text("tải lại trang")
    expect(cell(page, "loans")).to_have_value("50")
    assert submission.values.get(row__key="loans").number == 5
    # After reloading, what they typed is offered back on top of the colleague's version.
    page.reload()
    expect(cell(page, "loans")).to_have_value("5")
    expect(page.locator("[data-testid=restore-banner]")).to_be_visible()
