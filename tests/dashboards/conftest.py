import pytest
import time_machine

from tests.dashboards.scenario import TODAY, campaign_year, reporting_year, welfare_year


@pytest.fixture(autouse=True)
def dashboard_cache(monkeypatch):
    """Each test starts with an empty cache of dashboard figures.

    The shared cache (Redis in CI, or the process's local memory) outlives a test, and figures
    cached by one test for a unit id would be served to the next test reusing that id.
    """
    from django.core.cache.backends.locmem import LocMemCache

    cache = LocMemCache("tests-dashboards", {})
    cache.clear()
    monkeypatch.setattr("dashboards.cache.cache", cache)
    return cache


@pytest.fixture
def year_of_reports(tree, actors):
    return reporting_year(tree, actors)


@pytest.fixture
def year_of_welfare(tree):
    return welfare_year(tree)


@pytest.fixture
def year_of_campaigns(tree):
    return campaign_year(tree)


@pytest.fixture
def today():
    """28/11/2026 in Vietnam, for as long as the test runs (figures are "as of today")."""
    with time_machine.travel(TODAY, tick=False):
        yield

