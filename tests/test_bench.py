"""The benchmark suite (`make bench`, `make bench-load`) keeps working: the national data set is
written at a tiny scale, every scenario prepares, runs, checks what it got and reports its row,
and the report, the growth table and the load section come out right. Everything on SQLite with
tiny sizes; no timing is asserted: speed is measured by `make bench`, not by tests."""

import json
import re
import smtplib

import pytest

from bench.__main__ import bench_database
from bench.national import FULL, generate_national_data, sizes
from bench.runner import LOAD_MARKER, Result, growth_table, report, run_suite, table
from bench.scenarios import SCENARIOS
from bench.scenarios.imports import OutletImport
from bench.scenarios.quota_board import QuotaBoard
from bench.smtp_sink import SinkProcess

TINY = 0.001  # 130 grassroots unions, 5 partners, 50 offers, 200 outlets, 1 section


def test_the_runner_measures_the_quota_board_and_reports_its_row(db):
    log: list[str] = []
    [result] = run_suite([QuotaBoard], scale=0.005, runs=5, warmup=1, log=log.append, stop_on_error=True)

    assert result.name == "quota_board" and result.runs == 5
    assert result.size.startswith("5 sections × 52 weeks, ")
    assert 0 < result.median_ms <= result.p95_ms
    assert result.baseline_median_ms > 0 and result.ratio > 0
    assert 0 < result.queries <= QuotaBoard.max_queries and result.peak_mib > 0
    assert sum("run " in line for line in log) == 5  # each timed run is printed as it happens

    row = next(line for line in table([result]).splitlines() if line.startswith("| `quota_board`"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2] == "5"
    for cell in (cells[3], cells[4], cells[5], cells[8]):  # median, p95, CPU, baseline
        assert re.fullmatch(r"[\d,]+\.\d ms", cell)
    assert re.fullmatch(r"[\d,]+\.\d MiB", cells[6]) and cells[7] == str(result.queries)
    assert re.fullmatch(r"[\d,]+\.\d×", cells[9]) and cells[10] == "median < 500 ms, ≤ 10 queries"
    assert result.cpu_median_ms > 0

    written = report([result], command="`python -m bench --scale 0.005`")
    assert "`python -m bench --scale 0.005`" in written and row in written
    assert "Machine:" in written and "Python " in written


def test_the_national_data_set_has_every_part_at_a_tiny_scale(db):
    data = generate_national_data(scale=TINY, seed=3)

    from agreements.models import Offer, Outlet, Partner
    from campaigns.models import Article, Section
    from organizations.models import RoleAssignment, Unit
    from reporting.models import ConsolidatedTotal, Period, Submission

    assert sizes(1.0) == FULL and sizes(TINY)["grassroots"] == 130
    assert Unit.objects.filter(depth=1).count() == 1 and Unit.objects.filter(depth=2).count() == 54  # 34 + 20
    assert data.grassroots == 130 and data.units == Unit.objects.count()
    # An officer for every unit, a reviewer for every unit with units below.
    assert RoleAssignment.objects.filter(role="officer").count() == data.units
    assert RoleAssignment.objects.filter(role="reviewer").count() == Unit.objects.filter(numchild__gt=0).count()
    assert (Partner.objects.count(), Offer.objects.count(), Outlet.objects.count()) == (5, 50, 200)
    assert Period.objects.filter(form__code="PL02").count() == 12 and data.periods == 12
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert "approved" in statuses and len(statuses) >= 2  # mixed states
    assert Submission.objects.count() == data.submissions > 12 * data.units // 2
    assert ConsolidatedTotal.objects.exists()
    assert Section.objects.count() == 1 and Article.objects.count() == data.articles > 0
    assert set(data.seconds) == {"tree", "people", "catalogue", "reports", "articles", "vacuum"}
    with pytest.raises(ValueError):  # only into a database without units
        generate_national_data(scale=TINY)


def test_the_command_says_how_long_each_part_took_and_refuses_a_database_with_units(db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("generate_national_data", "--scale", str(TINY), stdout=out)
    printed = out.getvalue()
    assert re.search(r"tree: [\d.]+ s", printed) and re.search(r"reports: [\d.]+ s", printed)
    assert "Xong sau" in printed and "130 grassroots" in printed
    with pytest.raises(CommandError, match="đã có đơn vị"):
        call_command("generate_national_data", "--scale", str(TINY), stdout=StringIO())


def test_every_scenario_runs_on_the_national_data_set(db, monkeypatch):
    generate_national_data(scale=TINY, seed=3)
    monkeypatch.setattr(OutletImport, "rows", 200)

    results = run_suite(SCENARIOS, scale=TINY, runs=5, warmup=1, log=lambda line: None, stop_on_error=True)

    assert [r.name for r in results] == [cls.name for cls in SCENARIOS]
    for result in results:
        assert not result.error, result.name
        assert result.runs == 5 and len(result.times_ms) == 5 and result.median_ms > 0, result.name
        assert result.queries > 0, result.name
        if result.baseline_title:
            assert result.baseline_median_ms > 0, result.name
        if result.max_queries is not None:  # query counts do not depend on the data: met even tiny
            assert result.queries <= result.max_queries, result.name
    heavy = {r.name for r in results if r.memory == "RSS"}
    assert heavy == {"outlet_import", "unit_tree_import", "reminders"}
    assert "| `unit_tree_import`" in table(results)


def test_a_failing_scenario_is_reported_and_the_others_still_run(db):
    class Broken(QuotaBoard):
        name = "broken"

        def run(self):
            raise RuntimeError("boom")

    log: list[str] = []
    broken, board = run_suite([Broken, QuotaBoard], scale=0.002, runs=5, warmup=1, log=log.append)

    assert broken.error == "RuntimeError: boom" and broken.met is False
    assert not board.error and board.runs == 5
    assert "| **failed** |" in table([broken, board])


def _result(name, median, scale, **extra):
    return Result(name=name, title=name, size="", prepare_seconds=0.0, runs=5, median_ms=median, p95_ms=median,
                  peak_mib=1.0, queries=3, target_ms=extra.pop("target_ms", None), max_queries=None, scale=scale,
                  **extra)


def test_targets_say_by_how_much_they_are_missed():
    result = _result("api", 45.0, 1.0, target_ms=30, target_p95_ms=60, baseline_median_ms=5.0, max_ratio=3)

    assert result.met is False
    assert result.misses() == ["median 45.0 ms ≥ 30 ms (1.5× the target)", "ratio 9.00× > 3×"]
    assert "median < 30 ms, p95 < 60 ms, ratio ≤ 3×" in table([result])


def test_the_report_has_a_table_per_scale_the_growth_and_keeps_the_load_section(db):
    small = [_result("consolidation", 8.0, 0.1), _result("quota_board", 20.0, 0.1)]
    large = [_result("consolidation", 9.0, 1.0), _result("quota_board", 200.0, 1.0)]
    growth = growth_table({0.1: small, 1.0: large})
    assert "| `quota_board` | 20.0 ms | 200.0 ms | 10.0× |" in growth
    assert "| `consolidation` | 8.0 ms | 9.0 ms | 1.1× |" in growth

    previous = f"# Benchmarks\nold table\n{LOAD_MARKER}\n\n## Load (`make bench-load`)\n\nthe load figures\n"
    written = report({0.1: small, 1.0: large}, command="`make bench`", previous=previous,
                     generation={0.1: "13,125 units", 1.0: "130,755 units"})
    assert "## Scale 0.1" in written and "## Scale 1" in written and "## Growth" in written
    assert "- scale 1: 130,755 units" in written
    assert "old table" not in written and written.endswith("the load figures\n")


def test_bench_load_replaces_its_own_section_only(tmp_path):
    from bench.load import write_section

    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\nthe suite's tables\n", encoding="utf-8")
    write_section(path, "## Load (`make bench-load`)\n\nfirst\n")
    write_section(path, "## Load (`make bench-load`)\n\nsecond\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nthe suite's tables\n") and text.count(LOAD_MARKER) == 1
    assert "second" in text and "first" not in text


def test_the_rush_is_checked_against_the_database(db):
    from bench.load import check_rush, prepare_rush

    generate_national_data(scale=TINY, seed=3)
    setup = prepare_rush(5, log=lambda line: None)
    assert len(setup["officers"]) == 5 and len({o["token"] for o in setup["officers"]}) == 5

    from django.test import Client

    opened, submitted = [], []
    for officer in setup["officers"][:3]:
        client = Client(HTTP_AUTHORIZATION=f"Token {officer['token']}")
        response = client.post("/api/v1/submissions/", {"unit": officer["unit"], "period": setup["period"]},
                               content_type="application/json", secure=True)
        assert response.status_code == 201
        opened.append(response.json()["id"])
        done = client.post(f"/api/v1/submissions/{opened[-1]}/submit/", content_type="application/json",
                           secure=True, HTTP_IF_MATCH=response["ETag"])
        if done.status_code == 200:
            submitted.append(opened[-1])

    record = {"opened": opened, "submitted": submitted, "unexpected": []}
    assert check_rush(setup, json.loads(json.dumps(record)))["exact"]
    # A report the load generator never saw (lost on its side) is caught.
    assert not check_rush(setup, {**record, "opened": opened[:-1]})["exact"]


@pytest.mark.parametrize(
    ("url", "scale", "name"),
    [
        ("postgres://postgres@127.0.0.1:5432/unionportal_bench", 1.0, "unionportal_bench"),
        ("postgres://postgres@127.0.0.1:5432/unionportal", 1.0, "unionportal_bench"),  # never the developer's database
        ("postgres://postgres@127.0.0.1:5432/unionportal", 0.1, "unionportal_s0_1_bench"),
        ("postgres://u:p%40ss@db.example:5433/other_bench", 1.0, "other_bench"),
    ],
)
def test_the_suite_works_in_databases_of_its_own(url, scale, name):
    bench_url, settings = bench_database(url, scale)
    assert settings["NAME"] == name and bench_url.endswith(f"/{name}")
    assert settings["PASSWORD"] == ("p@ss" if "p%40ss" in url else "")


def test_every_scenario_has_a_unique_name():
    names = [cls.name for cls in SCENARIOS]
    assert "quota_board" in names and len(names) == len(set(names))


def test_the_suite_refuses_sqlite():
    with pytest.raises(SystemExit, match="PostgreSQL"):
        bench_database("sqlite:///var/db.sqlite3")


def test_queries_are_counted_even_after_django_kept_nine_thousand(db):
    from django.db import connection

    from bench.runner import _probe

    scenario = QuotaBoard(scale=0.002)
    scenario.prepare(lambda line: None)
    connection.queries_log.extend([{"sql": "SELECT 1", "time": "0.000"}] * connection.queries_limit)

    queries, _peak = _probe(scenario, traced=False)

    assert 0 < queries <= QuotaBoard.max_queries


def test_the_load_section_says_what_was_missed_and_where_the_time_goes(db):
    from bench.load import Phase, report

    def row(name, count, rps, p50, p95, p99, failures=0):
        return {"Name": name, "Request Count": str(count), "Failure Count": str(failures), "Requests/s": str(rps),
                "50%": str(p50), "95%": str(p95), "99%": str(p99), "Max Response Time": str(p99 + 10)}

    catalogue = Phase(name="catalogue", users=50, seconds=60, rows=[row("Aggregated", 18000, 310, 120, 170, 190)],
                      cpu={"portal": 40.0, "database": 30.0, "load generator": 6.0}, wall=61)
    rush = Phase(name="rush", users=200, seconds=120, rows=[row("Aggregated", 2000, 13, 300, 900, 1200)],
                 cpu={"portal": 100.0, "database": 40.0, "load generator": 4.0}, wall=150)
    check = {"exact": True, "opened_by_locust": 500, "submitted_by_locust": 500, "reports_in_database": 500,
             "submitted_in_database": 500, "opened_not_in_database": 0, "in_database_not_opened": 0,
             "submitted_not_in_database": 0, "units_with_two_reports": 0, "reports_submitted_twice": 0}

    text = report(command="`make bench-load`", workers=4, catalogue=catalogue, rush=rush, rush_check=check,
                  database="unionportal_bench", think="3-10", setup={"period_slug": "2026-12"})

    assert "- met: catalogue search: 310 requests/s" in text
    assert "- **missed**: deadline rush: p95 900 ms (target < 500 ms)" in text
    assert "2.2 ms of CPU in the portal" in text  # 40 s / 18,000 requests
    assert "**exactly the reports made**" in text and "~31 requests/s" in text


def test_the_sink_in_a_process_of_its_own_counts_and_hands_back_what_it_took():
    sink = SinkProcess(keep=True)
    try:
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            smtp.sendmail("a@example.vn", ["b@example.vn"], b"Subject: x\r\n\r\n.hello\r\n")
        assert sink.count == 1
        assert sink.take_messages() == [("<a@example.vn>", ["<b@example.vn>"], b"Subject: x\r\n\r\n.hello\r\n")]
        sink.reset()
        assert sink.count == 0
    finally:
        sink.stop()
