"""The imports of issue 8: 10,000 rows of outlets (issue 3), and the national unit tree (issue 2).

- `outlet_import`: 10,000 outlet rows (text cells, as a .csv gives them) through
  django-import-export (`agreements.resources.OutletResource`, every row validated), at most 3×
  a plain `bulk_create` of the same outlets measured in the same run (issue 3). The rows, the
  partners and the officer are those of `manage.py measure_outlet_import`, whose set-up this
  reuses. The size does not grow with the scale: it is the file an officer uploads.
- `unit_tree_import`: a national tree of 130,000 grassroots unions (× scale) from a .csv file,
  read, checked and written by `organizations.services.unit_tree_import` (the `/don-vi/nhap/`
  page and `manage.py import_units`) as a second tree beside the national one (every code
  prefixed). No issue names a baseline or a target for it (stop 10 measured 18.8 s before units
  had an audit history); the notes split a run into reading, checking and writing.
Both write for real in a transaction that is rolled back at the end of each run, so every run
starts from the same database (the time of the final COMMIT is not counted, on either side).
"""

from __future__ import annotations

import random
import statistics
import time

from django.db import transaction

from agreements.management.commands.measure_outlet_import import Command as OutletMeasurement
from agreements.models import Outlet
from agreements.resources import OutletResource
from bench.national import FULL
from bench.runner import Log, Scenario
from organizations.management.commands.generate_unit_tree_file import SECTORS
from organizations.management.commands.generate_unit_tree_file import Command as TreeFile
from organizations.models import Province, Unit
from organizations.resources import COLUMN_HEADERS, read_unit_file, write_csv
from organizations.services import unit_tree_import

OUTLET_ROWS = 10_000
PREFIX = "B"  # the second tree's codes: BTLD, BT01, BT01-H001, ... (the national tree has none)


class OutletImport(Scenario):
    rows = OUTLET_ROWS  # the file; tests make it smaller
    name = "outlet_import"
    title = f"{OUTLET_ROWS:,} outlet rows through django-import-export"
    source = "issue 3, Speed"
    max_ratio = 3
    heavy = True
    baseline_title = f"`Outlet.objects.bulk_create` of the same {OUTLET_ROWS:,} outlets (objects built beforehand)"

    def prepare(self, log: Log) -> str:
        self.measurement = OutletMeasurement()
        self.unit, self.user, partners = self.measurement._set_up(20)
        self.dataset, self.objects_of = self.measurement._rows(self.rows, partners)
        self.objects = self.objects_of()
        return f"{self.rows:,} rows into {Outlet.objects.count():,} outlets"

    def run(self):
        with transaction.atomic():
            resource = OutletResource(user=self.user, unit=self.unit)
            result = resource.import_data(self.dataset, dry_run=False, use_transactions=True,
                                          rollback_on_validation_errors=True)
            written = Outlet.objects.filter(partner__unit=self.unit).count()
            transaction.set_rollback(True)
        return result, written

    def check(self, outcome) -> None:
        result, written = outcome
        if result.has_errors() or result.has_validation_errors() or written != self.rows:
            raise AssertionError(f"the import did not write every row: {result.totals}, {written} written")

    def baseline(self):
        with transaction.atomic():
            Outlet.objects.bulk_create(self.objects, batch_size=1000)
            transaction.set_rollback(True)
        return len(self.objects)

    def check_baseline(self, written) -> None:
        if written != self.rows:
            raise AssertionError(f"bulk_create wrote {written} rows")
        self.objects = self.objects_of()  # fresh objects (no ids) for the next run, outside its time

    def teardown(self) -> None:
        self.measurement._tear_down(self.unit, self.user)


class UnitTreeImport(Scenario):
    name = "unit_tree_import"
    title = "the national unit tree from a .csv file (`unit_tree_import`)"
    source = "issue 2 / issue 8"
    heavy = True

    def prepare(self, log: Log) -> str:
        provinces = list(Province.objects.order_by("code").values_list("code", "name"))
        grassroots = max(1, round(FULL["grassroots"] * self.scale))
        intermediate = max(1, round(FULL["intermediate"] * self.scale))
        total = 1 + len(provinces) + len(SECTORS) + intermediate + grassroots
        rows = TreeFile.tree_rows(total, provinces, random.Random(8))
        rows = [[PREFIX + code, name, short, kind, PREFIX + parent if parent else "", province, active]
                for code, name, short, kind, parent, province, active in rows]
        self.rows = len(rows)
        self.content = write_csv(list(COLUMN_HEADERS.values()), rows)
        self.parts: list[dict[str, float]] = []
        return f"{self.rows:,} units ({len(self.content) / 1e6:.1f} MB .csv) beside {Unit.objects.count():,}"

    def _import(self):
        started = time.perf_counter()
        dataset = read_unit_file(self.content, "cay-don-vi.csv")
        read = time.perf_counter() - started
        result = unit_tree_import(dataset=dataset, user=None, dry_run=False)
        self.parts.append({"read": read, **result.seconds})
        return result

    def run(self):
        with transaction.atomic():
            result = self._import()
            transaction.set_rollback(True)
        return result

    def check(self, result) -> None:
        if result.errors or not result.applied or result.new != self.rows:
            first = result.errors[0].message if result.errors else ""
            raise AssertionError(f"the import wrote {result.new} of {self.rows} units {first}")

    def summarize(self) -> list[str]:
        timed = self.parts[-5:]
        if timed:
            medians = {part: statistics.median(p.get(part, 0.0) for p in timed) for part in ("read", "validate", "write")}
            return [
                "median of the timed runs by part: "
                + ", ".join(f"{part} {seconds:,.1f} s" for part, seconds in medians.items())
                + " (writing includes an audit history row per unit, `unionportal.audit.bulk_create`)"
            ]
        return []
