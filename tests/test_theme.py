"""``theme.toml``: a key or table memo-gen does not read (a typo) is refused, naming the
file, the key and the closest known key, rather than silently leaving the default."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from memo_gen.backends.theme import Theme, load_theme
from memo_gen.errors import TemplateError
from memo_gen.resources import data_dir, templates_dir


def _folder(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "theme.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def test_the_shipped_theme_has_no_unknown_key() -> None:
    load_theme(templates_dir())


def test_an_empty_theme_gives_the_defaults(tmp_path: Path) -> None:
    assert load_theme(_folder(tmp_path, "")) == Theme()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[page]\nmargn_top_mm = 30\n", "unknown key 'page.margn_top_mm' "
         "(did you mean 'page.margin_top_mm'?)"),
        ("[text]\ncolor = '#111111'\n", "unknown key 'text.color' (did you mean 'text.colour'?)"),
        ("[heading]\ncolour = '#111111'\n", "unknown table 'heading' (did you mean 'headings'?)"),
        ("[styles.tittle]\nbold = true\n", "unknown table 'styles.tittle' "
         "(did you mean 'styles.title'?)"),
        ("[styles.title]\nsize = 14\n", "unknown key 'styles.title.size' "
         "(did you mean 'styles.title.size_pt'?)"),
        ("[fonts]\npdf_fallbacks = []\n", "unknown key 'fonts.pdf_fallbacks' "
         "(did you mean 'fonts.pdf_fallback'?)"),
        ("colour = '#111111'\n", "unknown key 'colour' (known: page, fonts, text, styles, "
         "headings, header_block, table, list, banner, footer, watermark)"),
        ("[list]\nzzz = 1\n", "unknown key 'list.zzz' (known: indent_mm)"),
        ("page = 'a4'\n", "'page' must be a table ([page])"),
        ("[styles]\nnote = 3\n", "'styles.note' must be a table ([styles.note])"),
    ],
)  # fmt: skip
def test_an_unknown_key_or_table_is_refused(tmp_path: Path, toml: str, message: str) -> None:
    folder = _folder(tmp_path, toml)
    with pytest.raises(TemplateError) as raised:
        load_theme(folder)
    assert raised.value.message == f"{folder / 'theme.toml'}: {message}"


def test_every_key_of_the_shipped_theme_is_read(tmp_path: Path) -> None:
    """The known keys are the ones :func:`load_theme` reads: changing any shipped value
    changes the theme (so no key is accepted and then ignored)."""
    import tomllib

    shipped = tomllib.loads((templates_dir() / "theme.toml").read_text(encoding="utf-8"))
    base = load_theme(templates_dir())
    for table, values in shipped.items():
        for key, value in values.items():
            items = value.items() if table == "styles" else [(None, value)]
            for sub, item in items:
                changed = _changed(item)
                name = f"{table}.{key}" + (f".{sub}" if sub else "")
                line = f"{sub} = {changed}" if sub else f"{key} = {changed}"
                header = f"[{table}.{key}]" if sub else f"[{table}]"
                theme = load_theme(_folder(tmp_path, f"{header}\n{line}\n"))
                assert theme != base, name


def _changed(value: object) -> str:
    if isinstance(value, bool):
        return "false" if value else "true"
    if isinstance(value, int | float):
        return str(value + 1.5)
    if isinstance(value, list):
        return "[1.0, 2.0]" if all(isinstance(v, int | float) for v in value) else '["X"]'
    if value in ("a4", "letter"):
        return '"letter"' if value == "a4" else '"a4"'
    if value == "left":
        return '"right"'
    if value in ("center", "right", "justify"):
        return '"left"'
    return '"#123456"'


def test_the_command_line_exits_5_naming_the_file_and_key(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    theme = folder / "theme.toml"
    theme.write_text(
        theme.read_text(encoding="utf-8").replace("margin_left_mm", "margin_lef_mm"),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "memo_gen", "pdf", str(data_dir() / "astana-2025-03-13.yaml"),
         "--template-dir", str(folder), "-o", str(tmp_path / "out")],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 5, done.stderr
    assert (
        f"Error: {theme}: unknown key 'page.margin_lef_mm' (did you mean 'page.margin_left_mm'?)"
        in done.stderr
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
