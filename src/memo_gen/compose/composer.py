"""A visit record → the document model of its memorandum or its fact sheet.

The record is arranged for the templates (delegations, quotes by topic, agreements by
status), the template named after the document renders Markdown, and
:mod:`memo_gen.compose.markdown` turns that into blocks; the page furniture and the properties come
from the record's document particulars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memo_gen.compose.comparisons import ChartMaker
from memo_gen.compose.fitting import Budget, Composed, Fit, one_page, shorten
from memo_gen.compose.formatting import Formatter
from memo_gen.compose.languages import LanguageChoice, TemplateFolder, Words
from memo_gen.compose.markdown import to_blocks
from memo_gen.compose.templating import TemplateSet
from memo_gen.document import Document, DocumentKind, Furniture, Metadata
from memo_gen.record.model import VISIT_KINDS, VOCABULARIES, Agreement, Participant, VisitRecord
from memo_gen.record.translations import Fallback
from memo_gen.resources import templates_dir

if TYPE_CHECKING:
    from memo_gen.backends.theme import PageSize

SIDE_LABELS = {"host": "Host side", "guest": "Guest side", "third-party": "Third parties"}


@dataclass(frozen=True)
class Delegation:
    """Participants who represent the same country, organisation or side."""

    label: str
    members: tuple[Participant, ...]
    named: bool = True
    """False for the catch-all group of participants with no country, organisation or side."""


def delegations(record: VisitRecord, words: Words | None = None) -> list[Delegation]:
    """Present participants grouped by country (host first, then guest), organisation or
    side, in the order the record first names each group (sides and the catch-all group
    worded in ``words``' language)."""
    words = words or Words()
    others = words.other_participants
    visit = record.visit
    countries = {
        c.code: c.name for c in (visit.host, visit.guest, *visit.sides, *visit.third_countries) if c
    }
    if visit.place and visit.place.country:
        countries.setdefault(visit.place.country.code, visit.place.country.name)
    groups: dict[str, list[Participant]] = {}
    for participant in record.participants:
        if participant.present:
            label = _group_label(participant, countries, words)
            groups.setdefault(label, []).append(participant)
    first = [c.name for c in (visit.host, visit.guest, *visit.sides) if c]
    order = sorted(groups, key=lambda label: first.index(label) if label in first else len(first))
    return [Delegation(label, tuple(groups[label]), named=label != others) for label in order]


def _group_label(participant: Participant, countries: Mapping[str, str], words: Words) -> str:
    if participant.country:
        return countries.get(participant.country, participant.country)
    if participant.organisation:
        return participant.organisation
    side = participant.side or ""
    return words.term(side, "side") or SIDE_LABELS.get(side, words.other_participants)


def areas(record: VisitRecord) -> list[str]:
    """The areas the topics cover (topics discussed), each once, in order."""
    return list(dict.fromkeys(area for topic in record.topics for area in topic.areas))


STATUS_ORDER: tuple[str | None, ...] = (*VOCABULARIES["agreement-status"], None)


def agreements_by_status(record: VisitRecord) -> list[tuple[str | None, list[Agreement]]]:
    """The agreements of this encounter (not the earlier ones it recalls) grouped by status,
    from signed to mentioned, those with no status last; each group in record order."""
    current = [a for a in record.agreements if not a.background]
    groups = [(status, [a for a in current if a.status == status]) for status in STATUS_ORDER]
    return [(status, members) for status, members in groups if members]


def context(record: VisitRecord, words: Words | None = None) -> dict[str, Any]:
    """What the templates see: the record, and the record arranged."""
    topic_ids = {topic.id for topic in record.topics}
    groups = delegations(record, words)
    return {
        "record": record,
        "document": record.document,
        "visit": record.visit,
        "delegations": groups,
        # The fact sheet's principals by delegation: (delegation, its principals), in order.
        "principals": [
            (d, principals)
            for d in groups
            if (principals := [p for p in d.members if p.role == "principal"])
        ],
        "mentioned": [p for p in record.participants if not p.present],
        "people": {p.id: p for p in record.participants},
        "figures": {f.id: f for f in record.figures},
        "meetings": {m.id: m for m in record.meetings},
        "agreements": {a.id: a for a in record.agreements},
        "quotes_by_topic": {
            topic: [q for q in record.quotes if q.topic == topic] for topic in topic_ids
        },
        "other_quotes": [q for q in record.quotes if q.topic not in topic_ids],
        "agreement_groups": agreements_by_status(record),
        "earlier": [a for a in record.agreements if a.background],
        "areas": areas(record),
        "interlocutors": [p for p in record.participants if p.present and p.role == "interlocutor"],
        "is_visit": any(kind in VISIT_KINDS for kind in record.visit.kind),
    }


def created(record: VisitRecord) -> dt.datetime:
    """The documents' timestamp: the memorandum's date (never the clock, so the same record
    gives the same files)."""
    return dt.datetime.combine(record.document.date.earliest, dt.time(), tzinfo=dt.UTC)


def metadata(record: VisitRecord, kind: DocumentKind, words: Words | None = None) -> Metadata:
    """Title, author, subject, keywords, language and date of a document, in the language
    of ``words`` (the template set's; the record's own text stays as written)."""
    words = words or Words()
    document, visit = record.document, record.visit
    subject = document.subject or visit.title
    title = subject if kind == "memo" else words.factsheet_title.format(title=visit.title)
    author = ", ".join(p for p in (document.ministry, document.department) if p) or "memo-gen"
    names = [c.name for c in (visit.host, visit.guest, *visit.sides, *visit.third_countries) if c]
    kind_word = words.memo_keyword if kind == "memo" else words.factsheet_keyword
    formatter = Formatter(words)
    area_words = [formatter.term(area, "area") for area in (*areas(record), *record.cooperation)]
    area_words = list(dict.fromkeys(word for word in area_words if word))
    return Metadata(
        title=title,
        author=author,
        subject=subject,
        keywords=(kind_word, *names, *area_words),
        language=words.language,
        created=created(record),
    )


def furniture(record: VisitRecord, words: Words | None = None, draft: bool = False) -> Furniture:
    """The classification banner, the running footer (``Page X of Y`` in the language of
    ``words``) and, for a draft, the watermark (``DRAFT``, ``ПРОЕКТ``)."""
    words = words or Words()
    document = record.document
    version = words.version.format(version=document.version) if document.version else None
    footer = " · ".join(part for part in (document.reference, version) if part)
    return Furniture(
        classification=document.classification,
        handling=document.handling,
        footer=footer or None,
        page_label=words.page_label,
        watermark=words.draft if draft else None,
    )


class Composer:
    """Composes documents from records with the template sets of one folder (one set per
    language, see :mod:`memo_gen.compose.languages`)."""

    def __init__(self, template_dir: Path | None = None, page_size: PageSize | None = None) -> None:
        """``page_size``: the paper a fact sheet must fit on one page of (default: the
        theme's)."""
        self.template_dir = template_dir
        self.page_size = page_size
        self.folder = TemplateFolder(template_dir or templates_dir())
        self._sets: dict[Path, tuple[TemplateSet, Formatter]] = {}

    def choose(self, record: VisitRecord, lang: str | None = None) -> LanguageChoice:
        """The template set for ``lang`` (``--lang``), by default for the record's
        ``document.language`` (English standing in when the folder has no set for it)."""
        return self.folder.choose(lang, record.document.language)

    def _set(self, folder: Path) -> tuple[TemplateSet, Formatter]:
        if folder not in self._sets:
            formatter = Formatter(self.folder.words(folder))
            shared = [self.folder.root] if folder != self.folder.root else []
            self._sets[folder] = (TemplateSet(folder, formatter.filters(), shared), formatter)
        return self._sets[folder]

    def compose(
        self,
        record: VisitRecord,
        kind: DocumentKind,
        lang: str | LanguageChoice | None = None,
        *,
        draft: bool = False,
        fallback: Fallback | None = None,
    ) -> Document:
        """The document model of one of a record's documents, in ``lang`` (a language, or the
        set already chosen; default: the record's language, see :meth:`choose`); a
        ``draft`` carries the watermark, and a ``fallback`` is said in the source note."""
        choice = lang if isinstance(lang, LanguageChoice) else self.choose(record, lang)
        templates, formatter = self._set(choice.folder)
        words = formatter.words
        note = formatter.fallback_note(fallback) if fallback else None
        arranged = {**context(record, words), "words": words, "fallback_note": note}
        properties, page = metadata(record, kind, words), furniture(record, words, draft)

        def composed(budget: Budget) -> Composed:
            fit = Fit(budget, formatter)
            rendered = templates.render(f"{kind}.md.j2", {**arranged, "fit": fit})
            if note is not None and note not in rendered.values:
                # A template of the user's own that does not print it: the reader must
                # still be told which texts are not in the document's language.
                rendered = rendered.with_paragraph(note)
            shown = shorten(rendered, budget.chars, formatter)
            blocks = to_blocks(shown, ChartMaker(record, formatter), rendered)
            longest = max(map(len, rendered.values), default=0)
            return Composed(Document(kind, blocks, properties, page), fit.cut, longest)

        if kind == "factsheet":
            return one_page(composed, self._fits)
        return composed(Budget()).document

    def _fits(self, document: Document, cut: bool) -> bool:
        """Whether a fact sheet fits one page; one that had to be ``cut``, with room to
        spare (:func:`memo_gen.backends.measure.cautious`)."""
        # The one place compose/ reaches into backends/: only a layout can tell whether a
        # page holds the sheet. Imported when a fact sheet is composed, never for a memo.
        from memo_gen.backends.measure import cautious, fits_page
        from memo_gen.backends.theme import theme_for

        theme = theme_for(self.template_dir, self.page_size)
        return fits_page(document, cautious(theme) if cut else theme)
