"""The national data set of `make bench`: `python manage.py generate_national_data --scale N`.

At scale 1.0, as issue 8 sizes it: TLĐ, 34 provincial federations and 20 sector unions, 700
intermediate unions and 130,000 grassroots unions, an officer for every unit and a reviewer for
every unit with units below; 5,000 partners, 50,000 offers, 200,000 outlets; Phụ lục 02 for the
12 months of the last full year (`YEAR`) from about 90 % of the units each month, in mixed
states; a year of articles for 1,000 sections. Every count is multiplied by `scale` (0.1 for
quick runs); the same scale and seed give the same rows.

It composes the generators each app has for its own measurements, nothing is written twice:
- the tree: `generate_unit_tree_file`'s rows, written by the tree import itself
  (`organizations.services.unit_tree_import`, the path the 130,000-unit import of issue 2 takes),
  from memory instead of an .xlsx file;
- people: `bulk_create` in batches (one user and one role per row; no usable password: the
  suite logs people in with `force_login` and `make bench-load` with API tokens);
- the catalogue: `agreements.generation.generate_catalogue`;
- reports: `reporting.generation.generate_period_reports`, one period at a time (INSERT … SELECT);
- articles: `campaigns.generation.generate_articles`.
On PostgreSQL it ends with VACUUM (ANALYZE), as autovacuum would a minute after a bulk load.

On PostgreSQL, when the database user may (a superuser), the foreign-key triggers are off while
it writes (`session_replication_role = replica`): every row written refers to rows selected from
the database a moment before, and checking 2 million references a month one by one at COMMIT
took longer than writing them (Phụ lục 02 for one month at scale 1.0: 42 s with the checks,
17 s without).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import tablib
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from organizations.choices import Role, UnitKindCode
from organizations.management.commands.generate_unit_tree_file import SECTORS
from organizations.management.commands.generate_unit_tree_file import Command as TreeFileCommand
from organizations.models import Province, RoleAssignment, Unit, User
from organizations.reference_data import ensure_reference_data
from organizations.resources import COLUMN_HEADERS

# The last full year: its 52 ISO weeks (the quota board) and 12 months (the dashboard) are over
# whatever day the suite runs, so the figures do not move from one day to the next.
YEAR = 2025
MONTHLY_FORM = "PL02"
EMAIL_DOMAIN = "congdoan.example.vn"
BATCH_SIZE = 5000

# Sizes at scale 1.0 (issue 8).
FULL = {
    "grassroots": 130_000,
    "intermediate": 700,
    "partners": 5_000,
    "offers": 50_000,
    "outlets": 200_000,
    "sections": 1_000,
}
# Of the units, those with a report each month: a past month, nearly everyone (the rest are the
# units the compliance list and the reminders are about).
REPORT_SHARE = 0.9

Log = Callable[[str], None]


@dataclass
class NationalData:
    """What was written, and how long each part took (seconds)."""

    scale: float
    units: int = 0
    grassroots: int = 0
    users: int = 0
    partners: int = 0
    agreements: int = 0
    offers: int = 0
    outlets: int = 0
    periods: int = 0
    submissions: int = 0
    values: int = 0
    sections: int = 0
    articles: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def summary(self) -> str:
        return (
            f"{self.units:,} units ({self.grassroots:,} grassroots), {self.users:,} users, "
            f"{self.partners:,} partners, {self.offers:,} offers, {self.outlets:,} outlets, "
            f"{self.submissions:,} reports over {self.periods} months ({self.values:,} values), "
            f"{self.sections:,} sections with {self.articles:,} articles"
        )


def sizes(scale: float) -> dict[str, int]:
    """The counts at `scale` (at least one of each, so a tiny scale still has every part)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    return {key: max(1, round(value * scale)) for key, value in FULL.items()}


