"""YAML and JSON text to plain data, with the line of every value and nothing unsafe.

Both readers return ``(data, lines)``: ``data`` is made only of dicts, lists, strings,
numbers, booleans and ``None``; ``lines`` maps each value's path (a tuple of keys and
indices) to the line it starts on, so that validation can say where a problem is.

YAML is read by composing nodes with PyYAML's safe parser and building the values here,
never through a constructor, so no tag can create an object. Plain scalars follow the
YAML 1.2 core schema: ``no`` and ``NO`` stay text (the Norway problem), ``10:30`` stays
text (no sexagesimal numbers), ``2025-03-13`` stays text (dates are ISO strings).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any

import yaml

from memo_gen.errors import InputError, InvalidRecordError, Problem

Path_ = tuple[str | int, ...]
Lines = dict[Path_, int]

MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 100_000

# --- YAML ---------------------------------------------------------------------------------

_PLAIN = "memo-gen:plain"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_BASE = re.compile(r"^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {".inf": "inf", ".Inf": "inf", ".INF": "inf", ".nan": "nan", ".NaN": "nan",
                  ".NAN": "nan"}  # fmt: skip

_ComposeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Composer(_ComposeLoader):  # type: ignore[misc]
    """Safe YAML composer that marks untagged plain scalars instead of guessing their type."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


def decimal_int(text: str) -> int:
    """A decimal integer; a clear ``ValueError`` for one longer than Python converts
    (``sys.get_int_max_str_digits()``), instead of an internal error."""
    try:
        return int(text)
    except ValueError:
        digits = len(text.lstrip("+-"))
        raise ValueError(
            f"the number has {digits:,} digits, more than the {sys.get_int_max_str_digits():,} "
            "memo-gen reads"
        ) from None


def _plain_scalar(text: str) -> Any:
    """Type of an untagged plain scalar under the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return decimal_int(text)
    if _INT_BASE.match(text):
        return int(text, 0)
    if _FLOAT.match(text):
        return float(text)
    sign, dot, rest = text.rpartition(".")
    if dot and sign in ("", "+", "-") and "." + rest in _SPECIAL_FLOAT:
        return float(sign + _SPECIAL_FLOAT["." + rest])
    return text


_EXPLICIT_SCALARS: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": lambda t: _typed(t, int),
    "tag:yaml.org,2002:float": lambda t: _typed(t, float),
    "tag:yaml.org,2002:bool": lambda t: _typed(t, bool),
    "tag:yaml.org,2002:null": lambda t: _typed(t, type(None)),
}


def _typed(text: str, kind: type) -> Any:
    value = _plain_scalar(text)
    if kind is float and type(value) is int:
        value = float(value)
    if type(value) is not kind:
        raise ValueError(f"'{text}' is not a valid {kind.__name__}")
    return value


def _line(node: Any) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    """Builds plain values from a YAML node graph, collecting problems as it goes."""

    def __init__(self) -> None:
        self.lines: Lines = {}
        self.problems: list[Problem] = []

    def build(self, node: Any, path: Path_) -> Any:
        if len(path) > MAX_DEPTH:
            raise InputError(f"the data is nested more than {MAX_DEPTH} levels deep")
        self.lines.setdefault(path, _line(node))
        if node.tag.startswith("memo-gen:") or isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if node.tag == _SEQ and isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == _MAP and isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        return self._refuse_tag(node, path)

    def _refuse_tag(self, node: Any, path: Path_) -> None:
        self.problems.append(Problem(
            dotted(path),
            f"the YAML tag '{node.tag}' is not allowed; records hold only plain text, numbers, "
            "lists and mappings",
            _line(node),
        ))  # fmt: skip

    def _scalar(self, node: Any, path: Path_) -> Any:
        convert = _plain_scalar if node.tag == _PLAIN else _EXPLICIT_SCALARS.get(node.tag)
        if convert is None:
            return self._refuse_tag(node, path)
        try:
            return convert(node.value)
        except ValueError as exc:
            self.problems.append(Problem(dotted(path), str(exc), _line(node)))
            return None

    def _mapping(self, node: Any, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_PLAIN, _STR):
                self.problems.append(
                    Problem(dotted(path), "a mapping key must be plain text", _line(key_node))
                )
                continue
            key = key_node.value
            if key == "<<" and key_node.tag == _PLAIN:
                self.problems.append(Problem(
                    dotted(path), "YAML merge keys (<<) are not supported; write the fields out",
                    _line(key_node),
                ))  # fmt: skip
                continue
            if key in result:
                self.problems.append(Problem(
                    dotted((*path, key)),
                    f"duplicate key '{key}' (first given on line {first_line[key]})",
                    _line(key_node),
                ))  # fmt: skip
                continue
            first_line[key] = _line(key_node)
            self.lines[(*path, key)] = _line(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result


def _expanded_size(root: Any) -> tuple[int, int]:
    """Count the values a node graph holds once aliases are expanded, and its distinct nodes.

    Refuses recursive aliases. Runs in time linear in the number of distinct nodes, so a
    "billion laughs" file is refused before anything is built.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Any, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise InputError("the YAML refers to itself through an alias (a recursive alias)")
        if depth > MAX_DEPTH:
            raise InputError(f"the data is nested more than {MAX_DEPTH} levels deep")
        open_nodes.add(key)
        children: list[Any] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        total = 1 + sum(size(child, depth + 1) for child in children)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    return size(root, 0), len(sizes)


