"""The dashboard as the reviewer of a province uses it, in headless Chromium, on a desktop (1280 px)
and on a phone (390 px).

The reviewer of LĐLĐ An Giang opens the dashboard: every section loads, the charts are drawn (the
canvas holds the colours of their bars, not just a white rectangle), the table beside a chart
writes its figures the Vietnamese way, and a click on Châu Thành's bar in "this month's reports
by unit below" leads to Châu Thành's own dashboard.

Screenshots kept for people to look at (CI artifacts): var/screenshots/dashboard-desktop.png,
dashboard-district-desktop.png, dashboard-phone.png and dashboard-district-phone.png.
"""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Unit
from reporting.choices import SubmissionStatus
from reporting.definitions import ensure_forms_loaded
from reporting.models import Form
from reporting.services import form_assign, period_get_or_create
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.test_reporting_journey import log_in
from tests.factories import ArticleFactory, BenefitUsageFactory, PartnerFactory, SectionFactory, user_with_role
from tests.reporting.test_consolidation import report

pytestmark = pytest.mark.browser

SECTIONS = ("reporting", "welfare", "benefits", "campaigns")
APPROVED_GREEN = (25, 135, 84)  # dashboards.charts.COLOURS["approved"]
PORTAL_BLUE = (11, 79, 156)  # dashboards.charts.COLOURS["primary"]

COUNT_COLOUR = """
([canvas, rgb]) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let near = 0, coloured = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
    if (a > 0 && !(r > 240 && g > 240 && b > 240)) coloured++;
    if (Math.abs(r - rgb[0]) < 12 && Math.abs(g - rgb[1]) < 12 && Math.abs(b - rgb[2]) < 12) near++;
  }
  return {near, coloured, total: data.length / 4};
}
"""

BAR_CENTRE = """
([canvas, label]) => {
  const chart = Chart.getChart(canvas);
  const index = chart.data.labels.indexOf(label);
  if (index < 0) return null;
  for (let k = 0; k < chart.data.datasets.length; k++) {
    if (chart.data.datasets[k].data[index] > 0) {
      const point = chart.getDatasetMeta(k).data[index].getCenterPoint();
      return {x: point.x, y: point.y};
    }
  }
  return null;
}
"""


@pytest.fixture(autouse=True)
def dashboard_cache(monkeypatch):
    """Figures cached by an earlier test for a reused unit id must not show here."""
    from django.core.cache.backends.locmem import LocMemCache

    monkeypatch.setattr("dashboards.cache.cache", LocMemCache("browser-dashboards", {}))


@pytest.fixture
def province_year(tree, actors):
    """This month of Phụ lục 02 in An Giang: A approved, the hospital waiting, Châu Thành a draft;
    a month of usage worth 1.234,5 million VND; a section with articles this week."""
    ensure_forms_loaded()
    today = timezone.localdate()
    form = Form.objects.get(code="PL02")
    form_assign(form=form, units=Unit.objects.all(), valid_from=date(today.year, 1, 1))
    period = period_get_or_create(form=form, year=today.year, month=today.month)
    reviewer = actors.reviewer_an_giang
    admin = actors.system_admin
    report(tree.company_a, period, admin, reviewer=reviewer, housing="3", housing_new="2", housing_repair="1",
           sick_visits_aid="4", culture_sport="25")
    report(tree.hospital, period, admin, status=SubmissionStatus.SUBMITTED, culture_sport="12")
    report(tree.chau_thanh, period, admin, status=SubmissionStatus.DRAFT, directives="1")
    partner = PartnerFactory(unit=tree.an_giang, name="Siêu thị Co.opmart Long Xuyên")
    BenefitUsageFactory(unit=tree.company_a, partner=partner, month=today.replace(day=1), members_count=1500,
                        value_million="1234.5")
    section = SectionFactory(outlet__unit=tree.an_giang, opened_on=date(today.year, 1, 1))
    ArticleFactory(section=section, published_on=today)
    return period


def open_dashboard(page, path="/bang-dieu-khien/"):
    page.goto(path)
    for section in SECTIONS:
        expect(page.locator(f'[data-dashboard-section="{section}"]')).to_have_attribute("data-loaded", "1")


def drawn(page, chart_key):
    canvas = page.locator(f"#chart-{chart_key} canvas")
    expect(canvas).to_have_attribute("data-drawn", "1")
    return canvas


