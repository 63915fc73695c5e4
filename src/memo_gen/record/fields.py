"""The scalar types of a visit record: text, identifiers, codes, links, numbers and dates.

Text rule (applied to every string of a record, at load time):

* Unicode NFC normalisation, so letters such as Azerbaijani ş or Kazakh қ are one code point;
* ``\\r\\n``, ``\\r``, vertical tab ``\\x0b`` (Word's manual line break), form feed ``\\x0c``,
  U+2028 and U+2029 become ``\\n``;
* leading and trailing white space is removed;
* any other control character (C0 except tab and newline, DEL, C1), a lone surrogate, and
  U+FFFE/U+FFFF are refused with the field path and the character's code point, because
  they cannot be written to a DOCX file and would vanish silently from a PDF;
* a character no font memo-gen ships can draw (a Chinese ideograph, most emoji, a private-use
  character) is refused with its code point and name, because the PDF would show an empty
  box (:mod:`memo_gen.record.glyphs` holds the fonts' coverage, so no font is loaded to check);
* right-to-left letters and digits (Hebrew, Arabic …) and the bidirectional controls
  (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are refused: ReportLab lays out
  right-to-left text only with a package PyPI does not publish, and a control such as
  U+202E RIGHT-TO-LEFT OVERRIDE would make Word show the text in another order than the PDF;
* zero-width characters (U+200B, U+200C, U+200D, U+2060, U+FEFF), combining marks and the
  soft hyphen U+00AD stay, but text made only of white space and such invisible characters
  counts as empty, and text may not start with a combining mark (it has no letter to go on).
  The DOCX keeps soft hyphens; the PDF leaves them out (ReportLab loses text around them in
  long words) and, like a space, drops a zero-width space where a line breaks at it.

A :data:`Line` is one line of such text (a name, a title); a :data:`Text` may hold paragraphs.
Either may be given in several languages (:mod:`memo_gen.record.translations`); the rule
applies to the text of the language the record is read in.
Their lengths are limited (:mod:`memo_gen.record.limits`: 1,000 and 100,000 characters by default,
``--max-line-length`` and ``--max-text-length`` raise them).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from memo_gen.document import CONTROLS, LINE_BREAKS
from memo_gen.record import glyphs
from memo_gen.record.codes import COUNTRY_CODES, CURRENCY_CODES
from memo_gen.record.limits import DEFAULT_LIMITS, FLAGS, from_context
from memo_gen.record.translations import JSON_SCHEMA as TRANSLATED
from memo_gen.record.translations import TAG as LANGUAGE_TAG
from memo_gen.record.translations import in_language

MAX_LINE = DEFAULT_LIMITS.max_line_length
MAX_TEXT = DEFAULT_LIMITS.max_text_length


def clean_text(value: str) -> str:
    """Apply the text rule to one string; refuse characters no document can hold."""
    text = LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", value))
    # Checked before stripping: str.strip() would silently drop U+001C–U+001F and U+0085.
    bad = CONTROLS.search(text)
    if bad is not None:
        raise PydanticCustomError(
            "control_character",
            "contains the control character U+{code} at position {position}; remove it",
            {"code": f"{ord(bad.group()):04X}", "position": bad.start() + 1},
        )
    return text.strip()


def drawable_text(value: str) -> str:
    """Refuse text the documents cannot show as it is: see the module's text rule."""
    found = glyphs.refusal(value)
    if found is not None:
        kind, char, position = found
        raise PydanticCustomError(f"text_{kind}", glyphs.message(kind, char, position))
    if value and unicodedata.category(value[0]).startswith("M"):
        # It would sit on whatever the document prints before the text.
        raise PydanticCustomError(
            "leading_mark",
            "starts with {char}, a combining mark with no letter to go on; remove it or put it "
            "after its letter",
            {"char": glyphs.describe(value[0])},
        )
    return value


def _within(limit: str, what: str) -> Any:
    def check(value: str, info: ValidationInfo) -> str:
        maximum = getattr(from_context(info.context), limit)
        if len(value) > maximum:
            raise PydanticCustomError(
                "too_long",
                "is {length} characters long, over the limit of {maximum} for {what}; "
                "shorten it, or raise the limit with {flag}",
                {"length": f"{len(value):,}", "maximum": f"{maximum:,}", "what": what,
                 "flag": FLAGS[limit]},
            )  # fmt: skip
        return value

    return check


def _nonempty(value: str) -> str:
    if not value:
        raise PydanticCustomError("empty", "must not be empty")
    # Zero-width characters alone show nothing, and a PDF drops them as it drops spaces.
    if all(char.isspace() or unicodedata.category(char) == "Cf" for char in value):
        raise PydanticCustomError(
            "invisible", "must not be empty (it holds only invisible characters)"
        )
    return value


def _single_line(value: str) -> str:
    if "\n" in value:
        raise PydanticCustomError("line_break", "must be a single line (it holds a line break)")
    return value


