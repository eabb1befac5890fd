"""Issue 5, Speed: "The quota board for TLĐ over 1,000 sections and 52 weeks (about 100,000
articles) renders in a median under 500 ms with a bounded number of queries."

The timed run is the real page: `GET campaigns:quota-board` for TLĐ and year 2025 (52 ISO weeks,
all of them over) through `django.test.Client`, as TLĐ's reviewer (Ban Tuyên giáo), the whole
HTML rendered — middleware, session, scope, selector, template. The baseline is the one
hand-written SQL aggregate of the same numbers: articles per section per ISO week under TLĐ.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse

from bench.national import FULL, YEAR
from bench.runner import Log, Scenario
from campaigns.generation import generate_articles
from campaigns.models import Article, MediaOutlet, Section
from campaigns.selectors import iso_weeks
from organizations.choices import Role
from organizations.models import RoleAssignment, Unit, User

# YEAR: the year of the national data set's articles, 52 ISO weeks, all over whatever day it runs.
SECTIONS = FULL["sections"]


class QuotaBoard(Scenario):
    name = "quota_board"
    title = "TLĐ's quota board (HTML page)"
    source = "issue 5, Speed"
    target_ms = 500
    max_queries = 10
    baseline_title = (
        "one hand-written SQL `GROUP BY` counting the articles per section and ISO week of the sections under "
        "TLĐ, rows fetched"
    )

    def prepare(self, log: Log) -> str:
        if not Section.objects.exists():  # the national data set has them; alone, the scenario writes its own
            generate_articles(sections=max(1, round(SECTIONS * self.scale)), year=YEAR, log=log)
        self.root = Unit.objects.filter(depth=1).order_by("path").first()
        # What the board must show: every section under TLĐ, whoever wrote it (another scenario may).
        weeks = iso_weeks(YEAR)
        sections = Section.objects.filter(outlet__unit__path__startswith=self.root.path)
        self.sections = sections.count()
        self.articles = Article.objects.filter(
            section__in=sections, published_on__gte=weeks[0][1], published_on__lt=weeks[-1][1] + timedelta(days=7)
        ).count()
        viewer, _ = User.objects.get_or_create(username="bench_tuyen_giao_tld", defaults={"full_name": "Ban Tuyên giáo TLĐ"})
        RoleAssignment.objects.get_or_create(user=viewer, unit=self.root, role=Role.REVIEWER)
        self.client = Client()
        self.client.force_login(viewer)
        self.url = reverse("campaigns:quota-board")
        return f"{self.sections:,} sections × {len(weeks)} weeks, {self.articles:,} articles"

    def run(self):
        return self.client.get(self.url, {"don_vi": self.root.pk, "nam": YEAR}, secure=True)

    def check(self, response) -> None:
        if response.status_code != 200:
            raise AssertionError(f"the board answered {response.status_code}")
        rows = response.content.count(b"<tr data-section=")
        if rows != self.sections:
            raise AssertionError(f"the board shows {rows} sections, not {self.sections}")

    def baseline(self):
        weeks = iso_weeks(YEAR)
        first_monday, last_monday = weeks[0][1], weeks[-1][1]
        # Within one ISO year the week is the number of whole weeks since its first Monday.
        week = {
            "postgresql": "(a.published_on - %s) / 7 + 1",
            "sqlite": "CAST(julianday(a.published_on) - julianday(%s) AS INTEGER) / 7 + 1",
        }[connection.vendor]
        sql = f"""
            SELECT a.section_id, {week} AS week, COUNT(*)
            FROM {Article._meta.db_table} a
            WHERE a.section_id IN (
                SELECT s.id FROM {Section._meta.db_table} s
                JOIN {MediaOutlet._meta.db_table} o ON o.id = s.outlet_id
                JOIN {Unit._meta.db_table} u ON u.id = o.unit_id
                WHERE u.path LIKE %s
            ) AND a.published_on >= %s AND a.published_on < %s
            GROUP BY a.section_id, week
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [first_monday, f"{self.root.path}%", first_monday, last_monday + timedelta(days=7)])
            return cursor.fetchall()

    def check_baseline(self, rows) -> None:
        if sum(count for *_, count in rows) != self.articles:
            raise AssertionError("the baseline does not count every article")
