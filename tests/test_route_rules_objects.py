"""Object level: nobody reaches another unit's records, by reading or by writing.

Built on the route rules (tests/route_rules/): every rule whose `kwargs` builds an object of
company A is run three ways —

- "home": company A's object as the rule has it. Every visitor the rule refuses (403/404/login),
  and the officer of B and the member on write-only routes, POSTs to the route; on the API also
  PUT/PATCH/DELETE on every detail route and POST on every detail action of every viewset of
  the router. Each answer must be a refusal (401/403/404/405 or the login page), and the
  database must be exactly as before (a snapshot of every table, row by row).
- "beside": the same object built for company B (Hà Nội) — the rule's `kwargs` called with
  company B in company A's place. The officer of A, the reviewer and administrator of An Giang
  and the member must get 404 where the owner got the page, and their writes are refused with
  nothing changed; B's own officer and reviewer get what A's got (so the object really was B's).
- "above": the same object built for TLĐ, above An Giang: the same, unless the rule says TLĐ
  shares it with the units below (`above=`, e.g. a plan they carry out) — then they get what
  `above` says, and writing is still refused (or, where they may act on it, changes nothing
  when the request is empty).

API viewsets are enumerated from the router (unionportal/api_urls.py), so a new viewset is
covered as soon as its routes have rules (which test_route_rules.py demands).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.route_rules import LOGIN, VISITORS
from tests.test_route_rules import RULES, matches

WORLDS = ["home", "beside", "above"]
# People of company A's side of the tree, who must not reach B's or TLĐ's objects.
HOME_SIDE = ["member", "officer_a", "reviewer", "unit_admin"]
REFUSED = {401, 403, 404, 405}
WRITE_METHODS = ("post", "put", "patch", "delete")
# Tables that a refused request may legitimately touch, or that logging in writes.
IGNORED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog",
                  "axes_accessattemptexpiration"}


# --- the API, read from the router --------------------------------------------------------------


def api_write_methods() -> dict[str, tuple[str, ...]]:
    """Route name → the writing methods the router exposes there (detail routes and detail actions)."""
    from unionportal.api_urls import router

    routes: dict[str, tuple[str, ...]] = {}
    for _prefix, viewset, basename in router.registry:
        if hasattr(viewset, "retrieve") or any(hasattr(viewset, m) for m in ("update", "partial_update", "destroy")):
            routes[f"{basename}-detail"] = ("put", "patch", "delete")
        for action in viewset.get_extra_actions():
            if action.detail:
                methods = tuple(m for m in action.mapping if m in WRITE_METHODS)
                routes[f"{basename}-{action.url_name}"] = methods or ("post",)
    return routes


API_ROUTES = api_write_methods()


def api_route_names() -> set[str]:
    from unionportal.api_urls import router

    return {url.name for url in router.urls if url.name}


# --- which rules are about an object ----------------------------------------------------------


def builds_an_object(name: str) -> bool:
    """The route takes arguments (a record) and its rule builds them, not a fixed value like a reset token."""
    rule = RULES[name]
    if getattr(rule.kwargs, "__name__", "<lambda>") == "<lambda>":
        return False
    try:
        reverse(name)
    except NoReverseMatch:
        return True
    return False


def is_scoped(name: str) -> bool:
    """Someone reaches the object and the officer of another unit does not: it belongs to a unit or a person."""
    expect = RULES[name].expect
    return expect["officer_b"] in (404, 405) and any(expect[v] not in (404, 405) for v in ("officer_a", "reviewer", "unit_admin"))


def is_public(name: str) -> bool:
    expect = RULES[name].expect
    return expect["anonymous"] == 200 and expect["officer_b"] == 200


def object_routes() -> list[str]:
    """Every rule that builds a record for its route."""
    return [name for name in sorted(RULES) if builds_an_object(name)]


OBJECT_ROUTES = object_routes()


# --- the three worlds ---------------------------------------------------------------------------


def build_world(world: str, tree, actors):
    """`tree` and `actors` as the rule's kwargs see them, with another unit in company A's place.

    Returns (tree, actors, owners): `owners` maps a visitor name of the rules to the person who
    plays that part for the object in this world (B's officer plays "officer_a" in "beside").
    """
    from organizations.choices import Role
    from tests.factories import UserFactory, user_with_role

    if world == "home":
        return tree, actors, {}
    if world == "beside":
        place = {"company_a": tree.company_b, "chau_thanh": tree.ha_noi, "an_giang": tree.ha_noi,
                 "hospital": tree.company_b, "company_b": tree.company_a, "ha_noi": tree.an_giang}
        officer, province_unit = actors.officer_b, tree.ha_noi
        other_officer = actors.officer_a
    else:
        place = {"company_a": tree.tld, "chau_thanh": tree.tld, "an_giang": tree.tld, "hospital": tree.tld}
        officer = user_with_role(tree.tld, Role.OFFICER, username="can_bo_tld")
        province_unit = tree.tld
        other_officer = actors.officer_b
    reviewer = user_with_role(province_unit, Role.REVIEWER, username=f"duyet_{world}")
    admin = user_with_role(province_unit, Role.UNIT_ADMIN, username=f"quan_tri_{world}")
    member = UserFactory(username=f"doan_vien_{world}", member_unit=place["company_a"])
    world_tree = SimpleNamespace(**{**vars(tree), **place})
    world_actors = SimpleNamespace(**{
        **vars(actors), "officer_a": officer, "officer_b": other_officer, "reviewer_an_giang": reviewer,
        "admin_an_giang": admin, "member": member,
    })
    owners = {"officer_a": officer, "reviewer": reviewer, "unit_admin": admin, "system_admin": actors.system_admin}
    return world_tree, world_actors, owners


# --- the database, row by row -------------------------------------------------------------------


def snapshot() -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in state or table in IGNORED_TABLES or model._meta.proxy or not model._meta.managed:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            state[table] = sorted(repr(row) for row in cursor.fetchall())
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))


# --- requests -----------------------------------------------------------------------------------


def signed_in_clients(visitors: dict) -> dict[str, Client]:
    """One client per visitor, logged in before the snapshot (logging in writes last_login)."""
    clients = {}
    for name, user in visitors.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[name] = client
    return clients


def refused(response) -> bool:
    return response.status_code in REFUSED or matches(response, LOGIN)


def body_for(name: str, url: str, admin_client: Client) -> str:
    """A plausible body for PUT/PATCH: the record as the system administrator reads it."""
    detail = admin_client.get(url)
    if detail.status_code == 200 and detail.get("Content-Type", "").startswith("application/json"):
        return detail.content.decode()
    return "{}"


def send(client: Client, method: str, url: str, body: str, api: bool):
    if api:
        return getattr(client, method)(url, data=body if method != "post" else "{}", content_type="application/json")
    return getattr(client, method)(url, {})


def write_attempts(name: str, writers: list[str]) -> list[tuple[str, str]]:
    """(visitor, method) pairs to try on route `name`."""
    methods = API_ROUTES.get(name, ("post",))
    return [(visitor, method) for visitor in writers for method in methods]


def home_writers(name: str) -> list[str]:
    """Visitors with no business writing to company A's object on this route."""
    rule = RULES[name]
    expect = rule.expect
    writers = [v for v in VISITORS if expect[v] in (401, 403, 404, LOGIN) and v not in rule.writers]
    if name in API_ROUTES and name.endswith("-detail"):
        # Reading is not editing: on the API every reader but the owner and the system
        # administrator is refused a change.
        writers = [v for v in VISITORS if v not in ("officer_a", "system_admin") and v not in rule.writers]
    elif expect["officer_a"] == 405:
        writers = [v for v in ("anonymous", "member", "officer_b") if v not in rule.writers]
    elif is_public(name):
        writers = [v for v in ("anonymous", "member", "officer_b") if v not in rule.writers]
    return writers


# --- the tests ----------------------------------------------------------------------------------


def test_the_router_viewsets_are_all_covered():
    # A viewset with a detail route but no rule for it would escape the write checks.
    uncovered = sorted(set(API_ROUTES) - set(OBJECT_ROUTES))
    assert not uncovered, f"API routes without an object-building rule: {uncovered}"
    assert len(API_ROUTES) >= 20


def expected_read(name: str, world: str, visitor: str):
    """What `visitor` gets on GET of this world's object (None: GET says nothing here, e.g. POST-only)."""
    rule = RULES[name]
    home = rule.expect[visitor]
    if world == "home" or not is_scoped(name):
        return home  # public records (offers, institutions) read the same whichever unit owns them
    if home == 405:
        return None
    if world == "above" and rule.above is not None:
        return rule.above[visitor]
    return 404


@pytest.mark.parametrize("world", WORLDS)
@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_objects_of_other_units_stay_out_of_reach(tree, actors, name, world):
    from organizations.choices import Role
    from tests.factories import user_with_role

    rule = RULES[name]
    api = name in API_ROUTES
    visitors = {
        "anonymous": None, "member": actors.member, "officer_a": actors.officer_a, "officer_b": actors.officer_b,
        "reviewer": actors.reviewer_an_giang,
        "unit_admin": user_with_role(tree.an_giang, Role.UNIT_ADMIN, username="qt_ag_2"),
        "system_admin": actors.system_admin,
    }
    world_tree, world_actors, owners = build_world(world, tree, actors)
    url = reverse(name, kwargs=rule.kwargs(world_tree, world_actors))
    if world != "home" and url == reverse(name, kwargs=rule.kwargs(tree, actors)):
        pytest.skip("the route names a kind of thing (an import type, a form), not a unit's record")
    failures: list[str] = []

    # Reading: A's side gets 404 on B's and TLĐ's objects (unless TLĐ shares it: `above`), while
    # the owner's side gets what A's side gets at home — so the object really is the other unit's.
    if world != "home":
        for part, person in owners.items():
            response = signed_in_clients({part: person})[part].get(url)
            if not matches(response, rule.expect[part]):
                failures.append(f"owner side {part} ({person.username}): got {response.status_code}, "
                                f"rule gives {rule.expect[part]} at home (was the object built for {world}?)")
        for visitor in HOME_SIDE:
            expected = expected_read(name, world, visitor)
            if expected is None:
                continue
            response = signed_in_clients({visitor: visitors[visitor]})[visitor].get(url)
            if not matches(response, expected):
                failures.append(f"{visitor} read {world} object: {response.status_code}, expected {expected}")

    # Writing: refused (on a page the visitor may read, a POST may answer with the page, but
    # never change anything), and the database stays exactly as it was.
    writers = home_writers(name) if world == "home" else [v for v in HOME_SIDE if v not in rule.writers]
    attempts = write_attempts(name, writers)
    clients = signed_in_clients({v: visitors[v] for v in {*writers, "system_admin"}})
    body = body_for(name, url, clients["system_admin"]) if api else "{}"
    before = snapshot()
    for visitor, method in attempts:
        response = send(clients[visitor], method, url, body, api=api)
        may_read = not api and expected_read(name, world, visitor) == 200
        if not refused(response) and not may_read:
            failures.append(f"{visitor} {method.upper()} on {world} object: {response.status_code} "
                            f"{response.content[:120]!r}")
    after = snapshot()
    if changed_tables(before, after):
        failures.append(f"refused writes changed the database: {changed_tables(before, after)} "
                        f"(attempts: {attempts})")

    assert not failures, f"{name} ({url}, {world}): " + "; ".join(failures)


def test_lists_leave_out_records_their_detail_refuses(tree, actors):
    """An API list never shows a record whose detail route answers 404 to the same person."""
    from organizations.choices import Role
    from tests.factories import user_with_role

    visitors = {
        "member": actors.member, "officer_b": actors.officer_b,
        "unit_admin": user_with_role(tree.an_giang, Role.UNIT_ADMIN, username="qt_ag_2"),
    }
    clients = signed_in_clients(visitors)
    checked, failures = 0, []
    for name in sorted(API_ROUTES):
        if not name.endswith("-detail") or not is_scoped(name):
            continue
        list_name = name.removesuffix("-detail") + "-list"
        if list_name not in api_route_names():
            continue
        pk = RULES[name].kwargs(tree, actors).get("pk")
        for visitor, client in clients.items():
            if RULES[name].expect[visitor] != 404:
                continue
            response = client.get(reverse(list_name))
            if response.status_code != 200:
                continue
            payload = response.json()
            rows = payload["results"] if isinstance(payload, dict) and "results" in payload else payload
            ids = {row.get("id") for row in rows if isinstance(row, dict)}
            if rows and ids == {None}:
                continue  # no "id" in this list's rows: nothing to compare
            checked += 1
            if pk in ids:
                failures.append(f"{visitor} sees record {pk} in {list_name}")
    assert checked >= 10, checked
    assert not failures, failures


def test_the_snapshot_sees_a_change(tree, actors):
    # Proves the "nothing changed" check is not vacuous.
    before = snapshot()
    tree.company_a.name = "Công đoàn cơ sở Công ty A (đổi tên)"
    tree.company_a.save(update_fields=["name"])

    assert "organizations_unit" in changed_tables(before, snapshot())


def test_body_for_uses_the_records_own_representation(tree, actors):
    admin = signed_in_clients({"system_admin": actors.system_admin})["system_admin"]
    url = reverse("unit-detail", kwargs={"pk": tree.company_a.pk})

    assert json.loads(body_for("unit-detail", url, admin))["code"] == "AG-CT-A"
