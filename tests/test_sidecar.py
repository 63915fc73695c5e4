"""The helper process that renders a share of a single record's files (memo_gen.sidecar,
memo_gen.files): the same files as without it, its errors raised as they were raised there,
and never a child left behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from memo_gen import sidecar
from memo_gen.document import DocumentKind
from memo_gen.errors import InvalidRecordError, Problem, TemplateError
from memo_gen.files import Format, helper_for
from memo_gen.loader import load_record
from memo_gen.render import Renderer

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_files_are_the_same_with_a_helper() -> None:
    renderer, record = Renderer.create(pdfa=True), load_record()
    kinds: tuple[DocumentKind, ...] = ("memo", "factsheet")
    formats: tuple[Format, ...] = ("docx", "pdf")
    alone = renderer.outputs(record, kinds, formats)
    with helper_for(renderer.backends, formats, None, wanted=True) as helper:
        assert helper is not None or not sidecar.available()
        helped = renderer.outputs(record, kinds, formats, helper=helper)
    assert helped == alone
    # Each DOCX states the pages of its PDF, rendered in the other process.
    pages = {(o.kind, o.format): o.pages for o in helped}
    assert pages[("memo", "docx")] == pages[("memo", "pdf")] == 5


def test_no_helper_unless_wanted_and_pdf_files_are_asked_for() -> None:
    backends = Renderer.create().backends
    with helper_for(backends, ("docx", "pdf"), None, wanted=False) as helper:
        assert helper is None
    with helper_for(backends, ("docx",), None, wanted=True) as helper:
        assert helper is None


def test_the_result_comes_back() -> None:
    def work(value: str) -> tuple[str, int]:
        return value, os.getpid()

    child: sidecar.Helper[str, tuple[str, int]] | None
    with sidecar.helper(lambda: None, work) as child:
        assert child is not None
        child.send("hello")
        value, pid = child.result()
    assert value == "hello"
    assert pid != os.getpid()


def test_an_error_comes_back_with_its_class_problems_and_exit_code() -> None:
    problems = (Problem("topics[0].title", "may not be empty", 12),)

    def work(_: None) -> None:
        raise InvalidRecordError("not a valid visit record (1 problem)", problems)

    with sidecar.helper(lambda: None, work) as child:
        assert child is not None
        child.send(None)
        with pytest.raises(InvalidRecordError) as raised:
            child.result()
    assert (raised.value.message, raised.value.problems) == (
        "not a valid visit record (1 problem)",
        problems,
    )
    assert raised.value.exit_code == 4
    assert "Traceback" in "\n".join(raised.value.__notes__)  # for --debug


def test_an_error_while_getting_ready_comes_back() -> None:
    def get_ready() -> None:
        raise TemplateError("cannot load the font file x.ttf")

    def echo(value: str) -> str:
        return value

    child: sidecar.Helper[str, str] | None
    with sidecar.helper(get_ready, echo) as child:
        assert child is not None
        child.send("never done")
        with pytest.raises(TemplateError, match="cannot load the font file"):
            child.result()


def test_an_error_that_cannot_be_pickled_comes_back_described() -> None:
    class Local(Exception):  # a class pickle cannot find by name
        pass

    def work(_: None) -> None:
        raise Local("only here")

    with sidecar.helper(lambda: None, work) as child:
        assert child is not None
        child.send(None)
        with pytest.raises(RuntimeError, match="Local: only here"):
            child.result()


def test_leaving_early_kills_the_helper() -> None:
    pids: list[int] = []

    def leave_early() -> None:
        child: sidecar.Helper[None, None] | None
        with sidecar.helper(lambda: time.sleep(60), lambda work: work) as child:
            assert child is not None
            pids.append(child._pid)
            raise KeyError("an error in this process")

    with pytest.raises(KeyError):
        leave_early()
    assert pids
    assert not alive(pids[0])


def test_a_build_leaves_no_process_behind(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from memo_gen.cli import cli

    result = CliRunner().invoke(cli, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.pdf"))) == 2
    with pytest.raises(ChildProcessError):  # no child, running or ended and not waited for
        os.waitpid(-1, os.WNOHANG)


def test_a_helper_that_is_killed_is_replaced_by_this_process() -> None:
    renderer, record = Renderer.create(), load_record()
    kinds: tuple[DocumentKind, ...] = ("memo", "factsheet")
    formats: tuple[Format, ...] = ("docx", "pdf")
    alone = renderer.outputs(record, kinds, formats)
    with helper_for(renderer.backends, formats, None, wanted=True) as helper:
        if helper is None:
            pytest.skip("no helper process on this machine")
        os.kill(helper._pid, signal.SIGKILL)  # as the out-of-memory killer would
        assert renderer.outputs(record, kinds, formats, helper=helper) == alone


def test_the_helper_says_how_it_ended() -> None:
    def work(_: None) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    child: sidecar.Helper[None, None] | None
    with sidecar.helper(lambda: None, work) as child:
        assert child is not None
        child.send(None)
        with pytest.raises(sidecar.HelperLost, match="killed by SIGKILL"):
            child.result()


def test_no_process_to_spare_means_no_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    before = len(list(Path("/proc/self/fd").iterdir()))
    child: sidecar.Helper[None, None] | None
    with sidecar.helper(lambda: None, lambda work: work) as child:
        assert child is None
    assert len(list(Path("/proc/self/fd").iterdir())) == before  # the pipes were closed


def test_the_helper_ignores_sigterm_the_parent_decides() -> None:
    def work(_: None) -> str:
        os.kill(os.getpid(), signal.SIGTERM)  # as a kill of the whole process group would
        return "still here"

    child: sidecar.Helper[None, str] | None
    with sidecar.helper(lambda: None, work) as child:
        assert child is not None
        child.send(None)
        assert child.result() == "still here"


class NeedsTwo(Exception):
    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} {second}")


def test_an_error_that_cannot_be_built_again_comes_back_described() -> None:
    def work(_: None) -> None:
        raise NeedsTwo("a", "b")

    child: sidecar.Helper[None, None] | None
    with sidecar.helper(lambda: None, work) as child:
        assert child is not None
        child.send(None)
        with pytest.raises(RuntimeError, match="NeedsTwo: a b"):
            child.result()
