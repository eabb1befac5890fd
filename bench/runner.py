"""The benchmark runner: how every scenario is measured, and the table it prints and writes.

A scenario (`Scenario`) writes its data once (`prepare`), then the runner:
1. runs it `warmup` times untimed (caches, compiled templates, the database's buffers);
2. runs it once more as a probe, counting the queries (`CaptureQueriesContext`) and the peak of
   Python memory allocated during the run (`tracemalloc`) — neither is switched on during the
   timed runs, since tracing allocations slows Python down several times;
3. times `runs` runs with `time.perf_counter`, each followed by a run of the scenario's baseline
   when it has one (the hand-written SQL the issue names), so that both see the same machine
   state; the ratio is median(scenario) / median(baseline).
After each run `check` looks at what came back (a page that is a 302 to the login is not a
measurement of the page).

A `heavy` scenario (an import of 130,000 units: tens of seconds a run) is not run once more as
a probe, and not under tracemalloc: its one warm-up run is the probe, counting the queries and
reading the peak resident memory of the process (VmHWM, reset before the run), so "peak memory"
is the RSS of the whole process there, marked "RSS" in the table.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import time
import tracemalloc
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

Log = Callable[[str], None]


class Scenario:
    """One measured operation at a fixed data size; `scale` multiplies that size (1.0: the issue's)."""

    name: ClassVar[str]  # what `--scenario` selects
    title: ClassVar[str]  # a line in the table
    target_ms: ClassVar[float | None] = None  # the median the issue asks for
    target_p95_ms: ClassVar[float | None] = None  # the p95 the issue asks for
    max_queries: ClassVar[int | None] = None  # the bound on queries the scenario promises
    max_ratio: ClassVar[float | None] = None  # the most median / baseline median may be
    baseline_title: ClassVar[str] = ""  # what `baseline` runs, for the notes under the table
    source: ClassVar[str] = ""  # where the target comes from ("issue 3, Speed")
    heavy: ClassVar[bool] = False  # seconds a run: one warm-up run, which is also the probe (RSS)
    max_runs: ClassVar[int | None] = None  # timed runs at most, whatever --runs says (heavy: 5)
    max_scale: ClassVar[float | None] = None  # above this scale the scenario is skipped (say why in `too_big`)
    too_big: ClassVar[str] = ""

    def __init__(self, *, scale: float = 1.0):
        self.scale = scale
        self.notes: list[str] = []  # findings for the notes under the table (an EXPLAIN, a count)

    def prepare(self, log: Log) -> str:
        """Write the scenario's data; return what was written, for the table ("1,000 sections, ...")."""
        raise NotImplementedError

    def run(self) -> Any:
        """The measured operation; what it returns goes to `check`."""
        raise NotImplementedError

    def check(self, outcome: Any) -> None:
        """Raise when `outcome` is not what a real run gives (an error page, missing rows)."""

    baseline: Callable[[], Any] | None = None  # a method on scenarios that have one

    def check_baseline(self, outcome: Any) -> None:
        """Raise when the baseline's `outcome` does not match the data."""

    def reset(self) -> None:
        """Before each run, untimed: put back what the previous run changed."""

    def summarize(self) -> list[str]:
        """After the timed runs: findings about them for the notes (parts of a run, a second target)."""
        return []

    def teardown(self) -> None:
        """Remove what `prepare` wrote that other scenarios must not see."""


@dataclass
class Result:
    name: str
    title: str
    size: str
    prepare_seconds: float
    runs: int
    median_ms: float
    p95_ms: float
    peak_mib: float
    queries: int
    target_ms: float | None
    max_queries: int | None
    baseline_title: str = ""
    baseline_median_ms: float | None = None
    target_p95_ms: float | None = None
    max_ratio: float | None = None
    memory: str = "tracemalloc"  # or "RSS" (heavy scenarios)
    scale: float = 1.0
    source: str = ""
    notes: list[str] = field(default_factory=list)
    times_ms: list[float] = field(default_factory=list)
    error: str = ""  # the scenario failed: what it raised (then no figure means anything)
    cpu_median_ms: float | None = None  # CPU of this process + its database server process, median
    skipped: str = ""  # not run at this scale, and why

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.baseline_median_ms if self.baseline_median_ms else None

    def misses(self) -> list[str]:
        """Each target missed, and by how much."""
        if self.skipped:
            return []
        if self.error:
            return [f"the scenario failed: {self.error}"]
        missed = []
        if self.target_ms is not None and self.median_ms >= self.target_ms:
            missed.append(f"median {self.median_ms:,.1f} ms ≥ {self.target_ms:,.0f} ms "
                          f"({self.median_ms / self.target_ms:.1f}× the target)")
        if self.target_p95_ms is not None and self.p95_ms >= self.target_p95_ms:
            missed.append(f"p95 {self.p95_ms:,.1f} ms ≥ {self.target_p95_ms:,.0f} ms "
                          f"({self.p95_ms / self.target_p95_ms:.1f}× the target)")
        if self.max_queries is not None and self.queries > self.max_queries:
            missed.append(f"{self.queries} queries > {self.max_queries}")
        if self.max_ratio is not None and self.ratio is not None and self.ratio > self.max_ratio:
            missed.append(f"ratio {self.ratio:.2f}× > {self.max_ratio:g}×")
        return missed

    @property
    def met(self) -> bool | None:
        """Whether the targets the scenario has are met; None when it has none."""
        if self.skipped or all(t is None for t in (self.target_ms, self.target_p95_ms, self.max_queries,
                                                    self.max_ratio)):
            return None
        return not self.misses()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: with 5 runs the 95th is the slowest run, never an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _backend_pid() -> int | None:
    """The PostgreSQL server process serving this connection (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) another process on this machine has used; 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _timed(function: Callable[[], Any], reset: Callable[[], None] | None = None) -> tuple[float, Any, float]:
    """(wall ms, outcome, CPU ms): the CPU both this process and its database server process used,
    which, unlike the wall time, does not grow when other work on the machine takes the cores."""
    if reset is not None:
        reset()
    gc.collect()  # a collection left over from the previous run is not this run's cost
    backend = _backend_pid()
    cpu = time.process_time() + _process_cpu(backend)
    started = time.perf_counter()
    outcome = function()
    elapsed = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() + _process_cpu(backend) - cpu) * 1000
    return elapsed, outcome, cpu


def _reset_peak_rss() -> bool:
    """Start a new peak of resident memory for this process (Linux: clear_refs 5); False elsewhere."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _peak_rss_bytes() -> int:
    """VmHWM: the peak resident memory since the last reset (or since the process started)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _fresh_query_log() -> None:
    """An empty, unbounded log of queries: Django keeps the last 9,000 only, and once that log is
    full `CaptureQueriesContext` counts nothing (it compares the log's length before and after)."""
    connection.queries_log = deque()


def _probe(scenario: Scenario, *, traced: bool) -> tuple[int, int]:
    """Run the scenario once, counting its queries; (queries, peak bytes)."""
    scenario.reset()
    _fresh_query_log()
    if traced:
        tracemalloc.start()
    else:
        _reset_peak_rss()
    try:
        with CaptureQueriesContext(connection) as queries:
            scenario.check(scenario.run())
        peak = tracemalloc.get_traced_memory()[1] if traced else _peak_rss_bytes()
        count = len(queries.captured_queries)
        connection.queries_log = deque(maxlen=connection.queries_limit)  # Django's own, bounded again
        return count, peak
    finally:
        if traced:
            tracemalloc.stop()


def profile(scenario: Scenario, *, top: int = 6) -> list[str]:
    """One more run under cProfile, with its queries timed: where the time goes, in a few lines."""
    import cProfile
    import pstats
    from pathlib import Path

    from django.conf import settings

    profiler = cProfile.Profile()
    scenario.reset()
    _fresh_query_log()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profiler.enable()
        try:
            scenario.check(scenario.run())
        finally:
            profiler.disable()
        total_ms = (time.perf_counter() - started) * 1000
    timed = sorted(((float(q.get("time") or 0) * 1000, q["sql"]) for q in queries.captured_queries), reverse=True)
    connection.queries_log = deque(maxlen=connection.queries_limit)
    sql_ms = sum(ms for ms, _ in timed)
    lines = [f"profile of one run (cProfile, {total_ms:,.0f} ms with the profiler's overhead): "
             f"{len(timed)} queries took {sql_ms:,.0f} ms in the database"]
    for ms, sql in timed[:2]:
        lines.append(f"slowest query {ms:,.1f} ms: `{' '.join(sql.split())[:160]}…`")
    stats = pstats.Stats(profiler)
    root = str(Path(settings.BASE_DIR))
    entries = stats.stats  # {(file, line, name): (calls, primitive, own, cumulative, callers)}

    def label(key) -> str:
        file, line, name = key
        file = file.replace(root + "/", "")
        if ".venv/" in file or "site-packages/" in file:
            file = file.split("site-packages/")[-1]
        return f"{file}:{line}({name})" if line else name

    own = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:top]
    lines.append("most own time: " + "; ".join(f"{label(k)} {v[2] * 1000:,.0f} ms" for k, v in own))
    ours = [(k, v) for k, v in entries.items() if k[0].startswith(root) and "/.venv/" not in k[0]
            and "/bench/" not in k[0]]
    ours = sorted(ours, key=lambda item: item[1][3], reverse=True)[:top]
    if ours:
        lines.append("portal code by cumulative time: "
                     + "; ".join(f"{label(k)} {v[3] * 1000:,.0f} ms" for k, v in ours))
    return lines


def measure(scenario: Scenario, *, runs: int = 10, warmup: int = 2, log: Log = print,
            profile_misses: bool = True) -> Result:
    """Prepare and measure one scenario (see the module docstring)."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    limit = scenario.max_runs if scenario.max_runs is not None else (5 if scenario.heavy else None)
    runs = min(runs, limit) if limit else runs
    started = time.perf_counter()
    size = scenario.prepare(log)
    prepare_seconds = time.perf_counter() - started
    log(f"[{scenario.name}] data: {size} ({prepare_seconds:.1f} s)")

    try:
        if scenario.heavy:
            # The one warm-up run is the probe (see the module docstring).
            query_count, peak = _probe(scenario, traced=False)
            if scenario.baseline is not None:
                scenario.check_baseline(scenario.baseline())
        else:
            for _ in range(warmup):
                scenario.reset()
                scenario.check(scenario.run())
                if scenario.baseline is not None:
                    scenario.check_baseline(scenario.baseline())
            query_count, peak = _probe(scenario, traced=True)

        times, baseline_times, cpu_times = [], [], []
        for run in range(runs):
            elapsed, outcome, cpu = _timed(scenario.run, scenario.reset)
            scenario.check(outcome)
            times.append(elapsed)
            cpu_times.append(cpu)
            line = f"[{scenario.name}] run {run + 1}/{runs}: {elapsed:.1f} ms (CPU {cpu:.1f} ms)"
            if scenario.baseline is not None:
                elapsed, outcome, _cpu = _timed(scenario.baseline)
                scenario.check_baseline(outcome)
                baseline_times.append(elapsed)
                line += f", baseline {elapsed:.1f} ms"
            log(line)
        scenario.notes += scenario.summarize()

        result = Result(
            name=scenario.name, title=scenario.title, size=size, prepare_seconds=prepare_seconds, runs=runs,
            median_ms=statistics.median(times), p95_ms=percentile(times, 0.95), peak_mib=peak / 2**20,
            queries=query_count, target_ms=scenario.target_ms, max_queries=scenario.max_queries,
            baseline_title=scenario.baseline_title,
            baseline_median_ms=statistics.median(baseline_times) if baseline_times else None,
            target_p95_ms=scenario.target_p95_ms, max_ratio=scenario.max_ratio,
            memory="RSS" if scenario.heavy else "tracemalloc", scale=scenario.scale, source=scenario.source,
            notes=list(scenario.notes), times_ms=times, cpu_median_ms=statistics.median(cpu_times),
        )
        if profile_misses and result.met is False and any(
            "median" in m or "p95" in m or "ratio" in m for m in result.misses()
        ):
            result.notes += profile(scenario)
    finally:
        scenario.teardown()
    for note in result.notes:
        log(f"[{scenario.name}] note: {note}")
    log(f"[{scenario.name}] median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
        f"{result.queries} queries, peak {result.peak_mib:.1f} MiB"
        + (f", baseline {result.baseline_median_ms:.1f} ms, ratio {result.ratio:.1f}×" if result.ratio else "")
        + ("" if result.met is None else (" — target met" if result.met else " — MISSED: " + "; ".join(result.misses()))))
    return result


def run_suite(
    scenarios: Iterable[type[Scenario]], *, scale: float = 1.0, runs: int = 10, warmup: int = 2, log: Log = print,
    profile_misses: bool = True, stop_on_error: bool = False, skip_too_big: bool = True,
) -> list[Result]:
    """Measure each scenario; one that fails is reported as failed and the others still run.
    With `skip_too_big`, a scenario above its `max_scale` is reported as skipped."""
    results = []
    for cls in scenarios:
        if skip_too_big and cls.max_scale is not None and scale > cls.max_scale:
            log(f"[{cls.name}] skipped at scale {scale:g}: {cls.too_big}")
            results.append(Result(
                name=cls.name, title=cls.title, size="–", prepare_seconds=0.0, runs=0, median_ms=0.0, p95_ms=0.0,
                peak_mib=0.0, queries=0, target_ms=cls.target_ms, max_queries=cls.max_queries,
                baseline_title=cls.baseline_title, target_p95_ms=cls.target_p95_ms, max_ratio=cls.max_ratio,
                scale=scale, source=cls.source, skipped=cls.too_big,
            ))
            continue
        scenario = cls(scale=scale)
        try:
            results.append(measure(scenario, runs=runs, warmup=warmup, log=log, profile_misses=profile_misses))
        except Exception as exc:
            if stop_on_error:
                raise
            import traceback

            log(f"[{cls.name}] FAILED:\n{traceback.format_exc()}")
            results.append(Result(
                name=cls.name, title=cls.title, size="–", prepare_seconds=0.0, runs=0, median_ms=0.0, p95_ms=0.0,
                peak_mib=0.0, queries=0, target_ms=cls.target_ms, max_queries=cls.max_queries,
                baseline_title=cls.baseline_title, target_p95_ms=cls.target_p95_ms, max_ratio=cls.max_ratio,
                scale=scale, source=cls.source, error=f"{type(exc).__name__}: {exc}"[:300],
            ))
            _recover()
    return results


def _recover() -> None:
    """After a failed scenario: no broken connection for the next one (a scenario's own
    transactions were rolled back as its exception left them)."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


# --- the table -------------------------------------------------------------------------------

COLUMNS = ("Scenario", "Data", "Runs", "Median", "p95", "CPU (median)", "Peak memory", "Queries",
           "Baseline (median)", "Ratio", "Target", "Met")


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f} ms"


