"""Measure `memo-gen draft` against the hand-written records of benchmarks/draft_eval/.

    python benchmarks/draft_eval.py [FOLDER] [--show NAME]

For every readout NAME.{txt,md,html} in FOLDER (default: benchmarks/draft_eval) it drafts a
record (as `memo-gen draft` writes it, read back from its YAML) and compares it with
NAME.expected.yaml, kind by kind. It prints, per kind and overall, how many values the expected
records hold, how many the drafts hold, how many of those are correct, and recall (correct /
expected) and precision (correct / drafted). It exits 1 when a target is missed: overall
precision at least 95 %, and recall at least 60 % for people, dates, places, figures and
agreements. `--show NAME` prints each value of one readout as correct (+), wrong (-) or
missed (?); `--show all`, of every readout.

What counts as one value, and when a drafted value is correct:

- people: a person's name, office (title) and country are three values. A drafted person is
  the expected person whose name it matches (case, dots and hyphens aside; the same surname
  and the same first initial, or one of the two a surname alone); a person without a name
  matches by office. The name is then correct; the office is correct when the two offices are
  the same once country names ("of the Republic of Kazakhstan", "Russian") are taken out, or
  one holds the other word for word; the country when the codes are equal. Every value of a
  drafted person who matches no one is wrong.
- dates: each of visit.start, visit.end, visit.source.date, a meeting's date and an
  agreement's date. A drafted date is correct when the expected record has the same value in
  the same place (any meeting's or any agreement's, each used once). A date in words is its
  wording ("on Thursday"), case aside; offset_days is not compared.
- places: the city and the country of visit.place and of each meeting's place, compared as
  for dates.
- meetings: a drafted meeting is correct when an expected meeting has the same participants
  (matched people); its format is one more value (expected when the expected meeting gives
  one), correct when that meeting has the same.
- quotes: correct when an expected quotation of the same speaker and kind shares its words:
  at least 80 % of the shorter text's words are in the longer.
- figures: correct when an expected figure has the same value (or multiplier), scale,
  currency and unit; and, when the draft gives a period, the same period.
- agreements: a drafted agreement is correct when an expected one's title (or field) shares
  at least 60 % of the shorter's words; its status is one more value (expected when the
  expected agreement gives one), correct when equal to that agreement's.
- organisations: correct when an expected framework has the same abbreviation, or the same
  name, or an abbreviation equal to the drafted name.
- topics: each known area of a topic, and each area of record-level cooperation, is a value:
  correct when the expected record's topics (respectively cooperation) name it.

Each expected value is matched at most once.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from memo_gen.draft.places import adjectives, countries
from memo_gen.draft.record import draft_source

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "draft_eval"
READOUT_SUFFIXES = (".txt", ".md", ".html", ".docx")
KINDS = (
    "people",
    "dates",
    "places",
    "meetings",
    "quotes",
    "figures",
    "agreements",
    "organisations",
    "topics",
)
PRECISION_TARGET = 0.95
RECALL_TARGETS = dict.fromkeys(("people", "dates", "places", "figures", "agreements"), 0.60)


@dataclass
class Tally:
    """Counts of one kind of value."""

    expected: int = 0
    drafted: int = 0
    correct: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.expected += other.expected
        self.drafted += other.drafted
        self.correct += other.correct
        self.notes += other.notes

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.drafted if self.drafted else 1.0


# --- normalising ---------------------------------------------------------------------------


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", str(text)).casefold().replace("ё", "е")
    return re.findall(r"\w+", text)


def same_name(drafted: str, expected: str) -> bool:
    ours, theirs = words(drafted), words(expected)
    if not ours or not theirs:
        return False
    if ours == theirs:
        return True
    if ours[-1] != theirs[-1]:
        return False
    return len(ours) == 1 or len(theirs) == 1 or ours[0][0] == theirs[0][0]


def office_core(title: str, language: str) -> str:
    """An office with its country named in any way taken out."""
    text = unicodedata.normalize("NFC", title)
    for named in [*countries(text, language), *adjectives(text, language)][::-1]:
        text = text[: named.start] + " " + text[named.end :]
    text = re.sub(r"\b(?:of|the|republic|republic of)\b", " ", text, flags=re.IGNORECASE)
    return " ".join(words(text))


def same_office(drafted: str, expected: str, language: str) -> bool:
    ours, theirs = office_core(drafted, language), office_core(expected, language)
    if not ours or not theirs:
        return False
    return ours == theirs or f" {ours} " in f" {theirs} " or f" {theirs} " in f" {ours} "


def overlap(a: str, b: str) -> float:
    """The share of the shorter text's words found in the longer."""
    first, second = set(words(a)), set(words(b))
    if not first or not second:
        return 0.0
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    return len(small & large) / len(small)


