"""How fast ``memo-gen watch`` renders a record again after a save.

Starts ``memo-gen watch`` on a copy of the sample record and saves it ``--saves`` times the
way editors do (a new file renamed over the old one), each save changing the memorandum's
reference, which both documents print (their footers): every save changes all four files.
For each save it takes the time the watch reports (from the save noticed to the four files
and the manifest written) and the time from the save to that report, seen from outside
(which adds the wait for the editor's save to settle). It also times, in this process, a
warm render of the four files in memory (``Renderer.render``) and of each file alone: what
a render costs without the watch::

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
RENDERED = re.compile(r"rendered (\d+) files into .* \((\d+) ms\)")
TIMEOUT = 60.0


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    return env


def _lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def _next_render(lines: queue.Queue[str]) -> tuple[float, int]:
    """The moment the watch's next ``rendered`` line arrives, and the milliseconds it says."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        found = RENDERED.search(line)
        if found:
            return time.perf_counter(), int(found.group(2))


def _save(path: Path, text: str) -> None:
    """Save as vim and many IDEs do: a new file, renamed over the old one."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def watch_saves(saves: int, warmups: int = 3) -> dict[str, list[float]]:
    """Seconds per save: as the watch reports it, and from the save to the report."""
    reported: list[float] = []
    seen: list[float] = []
    with tempfile.TemporaryDirectory(prefix="memo-gen-watch-bench-") as temp:
        work = Path(temp)
        record = work / "visit.yaml"
        original = SAMPLE.read_text(encoding="utf-8")
        record.write_text(original, encoding="utf-8")
        argv = [sys.executable, "-m", "memo_gen", "watch", str(record), "-o", str(work / "out")]
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_environment()
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()
        try:
            _next_render(lines)  # the first render: libraries loaded, templates compiled
            for number in range(warmups + saves):
                time.sleep(0.3)  # a pause between saves, as a person makes
                text = original.replace(REFERENCE, f"MFA-KZ/BIL/2025/{number:04d}")
                start = time.perf_counter()
                _save(record, text)
                arrived, milliseconds = _next_render(lines)
                if number >= warmups:
                    reported.append(milliseconds / 1000)
                    seen.append(arrived - start)
        finally:
            process.terminate()
            process.wait(timeout=TIMEOUT)
    return {"re-render (reported)": reported, "save → files written": seen}


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
    return {**watch_saves(saves), **warm_renders(runs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30, help="saves measured (default 30)")
    args = parser.parse_args(argv)
    timings = measure(max(args.saves, 1), runs=max(args.saves, 20))
    print(f"{'measurement':<28} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'runs':>5}")
    for name, times in timings.items():
        print(
            f"{name:<28} {statistics.median(times) * 1000:>10.0f} {min(times) * 1000:>8.0f} "
            f"{max(times) * 1000:>8.0f} {len(times):>5}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
