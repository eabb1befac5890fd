"""Access rules for every route, one module per area; `tests/test_route_rules.py` checks them.

A rule says what each kind of visitor gets on GET: an HTTP status, or LOGIN (a redirect to
the login page). Where a route takes an object, `kwargs(tree, actors)` returns the arguments
for an object of the *officer's own unit* (company A in `tests/conftest.py`), so that
"another unit → 404" is checked by the officer of unit B. It may create the object with the
factories, and must build it from `tree` and `actors` only (not fixed units), because the
object-level test calls it again for another unit.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"
VISITORS = ["anonymous", "member", "officer_a", "officer_b", "reviewer", "unit_admin", "system_admin"]


@dataclass
class Rule:
    expect: dict[str, int | str]
    kwargs: Callable = field(default=lambda tree, actors: {})
    # Object level (tests/test_route_rules_objects.py) builds the same object for another unit
    # by calling `kwargs` with company B (beside) or TLĐ (above) in company A's place, and expects
    # 404 for A's side of the tree on both. `above` replaces that for an object TLĐ shares with
    # every unit below (its plans, its programme records): what member, officer_a, reviewer and
    # unit_admin get on TLĐ's object (READ_DOWN, EDIT_DOWN, ACT_DOWN below). `writers` names
    # visitors who may POST here for any unit's object (a member reporting any public offer).
    above: dict[str, int] | None = None
    writers: tuple[str, ...] = ()


# What A's side of the tree gets on an object TLĐ shares downward: it reads it…
READ_DOWN = {"member": 404, "officer_a": 200, "reviewer": 200, "unit_admin": 200}
# …but may not change it…
EDIT_DOWN = {"member": 404, "officer_a": 403, "reviewer": 403, "unit_admin": 403}
# …though its officers act on it for their own unit (inspect an outlet, complete a milestone).
ACT_DOWN = {**EDIT_DOWN, "officer_a": 200}


def everyone(status):
    return dict.fromkeys(VISITORS, status)


def signed_in(status, anonymous=LOGIN):
    return {**everyone(status), "anonymous": anonymous}


def unit_of_a(tree, actors):
    return {"pk": tree.company_a.pk}


