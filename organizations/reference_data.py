"""Reference data every installation has: the kinds of unit and the 34 provinces.

Loaded by migration 0002; `ensure_reference_data()` loads it again after `manage.py flush`
(and the flush between transactional tests), which empties the tables but keeps migrations.
"""

import importlib

from django.apps import apps

from organizations.choices import UnitKindCode

REQUIRED_KINDS = {
    UnitKindCode.CONFEDERATION,
    UnitKindCode.PROVINCIAL,
    UnitKindCode.CENTRAL_SECTOR,
    UnitKindCode.CORPORATION,
    UnitKindCode.INTERMEDIATE,
    UnitKindCode.GRASSROOTS,
}


def ensure_reference_data() -> None:
    UnitKind = apps.get_model("organizations", "UnitKind")
    Province = apps.get_model("organizations", "Province")
    Ward = apps.get_model("organizations", "Ward")
    if UnitKind.objects.filter(code__in=REQUIRED_KINDS).count() != len(REQUIRED_KINDS) or not Province.objects.exists():
        importlib.import_module("organizations.migrations.0002_reference_data").load(apps, None)
    if not Ward.objects.exists():
        importlib.import_module("organizations.migrations.0004_load_wards").load(apps, None)
