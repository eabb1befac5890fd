"""The dashboard page, /bang-dieu-khien/: which unit and year it shows, who may open it, and what
it hands the script (endpoints in data-* attributes, no inline script, Chart.js from static/)."""

import re

import pytest

from organizations.choices import Role
from tests.factories import user_with_role

URL = "/bang-dieu-khien/"


def page(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def test_the_reviewer_of_a_province_opens_its_dashboard(client, tree, actors):
    response = page(client, actors.reviewer_an_giang)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="dashboard-unit">Liên đoàn Lao động tỉnh An Giang<' in html
    for section in ("reporting", "welfare", "benefits", "campaigns"):
        assert f'data-endpoint="/api/v1/dashboard/{section}/?unit={tree.an_giang.pk}&amp;year=' in html
        assert f'data-xlsx="/api/v1/dashboard/xlsx/?unit={tree.an_giang.pk}&amp;year=' in html
    assert "Báo cáo định kỳ" in html and "Chương trình phúc lợi" in html and "Tuyên truyền" in html
    # The units directly below, to drill down to.
    assert '<option value="AG-CT">Liên đoàn Lao động huyện Châu Thành</option>' in html
    assert '<option value="AG-BV">Công đoàn Bệnh viện An Giang</option>' in html


def test_scripts_come_from_static_and_none_is_inline(client, tree, actors):
    html = page(client, actors.reviewer_an_giang).content.decode()
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js"></script>' in html
    assert '<script src="/static/js/dashboard.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "cdn" not in html.lower()


def test_drilling_down_to_a_district(client, tree, actors):
    response = page(client, actors.reviewer_an_giang, don_vi="AG-CT", nam="2026")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="dashboard-unit">Liên đoàn Lao động huyện Châu Thành<' in html
    assert f"?unit={tree.chau_thanh.pk}&amp;year=2026" in html
    # The way back up, as far as the reviewer sees (not to TLĐ).
    assert '<a href="?don_vi=AG&amp;nam=2026">Liên đoàn Lao động tỉnh An Giang</a>' in html
    assert "Tổng Liên đoàn Lao động Việt Nam</a>" not in html


def test_another_provinces_unit_is_not_found(client, tree, actors):
    officer_of_hanoi = user_with_role(tree.ha_noi, Role.OFFICER, username="can_bo_hn_page")
    assert page(client, officer_of_hanoi, don_vi="AG").status_code == 404
    assert page(client, officer_of_hanoi, don_vi="AG-CT-A").status_code == 404
    assert page(client, officer_of_hanoi).status_code == 200
    assert page(client, actors.reviewer_an_giang, don_vi="HN").status_code == 404
    assert page(client, actors.reviewer_an_giang, don_vi="TLD").status_code == 404
    assert page(client, actors.officer_b, don_vi="AG-CT-A").status_code == 404
    assert page(client, actors.reviewer_an_giang, don_vi="KHONG-CO").status_code == 404


@pytest.mark.parametrize("visitor", ["member", "anonymous"])
def test_members_and_visitors(client, tree, actors, visitor):
    if visitor == "member":
        assert page(client, actors.member).status_code == 404
    else:
        response = client.get(URL)
        assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_a_bad_year_is_told_next_to_the_field(client, tree, actors, today):
    response = page(client, actors.reviewer_an_giang, nam="20x6")
    assert response.status_code == 200
    html = response.content.decode()
    assert "“20x6” không phải là năm hợp lệ: chọn một năm từ 2000 đến 2027." in html
    assert 'id="id_nam_error"' in html and 'aria-invalid="true"' in html
    assert "year=2026" in html  # this year's figures meanwhile


def test_an_officer_of_an_upper_unit_is_told_what_is_withheld(client, tree):
    officer = user_with_role(tree.an_giang, Role.OFFICER, username="can_bo_ag_page")
    html = page(client, officer).content.decode()
    assert "Số liệu theo từng đơn vị cấp dưới chỉ dành cho cán bộ duyệt báo cáo và quản trị." in html
    assert 'value="AG-CT"' not in html  # no unit below to choose


def test_the_menu_and_the_reviewers_home_lead_to_it(client, tree, actors):
    client.force_login(actors.reviewer_an_giang)
    home = client.get("/").content.decode()
    assert '<a class="dropdown-item" href="/bang-dieu-khien/">Bảng điều khiển</a>' in home
    assert 'href="/bang-dieu-khien/?don_vi=AG" data-testid="dashboard-link"' in home
    client.force_login(actors.member)
    assert "/bang-dieu-khien/" not in client.get("/").content.decode()
