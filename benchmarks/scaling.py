"""Time and peak memory of rendering against the size of a record.

    python benchmarks/scaling.py [TOPICS ...]     (default: 10 100 500 1000 2000)

Each measurement runs in a fresh process (so peak RSS is that render's own): the record is
validated, then both documents are rendered in one format. Prints a table of topics →
seconds and peak resident memory for each format.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {tests!r})
from big_record import big_record
from memo_gen.render import Renderer
from memo_gen.record.validate import validate_record
topics, fmt = int(sys.argv[1]), sys.argv[2]
renderer = Renderer.create()
start = time.perf_counter()
record = validate_record(big_record(topics))
files = renderer.render(record, ("memo", "factsheet"), (fmt,))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "mib": peak, "bytes": sum(map(len, files.values()))}}))
"""


def measure(topics: int, fmt: str) -> dict[str, float]:
    code = CHILD.format(tests=str(HERE.parent / "tests"))
    out = subprocess.run(
        [sys.executable, "-c", code, str(topics), fmt], capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(out))


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [10, 100, 500, 1_000, 2_000]
    print(f"{'topics':>7} | {'docx s':>7} {'docx MiB':>9} | {'pdf s':>7} {'pdf MiB':>8}")
    for topics in sizes:
        docx, pdf = measure(topics, "docx"), measure(topics, "pdf")
        print(
            f"{topics:>7} | {docx['seconds']:>7.2f} {docx['mib']:>9.0f} |"
            f" {pdf['seconds']:>7.2f} {pdf['mib']:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
