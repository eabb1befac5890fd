"""`python manage.py measure_outlet_import [--rows 10000] [--runs 3]`: how much slower importing
outlets through django-import-export (`agreements.resources.OutletResource`) is than a plain
`bulk_create` of the same outlets, measured in the same run on the current database.

Issue 3 asks for at most 3×. Each run times, alternately:
- `bulk_create`: `Outlet.objects.bulk_create(objects, batch_size=1000)` in one transaction, the
  10,000 `Outlet` objects (search keys included) built beforehand from the same rows;
- `import`: building an `OutletResource` for an officer and `import_data()` of the same rows
  as text cells (what a .csv gives: tax codes, province and ward codes, "10,5", "Có"), writing
  for real in one transaction, with every row validated (`full_clean`).
The rows written are deleted after each run; everything the command creates (a root unit, an
officer, partners) is removed at the end. The later `make bench` reuses this command.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid

import tablib
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from agreements.models import Outlet, Partner
from agreements.resources import OutletResource
from organizations.choices import Role, UnitKindCode
from organizations.models import Province, RoleAssignment, Unit, UnitKind, User, Ward
from unionportal.text import fold


class Command(BaseCommand):
    help = "Đo thời gian nhập điểm bán qua django-import-export so với bulk_create (cùng các dòng, cùng lần chạy)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--partners", type=int, default=20)

    def handle(self, *args, rows: int, runs: int, partners: int, **options):
        unit, user, partner_list = self._set_up(partners)
        try:
            dataset, objects_of = self._rows(rows, partner_list)
            bulk, imported = [], []
            for run in range(runs):
                bulk.append(self._time_bulk_create(objects_of()))
                imported.append(self._time_import(dataset, user, unit, rows))
                self.stdout.write(
                    f"run {run + 1}: bulk_create {bulk[-1]:.3f} s, import {imported[-1]:.3f} s, "
                    f"ratio {imported[-1] / bulk[-1]:.2f}×"
                )
            bulk_median, import_median = statistics.median(bulk), statistics.median(imported)
            self.stdout.write(
                f"{connection.vendor}, {rows} rows, median of {runs} runs: bulk_create {bulk_median:.3f} s, "
                f"import {import_median:.3f} s, ratio {import_median / bulk_median:.2f}× (target ≤ 3×)"
            )
        finally:
            self._tear_down(unit, user)

    def _set_up(self, partners: int):
        stamp = uuid.uuid4().hex[:8]
        unit = Unit.objects.add_root(create_kwargs={
            "code": f"DO-NHAP-{stamp}", "name": "Đơn vị đo tốc độ nhập (tạm)",
            "kind": UnitKind.objects.get(code=UnitKindCode.GRASSROOTS),
        })
        user = User.objects.create(username=f"do_nhap_{stamp}", full_name="Người đo tốc độ nhập")
        RoleAssignment.objects.create(user=user, unit=unit, role=Role.OFFICER)
        partner_list = [
            Partner.objects.create(unit=unit, name=f"Đối tác đo tốc độ {n}", tax_code=f"99{stamp[:4]}{n:04d}")
            for n in range(partners)
        ]
        return unit, user, partner_list

    def _tear_down(self, unit: Unit, user: User) -> None:
        Outlet.objects.filter(partner__unit=unit).delete()
        Partner.objects.filter(unit=unit).delete()
        RoleAssignment.objects.filter(user=user).delete()
        user.delete()
        unit.delete()

    def _rows(self, count: int, partners: list[Partner]):
        """The same rows twice: as a csv-like dataset of text cells, and as typed values."""
        rng = random.Random(3)
        wards = list(Ward.objects.values_list("code", "province_id"))
        provinces = set(Province.objects.values_list("code", flat=True))
        headers = [OutletResource.fields[name].column_name for name in
                   ("partner", "name", "address", "province", "ward", "phone", "latitude", "longitude", "displays_sign")]
        text_rows, typed = [], []
        for n in range(count):
            partner = partners[n % len(partners)]
            ward, province = rng.choice(wards)
            assert province in provinces
            lat, lng = f"{rng.uniform(8.5, 23.3):.6f}", f"{rng.uniform(102.1, 109.4):.6f}"
            name, address = f"Cửa hàng tiện lợi số {n}", f"{n % 500 + 1} đường Trần Hưng Đạo, khu phố {n % 40 + 1}"
            phone, sign = f"09{n:08d}", n % 3 != 0
            text_rows.append((partner.tax_code, name, address, str(province), str(ward), phone,
                              lat.replace(".", ","), lng, "Có" if sign else "Không"))
            typed.append((partner.pk, name, address, province, ward, phone, lat, lng, sign))

        def objects():
            return [
                Outlet(partner_id=p, name=name, address=address, province_id=province, ward_id=ward, phone=phone,
                       latitude=lat, longitude=lng, displays_sign=sign, search_key=fold(f"{name} {address}")[:600])
                for p, name, address, province, ward, phone, lat, lng, sign in typed
            ]

        return tablib.Dataset(*text_rows, headers=headers), objects

    def _time_bulk_create(self, objects: list[Outlet]) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            Outlet.objects.bulk_create(objects, batch_size=1000)
        elapsed = time.perf_counter() - started
        Outlet.objects.filter(pk__in=[o.pk for o in objects]).delete()
        return elapsed

    def _time_import(self, dataset: tablib.Dataset, user: User, unit: Unit, rows: int) -> float:
        started = time.perf_counter()
        resource = OutletResource(user=user, unit=unit)
        result = resource.import_data(dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True)
        elapsed = time.perf_counter() - started
        if result.has_errors() or result.has_validation_errors() or result.totals["new"] != rows:
            first = result.invalid_rows[0].error_dict if result.invalid_rows else result.base_errors[:1]
            raise RuntimeError(f"the import did not write every row: {result.totals}, {first}")
        Outlet.objects.filter(partner__unit=unit).delete()
        return elapsed
