"""``memo-gen watch``: a save renders the record again; a broken save prints its problems
with their line numbers and leaves the last good files as they were; a template's save
renders with the new template; Ctrl-C ends it with exit 130 and one line; the files it
writes are ``memo-gen build``'s, byte for byte.

Each test runs ``memo-gen watch`` as a process and waits for what it prints, with generous
deadlines (never a fixed sleep standing in for "it has rendered by now").
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from memo_gen.document import DocumentKind, Format
from memo_gen.official.verify import verify_folder

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "astana-2025-03-13.yaml"
TEMPLATES = REPO / "templates"
REFERENCE = "MFA-KZ/BIL/2025/0313"
DEADLINE = 90.0
"""Seconds a test waits for a line (a first render on a busy machine takes seconds)."""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")


class Watch:
    """A running ``memo-gen watch``, its output read line by line as it comes."""

    def __init__(self, record: Path, out: Path, *options: str) -> None:
        argv = [sys.executable, "-m", "memo_gen", "watch", str(record), "-o", str(out), *options]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=record.parent
        )
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.taken = {"out": 0, "err": 0}
        """How many of ``seen`` each stream's waits have looked at."""
        for name, stream in (("out", self.process.stdout), ("err", self.process.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def wait_for(self, text: str, stream: str = "out") -> str:
        """The next line of ``stream`` holding ``text`` (failing after :data:`DEADLINE`);
        the other stream's lines stay to be waited for."""
        deadline = time.monotonic() + DEADLINE
        while True:
            while self.taken[stream] < len(self.seen):
                name, line = self.seen[self.taken[stream]]
                self.taken[stream] += 1
                if name == stream and text in line:
                    return line
            left = deadline - time.monotonic()
            try:
                self.seen.append(self.lines.get(timeout=max(left, 0.0)))
            except queue.Empty:
                raise AssertionError(
                    f"no {text!r} within {DEADLINE} s; seen: {self.seen}"
                ) from None

    def rendered(self) -> str:
        return self.wait_for("rendered 4 files")

    def stderr_since(self, mark: int) -> list[str]:
        """The lines of stderr from ``mark``, an index of :attr:`seen`."""
        return [line for name, line in self.seen[mark:] if name == "err"]

    def stop(self) -> tuple[int, list[str]]:
        """Ctrl-C; the exit code and the lines printed after it."""
        mark = len(self.seen)
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=DEADLINE)
        time.sleep(0.1)  # the reading threads take the last lines
        while True:
            try:
                self.seen.append(self.lines.get(timeout=1))
            except queue.Empty:
                break
        return code, [line for _, line in self.seen[mark:]]


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "visit.yaml"
    shutil.copyfile(SAMPLE, path)
    return path


@pytest.fixture
def started(record: Path) -> Iterator[Watch]:
    watch = Watch(record, record.parent / "out")
    try:
        watch.rendered()
        watch.wait_for("Watching", "err")
        yield watch
    finally:
        if watch.process.poll() is None:
            watch.process.kill()
            watch.process.wait(timeout=DEADLINE)


def save_by_rename(path: Path, text: str) -> None:
    """Save as vim and many IDEs do: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def memo_text(folder: Path) -> str:
    (docx,) = folder.glob("*-memo.docx")
    with zipfile.ZipFile(docx) as package:
        return package.read("word/document.xml").decode("utf-8")


def test_a_save_renders_the_record_again(started: Watch, record: Path) -> None:
    out = record.parent / "out"
    before = contents(out)
    assert verify_folder(out).ok
    save_by_rename(record, record.read_text("utf-8").replace(REFERENCE, "MFA-KZ/BIL/2025/0999"))
    started.rendered()
    after = contents(out)
    assert set(after) == set(before)
    changed = [name for name in before if before[name] != after[name]]
    # The reference is in both documents' footers: all four files and the manifest change.
    assert len(changed) == 5, changed
    report = verify_folder(out)
    assert report.ok, report.problems
    assert "MFA-KZ/BIL/2025/0999" in memo_text(out)


def test_a_save_written_in_place_renders_too(started: Watch, record: Path) -> None:
    out = record.parent / "out"
    before = contents(out)
    record.write_text(record.read_text("utf-8").replace(REFERENCE, "IN-PLACE/1"), "utf-8")
    started.rendered()
    assert contents(out) != before
    assert "IN-PLACE/1" in memo_text(out)
    assert verify_folder(out).ok


@pytest.mark.parametrize(
    ("broken", "line"),
    [
        # A YAML error: a sequence where the mapping goes on (told at the next key, after the
        # two comment lines of the sample).
        (lambda text: text.replace("\nvisit:\n", "\nvisit:\n- [unclosed\n", 1), "(line 38"),
        # An unknown field, at the line where the record names it.
        (lambda text: text.replace("\nvisit:\n", "\nvisit:\n  titel: x\n", 1), "(line 35)"),
    ],
    ids=["invalid-yaml", "invalid-field"],
)
def test_a_broken_save_prints_its_line_and_keeps_the_last_good_files(
    started: Watch, record: Path, broken: object, line: str
) -> None:
    out = record.parent / "out"
    good = contents(out)
    original = record.read_text("utf-8")
    assert callable(broken)
    mark = len(started.seen)
    save_by_rename(record, broken(original))
    started.wait_for("not rendered (the last good files stay in place)", "err")
    errors = started.stderr_since(mark)
    assert errors[0].startswith("Error: "), errors
    assert any(line in error for error in errors), errors
    assert contents(out) == good  # byte for byte, none removed, no staging file left
    assert verify_folder(out).ok
    # The next good save renders again.
    save_by_rename(record, original.replace(REFERENCE, "FIXED/1"))
    started.rendered()
    assert "FIXED/1" in memo_text(out)
    assert verify_folder(out).ok


def test_a_template_save_renders_with_the_new_template(tmp_path: Path, record: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    out = tmp_path / "out"
    watch = Watch(record, out, "--template-dir", str(templates))
    try:
        watch.rendered()
        assert "Watched template" not in memo_text(out)
        memo = templates / "en" / "memo.md.j2"
        text = memo.read_text("utf-8")
        save_by_rename(memo, text.rstrip("\n") + "\n\nWatched template, second version.\n")
        watch.rendered()
        assert "Watched template, second version." in memo_text(out)
        assert verify_folder(out).ok
        # A template that does not compile: its line is told, the files stay.
        good = contents(out)
        save_by_rename(memo, text + "\n{% if %}\n")
        watch.wait_for("not rendered", "err")
        assert any("memo.md.j2" in line and "line" in line for _, line in watch.seen)
        assert contents(out) == good
        # The theme is read again when it is saved.
        save_by_rename(memo, text)
        watch.rendered()
        theme = templates / "theme.toml"
        theme_text = theme.read_text("utf-8")
        assert 'colour = "#000000"' in theme_text
        theme.write_text(theme_text.replace('colour = "#000000"', 'colour = "#102030"'), "utf-8")
        watch.rendered()
        assert "102030" in memo_text(out)
        assert verify_folder(out).ok
    finally:
        watch.process.kill()
        watch.process.wait(timeout=DEADLINE)


def test_ctrl_c_ends_the_watch_with_exit_130_and_one_line(started: Watch) -> None:
    code, lines = started.stop()
    assert code == 130, lines
    assert lines == ["Error: interrupted (SIGINT); stopped watching"], lines


def test_the_files_written_are_the_files_build_writes(started: Watch, record: Path) -> None:
    save_by_rename(record, record.read_text("utf-8").replace(REFERENCE, "SAME/2025/1"))
    started.rendered()
    built = record.parent / "built"
    result = subprocess.run(
        [sys.executable, "-m", "memo_gen", "build", str(record), "-o", str(built)],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        cwd=record.parent,
    )
    assert result.returncode == 0, result.stderr
    assert contents(record.parent / "out") == contents(built)


def test_a_helper_renders_the_same_bytes_and_is_not_needed() -> None:
    from memo_gen.helper import Helper
    from memo_gen.record.loader import load_record
    from memo_gen.render import Renderer

    renderer = Renderer.create()
    record = load_record(SAMPLE)
    kinds: tuple[DocumentKind, ...] = ("memo", "factsheet")
    formats: tuple[Format, ...] = ("docx", "pdf")
    alone = [(o.kind, o.format, o.data, o.pages) for o in renderer.outputs(record, kinds, formats)]
    with Helper() as helper:
        helped = renderer.outputs(record, kinds, formats, helper=helper)
        assert [(o.kind, o.format, o.data, o.pages) for o in helped] == alone
        # A helper that is gone (killed, say): its files are rendered here instead.
        helper._process.kill()
        helper._process.join(timeout=DEADLINE)
        again = renderer.outputs(record, kinds, formats, helper=helper)
        assert [(o.kind, o.format, o.data, o.pages) for o in again] == alone


def test_files_written_into_the_template_folder_are_no_save(tmp_path: Path, record: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    watch = Watch(record, templates / "out", "--template-dir", str(templates))
    try:
        watch.rendered()
        watch.wait_for("Watching", "err")
        time.sleep(3)  # time enough to notice its own files, were they taken for a save
        save_by_rename(record, record.read_text("utf-8").replace(REFERENCE, "ONCE/1"))
        watch.rendered()
        time.sleep(3)
        renders = [line for name, line in watch.seen if "rendered" in line]
        while not watch.lines.empty():
            renders += [line for _, line in [watch.lines.get()] if "rendered" in line]
        assert len(renders) == 2, renders
    finally:
        watch.process.kill()
        watch.process.wait(timeout=DEADLINE)
