"""The reporting section (`/api/v1/dashboard/reporting/`): rates per month, this month's states by
unit below, the slowest units, on the year of tests/dashboards/scenario.py (today 28/11/2026)."""

from datetime import date

import pytest

from dashboards import selectors
from organizations.models import Unit
from reporting.selectors import compliance_counts
from reporting.services import form_assign
from tests.dashboards.scenario import chart, series
from tests.factories import UnitFactory, province

URL = "/api/v1/dashboard/reporting/"
NOTHING_BEFORE_OCTOBER = [None] * 9  # no period of PL02 exists for January–September in the scenario


@pytest.fixture
def reviewer_tld(year_of_reports):
    return year_of_reports.reviewer_tld


def get(client, user, unit=None, year=2026):
    client.force_login(user)
    query = {"year": year} | ({"unit": unit.pk} if unit else {})
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_national_rates_per_month(client, tree, year_of_reports, reviewer_tld, today):
    payload = get(client, reviewer_tld)
    assert payload["unit"]["code"] == "TLD" and payload["year"] == 2026 and payload["as_of"] == "2026-11-28"
    # October: 6 units below owe it; A, B (on time) and the hospital (late) sent it: 3/6 and 2/6.
    # November: A, An Giang, Châu Thành (on time) and the hospital (late): 4/6 and 3/6.
    assert series(payload, "submission_rates", "expected") == [*NOTHING_BEFORE_OCTOBER, 6, 6, None]
    assert series(payload, "submission_rates", "sent") == [*NOTHING_BEFORE_OCTOBER, 3, 4, None]
    assert series(payload, "submission_rates", "sent_on_time") == [*NOTHING_BEFORE_OCTOBER, 2, 3, None]
    assert series(payload, "submission_rates", "sent_rate") == [*NOTHING_BEFORE_OCTOBER, 50.0, 66.7, None]
    assert series(payload, "submission_rates", "on_time_rate") == [*NOTHING_BEFORE_OCTOBER, 33.3, 50.0, None]
    assert chart(payload, "submission_rates")["labels"][10] == "11/2026"


def test_a_province_counts_only_the_units_below_it(client, tree, actors, year_of_reports, today):
    payload = get(client, actors.reviewer_an_giang)
    assert payload["unit"]["code"] == "AG"
    # Châu Thành, Công ty A, Bệnh viện. October: A on time, the hospital late, Châu Thành a draft.
    assert series(payload, "submission_rates", "sent_rate")[9:11] == [66.7, 100.0]
    assert series(payload, "submission_rates", "on_time_rate")[9:11] == [33.3, 66.7]


def test_the_rates_are_those_of_phu_luc_04(tree, year_of_reports):
    """The same units, the same states: the dashboard never disagrees with the compliance list."""
    charts = selectors.reporting_charts(unit=tree.tld, year=2026, today=date(2026, 11, 28))
    rates = next(c for c in charts if c.key == "submission_rates")
    for month, period in ((10, year_of_reports.october), (11, year_of_reports.november)):
        counts = compliance_counts(unit=tree.tld, period=period)
        by_key = {s.key: s.data[month - 1] for s in rates.series}
        assert by_key["expected"] == counts.expected
        assert by_key["sent"] == counts.sent
        assert by_key["sent_on_time"] == counts.sent_on_time
        assert by_key["sent_rate"] == counts.sent_rate and by_key["on_time_rate"] == counts.on_time_rate


def test_this_months_states_by_unit_below(client, tree, actors, year_of_reports, reviewer_tld, today):
    national = chart(get(client, reviewer_tld), "status_by_unit")
    assert national["title"] == "Tình trạng báo cáo Tháng 11/2026 theo đơn vị trực thuộc"
    assert national["labels"] == ["Liên đoàn Lao động tỉnh An Giang", "Liên đoàn Lao động Thành phố Hà Nội"]
    assert national["links"] == ["/bang-dieu-khien/?don_vi=AG&nam=2026", "/bang-dieu-khien/?don_vi=HN&nam=2026"]
    # An Giang's bar: itself (sent), Châu Thành (returned), A (approved), hospital (sent).
    # Hà Nội's: itself (nothing), B (draft).
    assert {s["key"]: s["data"] for s in national["series"]} == {
        "approved": [1, 0], "submitted": [2, 0], "returned": [1, 0], "draft": [0, 1], "missing": [0, 1],
    }
    province = chart(get(client, actors.reviewer_an_giang), "status_by_unit")
    assert province["labels"] == ["Liên đoàn Lao động huyện Châu Thành", "Công đoàn Bệnh viện An Giang"]
    assert {s["key"]: s["data"] for s in province["series"]} == {
        "approved": [1, 0], "submitted": [0, 1], "returned": [1, 0], "draft": [0, 0], "missing": [0, 0],
    }