def _strict_str(value: Any) -> Any:
    # YAML and JSON numbers must not turn into names silently (e.g. a title of 2025).
    if not isinstance(value, str):
        raise PydanticCustomError("text_type", "must be text (quote it if it is a number)")
    return value


Text = Annotated[
    str,
    BeforeValidator(_strict_str),
    BeforeValidator(in_language),  # before validators run last to first: this one first
    AfterValidator(clean_text),
    AfterValidator(_nonempty),
    AfterValidator(_within("max_text_length", "one text")),
    AfterValidator(drawable_text),
    WithJsonSchema({"anyOf": [{"type": "string", "maxLength": MAX_TEXT}, TRANSLATED]}),
]
"""Text that may span several lines: a paragraph, a summary."""

Line = Annotated[
    str,
    BeforeValidator(_strict_str),
    BeforeValidator(in_language),
    AfterValidator(clean_text),
    AfterValidator(_nonempty),
    AfterValidator(_single_line),
    AfterValidator(_within("max_line_length", "one line")),
    AfterValidator(drawable_text),
    WithJsonSchema({"anyOf": [{"type": "string", "maxLength": MAX_LINE}, TRANSLATED]}),
]
"""One line of text: a name, a title, a label."""

Id = Annotated[
    str,
    BeforeValidator(_strict_str),
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"),
]
"""A short identifier other entries refer to: letters, digits, ``_``, ``.``, ``-``."""


def _country(value: str) -> str:
    if value not in COUNTRY_CODES:
        raise PydanticCustomError(
            "country_code", "'{value}' is not an ISO 3166-1 alpha-2 country code", {"value": value}
        )
    return value


def _currency(value: str) -> str:
    if value not in CURRENCY_CODES:
        raise PydanticCustomError(
            "currency_code", "'{value}' is not an ISO 4217 currency code", {"value": value}
        )
    return value


CountryCode = Annotated[
    str, BeforeValidator(_strict_str), AfterValidator(_country), Field(examples=["KZ", "AZ"])
]
CurrencyCode = Annotated[
    str, BeforeValidator(_strict_str), AfterValidator(_currency), Field(examples=["USD", "KZT"])
]

Url = Annotated[
    str,
    BeforeValidator(_strict_str),
    StringConstraints(pattern=r"^(https?://|mailto:)[^\s<>\"]+$", max_length=2_000),
    AfterValidator(clean_text),
    AfterValidator(drawable_text),
]
"""A link: ``http://``, ``https://`` or ``mailto:``, with no spaces."""

LanguageTag = Annotated[
    str,
    BeforeValidator(_strict_str),
    StringConstraints(pattern=LANGUAGE_TAG.pattern),
    Field(examples=["en", "ru", "kk", "az"]),
]
"""A BCP 47 language tag such as ``en``, ``ru``, ``kk`` or ``az-Latn``."""


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise PydanticCustomError(
            "finite_number", "must be a finite number, not {value}", {"value": str(value)}
        )
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "must be a number")
    return value


Number = Annotated[float, BeforeValidator(_number), AfterValidator(_finite)]
"""A finite number (``.inf``, ``NaN`` and booleans are refused)."""


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the year, the month or the day: ``2025``, ``2025-03``,
    ``2025-03-13``."""

    year: int
    month: int | None = None
    day: int | None = None

    PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read an ISO date, complete or partial; raise ``ValueError`` if it is not real."""
        if not re.fullmatch(cls.PATTERN, text):
            raise ValueError(f"'{text}' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        parts = [int(p) for p in text.split("-")]
        year, month, day = [*parts, None, None][:3]
        assert year is not None
        try:
            dt.date(year, 1 if month is None else month, 1 if day is None else day)
        except ValueError:
            raise ValueError(f"'{text}' is not a real date") from None
        return cls(year, month, day)

    @property
    def earliest(self) -> dt.date:
        """The first day this date may mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day this date may mean."""
        if self.day is not None:
            return self.earliest
        if self.month is None or self.month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.month + 1, 1) - dt.timedelta(days=1)

    @property
    def is_complete(self) -> bool:
        return self.day is not None

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @classmethod
    def _validate(cls, value: Any) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise PydanticCustomError("date_type", "must be a date without a time")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
            return cls(value)  # a bare year, as YAML and JSON write it unquoted
        if not isinstance(value, str):
            raise PydanticCustomError(
                "date_type", "must be an ISO date such as 2025-03-13, 2025-03 or 2025"
            )
        try:
            return cls.parse(value.strip())
        except ValueError as exc:
            raise PydanticCustomError("date_value", str(exc)) from None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "string", "pattern": cls.PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": "ISO date, complete or partial: YYYY-MM-DD, YYYY-MM or YYYY",
            "examples": ["2025-03-13", "2025-03", "2025"],
        }


def _complete(value: PartialDate) -> PartialDate:
    if not value.is_complete:
        raise PydanticCustomError("date_incomplete", "must be a complete date (YYYY-MM-DD)")
    return value


FullDate = Annotated[
    PartialDate,
    AfterValidator(_complete),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2025-03-13"]}),
]
"""A date known to the day."""