def date_key(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return "words:" + " ".join(words(value.get("as_published", "")))
    return str(value)


def match_once(
    drafted: Iterable[Any],
    expected: list[Any],
    same: Callable[[Any, Any], bool],
    name: str,
    tally: Tally,
) -> list[tuple[Any, Any | None]]:
    """Pair each drafted value with an unused expected one it matches; count them."""
    unused = list(expected)
    pairs: list[tuple[Any, Any | None]] = []
    tally.expected += len(expected)
    for value in drafted:
        tally.drafted += 1
        found = next((e for e in unused if same(value, e)), None)
        if found is not None:
            unused.remove(found)
            tally.correct += 1
            tally.notes.append(f"+ {name}: {_show(value)}")
        else:
            tally.notes.append(f"- {name}: {_show(value)}")
        pairs.append((value, found))
    tally.notes += [f"? {name}: {_show(e)}" for e in unused]
    return pairs


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 110 else text[:107] + "..."


# --- comparing -----------------------------------------------------------------------------


def _people(
    drafted: dict[str, Any], expected: dict[str, Any], language: str, tally: Tally
) -> dict[str, str]:
    """Compare the people; the drafted ids matched to expected ids."""
    ours = drafted.get("participants") or []
    theirs = list(expected.get("participants") or [])
    tally.expected += sum(1 for p in theirs for key in ("name", "title", "country") if p.get(key))
    ids: dict[str, str] = {}
    for person in ours:
        match = None
        for candidate in theirs:
            if person.get("name") and candidate.get("name"):
                if same_name(person["name"], candidate["name"]):
                    match = candidate
                    break
            elif (
                not person.get("name")
                and not candidate.get("name")
                and same_office(person.get("title") or "", candidate.get("title") or "", language)
            ):
                match = candidate
                break
        if match is not None:
            theirs.remove(match)
            ids[person["id"]] = match["id"]
        for key in ("name", "title", "country"):
            if not person.get(key):
                continue
            tally.drafted += 1
            if match is None or not match.get(key):
                ok = False
            elif key == "name":
                ok = same_name(person[key], match[key])
            elif key == "title":
                ok = same_office(person[key], match[key], language)
            else:
                ok = person[key] == match[key]
            tally.correct += ok
            tally.notes.append(f"{'+' if ok else '-'} people.{key}: {person[key]!r}")
    for person in theirs:
        tally.notes.append(f"? people: {person.get('name') or person.get('title')!r}")
    return ids


def _dates(record: dict[str, Any]) -> list[tuple[str, str]]:
    visit = record.get("visit") or {}
    found = [
        ("visit.start", date_key(visit.get("start"))),
        ("visit.end", date_key(visit.get("end"))),
        ("source.date", date_key((visit.get("source") or {}).get("date"))),
    ]
    found += [("meeting", date_key(m.get("date"))) for m in record.get("meetings") or []]
    found += [("agreement", date_key(a.get("date"))) for a in record.get("agreements") or []]
    return [(role, value) for role, value in found if value is not None]


def _places(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    places = [("visit", (record.get("visit") or {}).get("place"))]
    places += [("meeting", m.get("place")) for m in record.get("meetings") or []]
    for role, place in places:
        place = place or {}
        if place.get("city"):
            found.append((role, "city", " ".join(words(place["city"]))))
        if place.get("country"):
            found.append((role, "country", place["country"].get("code", "")))
    return found


def _figure_key(figure: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(figure.get(key) for key in ("value", "multiplier", "scale", "currency", "unit"))


def _same_figure(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    if _figure_key(ours) != _figure_key(theirs):
        return False
    period = ours.get("period")
    return period is None or words(str(period)) == words(str(theirs.get("period", "")))


def _areas(record: dict[str, Any]) -> list[tuple[str, str]]:
    found = [("topic", area) for t in record.get("topics") or [] for area in t.get("areas") or []]
    return list(dict.fromkeys(found)) + [
        ("cooperation", a) for a in record.get("cooperation") or []
    ]


def compare(drafted: dict[str, Any], expected: dict[str, Any], language: str) -> dict[str, Tally]:
    """The tallies of one readout, kind by kind."""
    tallies = {kind: Tally() for kind in KINDS}
    ids = _people(drafted, expected, language, tallies["people"])

    match_once(_dates(drafted), _dates(expected), lambda a, b: a == b, "date", tallies["dates"])
    match_once(_places(drafted), _places(expected), lambda a, b: a == b, "place", tallies["places"])

    def members(meeting: dict[str, Any], mapped: bool) -> frozenset[str]:
        people = meeting.get("participants") or []
        return (
            frozenset(ids.get(p, f"unmatched:{p}") for p in people) if mapped else frozenset(people)
        )

    tally = tallies["meetings"]
    pairs = match_once(
        drafted.get("meetings") or [],
        list(expected.get("meetings") or []),
        lambda a, b: members(a, True) == members(b, False),
        "meeting",
        tally,
    )
    tally.expected += sum(1 for m in expected.get("meetings") or [] if m.get("format"))
    for ours, theirs in pairs:
        if ours.get("format"):
            tally.drafted += 1
            ok = theirs is not None and theirs.get("format") == ours["format"]
            tally.correct += ok
            tally.notes.append(f"{'+' if ok else '-'} meeting.format: {ours['format']!r}")

    match_once(
        drafted.get("quotes") or [],
        list(expected.get("quotes") or []),
        lambda a, b: (
            ids.get(a.get("speaker")) == b.get("speaker")
            and a.get("kind") == b.get("kind")
            and overlap(a.get("text", ""), b.get("text", "")) >= 0.8
        ),
        "quote",
        tallies["quotes"],
    )
    match_once(
        drafted.get("figures") or [],
        list(expected.get("figures") or []),
        _same_figure,
        "figure",
        tallies["figures"],
    )

    tally = tallies["agreements"]
    pairs = match_once(
        drafted.get("agreements") or [],
        list(expected.get("agreements") or []),
        lambda a, b: (
            overlap(a.get("title") or a.get("field") or "", b.get("title") or b.get("field") or "")
            >= 0.6
        ),
        "agreement",
        tally,
    )
    tally.expected += sum(1 for a in expected.get("agreements") or [] if a.get("status"))
    for ours, theirs in pairs:
        if ours.get("status"):
            tally.drafted += 1
            ok = theirs is not None and theirs.get("status") == ours["status"]
            tally.correct += ok
            tally.notes.append(f"{'+' if ok else '-'} agreement.status: {ours['status']!r}")

    def same_organisation(a: dict[str, Any], b: dict[str, Any]) -> bool:
        if a.get("acronym") and a.get("acronym") == b.get("acronym"):
            return True
        return words(a.get("name", "")) in (words(b.get("name", "")), words(b.get("acronym") or ""))

    match_once(
        drafted.get("frameworks") or [],
        list(expected.get("frameworks") or []),
        same_organisation,
        "organisation",
        tallies["organisations"],
    )
    match_once(_areas(drafted), _areas(expected), lambda a, b: a == b, "area", tallies["topics"])
    return tallies


# --- running -------------------------------------------------------------------------------


def readouts(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix in READOUT_SUFFIXES
        and path.name not in ("README.md", "SOURCES.md")
        and path.with_name(path.stem + ".expected.yaml").exists()
    )


def drafted_record(readout: Path) -> tuple[dict[str, Any], str]:
    """The record `memo-gen draft` writes for a readout, read back from its YAML, and the
    language it was read in."""
    draft = draft_source(readout)
    return yaml.safe_load(draft.text()) or {}, draft.source.language


def evaluate(folder: Path = CORPUS) -> tuple[dict[str, Tally], dict[str, dict[str, Tally]]]:
    """The tallies over the corpus, and those of each readout."""
    totals = {kind: Tally() for kind in KINDS}
    each: dict[str, dict[str, Tally]] = {}
    for readout in readouts(folder):
        expected = yaml.safe_load(
            readout.with_name(readout.stem + ".expected.yaml").read_text(encoding="utf-8")
        )
        drafted, language = drafted_record(readout)
        tallies = compare(drafted, expected, language)
        each[readout.name] = tallies
        for kind, tally in tallies.items():
            totals[kind].add(tally)
    return totals, each


def overall(totals: dict[str, Tally]) -> Tally:
    total = Tally()
    for tally in totals.values():
        total.add(tally)
    return total


def missed_targets(totals: dict[str, Tally]) -> list[str]:
    """The targets the tallies miss, worded."""
    missed = []
    precision = overall(totals).precision
    if precision < PRECISION_TARGET:
        missed.append(f"overall precision {precision:.1%} < {PRECISION_TARGET:.0%}")
    for kind, target in RECALL_TARGETS.items():
        if totals[kind].recall < target:
            missed.append(f"{kind} recall {totals[kind].recall:.1%} < {target:.0%}")
    return missed


def table(totals: dict[str, Tally]) -> str:
    rows = [
        f"{'kind':14} {'expected':>8} {'drafted':>8} {'correct':>8} {'recall':>7} {'precision':>9}"
    ]
    for kind, tally in [*totals.items(), ("overall", overall(totals))]:
        rows.append(
            f"{kind:14} {tally.expected:8} {tally.drafted:8} {tally.correct:8} "
            f"{tally.recall:7.1%} {tally.precision:9.1%}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument(
        "--show", metavar="NAME", help="list one readout's values (all: every one's)"
    )
    args = parser.parse_args(argv)
    totals, each = evaluate(args.folder)
    if args.show:
        for name, tallies in each.items():
            if args.show == "all" or name.startswith(args.show):
                print(name)
                for tally in tallies.values():
                    for note in tally.notes:
                        print(f"  {note}")
    print(f"{len(each)} readouts in {args.folder}")
    print(table(totals))
    missed = missed_targets(totals)
    for line in missed:
        print(f"Missed: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
