"""The sandbox a template folder's templates run in: what they may read, make and do.

A template folder given with ``--template-dir`` is untrusted input (a colleague's copy, a
download), so its templates run under these rules; memo-gen's own templates too, which
never come near them.

* **Files only from inside the folder.** A template name is looked up inside the folder
  (and the shared root of a language set); a symbolic link on the way, or a file that is
  not a regular file (a FIFO, a device), is refused with its name; a file of more than
  :data:`~memo_gen.template_files.MAX_FILE_BYTES` too. Jinja refuses a name with ``..`` itself
  (``split_template_path``), and an absolute name (``/etc/passwd``) is looked up inside
  the folder like any other.
* **Jinja's immutable sandbox.** No attribute beginning with ``_``, no unsafe callable, no
  changing a list or dict in place, ``range()`` of at most 100,000 numbers; the pydantic
  methods of record objects (``model_dump_json(indent=…)``) cannot be called.
* **Sizes.** No text or list a template makes holds more than :data:`MAX_VALUE_CHARS`
  characters (or items) and no number more than :data:`MAX_INT_BITS` bits: the sizes are
  worked out *before* each operation that multiplies them (``*``, ``**``, ``+``, ``~``,
  ``%``, ``format``, padding, ``join``, ``replace``, ``indent``…), so ``'A' * 2000000000``
  fails at once instead of taking gigabytes, and checked after every other call and filter.
  The whole output (its text and every value printed) is at most :data:`MAX_OUTPUT_CHARS`.
* **Work.** At most :data:`MAX_STEPS` loop iterations and calls, and :data:`MAX_SECONDS`
  of wall-clock time, for one document; both are counted as the template runs (every loop
  goes through a counting filter put in when the template is compiled).

Each refusal is a :class:`TemplateError` (exit 5); :mod:`memo_gen.compose.templating`
adds the template's file and line.
"""

from __future__ import annotations

import functools
import re
import stat
import string
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
from jinja2 import nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from pydantic import BaseModel

from memo_gen.errors import TemplateError
from memo_gen.template_files import read_folder_file

MAX_VALUE_CHARS = 5_000_000
"""Characters (or items) in one text or list a template makes: fifty of the longest texts
a record may hold by default, far beyond any value a memorandum needs."""
MAX_OUTPUT_CHARS = 50_000_000
"""Characters one document's template may write, the values it prints included (the
memorandum of a record of 10,000 topics, the most a record may hold, writes about 9
million)."""
MAX_INT_BITS = 65_536
"""Bits in one whole number a template makes (about 20,000 digits)."""
MAX_STEPS = 2_000_000
"""Loop iterations and calls one document's template may make (the memorandum of a record
of 10,000 topics makes about 70,000)."""
MAX_SECONDS = 60.0
"""Wall-clock time one document's template may run."""

STEPS_FILTER = "memo_gen_step"
"""The filter put around every ``{% for %}`` loop's sequence, counting its iterations."""
TEXT_FILTER = "memo_gen_text"
"""The filter put around every piece of a template's own text, so that it is printed (and
counted) like a value, as the template's own Markdown."""
CHECKED_FILTER = "memo_gen_checked"
"""The filter put around every ``~`` concatenation and its parts, checking their size."""
CODE_VERSION = "bounded-1"
"""Changes whenever what the compiled code of a template does changes (the filters put in
above): the template cache keys its entries on it."""


class TemplateText(str):
    """Markdown a template wrote itself (a macro's output): printed as it is, not as a value."""


# --- files ----------------------------------------------------------------------------------


