"""Hostile and broken input: the loader refuses it with an InputError (exit code 3) and a
clear one-line message, and never executes, expands or crashes on anything in it."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

from memo_gen.errors import InputError, InvalidRecordError, MemoGenError
from memo_gen.record.loader import DEFAULT_MAX_INPUT_BYTES, format_of, load_record, parse_record
from memo_gen.record.readers import MAX_ALIAS_EXPANSION, MAX_DEPTH, read_json, read_yaml

MINIMAL_YAML = (
    "visit:\n  title: Official visit\n  start: 2025-03-13\ndocument: {date: 2025-03-14}\n"
)
MINIMAL_JSON = (
    '{"visit": {"title": "Official visit", "start": "2025-03-13"}, '
    '"document": {"date": "2025-03-14"}}'
)


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def _refused(source: Path | str, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> InputError:
    with pytest.raises(InputError) as caught:
        load_record(source, max_bytes=max_bytes)
    error = caught.value
    assert error.exit_code == 3
    assert "\n" not in error.message
    assert all("\n" not in str(problem) for problem in error.problems)
    return error


# --- YAML tags -------------------------------------------------------------------------------


@pytest.fixture
def no_execution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Record any attempt to run a command; work in an empty folder."""
    calls: list[str] = []

    def record(*args: object, **kwargs: object) -> int:
        calls.append(repr(args))
        return 0

    monkeypatch.setattr(os, "system", record)
    monkeypatch.setattr(subprocess, "Popen", record)
    monkeypatch.chdir(tmp_path)
    return calls


TAGGED = {
    "apply": '!!python/object/apply:os.system ["echo pwned > pwned.txt"]',
    "new": "!!python/object/new:builtins.list [[1]]",
    "name": "!!python/name:os.system",
    "module": "!!python/module:os",
    "object": "!!python/object:argparse.Namespace {a: 1}",
    "verbatim": '!<tag:yaml.org,2002:python/object/apply:os.system> ["echo pwned > pwned.txt"]',
    "binary": "!!binary aGVsbG8=",
    "timestamp": "!!timestamp 2025-03-13",
    "set": "!!set {a, b}",
    "omap": "!!omap [{a: 1}]",
    "local": "!custom value",
    "local-mapping": "!custom {a: 1}",
}


@pytest.mark.parametrize("name", sorted(TAGGED))
def test_tags_are_refused_and_nothing_runs(
    name: str, tmp_path: Path, no_execution: list[str]
) -> None:
    path = _write(tmp_path, "tagged.yaml", f"visit:\n  title: {TAGGED[name]}\n  start: 2025\n")
    error = _refused(path)
    assert error.message == f"{path}: the YAML cannot be read as a record"
    (problem,) = error.problems
    assert (problem.path, problem.line) == ("visit.title", 2)
    assert problem.message.startswith("the YAML tag '")
    assert problem.message.endswith(
        "' is not allowed; records hold only plain text, numbers, lists and mappings"
    )
    assert no_execution == []
    assert list(tmp_path.iterdir()) == [path]


def test_python_tag_fixture_runs_nothing(records_dir: Path, no_execution: list[str]) -> None:
    error = _refused(records_dir / "invalid" / "python-tag.yaml")
    assert [p.line for p in error.problems] == [2, 4, 5]
    assert no_execution == []
    assert not Path("memo-gen-pwned.txt").exists()


def test_tag_on_a_key_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        read_yaml("!!python/name:os.system key: value\n")
    assert [str(p) for p in caught.value.problems] == ["a mapping key must be plain text (line 1)"]


def test_complex_key_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        read_yaml("? [a, b]\n: value\n")
    assert [str(p) for p in caught.value.problems] == ["a mapping key must be plain text (line 1)"]


def test_standard_scalar_tags_are_allowed() -> None:
    record = parse_record(
        "visit: {title: !!str 2025, start: !!str 2025-03-13}\ndocument: {date: 2025-03-14}\n",
        "yaml",
    )
    assert record.visit.title == "2025"
    data, _ = read_yaml("a: !!int 12\nb: !!float 1\nc: !!bool true\nd: !!null ''\n")
    assert data == {"a": 12, "b": 1.0, "c": True, "d": None}


