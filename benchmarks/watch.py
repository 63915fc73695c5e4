"""How fast ``memo-gen watch`` renders a record again after a save.

Runs the watch (:func:`memo_gen.watch.watch`) on a copy of the sample record three times:
as ``memo-gen watch`` runs it (with its helper process, rendering some files meanwhile,
when the load average leaves CPU time free), always with the helper, and in one process.
Each time it saves the record ``--saves`` times the way editors do (a new file renamed over
the old one), each save changing the memorandum's reference, which both documents print
(their footers): every save changes all four files. For each save it takes the time the watch
reports, from the save noticed to the four files and the manifest written, and the part of
it that writing them as one change of the folder took (with its fsyncs); and the time from
the save to that report, seen from outside (which adds the wait for the editor's save to
settle). It also times, in this process, a warm render of the four files in memory
(``Renderer.render``) and of each file alone::

    python benchmarks/watch.py              # 30 saves
    python benchmarks/watch.py --saves 20

:func:`measure` is what ``benchmarks/bench.py`` runs as its *watch* suite.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "data" / "astana-2025-03-13.yaml"
REFERENCE = "MFA-KZ/BIL/2025/0313"
RENDERED = re.compile(r"rendered in ([0-9.]+) ms, writing ([0-9.]+) ms")
TIMEOUT = 60.0
WATCH = """
import sys, time
from pathlib import Path
import memo_gen.folder
from memo_gen.pipeline import BuildSettings
from memo_gen.watch import watch

record, out = Path(sys.argv[1]), Path(sys.argv[2])
helper = {"helper": True, "alone": False, "auto": None}[sys.argv[3]]
writes = []
commit = memo_gen.folder.commit

def timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return commit(*args, **kwargs)
    finally:
        writes.append(time.perf_counter() - start)

memo_gen.folder.commit = timed  # the pipeline imports it as it writes

def told(render):
    assert render.error is None, render.error
    print(f"rendered in {render.seconds * 1000:.1f} ms, writing {writes[-1] * 1000:.1f} ms",
          flush=True)

settings = BuildSettings(("memo", "factsheet"), ("docx", "pdf"), out)
watch(record, settings, told, helper=helper)
"""
"""The watch as ``memo-gen watch`` runs it, with the time its folder changes take."""


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    return env


def _lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def _next_render(lines: queue.Queue[str]) -> tuple[float, float, float]:
    """The moment the watch's next report arrives, and the seconds it reports: the whole
    re-render, and the writing of its files."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        found = RENDERED.search(line)
        if found:
            whole, writing = (float(found.group(n)) / 1000 for n in (1, 2))
            return time.perf_counter(), whole, writing


def _save(path: Path, text: str) -> None:
    """Save as vim and many IDEs do: a new file, renamed over the old one."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


MODES = {"auto": "watch", "helper": "watch, helper", "alone": "watch, one process"}
"""How the watch is run: as ``memo-gen watch`` does (the helper when CPU time is free for
it), always with the helper, never."""


def watch_saves(saves: int, mode: str, warmups: int = 3) -> dict[str, list[float]]:
    """Seconds per save: as the watch reports it (all of it, the writing, the rest), and
    from the save to the report."""
    label = MODES[mode]
    found: dict[str, list[float]] = {
        f"{label}: re-render": [],
        f"{label}: render": [],
        f"{label}: write": [],
        f"{label}: save → files": [],
    }
    with tempfile.TemporaryDirectory(prefix="memo-gen-watch-bench-") as temp:
        work = Path(temp)
        record = work / "visit.yaml"
        original = SAMPLE.read_text(encoding="utf-8")
        record.write_text(original, encoding="utf-8")
        argv = [sys.executable, "-c", WATCH, str(record), str(work / "out"), mode]
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=_environment())
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
        try:
            _next_render(lines)  # the first render: libraries loaded, templates compiled
            for number in range(warmups + saves):
                time.sleep(0.3)  # a pause between saves, as a person makes
                text = original.replace(REFERENCE, f"MFA-KZ/BIL/2025/{number:04d}")
                start = time.perf_counter()
                _save(record, text)
                arrived, whole, writing = _next_render(lines)
                if number >= warmups:
                    found[f"{label}: re-render"].append(whole)
                    found[f"{label}: render"].append(whole - writing)
                    found[f"{label}: write"].append(writing)
                    found[f"{label}: save → files"].append(arrived - start)
        finally:
            process.terminate()
            process.wait(timeout=TIMEOUT)
    return found


def _median_of(action: Callable[[], object], runs: int) -> list[float]:
    for _ in range(3):
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def warm_renders(runs: int) -> dict[str, list[float]]:
    """Seconds per warm render in this process: all four files, then each alone."""
    sys.path.insert(0, str(ROOT / "src"))
    from memo_gen.record.loader import load_record
    from memo_gen.render import Renderer

    renderer = Renderer.create()
    record = load_record(SAMPLE)
    found = {
        "warm: all four": _median_of(
            lambda: renderer.render(load_record(SAMPLE), ("memo", "factsheet"), ("docx", "pdf")),
            runs,
        )
    }
    for kind in ("memo", "factsheet"):
        for fmt in ("docx", "pdf"):
            found[f"warm: {kind} {fmt}"] = _median_of(
                lambda kind=kind, fmt=fmt: renderer.render(record, (kind,), (fmt,)), runs
            )
    return found


def measure(saves: int = 30, runs: int = 20) -> dict[str, list[float]]:
    """Every timing of this benchmark, in seconds, by name."""
    found: dict[str, list[float]] = {}
    for mode in MODES:
        found.update(watch_saves(saves, mode))
    return {**found, **warm_renders(runs)}


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (OSError, AttributeError):  # not known (Windows)
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30, help="saves measured (default 30)")
    args = parser.parse_args(argv)
    before = _load()
    timings = measure(max(args.saves, 1), runs=max(args.saves, 20))
    # The watch takes its helper only when the load leaves CPU time free (watch.spare_cpu),
    # and other work slows every render: the load says what the numbers were measured under.
    print(f"load average (1 min): {before} before, {_load()} after; CPUs: {os.cpu_count()}")
    print(f"{'measurement':<36} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'runs':>5}")
    for name, times in timings.items():
        print(
            f"{name:<36} {statistics.median(times) * 1000:>10.0f} {min(times) * 1000:>8.0f} "
            f"{max(times) * 1000:>8.0f} {len(times):>5}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
