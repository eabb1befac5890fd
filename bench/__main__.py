"""`python -m bench [--scale S ...] [--scenario NAME ...] [--runs N] [--fresh] [--output BENCHMARKS.md]`
(what `make bench` runs).

It needs PostgreSQL: `DATABASE_URL` names the server (default
postgres://postgres@127.0.0.1:5432/unionportal_bench). The suite works in databases of its own:
for scale 1.0 the one `DATABASE_URL` names when that name ends in `_bench`, otherwise that name
plus `_bench` (`.../unionportal` → `unionportal_bench`); for another scale the same name with the
scale before `_bench` (`unionportal_s0_1_bench`), so no other database is ever touched.

For each scale (default 0.1, then 1.0) its database is dropped and created again, migrated, and
filled with the national data set (`generate_national_data --scale S`, bench/national.py); then
every scenario runs on it. A database that already holds the complete data set of its scale and
seed (a comment on the database says so, with how long writing it took) is kept instead: the
data set is the same for the same scale and seed, and the scenarios leave it as they found it
(the imports roll back; `make bench-load` adds only this month's reports, which no scenario
reads). `--fresh` writes them again. The databases are left in place afterwards, for looking
into and for `make bench-load`.

The portal runs as in production (DEBUG off, over HTTPS), only with the requests made in-process
by `django.test.Client`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/unionportal_bench"


DEFAULT_SCALES = (0.1, 1.0)


def bench_database(url: str, scale: float = 1.0) -> tuple[str, dict]:
    """The URL and connection settings of the suite's own database for `scale` on the server `url` names."""
    import dj_database_url

    settings = dj_database_url.parse(url)
    if "postgresql" not in settings["ENGINE"]:
        raise SystemExit(f"make bench needs PostgreSQL; DATABASE_URL is {url!r}.")
    name = settings["NAME"] or "unionportal"
    base = name.removesuffix("_bench")
    if scale != 1.0:
        base += "_s" + f"{scale:g}".replace(".", "_").replace("-", "_")
    name = f"{base}_bench"
    url = urlsplit(url)._replace(path=f"/{name}").geturl()
    return url, dj_database_url.parse(url)


def _server(settings: dict):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres", user=settings["USER"] or None, password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None, port=settings["PORT"] or None,
    )
    connection.autocommit = True
    return connection


def data_marker(scale: float, seed: int) -> str:
    """The start of the comment on a database that holds the complete data set of `scale`."""
    return f"unionportal bench: national data set, scale {scale:g}, seed {seed}, complete"


def read_marker(settings: dict) -> str | None:
    """The comment on the suite's database (None when there is no such database)."""
    connection = _server(settings)
    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                       [settings["NAME"]])
        row = cursor.fetchone()
    connection.close()
    return None if row is None else (row[0] or "")


def write_marker(settings: dict, text: str) -> None:
    from psycopg2 import sql

    assert settings["NAME"].endswith("_bench"), settings["NAME"]
    connection = _server(settings)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(settings["NAME"]),
                                                                       sql.Literal(text)))
    connection.close()


