"""The visit record: everything memo-gen knows about one diplomatic visit.

A record is validated as it is built: unknown fields are refused, every string follows the
text rule of :mod:`memo_gen.fields`, and lists default to empty so that a short readout needs
only a title and a date. Cross-references between entries (ids) are checked by
:mod:`memo_gen.validate`, which reports them together with the field errors.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    Tag,
    model_validator,
)

from memo_gen.fields import (
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


class Entry(BaseModel):
    """Base of every part of a record: frozen, and strict about unknown fields."""

    # The docstring under each field is its description in the JSON Schema. pydantic's
    # use_attribute_docstrings would read them as every process starts (a tenth of the
    # time memo-gen takes to load); memo_gen.schema reads them when it writes the schema.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _needs_one_of(model: BaseModel, *names: str) -> None:
    if all(getattr(model, name) is None for name in names):
        raise ValueError(f"give at least one of: {', '.join(names)}")


# --- dates -----------------------------------------------------------------------------


class RelativeDate(Entry):
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


class Person(Entry):
    """Someone a document is addressed to or signed by: a name, an office, or both."""

    name: Line | None = None
    title: Line | None = None
    """Office or position, e.g. "Director, Department of Asia"."""
    organisation: Line | None = None

    @model_validator(mode="after")
    def _named(self) -> Person:
        _needs_one_of(self, "name", "title")
        return self


class Country(Entry):
    """A country by name and ISO 3166-1 alpha-2 code."""

    name: Line
    code: CountryCode


class Place(Entry):
    """Where something happened; any part may be unknown."""

    venue: Line | None = None
    city: Line | None = None
    country: Country | None = None

    @model_validator(mode="after")
    def _located(self) -> Place:
        _needs_one_of(self, "venue", "city", "country")
        return self


ParticipantRole = Literal["principal", "delegation-member", "interpreter", "note-taker", "other"]


class Participant(Entry):
    """A person, or a group such as a delegation, who took part or is mentioned."""

    id: Id
    name: Line | None = None
    """Name as the record's language writes it, e.g. "Jeyhun Bayramov"."""
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
    role: ParticipantRole = "delegation-member"
    group: StrictBool = False
    """True for a group (a delegation, "the heads of state") rather than one person."""
    present: StrictBool = True
    """False for someone mentioned in the readout who did not take part."""

    @model_validator(mode="after")
    def _named(self) -> Participant:
        _needs_one_of(self, "name", "title")
        return self


# --- the document and the visit ----------------------------------------------------------


class Document(Entry):
    """The memorandum's own particulars: reference, marking, addressees, clearances."""

    kind: Literal["memorandum", "memorandum-of-conversation", "information-memorandum"] = (
        "memorandum-of-conversation"
    )
    reference: Line | None = None
    """Reference number, e.g. "MFA/DAS/2025/0412"."""
    classification: Line | None = None
    """Security classification shown as a banner on every page, e.g. "OFFICIAL"; none when
    absent."""
    handling: Line | None = None
    """Handling caveat shown under the classification, e.g. "FOR OFFICIAL USE ONLY"."""
    date: FullDate | None = None
    """The memorandum's date."""
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


class Source(Entry):
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


class Occasion(Entry):
    """Why the visit happened when it did, e.g. a treaty's anniversary."""

    description: Text
    anniversary: StrictInt | None = Field(default=None, ge=1, le=1000)
    """Which anniversary, e.g. 20."""
    agreement: Id | None = None
    """The agreement (id) whose anniversary it is."""
    date: PartialDate | None = None
    """Date of the event being marked, e.g. the treaty's signature."""


VisitKind = Literal["state", "official", "working", "consultations", "other"]


class Visit(Entry):
    """The visit as a whole."""

    title: Line
    kind: VisitKind = "official"
    start: DateRef
    end: DateRef | None = None
    place: Place | None = None
    host: Country | None = None
    """The host country; none for a meeting on the sidelines of a multilateral event."""
    guest: Country | None = None
    third_countries: tuple[Country, ...] = ()
    event: Line | None = None
    """The multilateral event on whose sidelines the meetings took place, if any."""
    occasion: Occasion | None = None
    source: Source | None = None


