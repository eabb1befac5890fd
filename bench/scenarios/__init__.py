"""The registered scenarios, in the order `make bench` runs them.

A new scenario is a `bench.runner.Scenario` subclass in its own module here, added to this list.
They read the national data set (bench/national.py); the imports, which write (and roll back),
come last.
"""

from bench.scenarios.catalogue import CatalogueApi, CataloguePage
from bench.scenarios.dashboard import DashboardCold, DashboardWarm
from bench.scenarios.imports import OutletImport, UnitTreeImport
from bench.scenarios.quota_board import QuotaBoard
from bench.scenarios.reminders import ReminderFanOut
from bench.scenarios.reporting import ComplianceCounts, ComplianceFirstPage, ConsolidationXlsx, NationalConsolidation

SCENARIOS = [
    CatalogueApi,
    CataloguePage,
    NationalConsolidation,
    ComplianceCounts,
    ComplianceFirstPage,
    ConsolidationXlsx,
    QuotaBoard,
    DashboardCold,
    DashboardWarm,
    ReminderFanOut,
    OutletImport,
    UnitTreeImport,
]