def _timer(result: NationalData, log: Log):
    """`with timed("part"):` adds the part's seconds to `result.seconds` and prints them."""

    @contextmanager
    def timed(part: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        result.seconds[part] = result.seconds.get(part, 0.0) + elapsed
        log(f"  {part}: {elapsed:.1f} s")

    return timed


def generate_national_data(*, scale: float = 1.0, seed: int = 2026, log: Log | None = None) -> NationalData:
    """Write the national data set into an empty database (see the module docstring)."""
    log = log or (lambda line: None)
    if Unit.objects.exists():
        raise ValueError("generate_national_data writes into a database without units (a fresh one).")
    with _foreign_key_checks_off() as off:
        if off:
            log("Foreign-key triggers off while writing (session_replication_role = replica).")
        result = _generate(scale, seed, log)
    with _timer(result, log)("vacuum"):
        vacuum()
    return result


@contextmanager
def _foreign_key_checks_off() -> Iterator[bool]:
    """PostgreSQL as a superuser: no foreign-key triggers in this session until the block ends."""
    off = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            off = bool(cursor.fetchone()[0])
            if off:
                cursor.execute("SET session_replication_role = replica")
    try:
        yield off
    finally:
        if off:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


def _generate(scale: float, seed: int, log: Log) -> NationalData:
    n = sizes(scale)
    result = NationalData(scale=scale)
    timed = _timer(result, log)

    with timed("tree"):
        ensure_reference_data()
        result.units = _tree(n["grassroots"], n["intermediate"], seed)
        result.grassroots = Unit.objects.filter(kind__code=UnitKindCode.GRASSROOTS).count()
    log(f"{result.units:,} units ({result.grassroots:,} grassroots).")

    with timed("people"):
        result.users = _people()
    log(f"{result.users:,} users (an officer for every unit, a reviewer for every unit with units below).")

    from agreements.generation import generate_catalogue, vacuum_analyze

    with timed("catalogue"):
        counts = generate_catalogue(partners=n["partners"], offers=n["offers"], outlets=n["outlets"], seed=seed,
                                    batch_size=BATCH_SIZE)
        vacuum_analyze()
    result.partners, result.agreements = counts.partners, counts.agreements
    result.offers, result.outlets = counts.offers, counts.outlets
    log(f"{result.partners:,} partners, {result.agreements:,} agreements, {result.offers:,} offers, "
        f"{result.outlets:,} outlets.")

    from reporting.definitions import ensure_forms_loaded
    from reporting.generation import generate_period_reports
    from reporting.models import Form
    from reporting.services import periods_generate

    with timed("reports"):
        ensure_forms_loaded()
        form = Form.objects.get(code=MONTHLY_FORM)
        for period in periods_generate(year=YEAR, forms=[form]):
            started = time.perf_counter()
            # A different seed each month: not the same units missing every month.
            month = generate_period_reports(period=period, share=REPORT_SHARE, seed=seed + period.month)
            result.periods += 1
            result.submissions += month.submissions
            result.values += month.values
            steps = ", ".join(f"{step} {seconds:.1f}" for step, seconds in month.seconds.items())
            log(f"    {period.slug}: {month.submissions:,} reports, {month.values:,} values "
                f"({time.perf_counter() - started:.1f} s: {steps})")

    from campaigns.generation import generate_articles

    with timed("articles"):
        articles = generate_articles(sections=n["sections"], year=YEAR, seed=seed, batch_size=BATCH_SIZE)
    result.sections, result.articles = articles.sections, articles.articles
    log(f"{result.sections:,} sections, {result.articles:,} articles in {YEAR}.")
    return result


def _tree(grassroots: int, intermediate: int, seed: int) -> int:
    """TLĐ → 34 provinces + 20 sector unions → intermediate → grassroots, through the tree import."""
    from organizations.services import unit_tree_import

    provinces = list(Province.objects.order_by("code").values_list("code", "name"))
    upper = 1 + len(provinces) + len(SECTORS)
    # The file generator makes one intermediate union per 185 units below the top, 700 at most:
    # with the sizes above, `intermediate` of them.
    total = upper + intermediate + grassroots
    rows = TreeFileCommand.tree_rows(total, provinces, random.Random(seed))
    dataset = tablib.Dataset(*[[str(cell) for cell in row] for row in rows], headers=list(COLUMN_HEADERS.values()))
    outcome = unit_tree_import(dataset=dataset, user=None, dry_run=False)
    if outcome.errors:
        first = outcome.errors[0]
        raise RuntimeError(f"the generated tree did not import: row {first.row}, {first.column}: {first.message}")
    return outcome.new


def _people() -> int:
    """One officer per unit, one reviewer per unit with units below, with e-mail addresses."""
    unusable = make_password(None)  # one hash for all: hashing 130,000 passwords would take hours
    units = list(Unit.objects.order_by("path").values_list("pk", "code", "name", "numchild"))
    written = 0
    with transaction.atomic():
        for start in range(0, len(units), BATCH_SIZE):
            chunk = units[start:start + BATCH_SIZE]
            people, roles = [], []
            for pk, code, name, numchild in chunk:
                slug = code.lower()
                people.append((User(username=f"cb.{slug}", email=f"cb.{slug}@{EMAIL_DOMAIN}", password=unusable,
                                    full_name=f"Cán bộ {name}"[:150]), pk, Role.OFFICER))
                if numchild:
                    people.append((User(username=f"duyet.{slug}", email=f"duyet.{slug}@{EMAIL_DOMAIN}",
                                        password=unusable, full_name=f"Cán bộ duyệt {name}"[:150]), pk, Role.REVIEWER))
            User.objects.bulk_create([user for user, *_ in people], batch_size=BATCH_SIZE)
            roles = [RoleAssignment(user_id=user.pk, unit_id=unit_id, role=role) for user, unit_id, role in people]
            RoleAssignment.objects.bulk_create(roles, batch_size=BATCH_SIZE)
            written += len(people)
    return written


def vacuum() -> None:
    """VACUUM (ANALYZE) of the whole database (PostgreSQL, outside a transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")

