"""Under the Content Security Policy the pages still work in Chromium, and Chromium reports no
violation: htmx loads the notification badge and filters the catalogue, the form selector of
the consolidation submits itself (static/js/portal.js), the two-factor page shows its QR code.

A violation is what Chromium writes to the console ("Refused to execute inline script because
it violates the following Content Security Policy directive…") and the
`securitypolicyviolation` event; both are collected on every page visited.
"""

import pytest
from playwright.sync_api import expect

from reporting.definitions import ensure_forms_loaded
from tests.browser.test_reporting_journey import log_in
from tests.factories import AgreementFactory, OfferFactory, PartnerFactory

pytestmark = pytest.mark.browser

WATCH_VIOLATIONS = """
() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
  });
}
"""


def watch(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(WATCH_VIOLATIONS)
    return messages


def violations(page, console: list[str]) -> list[str]:
    return console + page.evaluate("() => window.__cspViolations || []")


def test_pages_work_under_the_policy_without_violations(page, tree, actors):
    ensure_forms_loaded()
    partner = PartnerFactory(unit=tree.tld, name="Siêu thị Co.opmart")
    OfferFactory(agreement=AgreementFactory(partner=partner, scope="nationwide"), title="Giảm 10% hóa đơn tại Co.opmart")
    OfferFactory(agreement=AgreementFactory(partner=partner, scope="nationwide"), title="Khách sạn nghỉ dưỡng Vũng Tàu")
    console = watch(page)
    found: dict[str, list[str]] = {}

    # The public catalogue: htmx filters the offers as a person types.
    page.goto("/uu-dai/")
    expect(page.get_by_text("Khách sạn nghỉ dưỡng Vũng Tàu")).to_be_visible()
    page.locator("#id_q").fill("khach san")
    expect(page.get_by_text("Giảm 10% hóa đơn tại Co.opmart")).to_be_hidden()
    expect(page.get_by_text("Khách sạn nghỉ dưỡng Vũng Tàu")).to_be_visible()
    found["/uu-dai/"] = violations(page, console)

    log_in(page, "duyet_ag")
    # htmx loads the notification badge on every page (hx-trigger="load").
    page.wait_for_load_state("networkidle")
    for path in ["/", "/bao-cao/duyet/", "/don-vi/", "/tai-khoan/xac-thuc-hai-buoc/", "/api/docs/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found[path] = violations(page, console)
    expect(page.locator("#swagger-ui")).to_contain_text("API", timeout=15_000)

    # The consolidation's form selector submits itself when changed (no onchange= attribute).
    page.goto("/bao-cao/tong-hop/")
    selector = page.locator("#id_bieu_mau")
    other = selector.locator("option").nth(1).get_attribute("value")
    with page.expect_navigation():
        selector.select_option(other)
    assert f"bieu_mau={other}" in page.url
    found["/bao-cao/tong-hop/"] = violations(page, console)

    page.goto("/tai-khoan/xac-thuc-hai-buoc/")
    expect(page.locator("[data-testid=two-factor-qr] svg")).to_be_visible()

    assert {path: v for path, v in found.items() if v} == {}
