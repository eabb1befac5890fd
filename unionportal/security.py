"""Who is asking, and what a locked-out login answers.

One reading of the client's address serves the login throttle (django-axes) and the API
throttles (DRF): the address the nearest trusted proxy saw. With `TRUSTED_PROXY_COUNT=0`
(the default) that is REMOTE_ADDR and X-Forwarded-For is ignored, so a client cannot pick
the address it is counted under. Behind N proxies that each append to X-Forwarded-For, it is
the N-th entry from the right: entries further left were written by the client and prove
nothing.
"""

from __future__ import annotations

import ipaddress
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as seen by the nearest proxy we trust (see the module docstring)."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    # Fewer entries than proxies: the chain is not the one configured; the proxy's own
    # address is the only one nobody outside could have written.
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def login_key(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a login attempt is counted against.

    People log in with their username or their email (organizations.backends); both must count
    towards the same lock, or an attacker would get twice the tries by alternating them.
    """
    from organizations.models import User

    raw = (credentials or {}).get("username")
    if raw is None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        raw = data.get("username")
    if not raw:
        return None
    typed = str(raw).strip()[:255]
    try:
        return User.objects.get_by_login(typed).get_username()
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return typed.casefold()


def lockout_message(minutes: int | None = None) -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES if minutes is None else minutes
    return ngettext(
        "Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa đăng nhập từ máy này trong %(minutes)d phút; "
        "hãy thử lại sau hoặc dùng chức năng “Quên mật khẩu”.",
        "Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa đăng nhập từ máy này trong %(minutes)d phút; "
        "hãy thử lại sau hoặc dùng chức năng “Quên mật khẩu”.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers once an account is locked from an address: 429, in Vietnamese.

    The API (and htmx/JSON callers) get {"detail": ...}; people get a page that says how long
    to wait and where to reset the password.
    """
    message = lockout_message()
    wants_json = request.path.startswith("/api/") or "application/json" in request.META.get("HTTP_ACCEPT", "")
    if wants_json:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(math.ceil(settings.LOGIN_LOCKOUT_MINUTES * 60))
    return response


def throttled_message(wait: float | None) -> str:
    if wait is None:
        return _("Quá nhiều yêu cầu. Vui lòng thử lại sau.")
    seconds = max(1, math.ceil(wait))
    return ngettext(
        "Quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.",
        "Quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.",
        seconds,
    ) % {"seconds": seconds}