class FolderLoader(jinja2.BaseLoader):
    """Templates from inside one or more folders, never through a link or from a file that
    is not a regular file (Jinja's ``FileSystemLoader`` follows links anywhere)."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = list(folders)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # TemplateNotFound for a name with ".."
        for folder in self.folders:
            path = _inside(folder, pieces)
            if path is None:
                continue
            data = read_folder_file(path)
            if data is None:
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise TemplateError(f"{path}: not UTF-8 text; save it as UTF-8") from exc
            return text, str(path), functools.partial(_unchanged, path, _modified(path))
        raise jinja2.TemplateNotFound(template)


def _inside(folder: Path, pieces: Sequence[str]) -> Path | None:
    """``folder`` joined with ``pieces`` when each step exists and none is a symbolic link
    (which could lead out of the folder); ``None`` when a step does not exist."""
    path = folder
    for piece in pieces:
        path = path / piece
        try:
            mode = path.lstat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise TemplateError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
        if stat.S_ISLNK(mode):
            raise TemplateError(
                f"{path}: is a symbolic link; memo-gen reads a template folder's files only "
                "from inside it: put the file itself there"
            )
    return path


def _modified(path: Path) -> int | None:
    try:
        return path.lstat().st_mtime_ns
    except OSError:
        return None


def _unchanged(path: Path, modified: int | None) -> bool:
    """Jinja's check that a template it compiled is still the file's (``uptodate``)."""
    return _modified(path) == modified


# --- sizes ----------------------------------------------------------------------------------


def _too_large(what: str, size: int, limit: int = MAX_VALUE_CHARS) -> TemplateError:
    return TemplateError(
        f"{what} would make a value of {size:,} characters or more, over the limit of "
        f"{limit:,}; memo-gen stops a template that makes more than a document needs"
    )


def text_size(value: Any, limit: int = MAX_VALUE_CHARS) -> int:
    """About how many characters ``value`` takes as text (its ``str()``, or the ``repr()``
    of what a list holds), counted only until it passes ``limit``: cheap for text and
    numbers, a walk for lists and dicts (each object's ``repr()`` is measured once)."""
    if isinstance(value, str):  # nearly every value printed: no walk
        return len(value)
    total = 0
    measured: dict[int, int] = {}
    pending: list[Iterator[Any]] = [iter((value,))]
    while pending and total <= limit:
        item = next(pending[-1], _END)
        if item is _END:
            pending.pop()
        elif isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool | float | None):
            total += 8
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, list | tuple | set | frozenset | range):
            total += 2 + 2 * len(item)
            pending.append(iter(item))
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            pending.append(iter(item))
            pending.append(iter(item.values()))
        else:
            if id(item) not in measured:
                measured[id(item)] = len(repr(item))
            total += measured[id(item)]
    return total


_END = object()


def _too_many_bits(what: str) -> TemplateError:
    return TemplateError(f"{what} would make a number of more than {MAX_INT_BITS:,} bits")


def _check_text(value: Any, what: str, limit: int = MAX_VALUE_CHARS) -> None:
    size = text_size(value, limit)
    if size > limit:
        raise _too_large(what, size, limit)


def check_size(value: Any, what: str) -> Any:
    """``value`` itself, unless it is text or a list over :data:`MAX_VALUE_CHARS` or a
    number over :data:`MAX_INT_BITS` (a check made after an operation)."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        if len(value) > MAX_VALUE_CHARS:
            raise _too_large(what, len(value))
    elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise _too_many_bits(what)
    return value


_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


def _printf_size(template: str, values: Any) -> int:
    """At most how long ``template % values`` is: the template, every value, and every
    width and precision (a ``*`` takes the largest whole number among the values)."""
    values = values if isinstance(values, tuple | dict) else (values,)
    given = list(values.values()) if isinstance(values, dict) else list(values)
    numbers = [abs(v) for v in given if isinstance(v, int) and not isinstance(v, bool)]
    widest = max(numbers, default=0)
    total = len(template) + text_size(given)
    for match in _PRINTF.finditer(template):
        for part in match.groups():
            if part is not None:
                total += widest if part == "*" else int(part)
    return total


def _format_size(template: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> int:
    """At most how long ``template.format(*args, **kwargs)`` is: each field at most the
    largest value or width (a nested ``{}`` width takes the largest number given)."""
    given = [*args, *kwargs.values()]
    largest = max((text_size(v) for v in given), default=0)
    numbers = [abs(v) for v in given if isinstance(v, int) and not isinstance(v, bool)]
    total = len(template)
    for _text, field, spec, _conversion in string.Formatter().parse(template):
        if field is None:
            continue
        widths = [int(digits) for digits in _DIGITS.findall(spec or "")]
        if "{" in (spec or ""):
            widths.append(max(numbers, default=0))
        total += largest + sum(widths)
    return total


def _padding(width: Any) -> int:
    if isinstance(width, int) and not isinstance(width, bool):
        return max(width, 0)
    return len(str(width)) if isinstance(width, str) else 0


def _predicted(name: str, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]) -> int:
    """At most how large the result of the string operation ``name`` (a ``str`` method or
    one of Jinja's filters) on ``value`` is, for those that can multiply a size; 0 for the
    others, which are checked after they ran."""
    text = value if isinstance(value, str) else ""

    def arg(index: int, key: str, default: Any) -> Any:
        return args[index] if len(args) > index else kwargs.get(key, default)

    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(text), _padding(arg(0, "width", 0)))
    if name == "expandtabs":
        return len(text) + text.count("\t") * _padding(arg(0, "tabsize", 8))
    if name == "indent":
        lines = text.count("\n") + 1
        return len(text) + lines * _padding(arg(0, "width", 4))
    if name == "wordwrap":
        wrap = arg(2, "wrapstring", None)
        return len(text) + (len(text) + 1) * max(len(wrap) if isinstance(wrap, str) else 0, 2)
    if name == "replace":
        old, new = arg(0, "old", ""), arg(1, "new", "")
        if not isinstance(old, str) or not isinstance(new, str):
            return 0
        count = text.count(old) if old else len(text) + 1
        limit = arg(2, "count", -1)
        if isinstance(limit, int) and limit >= 0:
            count = min(count, limit)
        return len(text) + count * len(new)
    if name == "translate":
        table = arg(0, "table", {})
        mapped = table.values() if isinstance(table, dict) else ()
        longest = max((len(v) for v in mapped if isinstance(v, str)), default=1)
        return len(text) * longest
    if name == "tojson":
        indent = arg(0, "indent", None)
        size = text_size(value)
        return 6 * size + size * _padding(indent if isinstance(indent, int) else 0)
    if name == "batch":
        return text_size(value) + _padding(arg(0, "linecount", 0))
    if name == "format" and isinstance(value, str):
        return _printf_size(value, kwargs or tuple(args))
    return 0


def _join_size(separator: Any, items: Sequence[Any]) -> int:
    return text_size(list(items)) + len(str(separator)) * len(items)


# --- the sandbox ----------------------------------------------------------------------------


class Budget:
    """The work and output one document's template has left. Output is counted where it
    is printed, also inside a macro or a ``{% set %}`` block (whose text Jinja collects out
    of sight of the caller), so a macro's text printed by its caller counts again: a
    bound, not an exact count."""

    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        self.steps = 0
        self.output = 0
        self.ticks = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self) -> None:
        """One loop iteration or call."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateError(
                f"the template runs more than {MAX_STEPS:,} loop iterations and calls; "
                "memo-gen stops a template that does not end"
            )
        self._tick()

    def write(self, characters: int) -> None:
        """``characters`` more of output (text, or a value printed)."""
        self.output += characters
        if self.output > MAX_OUTPUT_CHARS:
            raise TemplateError(
                f"the template writes more than {MAX_OUTPUT_CHARS:,} characters; memo-gen "
                "stops a template that writes more than a document needs"
            )
        self._tick()

    def _tick(self) -> None:
        # The clock is read every 1,024 steps and writes: often enough, and cheap.
        self.ticks += 1
        if not self.ticks & 1023 and time.monotonic() > self.deadline:
            raise TemplateError(
                f"the template runs longer than {MAX_SECONDS:.0f} seconds; memo-gen stops a "
                "template that does not end"
            )


