"""Issue 4, Speed: consolidation and compliance over the national tree (130,000 grassroots unions
at scale 1.0) with Phụ lục 02 for the 12 months of the year, ~90 % of the units each month.

All four read December (`bench.national.YEAR`), as TLĐ's reviewer, through the portal's code:
- `consolidation`: the national consolidation page (`/bao-cao/tong-hop/`, HTML), median under
  100 ms. Baseline: `verify_totals`'s from-scratch aggregation of the month over the tree (the
  one SQL statement the precomputed totals replace), as the issue asks.
- `compliance_counts`: the counts of Phụ lục 04 for every unit under TLĐ
  (`reporting.selectors.compliance_counts`), median under 150 ms. Baseline: the anti-join
  written by hand in SQL (units of the subtree owing the form, LEFT JOIN their report, GROUP BY).
- `compliance_first_page`: the first page (50 units) of that list (`reporting.selectors.compliance`),
  median under 50 ms.
- `consolidation_xlsx`: TLĐ's consolidation as .xlsx in the Phụ lục 02 layout
  (`/bao-cao/xuat/tong-hop/<unit>/<period>.xlsx`), under 1 s.
Query counts must not depend on the number of units: the bounds are those the issue's tests hold.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.urls import reverse

from bench.runner import Log, Scenario
from bench.scenarios.common import client_for, last_period, reviewer_of, root
from organizations.models import Unit
from reporting.choices import SubmissionStatus
from reporting.models import FormAssignment, Submission, SubmissionValue
from reporting.selectors import compliance, compliance_counts, totals_recomputed_sql, without_jit

COMPLIANCE_PAGE = 50


class _National(Scenario):
    """TLĐ, its reviewer and the last month of reports."""

    def prepare(self, log: Log) -> str:
        self.unit = root()
        self.period = last_period()
        self.viewer = reviewer_of(self.unit)
        self.client = client_for(self.viewer)
        self.units = Unit.objects.count()
        self.reports = Submission.objects.filter(period=self.period).count()
        return f"{self.units:,} units, {self.reports:,} reports for {self.period.label}"


class NationalConsolidation(_National):
    name = "consolidation"
    title = "TLĐ's national consolidation of Phụ lục 02 (HTML page)"
    source = "issue 4, Speed"
    target_ms = 100
    max_queries = 20
    baseline_title = (
        "`verify_totals`'s aggregation of the month from scratch (one SQL statement over the tree and the "
        "month's value rows), rows fetched"
    )

    def prepare(self, log: Log) -> str:
        size = super().prepare(log)
        self.url = reverse("reporting:consolidation")
        self.params = {"bieu_mau": self.period.form.code, "ky": self.period.slug}
        self.values = SubmissionValue.objects.filter(submission__period=self.period).count()
        return f"{size}, {self.values:,} values"

    def run(self):
        return self.client.get(self.url, self.params, secure=True)

    def check(self, response) -> None:
        if response.status_code != 200:
            raise AssertionError(f"the consolidation answered {response.status_code}")
        if response.context is not None and response.context.get("consolidation") is None:
            raise AssertionError("the page shows no consolidation")

    def baseline(self):
        sql, params = totals_recomputed_sql([self.period.pk])
        with transaction.atomic(), connection.cursor() as cursor:
            without_jit(cursor)  # as verify_totals runs it (SET LOCAL: inside a transaction)
            cursor.execute(sql, params)
            return cursor.fetchall()

    def check_baseline(self, rows) -> None:
        if not rows:
            raise AssertionError("the aggregation found no totals")


class ComplianceCounts(_National):
    name = "compliance_counts"
    title = "compliance (Phụ lục 04) of every unit under TLĐ: the counts"
    source = "issue 4, Speed"
    target_ms = 150
    # One SELECT; on PostgreSQL inside a serial-plan block: SAVEPOINT, SET LOCAL, SELECT, SET LOCAL, RELEASE.
    max_queries = 5
    baseline_title = (
        "the anti-join in hand-written SQL: units under TLĐ with an assignment in force on the due date, "
        "LEFT JOIN their report of the month, GROUP BY (status, late)"
    )

    def run(self):
        return compliance_counts(unit=self.unit, period=self.period)

    def check(self, counts) -> None:
        if counts.expected < self.units - 1 - self.units // 100:  # every unit below TLĐ owes the monthly report
            raise AssertionError(f"the counts cover {counts.expected} units of {self.units}")

    def baseline(self):
        unit, submission, assignment = Unit._meta.db_table, Submission._meta.db_table, FormAssignment._meta.db_table
        sql = f"""
            SELECT s.status, s.submitted_late, COUNT(*)
            FROM {unit} u
            LEFT JOIN {submission} s ON s.unit_id = u.id AND s.period_id = %s
            WHERE u.path LIKE %s AND u.depth > %s
              AND EXISTS (SELECT 1 FROM {assignment} a WHERE a.unit_id = u.id AND a.form_id = %s
                          AND a.valid_from <= %s AND (a.valid_until IS NULL OR a.valid_until >= %s))
            GROUP BY s.status, s.submitted_late
        """
        due = self.period.due_date
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.period.pk, f"{self.unit.path}%", self.unit.depth, self.period.form_id, due, due])
            return cursor.fetchall()

    def check_baseline(self, rows) -> None:
        counted = sum(n for *_, n in rows)
        approved = sum(n for status, _late, n in rows if status == SubmissionStatus.APPROVED)
        if counted < self.units // 2 or not approved:
            raise AssertionError(f"the hand-written anti-join counted {counted} units")


class ComplianceFirstPage(_National):
    name = "compliance_first_page"
    title = f"compliance of every unit under TLĐ: the first page ({COMPLIANCE_PAGE} units)"
    source = "issue 4, Speed"
    target_ms = 50
    max_queries = 1

    def run(self):
        return list(compliance(unit=self.unit, period=self.period)[:COMPLIANCE_PAGE])

    def check(self, rows) -> None:
        if len(rows) != min(COMPLIANCE_PAGE, self.units - 1):
            raise AssertionError(f"the first page has {len(rows)} units")


class ConsolidationXlsx(_National):
    name = "consolidation_xlsx"
    title = "TLĐ's consolidation of Phụ lục 02 as .xlsx"
    source = "issue 4, Speed"
    target_ms = 1000
    max_queries = 20

    def prepare(self, log: Log) -> str:
        size = super().prepare(log)
        self.url = reverse("reporting:consolidation-xlsx", kwargs={"unit_pk": self.unit.pk, "period_pk": self.period.pk})
        return size

    def run(self):
        return self.client.get(self.url, secure=True)

    def check(self, response) -> None:
        if response.status_code != 200:
            raise AssertionError(f"the .xlsx answered {response.status_code}")
        if not response.content.startswith(b"PK"):
            raise AssertionError("the answer is not an .xlsx file")
