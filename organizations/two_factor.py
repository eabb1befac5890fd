"""Two-factor authentication (xác thực hai bước) with django-otp: an authenticator app (TOTP)
and ten one-time backup codes.

People with a unit role (reviewers and administrators above all: they see many units' data)
may turn it on. Once a TOTP device is confirmed, logging in asks for a code after the password
(`organizations.views_auth`), the token endpoint of the API asks for it too, and the
administration site refuses a session that has not passed the second step.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import User
from organizations.scoping import get_scope

APP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODE_COUNT = 10


def may_use_two_factor(user) -> bool:
    """Anyone with a unit role; members (no role) sign in to read offers and need none."""
    return user.is_authenticated and (user.is_superuser or not get_scope(user).is_empty)


def has_two_factor(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def pending_app_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created on first ask (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def two_factor_enable(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm `device` with a code from the app; returns the backup codes, or None if the code is wrong.

    Any other authenticator and the old backup codes are removed: one phone, one set of codes.
    """
    if device.user_id != user.pk or device.confirmed or not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return backup_codes_renew(user=user)


@transaction.atomic
def backup_codes_renew(*, user: User) -> list[str]:
    """Ten new one-time codes (shown once); the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def verify_code(user: User, code: str):
    """The confirmed device that accepts `code` (an app code or an unused backup code), or None.

    django-otp refuses a code already used (TOTP keeps the last time step; a backup code is
    deleted) and slows down repeated failures per device.
    """
    token = _digits(code)
    if not token:
        return None
    # A 6-digit code is for the app, anything else for the backup codes: a code tried on the
    # wrong kind of device would count as a failure there and slow down the right one.
    kind = TOTPDevice if len(token) == 6 else StaticDevice
    for device in kind.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def _digits(code: str | None) -> str:
    return "".join(ch for ch in str(code or "") if not ch.isspace())[:16]
