"""memo-gen's benchmark suite: how fast memo-gen is next to a hand-written program.

Every target is a ratio of two numbers measured in the same run, because absolute times on
a shared machine drift. What it measures:

* cold: whole processes, ``python -m memo_gen build`` (the sample record: memorandum and fact
  sheet, DOCX and PDF), ``… docx`` and ``… pdf`` alone, ``… validate``, the hand-written
  baseline ``benchmarks/direct.py``, and the import floor
  (``python -c "import docx, reportlab.platypus, jinja2, click"``), interleaved;
* warm: in one process, from the record file to the documents in memory, for memo-gen and for
  the baseline, all four files and each document in each format;
* batch: ``memo-gen build DIR -j 1`` against ``-j <CPU count>`` on a folder of records;
* scaling: records with 1×, 10× and 100× the sample's topics, render time and peak memory;
* watch: ``memo-gen watch`` rendering the sample again after each of many saves
  (``benchmarks/watch.py``), as it runs, always with its helper process, and in one process.

It prints a table and the targets, and writes everything as JSON (``--json``)::

    python benchmarks/bench.py --quick      # about a minute
    python benchmarks/bench.py              # more repetitions, steadier numbers
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import importlib.metadata
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "data" / "astana-2025-03-13.yaml"
PY = sys.executable
Kind = Literal["memo", "factsheet"]
Fmt = Literal["docx", "pdf"]
KINDS: tuple[Kind, ...] = ("memo", "factsheet")
FORMATS: tuple[Fmt, ...] = ("docx", "pdf")
IMPORT_FLOOR = "import docx, reportlab.platypus, jinja2, click"
LIBRARY_FLOOR = (
    "import docx, reportlab.platypus, reportlab.graphics.shapes, jinja2, click, yaml, "
    "pydantic.main, markdown_it, mdit_py_plugins.container, babel.dates, PIL.Image"
)
"""Every library ``memo-gen build`` loads, imported and nothing done: what memo-gen cannot
start faster than, however little its own code costs."""

# Targets (issue 5): each a ratio measured in one run.
COLD_LIMIT = 1.3  # memo-gen build / direct.py, whole processes
WARM_LIMIT = 1.2  # memo-gen / direct.py, in-process render of all four files
BATCH_LIMIT = 1.6  # records per second with -j <CPUs> / with -j 1, on two cores
SCALE_LIMIT = 120.0  # render time of the 100× record / of the 1× record
RSS_LIMIT_MB = 500.0  # peak memory of the process rendering the 100× record


@dataclass
class Measure:
    """Repeated timings (seconds) of one thing, with each run's peak memory when known."""

    name: str
    group: str
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "runs": len(self.times),
            "median_s": self.median,
            "min_s": min(self.times, default=float("nan")),
            "max_s": max(self.times, default=float("nan")),
            "times_s": self.times,
            "peak_rss_mb": max(self.rss_kb) / 1024 if self.rss_kb else None,
            "note": self.note,
        }


# --- running things -----------------------------------------------------------------------


PYCACHE: list[Path] = []
"""Where the subprocesses keep their compiled modules (a folder of this run)."""


