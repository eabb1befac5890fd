"""The campaigns API: scoped reads, scoped writes, Vietnamese messages next to the field."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from campaigns.choices import ActivityKind, OutletKind, Theme
from campaigns.models import Activity, Article, Campaign, MediaOutlet, Section
from tests.factories import PartnerFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def records(tree):
    tld_plan = Campaign.objects.create(unit=tree.tld, title="Kế hoạch 24/KH-TLĐ", themes=[Theme.MEMBER_BENEFITS])
    outlet_a = MediaOutlet.objects.create(unit=tree.company_a, name="Trang tin Công ty A", kind=OutletKind.WEBSITE)
    section_a = Section.objects.create(outlet=outlet_a, name="Vì lợi ích đoàn viên", theme=Theme.MEMBER_BENEFITS,
                                       opened_on=date(2026, 1, 5))
    outlet_b = MediaOutlet.objects.create(unit=tree.company_b, name="Trang tin Công ty B", kind=OutletKind.WEBSITE)
    section_b = Section.objects.create(outlet=outlet_b, name="Vì lợi ích đoàn viên", theme=Theme.MEMBER_BENEFITS,
                                       opened_on=date(2026, 1, 5))
    Article.objects.create(section=section_a, title="Bài của A", url="https://a.vn/1", published_on=date(2026, 3, 2))
    Article.objects.create(section=section_b, title="Bài của B", url="https://b.vn/1", published_on=date(2026, 3, 2))
    return tld_plan, section_a, section_b


def test_an_officer_reads_only_their_units_records_and_tlds_plans(api, actors, records):
    api.force_authenticate(actors.officer_a)

    articles = api.get("/api/v1/articles/").json()["results"]
    plans = api.get("/api/v1/campaigns/").json()["results"]

    assert [a["title"] for a in articles] == ["Bài của A"]
    assert [p["title"] for p in plans] == ["Kế hoạch 24/KH-TLĐ"]
    assert api.get(f"/api/v1/sections/{records[2].pk}/").status_code == 404


def test_the_reviewer_above_reads_the_units_below(api, actors, records):
    api.force_authenticate(actors.reviewer_an_giang)

    titles = [a["title"] for a in api.get("/api/v1/articles/").json()["results"]]

    assert titles == ["Bài của A"]


def test_an_officer_records_an_article_in_their_section(api, actors, records):
    api.force_authenticate(actors.officer_a)

    response = api.post("/api/v1/articles/", {
        "section": records[1].pk, "title": "Ưu đãi mới", "url": "https://a.vn/2", "published_on": "2026-03-04",
    }, format="json")

    assert response.status_code == 201, response.json()
    assert Article.objects.filter(section=records[1], title="Ưu đãi mới").exists()


def test_an_article_in_another_units_section_or_with_a_used_url_is_refused_next_to_the_field(api, actors, records):
    api.force_authenticate(actors.officer_a)

    elsewhere = api.post("/api/v1/articles/", {
        "section": records[2].pk, "title": "Bài", "url": "https://a.vn/3", "published_on": "2026-03-04",
    }, format="json")
    duplicate = api.post("/api/v1/articles/", {
        "section": records[1].pk, "title": "Bài", "url": "https://a.vn/1", "published_on": "bốn tháng ba",
    }, format="json")

    assert elsewhere.status_code == 400
    assert "không được nhập liệu" in elsewhere.json()["section"][0]
    assert duplicate.status_code == 400
    assert "năm-tháng-ngày" in duplicate.json()["published_on"][0]
    fixed = api.post("/api/v1/articles/", {
        "section": records[1].pk, "title": "Bài", "url": "https://a.vn/1", "published_on": "2026-03-04",
    }, format="json")
    assert fixed.json()["url"] == ["Chuyên mục đã có bài viết với địa chỉ này."]


def test_a_units_plan_implements_tlds_which_the_officer_may_not_change(api, actors, records, tree):
    tld_plan = records[0]
    api.force_authenticate(actors.officer_a)

    created = api.post("/api/v1/campaigns/", {
        "title": "Kế hoạch tuyên truyền của Công ty A", "implements": tld_plan.pk, "themes": [Theme.MEMBER_BENEFITS],
    }, format="json")
    changed = api.patch(f"/api/v1/campaigns/{tld_plan.pk}/", {"title": "Đổi tên"}, format="json")

    assert created.status_code == 201, created.json()
    plan = Campaign.objects.get(pk=created.json()["id"])
    assert plan.unit == tree.company_a and plan.implements == tld_plan
    assert changed.status_code == 403
    assert api.post("/api/v1/milestones/", {
        "campaign": tld_plan.pk, "title": "Xong chuyên mục", "due_on": "2026-09-20",
    }, format="json").status_code == 400


def test_an_activity_links_the_partners_of_a_fair(api, actors, tree):
    partner = PartnerFactory(unit=tree.company_a)
    api.force_authenticate(actors.officer_a)

    response = api.post("/api/v1/activities/", {
        "kind": ActivityKind.CONSULTATION_FAIR, "title": "Ngày hội tư vấn", "held_on": "2026-05-01",
        "participants": 300, "partners": [partner.pk],
    }, format="json")

    assert response.status_code == 201, response.json()
    activity = Activity.objects.get()
    assert activity.unit == tree.company_a
    assert list(activity.partners.all()) == [partner]


def test_a_member_gets_nothing(api, actors, records):
    api.force_authenticate(actors.member)

    assert api.get("/api/v1/media-outlets/").json()["results"] == []
    assert api.post("/api/v1/media-outlets/", {"name": "Trang", "kind": OutletKind.WEBSITE}, format="json").status_code == 403
