"""The welfare section (`/api/v1/dashboard/welfare/`) on the agreements and usage of
tests/dashboards/scenario.py (today 28/11/2026)."""

import pytest

from tests.dashboards.scenario import chart, series

URL = "/api/v1/dashboard/welfare/"


@pytest.fixture
def province_figures(client, actors, year_of_welfare, today):
    client.force_login(actors.reviewer_an_giang)
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200
    return response.json()


def test_agreements_in_force_at_each_month_end(province_figures):
    # TLĐ's from 01/04, An Giang's from 05/05, A's from 01/06 until its termination on 01/11;
    # Hà Nội's is not An Giang's, the draft never counts, December has not begun.
    assert series(province_figures, "agreements_in_force", "in_force") == [0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 2, None]


def test_the_national_view_counts_every_agreement(client, actors, year_of_welfare, today):
    client.force_login(actors.system_admin)
    national = client.get(URL, {"year": 2026}).json()
    assert series(national, "agreements_in_force", "in_force") == [0, 0, 0, 1, 3, 4, 4, 4, 4, 4, 3, None]
    signed = chart(national, "agreements_signed")
    # At TLĐ "TLĐ" and "the unit" are one level: two series.
    assert [s["key"] for s in signed["series"]] == ["tld", "below"]
    assert series(national, "agreements_signed", "below")[4] == 3


def test_new_agreements_by_signing_level(province_figures):
    signed = chart(province_figures, "agreements_signed")
    assert [s["label"] for s in signed["series"]] == ["TLĐ ký", "Đơn vị ký", "Công đoàn cấp dưới ký"]
    assert series(province_figures, "agreements_signed", "tld") == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert series(province_figures, "agreements_signed", "unit") == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert series(province_figures, "agreements_signed", "below") == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]


def test_members_using_partners_and_institutions_and_the_value(province_figures):
    usage = chart(province_figures, "usage_by_month")
    assert usage["kind"] == "bar_line"
    nothing = [None] * 8
    assert series(province_figures, "usage_by_month", "partner_members") == [*nothing, 120, 130, None, None]
    assert series(province_figures, "usage_by_month", "institution_members") == [*nothing, None, 30, None, None]
    # 1.234,5 + 2 (the hospital's usage has no value); Công ty B's 999 members are Hà Nội's.
    assert series(province_figures, "usage_by_month", "value") == [*nothing, 35, 1236.5, None, None]
    value = next(s for s in usage["series"] if s["key"] == "value")
    assert value["type"] == "line" and value["axis"] == "y1" and value["unit"] == "triệu đồng"


def test_top_partners_by_members_served(province_figures):
    top = chart(province_figures, "top_partners")
    assert top["labels"] == ["Nhà xe Phương Trang P", "Siêu thị Q"]
    assert series(province_figures, "top_partners", "members") == [200, 50]
    assert series(province_figures, "top_partners", "value") == [1269.5, None]


def test_offers_ending_within_30_days(province_figures):
    ending = chart(province_figures, "offers_ending")
    assert ending["kind"] == "table"
    # Its agreement ends on 10/12/2026: 12 days from 28/11. TLĐ's offer runs until 2027.
    assert ending["rows"] == [["Giảm 10% vé xe", "Nhà xe Phương Trang P", "Liên đoàn Lao động tỉnh An Giang", "10/12/2026", 12]]


def test_hanoi_sees_none_of_an_giangs_programme(client, tree, year_of_welfare, today):
    from organizations.choices import Role
    from tests.factories import user_with_role

    client.force_login(user_with_role(tree.ha_noi, Role.REVIEWER, username="duyet_hn"))
    hanoi = client.get(URL, {"year": 2026}).json()
    assert chart(hanoi, "top_partners")["labels"] == ["Công ty R Hà Nội"]
    assert series(hanoi, "usage_by_month", "partner_members")[9] == 999
    assert chart(hanoi, "offers_ending")["rows"] == []