def test_plain_scalars_follow_yaml_1_2() -> None:
    data, _ = read_yaml(
        "a: NO\nb: yes\nc: 10:30\nd: 2025-03-13\ne: nan\nf: Inf\ng: .nan\nh: -.inf\n"
        "i: 0o17\nj: 0x1F\nk: 1e3\nl: 012\nm: ~\nn: True\no: 1_000\n"
    )
    assert math.isnan(data.pop("g"))
    assert data == {
        "a": "NO", "b": "yes", "c": "10:30", "d": "2025-03-13", "e": "nan", "f": "Inf",
        "h": float("-inf"), "i": 15, "j": 31, "k": 1000.0, "l": 12, "m": None, "n": True,
        "o": "1_000",
    }  # fmt: skip


def test_standard_scalar_tag_with_the_wrong_value_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        read_yaml("a: !!int twelve\n")
    assert [str(p) for p in caught.value.problems] == ["a: 'twelve' is not a valid int (line 1)"]


# --- duplicate keys --------------------------------------------------------------------------


def test_duplicate_yaml_key_names_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.yaml", MINIMAL_YAML + "visit:\n  title: Second\n")
    error = _refused(path)
    assert [str(p) for p in error.problems] == [
        "visit: duplicate key 'visit' (first given on line 1) (line 5)"
    ]


def test_duplicate_json_key_names_both_lines(tmp_path: Path) -> None:
    text = '{\n  "visit": {"title": "A", "start": "2025",\n            "title": "B"}\n}\n'
    error = _refused(_write(tmp_path, "dup.json", text))
    assert error.message.endswith(": the JSON cannot be read as a record")
    assert [str(p) for p in error.problems] == [
        "visit.title: duplicate key 'title' (first given on line 2) (line 3)"
    ]


def test_duplicate_keys_in_several_mappings_are_all_reported() -> None:
    with pytest.raises(InputError) as caught:
        read_yaml("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n")
    assert [str(p) for p in caught.value.problems] == [
        "a: duplicate key 'a' (first given on line 1) (line 2)",
        "b.c: duplicate key 'c' (first given on line 4) (line 5)",
    ]


# --- aliases ---------------------------------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic exponential entity expansion, as YAML aliases: width**levels values."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_by_the_alias_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "lol.yaml", billion_laughs())
    assert path.stat().st_size < 1_000
    error = _refused(path)
    assert error.message.startswith(f"{path}: YAML aliases expand to ")
    assert f"at most {MAX_ALIAS_EXPANSION:,} values may come from aliases" in error.message
    assert "billion laughs" in error.message


def test_aliases_within_the_limit_are_expanded() -> None:
    text = (
        "visit:\n"
        "  title: Official visit\n"
        "  start: 2025-03-13\n"
        "  host: &kz {name: Kazakhstan, code: KZ}\n"
        "  place: {city: Astana, country: *kz}\n"
        "document: {date: 2025-03-14}\n"
    )
    record = parse_record(text, "yaml")
    assert record.visit.place is not None
    assert record.visit.place.country == record.visit.host


@pytest.mark.parametrize(
    "text", ["a: &a [*a]\n", "&a [*a]\n", "a: &x {b: *x}\n", "a: &x [1, [2, *x]]\n"]
)
def test_recursive_alias_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="recursive alias"):
        read_yaml(text)


def test_undefined_alias_is_not_well_formed() -> None:
    with pytest.raises(InputError, match=r"^not well-formed YAML: found undefined alias"):
        read_yaml("a: *nowhere\n")


def test_merge_key_is_refused(records_dir: Path) -> None:
    error = _refused(records_dir / "invalid" / "merge-key.yaml")
    assert [str(p) for p in error.problems] == [
        "meetings[0]: YAML merge keys (<<) are not supported; write the fields out (line 7)"
    ]


def test_quoted_merge_key_is_an_ordinary_unknown_key() -> None:
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(MINIMAL_YAML + '"<<": x\n', "yaml")
    assert [str(p) for p in caught.value.problems] == [
        "<<: unknown field; remove it or check its spelling (line 5)"
    ]


