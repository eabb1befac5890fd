"""The consolidation page and its drill-down, as each person sees them.

Actors: the reviewer of An Giang, the officer of Công ty A (a unit without units below), the
officer of Công ty B, an officer of Châu Thành (a unit with a unit below), the system
administrator (TLĐ, the national total).
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from organizations.choices import Role
from tests.factories import user_with_role
from tests.reporting.test_consolidation import assigned, reports, reviewer_tld  # noqa: F401 - fixtures


def page(client, user, **params):
    client.force_login(user)
    return client.get(f"{reverse('reporting:consolidation')}?{urlencode(params)}")


def breakdown_url(unit, period, row_key="directives"):
    return reverse("reporting:consolidation-breakdown", kwargs={"unit_pk": unit.pk, "period_pk": period.pk, "row_key": row_key})


def cell(html: str, key: str) -> str:
    """The text of the figure cell of row `key` (a link when drillable)."""
    start = html.index(f'data-cell="{key}/value"')
    chunk = html[start:html.index("</td>", start)]
    return chunk.rsplit(">", 2)[-2].split("<")[0].strip() if "<a" in chunk else chunk.split(">", 1)[1].strip()


def test_the_system_administrator_sees_the_national_total(client, actors, tree, assigned, reports):  # noqa: F811
    html = page(client, actors.system_admin).content.decode()
    assert "Tổng Liên đoàn Lao động Việt Nam" in html and "Tháng 11/2026" in html and "PHỤ LỤC 02" in html
    assert cell(html, "directives") == "21"
    assert cell(html, "partner_value") == "1.235"
    assert "báo cáo đã duyệt của 4 đơn vị cấp dưới" in html
    assert breakdown_url(tree.tld, assigned) in html
    assert 'hx-trigger="load"' in html and "phan=cho-duyet" in html  # the pending units come right after


def test_the_pending_units_are_counted_and_named_after_the_figures(client, actors, tree, assigned, reports):  # noqa: F811
    pending = page(client, actors.system_admin, phan="cho-duyet").content.decode()
    assert "<html" not in pending
    assert "2 đơn vị phải báo cáo chưa được duyệt" in pending
    assert "HN — Liên đoàn Lao động Thành phố Hà Nội" in pending and "(chờ duyệt)" in pending
    assert "AG — Liên đoàn Lao động tỉnh An Giang" in pending and "(đang soạn)" in pending
    everything_approved = page(client, actors.reviewer_an_giang, phan="cho-duyet").content.decode()
    assert "Mọi đơn vị phải báo cáo đã được duyệt." in everything_approved
    assert page(client, actors.officer_a, phan="cho-duyet").status_code == 404  # nothing below Công ty A


def test_an_officer_of_an_upper_unit_is_told_how_many_are_pending_but_not_which(client, tree, assigned, reports):  # noqa: F811
    officer = user_with_role(tree.an_giang, Role.OFFICER, username="can_bo_ag")
    pending = page(client, officer, phan="cho-duyet").content.decode()
    assert "Mọi đơn vị phải báo cáo đã được duyệt." in pending
    officer = user_with_role(tree.tld, Role.OFFICER, username="can_bo_tld")
    pending = page(client, officer, phan="cho-duyet").content.decode()
    assert "2 đơn vị phải báo cáo chưa được duyệt" in pending and "Hà Nội" not in pending


def test_the_reviewer_sees_their_province_by_default_and_can_go_down(client, actors, tree, assigned, reports):  # noqa: F811
    html = page(client, actors.reviewer_an_giang).content.decode()
    assert "Liên đoàn Lao động tỉnh An Giang" in html
    assert cell(html, "directives") == "17"  # approved below 10 + its own draft 7
    assert "Báo cáo của chính đơn vị: Đang soạn" in html
    html = page(client, actors.reviewer_an_giang, don_vi="AG-CT").content.decode()
    assert cell(html, "directives") == "7"
    assert 'data-testid="up-link"' in html


@pytest.mark.parametrize("code", ["TLD", "HN", "HN-B", "KHONG-CO"])
def test_the_reviewer_cannot_see_above_or_sideways(client, actors, tree, assigned, code):  # noqa: F811
    assert page(client, actors.reviewer_an_giang, don_vi=code).status_code == 404


def test_the_officer_of_a_unit_without_units_below_sees_its_own_report(client, actors, tree, assigned, reports):  # noqa: F811
    html = page(client, actors.officer_a).content.decode()
    assert "Công đoàn cơ sở Công ty A" in html and cell(html, "directives") == "2"
    assert "consolidation-breakdown" not in html and "/tong-hop/" + str(tree.company_a.pk) not in html
    assert page(client, actors.officer_a, don_vi="AG").status_code == 404
    assert page(client, actors.officer_b, don_vi="AG-CT-A").status_code == 404


def test_an_officer_of_an_upper_unit_sees_its_figures_but_not_the_units_below(client, tree, assigned, reports):  # noqa: F811
    officer = user_with_role(tree.chau_thanh, Role.OFFICER, username="can_bo_ct")
    html = page(client, officer).content.decode()
    assert cell(html, "directives") == "7"
    assert "báo cáo đã duyệt của 1 đơn vị cấp dưới" in html
    assert breakdown_url(tree.chau_thanh, assigned) not in html
    response = client.get(breakdown_url(tree.chau_thanh, assigned))
    assert response.status_code == 200
    lines = response.content.decode()
    assert "Công đoàn cơ sở Công ty A" not in lines and "Bạn không có quyền xem số liệu của từng đơn vị" in lines


def test_members_see_nothing(client, actors, assigned):  # noqa: F811
    assert page(client, actors.member).status_code == 404


def test_the_breakdown_lists_each_unit_below_with_a_link_down(client, actors, tree, assigned, reports):  # noqa: F811
    client.force_login(actors.system_admin)
    response = client.get(breakdown_url(tree.tld, assigned), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html  # the panel only
    assert 'data-testid="breakdown-total">21<' in html
    assert "Liên đoàn Lao động tỉnh An Giang" in html and ">10</td>" in html and ">11</td>" in html
    assert "don_vi=AG&amp;" in html or "don_vi=AG\"" in html
    full = client.get(breakdown_url(tree.tld, assigned)).content.decode()
    assert "<html" in full and "Về báo cáo tổng hợp" in full


def test_the_breakdown_of_another_unit_is_404(client, actors, tree, assigned, reports):  # noqa: F811
    client.force_login(actors.reviewer_an_giang)
    assert client.get(breakdown_url(tree.ha_noi, assigned)).status_code == 404
    assert client.get(breakdown_url(tree.tld, assigned)).status_code == 404
    assert client.get(breakdown_url(tree.an_giang, assigned, row_key="achievements")).status_code == 404  # a text row
    assert client.get(breakdown_url(tree.an_giang, assigned, row_key="khong-co")).status_code == 404


def test_the_page_answers_in_a_constant_number_of_queries(client, actors, tree, assigned, reports, django_assert_max_num_queries):  # noqa: F811
    client.force_login(actors.system_admin)
    with django_assert_max_num_queries(25):
        assert page(client, actors.system_admin).status_code == 200
