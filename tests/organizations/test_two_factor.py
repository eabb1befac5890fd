"""Two-factor authentication: a reviewer or administrator turns it on by scanning a QR code and
typing a code; from then on the password alone opens nothing (pages, admin, API token)."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits) from the secret as the page shows it, as a phone computes it."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings, request):
    """Dozens of logins: the production hasher takes most of a second each on a small machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if "actors" in request.fixturenames:
        for user in vars(request.getfixturevalue("actors")).values():
            user.set_password(TEST_PASSWORD)
            user.save(update_fields=["password"])


@pytest.fixture
def clock(time_machine):
    time_machine.move_to("2026-11-20 08:00:00+07:00", tick=False)
    return time_machine


def next_step(clock):
    """Each TOTP code is accepted once; the next login waits for the next 30-second step."""
    clock.shift(30)


def turn_on(client: Client, user) -> tuple[str, list[str]]:
    client.force_login(user)
    page = client.get(reverse("two-factor")).content.decode()
    assert "<svg" in page  # the QR code
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<', page).group(1)
    response = client.post(reverse("two-factor"), {"action": "confirm", "code": totp(secret)})
    assert response.status_code == 200
    codes = re.findall(r"<li>(\d{8})</li>", response.content.decode())
    client.logout()
    return secret, codes


def password_step(client: Client, username: str, next_url: str = ""):
    data = {"username": username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def test_a_reviewer_turns_it_on_with_a_code_from_the_app(client, actors, clock):
    secret, codes = turn_on(client, actors.reviewer_an_giang)

    device = TOTPDevice.objects.get(user=actors.reviewer_an_giang)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10


def test_a_wrong_code_does_not_turn_it_on(client, actors, clock):
    client.force_login(actors.reviewer_an_giang)
    client.get(reverse("two-factor"))

    response = client.post(reverse("two-factor"), {"action": "confirm", "code": "000000"})

    assert "Mã xác thực không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=actors.reviewer_an_giang, confirmed=True).exists()


def test_the_password_alone_no_longer_logs_in(actors, clock):
    secret, _codes = turn_on(Client(), actors.reviewer_an_giang)
    next_step(clock)
    client = Client()

    response = password_step(client, "duyet_ag", next_url=reverse("reporting:review-queue"))

    assert response.status_code == 302 and response["Location"] == reverse("login-verify")
    assert "_auth_user_id" not in client.session
    # Nothing internal opens between the two steps.
    assert client.get(reverse("organizations:unit-list")).status_code == 302
    assert client.get(reverse("unit-list")).status_code in (401, 403)

    response = client.post(reverse("login-verify"), {"code": totp(secret)})

    assert response.status_code == 302 and response["Location"] == reverse("reporting:review-queue")
    assert client.session["_auth_user_id"] == str(actors.reviewer_an_giang.pk)
    assert client.get(reverse("organizations:unit-list")).status_code == 200


def test_a_wrong_code_at_login_is_refused_in_vietnamese(actors, clock):
    turn_on(Client(), actors.reviewer_an_giang)
    next_step(clock)
    client = Client()
    password_step(client, "duyet_ag")

    response = client.post(reverse("login-verify"), {"code": "123456"})

    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã được dùng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_is_accepted_once(actors, clock):
    secret, _codes = turn_on(Client(), actors.reviewer_an_giang)
    next_step(clock)
    code = totp(secret)
    first = Client()
    password_step(first, "duyet_ag")
    assert first.post(reverse("login-verify"), {"code": code}).status_code == 302

    second = Client()
    password_step(second, "duyet_ag")
    response = second.post(reverse("login-verify"), {"code": code})

    assert response.status_code == 200 and "_auth_user_id" not in second.session


def test_a_backup_code_works_once(actors, clock):
    _secret, codes = turn_on(Client(), actors.reviewer_an_giang)
    client = Client()
    password_step(client, "duyet_ag")
    assert client.post(reverse("login-verify"), {"code": codes[0]}).status_code == 302

    again = Client()
    password_step(again, "duyet_ag")
    assert again.post(reverse("login-verify"), {"code": codes[0]}).status_code == 200
    clock.shift(5)  # django-otp slows down a device after a failure: the person types again
    assert again.post(reverse("login-verify"), {"code": codes[1]}).status_code == 302


def test_three_wrong_codes_send_the_person_back_to_the_password(actors, clock):
    turn_on(Client(), actors.reviewer_an_giang)
    client = Client()
    password_step(client, "duyet_ag")

    for _ in range(2):
        assert client.post(reverse("login-verify"), {"code": "111111"}).status_code == 200
        clock.shift(5)
    response = client.post(reverse("login-verify"), {"code": "111111"})

    assert response["Location"] == reverse("login")
    assert client.get(reverse("login-verify"))["Location"] == reverse("login")


def test_wrong_codes_count_towards_the_login_lock(actors, clock, settings):
    turn_on(Client(), actors.reviewer_an_giang)
    client = Client()
    password_step(client, "duyet_ag")
    for _ in range(3):
        client.post(reverse("login-verify"), {"code": "111111"})
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 4):
        client.post(reverse("login"), {"username": "duyet_ag", "password": "sai-mat-khau"})

    response = client.post(reverse("login"), {"username": "duyet_ag", "password": "sai-mat-khau"})

    assert response.status_code == 429