def environment() -> dict[str, str]:
    """The subprocesses' environment: memo-gen from this checkout even when not installed,
    and modules compiled once and then loaded from their .pyc, as on a user's machine (some
    environments set PYTHONDONTWRITEBYTECODE, which would compile memo-gen's ~30 modules
    again in every run); the .pyc files go to a folder of this run, not into the checkout."""
    env = dict(os.environ)
    paths = [str(ROOT / "src"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if PYCACHE:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE[0])
    return env


CPU_SECONDS: dict[tuple[str, ...], list[float]] = {}
"""CPU time (user + system) of each run of a command line."""


def run_process(argv: Sequence[str], cwd: Path) -> tuple[float, int | None]:
    """Wall time and peak memory (KiB) of one process; raises if it fails."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL, stderr=errors
        )
        rss: int | None = None
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            # ru_maxrss is in KiB on Linux, in bytes on macOS.
            rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
            # With its workers: a process's usage includes the children it waited for.
            CPU_SECONDS.setdefault(tuple(argv), []).append(usage.ru_utime + usage.ru_stime)
        else:  # pragma: no cover - Windows
            process.wait()
            elapsed = time.perf_counter() - start
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}:\n{message}")
    return elapsed, rss


def interleaved(
    measures: list[tuple[Measure, Callable[[], tuple[float, int | None]]]], runs: int, warmups: int
) -> None:
    """Run each thing ``warmups`` times unmeasured, then ``runs`` rounds in turn, so that a
    slow spell of the machine falls on all of them alike."""
    for _ in range(warmups):
        for _, action in measures:
            action()
    for _ in range(runs):
        for measure, action in measures:
            seconds, rss = action()
            measure.times.append(seconds)
            if rss is not None:
                measure.rss_kb.append(rss)


def timed(action: Callable[[], object]) -> Callable[[], tuple[float, int | None]]:
    def run() -> tuple[float, int | None]:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start, None

    return run


def progress(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


# --- the suites ---------------------------------------------------------------------------


def cold_suite(work: Path, runs: int, warmups: int) -> list[Measure]:
    out = work / "cold-out"
    memo_gen = [PY, "-m", "memo_gen"]
    commands = {
        "memo-gen build": [*memo_gen, "build", "-o", str(out)],
        "direct.py (baseline)": [PY, str(HERE / "direct.py"), "-o", str(out / "direct")],
        "memo-gen docx": [*memo_gen, "docx", "-o", str(out)],
        "memo-gen pdf": [*memo_gen, "pdf", "-o", str(out)],
        "memo-gen validate": [*memo_gen, "validate"],
        "import floor": [PY, "-c", IMPORT_FLOOR],
        "library floor": [PY, "-c", LIBRARY_FLOOR],
        "python -c pass": [PY, "-c", "pass"],
    }
    notes = {
        "memo-gen build": "sample: memo + fact sheet, DOCX + PDF",
        "direct.py (baseline)": "same four files, hand-written",
        "import floor": IMPORT_FLOOR,
        "library floor": "the same and pydantic, yaml, markdown-it, babel, PIL",
        "python -c pass": "interpreter start-up",
    }
    measures = [Measure(name, "cold", note=notes.get(name, "")) for name in commands]

    def action(argv: list[str]) -> Callable[[], tuple[float, int | None]]:
        return lambda: run_process(argv, work)

    interleaved([(m, action(commands[m.name])) for m in measures], runs, warmups)
    return measures


def warm_suite(runs: int, warmups: int) -> tuple[list[Measure], dict[str, Any]]:
    import direct

    from memo_gen.record.loader import load_record
    from memo_gen.render import Renderer

    renderer = Renderer.create()
    record = load_record(SAMPLE)
    data = direct.load(SAMPLE)
    banner, footer = direct.furniture(data)
    blocks = {"memo": direct.memo_blocks(data), "factsheet": direct.factsheet_blocks(data)}
    title = data["document"]["subject"]

    def memo_gen_all() -> dict[tuple[Kind, Fmt], bytes]:
        return renderer.render(load_record(SAMPLE), KINDS, FORMATS)

    def direct_all() -> dict[str, bytes]:
        return direct.render_all(direct.load(SAMPLE))

    cases: list[tuple[Measure, Callable[[], tuple[float, int | None]]]] = [
        (
            Measure("memo-gen: all four", "warm", note="load + validate + compose + render"),
            timed(memo_gen_all),
        ),
        (Measure("direct.py: all four", "warm", note="load + build"), timed(direct_all)),
    ]
    for kind in KINDS:
        for fmt in FORMATS:

            def one(kind: Kind = kind, fmt: Fmt = fmt) -> object:
                return renderer.render(record, (kind,), (fmt,))

            def base(kind: Kind = kind, fmt: Fmt = fmt) -> object:
                if fmt == "docx":
                    return direct.build_docx(blocks[kind], banner, footer)
                return direct.build_pdf(blocks[kind], banner, footer, title)

            cases.append(
                (Measure(f"memo-gen: {kind} {fmt}", "warm", note="compose + render"), timed(one))
            )
            cases.append((Measure(f"direct.py: {kind} {fmt}", "warm"), timed(base)))
    interleaved(cases, runs, warmups)
    check = same_content(renderer.render(record, KINDS, FORMATS), direct_all())
    return [m for m, _ in cases], check


def watch_suite(saves: int) -> list[Measure]:
    import watch

    notes = {
        "watch: re-render": "a save noticed → 4 files + manifest written",
        "watch: write": "of which the folder change (fsyncs)",
        "watch, helper: re-render": "the helper process always",
        "watch, one process: re-render": "never",
    }
    measures = []
    for mode in watch.MODES:
        for name, times in watch.watch_saves(saves, mode).items():
            measures.append(Measure(name, "watch", times=times, note=notes.get(name, "")))
    return measures


def free_cores(work: Path, cpus: int) -> float:
    """How many CPUs this run really has: a CPU-bound process alone against ``cpus`` of them
    at once (a shared machine may be busy with other work)."""
    spin = [PY, "-c", "x = 0\nfor i in range(4_000_000): x += i"]
    alone = min(run_process(spin, work)[0] for _ in range(3))
    start = time.perf_counter()
    processes = [subprocess.Popen(spin, cwd=work, env=environment()) for _ in range(cpus)]
    for process in processes:
        process.wait()
    together = time.perf_counter() - start
    return min(float(cpus), cpus * alone / together)


def batch_suite(work: Path, count: int, runs: int) -> list[Measure]:
    folder = work / "batch-records"
    folder.mkdir()
    for index in range(count):
        shutil.copyfile(SAMPLE, folder / f"record-{index:03d}.yaml")
    cpus = os.cpu_count() or 1
    base = [PY, "-m", "memo_gen", "build", str(folder), "--quiet"]
    one = Measure("batch -j 1", "batch", note=f"{count} records, one process")
    many = Measure(f"batch -j {cpus}", "batch", note=f"{count} records, {cpus} workers")

    def action(jobs: int) -> Callable[[], tuple[float, int | None]]:
        out = work / f"batch-out-{jobs}"
        return lambda: run_process([*base, "-j", str(jobs), "-o", str(out)], work)

    interleaved([(one, action(1)), (many, action(cpus))], runs, 0)
    for measure, jobs in ((one, 1), (many, cpus)):
        argv = (*base, "-j", str(jobs), "-o", str(work / f"batch-out-{jobs}"))
        if CPU_SECONDS.get(argv):
            measure.note += f", CPU {statistics.median(CPU_SECONDS[argv]):.1f} s"
    return [one, many]


def scaled_record(factor: int, path: Path) -> int:
    """Write the sample with its topics repeated ``factor`` times (as JSON) to ``path``;
    returns the number of topics."""
    import yaml

    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    topics = data["topics"]
    data["topics"] = [
        {
            **topic,
            "id": f"{topic['id']}-{copy}" if copy else topic["id"],
            "title": f"{topic['title']} ({copy + 1})" if copy else topic["title"],
        }
        for copy in range(factor)
        for topic in topics
    ]
    path.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    return len(data["topics"])


def scale_worker(path: Path) -> None:
    """In a fresh process: render the sample once (one-off costs), then time ``path``."""
    from memo_gen.record.loader import load_record
    from memo_gen.render import Renderer

    renderer = Renderer.create()
    renderer.render(load_record(SAMPLE), KINDS, FORMATS)
    start = time.perf_counter()
    files = renderer.render(load_record(path), KINDS, FORMATS)
    seconds = time.perf_counter() - start
    pages = len(re.findall(rb"/Type /Page[^s]", files[("memo", "pdf")]))
    print(json.dumps({"seconds": seconds, "memo_pages": pages}))


def scale_suite(work: Path, runs: int) -> list[Measure]:
    measures = []
    for factor in (1, 10, 100):
        path = work / f"scaled-{factor}.json"
        topics = scaled_record(factor, path)
        measure = Measure(f"{factor}× topics", "scale")
        for _ in range(runs if factor < 100 else max(1, runs - 1)):
            with tempfile.TemporaryFile() as stdout:
                argv = [PY, str(HERE / "bench.py"), "--scale-worker", str(path)]
                process = subprocess.Popen(argv, cwd=work, env=environment(), stdout=stdout)
                rss = None
                if hasattr(os, "wait4"):
                    _, status, usage = os.wait4(process.pid, 0)
                    process.returncode = os.waitstatus_to_exitcode(status)
                    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
                else:  # pragma: no cover - Windows
                    process.wait()
                if process.returncode != 0:
                    raise RuntimeError(f"scale worker for {path.name} failed")
                stdout.seek(0)
                report = json.loads(stdout.read())
            measure.times.append(report["seconds"])
            if rss is not None:
                measure.rss_kb.append(rss)
            measure.note = f"{topics} topics, memo {report['memo_pages']} pages; render only"
        measures.append(measure)
    return measures


# --- is the baseline honest? --------------------------------------------------------------


def _docx_words(data: bytes) -> collections.Counter[str]:
    words: collections.Counter[str] = collections.Counter()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                xml = archive.read(name).decode("utf-8")
                xml = re.sub(r"<w:instrText[^>]*>[^<]*</w:instrText>", " ", xml)
                xml = re.sub(r"<w:(tab|br)/>|</w:p>", " ", xml)
                words.update(re.sub(r"<[^>]+>", "", xml).split())
    del words["•"]  # memo-gen writes bullets as text, the baseline as Word numbering
    return words


def same_content(
    ours: Mapping[tuple[Kind, Fmt], bytes], theirs: dict[str, bytes]
) -> dict[str, Any]:
    """The words of memo-gen's DOCX files against the baseline's, as a check that the
    baseline sets the same text."""
    found: dict[str, Any] = {}
    for kind in KINDS:
        a, b = _docx_words(ours[(kind, "docx")]), _docx_words(theirs[f"{kind}.docx"])
        found[kind] = {
            "words": sum(a.values()),
            "only_memo_gen": dict(a - b),
            "only_direct": dict(b - a),
        }
    return found


# --- the report ---------------------------------------------------------------------------


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds == seconds else "—"


def table(measures: list[Measure]) -> str:
    head = ("group", "measurement", "median ms", "min ms", "max ms", "runs", "peak MB", "note")
    rows = [
        (
            m.group,
            m.name,
            fmt_ms(m.median),
            fmt_ms(min(m.times, default=float("nan"))),
            fmt_ms(max(m.times, default=float("nan"))),
            str(len(m.times)),
            f"{max(m.rss_kb) / 1024:.0f}" if m.rss_kb else "",
            m.note,
        )
        for m in measures
    ]
    return markdown_table(head, rows, right={2, 3, 4, 5, 6})


def markdown_table(head: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i])
            for i, c in enumerate(cells)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (w + 1) + (":" if i in right else "-") for i, w in enumerate(widths)]
    return "\n".join([line(head), "|" + "|".join(rule) + "|", *map(line, rows)])


def targets(by_name: dict[str, Measure], cpus: int) -> list[dict[str, Any]]:
    found = []

    def ratio(name: str, top: str, bottom: str, limit: float, wanted: str, how: str) -> None:
        if top not in by_name or bottom not in by_name:
            return
        value = by_name[top].median / by_name[bottom].median
        best = min(by_name[top].times) / min(by_name[bottom].times)
        met = value <= limit if wanted == "at most" else value >= limit
        found.append(
            {
                "target": name,
                "value": value,
                "value_of_fastest_runs": best,
                "limit": limit,
                "wanted": wanted,
                "met": met,
                "how": how,
            }
        )

    ratio(
        "cold start",
        "memo-gen build",
        "direct.py (baseline)",
        COLD_LIMIT,
        "at most",
        "whole process: memo-gen build ÷ direct.py",
    )
    ratio(
        "warm render",
        "memo-gen: all four",
        "direct.py: all four",
        WARM_LIMIT,
        "at most",
        "in process: memo-gen ÷ direct.py, all four files",
    )
    if cpus >= 2:
        ratio(
            "batch",
            "batch -j 1",
            f"batch -j {cpus}",
            BATCH_LIMIT,
            "at least",
            f"records per second: -j {cpus} ÷ -j 1",
        )
    ratio(
        "scaling: time",
        "100× topics",
        "1× topics",
        SCALE_LIMIT,
        "at most",
        "render time: 100× record ÷ 1× record",
    )
    scaled = by_name.get("100× topics")
    if scaled and scaled.rss_kb:
        peak = max(scaled.rss_kb) / 1024
        found.append(
            {
                "target": "scaling: memory",
                "value": peak,
                "limit": RSS_LIMIT_MB,
                "wanted": "at most",
                "met": peak <= RSS_LIMIT_MB,
                "how": "peak RSS (MB) of the process rendering the 100× record",
            }
        )
    return found


def start_up_split(by_name: dict[str, Measure]) -> str:
    """Where the whole-process time goes: loading libraries, or the program's own work."""
    names = ("memo-gen build", "library floor", "direct.py (baseline)", "import floor")
    if not all(name in by_name for name in names):
        return ""
    build, libraries, direct, imports = (by_name[name].median * 1000 for name in names)
    return (
        f"start-up split (medians): memo-gen build {build:.0f} ms = {libraries:.0f} ms loading "
        f"its libraries + {build - libraries:.0f} ms of its own; direct.py {direct:.0f} ms = "
        f"{imports:.0f} ms loading its libraries + {direct - imports:.0f} ms of its own"
    )


def targets_table(found: list[dict[str, Any]]) -> str:
    rows = [
        (
            t["target"],
            f"{t['value']:.2f}",
            f"{t['value_of_fastest_runs']:.2f}" if "value_of_fastest_runs" in t else "",
            f"{t['wanted']} {t['limit']:g}",
            "met" if t["met"] else "NOT MET",
            t["how"],
        )
        for t in found
    ]
    head = ("target", "medians", "fastest runs", "wanted", "result", "measured as")
    return markdown_table(head, rows, {1, 2})


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in (
        "memo-gen",
        "python-docx",
        "reportlab",
        "jinja2",
        "pydantic",
        "markdown-it-py",
        "click",
        "PyYAML",
    ):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[name] = importlib.metadata.version(name)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs: about a minute")
    parser.add_argument(
        "--json",
        type=Path,
        default=ROOT / "out" / "benchmark.json",
        help="where to write the results (default: out/benchmark.json)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=["cold", "warm", "batch", "scale", "watch"],
        help="run only these suites (repeatable)",
    )
    parser.add_argument("--scale-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path[:0] = [str(HERE), str(ROOT / "src")]
    if args.scale_worker:
        scale_worker(args.scale_worker)
        return 0
    quick = args.quick
    suites = set(args.only or ["cold", "warm", "batch", "scale", "watch"])
    cpus = os.cpu_count() or 1
    measures: list[Measure] = []
    check: dict[str, Any] = {}
    cores: list[float] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="memo-gen-bench-") as temp:
        work = Path(temp)
        PYCACHE[:] = [work / "pycache"]
        if "cold" in suites:
            progress("cold: whole processes")
            measures += cold_suite(work, runs=5 if quick else 15, warmups=1 if quick else 2)
        if "warm" in suites:
            progress("warm: in this process")
            warm, check = warm_suite(runs=8 if quick else 30, warmups=2)
            measures += warm
        if "batch" in suites:
            progress("batch: -j 1 against all CPUs")
            cores = [free_cores(work, cpus)]
            measures += batch_suite(work, count=36 if quick else 60, runs=2 if quick else 3)
            cores.append(free_cores(work, cpus))
        if "scale" in suites:
            progress("scaling: 1×, 10×, 100× the topics")
            measures += scale_suite(work, runs=2 if quick else 3)
        if "watch" in suites:
            progress("watch: saves of the sample record")
            measures += watch_suite(saves=20 if quick else 30)
    by_name = {m.name: m for m in measures}
    found = targets(by_name, cpus)
    elapsed = time.perf_counter() - started
    print(
        f"memo-gen benchmarks ({'quick' if quick else 'full'} run, {cpus} CPUs, "
        f"Python {platform.python_version()}, {elapsed:.0f} s)\n"
    )
    print(table(measures))
    if found:
        print()
        print(targets_table(found))
    split = start_up_split(by_name)
    if split:
        print(f"\n{split}")
    if cores:
        print(
            f"\nfree CPUs during the batch runs (CPU-bound processes side by side): "
            f"{cores[0]:.1f} before, {cores[-1]:.1f} after, of {cpus}"
            + (
                "; the machine was busy with other work, so -j cannot reach its speed-up"
                if min(cores) < cpus - 0.3
                else ""
            )
        )
    for kind, result in check.items():
        if result["only_memo_gen"] or result["only_direct"]:
            print(
                f"\nnote: the baseline's {kind} text differs from memo-gen's: "
                f"only in memo-gen {result['only_memo_gen']}, only in the baseline "
                f"{result['only_direct']}"
            )
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "cpus": cpus,
        "platform": platform.platform(),
        "versions": versions(),
        "seconds": elapsed,
        "measures": [m.as_json() for m in measures],
        "targets": found,
        "free_cpus_during_batch": cores,
        "baseline_content_check": check,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"\nresults written to {args.json}")
    return 0 if all(t["met"] for t in found) else 1


if __name__ == "__main__":
    sys.exit(main())
