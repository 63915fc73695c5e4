"""Golden files: the document model (JSON) of the sample records.

After an intended change, regenerate with
``MEMO_GEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from memo_gen.compose import DOCUMENT_KINDS, Composer, DocumentKind
from memo_gen.loader import load_record
from memo_gen.resources import data_dir

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("MEMO_GEN_UPDATE_GOLDEN") == "1"
RECORDS = ["astana-2025-03-13", "short-readout"]


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with the golden file ``name`` (or rewrite it when updating)."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    assert actual == expected, (
        f"{name} differs from its golden file; if the change is intended, run "
        "MEMO_GEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py and review the diff"
    )


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
@pytest.mark.parametrize("stem", RECORDS)
def test_document_model(stem: str, kind: DocumentKind) -> None:
    record = load_record(data_dir() / f"{stem}.yaml")
    check_golden(f"{stem}-{kind}.json", Composer().compose(record, kind).to_json())