# --- nesting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, MAX_DEPTH + 2, 1_000, 200_000])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_deep_nesting_is_refused(fmt: str, depth: int) -> None:
    # 200,000 levels (400 kB) once overflowed libyaml's recursive composer: the process died.
    text = "[" * depth + "1" + "]" * depth
    with pytest.raises(InputError) as caught:
        parse_record(text, fmt)
    ours = f"the data is nested more than {MAX_DEPTH} levels deep"
    # PyYAML 6.0.4's libyaml refuses very deep flow nesting itself, before memo-gen sees it.
    libyaml = "not well-formed YAML: while increasing flow level, exceeded maximum nesting depth"
    assert caught.value.message == ours or caught.value.message.startswith(libyaml)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_nesting_at_the_limit_is_read(fmt: str) -> None:
    text = "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH
    data, _ = read_json(text) if fmt == "json" else read_yaml(text)
    for _ in range(MAX_DEPTH):
        (data,) = data
    assert data == 1


def test_deep_nesting_through_aliases_is_refused() -> None:
    deep = "[" * 40 + "]" * 40
    with pytest.raises(InputError, match=f"nested more than {MAX_DEPTH} levels"):
        read_yaml(f"a: &a {deep}\nb: {'[' * 30}*a{']' * 30}\n")


# --- documents, emptiness, encodings ---------------------------------------------------------


def test_multi_document_yaml_is_refused(records_dir: Path) -> None:
    path = records_dir / "invalid" / "multi-document.yaml"
    error = _refused(path)
    assert error.message == (
        f"{path}: not well-formed YAML: expected a single document in the stream, but found "
        "another document (line 4, column 1)"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.yaml", b""),
        ("empty.json", b""),
        ("blank.yaml", b"   \n\t\n\r\n"),
        ("blank.json", b"\n\n"),
        ("bom-only.yaml", b"\xef\xbb\xbf"),
    ],
)
def test_empty_files_are_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = _write(tmp_path, name, content)
    error = _refused(path)
    assert error.message == f"{path}: the file is empty; start from `memo-gen new PATH`"


def test_comment_only_yaml_is_not_a_record(tmp_path: Path) -> None:
    path = _write(tmp_path, "comments.yaml", "# nothing here yet\n")
    with pytest.raises(InputError) as caught:
        load_record(path)
    assert caught.value.message == (
        f"{path}: the file holds no data (only comments?); start from `memo-gen new PATH`"
    )
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"visit:\n  title: \xff\xfe\xfd garbage\n", "byte 0xff on line 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "byte 0x89 on line 1"),
        ("visit: Äbc\n".encode("latin-1"), "byte 0xc4 on line 1"),
    ],
)
def test_binary_garbage_is_refused(tmp_path: Path, content: bytes, detail: str) -> None:
    path = _write(tmp_path, "garbage.yaml", content)
    error = _refused(path)
    assert error.message == (
        f"{path}: not UTF-8 text: {detail} cannot be decoded; save the file as UTF-8"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_refused(tmp_path: Path, encoding: str) -> None:
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    path = _write(tmp_path, "utf16.yaml", bom + MINIMAL_YAML.encode(encoding))
    error = _refused(path)
    assert error.message == f"{path}: the file is UTF-16 text; save it as UTF-8"


def test_utf8_bom_is_allowed(tmp_path: Path) -> None:
    for name, text in (("bom.yaml", MINIMAL_YAML), ("bom.json", MINIMAL_JSON)):
        path = _write(tmp_path, name, b"\xef\xbb\xbf" + text.encode("utf-8"))
        assert load_record(path).visit.title == "Official visit"


def test_crlf_file_reads_like_lf(tmp_path: Path) -> None:
    text = MINIMAL_YAML + "summary:\n  - |\n    First line\n    second line\n"
    path = _write(tmp_path, "crlf.yaml", text.replace("\n", "\r\n"))
    record = load_record(path)
    assert record.summary == ("First line\nsecond line",)
    assert record == parse_record(text, "yaml")


@pytest.mark.parametrize(
    ("char", "code"), [("\x07", "0007"), ("\x00", "0000"), ("\x1b", "001B"), ("\ufffe", "FFFE")]
)
def test_raw_control_character_in_yaml_is_refused_on_one_line(
    tmp_path: Path, char: str, code: str
) -> None:
    path = _write(tmp_path, "bell.yaml", f"visit:\n  title: Аstana ә{char}\n  start: 2025\n")
    error = _refused(path)
    assert error.message == (
        f"{path}: not well-formed YAML: the character U+{code} is not allowed in YAML "
        "(line 2, column 18); remove it"
    )


def test_raw_control_character_in_json_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "bell.json", '{"visit": {"title": "a\x07b"}}')
    error = _refused(path)
    assert error.message == (
        f"{path}: not well-formed JSON: Invalid control character at (line 1, column 23)"
    )