class _Bounds(NodeTransformer):
    """Puts memo-gen's counting filters into a parsed template: around every loop's
    sequence, every piece of the template's own text, and every ``~`` and its parts. Jinja
    compiles these to plain Python that the sandbox's hooks never see."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _filtered(node.iter, STEPS_FILTER)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [
            _filtered(part, TEXT_FILTER) if isinstance(part, nodes.TemplateData) else part
            for part in node.nodes
        ]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [_filtered(part, CHECKED_FILTER) for part in node.nodes]
        return _filtered(node, CHECKED_FILTER)


def _filtered(node: nodes.Node, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


def _budget(context: jinja2.runtime.Context) -> Budget:
    return context.environment.budget  # type: ignore[attr-defined,no-any-return]


# pass_context: Jinja never runs these while compiling (it does run a filter whose
# arguments are constants, to fold it).
@jinja2.pass_context
def _count_steps(context: jinja2.runtime.Context, sequence: Iterable[Any]) -> Iterator[Any]:
    """A loop's sequence, counting each iteration."""
    budget = _budget(context)
    for item in sequence:
        budget.step()
        yield item


@jinja2.pass_context
def _own_text(context: jinja2.runtime.Context, text: str) -> TemplateText:
    """A piece of the template's own text, marked as the template's: the ``finalize`` hook
    then counts it like a value, but prints it as it is."""
    return TemplateText(text)


def _range(*args: int) -> range:
    """Python's ``range()`` of at most Jinja's ``MAX_RANGE`` numbers (as the sandbox's own,
    with a message that says so plainly)."""
    numbers = range(*args)
    # len() itself fails (OverflowError) for a range of more numbers than a list may hold.
    if numbers.stop - numbers.start > MAX_RANGE * abs(numbers.step) or len(numbers) > MAX_RANGE:
        raise TemplateError(
            f"range() of more than {MAX_RANGE:,} numbers; memo-gen stops a template that does "
            "not end"
        )
    return numbers


