"""Check the draft-evaluation corpus and count its expected values.

    python benchmarks/draft_eval/check.py

For every readout NAME.{txt,md,html} in this folder it checks that NAME.expected.yaml exists,
that the readout has 150–500 words, and that the expected record is a valid visit record once
the one field a readout never gives (`document.date`, the memorandum's own date) is supplied:
so a misspelt field, a wrong value type or a broken id reference fails, while the fields the
text does not state stay out. It then prints the number of expected values per field kind.
Exit status 1 when anything fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
READOUT_SUFFIXES = (".txt", ".md", ".html")
NOT_READOUTS = {"README.md", "SOURCES.md"}


def words(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"<head>.*?</head>", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
    return len(text.split())


def readouts() -> list[Path]:
    return sorted(
        p for p in HERE.iterdir() if p.suffix in READOUT_SUFFIXES and p.name not in NOT_READOUTS
    )


def validate_with_memo_date(expected: Path) -> str | None:
    """Run `memo-gen validate` on the record plus a memorandum date; None when it is valid."""
    text = expected.read_text(encoding="utf-8")
    if re.search(r"^document:", text, flags=re.M):
        return "has a `document` section: a readout never gives the memorandum's particulars"
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / expected.name
        probe.write_text("document: {date: 2000-01-01}\n" + text, encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "-m", "memo_gen", "validate", str(probe)],
            capture_output=True,
            text=True,
        )
    if run.returncode == 0:
        return None
    return (run.stderr or run.stdout).strip()


def count(record: dict, counts: Counter) -> None:
    visit = record.get("visit") or {}
    people = record.get("participants") or []
    counts["people"] += len(people)
    for field in ("name", "title", "country"):
        counts[f"  people.{field}"] += sum(1 for p in people if p.get(field))
    dated = [visit.get("start"), visit.get("end"), (visit.get("source") or {}).get("date")]
    dated += [m.get("date") for m in record.get("meetings") or []]
    dated += [a.get("date") for a in record.get("agreements") or []]
    counts["dates"] += sum(1 for d in dated if d is not None)
    counts["  dates as published (relative)"] += sum(1 for d in dated if isinstance(d, dict))
    place = visit.get("place") or {}
    counts["places"] += int(bool(place.get("city"))) + int(bool(place.get("country")))
    counts["places"] += sum(
        int(bool((m.get("place") or {}).get("city")))
        + int(bool((m.get("place") or {}).get("country")))
        for m in record.get("meetings") or []
    )
    counts["meetings"] += len(record.get("meetings") or [])
    quotes = record.get("quotes") or []
    counts["quotes"] += len(quotes)
    for kind in ("direct", "reported"):
        counts[f"  quotes.{kind}"] += sum(1 for q in quotes if q.get("kind") == kind)
    counts["figures"] += len(record.get("figures") or [])
    agreements = record.get("agreements") or []
    counts["agreements"] += len(agreements)
    for status in sorted({a.get("status") for a in agreements if a.get("status")}):
        counts[f"  agreements.{status}"] += sum(1 for a in agreements if a.get("status") == status)
    counts["organisations"] += len(record.get("frameworks") or [])
    counts["topics"] += len(record.get("topics") or [])


def main() -> int:
    failures = 0
    counts: Counter = Counter()
    languages: Counter = Counter()
    for readout in readouts():
        expected = readout.with_name(readout.stem + ".expected.yaml")
        problems = []
        n = words(readout)
        if not 150 <= n <= 500:
            problems.append(f"{n} words (wanted 150–500)")
        if not expected.exists():
            problems.append(f"no {expected.name}")
        else:
            error = validate_with_memo_date(expected)
            if error:
                problems.append(error)
            record = yaml.safe_load(expected.read_text(encoding="utf-8"))
            count(record, counts)
            language = ((record.get("visit") or {}).get("source") or {}).get("language", "?")
            languages[language] += 1
        status = "ok" if not problems else "FAIL"
        print(f"{status:4}  {readout.name} ({n} words)")
        for problem in problems:
            print(f"      {problem}")
        failures += bool(problems)
    print(
        f"\n{len(readouts())} readouts: "
        + ", ".join(f"{k} {v}" for k, v in sorted(languages.items()))
    )
    for kind in sorted(
        counts, key=lambda k: (k.strip().split(".")[0].split(" ")[0], k.startswith(" "), k)
    ):
        print(f"  {kind:34} {counts[kind]:4}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