# --- JSON specifics --------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "-NaN", "nan", "inf"])
def test_json_non_finite_numbers_are_not_well_formed(literal: str) -> None:
    before = '{"visit": {"title": "x", "start": 2025, "x": '
    with pytest.raises(InputError) as caught:
        parse_record(before + literal + "}}", "json")
    assert caught.value.message == (
        f"not well-formed JSON: expected a value (line 1, column {len(before) + 1})"
    )


def test_json_overflowing_number_is_refused_as_not_finite() -> None:
    text = '{"visit": {"title": "x"}, "document": {"date": "2025-03-14"}, "figures": [{"id": "f",'
    text += ' "label": "l",'
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(text + ' "value": 1e999}]}', "json")
    assert [str(p) for p in caught.value.problems] == [
        "figures[0].value: must be a finite number, not inf (line 1)"
    ]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_integer_too_long_to_convert_is_an_input_error(fmt: str) -> None:
    digits = "1" + "0" * 5_000
    text = {
        "yaml": "visit: {title: x, start: 2025}\n"
        f"figures: [{{id: f, label: l, value: {digits}}}]",
        "json": '{"visit": {"title": "x", "start": "2025"},\n'
        f'"figures": [{{"id": "f", "label": "l", "value": {digits}}}]}}',
    }[fmt]
    with pytest.raises(InputError) as caught:
        parse_record(text, fmt)
    assert [str(p) for p in caught.value.problems] == [
        "figures[0].value: the number has 5,001 digits, more than the 4,300 memo-gen reads (line 2)"
    ]


def test_json_null_holds_no_record() -> None:
    with pytest.raises(InputError, match=r"the file holds no data") as caught:
        parse_record("null", "json")
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "this one is a list"),
        ('"visit"', "this one is a text"),
        ("42", "this one is a number"),
        ("true", "this one is a boolean"),
    ],
)
def test_json_top_level_must_be_an_object(text: str, message: str) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(text, "json")
    assert caught.value.exit_code == 4
    assert caught.value.message == (
        f"a visit record must be a mapping of fields (visit, document, …); {message}"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"visit": 1} {}', "extra data after the end of the record (line 1, column 14)"),
        ('{"visit": 1,}', "expected a key in double quotes (line 1, column 13)"),
        ("{'visit': 1}", "expected a key in double quotes (line 1, column 2)"),
        ('{"visit" 1}', "expected ':' (line 1, column 10)"),
        ('{"a": [1 2]}', "expected ',' or ']' (line 1, column 10)"),
        ('{"a": 1', "expected ',' or '}' (line 1, column 8)"),
        ('{"a": "open', "Unterminated string starting at (line 1, column 7)"),
        ('{"a": 01}', "expected ',' or '}' (line 1, column 8)"),
        ('{"a": tru}', "expected a value (line 1, column 7)"),
        ("", "unexpected end of input (line 1, column 1)"),
    ],
)
def test_json_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_json(text)
    assert caught.value.message == f"not well-formed JSON: {message}"


