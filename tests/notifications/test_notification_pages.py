"""A person's notifications in the portal and the API: theirs only, unread count, marking read."""

from datetime import date

import pytest
from django.urls import reverse

from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminded(november_reports, run_on):
    """The reminders of 20/11/2026 went out: officer A has one notification."""
    run_on(date(2026, 11, 20))
    return Notification.objects.get(user__username="can_bo_a")


def test_the_officer_sees_the_reminder_on_the_notifications_page(client, actors, reminded, tree):
    client.force_login(actors.officer_a)

    page = client.get(reverse("notifications:notification-list")).content.decode()

    assert "Nhắc hạn: Phụ lục 02 tháng 11/2026 — hạn nộp 25/11/2026" in page
    assert "Công đoàn cơ sở Công ty A: báo cáo chưa gửi; còn 5 ngày." in page
    assert 'data-testid="unread-total">1 chưa đọc' in page
    assert reverse("notifications:notification-open", args=[reminded.pk]) in page


def test_the_top_bar_shows_the_unread_count(client, actors, reminded):
    client.force_login(actors.officer_a)

    home = client.get(reverse("home")).content.decode()
    badge = client.get(reverse("notifications:notification-badge")).content.decode()

    assert reverse("notifications:notification-badge") in home and 'data-testid="notifications-link"' in home
    assert 'data-testid="unread-count">1<' in badge


def test_opening_a_notification_marks_it_read_and_goes_to_the_form(client, actors, reminded, tree):
    client.force_login(actors.officer_a)

    response = client.get(reverse("notifications:notification-open", args=[reminded.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reporting:submission-edit", kwargs={"unit_pk": tree.company_a.pk, "form_code": "PL02", "period_slug": "2026-11"}
    )
    reminded.refresh_from_db()
    assert reminded.is_read
    assert "unread-count" not in client.get(reverse("notifications:notification-badge")).content.decode()


def test_mark_one_read(client, actors, reminded):
    client.force_login(actors.officer_a)

    response = client.post(reverse("notifications:notification-read", args=[reminded.pk]))

    assert response.status_code == 302
    reminded.refresh_from_db()
    assert reminded.is_read
    page = client.get(reverse("notifications:notification-list")).content.decode()
    assert 'data-read="1"' in page and "unread-total" not in page


def test_mark_one_read_with_htmx_answers_the_line(client, actors, reminded):
    client.force_login(actors.officer_a)

    response = client.post(reverse("notifications:notification-read", args=[reminded.pk]), HTTP_HX_REQUEST="true")

    assert f'id="notification-{reminded.pk}"' in response.content.decode()
    assert 'data-read="1"' in response.content.decode()


def test_mark_all_read(client, actors, reminded):
    Notification.objects.create(user=actors.officer_a, kind="reminder", title="Nhắc hạn khác")
    client.force_login(actors.officer_a)

    response = client.post(reverse("notifications:notification-read-all"), follow=True)

    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(user=actors.officer_a, read_at__isnull=True).exists()


def test_another_persons_notification_does_not_exist_for_you(client, actors, reminded):
    for user in (actors.officer_b, actors.system_admin, actors.reviewer_an_giang):
        client.force_login(user)
        assert client.get(reverse("notifications:notification-open", args=[reminded.pk])).status_code == 404
        assert client.post(reverse("notifications:notification-read", args=[reminded.pk])).status_code == 404
        assert "Công ty A" not in client.get(reverse("notifications:notification-list")).content.decode()
    client.force_login(actors.officer_b)
    client.post(reverse("notifications:notification-read-all"))
    reminded.refresh_from_db()
    assert not reminded.is_read


def test_someone_without_notifications_sees_an_empty_page(client, actors, db):
    client.force_login(actors.member)

    page = client.get(reverse("notifications:notification-list")).content.decode()

    assert 'data-testid="no-notifications"' in page


def test_the_api_lists_only_the_callers_notifications(client, actors, reminded):
    client.force_login(actors.officer_a)
    mine = client.get("/api/v1/notifications/").json()
    client.force_login(actors.officer_b)
    theirs = client.get("/api/v1/notifications/").json()

    assert [n["id"] for n in mine["results"]] == [reminded.pk]
    assert mine["results"][0]["is_read"] is False and mine["results"][0]["url"].startswith("/bao-cao/")
    assert [n["title"] for n in theirs["results"]] == ["Nhắc hạn: Phụ lục 02 tháng 11/2026 — hạn nộp 25/11/2026"]
    assert theirs["results"][0]["id"] != reminded.pk
    assert client.get(f"/api/v1/notifications/{reminded.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{reminded.pk}/read/").status_code == 404


def test_the_api_marks_read(client, actors, reminded):
    client.force_login(actors.officer_a)

    answer = client.post(f"/api/v1/notifications/{reminded.pk}/read/").json()
    unread = client.get("/api/v1/notifications/?unread=true").json()

    assert answer["is_read"] is True
    assert unread["count"] == 0
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