def colour_count(canvas, rgb):
    return canvas.evaluate(COUNT_COLOUR.replace("([canvas, rgb])", "(canvas, rgb)"), list(rgb))


def test_the_reviewer_of_a_province_reads_the_dashboard_and_drills_down(page, tree, actors, province_year):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    errors = []
    page.on("console", lambda message: errors.append(f"{message.text} {message.location.get('url', '')}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, actors.reviewer_an_giang.username)
    for width, height, name in ((1280, 900, "desktop"), (390, 844, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        open_dashboard(page)
        expect(page.locator("[data-testid=dashboard-unit]")).to_have_text("Liên đoàn Lao động tỉnh An Giang")

        # The charts are drawn: the approved report's green in the bars by unit, the portal's
        # blue in the members' usage; the canvas is far from blank.
        by_unit = drawn(page, "status_by_unit")
        counts = colour_count(by_unit, APPROVED_GREEN)
        assert counts["near"] > 50, counts
        assert counts["coloured"] > counts["total"] * 0.02, counts
        assert colour_count(drawn(page, "usage_by_month"), PORTAL_BLUE)["near"] > 50
        for key in ("submission_rates", "agreements_in_force", "housing", "quota_weeks", "articles_by_month"):
            assert colour_count(drawn(page, key), (0, 0, 0))["coloured"] > 0, key

        # Each chart states what it counts and has its figures as a table, written the Vietnamese way.
        usage = page.locator("#chart-usage_by_month")
        expect(usage.locator("figcaption")).to_contain_text("triệu đồng")
        table = usage.locator("table")
        expect(table).to_be_hidden()
        usage.get_by_role("button", name="Xem bảng số liệu").click()
        expect(table).to_be_visible()
        month = f"{timezone.localdate().month:02d}/{timezone.localdate().year}"
        row = table.locator("tbody tr", has=page.locator("th", has_text=month))
        expect(row.locator("td").nth(0)).to_have_text("1.500")
        expect(row.locator("td").nth(2)).to_have_text("1.234,5")
        expect(usage.get_by_role("button", name="Ẩn bảng số liệu")).to_have_attribute("aria-expanded", "true")
        expect(usage.get_by_role("link", name="Tải số liệu (.xlsx)")).to_have_attribute(
            "href", re.compile(r"/api/v1/dashboard/xlsx/\?unit=\d+&year=\d{4}&section=welfare&chart=usage_by_month"))
        with page.expect_download() as download:
            usage.get_by_role("button", name="Tải ảnh (PNG)").click()
        assert download.value.suggested_filename == f"bang-dieu-khien-usage_by_month-AG-{timezone.localdate().year}.png"
        page.screenshot(path=str(SCREENSHOT_DIR / f"dashboard-{name}.png"), full_page=True)

        # A click on Châu Thành's bar opens Châu Thành's dashboard.
        centre = by_unit.evaluate(BAR_CENTRE.replace("([canvas, label])", "(canvas, label)"),
                                  "Liên đoàn Lao động huyện Châu Thành")
        assert centre is not None
        by_unit.click(position=centre)
        expect(page).to_have_url(re.compile(r"/bang-dieu-khien/\?don_vi=AG-CT&nam=\d{4}$"))
        open_dashboard(page, page.url)
        expect(page.locator("[data-testid=dashboard-unit]")).to_have_text("Liên đoàn Lao động huyện Châu Thành")
        district = drawn(page, "status_by_unit")
        expect(page.locator("#chart-status_by_unit")).to_contain_text("Bấm vào một thanh")
        assert colour_count(district, APPROVED_GREEN)["near"] > 50  # Công ty A, approved
        page.screenshot(path=str(SCREENSHOT_DIR / f"dashboard-district-{name}.png"), full_page=True)

    # Nothing refused by the Content-Security-Policy, no script error (the site has no favicon yet).
    assert [e for e in errors if "/favicon.ico" not in e] == [], errors


def test_an_officer_of_another_province_cannot_open_it(page, tree, actors, province_year):
    officer = user_with_role(tree.ha_noi, "officer", username="can_bo_hn_browser", full_name="Đinh Thị Hà")
    log_in(page, officer.username)
    response = page.goto("/bang-dieu-khien/?don_vi=AG")
    assert response.status == 404