def test_beyond_the_bar_limit_the_smaller_units_share_one_bar(client, tree, actors, year_of_reports, today, monkeypatch):
    extra = UnitFactory(parent=tree.an_giang, code="AG-X", name="Công đoàn Trường học X", province=province(91))
    form_assign(form=year_of_reports.form, units=[extra], valid_from=date(2026, 1, 1))
    monkeypatch.setattr(selectors, "MAX_BARS", 2)
    bars = chart(get(client, actors.reviewer_an_giang), "status_by_unit")
    # Châu Thành has two units owing the report; the hospital and school X one each.
    assert bars["labels"] == ["Liên đoàn Lao động huyện Châu Thành", "Các đơn vị khác (2)"]
    assert bars["links"][1] is None
    assert {s["key"]: s["data"] for s in bars["series"]}["submitted"] == [0, 1]
    assert {s["key"]: s["data"] for s in bars["series"]}["missing"] == [0, 1]


def test_a_past_year_shows_december_and_a_future_one_nothing(client, tree, actors, year_of_reports, today):
    past = chart(get(client, actors.reviewer_an_giang, year=2025), "status_by_unit")
    assert past["labels"] == [] and past["note"] == "Chưa có kỳ báo cáo tháng này."
    future = get(client, actors.reviewer_an_giang, year=2027)
    assert series(future, "submission_rates", "sent_rate") == [None] * 12


def test_the_slowest_units(client, tree, year_of_reports, reviewer_tld, today):
    slowest = chart(get(client, reviewer_tld), "slowest_units")
    assert [c["key"] for c in slowest["columns"]] == ["unit", "parent", "owed", "late", "not_sent"]
    # Two months are past due. Hà Nội sent neither; the hospital sent both late; An Giang missed
    # October; Châu Thành's October stayed a draft; B's November is a draft. A is never late.
    assert slowest["rows"] == [
        ["Liên đoàn Lao động Thành phố Hà Nội", "Tổng Liên đoàn Lao động Việt Nam", 2, 0, 2],
        ["Công đoàn Bệnh viện An Giang", "Liên đoàn Lao động tỉnh An Giang", 2, 2, 0],
        ["Liên đoàn Lao động tỉnh An Giang", "Tổng Liên đoàn Lao động Việt Nam", 2, 0, 1],
        ["Liên đoàn Lao động huyện Châu Thành", "Liên đoàn Lao động tỉnh An Giang", 2, 0, 1],
        ["Công đoàn cơ sở Công ty B", "Liên đoàn Lao động Thành phố Hà Nội", 2, 0, 1],
    ]
    assert slowest["row_links"][1] == "/bang-dieu-khien/?don_vi=AG-BV&nam=2026"


def test_before_any_due_date_nobody_is_slow(tree, year_of_reports):
    charts = selectors.reporting_charts(unit=tree.tld, year=2026, today=date(2026, 10, 25))
    slowest = next(c for c in charts if c.key == "slowest_units")
    assert slowest.rows == [] and slowest.empty_text


def test_a_unit_without_units_below_has_no_rates(client, tree, actors, year_of_reports, today):
    payload = get(client, actors.officer_a)
    assert payload["unit"]["code"] == "AG-CT-A"
    assert series(payload, "submission_rates", "expected")[9:11] == [0, 0]
    assert series(payload, "submission_rates", "sent_rate")[9:11] == [None, None]
    assert Unit.objects.get(code="AG-CT-A").numchild == 0


def test_units_that_start_or_stop_owing_the_report_within_the_year_count_only_their_months(tree, year_of_reports):
    """Hà Nội's union B stops owing it before November's due date; a new union owes it from November on."""
    from reporting.models import FormAssignment

    FormAssignment.objects.filter(unit=tree.company_b, form=year_of_reports.form).update(valid_until=date(2026, 11, 1))
    newcomer = UnitFactory(parent=tree.ha_noi, code="HN-MOI", province=province(1))
    form_assign(form=year_of_reports.form, units=[newcomer], valid_from=date(2026, 11, 1))
    today = date(2026, 11, 28)
    charts = {c.key: c for c in selectors.reporting_charts(unit=tree.tld, year=2026, today=today)}
    by_key = {s.key: s.data for s in charts["submission_rates"].series}
    for month, period in ((10, year_of_reports.october), (11, year_of_reports.november)):
        counts = compliance_counts(unit=tree.tld, period=period)
        assert (by_key["expected"][month - 1], by_key["sent"][month - 1], by_key["sent_on_time"][month - 1]) == (
            counts.expected, counts.sent, counts.sent_on_time,
        )
    slowest = {row[0]: row[2:] for row in charts["slowest_units"].rows}
    # The newcomer owes only November, still unsent; B owed only October, which it sent on time.
    assert slowest[newcomer.name] == [1, 0, 1]  # months due and owed, sent late, not sent
    assert tree.company_b.name not in slowest
