"""Every demo account printed by `manage.py seed_demo` logs in through the real login page."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser


def test_the_anonymous_home_page_is_in_vietnamese(page):
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page).to_have_title(re.compile("Tổng Liên đoàn Lao động Việt Nam"))
    expect(page.get_by_role("navigation").get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_each_demo_account_logs_in_sees_its_home_and_logs_out(page):
    call_command("seed_demo", force=True)  # pytest runs with DEBUG off
    assert DEMO_ACCOUNTS, "organizations.demo.DEMO_ACCOUNTS is empty"

    for account in DEMO_ACCOUNTS:
        who = f"demo account {account['username']!r} ({account['role_label']})"
        try:
            page.goto("/tai-khoan/dang-nhap/")
            page.locator("input[name=username]").fill(account["username"])
            page.locator("input[name=password]").fill(account["password"])
            page.locator("main form").get_by_role("button", name="Đăng nhập").click()

            expect(page.locator("main h1")).to_contain_text(account["home_heading"])
            # Every role's top bar stays on one line at a desktop width (1280 px, the context's default).
            height = page.locator("nav.navbar").evaluate("bar => bar.getBoundingClientRect().height")
            assert height < 80, f"the top bar wraps at 1280 px: {height:.0f} px high"

            page.locator("[data-testid=user-menu]").click()
            page.get_by_role("button", name="Đăng xuất").click()

            expect(page.locator("[data-testid=user-menu]")).to_have_count(0)
            expect(page.get_by_role("navigation").get_by_role("link", name="Đăng nhập")).to_be_visible()
        except AssertionError as error:
            raise AssertionError(f"{who}: {error}") from error