def test_the_second_step_expires(actors, clock):
    secret, _codes = turn_on(Client(), actors.reviewer_an_giang)
    client = Client()
    password_step(client, "duyet_ag")

    clock.shift(301)
    response = client.post(reverse("login-verify"), {"code": totp(secret)})

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_admin_site_needs_the_second_step(actors, clock):
    admin = actors.admin_an_giang
    secret, _codes = turn_on(Client(), admin)
    next_step(clock)

    # A session that skipped the second step (opened before the device, or by other means).
    unverified = Client()
    unverified.force_login(admin)
    assert unverified.get(reverse("admin:index")).status_code != 200

    verified = Client()
    password_step(verified, admin.username)
    verified.post(reverse("login-verify"), {"code": totp(secret)})
    assert verified.get(reverse("admin:index")).status_code == 200


def test_an_administrator_without_the_second_factor_still_uses_the_admin(client, actors):
    client.force_login(actors.admin_an_giang)

    assert client.get(reverse("admin:index")).status_code == 200


def test_the_api_token_needs_the_code(actors, clock):
    secret, _codes = turn_on(Client(), actors.reviewer_an_giang)
    next_step(clock)
    api = APIClient()
    url = reverse("api-token")

    without = api.post(url, {"username": "duyet_ag", "password": TEST_PASSWORD})
    assert without.status_code == 400 and "otp" in without.json()

    wrong = api.post(url, {"username": "duyet_ag", "password": TEST_PASSWORD, "otp": "000000"})
    assert wrong.status_code == 400
    clock.shift(5)

    right = api.post(url, {"username": "duyet_ag", "password": TEST_PASSWORD, "otp": totp(secret)})
    assert right.status_code == 200 and right.json()["token"]


def test_turning_it_off_needs_a_current_code(client, actors, clock):
    secret, _codes = turn_on(Client(), actors.reviewer_an_giang)
    next_step(clock)
    client.force_login(actors.reviewer_an_giang)

    refused = client.post(reverse("two-factor"), {"action": "disable", "code": "000000"})
    assert "Mã xác thực không đúng" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=actors.reviewer_an_giang).exists()
    clock.shift(5)

    client.post(reverse("two-factor"), {"action": "disable", "code": totp(secret)})
    assert not TOTPDevice.objects.filter(user=actors.reviewer_an_giang).exists()
    assert password_step(Client(), "duyet_ag")["Location"] == reverse("home")


def test_renewing_backup_codes_retires_the_old_ones(client, actors, clock):
    secret, old_codes = turn_on(Client(), actors.reviewer_an_giang)
    next_step(clock)
    client.force_login(actors.reviewer_an_giang)

    response = client.post(reverse("two-factor"), {"action": "renew", "code": totp(secret)})
    new_codes = re.findall(r"<li>(\d{8})</li>", response.content.decode())

    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    login = Client()
    password_step(login, "duyet_ag")
    assert login.post(reverse("login-verify"), {"code": old_codes[0]}).status_code == 200
    clock.shift(5)
    assert login.post(reverse("login-verify"), {"code": new_codes[0]}).status_code == 302


def test_members_have_no_two_factor_page(client, actors):
    client.force_login(actors.member)

    assert client.get(reverse("two-factor")).status_code == 404


def test_officer_of_another_unit_cannot_confirm_someone_elses_device(client, actors, clock):
    # The device being set up belongs to the signed-in person only.
    reviewer = Client()
    reviewer.force_login(actors.reviewer_an_giang)
    reviewer.get(reverse("two-factor"))
    pending = TOTPDevice.objects.get(user=actors.reviewer_an_giang)

    client.force_login(actors.officer_b)
    client.get(reverse("two-factor"))
    from organizations.two_factor import two_factor_enable

    assert two_factor_enable(user=actors.officer_b, device=pending, code="000000") is None
    pending.refresh_from_db()
    assert not pending.confirmed
