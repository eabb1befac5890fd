"""Every URL pattern and API route has an explicit access rule, and the rule holds.

`RULES` maps each route name to what each kind of visitor gets on GET. A route added
without a rule fails `test_every_route_has_a_rule`; a rule that no longer matches the
code fails `test_route_answers_as_its_rule_says`.

The rules live in `tests/route_rules/`, one module per area, each with a `RULES` dict.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.route_rules
from tests.route_rules import LOGIN, VISITORS


def collect_rules() -> dict:
    rules: dict = {}
    for module in pkgutil.iter_modules(tests.route_rules.__path__):
        for name, rule in importlib.import_module(f"tests.route_rules.{module.name}").RULES.items():
            assert name not in rules, f"two rules for {name}"
            rules[name] = rule
    return rules


RULES = collect_rules()

# The administration site: only system and unit administrators get in; the others are sent
# to the login page (signed-in non-administrators then get 404 there).
ADMIN_PREFIX = "admin:"
ADMIN_NOT_GET = {"admin:logout"}  # POST only


def iter_route_names(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            if "format" in entry.pattern.regex.groupindex:
                continue  # DRF's ".json" twins of routes listed already
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"


def all_route_names() -> set[str]:
    return set(iter_route_names())


def test_every_route_has_a_rule():
    missing = sorted(name for name in all_route_names() if name not in RULES and not name.startswith(ADMIN_PREFIX))
    assert not missing, f"Routes without an access rule in tests/test_route_rules.py: {missing}"


def test_no_rule_is_left_for_a_route_that_is_gone():
    assert not sorted(set(RULES) - all_route_names())


@pytest.fixture
def visitors(actors, tree):
    from organizations.choices import Role
    from tests.factories import user_with_role

    return {
        "anonymous": None,
        "member": actors.member,
        "officer_a": actors.officer_a,
        "officer_b": actors.officer_b,
        "reviewer": actors.reviewer_an_giang,
        "unit_admin": user_with_role(tree.an_giang, Role.UNIT_ADMIN, username="qt_ag_2"),
        "system_admin": actors.system_admin,
    }


def fetch(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
    return response.status_code == expected


@pytest.mark.parametrize("name", sorted(RULES))
def test_route_answers_as_its_rule_says(client, tree, actors, visitors, name):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(tree, actors))
    failures = []
    for visitor in VISITORS:
        response = fetch(client, visitors[visitor], url)
        if not matches(response, rule.expect[visitor]):
            failures.append(f"{visitor}: got {response.status_code}, rule says {rule.expect[visitor]}")
    assert not failures, f"{name} ({url}): " + "; ".join(failures)


def admin_kwargs(name: str, tree, actors) -> dict | None:
    """Arguments for an admin route, or None for routes that need no GET check."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    from organizations.models import User

    if name.endswith("_user_password_change"):
        return {"id": actors.officer_a.pk}
    if name == "admin:app_list":
        return {"app_label": "organizations"}
    if name == "admin:view_on_site":
        return {"content_type_id": ContentType.objects.get_for_model(User).pk, "object_id": actors.officer_a.pk}
    if name.endswith("_simple_history"):
        # One version of an object's audit history: positional arguments, checked in
        # tests/organizations/test_unit_audit.py (unionportal/history_admin.py).
        return None
    if name in (f"{ADMIN_PREFIX}otp_totp_totpdevice_config", f"{ADMIN_PREFIX}otp_totp_totpdevice_qrcode"):
        # django-otp's pages showing a device's secret as a QR code: the worst ones to leak.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=actors.system_admin, name="authenticator", confirmed=True)
        return {"pk": device.pk}
    if name.endswith(("_change", "_delete", "_history")) and name != "admin:password_change":
        for model in admin.site._registry:
            if name.rsplit("_", 1)[0] == f"{ADMIN_PREFIX}{model._meta.app_label}_{model._meta.model_name}":
                obj = {User: actors.officer_a}.get(model) or model._default_manager.order_by("-pk").first()
                return {"object_id": obj.pk} if obj is not None else None
        raise AssertionError(f"admin route for an unregistered model: {name}")
    return {}


def test_the_administration_site_is_for_administrators_only(client, tree, actors, visitors):
    admin_routes = sorted(
        n for n in all_route_names() if n.startswith(ADMIN_PREFIX) and "<unnamed" not in n and n not in ADMIN_NOT_GET
    )
    assert "admin:organizations_unit_changelist" in admin_routes
    failures = []
    for name in admin_routes:
        kwargs = admin_kwargs(name, tree, actors)
        if kwargs is None:
            continue
        url = reverse(name, kwargs=kwargs)
        for visitor in ["anonymous", "member", "officer_a", "reviewer"]:
            response = fetch(client, visitors[visitor], url)
            if response.status_code == 200:
                failures.append(f"{visitor} got 200 on {name}")
        if name in ("admin:index", "admin:organizations_unit_changelist", "admin:organizations_user_changelist"):
            for visitor in ["unit_admin", "system_admin"]:
                if fetch(client, visitors[visitor], url).status_code != 200:
                    failures.append(f"{visitor} cannot open {name}")
    assert not failures, failures


def test_admin_lists_only_the_administrators_subtree(client, tree, actors, visitors):
    page = fetch(client, visitors["unit_admin"], reverse("admin:organizations_unit_changelist")).content.decode()
    assert "AG-CT-A" in page and "HN-B" not in page
    other = reverse("admin:organizations_unit_change", kwargs={"object_id": tree.company_b.pk})
    assert fetch(client, visitors["unit_admin"], other).status_code in (302, 404)
