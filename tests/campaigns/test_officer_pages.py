"""Officers' pages of campaigns: plans cascading down the tree, milestones per unit, outlets,
sections, articles and activities, each scoped (another unit → 404, read-only → 403)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Activity, Article, Campaign, MediaOutlet, MilestoneCompletion, Section
from organizations.choices import Role
from tests.factories import (
    ActivityFactory,
    CampaignFactory,
    MediaOutletFactory,
    MilestoneFactory,
    PartnerFactory,
    SectionFactory,
    user_with_role,
)


@pytest.fixture
def tld_plan(tree):
    return CampaignFactory(unit=tree.tld, title="Kế hoạch 24/KH-TLĐ", document_number="24/KH-TLĐ")


def test_officer_records_a_plan_implementing_tlds(client, actors, tree, tld_plan):
    client.force_login(actors.officer_a)
    response = client.post(reverse("campaigns:campaign-create"), {
        "title": "Kế hoạch tuyên truyền của Công ty A", "implements": tld_plan.pk, "themes": ["member_benefits"],
        "document_number": "05/KH-CĐ", "issued_on": "15/08/2017", "legal_basis": "Kế hoạch 24/KH-TLĐ ngày 05/7/2017",
        "phases-TOTAL_FORMS": "2", "phases-INITIAL_FORMS": "0",
        "phases-0-name": "Giai đoạn 1", "phases-0-starts_on": "01/07/2017", "phases-0-ends_on": "31/05/2018",
        "phases-1-name": "Giai đoạn 2",  # the blank row as offered: ignored
    })

    assert response.status_code == 302
    plan = Campaign.objects.get(title="Kế hoạch tuyên truyền của Công ty A")
    assert (plan.unit, plan.implements, plan.issued_on) == (tree.company_a, tld_plan, date(2017, 8, 15))
    assert [(p.starts_on, p.ends_on) for p in plan.phases.all()] == [(date(2017, 7, 1), date(2018, 5, 31))]
    detail = client.get(response["Location"]).content.decode()
    assert "Kế hoạch 24/KH-TLĐ" in detail and "31/05/2018" in detail


def test_a_plan_implements_only_an_upper_units_plan(client, actors, tree):
    client.force_login(actors.officer_a)
    sideways = CampaignFactory(unit=tree.company_a)
    response = client.post(reverse("campaigns:campaign-create"), {
        "title": "Kế hoạch", "implements": sideways.pk, "themes": ["member_benefits"],
    })
    assert response.status_code == 200
    assert "Chỉ thực hiện được kế hoạch của đơn vị cấp trên." in response.content.decode()


def test_a_plan_outside_the_scope_is_not_offered(client, actors, tree):
    hanoi_plan = CampaignFactory(unit=tree.ha_noi)
    client.force_login(actors.officer_a)
    response = client.post(reverse("campaigns:campaign-create"), {
        "title": "Kế hoạch", "implements": hanoi_plan.pk, "themes": ["member_benefits"],
    })
    assert response.status_code == 200 and not Campaign.objects.filter(title="Kế hoạch").exists()


def test_a_phase_ending_before_it_starts_is_refused(client, actors):
    client.force_login(actors.officer_a)
    response = client.post(reverse("campaigns:campaign-create"), {
        "title": "Kế hoạch", "themes": ["member_benefits"], "phases-TOTAL_FORMS": "1", "phases-INITIAL_FORMS": "0",
        "phases-0-name": "Giai đoạn 1", "phases-0-starts_on": "01/07/2018", "phases-0-ends_on": "01/07/2017",
    })
    assert 'data-error-for="phases-0-ends_on">Ngày kết thúc phải sau ngày bắt đầu.' in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_upper_unit_sees_which_units_below_have_issued_their_plan(client, actors, tree, django_assert_max_num_queries):
    plan = CampaignFactory(unit=tree.an_giang)
    CampaignFactory(unit=tree.hospital, implements=plan)
    client.force_login(actors.reviewer_an_giang)

    page = client.get(reverse("campaigns:campaign-detail", args=[plan.pk]))

    below = {u.code: u.has_plan for u in page.context["units_below"]}
    assert below == {"AG-BV": True, "AG-CT": False}
    html = page.content.decode()
    assert "1/2 đơn vị đã ban hành" in html and 'data-unit="AG-CT" data-has-plan="0"' in html


def test_the_coverage_is_one_query_whatever_the_number_of_units(client, actors, tree, django_assert_max_num_queries):
    from tests.factories import UnitFactory

    plan = CampaignFactory(unit=tree.an_giang)
    for _ in range(20):
        CampaignFactory(unit=UnitFactory(parent=tree.an_giang), implements=plan)
    client.force_login(actors.reviewer_an_giang)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("campaigns:campaign-detail", args=[plan.pk]))
    assert len(page.context["units_below"]) == 22


def test_milestones_show_done_and_overdue_per_unit(client, actors, tree):
    today = timezone.localdate()
    plan = CampaignFactory(unit=tree.an_giang)
    late = MilestoneFactory(campaign=plan, title="Mở chuyên mục", due_on=today - timedelta(days=3))
    MilestoneCompletion.objects.create(milestone=late, unit=tree.hospital, done_on=today - timedelta(days=5))
    client.force_login(actors.reviewer_an_giang)

    rows = client.get(reverse("campaigns:campaign-detail", args=[plan.pk])).context["milestones"]

    states = {s["unit"].code: s["state"] for s in rows[0]["statuses"]}
    assert states == {"AG": "overdue", "AG-BV": "done", "AG-CT": "overdue"}


def test_an_officer_below_reports_a_milestone_done(client, actors, tree, tld_plan):
    milestone = MilestoneFactory(campaign=tld_plan, title="Chuyên mục sẵn sàng trước 20/9")
    client.force_login(actors.officer_a)

    detail = client.get(reverse("campaigns:campaign-detail", args=[tld_plan.pk]))
    assert detail.context["milestones"][0]["may_complete"]
    response = client.post(reverse("campaigns:milestone-complete", args=[milestone.pk]),
                           {"unit": tree.company_a.pk, "done_on": "18/09/2026"})

    assert response.status_code == 302
    assert MilestoneCompletion.objects.get(milestone=milestone).unit == tree.company_a


def test_an_officer_cannot_complete_for_another_unit(client, actors, tree, tld_plan):
    milestone = MilestoneFactory(campaign=tld_plan)
    client.force_login(actors.officer_a)
    response = client.post(reverse("campaigns:milestone-complete", args=[milestone.pk]),
                           {"unit": tree.company_b.pk, "done_on": "18/09/2026"})
    assert response.status_code == 200 and not MilestoneCompletion.objects.exists()


def test_another_units_plan_is_404_and_the_reviewer_cannot_add_milestones(client, actors, tree):
    plan = CampaignFactory(unit=tree.company_a)
    client.force_login(actors.officer_b)
    assert client.get(reverse("campaigns:campaign-detail", args=[plan.pk])).status_code == 404
    client.force_login(actors.reviewer_an_giang)
    assert client.post(reverse("campaigns:milestone-create", args=[plan.pk]),
                       {"title": "x", "due_on": "01/01/2027"}).status_code == 403


def test_officer_adds_a_milestone(client, actors, tree):
    plan = CampaignFactory(unit=tree.company_a)
    client.force_login(actors.officer_a)
    client.post(reverse("campaigns:milestone-create", args=[plan.pk]),
                {"title": "Báo cáo sơ kết", "due_on": "15/03/2027", "binds_subtree": "on"})
    assert plan.milestones.get().due_on == date(2027, 3, 15)


def test_officer_opens_a_section_and_adds_an_article(client, actors, tree):
    client.force_login(actors.officer_a)
    client.post(reverse("campaigns:outlet-create"), {
        "name": "Trang tin Công đoàn Công ty A", "kind": "website", "url": "https://congty-a.example.vn/",
    })
    outlet = MediaOutlet.objects.get()
    assert outlet.unit == tree.company_a

    response = client.post(reverse("campaigns:section-create", args=[outlet.pk]), {
        "name": "Công đoàn vì lợi ích đoàn viên", "theme": "member_benefits", "opened_on": "01/09/2026",
        "weekly_quota": "2", "url": "https://congty-a.example.vn/loi-ich",
    })
    section = Section.objects.get()
    assert response["Location"] == reverse("campaigns:section-detail", args=[section.pk])

    client.post(reverse("campaigns:article-create", args=[section.pk]), {
        "title": "Đoàn viên được giảm giá", "url": "https://congty-a.example.vn/loi-ich/giam-gia",
        "published_on": "02/11/2026", "in_print": "on",
    })
    article = Article.objects.get()
    assert (article.published_on, article.in_print) == (date(2026, 11, 2), True)
    page = client.get(reverse("campaigns:section-detail", args=[section.pk])).content.decode()
    assert "Đoàn viên được giảm giá" in page and "02/11/2026" in page

    again = client.post(reverse("campaigns:article-create", args=[section.pk]), {
        "title": "Trùng", "url": "https://congty-a.example.vn/loi-ich/giam-gia", "published_on": "03/11/2026",
    })
    assert again.status_code == 200 and "Chuyên mục đã có bài viết với địa chỉ này." in again.content.decode()


def test_outlets_are_scoped(client, actors, tree):
    MediaOutletFactory(unit=tree.company_a, name="Trang A")
    MediaOutletFactory(unit=tree.company_b, name="Trang B")
    client.force_login(actors.reviewer_an_giang)
    html = client.get(reverse("campaigns:outlet-list")).content.decode()
    assert "Trang A" in html and "Trang B" not in html
    outlet_b = MediaOutlet.objects.get(name="Trang B")
    client.force_login(actors.officer_a)
    assert client.get(reverse("campaigns:section-create", args=[outlet_b.pk])).status_code == 404
    section_b = SectionFactory(outlet=outlet_b)
    assert client.get(reverse("campaigns:section-detail", args=[section_b.pk])).status_code == 404


def test_officer_records_a_consultation_fair_with_partners(client, actors, tree):
    partner = PartnerFactory(unit=tree.company_a, name="Siêu thị Đối tác")
    client.force_login(actors.officer_a)
    response = client.post(reverse("campaigns:activity-create"), {
        "kind": "consultation_fair", "title": "Ngày hội tư vấn phúc lợi", "held_on": "20/10/2026",
        "participants": "1.250", "partners": [partner.pk],
    })
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.unit, activity.participants, list(activity.partners.all())) == (tree.company_a, 1250, [partner])
    assert "Ngày hội tư vấn phúc lợi" in client.get(reverse("campaigns:activity-list")).content.decode()


def test_activities_are_scoped(client, actors, tree):
    ActivityFactory(unit=tree.company_a, title="Hội nghị A")
    ActivityFactory(unit=tree.company_b, title="Hội nghị B")
    client.force_login(actors.officer_b)
    html = client.get(reverse("campaigns:activity-list")).content.decode()
    assert "Hội nghị B" in html and "Hội nghị A" not in html


def test_a_reviewer_cannot_create_records(client, actors):
    client.force_login(actors.reviewer_an_giang)
    assert client.post(reverse("campaigns:activity-create"), {"kind": "seminar"}).status_code == 403
    assert client.post(reverse("campaigns:campaign-create"), {"title": "x"}).status_code == 403


def test_a_member_gets_404(client, actors):
    client.force_login(actors.member)
    assert client.get(reverse("campaigns:campaign-list")).status_code == 404


def test_the_system_admin_records_for_tld(client, actors, tree):
    user_with_role(tree.tld, Role.SYSTEM_ADMIN, username="ht2")
    client.force_login(actors.system_admin)
    client.post(reverse("campaigns:campaign-create"), {
        "unit": tree.tld.pk, "title": "Kế hoạch của TLĐ", "themes": ["congress_xii"],
        "phases-TOTAL_FORMS": "0", "phases-INITIAL_FORMS": "0",
    })
    assert Campaign.objects.get().unit == tree.tld
