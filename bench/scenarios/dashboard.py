"""Issue 7, Speed: "The TLĐ dashboard over the national data (130,000 units, 12 months of Phụ lục
02) loads all its JSON in a median under 1.5 s cold and under 100 ms warm."

A run is what the dashboard page fetches: the four sections' JSON (`/api/v1/dashboard/reporting|
welfare|benefits|campaigns/?unit=<TLĐ>&year=<YEAR>`), one after the other (a browser fetches them
side by side, so this is the slower way), as TLĐ's reviewer, for the year of the data set.
- `dashboard_cold`: each run starts with the four cached sections of TLĐ's dashboard for the year
  forgotten (`dashboards.cache`: the keys alone, not the whole cache), so every figure is
  computed from the database;
- `dashboard_warm`: the figures are in the cache (computed by the warm-up).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from bench.national import YEAR
from bench.runner import Log, Scenario
from bench.scenarios.common import client_for, reviewer_of, root
from organizations.models import Unit

SECTIONS = ("reporting", "welfare", "benefits", "campaigns")


class _Dashboard(Scenario):
    source = "issue 7, Speed"
    # Each request: session, user, scope, the viewer's units, the unit (5); computing the sections
    # adds a fixed number (reporting 5, welfare 5, benefits 1–2, campaigns 4: dashboards.selectors).
    max_queries = 4 * 5 + 18

    def prepare(self, log: Log) -> str:
        self.unit = root()
        self.client = client_for(reviewer_of(self.unit))
        self.params = {"unit": self.unit.pk, "year": YEAR}
        return f"{Unit.objects.count():,} units, year {YEAR}, {len(SECTIONS)} sections"

    def _fetch(self) -> list:
        return [
            self.client.get(f"/api/v1/dashboard/{section}/", self.params, secure=True, HTTP_ACCEPT="application/json")
            for section in SECTIONS
        ]

    def check(self, responses) -> None:
        for section, response in zip(SECTIONS, responses, strict=True):
            if response.status_code != 200:
                raise AssertionError(f"the {section} section answered {response.status_code}")
            if not response.json().get("charts"):
                raise AssertionError(f"the {section} section has no charts")

    def forget(self) -> None:
        from dashboards.cache import cache_key

        cache.delete_many([cache_key(section, self.unit.pk, YEAR, language)
                           for section in SECTIONS for language, _name in settings.LANGUAGES])


class DashboardCold(_Dashboard):
    name = "dashboard_cold"
    title = "TLĐ's dashboard, all four sections' JSON, nothing cached"
    target_ms = 1500

    def run(self):
        self.forget()
        return self._fetch()


class DashboardWarm(_Dashboard):
    name = "dashboard_warm"
    title = "TLĐ's dashboard, all four sections' JSON, cached"
    target_ms = 100
    max_queries = 4 * 5

    def run(self):
        return self._fetch()
