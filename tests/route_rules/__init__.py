"""Access rules for every route, one module per area; `tests/test_route_rules.py` checks them.

A rule says what each kind of visitor gets on GET: an HTTP status, or LOGIN (a redirect to
the login page). Where a route takes an object, `kwargs(tree, actors)` returns the arguments
for an object of the *officer's own unit* (company A in `tests/conftest.py`), so that
"another unit → 404" is checked by the officer of unit B. It may create the object with the
factories.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"
VISITORS = ["anonymous", "member", "officer_a", "officer_b", "reviewer", "unit_admin", "system_admin"]


@dataclass
class Rule:
    expect: dict[str, int | str]
    kwargs: Callable = field(default=lambda tree, actors: {})


def everyone(status):
    return dict.fromkeys(VISITORS, status)


def signed_in(status, anonymous=LOGIN):
    return {**everyone(status), "anonymous": anonymous}


def unit_of_a(tree, actors):
    return {"pk": tree.company_a.pk}


