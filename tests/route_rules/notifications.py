"""A person's notifications (/thong-bao/ and /api/v1/notifications/).

Everyone signed in has a notifications page (empty when nothing was sent to them). A notification
is its addressee's alone: officer A's answers officer A (a redirect to its link) and 404 to every
other person, administrators included. Marking read is POST only.
"""

from tests.route_rules import LOGIN, VISITORS, Rule, signed_in

ONLY_OFFICER_A = {**dict.fromkeys(VISITORS, 404), "anonymous": LOGIN, "officer_a": 302}
ONLY_OFFICER_A_API = {**dict.fromkeys(VISITORS, 404), "anonymous": 401, "officer_a": 200}


def notification_of_a(tree, actors):
    from notifications.models import Notification

    notification = Notification.objects.create(
        user=actors.officer_a, kind="reminder", title="Nhắc hạn: Phụ lục 02 tháng 11/2026", url="/bao-cao/"
    )
    return {"pk": notification.pk}


RULES = {
    "notifications:notification-list": Rule(signed_in(200)),
    "notifications:notification-badge": Rule(signed_in(200)),
    "notifications:notification-open": Rule(ONLY_OFFICER_A, kwargs=notification_of_a),
    "notifications:notification-read": Rule(signed_in(405), kwargs=notification_of_a),
    "notifications:notification-read-all": Rule(signed_in(405)),
    "notification-list": Rule(signed_in(200, anonymous=401)),
    "notification-detail": Rule(ONLY_OFFICER_A_API, kwargs=notification_of_a),
    "notification-read": Rule(signed_in(405, anonymous=401), kwargs=notification_of_a),
    "notification-read-all": Rule(signed_in(405, anonymous=401)),
}
