"""The ``memo-gen`` script and ``python -m memo_gen``: signals answered from the first moment,
then the command line (:mod:`memo_gen.cli`)."""

from __future__ import annotations

# _signal, not signal: the C module is loaded with Python itself, while signal first loads
# enum, long enough for a Ctrl-C to land in it and print a traceback.
import _signal  # type: ignore[import-not-found]
import os

_NAMES = ("SIGINT", "SIGTERM", "SIGHUP")


def _interrupted_early(signum: int, frame: object) -> None:
    # The command line is still being loaded and nothing is written yet: end at once, with
    # one line and the exit code the command line gives (Python would print a traceback).
    name = next((n for n in _NAMES if getattr(_signal, n, None) == signum), str(signum))
    os.write(2, f"Error: interrupted ({name}) before anything was done\n".encode())
    os._exit(128 + signum)


def main() -> None:
    """Entry point: :func:`memo_gen.cli.main`, with signals handled while it loads."""
    for name in _NAMES:
        if hasattr(_signal, name):
            _signal.signal(getattr(_signal, name), _interrupted_early)
    from memo_gen.cli import main as run  # replaces the handlers above

    run()


if __name__ == "__main__":
    main()
