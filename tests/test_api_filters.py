"""Every filter of every API list answers a number it cannot use with 400, never a 500.

schemathesis (tests/test_api_fuzzing.py) found `?year=0` on /api/v1/usage/ and ids too large for
a database column; this test sends such values to every numeric filter of every viewset of the
router, deterministically, so a filter added later is checked too.
"""

import pytest
from django_filters import filters as df
from rest_framework.test import APIClient

from unionportal.api_urls import router

NUMERIC = (df.NumberFilter, df.ModelChoiceFilter, df.ModelMultipleChoiceFilter)
BAD_VALUES = ["0", "-1", "1.5", "99999999999999999999999", "1e40", "-99999999999999999999", "abc", "NaN"]


def numeric_filters():
    found = []
    for prefix, viewset, basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is None or not hasattr(viewset, "list"):
            continue
        for name, flt in filterset.base_filters.items():
            if isinstance(flt, NUMERIC):
                found.append((f"{basename}-list", f"/api/v1/{prefix}/", name))
    return found


FILTERS = numeric_filters()


def test_the_router_has_numeric_filters_to_check():
    assert len(FILTERS) >= 15


@pytest.mark.parametrize("route,url,name", FILTERS, ids=[f"{r}?{n}" for r, _u, n in FILTERS])
def test_a_number_the_filter_cannot_use_is_not_a_server_error(actors, route, url, name):
    api = APIClient()
    api.force_authenticate(actors.system_admin)
    failures = []
    for value in BAD_VALUES:
        response = api.get(url, {name: value})
        if response.status_code >= 500:
            failures.append(f"?{name}={value}: {response.status_code}")
    assert not failures, f"{url}: {failures}"
