"""What each command imports: a backend only when its format is asked for, no rendering
library for ``validate``, nothing heavy for ``--version`` and ``--help``, pikepdf only for
``--pdfa`` and pyHanko only for ``--sign``.

Each command runs in a fresh interpreter, which then lists ``sys.modules``: the check is of
what was loaded, never of how long it took.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from certificates import PASSPHRASE, Authority
from memo_gen.official.signing import PASSPHRASE_VARIABLE
from memo_gen.resources import data_dir

PROBE = """
import json, sys
from memo_gen.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}))
"""

RENDERING = {"reportlab", "docx", "jinja2", "markdown_it", "mdit_py_plugins", "PIL", "lxml"}
PDFA = {"pikepdf"}
SIGNING = {"pyhanko", "pyhanko_certvalidator"}


def imported(*args: str, env: Mapping[str, str] | None = None) -> set[str]:
    """The top-level packages loaded by ``memo-gen ARGS`` in a new interpreter (with
    ``env`` added to this process's environment, less any signing passphrase)."""
    return {name.split(".")[0] for name in loaded(*args, env=env)}


def loaded(*args: str, env: Mapping[str, str] | None = None) -> set[str]:
    """Every module (dotted names) :func:`imported` finds loaded."""
    environment = {k: v for k, v in os.environ.items() if k != PASSPHRASE_VARIABLE}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
        env=environment | dict(env or {}),
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exit"] == 0, done.stderr
    return set(report["modules"])


def test_docx_never_imports_reportlab(tmp_path: Path) -> None:
    # The short readout's documents have no chart (a chart's picture is drawn by ReportLab).
    modules = imported("docx", str(data_dir() / "short-readout.yaml"), "-o", str(tmp_path))
    assert "docx" in modules
    assert "reportlab" not in modules
    assert list(tmp_path.glob("*.docx"))


def test_docx_of_a_memo_never_imports_reportlab(tmp_path: Path) -> None:
    modules = imported("docx", "--doc", "memo", "-o", str(tmp_path))
    assert "reportlab" not in modules


def test_pdf_never_imports_python_docx(tmp_path: Path) -> None:
    modules = imported("pdf", "-o", str(tmp_path))
    assert "reportlab" in modules
    assert "docx" not in modules
    assert not modules & (PDFA | SIGNING)  # no --pdfa, no --sign, no manifest page count


@pytest.mark.parametrize(
    ("flags", "wanted", "unwanted"),
    [
        pytest.param(("--pdfa",), PDFA, SIGNING, id="pdfa"),
        pytest.param(("--sign", "{key}"), SIGNING, set(), id="sign"),
    ],
)
def test_pdf_finishing_libraries_only_for_their_option(
    tmp_path: Path, flags: tuple[str, ...], wanted: set[str], unwanted: set[str]
) -> None:
    """The other side of the checks above: the probe does see pikepdf and pyHanko when an
    option needs them."""
    key = Authority.create().signing_key_file(tmp_path / "officer.p12")
    args = [flag.format(key=key) for flag in flags]
    env = {PASSPHRASE_VARIABLE: PASSPHRASE.decode()}
    modules = imported("pdf", "--doc", "memo", *args, "-o", str(tmp_path / "out"), env=env)
    assert wanted <= modules
    assert not modules & unwanted


def test_validate_imports_no_rendering_library() -> None:
    modules = imported("validate")
    assert "pydantic" in modules
    assert not modules & RENDERING


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_neither_pydantic_nor_a_renderer(flag: str) -> None:
    modules = imported(flag)
    assert not modules & (RENDERING | {"pydantic", "yaml"})
