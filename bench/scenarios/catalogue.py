"""Issue 3, Speed: the members' discount catalogue over 5,000 partners, 50,000 offers and 200,000
outlets (scale 1.0).

- `catalogue_api`: `GET /api/v1/offers/?search=…&province=…` (anonymous, as the public reads it),
  median under 30 ms and p95 under 60 ms; the list makes a bounded number of queries. The timed
  runs go round five searches (text and province, one with a category too), one request a run.
  Baseline: the catalogue query written by hand in SQL — the same text, province and category,
  offers in force whose agreement reaches the province, newest first, a page of 20 — which the
  issue puts at about 2 ms on a trigram index.
- `catalogue_page`: the HTML catalogue `/uu-dai/`, median under 60 ms, going round seven
  requests (no filter, a province, text + province, text + province + category, two sorts,
  page 5) as stop 10 measured them.
Before timing, the plans of the portal's own queries for every searched case are explained: no
sequential scan on offers or outlets (issue 3), written to the notes.
"""

from __future__ import annotations

from itertools import cycle

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.choices import AgreementScope
from agreements.models import Agreement, Offer
from bench.runner import Log, Scenario
from bench.scenarios.common import client_for, index_scans, sequential_scans
from unionportal.text import fold

# (search text, province code, category) — An Giang 91, Hồ Chí Minh 79, Hà Nội 1, Đà Nẵng 48, Bắc Ninh 24.
API_CASES = (
    ("khach san", 91, "travel"),
    ("khach san", 91, ""),
    ("sieu thi", 79, ""),
    ("gao thom", 1, ""),
    ("tra gop dien may", 24, ""),
)
PAGE_CASES = (
    {},
    {"tinh": 91},
    {"q": "khach san", "tinh": 91},
    {"q": "sieu thi", "tinh": 79, "nhom": "consumer_goods"},
    {"sap_xep": "giam-nhieu", "tinh": 1},
    {"sap_xep": "sap-het-han"},
    {"trang": 5},
)
PAGE_SIZE = 20


def _counts() -> str:
    return f"{Offer.objects.count():,} offers, {Agreement.objects.count():,} agreements"


class CatalogueApi(Scenario):
    name = "catalogue_api"
    title = "catalogue search via the API (`/api/v1/offers/?search=&province=`)"
    source = "issue 3, Speed"
    target_ms = 30
    target_p95_ms = 60
    max_queries = 5
    baseline_title = (
        "the catalogue query in hand-written SQL (same text, province and category; offers in force whose "
        "agreement reaches the province; newest first; 20 rows)"
    )

    def prepare(self, log: Log) -> str:
        from agreements.models import Outlet

        self.client = client_for(None)
        self.url = reverse("offer-list")  # the API's (the HTML catalogue is agreements:offer-list)
        self.requests = cycle(API_CASES)
        # Anonymous API callers are throttled per address (API_ANON_RATE, 120/minute): the public
        # comes from many addresses, so the requests do too (loopback ones, never sent anywhere).
        self.addresses = cycle(f"127.0.{n // 250}.{n % 250 + 1}" for n in range(2500))
        self.baselines = cycle(API_CASES)
        statements = []
        for case in API_CASES:
            with CaptureQueriesContext(connection) as queries:
                self.check(self._get(case))
            statements += [q["sql"] for q in queries.captured_queries]
        scans = sequential_scans(statements, {Offer._meta.db_table, Outlet._meta.db_table})
        if connection.vendor == "postgresql":
            used = sorted(index_scans(statements, r"\w*trgm\w*") | _bitmap_indexes(statements))
            self.notes.append(
                "EXPLAIN of the portal's queries for the 5 searches: "
                + ("no sequential scan on offers or outlets" if not scans
                   else "**sequential scans**: " + ", ".join(sorted({t for t, _ in scans})))
                + (f"; indexes used: {', '.join(used)}" if used else "")
            )
        return f"{_counts()}, {Outlet.objects.count():,} outlets; {len(API_CASES)} searches in turn"

    def _get(self, case):
        self.case = case  # the baseline asks the question of the run before it
        text, province, category = case
        params = {"search": text, "province": province}
        if category:
            params["category"] = category
        return self.client.get(self.url, params, secure=True, HTTP_ACCEPT="application/json",
                               REMOTE_ADDR=next(self.addresses))

    def run(self):
        return self._get(next(self.requests))

    def check(self, response) -> None:
        if response.status_code != 200:
            raise AssertionError(f"the API answered {response.status_code}")
        data = response.json()
        if "results" not in data:
            raise AssertionError("the API answered no page of results")
        self.listed = [offer["id"] for offer in data["results"]]

    def baseline(self):
        text, province, category = self.case
        today = timezone.localdate()
        words = fold(text).split()
        offer, agreement = Offer._meta.db_table, Agreement._meta.db_table
        listed = Agreement.provinces.through._meta.db_table
        unit = Agreement._meta.get_field("unit").related_model._meta.db_table
        sql = f"""
            SELECT o.id, o.title, o.discount_kind, o.discount_percent, o.discount_amount, o.valid_until,
                   a.id, a.valid_until
            FROM {offer} o JOIN {agreement} a ON a.id = o.agreement_id
            WHERE {" AND ".join(["o.search_key LIKE %s"] * len(words))}
              {"AND o.category = %s" if category else ""}
              AND NOT a.is_draft AND a.valid_from <= %s AND (a.valid_until IS NULL OR a.valid_until >= %s)
              AND (a.terminated_on IS NULL OR a.terminated_on > %s)
              AND (o.valid_from IS NULL OR o.valid_from <= %s) AND (o.valid_until IS NULL OR o.valid_until >= %s)
              AND (a.scope = %s
                   OR (a.scope = %s AND a.id IN (SELECT agreement_id FROM {listed} WHERE province_id = %s))
                   OR (a.scope = %s AND a.unit_id IN (SELECT id FROM {unit} WHERE province_id = %s)))
            ORDER BY o.created_at DESC, o.id DESC
            LIMIT {PAGE_SIZE}
        """
        params = [f"%{word}%" for word in words] + ([category] if category else []) + [today] * 5 + [
            AgreementScope.NATIONWIDE, AgreementScope.PROVINCES, province, AgreementScope.SUBTREE, province,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def check_baseline(self, rows) -> None:
        # The same question: the same offers as the API's page just before (runs and baselines alternate).
        if [row[0] for row in rows] != self.listed:
            raise AssertionError(f"the hand-written query found {[row[0] for row in rows]}, the API {self.listed}")


def _bitmap_indexes(statements) -> set[str]:
    """Trigram indexes used through a bitmap scan (how GIN indexes are read)."""
    import re

    used: set[str] = set()
    with connection.cursor() as cursor:
        for sql in statements:
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                used |= set(re.findall(r"Bitmap Index Scan on (\w*trgm\w*)", plan))
    return used


class CataloguePage(Scenario):
    name = "catalogue_page"
    title = "the HTML catalogue `/uu-dai/` (anonymous)"
    source = "issue 3, Speed"
    target_ms = 60
    max_queries = 10

    def prepare(self, log: Log) -> str:
        self.client = client_for(None)
        self.url = reverse("agreements:offer-list")
        self.requests = cycle(PAGE_CASES)
        return f"{_counts()}; {len(PAGE_CASES)} requests in turn"

    def run(self):
        return self.client.get(self.url, next(self.requests), secure=True)

    def check(self, response) -> None:
        if response.status_code != 200:
            raise AssertionError(f"the catalogue answered {response.status_code}")
        if b"<html" not in response.content[:500].lower():
            raise AssertionError("the catalogue answered no page")
