"""Run memo-gen's command line, killed by SIGKILL at one step of its writes into a folder.

``python kill_at.py STEP FOLDER ARGS...`` runs ``memo-gen ARGS...``, counting every step that
touches ``FOLDER`` or a file in it: each ``open``, ``write``, ``fsync``, ``close``,
``replace``, ``rename``, ``link``, ``unlink`` and ``mkdir``. At step STEP (from 1) it kills
itself with SIGKILL; a ``write`` at that step first writes half its bytes, so that a
half-written file is left. With STEP 0 it runs to the end and prints ``steps: N`` on
stderr, the number of steps there are.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from typing import Any

STEP = int(sys.argv[1])
FOLDER = os.path.realpath(sys.argv[2])
count = 0
descriptors: set[int] = set()


def inside(path: Any) -> bool:
    if isinstance(path, int):
        return path in descriptors
    real = os.path.realpath(os.fsdecode(path))
    return real == FOLDER or real.startswith(FOLDER + os.sep)


def step() -> bool:
    """Count a step; whether it is the one to be killed at."""
    global count
    count += 1
    return count == STEP


def kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def wrap(name: str, paths: int) -> None:
    real = getattr(os, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if any(inside(arg) for arg in args[:paths]) and step():
            kill()
        return real(*args, **kwargs)

    setattr(os, name, wrapped)


for _name, _paths in (("replace", 2), ("rename", 2), ("link", 2), ("unlink", 1), ("mkdir", 1)):
    wrap(_name, _paths)
wrap("fsync", 1)

_open, _write, _close = os.open, os.write, os.close


def _opened(path: Any, *args: Any, **kwargs: Any) -> int:
    watched = inside(path)
    if watched and step():
        kill()
    descriptor = _open(path, *args, **kwargs)
    if watched:
        descriptors.add(descriptor)
    return descriptor


def _written(descriptor: int, data: Any) -> int:
    if descriptor in descriptors and step():
        _write(descriptor, bytes(data)[: len(data) // 2])
        kill()
    return _write(descriptor, data)


def _closed(descriptor: int) -> None:
    if descriptor in descriptors:
        descriptors.discard(descriptor)
        if step():
            kill()
    _close(descriptor)


os.open, os.write, os.close = _opened, _written, _closed  # type: ignore[assignment]
if STEP == 0:
    atexit.register(lambda: print(f"steps: {count}", file=sys.stderr))

from memo_gen.cli import main  # noqa: E402

main(sys.argv[3:])
