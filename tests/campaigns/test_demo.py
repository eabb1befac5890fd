"""campaigns.demo: TLĐ's plan and the bank union's, the union press, sections, articles, activities."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from campaigns import demo
from campaigns.models import Activity, Article, Campaign, MediaOutlet, Milestone, Section
from organizations import demo as organizations_demo
from organizations.demo import BANK_UNION_CODE
from organizations.management.commands.seed_demo import DEMO_APPS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded():
    organizations_demo.seed()
    return demo.seed()


def test_seed_demo_runs_the_campaigns_demo():
    assert "campaigns" in DEMO_APPS


def test_the_bank_unions_plan_implements_tlds(seeded):
    bank_plan = Campaign.objects.get(unit__code=BANK_UNION_CODE)

    assert bank_plan.implements.document_number == "24/KH-TLĐ"
    assert bank_plan.implements.issued_on.strftime("%d/%m/%Y") == "05/07/2017"
    assert [p.name for p in bank_plan.implements.phases.all()][0] == "Giai đoạn 1"
    assert Milestone.objects.filter(due_on__month=9, due_on__day=20).exists()
    assert Milestone.objects.filter(due_on__month=3, due_on__day=15, campaign=bank_plan).exists()


def test_the_union_press_of_letter_1476_and_the_units_websites_are_outlets(seeded):
    names = set(MediaOutlet.objects.values_list("name", flat=True))

    assert {
        "Báo Lao động", "Tạp chí Lao động và Công đoàn", "Báo Người Lao động", "Báo Lao động Thủ đô",
        "Báo Lao động Nghệ An", "Báo Lao động Đồng Nai", "Tạp chí Lao động Bình Dương",
        "Trang thông tin điện tử Công đoàn Ngân hàng Việt Nam",
    } <= names


def test_sections_carry_about_ten_weeks_of_articles_some_weeks_below_quota(seeded):
    today = timezone.localdate()
    assert Section.objects.count() >= 10
    oldest = Article.objects.order_by("published_on").first().published_on
    assert today - oldest <= timedelta(weeks=10)
    weeks = (
        Article.objects.values("section", "published_on__week").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert any(n < 2 for n in weeks)
    assert any(n >= 2 for n in weeks)


def test_activities_include_a_launch_conference_and_a_fair(seeded):
    assert Activity.objects.get(kind="launch_conference").participants == 150
    assert Activity.objects.filter(kind="consultation_fair").exists()


def test_running_it_again_changes_nothing(seeded):
    before = (Campaign.objects.count(), Section.objects.count(), Article.objects.count(), Activity.objects.count())

    again = demo.seed()

    assert not again.created
    assert (Campaign.objects.count(), Section.objects.count(), Article.objects.count(),
            Activity.objects.count()) == before


def test_the_home_page_shows_the_banner_and_the_public_page_the_articles(client, seeded):
    home = client.get(reverse("home")).content.decode()
    public = client.get(reverse("campaigns:public-articles")).content.decode()

    assert 'data-testid="campaign-banner"' in home
    assert "Báo Lao động" in public
