"""The cache of compiled templates: used across processes, never changes a document, never
fails a run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from memo_gen.compose import template_cache
from memo_gen.compose.composer import Composer
from memo_gen.compose.template_cache import ENV_VAR, TemplateCache, cache_dir
from memo_gen.record.loader import load_record


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    template_cache._CACHES.clear()


def compose_memo() -> str:
    return Composer().compose(load_record(None), "memo").to_json()


def test_compiled_templates_are_kept_and_give_the_same_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, "")
    uncached = compose_memo()
    folder = tmp_path / "cache"
    monkeypatch.setenv(ENV_VAR, str(folder))
    template_cache._CACHES.clear()
    first = compose_memo()
    entries = sorted(folder.iterdir())
    assert entries and all(p.suffix == ".jinja" for p in entries)
    if hasattr(os, "getuid"):
        assert folder.stat().st_mode & 0o777 == 0o700
    template_cache._CACHES.clear()
    assert compose_memo() == first == uncached
    assert sorted(folder.iterdir()) == entries


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, " ")
    assert cache_dir() is None
    assert template_cache.template_cache() is None


def test_the_default_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "memo-gen"


def test_a_folder_that_cannot_be_made_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(blocker / "cache"))
    assert compose_memo()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_folder_others_may_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv(ENV_VAR, str(folder))
    assert compose_memo()
    assert list(folder.iterdir()) == []
    cache = template_cache.template_cache()
    assert isinstance(cache, TemplateCache)
    assert cache._ready(create=True) is False


def test_a_damaged_entry_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv(ENV_VAR, str(folder))
    expected = compose_memo()
    for entry in folder.iterdir():
        entry.write_bytes(b"\x00garbage")
    template_cache._CACHES.clear()
    assert compose_memo() == expected


def test_an_entry_damaged_after_its_header_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja's FileSystemBytecodeCache would raise here (pickle.load of the checksum)."""
    from jinja2.bccache import bc_magic

    folder = tmp_path / "cache"
    monkeypatch.setenv(ENV_VAR, str(folder))
    expected = compose_memo()
    for index, entry in enumerate(sorted(folder.iterdir())):
        entry.write_bytes(bc_magic + (b"\x80\x04garbage" if index % 2 else b""))
    template_cache._CACHES.clear()
    assert compose_memo() == expected


def test_the_key_holds_the_environment(tmp_path: Path) -> None:
    """Jinja's own key is the template's name and file only."""
    import jinja2

    cache = TemplateCache(tmp_path / "cache")
    for trim in (False, True):
        environment = jinja2.Environment(
            loader=jinja2.DictLoader({"t": "{% if x %}\nyes\n{% endif %}"}),
            bytecode_cache=cache,
            trim_blocks=trim,
        )
        assert environment.get_template("t").render(x=True) == ("yes\n" if trim else "\nyes\n")
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_concurrent_builds_share_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    probe = (
        "from memo_gen.compose.composer import Composer\n"
        "from memo_gen.record.loader import load_record\n"
        "print(Composer().compose(load_record(None), 'memo').to_json())\n"
    )
    env = {**os.environ, ENV_VAR: str(folder)}
    runs = [
        subprocess.Popen([sys.executable, "-c", probe], env=env, stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = {run.communicate()[0] for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert len(outputs) == 1
    assert all(entry.suffix == ".jinja" for entry in folder.iterdir())
    template_cache._CACHES.clear()
    monkeypatch.setenv(ENV_VAR, str(folder))
    assert outputs == {compose_memo().encode() + b"\n"}
