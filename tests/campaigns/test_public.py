"""The public page /tuyen-truyen/ and the campaign banner on the home page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.choices import OutletKind, Theme
from campaigns.models import Article, Campaign, MediaOutlet, Phase, Section

URL = reverse("campaigns:public-articles")


def section(unit, theme=Theme.MEMBER_BENEFITS, name="Công đoàn vì lợi ích đoàn viên", outlet="Báo Lao động"):
    media, _ = MediaOutlet.objects.get_or_create(unit=unit, name=outlet, defaults={"kind": OutletKind.NEWSPAPER})
    return Section.objects.create(outlet=media, name=name, theme=theme, opened_on=date(2026, 1, 5))


def publish(section, title, published_on, n=0):
    return Article.objects.create(
        section=section, title=title, url=f"https://laodong.vn/{section.pk}/{n}-{published_on:%Y%m%d}",
        published_on=published_on,
    )


@pytest.fixture
def sections(tree):
    benefits = section(tree.tld)
    congress = section(tree.ha_noi, Theme.CONGRESS_XII, "Hướng tới Đại hội XII", outlet="Báo Lao động Thủ đô")
    publish(benefits, "Ưu đãi mới cho đoàn viên ngành ngân hàng", date(2026, 3, 2))
    publish(congress, "Đại hội Công đoàn cơ sở Công ty B", date(2026, 3, 3))
    return benefits, congress


def test_anyone_sees_the_latest_articles_grouped_by_theme_linking_out(client, sections):
    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Công đoàn vì lợi ích đoàn viên" in page
    assert "Hướng tới Đại hội Công đoàn Việt Nam lần thứ XII" in page
    assert page.index("Ưu đãi mới cho đoàn viên") < page.index("Đại hội Công đoàn cơ sở Công ty B")
    assert 'target="_blank" rel="noopener"' in page
    assert "Báo Lao động Thủ đô" in page
    assert [label for _code, label, _articles in response.context["groups"]] == [
        "Công đoàn vì lợi ích đoàn viên", "Hướng tới Đại hội Công đoàn Việt Nam lần thứ XII",
    ]


def test_each_theme_shows_its_latest_few_in_one_query(client, sections, django_assert_max_num_queries):
    benefits, _congress = sections
    for n in range(12):
        publish(benefits, f"Bài số {n}", date(2026, 4, 1) + timedelta(days=n), n)

    with django_assert_max_num_queries(2):  # the articles, and the session-free page around them
        response = client.get(URL)

    groups = {code: articles for code, _label, articles in response.context["groups"]}
    titles = [a.title for a in groups[Theme.MEMBER_BENEFITS]]
    assert len(titles) == 8
    assert titles[0] == "Bài số 11"
    assert "Ưu đãi mới cho đoàn viên ngành ngân hàng" not in titles  # older than the eight latest


def test_one_theme_lists_all_its_articles_page_by_page(client, sections):
    benefits, _congress = sections
    for n in range(25):
        publish(benefits, f"Bài số {n}", date(2026, 4, 1) + timedelta(days=n), n)

    first = client.get(URL, {"chu_de": Theme.MEMBER_BENEFITS})
    second = client.get(URL, {"chu_de": Theme.MEMBER_BENEFITS, "trang": 2})

    assert len(first.context["articles"]) == 20
    assert "Đại hội Công đoàn cơ sở Công ty B" not in first.content.decode()
    assert "Ưu đãi mới cho đoàn viên ngành ngân hàng" in second.content.decode()
    assert "Trang 2/2" in second.content.decode()


def test_the_page_says_so_when_nothing_is_published(client, db):
    assert "Chưa có bài viết nào." in client.get(URL).content.decode()


def tld_plan(tree, starts_on, ends_on):
    plan = Campaign.objects.create(
        unit=tree.tld, title="Tuyên truyền Công đoàn vì lợi ích đoàn viên năm nay", themes=[Theme.MEMBER_BENEFITS]
    )
    Phase.objects.create(campaign=plan, name="Giai đoạn", starts_on=starts_on, ends_on=ends_on)
    return plan


def test_the_home_page_carries_the_banner_during_a_phase_of_tlds_plan(client, tree, actors):
    today = timezone.localdate()
    tld_plan(tree, today - timedelta(days=30), today + timedelta(days=30))

    for user in (None, actors.member):
        client.logout()
        if user:
            client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert "Tuyên truyền Công đoàn vì lợi ích đoàn viên năm nay" in page
        assert f'href="{URL}"' in page


def test_no_banner_outside_a_phase_nor_for_a_lower_units_plan(client, tree):
    today = timezone.localdate()
    tld_plan(tree, date(2017, 7, 1), date(2018, 5, 31))
    lower = Campaign.objects.create(unit=tree.an_giang, title="Kế hoạch của LĐLĐ An Giang")
    Phase.objects.create(campaign=lower, name="Giai đoạn", starts_on=today, ends_on=today)

    page = client.get(reverse("home")).content.decode()

    assert 'data-testid="campaign-banner"' not in page
