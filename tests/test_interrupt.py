"""Ctrl-C at any moment of a run, from memo-gen's first line: exit code 130 and one line on
stderr, never a traceback (memo-gen printed one in its first ~100 ms, while modules loaded).

The runs start Python with ``-S``: without ``site`` and this installation's ``.pth`` files,
Python's own start-up takes a few milliseconds, and nearly every moment sampled is
memo-gen's. A signal that lands in those milliseconds, before any memo-gen code runs, ends
the process as Python does; that is allowed, but never with memo-gen in a traceback.
"""

from __future__ import annotations

import os
import signal
import site
import subprocess
import sys
import time
from pathlib import Path

import pytest

import memo_gen

SOURCE = str(Path(memo_gen.__file__).resolve().parent.parent)
pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")


def interrupted_after(seconds: float | None, out: Path) -> tuple[int, str]:
    """Exit code and stderr of a build sent SIGINT after ``seconds`` (never, for None)."""
    path = os.pathsep.join([SOURCE, *site.getsitepackages()])
    argv = [sys.executable, "-S", "-m", "memo_gen", "build", "-j", "1", "-o", str(out)]
    process = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    if seconds is not None:
        time.sleep(seconds)
        process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(tmp_path: Path) -> None:
    # Sample the whole run, however fast this machine is: up to its end and a little after,
    # where Python exits (a Ctrl-C there once killed the process without a word).
    start = time.monotonic()
    code, stderr = interrupted_after(None, tmp_path / "whole")
    assert code == 0, stderr
    samples = int((time.monotonic() - start + 0.1) / 0.025) + 1
    told = finished = 0
    for number in range(samples):
        delay = number * 0.025
        code, stderr = interrupted_after(delay, tmp_path / f"out-{number}")
        if code == 0:
            finished += 1
            continue
        lines = stderr.splitlines()
        if code == 128 + signal.SIGINT:
            assert len(lines) == 1, (delay, stderr)
            assert lines[0].startswith("Error: interrupted (SIGINT)"), (delay, stderr)
            told += 1
        else:  # before memo-gen's first line: Python's start-up
            assert delay < 0.1, (delay, code, stderr)
            assert "memo_gen" not in stderr, (delay, code, stderr)
    assert told >= 0.8 * (samples - finished) and told >= 24, (told, finished, samples)
