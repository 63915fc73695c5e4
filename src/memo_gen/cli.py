"""The ``memo-gen`` command line: the only module that prints or exits.

Exit codes are documented in :mod:`memo_gen.errors`; each error is one line
``Error: …`` on stderr, followed by one indented line per problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from memo_gen import __version__
from memo_gen.errors import EXIT_INTERNAL, EXIT_OK, MemoGenError
from memo_gen.loader import DEFAULT_MAX_INPUT_BYTES, STDIN, display_name, load_record
from memo_gen.model import VisitRecord

if TYPE_CHECKING:
    from memo_gen.compose import DocumentKind
    from memo_gen.render import Format
    from memo_gen.theme import PageSize

RECORD_HELP = "A visit record (.yaml, .yml or .json), or - for standard input."


def report(error: MemoGenError) -> None:
    """Print an error and its problems on stderr."""
    click.echo(f"Error: {error.message}", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)


class MemoGenGroup(click.Group):
    """Turns memo-gen's errors into their message and exit code; ``--debug`` shows the
    traceback instead."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except MemoGenError as exc:
            if ctx.params.get("debug"):
                raise
            report(exc)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(
                f"Error: internal error ({type(exc).__name__}: {exc}); run again with --debug "
                "for the traceback and please report it",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


def max_input_option(function: Any) -> Any:
    return click.option(
        "--max-input-size",
        "max_bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_INPUT_BYTES,
        show_default=True,
        metavar="BYTES",
        help="Refuse record files larger than this.",
    )(function)


@click.group(cls=MemoGenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="memo-gen")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
def cli(debug: bool) -> None:
    """Render a diplomatic visit record as a memorandum and a fact sheet.

    Exit codes: 0 success, 1 internal error, 2 usage error, 3 unreadable input,
    4 invalid record, 5 template error, 6 output error.
    """


def _summary(record: VisitRecord) -> str:
    parts = [
        (len(record.participants), "participant"),
        (len(record.meetings), "meeting"),
        (len(record.topics), "topic"),
        (len(record.figures), "figure"),
        (len(record.agreements), "agreement"),
    ]
    return ", ".join(f"{count} {noun}{'' if count == 1 else 's'}" for count, noun in parts)


@cli.command()
@click.argument("records", nargs=-1, metavar="[RECORD]...")
@max_input_option
@click.pass_context
def validate(ctx: click.Context, records: tuple[str, ...], max_bytes: int) -> None:
    """Check records and print OK or every problem.

    With no RECORD, checks the embedded sample record. RECORD may be - for standard input.
    Exits with the code of the first record that fails.
    """
    debug = bool(ctx.find_root().params.get("debug"))
    sources: list[str | None] = list(records) or [None]
    exit_code = EXIT_OK
    for source in sources:
        try:
            record = load_record(source, max_bytes=max_bytes)
        except MemoGenError as exc:
            if debug:
                raise
            report(exc)
            exit_code = exit_code or exc.exit_code
            continue
        name = "sample record" if source is None else display_name(source)
        click.echo(f"{name}: OK ({_summary(record)})")
    ctx.exit(exit_code)


@cli.command()
def schema() -> None:
    """Print the visit record's JSON Schema."""
    from memo_gen.schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def new(path: Path, force: bool) -> None:
    """Write a commented starter record to PATH (- for standard output)."""
    from memo_gen.errors import OutputError
    from memo_gen.output import write_atomic
    from memo_gen.resources import STARTER_RECORD, schema_path, templates_dir

    text = (templates_dir() / STARTER_RECORD).read_text(encoding="utf-8")
    text = text.replace("{schema_uri}", schema_path().as_uri())
    if str(path) == STDIN:
        click.echo(text, nl=False)
        return
    if path.exists() and not force:
        raise OutputError(f"{path} exists; choose another name or add --force to replace it")
    write_atomic(path, text.encode("utf-8"))
    click.echo(str(path))


def render_options(function: Any) -> Any:
    """The options ``docx``, ``pdf`` and ``build`` share."""
    options = [
        click.option(
            "--doc",
            "doc",
            type=click.Choice(["memo", "factsheet", "all"]),
            default="all",
            show_default=True,
            help="Which document to render.",
        ),
        click.option(
            "-o",
            "--output-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("out"),
            show_default=True,
            help="Folder for the files (created if missing).",
        ),
        click.option(
            "--template-dir",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            default=None,
            help="Use the templates and theme in this folder instead of memo-gen's own.",
        ),
        click.option(
            "--page-size",
            type=click.Choice(["a4", "letter"]),
            default=None,
            help="Paper size [default: the theme's, A4].",
        ),
        max_input_option,
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _render(
    sources: Sequence[str | None],
    formats: Sequence[Format],
    doc: str,
    output_dir: Path,
    template_dir: Path | None,
    page_size: PageSize | None,
    max_bytes: int,
) -> None:
    from memo_gen.compose import DOCUMENT_KINDS
    from memo_gen.render import Renderer, output_stem
    from memo_gen.resources import sample_record_path

    kinds = DOCUMENT_KINDS if doc == "all" else (cast(DocumentKind, doc),)
    renderer = Renderer.create(template_dir, page_size)
    for source in sources:
        record = load_record(source, max_bytes=max_bytes)
        stem = output_stem(source, "record") if source else sample_record_path().stem
        for path in renderer.write(record, stem, output_dir, kinds, formats):
            click.echo(str(path))


@cli.command()
@click.argument("record", required=False, metavar="[RECORD]")
@render_options
def docx(record: str | None, doc: str, output_dir: Path, template_dir: Path | None,
         page_size: PageSize | None, max_bytes: int) -> None:  # fmt: skip
    """Render a record's memorandum and fact sheet as DOCX.

    With no RECORD, renders the embedded sample record. Files are named
    <record>-memo.docx and <record>-factsheet.docx; each path is printed.
    """
    _render([record], ["docx"], doc, output_dir, template_dir, page_size, max_bytes)


@cli.command()
@click.argument("record", required=False, metavar="[RECORD]")
@render_options
def pdf(record: str | None, doc: str, output_dir: Path, template_dir: Path | None,
        page_size: PageSize | None, max_bytes: int) -> None:  # fmt: skip
    """Render a record's memorandum and fact sheet as PDF.

    With no RECORD, renders the embedded sample record. Files are named
    <record>-memo.pdf and <record>-factsheet.pdf; each path is printed.
    """
    _render([record], ["pdf"], doc, output_dir, template_dir, page_size, max_bytes)


@cli.command()
@click.argument("records", nargs=-1, metavar="[RECORD]...")
@render_options
def build(records: tuple[str, ...], doc: str, output_dir: Path, template_dir: Path | None,
          page_size: PageSize | None, max_bytes: int) -> None:  # fmt: skip
    """Render records' documents in both formats (DOCX and PDF).

    With no RECORD, renders the embedded sample record.
    """
    sources: list[str | None] = list(records) or [None]
    _render(sources, ["docx", "pdf"], doc, output_dir, template_dir, page_size, max_bytes)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``memo-gen`` script and ``python -m memo_gen``."""
    cli.main(args=argv, prog_name="memo-gen")


if __name__ == "__main__":  # pragma: no cover
    main()
