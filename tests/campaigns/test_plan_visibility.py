"""Plans cascade down the tree: a unit sees (and may implement) the plans of every unit above it,
never those of units beside it; the API keeps the same rule as the pages."""

import pytest
from rest_framework.test import APIClient

from campaigns.choices import Theme
from campaigns.models import Campaign


@pytest.fixture
def plans(tree):
    def plan(unit, title):
        return Campaign.objects.create(unit=unit, title=title, themes=[Theme.MEMBER_BENEFITS])

    return {
        "tld": plan(tree.tld, "Kế hoạch của Tổng Liên đoàn"),
        "an_giang": plan(tree.an_giang, "Kế hoạch của LĐLĐ An Giang"),
        "chau_thanh": plan(tree.chau_thanh, "Kế hoạch của LĐLĐ huyện Châu Thành"),
        "ha_noi": plan(tree.ha_noi, "Kế hoạch của LĐLĐ Hà Nội"),
        "company_b": plan(tree.company_b, "Kế hoạch của Công ty B"),
    }


def test_an_officer_sees_the_plans_of_every_unit_above_and_none_beside(actors, plans):
    visible = set(Campaign.objects.visible_to(actors.officer_a).values_list("title", flat=True))

    assert visible == {"Kế hoạch của Tổng Liên đoàn", "Kế hoạch của LĐLĐ An Giang", "Kế hoạch của LĐLĐ huyện Châu Thành"}


def test_the_reviewer_of_a_province_sees_its_subtree_and_tlds_plan(actors, plans):
    visible = set(Campaign.objects.visible_to(actors.reviewer_an_giang).values_list("title", flat=True))

    assert visible == {"Kế hoạch của Tổng Liên đoàn", "Kế hoạch của LĐLĐ An Giang", "Kế hoạch của LĐLĐ huyện Châu Thành"}


def test_a_member_sees_no_internal_plan(actors, plans):
    assert not Campaign.objects.visible_to(actors.member).exists()


def test_an_officer_opens_the_district_plan_and_may_issue_the_implementing_one(client, actors, plans):
    client.force_login(actors.officer_a)

    page = client.get(f"/tuyen-truyen/quan-ly/ke-hoach/{plans['chau_thanh'].pk}/")
    beside = client.get(f"/tuyen-truyen/quan-ly/ke-hoach/{plans['ha_noi'].pk}/")

    assert page.status_code == 200
    assert "Ban hành kế hoạch thực hiện" in page.content.decode()
    assert beside.status_code == 404


def test_the_api_refuses_a_plan_implementing_a_plan_below(tree, actors, plans):
    api = APIClient()
    api.force_authenticate(actors.system_admin)

    response = api.post("/api/v1/campaigns/", {
        "unit": tree.an_giang.pk, "title": "Kế hoạch ngược", "themes": [Theme.MEMBER_BENEFITS],
        "implements": plans["chau_thanh"].pk,
    }, format="json")

    assert response.status_code == 400
    assert response.json()["implements"] == ["Chỉ thực hiện được kế hoạch của đơn vị cấp trên."]
    assert not Campaign.objects.filter(title="Kế hoạch ngược").exists()


def test_the_api_accepts_a_plan_implementing_the_provinces(tree, actors, plans):
    api = APIClient()
    api.force_authenticate(actors.officer_a)

    response = api.post("/api/v1/campaigns/", {
        "title": "Kế hoạch của Công ty A", "themes": [Theme.MEMBER_BENEFITS], "implements": plans["an_giang"].pk,
    }, format="json")

    assert response.status_code == 201, response.json()
    assert Campaign.objects.get(title="Kế hoạch của Công ty A").implements == plans["an_giang"]
