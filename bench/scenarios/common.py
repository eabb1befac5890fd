"""What the scenarios share: the people and places of the national data set (bench/national.py),
and a look at the plans PostgreSQL chose for the portal's own queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.test import Client

from bench.national import MONTHLY_FORM, YEAR
from organizations.models import Unit, User
from reporting.models import Period


def root() -> Unit:
    """TLĐ: the national view."""
    return Unit.objects.filter(depth=1).order_by("path").first()


def reviewer_of(unit: Unit) -> User:
    """The reviewer the national data gives every unit with units below."""
    return User.objects.get(roles__unit=unit, roles__role="reviewer", username__startswith="duyet.")


def client_for(user: User | None) -> Client:
    """A test client signed in as `user` (anonymous for None), with the pages' language."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def last_period() -> Period:
    """The last month of the year of reports: December of `YEAR`."""
    return Period.objects.get(form__code=MONTHLY_FORM, year=YEAR, month=12)


SEQUENTIAL = re.compile(r"Seq Scan on (\w+)")


def sequential_scans(statements: Iterable[str], tables: Iterable[str]) -> list[tuple[str, str]]:
    """(table, statement) for each of `tables` read by a sequential scan in the plan of a statement.

    The statements are SQL as Django executed them (parameters in place), e.g. from
    `CaptureQueriesContext`; only SELECTs are explained. Empty on databases other than PostgreSQL.
    """
    if connection.vendor != "postgresql":
        return []
    watched = set(tables)
    found = []
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            found += [(table, sql) for table in SEQUENTIAL.findall(plan) if table in watched]
    return found


def index_scans(statements: Iterable[str], index_pattern: str) -> set[str]:
    """The names of the indexes matching `index_pattern` that the plans of `statements` use."""
    if connection.vendor != "postgresql":
        return set()
    used: set[str] = set()
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            used |= set(re.findall(rf"Index Scan (?:Backward )?(?:using|on) ({index_pattern})", plan))
    return used
