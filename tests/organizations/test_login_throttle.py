"""Login throttling: an account is locked from the attacker's address after repeated wrong
passwords, in Vietnamese; the real owner elsewhere and other people are not; a forged
X-Forwarded-For neither escapes the lock nor locks anyone else out. The API's token endpoint
answers the same way and is throttled per address."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
LIMIT = settings.LOGIN_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings, request):
    """These tests log in dozens of times; the production hasher takes most of a second each here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if "actors" in request.fixturenames:
        actors = request.getfixturevalue("actors")
        for user in (actors.officer_a, actors.officer_b):
            user.set_password(TEST_PASSWORD)
            user.save(update_fields=["password"])


def login(client: Client, username: str, password: str, ip: str, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def fail_until_locked(client: Client, username: str, ip: str, **headers):
    responses = [login(client, username, "sai-mat-khau-123", ip, **headers) for _ in range(LIMIT)]
    # Before the limit the login page says the password is wrong; the attempt reaching it locks.
    assert all(r.status_code == 200 for r in responses[:-1])
    return responses[-1]


def test_it_locks_the_account_from_the_attackers_address_after_repeated_failures(client, actors):
    response = fail_until_locked(client, "can_bo_a", ATTACKER)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in page
    assert f"{settings.LOGIN_LOCKOUT_MINUTES} phút" in page
    assert response["Retry-After"] == str(settings.LOGIN_LOCKOUT_MINUTES * 60)


def test_the_right_password_is_refused_during_the_lockout(client, actors):
    fail_until_locked(client, "can_bo_a", ATTACKER)

    response = login(client, "can_bo_a", TEST_PASSWORD, ATTACKER)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_email_counts_as_the_same_account(client, actors):
    # Alternating username and email must not double the attacker's tries.
    for n in range(LIMIT - 1):
        login(client, "can_bo_a" if n % 2 else actors.officer_a.email.upper(), "sai-mat-khau", ATTACKER)

    response = login(client, actors.officer_a.email, "sai-mat-khau", ATTACKER)

    assert response.status_code == 429


def test_the_owner_from_another_address_logs_in(actors):
    fail_until_locked(Client(), "can_bo_a", ATTACKER)

    owner = Client()
    response = login(owner, "can_bo_a", TEST_PASSWORD, OWNER)

    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(actors.officer_a.pk)


def test_another_person_from_the_attackers_address_logs_in(actors):
    # Lockout is on username + address: a shared office address does not lock colleagues out.
    fail_until_locked(Client(), "can_bo_a", ATTACKER)

    colleague = Client()
    response = login(colleague, "can_bo_b", TEST_PASSWORD, ATTACKER)

    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(actors.officer_b.pk)


def test_a_forged_forwarded_for_does_not_change_who_is_counted(actors):
    # With no trusted proxy (TRUSTED_PROXY_COUNT=0), a different X-Forwarded-For on every try
    # still counts against the real address…
    attacker = Client()
    for n in range(LIMIT - 1):
        login(attacker, "can_bo_a", "sai-mat-khau", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = login(attacker, "can_bo_a", "sai-mat-khau", ATTACKER, HTTP_X_FORWARDED_FOR=OWNER)
    assert response.status_code == 429
    response = login(attacker, "can_bo_a", TEST_PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429

    # …and naming the owner's address in the header did not lock the owner out.
    owner = Client()
    assert login(owner, "can_bo_a", TEST_PASSWORD, OWNER).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_the_proxy_appended_is_counted(actors):
    # The proxy (10.0.0.1) appends the address it saw; what the client wrote before it is ignored.
    proxy = "10.0.0.1"
    attacker = Client()
    for n in range(LIMIT):
        response = login(
            attacker, "can_bo_a", "sai-mat-khau", proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {ATTACKER}"
        )
    assert response.status_code == 429

    # Everyone else comes through the same proxy, with their own address appended: not locked.
    owner = Client()
    assert login(owner, "can_bo_a", TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OWNER).status_code == 302


def test_client_ip_reads_the_nth_address_from_the_right():
    from django.test import RequestFactory

    from unionportal.security import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.1")
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_ip(request) == "203.0.113.5"
    with override_settings(TRUSTED_PROXY_COUNT=5):
        assert client_ip(request) == "10.0.0.2"  # fewer entries than proxies: not the configured chain
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(garbage) == "10.0.0.2"


def test_a_success_before_the_limit_clears_the_failures(actors):
    client = Client()
    for _ in range(LIMIT - 1):
        login(client, "can_bo_a", "sai-mat-khau", ATTACKER)
    assert login(client, "can_bo_a", TEST_PASSWORD, ATTACKER).status_code == 302
    client.logout()

    for _ in range(LIMIT - 1):
        assert login(client, "can_bo_a", "sai-mat-khau", ATTACKER).status_code == 200


def test_the_lock_ends_after_the_cool_off(actors, time_machine):
    time_machine.move_to("2026-11-20 08:00:00+07:00", tick=False)
    fail_until_locked(Client(), "can_bo_a", ATTACKER)

    time_machine.move_to("2026-11-20 08:16:00+07:00", tick=False)
    client = Client()
    assert login(client, "can_bo_a", TEST_PASSWORD, ATTACKER).status_code == 302


# --- API ---------------------------------------------------------------------------------------


def token(client: APIClient, username: str, password: str, ip: str, **extra):
    return client.post(reverse("api-token"), {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def test_the_token_endpoint_counts_failures_and_locks_in_vietnamese(actors):
    api = APIClient()
    for _ in range(LIMIT - 1):
        response = token(api, "can_bo_a", "sai-mat-khau", ATTACKER)
        assert response.status_code == 400
        assert "không đúng" in response.json()["non_field_errors"][0]

    response = token(api, "can_bo_a", "sai-mat-khau", ATTACKER)

    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.json()["detail"]
    assert token(api, "can_bo_a", TEST_PASSWORD, ATTACKER).status_code == 429
    assert token(APIClient(), "can_bo_a", TEST_PASSWORD, OWNER).status_code == 200


def test_failures_on_the_login_page_and_the_api_add_up(client, actors):
    for _ in range(LIMIT - 1):
        login(client, "can_bo_a", "sai-mat-khau", ATTACKER)

    assert token(APIClient(), "can_bo_a", "sai-mat-khau", ATTACKER).status_code == 429


def test_the_token_endpoint_is_throttled_per_address(actors):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")[0])
    api = APIClient()
    # Different accounts (so no account lock), one address.
    statuses = [token(api, f"khong-co-{n}", "sai", ATTACKER).status_code for n in range(rate + 1)]

    assert statuses[:rate] == [400] * rate
    assert statuses[rate] == 429
    response = token(api, "can_bo_a", TEST_PASSWORD, ATTACKER)
    assert response.status_code == 429
    with translation.override("vi"):
        assert response.json()["detail"].startswith("Quá nhiều yêu cầu. Vui lòng thử lại sau")
    assert int(response["Retry-After"]) > 0
    # Another address is not throttled.
    assert token(api, "can_bo_a", TEST_PASSWORD, OWNER).status_code == 200


def test_anonymous_api_use_is_throttled_per_address(db):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")[0])
    api = APIClient()
    url = reverse("offer-list")
    statuses = [api.get(url, REMOTE_ADDR=ATTACKER).status_code for _ in range(rate + 1)]

    assert statuses[:rate] == [200] * rate
    assert statuses[rate] == 429
    assert "Quá nhiều yêu cầu" in api.get(url, REMOTE_ADDR=ATTACKER).json()["detail"]
    assert api.get(url, REMOTE_ADDR=OWNER).status_code == 200


@pytest.mark.parametrize("header", ["HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP"])
def test_forged_headers_do_not_escape_the_api_throttle(db, header):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")[0])
    api = APIClient()
    url = reverse("offer-list")
    statuses = [api.get(url, REMOTE_ADDR=ATTACKER, **{header: f"192.0.2.{n}"}).status_code for n in range(rate + 1)]

    assert statuses[-1] == 429