# --- what happened -----------------------------------------------------------------------

MeetingFormat = Literal[
    "talks", "audience", "reception", "signing", "press-conference", "call", "other"
]
Area = Literal[
    "politics", "trade", "economy", "investment", "energy", "transport", "transit",
    "agriculture", "industry", "space", "telecommunications", "digital", "culture",
    "humanitarian", "education", "science", "health", "environment", "security", "defence",
    "consular", "regional", "multilateral", "other",
]  # fmt: skip


class Meeting(Entry):
    """One meeting within the visit: talks, an audience, a signing, a press conference."""

    id: Id
    title: Line
    format: MeetingFormat = "talks"
    date: DateRef | None = None
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None
    """Local time, HH:MM."""
    place: Place | None = None
    participants: tuple[Id, ...] = ()
    """Participant ids."""
    summary: tuple[Text, ...] = ()


class Topic(Entry):
    """A subject discussed, with what was said and the figures cited."""

    id: Id
    title: Line
    areas: tuple[Area, ...] = ()
    meeting: Id | None = None
    summary: tuple[Text, ...] = ()
    """Paragraphs."""
    points: tuple[Text, ...] = ()
    """Key points, one sentence each."""
    figures: tuple[Id, ...] = ()
    """Ids of the figures this topic cites."""


class Quote(Entry):
    """Words attributed to a participant: a direct quotation or reported speech."""

    id: Id | None = None
    speaker: Id
    """The participant (id) who said it."""
    text: Text
    kind: Literal["direct", "reported"] = "direct"
    topic: Id | None = None
    meeting: Id | None = None
    occasion: Line | None = None
    """Where it was said, when not one of the meetings, e.g. "press statement"."""


FigureKind = Literal["actual", "target", "forecast", "change"]
Scale = Literal["thousand", "million", "billion", "trillion"]


class Figure(Entry):
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
    """Period measured, e.g. "2024" or "medium term"."""
    kind: FigureKind = "actual"
    approximate: StrictBool = False
    """True for "about …"."""
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
        return self


AgreementKind = Literal[
    "treaty", "agreement", "memorandum", "protocol", "plan", "programme", "roadmap",
    "declaration", "statement", "contract", "other",
]  # fmt: skip
AgreementStatus = Literal["signed", "initialled", "agreed", "planned", "in-force", "mentioned"]


class Agreement(Entry):
    """A document signed, or one the readout refers to (a treaty in the background)."""

    id: Id
    title: Line | None = None
    field: Line | None = None
    """What it covers, when only that is known: "energy and customs"."""
    kind: AgreementKind = "agreement"
    status: AgreementStatus = "signed"
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


class Initiative(Entry):
    """A fund, a programme, an event series or an institution the readout mentions."""

    id: Id
    title: Line
    kind: Literal["fund", "programme", "event", "institution", "project", "other"] = "other"
    date: DateRef | None = None
    place: Place | None = None
    summary: tuple[Text, ...] = ()
    figures: tuple[Id, ...] = ()
    agreements: tuple[Id, ...] = ()


class Outcome(Entry):
    """A result of the visit."""

    text: Text
    topic: Id | None = None


class Action(Entry):
    """A follow-up action: what, who, by when."""

    what: Text
    who: Line | None = None
    due: DateRef | None = None
    status: Literal["open", "in-progress", "done"] = "open"


class Framework(Entry):
    """A multilateral organisation or format in which the sides cooperate."""

    acronym: Line | None = None
    name: Line
    """Full name, e.g. "Organization of Turkic States"."""


class VisitRecord(Entry):
    """One diplomatic visit: the document particulars and everything the readout says."""

    schema_: str | None = Field(default=None, alias="$schema")
    """The JSON Schema this file follows (for editors); ignored by memo-gen."""
    document: Document = Document()
    visit: Visit
    summary: tuple[Text, ...] = ()
    background: tuple[Text, ...] = ()
    participants: tuple[Participant, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    topics: tuple[Topic, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    actions: tuple[Action, ...] = ()
    frameworks: tuple[Framework, ...] = ()
    glossary: dict[Line, Line] = Field(default_factory=dict)
    """Other terms and acronyms and their expansions."""
