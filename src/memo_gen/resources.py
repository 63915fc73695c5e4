"""Where the files memo-gen ships live: templates, sample records, the record's schema.

An installed wheel carries them inside the package (``memo_gen/templates``,
``memo_gen/data``); a source checkout keeps them at the repository's top level.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
SAMPLE_RECORD = "astana-2025-03-13.yaml"
SCHEMA_FILE = "visit-record.schema.json"
STARTER_RECORD = "starter-record.yaml"


def _shipped(folder: str) -> Path:
    inside = _PACKAGE / folder
    if inside.is_dir():
        return inside
    return _PACKAGE.parent.parent / folder


def templates_dir() -> Path:
    """The folder of the templates memo-gen ships."""
    return _shipped("templates")


def data_dir() -> Path:
    """The folder of the sample records and the record's JSON Schema."""
    return _shipped("data")


def sample_record_path() -> Path:
    """The embedded default record: the official visit to Astana of 13 March 2025."""
    return data_dir() / SAMPLE_RECORD


def schema_path() -> Path:
    """The record's JSON Schema as shipped."""
    return data_dir() / SCHEMA_FILE
