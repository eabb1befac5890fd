"""Login with a second step for accounts with two-factor authentication, and the page to turn it on.

The second step keeps the person logged out until the code is right: after the password, only a
note "this user passed the password, until <time>" sits in the (anonymous) session, and
`login()` runs when the code matches — so no page, API call or admin screen is reachable with
the password alone.
"""

from __future__ import annotations

import time

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import user_login_failed
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from organizations import two_factor
from organizations.forms import PortalAuthenticationForm
from organizations.models import User

PENDING_KEY = "_login_pending_second_step"
PENDING_SECONDS = 300
PENDING_TRIES = 3


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực"),
        max_length=16,
        help_text=gettext_lazy("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng 8 chữ số."),
        error_messages={"required": gettext_lazy("Hãy nhập mã xác thực.")},
    )


class PortalLoginView(LoginView):
    """Django's login page; for an account with two-factor authentication, the password leads
    to the code page instead of logging in."""

    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "until": time.time() + PENDING_SECONDS,
            "tries": 0,
            "next": self.get_success_url(),
        }
        return redirect("login-verify")


def _pending(request: HttpRequest) -> dict | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("until", 0) < time.time():
        request.session.pop(PENDING_KEY, None)
        return None
    return pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a code from the authenticator app or a backup code."""
    pending = _pending(request)
    if pending is None:
        if request.method == "POST":
            messages.error(request, _("Phiên đăng nhập đã hết hạn. Hãy nhập lại mật khẩu."))
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending.get("next") or settings.LOGIN_REDIRECT_URL
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = reverse(settings.LOGIN_REDIRECT_URL)
            return HttpResponseRedirect(target)
        pending["tries"] += 1
        # A wrong code counts as a failed login for the lock on this account and address.
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
        if pending["tries"] >= PENDING_TRIES:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Nhập sai mã quá nhiều lần. Hãy đăng nhập lại từ đầu."))
            return redirect("login")
        request.session[PENDING_KEY] = pending
        form.add_error("code", _("Mã xác thực không đúng hoặc đã được dùng."))
    return render(request, "registration/login_verify.html", {"form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """Turn two-factor authentication on (scan, confirm a code) or off, or renew the backup codes."""
    user = request.user
    if not two_factor.may_use_two_factor(user):
        raise Http404
    enabled = two_factor.has_two_factor(user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = CodeForm(request.POST if action else None)
    context: dict = {"enabled": enabled, "form": form}

    if action == "confirm" and not enabled and form.is_valid():
        device = two_factor.pending_app_device(user)
        codes = two_factor.two_factor_enable(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            # This session has just proved the code: it counts as verified.
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, _("Đã bật xác thực hai bước."))
            return render(request, "organizations/two_factor_codes.html", {"codes": codes})
        form.add_error("code", _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã mới."))
    elif action in ("disable", "renew") and enabled and form.is_valid():
        if two_factor.verify_code(user, form.cleaned_data["code"]) is None:
            form.add_error("code", _("Mã xác thực không đúng hoặc đã được dùng."))
        elif action == "disable":
            two_factor.two_factor_disable(user=user)
            messages.success(request, _("Đã tắt xác thực hai bước."))
            return redirect("two-factor")
        else:
            codes = two_factor.backup_codes_renew(user=user)
            return render(request, "organizations/two_factor_codes.html", {"codes": codes})
    elif action and action not in ("confirm", "disable", "renew"):
        return HttpResponse(status=400)

    if not two_factor.has_two_factor(user):
        device = two_factor.pending_app_device(user)
        url = device.config_url
        context.update(
            enabled=False,
            qr_svg=segno.make(url, error="m").svg_inline(scale=4, title=_("Mã QR xác thực hai bước")),
            secret=_grouped_secret(device),
        )
    return render(request, "organizations/two_factor.html", context)


def _grouped_secret(device) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