def test_json_lone_surrogate_escape_is_refused_by_the_text_rule() -> None:
    text = json.dumps({"visit": {"title": "a\ud800"}, "document": {"date": "2025-03-14"}})
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(text, "json")
    assert [str(p) for p in caught.value.problems] == [
        "visit.title: contains the control character U+D800 at position 2; remove it (line 1)"
    ]


def test_json_surrogate_pair_escape_is_one_character() -> None:
    data = {"visit": {"title": "a\U0001f600"}, "document": {"date": "2025-03-14"}}
    record = parse_record(json.dumps(data), "json")
    assert record.visit.title == "a\U0001f600"


# --- size, names, files ----------------------------------------------------------------------


def test_oversize_input_names_the_option(tmp_path: Path) -> None:
    path = _write(tmp_path, "record.yaml", MINIMAL_YAML)
    size = len(MINIMAL_YAML.encode())
    assert load_record(path, max_bytes=size).visit.title == "Official visit"
    error = _refused(path, max_bytes=size - 1)
    assert error.message == (
        f"{path}: larger than {size - 1:,} bytes; if it is really a record, raise the limit "
        "with --max-input-size"
    )


def test_default_size_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.yaml", b"#" * (DEFAULT_MAX_INPUT_BYTES + 1))
    error = _refused(path)
    assert "larger than 10,485,760 bytes" in error.message
    assert "--max-input-size" in error.message


def test_oversize_stdin_is_refused() -> None:
    stdin = io.BytesIO(MINIMAL_YAML.encode())
    error = _refused_stdin(stdin, max_bytes=10)
    assert error.message.startswith("<stdin>: larger than 10 bytes")


def _refused_stdin(stdin: io.BytesIO, max_bytes: int) -> InputError:
    with pytest.raises(InputError) as caught:
        load_record("-", stdin=stdin, max_bytes=max_bytes)
    return caught.value


@pytest.mark.parametrize("name", ["record.txt", "record", "record.yaml.bak", "record.toml"])
def test_unknown_suffix_is_refused(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, MINIMAL_YAML)
    error = _refused(path)
    assert error.message == f"{path}: unknown record format; name the file .yaml, .yml or .json"


@pytest.mark.parametrize("name", ["record.yml", "record.YAML", "record.Yml"])
def test_yaml_suffixes_are_accepted(tmp_path: Path, name: str) -> None:
    assert load_record(_write(tmp_path, name, MINIMAL_YAML)).visit.title == "Official visit"


def test_json_suffix_reads_json_strictly(tmp_path: Path) -> None:
    # YAML-only syntax in a .json file is refused: the suffix picks the reader.
    path = _write(tmp_path, "record.json", MINIMAL_YAML)
    error = _refused(path)
    assert error.message == (f"{path}: not well-formed JSON: expected a value (line 1, column 1)")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert _refused(tmp_path / "nope.yaml").message == (
        f"{tmp_path / 'nope.yaml'}: no such file; check the name, or start a record with "
        "`memo-gen new PATH`"
    )
    assert _refused(tmp_path).message == f"{tmp_path}: is a folder, not a record file"


@pytest.mark.parametrize(
    ("text", "fmt"),
    [(MINIMAL_YAML, "yaml"), (MINIMAL_JSON, "json"), ("\n  " + MINIMAL_JSON, "json")],
)
def test_stdin(text: str, fmt: str) -> None:
    assert format_of("-", text) == fmt
    record = load_record("-", stdin=io.BytesIO(text.encode("utf-8")))
    assert record.visit.title == "Official visit"


def test_stdin_errors_name_stdin() -> None:
    with pytest.raises(MemoGenError) as caught:
        load_record("-", stdin=io.BytesIO(b'{"visit": NaN}'))
    assert (
        caught.value.message
        == "<stdin>: not well-formed JSON: expected a value (line 1, column 11)"
    )


def test_problem_in_a_glossary_key_names_the_key() -> None:
    text = MINIMAL_YAML + 'glossary:\n  MFA: Ministry\n  "MF\\aA": Ministry\n'
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(text, "yaml")
    assert [str(p) for p in caught.value.problems] == [
        "glossary: key 'MF\\x07A': contains the control character U+0007 at position 3; "
        "remove it (line 7)"
    ]
