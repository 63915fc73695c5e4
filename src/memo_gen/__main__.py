"""The ``memo-gen`` script and ``python -m memo_gen``: signals answered from the first moment,
then the command line (:mod:`memo_gen.cli`)."""

from __future__ import annotations

import os
import signal
from types import FrameType


def _interrupted_early(signum: int, frame: FrameType | None) -> None:
    # The command line is still being loaded and nothing is written yet: end at once, with
    # one line and the exit code the command line gives (Python would print a traceback).
    name = signal.Signals(signum).name
    os.write(2, f"Error: interrupted ({name}) before anything was done\n".encode())
    os._exit(128 + signum)


def main() -> None:
    """Entry point: :func:`memo_gen.cli.main`, with signals handled while it loads."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _interrupted_early)
    from memo_gen.cli import main as run  # replaces the handlers above

    run()


if __name__ == "__main__":
    main()
