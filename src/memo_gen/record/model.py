"""The visit record: everything memo-gen knows about one diplomatic visit.

A record is validated as it is built: unknown fields are refused, every string follows the
text rule of :mod:`memo_gen.record.fields`, and lists default to empty so that a short readout needs
only a title and the memorandum's date.

A field left out means the source does not say: no default stands for a fact (a visit's
kind, a meeting's format, an agreement's status, a figure's kind are ``None`` when absent),
and the documents print nothing for it, or say that the source does not give it.
Cross-references between entries (ids) are checked by :mod:`memo_gen.record.validate`, which
reports them together with the field errors.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from memo_gen.record.fields import (
    CountryCode,
    CurrencyCode,
    FullDate,
    Id,
    LanguageTag,
    Line,
    Number,
    PartialDate,
    Text,
    Url,
)

SCHEMA_VERSION = 1


class RecordPart(BaseModel):
    """Base of every part of a record: frozen, and strict about unknown fields."""

    # The docstring under each field is its description in the JSON Schema. pydantic's
    # use_attribute_docstrings would read them as every process starts: it reads and parses
    # model.py's source once per model class (20 times). Measured (pydantic 2.14.4, CPython
    # 3.11.7, 20 fresh interpreters each, interleaved): `import memo_gen.record.model` took a median
    # 97 ms without it and 136 ms with it (minimum 76 -> 97 ms); a whole `python -c "import
    # memo_gen.record.model"` 164 -> 183 ms. That is more than the ~10 ms allowed, so
    # memo_gen.record.schema reads them only when it writes the schema, and tests/test_schema.py
    # checks that its descriptions are exactly those use_attribute_docstrings gives.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _needs_one_of(model: BaseModel, *names: str) -> None:
    if all(getattr(model, name) is None for name in names):
        raise ValueError(f"give at least one of: {', '.join(names)}")


# --- dates -----------------------------------------------------------------------------


class RelativeDate(RecordPart):
    """A date the source gives only in words, relative to its release ("yesterday",
    "over the past two years")."""

    as_published: Line
    """The wording, as published."""
    offset_days: StrictInt | None = Field(default=None, ge=-36_600, le=36_600)
    """Days after (positive) or before (negative) the source's date, when the wording fixes it."""
    approximately: PartialDate | None = None
    """The date it is understood to mean, when known (e.g. 2023 for "over the past two years")."""


def _date_kind(value: Any) -> str:
    return "relative-date" if isinstance(value, dict | RelativeDate) else "iso-date"


DateRef = Annotated[
    Annotated[PartialDate, Tag("iso-date")] | Annotated[RelativeDate, Tag("relative-date")],
    Discriminator(_date_kind),
]
"""An ISO date (complete or partial) or a :class:`RelativeDate`."""

UNION_TAGS = frozenset({"iso-date", "relative-date"})
"""Names pydantic puts into error paths for :data:`DateRef`; error reports leave them out."""


# --- people and places -----------------------------------------------------------------


def _wording(vocabulary: Any, what: str) -> Any:
    """A check for a field that takes a known word (translated in the documents) or the
    record's own wording (printed as written): a near miss of a known word is a typo, and
    ``other`` says nothing a reader could use."""
    known = get_args(vocabulary)

    def check(value: str) -> str:
        if value in known:
            return value
        if value.casefold() == "other":
            raise PydanticCustomError(
                "vague_word",
                "'other' tells the reader nothing: write the {what} in words, or leave it out",
                {"what": what},
            )
        close = difflib.get_close_matches(value, known, n=1, cutoff=0.8)
        if close and value.casefold() != close[0]:
            raise PydanticCustomError(
                "near_word",
                "'{value}' is close to the known word '{word}'; use '{word}', or reword it if "
                "you mean something else",
                {"value": value, "word": close[0]},
            )
        return value

    return check


