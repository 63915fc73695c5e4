"""The wheel carries the files memo-gen needs at run time: templates, sample data, schema,
the ICC profile of PDF/A."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from memo_gen import __version__

pytestmark = pytest.mark.packaging

SHIPPED = {
    "memo_gen/templates/starter-record.yaml": "templates/starter-record.yaml",
    "memo_gen/templates/theme.toml": "templates/theme.toml",
    "memo_gen/templates/en/memo.md.j2": "templates/en/memo.md.j2",
    "memo_gen/templates/ru/factsheet.md.j2": "templates/ru/factsheet.md.j2",
    "memo_gen/templates/ru/language.toml": "templates/ru/language.toml",
    "memo_gen/templates/kk/memo.md.j2": "templates/kk/memo.md.j2",
    "memo_gen/templates/kk/language.toml": "templates/kk/language.toml",
    "memo_gen/templates/az/factsheet.md.j2": "templates/az/factsheet.md.j2",
    "memo_gen/templates/az/language.toml": "templates/az/language.toml",
    "memo_gen/data/astana-2025-03-13.yaml": "data/astana-2025-03-13.yaml",
    "memo_gen/data/short-readout.yaml": "data/short-readout.yaml",
    "memo_gen/data/visit-record.schema.json": "data/visit-record.schema.json",
    "memo_gen/icc/sRGB.icc": "src/memo_gen/icc/sRGB.icc",
}


@pytest.fixture(scope="module")
def wheel(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Build the wheel once, with the installed hatchling (no network, no isolation)."""
    out = tmp_path_factory.mktemp("wheel")
    process = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(repo), "--no-deps",
         "--no-build-isolation", "--no-cache-dir", "--quiet", "--wheel-dir", str(out)],
        cwd=out, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert process.returncode == 0, process.stdout + process.stderr
    (path,) = out.glob("memo_gen-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_holds_templates_data_and_schema(wheel: zipfile.ZipFile, repo: Path) -> None:
    names = set(wheel.namelist())
    for inside, source in SHIPPED.items():
        assert inside in names, f"{inside} is missing from the wheel"
        assert wheel.read(inside) == (repo / source).read_bytes(), inside


def test_wheel_holds_the_package_and_its_entry_point(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    modules = ("__init__", "__main__", "cli", "pipeline", "record/loader", "record/model",
               "compose/composer", "backends/pdf", "official/manifest")  # fmt: skip
    for module in modules:
        assert f"memo_gen/{module}.py" in names
    assert not any(name.startswith(("tests/", "memo_gen/tests/")) for name in names)
    info = f"memo_gen-{__version__}.dist-info"
    assert "memo-gen = memo_gen.__main__:main" in wheel.read(f"{info}/entry_points.txt").decode()
    metadata = wheel.read(f"{info}/METADATA").decode()
    assert f"Version: {__version__}\n" in metadata
    assert "Requires-Python: >=3.11" in metadata