def _target(result: Result) -> str:
    parts = []
    if result.target_ms is not None:
        parts.append(f"median < {result.target_ms:,.0f} ms")
    if result.target_p95_ms is not None:
        parts.append(f"p95 < {result.target_p95_ms:,.0f} ms")
    if result.max_queries is not None:
        parts.append(f"≤ {result.max_queries} queries")
    if result.max_ratio is not None:
        parts.append(f"ratio ≤ {result.max_ratio:g}×")
    return ", ".join(parts) or "–"


def _memory(result: Result) -> str:
    return f"{result.peak_mib:,.1f} MiB" + (" RSS" if result.memory == "RSS" else "")


def table(results: list[Result]) -> str:
    """The results as a Markdown table (printed, and written to BENCHMARKS.md)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in results:
        if r.error or r.skipped:
            cells = (f"`{r.name}`: {r.title}", "–", "0", *["–"] * 7, _target(r),
                     "**failed**" if r.error else "skipped")
            lines.append("| " + " | ".join(cells) + " |")
            continue
        met = {True: "yes", False: "**no**", None: "–"}[r.met]
        cells = (
            f"`{r.name}`: {r.title}", r.size, str(r.runs), _ms(r.median_ms), _ms(r.p95_ms), _ms(r.cpu_median_ms),
            _memory(r),
            str(r.queries), _ms(r.baseline_median_ms), "–" if r.ratio is None else f"{r.ratio:,.1f}×", _target(r), met,
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def growth_table(by_scale: dict[float, list[Result]]) -> str:
    """How each scenario's median grows with the data: one column per scale, then last / first."""
    scales = sorted(by_scale)
    if len(scales) < 2:
        return ""
    first, last = scales[0], scales[-1]
    lines = [
        "| Scenario | " + " | ".join(f"median at {s:g}" for s in scales) + f" | × from {first:g} to {last:g} |",
        "|---|" + "---|" * len(scales) + "---|",
    ]
    names = list(dict.fromkeys(r.name for s in scales for r in by_scale[s]))
    for name in names:
        found = {s: next((r for r in by_scale[s] if r.name == name and not r.error and not r.skipped), None)
                 for s in scales}
        cells = [_ms(found[s].median_ms) if found[s] else "–" for s in scales]
        growth = (f"{found[last].median_ms / found[first].median_ms:,.1f}×"
                  if found[first] and found[last] and found[first].median_ms else "–")
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {growth} |")
    return "\n".join(lines)


