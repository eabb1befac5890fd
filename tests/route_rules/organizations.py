"""Routes of the foundation: home, accounts, the unit tree, the API root and the units API."""

from tests.route_rules import LOGIN, Rule, everyone, signed_in, unit_of_a  # noqa: F401

RULES: dict[str, Rule] = {
    # Public pages.
    "home": Rule(everyone(200)),
    "healthz": Rule(everyone(200)),
    "api-schema": Rule(everyone(200)),
    "api-docs": Rule(everyone(200)),
    # Account pages.
    "login": Rule(signed_in(302, anonymous=200)),
    # The second step of the login: without a password just checked, everyone is sent back to the login.
    "login-verify": Rule(everyone(LOGIN)),
    # Two-factor authentication is for people with a unit role; a member has no such page.
    "two-factor": Rule({**signed_in(200), "member": 404}),
    "logout": Rule(everyone(405)),  # POST only
    "password_change": Rule(signed_in(200)),
    "password_change_done": Rule(signed_in(200)),
    "password_reset": Rule(everyone(200)),
    "password_reset_done": Rule(everyone(200)),
    "password_reset_confirm": Rule(everyone(200), kwargs=lambda t, a: {"uidb64": "MQ", "token": "sai-ma"}),
    "password_reset_complete": Rule(everyone(200)),
    "set_language": Rule(everyone(302)),  # a POST changes the language; a GET just goes back
    # The unit tree (internal: scoped, members see nothing).
    "organizations:unit-list": Rule(signed_in(200)),
    "organizations:unit-detail": Rule(
        {**signed_in(200), "member": 404, "officer_b": 404, "unit_admin": 200}, kwargs=unit_of_a
    ),
    "organizations:unit-import": Rule({**signed_in(404), "unit_admin": 200, "system_admin": 200}),
    "organizations:unit-export": Rule({**signed_in(200), "member": 404}),
    # API.
    "api-root": Rule(signed_in(200, anonymous=401)),
    "api-token": Rule(everyone(405)),  # POST only
    "unit-list": Rule(signed_in(200, anonymous=401)),
    "unit-detail": Rule({**signed_in(200, anonymous=401), "member": 404, "officer_b": 404}, kwargs=unit_of_a),
    "unit-subtree": Rule({**signed_in(200, anonymous=401), "member": 404, "officer_b": 404}, kwargs=unit_of_a),
}