def recreate_database(settings: dict) -> None:
    """Drop and create the suite's database, connecting to the server's `postgres` database."""
    from psycopg2 import sql

    name = settings["NAME"]
    assert name.endswith("_bench"), name  # never anything but the suite's own database
    connection = _server(settings)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def use_database(settings: dict) -> None:
    """Point Django's connection at another of the suite's databases (the next one opens there)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = settings["NAME"]


def prepare_scale(scale: float, settings: dict, *, seed: int, reuse: bool, log) -> str:
    """The database of `scale`, with the national data set in it; what it holds and how long it took."""
    from django.core.management import call_command

    from bench.national import generate_national_data

    marker = data_marker(scale, seed)
    found = read_marker(settings) or ""
    if reuse and found.startswith(marker):
        use_database(settings)
        # Migrations added since it was written run (and backfill) here, as on a production database.
        call_command("migrate", verbosity=0, interactive=False)
        log(f"Scale {scale:g}: database {settings['NAME']} already holds the data set; kept and migrated.")
        written = found[len(marker):].lstrip(": ")
        return f"database `{settings['NAME']}` kept from an earlier run (--fresh writes it again); {written}"
    started = time.perf_counter()
    recreate_database(settings)
    use_database(settings)
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - started
    log(f"Scale {scale:g}: database {settings['NAME']} created and migrated in {migrated:.1f} s; "
        "writing the national data set…")
    data = generate_national_data(scale=scale, seed=seed, log=log)
    parts = ", ".join(f"{part} {seconds:,.1f} s" for part, seconds in data.seconds.items())
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    from django.utils import timezone

    written = (f"{data.summary()}; written in {data.total_seconds:,.1f} s ({parts}) on "
               f"{timezone.localtime().isoformat(sep=' ', timespec='minutes')}, load average then {load}")
    write_marker(settings, f"{marker}: {written}")
    return f"{written}; migrated before in {migrated:.1f} s"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", action="append", help="run only this scenario (repeatable)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per scenario (at least 5; default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument("--scale", type=float, action="append",
                        help="size of the national data set (repeatable; default 0.1 and 1.0)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the national data set (default 2026)")
    parser.add_argument("--fresh", action="store_true",
                        help="write the data sets again even where a database already holds a complete one")
    parser.add_argument("--output", type=Path, help="write the results to this file (make bench: BENCHMARKS.md)")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    scales = sorted(set(args.scale or DEFAULT_SCALES))
    if any(scale <= 0 for scale in scales):
        parser.error("--scale must be positive")

    base_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    databases = {scale: bench_database(base_url, scale) for scale in scales}
    # Before Django reads its settings: the suite's database, and production settings (DEBUG off,
    # the HTTPS redirect and secure cookies on) minus what only a deployment has (collected
    # static files, a real host name, a secret key kept somewhere).
    os.environ["DATABASE_URL"] = databases[scales[0]][0]
    os.environ.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(40), ALLOWED_HOSTS="testserver", STATIC_MANIFEST="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

    import django

    django.setup()
    from django.core.cache import cache

    from bench.runner import growth_table, report, run_suite, table
    from bench.scenarios import SCENARIOS

    chosen = SCENARIOS
    if args.scenario:
        known = {cls.name: cls for cls in SCENARIOS}
        unknown = sorted(set(args.scenario) - set(known))
        if unknown:
            parser.error(f"unknown scenario {', '.join(unknown)}; known: {', '.join(known)}")
        chosen = [cls for cls in SCENARIOS if cls.name in args.scenario]

    def log(line: str) -> None:
        print(line, flush=True)

    started = time.perf_counter()
    results, generation = {}, {}
    for scale in scales:
        generation[scale] = prepare_scale(scale, databases[scale][1], seed=args.seed, reuse=not args.fresh, log=log)
        cache.clear()  # nothing cached from the other scale's database
        # A scenario named with --scenario runs at every scale, even one too big for the whole suite.
        results[scale] = run_suite(chosen, scale=scale, runs=args.runs, warmup=args.warmup, log=log,
                                   skip_too_big=not args.scenario)
        print(f"\nScale {scale:g}:\n" + table(results[scale]) + "\n", flush=True)
    growth = growth_table(results)
    if growth:
        print(growth)
    print(f"\nThe suite took {(time.perf_counter() - started) / 60:.1f} min.")
    if args.output:
        command = "`python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv) + "`"
        if os.environ.get("MAKELEVEL"):
            command = f"`make bench`, which ran {command}"
        previous = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        notes = [f"The whole suite took {(time.perf_counter() - started) / 60:.1f} min."]
        args.output.write_text(report(results, command=command, notes=notes, generation=generation,
                                      previous=previous), encoding="utf-8")
        print(f"\nWritten to {args.output}.")


if __name__ == "__main__":
    main()
