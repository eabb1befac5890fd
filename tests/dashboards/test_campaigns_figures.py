"""The campaigns section (`/api/v1/dashboard/campaigns/`) on the sections, articles and activities
of tests/dashboards/scenario.py (today Saturday 28/11/2026, in ISO week 48)."""

import pytest

from tests.dashboards.scenario import chart, series

URL = "/api/v1/dashboard/campaigns/"


@pytest.fixture
def province_figures(client, actors, year_of_campaigns, today):
    client.force_login(actors.reviewer_an_giang)
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200
    return response.json()


def test_the_share_of_sections_on_quota_per_week(province_figures):
    strip = chart(province_figures, "quota_weeks")
    assert strip["kind"] == "heat" and len(strip["labels"]) == 53  # 2026 has 53 ISO weeks
    assert strip["labels"][44] == "Tuần 45 (02/11)"
    share = series(province_figures, "quota_weeks", "share")
    opened = series(province_figures, "quota_weeks", "open")
    meeting = series(province_figures, "quota_weeks", "meeting")
    # Week 45: An Giang's section (2 articles) alone is open. Week 46: A's opens; An Giang has 1
    # article, A 2. Week 47: An Giang 3, A none. Week 48 is not over; Hà Nội's section is not counted.
    assert opened[43:48] == [0, 1, 2, 2, None]
    assert meeting[43:48] == [0, 1, 1, 1, None]
    assert share[43:48] == [None, 100.0, 50.0, 50.0, None]
    assert share[48:] == [None] * 5


def test_articles_per_month(province_figures):
    assert series(province_figures, "articles_by_month", "articles") == [0] * 10 + [8, 0]


def test_conferences_and_participants(province_figures):
    # An Giang's launch conference (200) and Châu Thành's training (45); A's contest is no conference.
    assert series(province_figures, "conferences", "conferences") == [0, 0, 2] + [0] * 9
    assert series(province_figures, "conferences", "participants") == [0, 0, 245] + [0] * 9


def test_the_national_view(client, actors, year_of_campaigns, today):
    client.force_login(actors.system_admin)
    national = client.get(URL, {"year": 2026}).json()
    # Hà Nội's section opened with An Giang's and carried 5 articles in week 45.
    assert series(national, "quota_weeks", "meeting")[44:47] == [2, 1, 1]
    assert series(national, "quota_weeks", "share")[44:47] == [100.0, 33.3, 33.3]
    assert series(national, "conferences", "participants")[2] == 545


def test_an_article_before_the_section_opened_does_not_count(client, actors, year_of_campaigns, today):
    from datetime import date

    from tests.factories import ArticleFactory

    # Two articles in week 45 of A's section, which opened only on 09/11 (week 46).
    ArticleFactory(section=year_of_campaigns.a_section, published_on=date(2026, 11, 3))
    ArticleFactory(section=year_of_campaigns.a_section, published_on=date(2026, 11, 4))
    client.force_login(actors.reviewer_an_giang)
    figures = client.get(URL, {"year": 2026}).json()
    assert series(figures, "quota_weeks", "meeting")[44] == 1
    assert series(figures, "quota_weeks", "share")[44] == 100.0
