"""Texts in several languages: which of a text's translations a record is read in.

Any text of a record (a :data:`~memo_gen.record.fields.Line` or
:data:`~memo_gen.record.fields.Text`) may be one string, which stands as written in every
language, or a mapping of language tags to strings::

    title: {en: Official visit …, ru: Официальный визит …, kk: … ресми сапары}

A record is validated in one language at a time (the documents' language, carried by the
pydantic validation context as a :class:`TextLanguage`): each mapping gives its text in that
language, matched by the whole tag or by its language subtag (``kk`` finds ``kk-Cyrl``). A
mapping without it is a problem of the record, named with the field and the language,
unless a fallback language was chosen (``--fallback``): then the fallback's text stands in,
and the documents say so (:func:`memo_gen.record.validate.validate_in`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

CONTEXT_KEY = "language"

TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
"""A BCP 47 language tag as a record writes one: ``en``, ``ru``, ``kk``, ``az-Latn``."""

TRANSLATED = "translated"
"""Set in the validation context when the record gives a text in several languages."""

MISSING = "missing_translation"
"""The type of the problem of a text that has no translation in the language asked for."""


@dataclass(frozen=True)
class TextLanguage:
    """The language a record's texts are read in, and the one that may stand in for it."""

    language: str = "en"
    fallback: str | None = None

    def context(self) -> dict[str, Any]:
        """The part of a pydantic validation context that carries this choice."""
        return {CONTEXT_KEY: self}


@dataclass(frozen=True)
class Fallback:
    """Texts of a record read in the fallback language: the documents say which."""

    language: str
    """The fallback language (``--fallback``)."""
    fields: tuple[str, ...]
    """The paths of the texts it gave, as ``memo-gen validate`` names them (``visit.title``)."""


def primary(tag: str) -> str:
    """The language subtag of a tag: ``ru-RU`` → ``ru``."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


def find(texts: dict[str, Any], language: str) -> str | None:
    """The key of ``texts`` for ``language``: the same tag, else the same language subtag
    (``None`` when there is none, or more than one with that subtag and none exact)."""
    for key in texts:
        if key.lower() == language.lower():
            return key
    same = [key for key in texts if primary(key) == primary(language)]
    return same[0] if len(same) == 1 else None


def in_language(value: Any, info: ValidationInfo) -> Any:
    """A text's string in the validation's language (a plain string as it is)."""
    if not isinstance(value, dict):
        return value
    if isinstance(info.context, dict):
        info.context[TRANSLATED] = True
    if not value:
        raise PydanticCustomError(
            "no_translation", "gives no text: write a string, or a mapping such as {en: …}"
        )
    bad = next((key for key in value if not isinstance(key, str) or not TAG.match(key)), None)
    if bad is not None:
        raise PydanticCustomError(
            "translation_key",
            "'{key}' is not a language tag; a text in several languages maps tags such as "
            "en, ru, kk or az to its text",
            {"key": str(bad)},
        )
    wrong = next((key for key, text in value.items() if not isinstance(text, str)), None)
    if wrong is not None:
        raise PydanticCustomError(
            "translation_type",
            "the text in '{key}' must be text (quote it if it is a number)",
            {"key": wrong},
        )
    chosen = _chosen(info.context)
    key = find(value, chosen.language)
    if key is None and chosen.fallback is not None:
        key = find(value, chosen.fallback)
    if key is None:
        raise PydanticCustomError(
            MISSING,
            "has no text in '{language}' (it has {available}); add one, or render with "
            "--fallback {first} to show the {first} text in its place",
            {
                "language": chosen.language,
                "available": ", ".join(value),
                "first": next(iter(value)),
            },
        )
    return value[key]


def _chosen(context: Any) -> TextLanguage:
    found = context.get(CONTEXT_KEY) if isinstance(context, dict) else None
    return found if isinstance(found, TextLanguage) else TextLanguage()


JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The text in several languages, by language tag: {en: …, ru: …, kk: …}.",
    "propertyNames": {"pattern": TAG.pattern},
    "additionalProperties": {"type": "string"},
    "minProperties": 1,
}
"""The JSON Schema of a text given in several languages."""
