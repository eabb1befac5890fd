"""CSRF everywhere: a POST without the token is refused on every route, for a signed-in person.

Routes come from the route rules (tests/route_rules/), so every page and API route is covered
as soon as it has its rule. The client enforces CSRF checks as a browser's session would be
checked (Django's test client skips them by default). The one route without a session — the
API token endpoint — is exempt by design: it takes no cookie, only a password in the body.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_route_rules import RULES

NO_SESSION = {"api-token"}


@pytest.mark.parametrize("name", sorted(set(RULES) - NO_SESSION))
def test_a_post_without_the_csrf_token_is_refused(tree, actors, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.system_admin)
    url = reverse(name, kwargs=RULES[name].kwargs(tree, actors))

    response = client.post(url, {"x": "1"})

    assert response.status_code == 403, f"{name} ({url}): {response.status_code}"
    if b"CSRF" not in response.content:
        # Some renderers (Swagger UI's page) do not say why: the same POST with the token must
        # then be refused for another reason, or accepted, but not with this 403.
        client.get(reverse("home"))
        token = client.cookies["csrftoken"].value
        again = client.post(url, {"x": "1"}, HTTP_X_CSRFTOKEN=token)
        assert again.status_code != 403, f"{name} ({url}) refused for another reason: {response.content[:200]!r}"


@pytest.mark.parametrize("name", ["admin:index", "admin:organizations_unit_add", "admin:organizations_user_changelist"])
def test_the_administration_site_refuses_a_post_without_the_token(actors, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.system_admin)

    response = client.post(reverse(name), {"x": "1"})

    assert response.status_code == 403 and b"CSRF" in response.content


def test_with_the_token_the_same_post_goes_through(client, actors):
    # Proves the refusals above are about the token: the same browser, with it, logs out.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(actors.officer_a)
    token = browser.get(reverse("home")).context["csrf_token"]

    response = browser.post(reverse("logout"), {"csrfmiddlewaretoken": str(token)})

    assert response.status_code == 302
    assert "_auth_user_id" not in browser.session


def test_the_api_refuses_a_session_write_without_the_token(tree, actors):
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.officer_a)

    response = client.post(reverse("partner-list"), {"name": "Công ty X", "unit": tree.company_a.pk})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_token_endpoint_takes_no_cookie(actors):
    # It is exempt because it authenticates nothing from the session: a forged cross-site POST
    # carries the victim's cookie, not their password.
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.officer_a)

    response = client.post(reverse("api-token"), {"username": "can_bo_a", "password": "sai-mat-khau"})

    assert response.status_code == 400
