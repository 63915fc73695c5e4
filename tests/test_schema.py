"""The schema's field descriptions: memo_gen.record.schema reads the docstrings under the fields
itself (pydantic's ``use_attribute_docstrings`` costs every process 20–40 ms at import; see
``memo_gen.record.model.RecordPart``), and this checks pydantic would give exactly the same
schema."""

from __future__ import annotations

import json
import subprocess
import sys

from memo_gen.record.schema import record_schema

WITH_PYDANTIC = """
import json
from pydantic._internal import _config

# Every model as if its model_config said use_attribute_docstrings=True.
_config.config_defaults["use_attribute_docstrings"] = True
from memo_gen.record.model import VisitRecord

print(json.dumps(VisitRecord.model_json_schema(by_alias=True, mode="validation")))
"""


def test_the_descriptions_are_pydantics_use_attribute_docstrings() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITH_PYDANTIC], capture_output=True, text=True, check=True
    )
    theirs = {k: v for k, v in json.loads(done.stdout).items() if k != "title"}
    ours = {k: v for k, v in record_schema().items() if k not in {"$schema", "$comment", "title"}}
    assert ours == theirs