def _one_or_more(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _one_or_list(vocabulary: Any) -> dict[str, Any]:
    """The JSON Schema of a field that takes one word or a list of them (known or not)."""
    word = {"type": "string", "minLength": 1, "examples": list(get_args(vocabulary))}
    return {"anyOf": [word, {"type": "array", "items": word}]}


class Person(RecordPart):
    """Someone a document is addressed to or signed by: a name, an office, or both."""

    name: Line | None = None
    title: Line | None = None
    """Office or position, e.g. "Director, Department of Asia"."""
    organisation: Line | None = None

    @model_validator(mode="after")
    def _named(self) -> Person:
        _needs_one_of(self, "name", "title")
        return self


class Country(RecordPart):
    """A country by name and ISO 3166-1 alpha-2 code."""

    name: Line
    code: CountryCode


class Place(RecordPart):
    """Where something happened; any part may be unknown."""

    venue: Line | None = None
    city: Line | None = None
    country: Country | None = None

    @model_validator(mode="after")
    def _located(self) -> Place:
        _needs_one_of(self, "venue", "city", "country")
        return self


ParticipantRole = Literal[
    "principal", "delegation-member", "interlocutor", "interpreter", "note-taker", "other"
]
"""``interlocutor``: met by the principals, neither a principal nor in a delegation (the
President who received the guest); ``other``: printed as nothing."""


class Participant(RecordPart):
    """A person, or a group such as a delegation, who took part or is mentioned."""

    id: Id
    name: Line | None = None
    """Name as the record's language writes it, e.g. "Jeyhun Bayramov"."""
    honorific: Line | None = None
    """Honorific or rank printed before the name, as published: "H.E.", "Dr", "Lt. Gen."."""
    post_nominals: Line | None = None
    """Letters printed after the name, as published: "PhD", "KC"."""
    native_name: Line | None = None
    """Name in its own script or spelling, e.g. "Ceyhun Bayramov" or "Мұрат Нұртілеу"."""
    title: Line | None = None
    """Office, e.g. "Minister of Foreign Affairs"; enough on its own when no name is known."""
    country: CountryCode | None = None
    """The country the participant represents; must be one of the visit's countries."""
    organisation: Line | None = None
    """An institution or organisation the participant represents, instead of or as well as a
    country."""
    side: Literal["host", "guest", "third-party", "other"] | None = None
    role: ParticipantRole | None = None
    """What the participant was in the encounter; none when the source does not say."""
    group: StrictBool = False
    """True for a group (a delegation, "the heads of state") rather than one person."""
    present: StrictBool = True
    """False for someone mentioned in the readout who did not take part."""

    @model_validator(mode="after")
    def _named(self) -> Participant:
        _needs_one_of(self, "name", "title")
        return self


# --- the document and the visit ----------------------------------------------------------


class Particulars(RecordPart):
    """The memorandum's own particulars: reference, marking, addressees, clearances."""

    kind: Literal["memorandum", "memorandum-of-conversation", "information-memorandum"] | None = (
        None
    )
    """The memorandum's form, printed as its title; plain MEMORANDUM when absent."""
    reference: Line | None = None
    """Reference number, e.g. "MFA/DAS/2025/0412"."""
    classification: Line | None = None
    """Security classification shown as a banner on every page, e.g. "OFFICIAL"; none when
    absent."""
    handling: Line | None = None
    """Handling caveat shown under the classification, e.g. "FOR OFFICIAL USE ONLY"."""
    date: FullDate
    """The memorandum's own date (the day it is written): required, because memo-gen never
    dates a memorandum with the visit's date."""
    ministry: Line | None = None
    """Issuing ministry, for the letterhead."""
    department: Line | None = None
    to: tuple[Person, ...] = ()
    from_: tuple[Person, ...] = Field(default=(), alias="from")
    through: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    subject: Line | None = None
    """Subject line; the visit's title when absent."""
    drafted_by: Person | None = None
    cleared_by: tuple[Person, ...] = ()
    approved_by: Person | None = None
    distribution: tuple[Line, ...] = ()
    language: LanguageTag = "en"
    version: Line | None = None
    """Version or revision of the memorandum, e.g. "2" or "rev. 1"."""


class Source(RecordPart):
    """The published readout the record was written from."""

    publisher: Line | None = None
    title: Line | None = None
    url: Url | None = None
    date: PartialDate | None = None
    """Release date; relative dates in the record count from it."""
    release_number: Line | None = None
    language: LanguageTag | None = None
    notes: tuple[Text, ...] = ()
    """Notes on the source: spellings, wording kept as published, gaps."""
    incomplete: StrictBool = False
    """True when the source text is cut off or says it is still being updated."""


class Occasion(RecordPart):
    """Why the visit happened when it did, e.g. a treaty's anniversary."""

    description: Text
    anniversary: StrictInt | None = Field(default=None, ge=1, le=1000)
    """Which anniversary, e.g. 20."""
    agreement: Id | None = None
    """The agreement (id) whose anniversary it is."""
    date: PartialDate | None = None
    """Date of the event being marked, e.g. the treaty's signature."""


VisitKind = Literal[
    "state", "official", "working", "private", "consultations", "talks", "meeting", "call",
    "telephone-call", "video-call",
]  # fmt: skip
"""Known kinds of encounter, worded in the documents' language; other wording is printed as
written."""
VISIT_KINDS = frozenset({"state", "official", "working", "private"})
"""The kinds that make an encounter a visit."""

KindName = Annotated[Line, AfterValidator(_wording(VisitKind, "kind"))]


class Visit(RecordPart):
    """The encounter as a whole: a visit, talks on a forum's sidelines, a call, consultations."""

    title: Line
    kind: Annotated[
        tuple[KindName, ...],
        BeforeValidator(_one_or_more),
        WithJsonSchema(_one_or_list(VisitKind)),
    ] = ()
    """What the encounter was, one kind or a list: state, official, working, private
    (visits), consultations, talks, meeting, call (by means the source does not give),
    telephone-call, video-call, or the source's own wording
    ("first political consultations"). None when the source does not say."""
    start: DateRef | None = None
    """First day; left out when the source gives no date (the documents say so)."""
    end: DateRef | None = None
    place: Place | None = None
    host: Country | None = None
    """The host country; none for a meeting on the sidelines of a multilateral event."""
    guest: Country | None = None
    sides: tuple[Country, ...] = ()
    """The countries whose representatives met, for an encounter with no host and guest
    (talks on a forum's sidelines, a call, video consultations)."""
    third_countries: tuple[Country, ...] = ()
    """Other countries represented."""
    event: Line | None = None
    """The multilateral event on whose sidelines the meetings took place, if any."""
    occasion: Occasion | None = None
    source: Source | None = None


# --- what happened -----------------------------------------------------------------------

MeetingFormat = Literal[
    "talks", "consultations", "audience", "reception", "signing", "press-conference", "call",
    "telephone-call", "video-call", "other",
]  # fmt: skip
"""``call`` when the source does not say by what means; ``telephone-call`` when it does."""
Area = Literal[
    "politics", "trade", "economy", "investment", "energy", "transport", "transit",
    "agriculture", "industry", "space", "telecommunications", "digital", "culture",
    "humanitarian", "education", "science", "health", "environment", "security", "defence",
    "consular", "regional", "multilateral",
]  # fmt: skip
"""Known areas, worded in the documents' language; other wording is printed as written."""

AreaName = Annotated[Line, AfterValidator(_wording(Area, "area"))]


class Meeting(RecordPart):
    """One meeting within the visit: talks, an audience, a signing, a press conference."""

    id: Id
    title: Line
    format: MeetingFormat | None = None
    """talks, consultations, audience, …; ``other`` and an absent format print nothing."""
    date: DateRef | None = None
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None
    """Local time, HH:MM."""
    place: Place | None = None
    participants: tuple[Id, ...] = ()
    """Participant ids."""
    summary: tuple[Text, ...] = ()


class Topic(RecordPart):
    """A subject discussed, with what was said and the figures cited."""

    id: Id
    title: Line
    areas: tuple[AreaName, ...] = ()
    """What the topic covers, printed as "topics discussed": known words (trade, energy …) or
    the source's own wording ("customs", "critical minerals")."""
    meeting: Id | None = None
    summary: tuple[Text, ...] = ()
    """Paragraphs."""
    points: tuple[Text, ...] = ()
    """Key points, one sentence each."""
    figures: tuple[Id, ...] = ()
    """Ids of the figures this topic cites."""


class Quote(RecordPart):
    """Words attributed to a participant: a direct quotation or reported speech."""

    id: Id | None = None
    speaker: Id
    """The participant (id) who said it."""
    text: Text
    kind: Literal["direct", "reported"]
    """Required: ``direct`` only for words the source prints in quotation marks,
    ``reported`` for "noted that", "stressed"."""
    truncated: Literal["start", "end", "both"] | None = None
    """Where the source cuts the text off; printed as […]."""
    topic: Id | None = None
    meeting: Id | None = None
    occasion: Line | None = None
    """Where it was said, when not one of the meetings, e.g. "press statement"."""


FigureKind = Literal["actual", "target", "forecast", "change"]
Scale = Literal["thousand", "million", "billion", "trillion"]
Qualifier = Literal["about", "nearly", "more-than", "at-least", "less-than", "up-to"]


class Figure(RecordPart):
    """A number the readout gives, with what it measures and how sure it is."""

    id: Id
    label: Line
    """What is measured, e.g. "Bilateral trade turnover"."""
    value: Number | None = None
    scale: Scale | None = None
    """"million" for 533.4 million."""
    unit: Line | None = None
    """Unit of a quantity, e.g. "t" or "universities"; empty for money."""
    currency: CurrencyCode | None = None
    per: Line | None = None
    """Rate, e.g. "year" for tonnes per year."""
    period: Line | None = None
    """Period measured, as published: "2024", "January–April 2025", "medium term"."""
    months: StrictInt | None = Field(default=None, ge=1, le=1200)
    """How many months the period covers (12 for a year, 4 for January–April); figures of
    unlike periods are never charted together. A period written as a bare year counts 12."""
    kind: FigureKind | None = None
    """actual, target, forecast or change; none when the source does not say. A change's
    value is printed with its sign (give a fall as a negative value)."""
    qualifier: Qualifier | None = None
    """How the source bounds the value: about, nearly, more-than, at-least, less-than,
    up-to."""
    approximate: StrictBool = False
    """True for "about …" (the same as ``qualifier: about``)."""
    multiplier: Number | None = None
    """For a change given as a factor: 5 for "fivefold"."""
    change_of: Id | None = None
    """For a change: the figure (id) it changes."""
    base_period: Line | None = None
    """For a change: the period it is measured from, e.g. "2019" or "the past five years"."""
    basis: Line | None = None
    """How the readout puts it, e.g. "increased fivefold over the past five years"."""
    source: Line | None = None

    @model_validator(mode="after")
    def _has_amount(self) -> Figure:
        _needs_one_of(self, "value", "multiplier")
        if self.approximate and self.qualifier not in (None, "about"):
            raise ValueError(f"approximate: true contradicts qualifier: {self.qualifier}")
        return self

    @property
    def bound(self) -> Qualifier | None:
        """The qualifier, with ``approximate: true`` read as ``about``."""
        return self.qualifier or ("about" if self.approximate else None)


AgreementKind = Literal[
    "treaty", "agreement", "convention", "memorandum", "protocol", "plan", "programme",
    "roadmap", "declaration", "statement", "decision", "contract", "other",
]  # fmt: skip
AgreementStatus = Literal[
    "signed", "initialled", "adopted", "approved", "accepted", "ratified", "in-force", "agreed",
    "announced", "planned", "under-negotiation", "mentioned",
]  # fmt: skip
"""From concluded to merely mentioned; each is listed under its own heading."""


class Agreement(RecordPart):
    """A document signed, or one the readout refers to (a treaty in the background)."""

    id: Id
    title: Line | None = None
    field: Line | None = None
    """What it covers, when only that is known: "energy and customs"."""
    kind: AgreementKind | None = None
    status: AgreementStatus | None = None
    """The source's own verb (signed, adopted, accepted …); when absent the documents list
    the agreement under "status not given in the source"."""
    date: DateRef | None = None
    count: StrictInt | None = Field(default=None, ge=1)
    """How many, for a batch such as "40 memorandums on inter-university cooperation"."""
    signed_by: tuple[Id, ...] = ()
    """Participant ids of the signatories."""
    institutions: tuple[Line, ...] = ()
    """Signatory institutions, when not participants."""
    meeting: Id | None = None
    background: StrictBool = False
    """True for an earlier agreement the readout recalls, not one concluded on this visit."""

    @model_validator(mode="after")
    def _named(self) -> Agreement:
        _needs_one_of(self, "title", "field")
        return self


InitiativeKind = Literal["fund", "programme", "event", "institution", "project", "other"]
ActionStatus = Literal["open", "in-progress", "done"]


class Initiative(RecordPart):
    """A fund, a programme, an event series or an institution the readout mentions."""

    id: Id
    title: Line
    kind: InitiativeKind | None = None
    date: DateRef | None = None
    place: Place | None = None
    summary: tuple[Text, ...] = ()
    figures: tuple[Id, ...] = ()
    agreements: tuple[Id, ...] = ()


class VisitOutcome(RecordPart):
    """A result of the visit."""

    text: Text
    topic: Id | None = None


class Action(RecordPart):
    """A follow-up action: what, who, by when."""

    what: Text
    who: Line | None = None
    due: DateRef | None = None
    status: ActionStatus | None = None


class Framework(RecordPart):
    """A multilateral organisation or format in which the sides cooperate."""

    acronym: Line | None = None
    name: Line
    """Full name, e.g. "Organization of Turkic States"."""


class VisitRecord(RecordPart):
    """One diplomatic visit: the document particulars and everything the readout says."""

    schema_: str | None = Field(default=None, alias="$schema")
    """The JSON Schema this file follows (for editors); ignored by memo-gen."""
    document: Particulars
    visit: Visit
    summary: tuple[Text, ...] = ()
    background: tuple[Text, ...] = ()
    participants: tuple[Participant, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    topics: tuple[Topic, ...] = ()
    cooperation: tuple[AreaName, ...] = ()
    """Areas in which the source says the sides cooperate, or agreed or intend to
    cooperate; printed as "areas of cooperation" (a topic merely discussed is not one)."""
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    outcomes: tuple[VisitOutcome, ...] = ()
    actions: tuple[Action, ...] = ()
    frameworks: tuple[Framework, ...] = ()
    glossary: dict[Line, Line] = Field(default_factory=dict)
    """Other terms and acronyms and their expansions."""


VOCABULARIES: dict[str, tuple[str, ...]] = {
    "visit-kind": get_args(VisitKind),
    "side": ("host", "guest", "third-party", "other"),
    "role": get_args(ParticipantRole),
    "meeting-format": get_args(MeetingFormat),
    "area": get_args(Area),
    "figure-kind": get_args(FigureKind),
    "scale": get_args(Scale),
    "qualifier": get_args(Qualifier),
    "agreement-kind": get_args(AgreementKind),
    "agreement-status": get_args(AgreementStatus),
    "initiative-kind": get_args(InitiativeKind),
    "action-status": get_args(ActionStatus),
}
"""Every group of known values, by the name ``language.toml`` gives its words under."""