def machine() -> list[str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory = ""
    try:
        memory = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    import django

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"{connection.vendor} {connection.Database.sqlite_version}" if connection.vendor == "sqlite" \
                else connection.vendor
    return [
        f"{cpu}, {os.cpu_count()} CPUs{memory}",
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, Django {django.get_version()}",
        f"{database} (database `{connection.settings_dict['NAME']}`, on the same machine)",
        # Other work on the machine shows in the medians: say how busy it was.
        "load average when the table was written (1, 5, 15 min): " + ", ".join(f"{v:.2f}" for v in os.getloadavg()),
    ]


LOAD_MARKER = "<!-- make bench-load writes below this line -->"


def _settings_line() -> str:
    """The PostgreSQL settings that shape the numbers (the server's own, not tuned for the suite)."""
    if connection.vendor != "postgresql":
        return ""
    names = ("shared_buffers", "work_mem", "effective_cache_size", "jit", "synchronous_commit")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s) ORDER BY name",
                       [list(names)])
        return "PostgreSQL settings: " + ", ".join(f"{name} {value}" for name, value in cursor.fetchall())


def report(results, *, command: str, notes: Iterable[str] = (), generation: dict[float, str] | None = None,
           previous: str = "") -> str:
    """BENCHMARKS.md: the command, the date, the machine, a table per scale, the growth table, the notes.

    `results` is a list (one scale) or {scale: list}; `generation` says per scale what was written
    and how long it took; the part of `previous` (the file as it was) written by `make bench-load`
    is kept.
    """
    by_scale = results if isinstance(results, dict) else {results[0].scale if results else 1.0: results}
    now = timezone.localtime().replace(microsecond=0)
    settings_line = _settings_line()
    lines = [
        "# Benchmarks",
        "",
        f"Written by {command} on {now.isoformat(sep=' ')} — do not edit by hand; run the command again.",
        "",
        "Machine:",
        *[f"- {line}" for line in machine()],
        *([f"- {settings_line}"] if settings_line else []),
        "",
    ]
    if generation:
        lines += ["## Data", "", "`python manage.py generate_national_data --scale S` (bench/national.py), "
                  "into a database created for the scale:", ""]
        lines += [f"- scale {scale:g}: {text}" for scale, text in sorted(generation.items())]
        lines.append("")
    for scale, scale_results in sorted(by_scale.items()):
        lines += [f"## Scale {scale:g}", "", table(scale_results), ""]
    growth = growth_table(by_scale)
    if growth:
        lines += ["## Growth", "", "How each median grows from the smallest data set to the largest "
                  "(the national data set is 10× larger; the outlet import writes 10,000 rows at every scale).", "",
                  growth, ""]
    lines += [
        "## How it was measured",
        "",
        "Each scenario: warm-up runs first, then one probe run counting the queries and the peak of Python "
        "memory (tracemalloc), then the timed runs (median and nearest-rank p95). Where a scenario has a "
        "baseline, it runs right after each timed run and the ratio is scenario median / baseline median. "
        "A heavy scenario (marked RSS) has one warm-up run, which is also its probe: the peak is the "
        "resident memory of the whole process then. \"CPU\" is the CPU time the suite's process and its "
        "PostgreSQL server process used during a run (median): the work itself, which — unlike the wall "
        "time — does not grow while other programs on the machine hold the two cores (see the load average "
        "above); the targets are judged on the wall time.",
        "",
    ]
    seen: set[str] = set()
    for _scale, scale_results in sorted(by_scale.items()):
        for r in scale_results:
            if r.name not in seen:
                seen.add(r.name)
                lines.append(f"- `{r.name}`" + (f" ({r.source})" if r.source else "") + ": "
                             + (f"baseline: {r.baseline_title}." if r.baseline_title else "no baseline."))
    lines.append("")
    findings = [(scale, r) for scale, scale_results in sorted(by_scale.items()) for r in scale_results
                if r.notes or r.misses() or r.skipped]
    if findings or notes:
        lines += ["## Notes", ""]
        for scale, r in findings:
            if r.skipped:
                lines.append(f"- `{r.name}` at scale {scale:g}: not run — {r.skipped}")
                continue
            lines.append(f"- `{r.name}` at scale {scale:g}, prepared in {r.prepare_seconds:.1f} s:")
            for miss in r.misses():
                lines.append(f"  - **missed**: {miss}")
            lines += [f"  - {note}" for note in r.notes]
        lines += [f"- {note}" for note in notes]
        lines.append("")
    text = "\n".join(lines).rstrip() + "\n"
    if LOAD_MARKER in previous:
        text += "\n" + LOAD_MARKER + previous.split(LOAD_MARKER, 1)[1]
    return text