def _checked_value(value: Any) -> Any:
    _check_text(value, "the '~' operator")
    return value


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (the filter ``name``) with its result's size worked out before it runs
    when it can multiply a size, and checked after it ran."""
    # A filter marked pass_context (or eval_context, environment) takes that first.
    skip = 0 if getattr(function, "jinja_pass_arg", None) is None else 1

    @functools.wraps(function)  # keeps jinja_pass_arg
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if len(args) > skip:
            value, rest = args[skip], args[skip + 1 :]
            if name in _STRINGIFYING:
                _check_text(value, f"the filter {name}")
            if name == "join":
                args, kwargs = _checked_join(args, kwargs)
            else:
                size = _predicted(name, value, rest, kwargs)
                if size > MAX_VALUE_CHARS:
                    raise _too_large(f"the filter {name}", size)
        return check_size(function(*args, **kwargs), f"the filter {name}")

    return bounded


def _checked_join(
    args: Sequence[Any], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments of Jinja's ``join`` filter (``eval_ctx, value, d, attribute``) with the
    items taken out (an attribute looked up) once and the result's size checked."""
    eval_ctx, value, *rest = args
    options = dict(zip(("d", "attribute"), rest, strict=False)) | kwargs
    items = list(value)
    attribute = options.pop("attribute", None)
    if attribute is not None:
        getter = jinja2.filters.make_attrgetter(eval_ctx.environment, attribute)
        items = [getter(item) for item in items]
    size = _join_size(options.get("d", ""), items)
    if size > MAX_VALUE_CHARS:
        raise _too_large("the filter join", size)
    return (eval_ctx, items), options


_STRINGIFYING = frozenset({
    "capitalize", "center", "e", "escape", "forceescape", "format", "indent", "lower",
    "pprint", "replace", "safe", "string", "striptags", "title", "tojson", "trim",
    "truncate", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr",
})  # fmt: skip
"""Jinja's filters that turn their value into text first (``str()`` of a long list is
longer than the list)."""


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with memo-gen's bounds (see the module's notes), and macro
    output marked as the template's own Markdown."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_version = CODE_VERSION

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.budget = Budget()
        self.globals.pop("lipsum", None)  # paragraphs of Latin, as many as asked for
        self.globals["range"] = _range
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        self.filters.update({
            STEPS_FILTER: _count_steps, TEXT_FILTER: _own_text, CHECKED_FILTER: _checked_value,
        })  # fmt: skip

    def add_filters(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        """Add filters (memo-gen's), each with its result's size checked like Jinja's."""
        self.filters.update({name: _bounded_filter(name, f) for name, f in filters.items()})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        # Jinja's one step between parsing and compiling (Environment._parse, Jinja 3.1).
        tree = _Bounds().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree  # type: ignore[no-any-return]

    def is_safe_callable(self, obj: Any) -> bool:
        # pydantic's own methods on record objects: model_dump_json(indent=10**9) and the
        # like make text of any size; templates read fields.
        owner = getattr(obj, "__self__", None)
        if isinstance(owner, BaseModel) and hasattr(BaseModel, getattr(obj, "__name__", "")):
            return False
        return bool(super().is_safe_callable(obj))

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        _check_binop(operator, left, right)
        return check_size(super().call_binop(context, operator, left, right), repr(operator))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template, is_map = value.__self__, value.__name__ == "format_map"

        def checked(*args: Any, **kwargs: Any) -> str:
            mapping = args[0] if is_map and args and isinstance(args[0], Mapping) else kwargs
            size = _format_size(template, () if is_map else args, mapping)
            if size > MAX_VALUE_CHARS:
                raise _too_large(f"str.{value.__name__}", size)
            return wrapped(*args, **kwargs)

        return checked

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.budget.step()
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            if name == "join":
                items = list(args[0]) if args else []
                size = _join_size(owner, items)
                args = (items, *args[1:])
            else:
                size = _predicted(name, owner, args, kwargs)
            if size > MAX_VALUE_CHARS:
                raise _too_large(f"str.{name}", size)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(__obj, jinja2.runtime.Macro):
            return TemplateText(result)
        return check_size(result, f"calling {name or type(__obj).__name__}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``left operator right`` before it runs when its result is too large."""
    sized = (str, bytes, list, tuple)
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if isinstance(sequence, sized) and isinstance(times, int):
                size = text_size(sequence) * max(times, 0)
                if size > MAX_VALUE_CHARS:
                    raise _too_large("'*'", size)
        if isinstance(left, int) and isinstance(right, int):
            bits = left.bit_length() + right.bit_length()
            if bits > MAX_INT_BITS:
                raise _too_many_bits("'*'")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            bits = right * left.bit_length()
            if bits > MAX_INT_BITS:
                raise _too_many_bits("'**'")
    elif operator == "+":
        if isinstance(left, sized) and isinstance(right, sized):
            size = text_size(left) + text_size(right)
            if size > MAX_VALUE_CHARS:
                raise _too_large("'+'", size)
    elif operator == "%" and isinstance(left, str):
        size = _printf_size(left, right)
        if size > MAX_VALUE_CHARS:
            raise _too_large("'%'", size)