def _reader_problem(text: str, exc: yaml.reader.ReaderError) -> str:
    """One line for a character YAML does not allow, with its line and column.

    libyaml reports a byte offset and PyYAML a character offset; both stop at the first such
    character, so its first occurrence in the text is where it is.
    """
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    where = ""
    pos = text.find(char)
    if pos >= 0:
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        where = f" (line {line}, column {column})"
    code = f"U+{ord(char):04X}" if len(char) == 1 else repr(char)
    return f"the character {code} is not allowed in YAML{where}; remove it"


def _check_shape(text: str, max_keys: int | None) -> None:
    """Refuse YAML nested more than :data:`MAX_DEPTH` levels, or with a mapping of more
    than ``max_keys`` keys, before composing it. The composer recurses once per level, and
    libyaml's overflows the C stack (the process dies) at a few ten thousand levels; and
    composing, building and checking a mapping of 200,000 keys takes seconds that a record
    (whose mappings hold a few dozen fields, a glossary at most ``max_keys``) never needs.
    The parser's events come from a loop, not recursion. (The builder applies the exact
    depth limit, counted on the paths of values, afterwards.)"""
    # For each open collection: its first line if it is a mapping, and the nodes in it.
    open_: list[tuple[int | None, list[int]]] = []
    for event in yaml.parse(text, Loader=_Composer):
        if isinstance(event, yaml.NodeEvent) and open_:
            start, count = open_[-1]
            count[0] += 1
            if start is not None and max_keys is not None and count[0] > 2 * max_keys:
                raise too_many_keys(max_keys, start)
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            mapping = isinstance(event, yaml.MappingStartEvent)
            open_.append((_line(event) if mapping else None, [0]))
            if len(open_) > MAX_DEPTH + 1:
                raise InputError(f"the data is nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            open_.pop()


def too_many_keys(max_keys: int, line: int) -> InvalidRecordError:
    """A mapping of more than ``max_keys`` keys, refused as soon as it is seen."""
    return InvalidRecordError(
        f"not a valid visit record: the mapping that starts on line {line:,} has more than "
        f"{max_keys:,} keys, over the limit of {max_keys:,} entries; remove some, or raise "
        f"the limit with --max-items"
    )


def read_yaml(text: str, max_keys: int | None = None) -> tuple[Any, Lines]:
    """Parse one YAML document safely; raise :class:`InputError` with every problem found
    (:class:`InvalidRecordError` for a mapping of more than ``max_keys`` keys)."""
    try:
        _check_shape(text, max_keys)
        root = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        parts = [part for part in (exc.context, exc.problem) if part]
        problem = ", ".join(parts) or "malformed YAML"
        raise InputError(f"not well-formed YAML: {problem}{where}") from exc
    except yaml.reader.ReaderError as exc:
        raise InputError(f"not well-formed YAML: {_reader_problem(text, exc)}") from exc
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise InputError(f"not well-formed YAML: {detail}") from exc
    if root is None:
        return None, {}
    expanded, distinct = _expanded_size(root)
    if expanded - distinct > MAX_ALIAS_EXPANSION:
        raise InputError(
            f"YAML aliases expand to {expanded:,} values from {distinct:,}; at most "
            f"{MAX_ALIAS_EXPANSION:,} values may come from aliases (is this a 'billion laughs' "
            "file?)"
        )
    builder = _Builder()
    data = builder.build(root, ())
    if builder.problems:
        problems = sorted(builder.problems, key=lambda p: (p.line or 0, p.path))
        raise InputError("the YAML cannot be read as a record", problems)
    return data, builder.lines


# --- JSON ---------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _JsonReader:
    """A small strict JSON parser (RFC 8259) that records the line of every value and refuses
    duplicate keys, ``NaN`` and ``Infinity``."""

    def __init__(self, text: str, max_keys: int | None = None) -> None:
        self.text = text
        self.max_keys = max_keys
        self.lines: Lines = {}
        self.problems: list[Problem] = []
        self._counted = (0, 1)  # a position, and the line it is on

    def line_at(self, pos: int) -> int:
        # Counted on from the last position asked for (the reader moves forward), not from
        # the start each time: that took minutes for a file of 400,000 values.
        start, line = self._counted if pos >= self._counted[0] else (0, 1)
        line += self.text.count("\n", start, pos)
        self._counted = (pos, line)
        return line

    def fail(self, pos: int, what: str) -> InputError:
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return InputError(
            f"not well-formed JSON: {what} (line {self.line_at(pos)}, column {column})"
        )

    def skip(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        assert match is not None
        return match.end()

    def value(self, pos: int, path: Path_) -> tuple[Any, int]:
        if len(path) > MAX_DEPTH:
            raise InputError(f"the data is nested more than {MAX_DEPTH} levels deep")
        pos = self.skip(pos)
        self.lines[path] = self.line_at(pos)
        char = self.text[pos : pos + 1]
        if char == "{":
            return self.object(pos + 1, path)
        if char == "[":
            return self.array(pos + 1, path)
        if char == '"':
            return self.string(pos)
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, pos):
                return literal, pos + len(word)
        number = _NUMBER.match(self.text, pos)
        if number is not None:
            if number.group(2) is not None or number.group(3) is not None:
                return float(number.group()), number.end()
            try:
                return decimal_int(number.group()), number.end()
            except ValueError as exc:
                self.problems.append(Problem(dotted(path), str(exc), self.line_at(pos)))
                return None, number.end()
        raise self.fail(pos, "expected a value" if char else "unexpected end of input")

    def string(self, pos: int) -> tuple[str, int]:
        try:
            return json.decoder.scanstring(self.text, pos + 1, True)  # type: ignore[attr-defined,no-any-return]
        except json.JSONDecodeError as exc:
            raise self.fail(exc.pos, exc.msg) from exc

    def array(self, pos: int, path: Path_) -> tuple[list[Any], int]:
        items: list[Any] = []
        pos = self.skip(pos)
        if self.text.startswith("]", pos):
            return items, pos + 1
        while True:
            item, pos = self.value(pos, (*path, len(items)))
            items.append(item)
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
            elif self.text.startswith("]", pos):
                return items, pos + 1
            else:
                raise self.fail(pos, "expected ',' or ']'")

    def object(self, pos: int, path: Path_) -> tuple[dict[str, Any], int]:
        start_line = self.line_at(pos)
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        pos = self.skip(pos)
        if self.text.startswith("}", pos):
            return result, pos + 1
        while True:
            pos = self.skip(pos)
            if not self.text.startswith('"', pos):
                raise self.fail(pos, "expected a key in double quotes")
            key_line = self.line_at(pos)
            key, pos = self.string(pos)
            pos = self.skip(pos)
            if not self.text.startswith(":", pos):
                raise self.fail(pos, "expected ':'")
            value, pos = self.value(pos + 1, (*path, key))
            if key in result:
                self.problems.append(Problem(
                    dotted((*path, key)),
                    f"duplicate key '{key}' (first given on line {first_line[key]})", key_line,
                ))  # fmt: skip
            else:
                first_line[key] = key_line
                self.lines[(*path, key)] = key_line
                result[key] = value
                if self.max_keys is not None and len(result) > self.max_keys:
                    raise too_many_keys(self.max_keys, start_line)
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
            elif self.text.startswith("}", pos):
                return result, pos + 1
            else:
                raise self.fail(pos, "expected ',' or '}'")


def read_json(text: str, max_keys: int | None = None) -> tuple[Any, Lines]:
    """Parse JSON strictly; raise :class:`InputError` with every problem found
    (:class:`InvalidRecordError` for an object of more than ``max_keys`` keys)."""
    reader = _JsonReader(text, max_keys)
    data, end = reader.value(0, ())
    end = reader.skip(end)
    if end != len(text):
        raise reader.fail(end, "extra data after the end of the record")
    if reader.problems:
        raise InputError("the JSON cannot be read as a record", reader.problems)
    return data, reader.lines


def dotted(path: Path_) -> str:
    """``("participants", 0, "name")`` → ``participants[0].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
