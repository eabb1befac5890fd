"""A person's notifications: the list, the unread count of the top bar, opening and marking read.

A notification belongs to the person it was written to: anyone else gets 404, the same answer
as for one that does not exist (administrators included: it is a personal inbox).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from notifications.models import Notification
from notifications.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 30
BADGE_MAX = 99


def _own(request: HttpRequest, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.owned_by(request.user), pk=pk)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first; unread ones stand out and can be marked read one by one or all at once."""
    notifications = Notification.objects.owned_by(request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "notifications/notification_list.html", {
        "page": page, "unread_count": notifications.unread().count(),
    })


@login_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The unread count of the top bar, loaded by htmx after the page so pages keep their queries."""
    count = Notification.objects.owned_by(request.user).unread().count()
    return render(request, "notifications/_badge.html", {"unread_count": count, "badge_max": BADGE_MAX})


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link; opening it marks it read."""
    notification = _own(request, pk)
    notification_mark_read(notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:notification-list")
    return redirect(target)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own(request, pk)
    notification_mark_read(notification=notification)
    if request.htmx:
        return render(request, "notifications/_notification.html", {"notification": notification})
    return redirect("notifications:notification-list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request, ngettext("Đã đánh dấu %(count)d thông báo là đã đọc.", "Đã đánh dấu %(count)d thông báo là đã đọc.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("Không có thông báo nào chưa đọc."))
    return redirect("notifications:notification-list")
