"""Jinja2 templates → Markdown text in which record values are opaque placeholders.

The environment's ``finalize`` hook turns every value a template prints into a placeholder
(``\\ue000`` index ``\\ue001``, private-use characters that Markdown treats as plain letters)
and keeps the value aside. The Markdown parser therefore never sees record text, so no value
can create a heading, a table cell, a link or emphasis; :mod:`memo_gen.compose.markdown` puts each
value back, unchanged, into the text runs of the document model. Record values are data,
never templates: nothing in a record is ever rendered by Jinja, and the templates themselves
run in a sandbox (:mod:`memo_gen.compose.sandbox`) with undefined names as errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime

from memo_gen.compose.sandbox import (
    MAX_OUTPUT_CHARS,
    FolderLoader,
    Sandbox,
    TemplateText,
    text_size,
)
from memo_gen.compose.template_cache import template_cache
from memo_gen.errors import TemplateError

PLACEHOLDER = re.compile("\ue000([0-9a-z]+)\ue001")


@dataclass(frozen=True)
class RenderedMarkdown:
    """A template's output: Markdown with placeholders, and the values they stand for."""

    text: str
    values: tuple[str, ...]

    def restore(self, text: str) -> str:
        """``text`` with every placeholder replaced by its value (one pass, so a value is
        never scanned again)."""
        return PLACEHOLDER.sub(lambda match: self.values[int(match.group(1), 36)], text)

    def with_paragraph(self, value: str) -> RenderedMarkdown:
        """This output with ``value`` as a last paragraph."""
        end = f"\n\n\ue000{_base36(len(self.values))}\ue001\n"
        return RenderedMarkdown(self.text.rstrip("\n") + end, (*self.values, value))


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


class TemplateSet:
    """The templates of one folder, with memo-gen's filters, in the sandbox of
    :mod:`memo_gen.compose.sandbox` (files only from inside the folder; bounded sizes,
    output and work)."""

    def __init__(
        self,
        folder: Path,
        filters: Mapping[str, Callable[..., Any]],
        shared: Sequence[Path] = (),
    ) -> None:
        """``shared``: folders searched after ``folder`` for partials (``{% import %}``)."""
        if not folder.is_dir():
            raise TemplateError(f"template folder {folder} does not exist")
        self.folder = folder
        self._values: list[str] = []
        self._environment = Sandbox(
            loader=FolderLoader([folder, *shared]),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # values become placeholders, not escaped text
            finalize=self._placeholder,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=template_cache(),  # compiled templates kept across processes
        )
        self._environment.add_filters(filters)

    @jinja2.pass_context
    def _placeholder(self, context: jinja2.runtime.Context, value: Any) -> str:
        """The ``finalize`` hook: a printed value becomes a placeholder, the template's own
        text stays as it is, ``None`` prints nothing; each is counted against the output
        bound. (It takes the context so that Jinja never runs it while compiling: a
        placeholder made then would stand for a value of that render, not of the next.)"""
        if value is None:
            return ""
        budget = self._environment.budget
        budget.write(text_size(value, MAX_OUTPUT_CHARS - budget.output))
        if isinstance(value, TemplateText):
            return value
        self._values.append(str(value))
        return f"\ue000{_base36(len(self._values) - 1)}\ue001"

    def render(self, name: str, context: Mapping[str, Any]) -> RenderedMarkdown:
        """Render ``name`` with ``context``; errors name the template file and line."""
        self._values = []
        self._environment.budget.start()
        try:
            text = self._environment.get_template(name).render(context)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"template {exc.name} not found in {self.folder}") from exc
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.filename or exc.name}, line {exc.lineno}"
            raise TemplateError(f"{where}: {exc.message}") from exc
        except TemplateError as exc:
            # A file the loader refused (the message names it) or a bound of the sandbox:
            # said where in a template it happened, if it did in one.
            where = _where(exc, self.folder, "")
            raise TemplateError(f"{where}: {exc.message}" if where else exc.message) from exc
        except (jinja2.TemplateError, ValueError, TypeError) as exc:
            raise TemplateError(f"{_where(exc, self.folder, name)}: {exc}") from exc
        except Exception as exc:
            # Whatever else fails inside a template ({{ 1/0 }}, a macro that calls itself for
            # ever) is the template's fault too: exit 5, naming the file and the line.
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise TemplateError(f"{_where(exc, self.folder, name)}: {reason}") from exc
        return RenderedMarkdown(text, tuple(self._values))


def _where(exc: BaseException, folder: Path, fallback: str) -> str:
    """The template file and line a rendering error happened in, from its traceback."""
    found = fallback
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            path = Path(filename)
            shown = path.relative_to(folder) if path.is_relative_to(folder) else path
            found = f"{shown}, line {traceback.tb_lineno}"
        traceback = traceback.tb_next
    return found
