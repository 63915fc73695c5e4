"""The one exception hierarchy of memo-gen, and the exit code each error carries.

Every failure a user can cause is a :class:`MemoGenError`. The command line prints its
message as one line ``Error: …`` on stderr, then one line per :class:`Problem` (the first
:data:`MAX_PROBLEMS`, then ``… and N more problems``), and exits with the class's
``exit_code``:

====  ========================  ==================================================
code  exception                 meaning
====  ========================  ==================================================
0     —                         success
1     —                         an unexpected internal error (a bug; please report)
2     —                         usage error: unknown option, missing argument
3     :class:`InputError`       the record cannot be read: missing, too large, not
                                UTF-8, not well-formed YAML or JSON, a refused
                                YAML tag, a duplicate key, too many alias expansions
4     :class:`InvalidRecordError`  the record was read but is not a valid visit record
5     :class:`TemplateError`    a template is missing or fails to render
6     :class:`OutputError`      an output file cannot be written
7     :class:`SigningError`     the signing key cannot be used: missing, broken,
                                wrong passphrase, or not fit for signing
8     :class:`VerificationError`  ``memo-gen verify`` found a file that does not
                                match its manifest
129   :class:`Interrupted`      hung up: its terminal closed (SIGHUP)
130   :class:`Interrupted`      interrupted by Ctrl-C (SIGINT)
143   :class:`Interrupted`      terminated by SIGTERM
====  ========================  ==================================================

An interrupted run writes the records it finished, with their manifest entries, and nothing
of the others (see :mod:`memo_gen.pipeline` and :mod:`memo_gen.folder`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_SIGNAL_BASE = 128
MAX_PROBLEMS = 50
"""Problems an error lists; those past them are only counted (a record of 200,000 unknown
keys is not told about each)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, at a field path and, when known, a line."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.path}: {self.message}{where}" if self.path else f"{self.message}{where}"


class MemoGenError(Exception):
    """Base of every error a user can cause; carries its exit code and its problems."""

    exit_code = EXIT_INTERNAL
    advice = ""
    """What to do, for a message that does not say it itself (one without a ``;``)."""

    def __init__(self, message: str, problems: Iterable[Problem] = (), more: int = 0) -> None:
        """``problems``: the first :data:`MAX_PROBLEMS` are kept; ``more_problems`` counts
        the others, and ``more`` problems the caller found but did not word."""
        super().__init__(message)
        self.message = message
        listed = tuple(problems)
        self.problems: tuple[Problem, ...] = listed[:MAX_PROBLEMS]
        self.more_problems = more + len(listed) - len(self.problems)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled whole (when it crosses between processes): its problems and notes too.
        return (type(self), (self.message, self.problems), self.__dict__)

    @property
    def line(self) -> str:
        """The message with its advice: the ``Error: …`` line says what to do."""
        if self.advice and ";" not in self.message:
            return f"{self.message}; {self.advice}"
        return self.message

    def about(self, name: str) -> MemoGenError:
        """The same error (class, problems, exit code) with its message beginning with
        ``name``, the file it is about (unless it already does)."""
        if self.message.startswith(f"{name}: "):
            return self
        named = type(self)(f"{name}: {self.message}", self.problems)
        named.__dict__.update({k: v for k, v in self.__dict__.items() if k != "message"})
        named.__cause__ = self.__cause__
        return named


class InputError(MemoGenError):
    """The input cannot be read as data (file, size, encoding, syntax, tags, aliases)."""

    exit_code = 3


class InvalidRecordError(MemoGenError):
    """The input was read but is not a valid visit record; ``problems`` lists every fault."""

    exit_code = 4


class TemplateError(MemoGenError):
    """A template is missing, malformed, or fails while rendering."""

    exit_code = 5
    advice = "fix the template or theme, or leave out --template-dir to use memo-gen's own"


class OutputError(MemoGenError):
    """An output file cannot be written."""

    exit_code = 6


class SigningError(MemoGenError):
    """A PDF cannot be signed with the key given: the file is missing or broken, the
    passphrase is wrong, or the certificate is not fit for signing."""

    exit_code = 7


class VerificationError(MemoGenError):
    """Files do not match the manifest they were written with; ``problems`` names each."""

    exit_code = 8
    advice = "do not send these files: restore them from the originals or render them again"


class InternalError(MemoGenError):
    """Not the user's doing: a bug in memo-gen or a library it uses."""

    exit_code = EXIT_INTERNAL

    @classmethod
    def of(cls, exc: BaseException) -> InternalError:
        """The unexpected exception ``exc`` worded for the user (``--debug`` shows it)."""
        error = cls(
            f"internal error ({type(exc).__name__}: {exc}); run again with --debug for the "
            "traceback and please report it"
        )
        error.__cause__ = exc
        return error


def as_error(exc: Exception) -> MemoGenError:
    """Any exception as one of memo-gen's: its own as they are, others as internal errors.
    The one place where an exception becomes what the user reads and the exit code."""
    return exc if isinstance(exc, MemoGenError) else InternalError.of(exc)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP: a ``KeyboardInterrupt``, so that everything cleans up as
    for Ctrl-C; the exit code is 128 plus the signal's number, as shells report it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_SIGNAL_BASE + self.signum
