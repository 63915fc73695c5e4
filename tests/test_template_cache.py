"""The cache of compiled templates: used across processes, never changes a document, never
fails a run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from memo_gen import template_cache
from memo_gen.compose import Composer
from memo_gen.loader import load_record
from memo_gen.template_cache import ENV_VAR, TemplateCache, cache_dir


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
