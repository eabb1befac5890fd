"""`python -m bench.load` (what `make bench-load` runs): the portal under load, on this machine only.

1. The database: the suite's scale-1.0 database (`python -m bench`'s; see bench/__main__.py),
   with the national data set; written first if it is not there (`--scale` chooses another).
2. The rush's officers: `--officers-pool` grassroots units with no Phụ lục 02 for this month yet,
   each with its own officer (`cb.<code>` of the data set) and an API token made beforehand.
3. gunicorn serves the portal on 127.0.0.1 (`--workers`, sync workers, production settings:
   DEBUG off, persistent database connections, behind a TLS proxy as far as the portal knows —
   `TRUST_X_FORWARDED_PROTO=1`, the load sends `X-Forwarded-Proto: https` — and the per-address
   throttle of anonymous API calls lifted, since the public comes from many addresses and this
   load from one).
4. locust (headless, a second process, bench/locustfile.py) drives it, each phase bounded in
   time (`--run-time`) and in requests (`BENCH_LOAD_MAX_REQUESTS`), stopping by itself:
   (a) catalogue search through the API, 50 users with no pause, after a short warm-up:
       throughput, p50/p99, errors — target ≥ 300 requests/s with p99 < 200 ms;
   (b) the deadline rush: 200 officers at once opening, saving (twice) and submitting their
       Phụ lục 02 for `--rush-seconds` (120): 0 errors, p95 < 500 ms, and afterwards the
       database holds exactly the reports locust saw opened and submitted — none lost, none
       doubled (one report per unit, one "submitted" transition each).
5. gunicorn is stopped; the results (with the CPU time each side used) go to the end of
   BENCHMARKS.md, replacing what the previous `make bench-load` wrote there.
Only 127.0.0.1 is ever a target.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.__main__ import DEFAULT_DATABASE_URL, bench_database, data_marker, prepare_scale, read_marker

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SEARCHES = [["khach san", 91], ["sieu thi", 79], ["gao thom", 1], ["tra gop dien may", 24], ["khach san", 48],
            ["nha thuoc", 79], ["ve xem phim", 1], ["internet cap quang", 92]]
CATALOGUE_TARGET_RPS, CATALOGUE_TARGET_P99 = 300, 200
RUSH_TARGET_P95 = 500


@dataclass
class Phase:
    """One locust run: its figures from locust's CSV, and the CPU seconds each side used."""

    name: str
    users: int
    seconds: float
    rows: list[dict] = field(default_factory=list)  # per request name, plus "Aggregated"
    cpu: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    record: dict = field(default_factory=dict)  # what the rush's users saw (bench/locustfile.py)
    wall: float = 0.0  # seconds locust ran, the users' finishing included

    @property
    def total(self) -> dict:
        return next(r for r in self.rows if r["Name"] == "Aggregated")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _cpu_seconds(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def _processes(gunicorn: subprocess.Popen, database: str) -> dict[str, list[int]]:
    """The pids of the portal (gunicorn and its workers) and of PostgreSQL's backends for `database`."""
    import psutil

    master = psutil.Process(gunicorn.pid)
    backends = []
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if line.startswith("postgres:") and f" {database} " in line:
            backends.append(process.pid)
    return {"portal": [master.pid] + [c.pid for c in master.children(recursive=True)], "database": backends}


def prepare_rush(pool: int, log) -> dict:
    """This month's Phụ lục 02 period, `pool` officers with tokens, the searches: locust's set-up."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from bench.national import MONTHLY_FORM
    from organizations.choices import Role, UnitKindCode
    from organizations.models import RoleAssignment, Unit
    from reporting.models import Form, FormAssignment, Period, Submission
    from reporting.services import periods_generate

    today = timezone.localdate()
    form = Form.objects.get(code=MONTHLY_FORM)
    periods_generate(year=today.year, forms=[form])
    period = Period.objects.get(form=form, year=today.year, month=today.month)
    units = (
        Unit.objects.filter(kind__code=UnitKindCode.GRASSROOTS)
        .filter(Exists(FormAssignment.objects.for_period(period).filter(unit=OuterRef("pk"))))
        .exclude(Exists(Submission.objects.filter(unit=OuterRef("pk"), period=period)))
        .order_by("path")
    )
    # Spread over the country (every 7th unit), not one province's units only.
    chosen = list(units.values_list("pk", flat=True)[: pool * 7 : 7]) or list(units.values_list("pk", flat=True)[:pool])
    roles = (RoleAssignment.objects.filter(unit_id__in=chosen, role=Role.OFFICER, user__username__startswith="cb.")
             .select_related("user").order_by("unit__path"))
    roles = list(roles)
    keys = dict(Token.objects.filter(user__in=[r.user for r in roles]).values_list("user_id", "key"))
    new = [Token(user=r.user, key=Token.generate_key()) for r in roles if r.user_id not in keys]
    Token.objects.bulk_create(new, batch_size=2000)
    keys.update((t.user_id, t.key) for t in new)
    officers = [{"unit": r.unit_id, "token": keys[r.user_id]} for r in roles]
    before = Submission.objects.filter(period=period).count()
    log(f"Rush: period {period.slug}, {len(officers):,} officers with tokens ready; "
        f"{before:,} reports of that month already in the database.")
    return {"period": period.pk, "period_slug": period.slug, "officers": officers, "searches": SEARCHES,
            "units": [o["unit"] for o in officers], "reports_before": before}


def check_rush(setup: dict, record: dict) -> dict:
    """The database against what locust saw: none lost, none doubled."""
    from django.db.models import Count

    from reporting.choices import SubmissionStatus
    from reporting.models import Submission, SubmissionTransition

    reports = Submission.objects.filter(period_id=setup["period"], unit_id__in=setup["units"])
    in_database = reports.count()
    per_unit = reports.values("unit_id").annotate(n=Count("id")).filter(n__gt=1).count()
    submitted_in_db = reports.filter(status=SubmissionStatus.SUBMITTED).count()
    submitted_transitions = (SubmissionTransition.objects.filter(submission__in=reports, to_status=SubmissionStatus.SUBMITTED)
                             .values("submission_id").annotate(n=Count("id")))
    doubled_transitions = sum(1 for row in submitted_transitions if row["n"] > 1)
    opened, submitted = set(record["opened"]), set(record["submitted"])
    ids = set(reports.values_list("pk", flat=True))
    submitted_ids = set(reports.filter(status=SubmissionStatus.SUBMITTED).values_list("pk", flat=True))
    return {
        "opened_by_locust": len(record["opened"]), "opened_distinct": len(opened),
        "submitted_by_locust": len(record["submitted"]), "submitted_distinct": len(submitted),
        "reports_in_database": in_database, "submitted_in_database": submitted_in_db,
        "units_with_two_reports": per_unit, "reports_submitted_twice": doubled_transitions,
        "opened_not_in_database": len(opened - ids), "in_database_not_opened": len(ids - opened),
        "submitted_not_in_database": len(submitted - submitted_ids),
        "submitted_in_database_not_seen": len(submitted_ids - submitted),
        "unexpected": record["unexpected"][:10],
        "exact": (opened == ids and submitted == submitted_ids and len(opened) == len(record["opened"])
                  and len(submitted) == len(record["submitted"]) and not per_unit and not doubled_transitions),
    }


def run_locust(*, user_class: str, users: int, seconds: float, spawn_rate: float, port: int, setup_path: Path,
               workdir: Path, env: dict, name: str, gunicorn, database: str, log) -> Phase:
    locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust"
    prefix = workdir / name
    results_path = workdir / f"{name}-record.json"
    command = [
        locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
        # When the time is up every user finishes the report in hand (up to 4 pauses and 4 requests):
        # a request cut off after the portal committed it would be a report locust never saw.
        "-u", str(users), "-r", str(spawn_rate), "--run-time", f"{int(seconds)}s", "--stop-timeout", "90",
        "--host", f"http://{HOST}:{port}", "--csv", str(prefix), "--loglevel", "WARNING", user_class,
    ]
    phase = Phase(name=name, users=users, seconds=seconds)
    before = {side: _cpu_seconds(pids) for side, pids in _processes(gunicorn, database).items()}
    started = time.monotonic()
    process = subprocess.Popen(command, env={**env, "BENCH_LOAD_SETUP": str(setup_path),
                                             "BENCH_LOAD_RESULTS": str(results_path)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    import psutil

    locust_process = psutil.Process(process.pid)
    locust_cpu = 0.0
    output = []
    for line in process.stdout:
        output.append(line)
        try:
            times = locust_process.cpu_times()
            locust_cpu = times.user + times.system
        except psutil.Error:
            pass
    process.wait(timeout=seconds + 180)
    phase.wall = time.monotonic() - started
    after = {side: _cpu_seconds(pids) for side, pids in _processes(gunicorn, database).items()}
    phase.cpu = {side: after[side] - before.get(side, 0.0) for side in after}
    phase.cpu["load generator"] = locust_cpu
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        phase.rows = list(csv.DictReader(stats))
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(encoding="utf-8") as rows:
            phase.failures = [f"{r['Occurrences']}× {r['Name']}: {r['Error'][:160]}" for r in csv.DictReader(rows)]
    phase.record = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    if process.returncode not in (0, 1):  # 1: some requests failed, which the figures say
        log("".join(output[-30:]))
        raise SystemExit(f"locust ended with exit code {process.returncode}")
    return phase


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _phase_table(phase: Phase) -> list[str]:
    lines = ["| Requests | Count | Errors | Requests/s | p50 | p95 | p99 | max |", "|---|---|---|---|---|---|---|---|"]
    for row in phase.rows:
        count, failures = int(_number(row["Request Count"])), int(_number(row["Failure Count"]))
        lines.append(
            f"| {row['Name'] if row['Name'] != 'Aggregated' else '**all**'} | {count:,} | {failures:,} "
            f"({failures / count * 100 if count else 0:.2f} %) | {_number(row['Requests/s']):,.1f} | "
            f"{_number(row['50%']):,.0f} ms | {_number(row['95%']):,.0f} ms | {_number(row['99%']):,.0f} ms | "
            f"{_number(row['Max Response Time']):,.0f} ms |"
        )
    return lines


def _cpu_line(phase: Phase) -> str:
    busy = sum(phase.cpu.values())
    wall = phase.wall or phase.seconds
    parts = ", ".join(f"{side} {seconds:,.0f} s" for side, seconds in phase.cpu.items())
    return (f"CPU used while locust ran ({wall:.0f} s, the users' finishing included): {parts} — {busy:,.0f} of "
            f"the {wall * (os.cpu_count() or 1):,.0f} core-seconds the {os.cpu_count()} cores had; the rest went to "
            "other programs on the machine or was idle")


def _cost_line(phase: Phase, *, after: str = "") -> str:
    """CPU per request on each side, and the throughput the two cores would allow at that cost."""
    count = int(_number(phase.total["Request Count"])) or 1
    portal = phase.cpu.get("portal", 0.0) * 1000 / count
    database = phase.cpu.get("database", 0.0) * 1000 / count
    generator = phase.cpu.get("load generator", 0.0) * 1000 / count
    per_request = portal + database + generator
    ceiling = (os.cpu_count() or 1) * 1000 / per_request if per_request else 0
    return (f"Where the time goes: each request cost {portal:,.1f} ms of CPU in the portal (gunicorn), "
            f"{database:,.1f} ms in PostgreSQL and {generator:,.1f} ms in locust: with both cores to themselves "
            f"they could serve at most ~{ceiling:,.0f} requests/s; beyond that requests wait for a worker, "
            "which is the latency above. " + after)


def _offered(rush: Phase, think: str) -> str:
    low, high = (float(x) for x in think.split("-"))
    mean = (low + high) / 2
    return (f"With a pause of {mean:g} s on average before each request, {rush.users} officers ask for up to "
            f"~{rush.users / mean:,.0f} requests/s (fewer when answers are slow).")


def verdicts(catalogue: Phase, rush: Phase, rush_check: dict) -> tuple[list[str], list[str]]:
    """(lines met, lines missed)."""
    met, missed = [], []
    total = catalogue.total
    rps, p99 = _number(total["Requests/s"]), _number(total["99%"])
    errors = int(_number(total["Failure Count"]))
    line = f"catalogue search: {rps:,.0f} requests/s (target ≥ {CATALOGUE_TARGET_RPS}), p99 {p99:,.0f} ms " \
           f"(target < {CATALOGUE_TARGET_P99} ms), {errors} errors"
    (met if rps >= CATALOGUE_TARGET_RPS and p99 < CATALOGUE_TARGET_P99 and not errors else missed).append(line)
    total = rush.total
    p95, errors = _number(total["95%"]), int(_number(total["Failure Count"]))
    line = (f"deadline rush: p95 {p95:,.0f} ms (target < {RUSH_TARGET_P95} ms), {errors} errors (target 0), "
            f"reports {'exactly as made' if rush_check['exact'] else 'NOT as made'}")
    (met if p95 < RUSH_TARGET_P95 and not errors and rush_check["exact"] else missed).append(line)
    return met, missed


def report(*, command: str, workers: int, catalogue: Phase, rush: Phase, rush_check: dict, database: str,
           think: str, setup: dict) -> str:
    from django.utils import timezone

    from bench.runner import machine

    met, missed = verdicts(catalogue, rush, rush_check)
    now = timezone.localtime().replace(microsecond=0)
    lines = [
        "## Load (`make bench-load`)",
        "",
        f"Written by {command} on {now.isoformat(sep=' ')}; database `{database}`.",
        "",
        *[f"- {line}" for line in machine()],
        f"- gunicorn: `gunicorn unionportal.wsgi --workers {workers} --bind {HOST}:PORT` (sync workers, "
        "DEBUG=0, CONN_MAX_AGE=600, TRUST_X_FORWARDED_PROTO=1, anonymous API throttle lifted); locust "
        f"{_locust_version()} in a second process on the same 2 cores, FastHttpUser.",
        "",
        f"### (a) Catalogue search via the API: {catalogue.users} users, no pause, {catalogue.seconds:.0f} s",
        "",
        *_phase_table(catalogue),
        "",
        _cpu_line(catalogue),
        "",
        _cost_line(catalogue, after="The profile of one such request is in the `catalogue_api` notes of "
                   "`make bench` above."),
        "",
        f"### (b) Deadline rush: {rush.users} officers at once, {rush.seconds:.0f} s, "
        f"{think} s between the steps of a report",
        "",
        f"Phụ lục 02 of {setup['period_slug']}, each officer a distinct account with an API token made beforehand: "
        "open (201), save a draft twice (PATCH, If-Match), submit (If-Match), then the next officer.",
        "",
        *_phase_table(rush),
        "",
        _cpu_line(rush),
        "",
        _cost_line(rush, after=_offered(rush, think)),
        "",
        f"Counted afterwards: locust saw {rush_check['opened_by_locust']:,} reports opened and "
        f"{rush_check['submitted_by_locust']:,} submitted; the database holds {rush_check['reports_in_database']:,} "
        f"reports of those units for the month, {rush_check['submitted_in_database']:,} of them submitted; "
        f"opened but not in the database {rush_check['opened_not_in_database']}, in the database but never seen "
        f"opened {rush_check['in_database_not_opened']}, submitted but not so in the database "
        f"{rush_check['submitted_not_in_database']}, units with two reports {rush_check['units_with_two_reports']}, "
        f"reports submitted twice {rush_check['reports_submitted_twice']} — "
        + ("**exactly the reports made**." if rush_check["exact"] else "**NOT the reports made**."),
        "",
        "### Targets",
        "",
        *[f"- met: {line}" for line in met],
        *[f"- **missed**: {line}" for line in missed],
    ]
    failures = catalogue.failures + rush.failures
    if failures:
        lines += ["", "Errors (locust's failures):", "", *[f"- {f}" for f in failures[:10]]]
    return "\n".join(lines) + "\n"


def _locust_version() -> str:
    try:
        from importlib.metadata import version

        return version("locust")
    except Exception:
        return "?"


def write_section(path: Path, section: str) -> None:
    from bench.runner import LOAD_MARKER

    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    text = text.split(LOAD_MARKER, 1)[0].rstrip() + "\n\n" + LOAD_MARKER + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (2–4; default 4)")
    parser.add_argument("--catalogue-users", type=int, default=50)
    parser.add_argument("--catalogue-seconds", type=float, default=60)
    parser.add_argument("--rush-users", type=int, default=200)
    parser.add_argument("--rush-seconds", type=float, default=120)
    # An officer types a few figures between two autosaves: 3–10 s from one step to the next
    # (~30 requests/s from 200 officers). `--think 0.5-2` is a harsher rush.
    parser.add_argument("--think", default="3-10", help="seconds between the steps of a report (default 3-10)")
    parser.add_argument("--officers-pool", type=int, default=6000, help="officers prepared for the rush")
    parser.add_argument("--max-requests", type=int, default=200_000, help="requests per phase at most")
    parser.add_argument("--scale", type=float, default=1.0, help="data set (default 1.0: the national one)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, help="append the results to this file (make bench-load: BENCHMARKS.md)")
    args = parser.parse_args(argv)
    if not 2 <= args.workers <= 4:
        parser.error("--workers must be 2, 3 or 4")
    if shutil.which("locust", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("locust is not installed in this environment: `pip install -r requirements-dev.txt`.")

    base_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    url, settings = bench_database(base_url, args.scale)
    secret = secrets.token_urlsafe(40)
    portal_env = {
        "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": secret, "ALLOWED_HOSTS": f"{HOST},localhost",
        "STATIC_MANIFEST": "0", "TRUST_X_FORWARDED_PROTO": "1", "API_ANON_RATE": "1000000/minute",
        "CONN_MAX_AGE": "600",
    }
    os.environ.update(portal_env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    from django.db import connection

    def log(line: str) -> None:
        print(line, flush=True)

    if not (read_marker(settings) or "").startswith(data_marker(args.scale, args.seed)):
        log(f"The database {settings['NAME']} holds no complete national data set: writing it (scale {args.scale:g}).")
        prepare_scale(args.scale, settings, seed=args.seed, reuse=False, log=log)
    setup = prepare_rush(args.officers_pool, log)
    connection.close()

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    setup_path = workdir / "setup.json"
    setup_path.write_text(json.dumps(setup), encoding="utf-8")
    port = _free_port()
    env = {**os.environ, **portal_env, "BENCH_LOAD_MAX_REQUESTS": str(args.max_requests), "BENCH_RUSH_THINK": args.think}
    gunicorn_command = [
        str(Path(sys.executable).parent / "gunicorn"), "unionportal.wsgi", "--workers", str(args.workers),
        "--bind", f"{HOST}:{port}", "--timeout", "60", "--log-level", "warning",
    ]
    log("Starting " + shlex.join(gunicorn_command))
    gunicorn = subprocess.Popen(gunicorn_command, cwd=ROOT, env=env)
    try:
        _wait_until_up(port, gunicorn)
        common = dict(port=port, setup_path=setup_path, workdir=workdir, env=env, gunicorn=gunicorn,
                      database=settings["NAME"], log=log)
        log("Warm-up: 10 s of catalogue searches (not counted).")
        run_locust(user_class="CatalogueReader", users=20, seconds=10, spawn_rate=20, name="warmup", **common)
        log(f"(a) Catalogue search: {args.catalogue_users} users for {args.catalogue_seconds:.0f} s…")
        catalogue = run_locust(user_class="CatalogueReader", users=args.catalogue_users,
                               seconds=args.catalogue_seconds, spawn_rate=args.catalogue_users, name="catalogue", **common)
        print("\n".join(_phase_table(catalogue)), flush=True)
        log(f"(b) Deadline rush: {args.rush_users} officers for {args.rush_seconds:.0f} s…")
        rush = run_locust(user_class="RushOfficer", users=args.rush_users, seconds=args.rush_seconds,
                          spawn_rate=min(args.rush_users, 50), name="rush", **common)
        print("\n".join(_phase_table(rush)), flush=True)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    rush_check = check_rush(setup, rush.record)
    print(json.dumps(rush_check, indent=1), flush=True)
    command = "`python -m bench.load " + shlex.join(sys.argv[1:] if argv is None else argv) + "`"
    if os.environ.get("MAKELEVEL"):
        command = f"`make bench-load`, which ran {command}"
    section = report(command=command, workers=args.workers, catalogue=catalogue, rush=rush, rush_check=rush_check,
                     database=settings["NAME"], think=args.think, setup=setup)
    print(section)
    if args.output:
        write_section(args.output, section)
        print(f"Appended to {args.output}.")
    shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_up(port: int, gunicorn: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{port}/api/v1/offers/?search=gao"
    while time.monotonic() < deadline:
        if gunicorn.poll() is not None:
            raise SystemExit(f"gunicorn ended with exit code {gunicorn.returncode}")
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within a minute")


if __name__ == "__main__":
    main()
