"""The ``memo-gen`` command line: the only module that prints or exits.

Exit codes are documented in :mod:`memo_gen.errors`; each error is one line
``Error: …`` on stderr, followed by one indented line per problem.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, cast

import click

from memo_gen import __version__
from memo_gen.errors import EXIT_OK, EXIT_SIGNAL_BASE, Interrupted, MemoGenError, as_error
from memo_gen.official.signing import PASSPHRASE_VARIABLE
from memo_gen.output import HELD_SIGNALS
from memo_gen.record.limits import DEFAULT_LIMITS, FLAGS, Limits
from memo_gen.record.loader import DEFAULT_MAX_INPUT_BYTES, STDIN, display_name, read_record

if TYPE_CHECKING:
    from memo_gen.document import DocumentKind, Format
    from memo_gen.official.signing import SigningKey
    from memo_gen.pipeline import BuildSettings, Outcome
    from memo_gen.record.model import VisitRecord

RECORD_HELP = "A visit record (.yaml, .yml or .json), or - for standard input."


def report(error: MemoGenError) -> None:
    """Print an error and its problems on stderr."""
    click.echo(f"Error: {error.line}", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    if error.more_problems:
        plural = "s" if error.more_problems != 1 else ""
        click.echo(f"  … and {error.more_problems:,} more problem{plural}", err=True)


WRITTEN_SO_FAR = "; the records finished are written and in the manifest, nothing of the others"
"""What an interrupted command did with its records (:mod:`memo_gen.pipeline`)."""


class MemoGenGroup(click.Group):
    """Turns memo-gen's errors into their message and exit code; ``--debug`` shows the
    traceback instead."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader of standard output went away (`memo-gen build | head -1`): the files
            # are written; stop printing, quietly, as a program killed by SIGPIPE would.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_SIGNAL_BASE + signal.SIGPIPE)
        except KeyboardInterrupt:
            if ctx.params.get("debug"):
                raise
            ctx.exit(_told_interrupted(_first_signal(), WRITTEN_SO_FAR))
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            if _signals:
                # A library turned the interruption into an error of its own (pydantic
                # does): it is still the interruption.
                ctx.exit(_told_interrupted(_signals[0], WRITTEN_SO_FAR))
            error = as_error(exc)
            report(error)
            ctx.exit(error.exit_code)


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


_LIMITS_KEY = "memo_gen.record.limits"


def _set_limit(ctx: click.Context, param: click.Parameter, value: int) -> None:
    limits = ctx.meta.get(_LIMITS_KEY, DEFAULT_LIMITS)
    ctx.meta[_LIMITS_KEY] = dataclasses.replace(limits, **{str(param.name): value})


def current_limits() -> Limits:
    """The limits the options of the running command set."""
    return cast(Limits, click.get_current_context().meta.get(_LIMITS_KEY, DEFAULT_LIMITS))


def limit_options(function: Any) -> Any:
    """``--max-items``, ``--max-line-length`` and ``--max-text-length``."""
    helps = {
        "max_items": ("N", "Refuse lists (topics, participants, …) with more entries."),
        "max_line_length": ("CHARS", "Refuse names, titles and other lines longer than this."),
        "max_text_length": ("CHARS", "Refuse paragraphs and other texts longer than this."),
    }
    for name, (metavar, text) in reversed(helps.items()):
        function = click.option(
            FLAGS[name],
            name,
            type=click.IntRange(min=1),
            default=getattr(DEFAULT_LIMITS, name),
            show_default=True,
            metavar=metavar,
            help=text,
            expose_value=False,
            callback=_set_limit,
        )(function)
    return function


@click.group(cls=MemoGenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="memo-gen")
@click.option(
    "--debug", is_flag=True, help="Show the full traceback of an error, and libraries' warnings."
)
def cli(debug: bool) -> None:
    """Render a diplomatic visit record as a memorandum and a fact sheet.

    Exit codes: 0 success, 1 internal error, 2 usage error, 3 unreadable input,
    4 invalid record, 5 template error, 6 output error, 7 signing key unusable,
    8 verification failed, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), 129 hung up
    (SIGHUP).
    """
    if not debug:
        # memo-gen says what the user must know in its own messages. A library's warning
        # (pyHanko's CryptographyDeprecationWarning on import, say) speaks to developers, and
        # on stderr it would read as a problem with the documents; --debug shows them.
        # Forked workers inherit the filter.
        warnings.simplefilter("ignore")


def _summary(record: VisitRecord) -> str:
    parts = [
        (len(record.participants), "participant"),
        (len(record.meetings), "meeting"),
        (len(record.topics), "topic"),
        (len(record.figures), "figure"),
        (len(record.agreements), "agreement"),
    ]
    return ", ".join(f"{count} {noun}{'' if count == 1 else 's'}" for count, noun in parts)


_LANG_KEY = "memo_gen.lang"


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    languages = [part.strip() for part in (value or "").split(",") if part.strip()]
    for language in languages:
        _language_tag(ctx, param, language)
    ctx.meta[_LANG_KEY] = tuple(dict.fromkeys(languages))


def _language_tag(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from memo_gen.record.translations import TAG

    if value is not None and not TAG.match(value):
        raise click.BadParameter(
            f"{value!r} is not a language tag; give tags such as en, ru, kk or az"
            + (", separated by commas" if param.name == "lang" else ""),
            ctx,
            param,
        )
    return value


def lang_option(function: Any) -> Any:
    """``--lang``: the languages of the documents: their template sets (labels, dates and
    numbers) and their texts, where a record gives a text in several languages."""
    return click.option(
        "--lang",
        metavar="LANG[,LANG…]",
        default=None,
        expose_value=False,
        callback=_set_lang,
        help="Language of the documents: en, ru, kk or az (or a language of --template-dir); "
        "several, such as en,ru,kk, write each document in each, the language in its file's "
        "name [default: the record's document.language; English when there are no templates "
        "for it].",
    )(function)


def fallback_option(function: Any) -> Any:
    """``--fallback``: the language whose text stands in for a missing translation."""
    return click.option(
        "--fallback",
        metavar="LANG",
        default=None,
        callback=_language_tag,
        help="Where a text given in several languages lacks the document's language, use "
        "its text in LANG and say so in the document's source note [default: refuse the "
        "record, naming each such text].",
    )(function)


@cli.command()
@click.argument("records", nargs=-1, metavar="[RECORD]...")
@max_input_option
@limit_options
@lang_option
@click.pass_context
def validate(ctx: click.Context, records: tuple[str, ...], max_bytes: int) -> None:
    """Check records and print OK or every problem.

    With no RECORD, checks the embedded sample record. RECORD may be - for standard input.
    With --lang, checks the record's texts in each language given: every text given in
    several languages that lacks one is a problem, so a translator knows what is left.
    Exits with the code of the first record that fails.
    """
    from memo_gen.record.translations import TextLanguage

    debug = bool(ctx.find_root().params.get("debug"))
    sources: list[str | None] = list(records) or [None]
    languages: tuple[str, ...] = ctx.meta.get(_LANG_KEY, ())
    exit_code = EXIT_OK
    for source in sources:
        name = "sample record" if source is None else display_name(source)
        try:
            read = read_record(source, max_bytes=max_bytes, limits=current_limits())
        except MemoGenError as exc:
            code = _reported(exc, debug)  # every failure told; the first one's exit code
            exit_code = exit_code or code
            continue
        for language in languages or (read.language,):  # each told, also after a failure
            try:
                record = read.validated(TextLanguage(language)).record
            except MemoGenError as exc:
                code = _reported(exc, debug)
                exit_code = exit_code or code
                continue
            where = f" in {language}" if languages else ""
            click.echo(f"{name}: OK{where} ({_summary(record)})")
    ctx.exit(exit_code)


def _reported(error: MemoGenError, debug: bool) -> int:
    """Print ``error`` and give its exit code; with ``--debug``, raise it instead."""
    if debug:
        raise error
    report(error)
    return error.exit_code


@cli.command()
def schema() -> None:
    """Print the visit record's JSON Schema."""
    from memo_gen.record.schema import schema_text

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


@cli.command()
@click.argument("source", metavar="SOURCE")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    metavar="RECORD",
    help="Write the drafted record to RECORD [default: standard output].",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ru"]),
    default=None,
    help="The source's language [default: Russian when most of its letters are Cyrillic].",
)
@click.option("--force", is_flag=True, help="Replace RECORD if it exists.")
@max_input_option
def draft(source: str, output: Path | None, lang: str | None, force: bool, max_bytes: int) -> None:
    """Draft a starter record from a readout, press release or statement.

    SOURCE is plain text, Markdown, HTML or DOCX (- for standard input). Every drafted value
    carries a comment naming the source line it came from; nothing the source does not state
    is filled in. What must still be supplied (document.date, the memorandum's own date, at
    least) is listed on stderr, as `memo-gen validate RECORD` lists it.
    """
    from memo_gen.draft.record import draft_source
    from memo_gen.errors import OutputError
    from memo_gen.output import write_atomic
    from memo_gen.resources import schema_path

    drafted = draft_source(
        source, lang=lang, max_bytes=max_bytes, schema_uri=schema_path().as_uri()
    )
    text = drafted.text()
    if output is None or str(output) == STDIN:
        click.echo(text, nl=False)
    else:
        if output.exists() and not force:
            raise OutputError(f"{output} exists; choose another name or add --force to replace it")
        write_atomic(output, text.encode("utf-8"))
        click.echo(str(output))
    for problem in drafted.missing():
        click.echo(f"To supply: {problem}", err=True)


def _with_options(function: Any, options: Sequence[Any]) -> Any:
    """``function`` decorated with ``options``, listed in the order ``--help`` shows them."""
    for option in reversed(options):
        function = option(function)
    return function


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
            help="Folder for the files and their manifest.json (created if missing).",
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
        click.option(
            "--draft",
            is_flag=True,
            help="Mark every page with a diagonal DRAFT watermark (in the documents' language); "
            "the files are named <record>-memo-draft.<ext> and so on.",
        ),
        lang_option,
        fallback_option,
        max_input_option,
        limit_options,
    ]
    return _with_options(function, options)


def pdf_options(function: Any) -> Any:
    """The options of the PDF's finishing: PDF/A and the signature (``pdf`` and ``build``)."""
    options = [
        click.option(
            "--pdfa",
            is_flag=True,
            help="Write PDF/A-2b: fonts embedded, sRGB output intent, XMP metadata.",
        ),
        click.option(
            "--sign",
            "sign",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            metavar="KEY.p12",
            help="Sign every PDF (PAdES B-B) with the key and certificate in this PKCS#12 "
            f"file; its passphrase comes from {PASSPHRASE_VARIABLE} or a prompt.",
        ),
        click.option("--sign-reason", metavar="TEXT", help="The reason the signature states."),
        click.option("--sign-location", metavar="TEXT", help="The place the signature states."),
    ]
    return _with_options(function, options)


def _signing_key(path: Path | None, reason: str | None, location: str | None) -> SigningKey | None:
    """The key ``--sign`` names, with its passphrase from the environment or a prompt on
    the terminal, read and checked before anything is rendered (so a bad key writes no
    file)."""
    from memo_gen.official.signing import SigningKey
    from memo_gen.pipeline import signer

    if path is None:
        if reason is not None or location is not None:
            raise click.UsageError("--sign-reason and --sign-location need --sign KEY.p12")
        return None
    # Bytes as the environment holds them: a passphrase need not be UTF-8.
    passphrase = os.environb.get(PASSPHRASE_VARIABLE.encode())
    if passphrase is None and sys.stdin is not None and sys.stdin.isatty():
        passphrase = _ask_passphrase(path)
    key = SigningKey(path, passphrase or None, reason, location)
    signer(key)  # read once here; worker processes read it again
    return key


def _ask_passphrase(path: Path) -> bytes | None:
    """The passphrase typed on the terminal (not echoed); ``None`` at end of input."""
    try:
        typed = click.prompt(
            f"Passphrase of {path}", default="", hide_input=True, show_default=False, err=True
        )
    except click.Abort as exc:
        # click turns Ctrl-C (and SIGTERM, which memo-gen raises as an interrupt) and Ctrl-D
        # into Abort; the first two stay interruptions, with their own exit codes.
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise exc.__context__ from None
        click.echo(err=True)
        return None
    return str(typed).encode("utf-8")


def _settings(formats: Sequence[Format], options: Any) -> BuildSettings:
    """The build settings the render options give (the signing key read and checked)."""
    from memo_gen.document import DOCUMENT_KINDS
    from memo_gen.pipeline import BuildSettings

    doc = options["doc"]
    return BuildSettings(
        kinds=DOCUMENT_KINDS if doc == "all" else (cast("DocumentKind", doc),),
        formats=tuple(formats),
        output_dir=options["output_dir"],
        template_dir=options["template_dir"],
        page_size=options["page_size"],
        max_bytes=options["max_bytes"],
        limits=current_limits(),
        languages=click.get_current_context().meta.get(_LANG_KEY, ()),
        fallback=options["fallback"],
        draft=options["draft"],
        pdfa=options.get("pdfa", False),
        signing_key=_signing_key(
            options.get("sign"), options.get("sign_reason"), options.get("sign_location")
        ),
    )


def _render(sources: Sequence[str | None], formats: Sequence[Format], options: Any) -> None:
    """Build records (:func:`memo_gen.pipeline.build`) and print what became of them: one
    record, or every record with --debug, has its error raised as it is; several are
    rendered one by one or in ``--jobs`` worker processes, each failure reported and the
    others rendered, then a summary and the first failure's exit code. The manifest's path
    comes last, also after a failure or an interruption."""
    from memo_gen.pipeline import build, default_jobs

    ctx = click.get_current_context()
    settings = _settings(formats, options)
    one_by_one = len(sources) == 1 or bool(ctx.find_root().params.get("debug"))
    jobs = options.get("jobs") or default_jobs()
    manifest: list[tuple[Path, Sequence[str]]] = []

    def written(path: Path, warnings: Sequence[str]) -> None:
        manifest.append((path, warnings))  # printed last, also after a failure

    try:
        if one_by_one or options.get("quiet") or not sys.stderr.isatty():
            result = build(
                sources, settings, jobs=jobs, raise_errors=one_by_one, on_outcome=_show,
                on_manifest=written,
            )  # fmt: skip
        else:
            # Paths and errors wait for the bar to finish, so that they do not break its line.
            with click.progressbar(length=len(sources), label="Rendering", file=sys.stderr) as bar:
                result = build(
                    sources, settings, jobs=jobs, on_finished=lambda _: bar.update(1),
                    on_manifest=written,
                )  # fmt: skip
            for outcome in result.outcomes:
                _show(outcome)
    finally:
        for path, warnings in manifest:
            for warning in warnings:
                click.echo(f"Warning: {warning}", err=True)
            click.echo(str(path))
    if result.failed:
        click.echo(
            f"Error: {len(result.failed)} of {len(result.outcomes)} records failed", err=True
        )
        ctx.exit(result.failed[0].exit_code)


def _show(outcome: Outcome) -> None:
    """Print a record's warnings, then its paths or its error."""
    for warning in outcome.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if outcome.error is not None:
        report(outcome.error)
    for path in outcome.paths:
        click.echo(str(path))


@cli.command()
@click.argument("record", required=False, metavar="[RECORD]")
@render_options
def docx(record: str | None, **options: Any) -> None:
    """Render a record's memorandum and fact sheet as DOCX.

    With no RECORD, renders the embedded sample record. Files are named
    <record>-memo.docx and <record>-factsheet.docx; each path is printed, then that of the
    folder's manifest.json, which lists every file with its SHA-256.
    """
    _render([record], ["docx"], options)


@cli.command()
@click.argument("record", required=False, metavar="[RECORD]")
@render_options
@pdf_options
def pdf(record: str | None, **options: Any) -> None:
    """Render a record's memorandum and fact sheet as PDF.

    With no RECORD, renders the embedded sample record. Files are named
    <record>-memo.pdf and <record>-factsheet.pdf; each path is printed, then that of the
    folder's manifest.json, which lists every file with its SHA-256.
    """
    _render([record], ["pdf"], options)


@cli.command()
@click.argument("records", nargs=-1, metavar="[RECORD_OR_DIR]...")
@render_options
@pdf_options
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Render several records in N worker processes [default: the number of CPUs].",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def build(records: tuple[str, ...], **options: Any) -> None:
    """Render records' documents in both formats (DOCX and PDF).

    With no RECORD, renders the embedded sample record. A folder stands for every .yaml,
    .yml and .json file in it. Several records are rendered side by side in worker
    processes, with a progress bar on a terminal; a record that fails does not stop the
    others: each failure is reported, then how many failed, and the exit code is the first
    failure's. The folder's manifest.json lists every file written.
    """
    from memo_gen.pipeline import record_sources

    sources: list[str | None] = [*record_sources(records)] or [None]
    _render(sources, ["docx", "pdf"], options)


@cli.command()
@click.argument("record", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@render_options
@pdf_options
def watch(record: Path, **options: Any) -> None:
    """Render a record's documents in both formats, then again each time the record (or a
    file of --template-dir) is saved, until Ctrl-C.

    Each render writes the files and manifest.json as `build` does. A save that does not
    render (a broken record or template) prints its problems, with their line numbers, and
    leaves the files of the last good render in place; the next save renders again.
    """
    import time

    from memo_gen.watch import Render
    from memo_gen.watch import watch as watch_record

    ctx = click.get_current_context()
    settings = _settings(("docx", "pdf"), options)
    watched = " and ".join(str(p) for p in (record, options["template_dir"]) if p)

    good = False  # whether a render has written files

    def check() -> None:
        # An interruption dropped (see _unraisable) or turned into an error by a library:
        # still Ctrl-C.
        if _signals:
            raise Interrupted(_signals[0])

    def rendered(render: Render) -> None:
        nonlocal good
        check()
        now = time.strftime("%H:%M:%S")
        if render.result is not None and render.outcome is not None:
            good = True
            for warning in (*render.result.warnings, *render.outcome.warnings):
                click.echo(f"Warning: {warning}", err=True)
            count = len(render.outcome.paths)
            click.echo(
                f"{now} rendered {count} files into {settings.output_dir} "
                f"({render.seconds * 1000:.0f} ms)"
            )
        elif render.error is not None:
            report(render.error)
            kept = "the last good files stay in place" if good else "nothing written"
            click.echo(f"{now} not rendered ({kept}); waiting for the next save", err=True)
        if render.number == 1:
            click.echo(f"Watching {watched} for saves; Ctrl-C to stop", err=True)

    try:
        watch_record(record, settings, rendered, check=check)
    except KeyboardInterrupt:
        ctx.exit(_told_interrupted(_first_signal(), "; stopped watching"))


@cli.command()
@click.argument(
    "folder",
    required=False,
    default=Path("out"),
    metavar="[DIR]",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--trust",
    multiple=True,
    metavar="CERT",
    type=click.Path(path_type=Path),
    help="A trust root (PEM or DER certificate file; a PEM file may hold several): a signer's "
    "certificate must lead to one of them. Repeatable.",
)
def verify(folder: Path, trust: tuple[Path, ...]) -> None:
    """Check the files in DIR (default: out) against its manifest.json, and the signatures
    of signed PDFs.

    Prints OK and the name of each file that matches, and under a signed PDF what was
    checked of its signature. A signature must be intact and cover the entire file (nothing
    changed or added after signing), and its certificate must have been valid at the signing
    time the signature states; with --trust, its chain must lead to one of the certificates
    given. Without --trust the signer is shown, not checked against a trust root. Nothing is
    fetched from the network (no revocation check).

    Exits 8, naming each file that is missing, differs from the manifest or is not in it,
    has a signature that fails, has none where the manifest says signed, or has one where
    it says unsigned; 3 if the manifest or a --trust file is missing or broken.
    """
    from memo_gen.official.verify import verify_folder

    result = verify_folder(folder, trust)
    for name in result.passed:
        click.echo(f"OK  {name}")
        for signature in result.signatures.get(name, ()):
            click.echo(f"    {signature.summary()}")
    result.raise_for_problems()
    count = len(result.checked)
    files = "The 1 file" if count == 1 else f"All {count} files"
    click.echo(f"{files} listed match {result.manifest}")


_signals: list[int] = []
"""The interrupting signals received, in order."""

_ended = False
"""Set once the command has ended: a signal after that is recorded, not raised."""


def _interrupted(signum: int, frame: FrameType | None) -> None:
    _signals.append(signum)
    if not _ended:
        raise Interrupted(signum)


def _first_signal() -> int:
    # Not the exception's own number: ReportLab re-raises an exception as its class with
    # its message as the only argument ("paragraph text … caused exception 2").
    return _signals[0] if _signals else signal.SIGINT


def _unraisable(unraisable: Any) -> None:
    # An interruption raised where Python cannot raise it (a callback inside an import) is
    # dropped with a traceback on stderr; it is in _signals, and main() acts on it.
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``memo-gen`` script and ``python -m memo_gen``."""
    global _ended
    on_main_thread = threading.current_thread() is threading.main_thread()
    if on_main_thread:
        # Ctrl-C, SIGTERM and SIGHUP (the terminal closed) unwind as an exception, so that
        # the records finished are written and the exit code says what happened.
        for signum in HELD_SIGNALS:
            signal.signal(signum, _interrupted)
        sys.unraisablehook = _unraisable
    outcome: Any
    try:
        # Not standalone: an interruption that lands outside a command (while click reads
        # the arguments) is told as any other, not as click's "Aborted!".
        outcome = cli.main(args=argv, prog_name="memo-gen", standalone_mode=False)
    except (click.ClickException, click.Abort, KeyboardInterrupt) as exc:
        outcome = exc
    # No call between the command's end and this line, so no signal handler runs there.
    _ended = True
    code = _exit_code(outcome)
    if on_main_thread:
        # Everything is written and told. Python restores the default handlers as it exits,
        # and a Ctrl-C in those last milliseconds would kill the process without a word.
        for signum in HELD_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
    sys.exit(code)


def _exit_code(outcome: Any) -> int:
    """The exit code of a command that returned ``outcome`` or raised it, told on stderr."""
    if isinstance(outcome, click.ClickException):
        outcome.show()
        return outcome.exit_code
    if isinstance(outcome, click.Abort) and not _signals:
        click.echo("Aborted!", err=True)
        return 1
    if isinstance(outcome, (click.Abort, KeyboardInterrupt)):
        return _told_interrupted(_first_signal(), "")
    code = outcome if isinstance(outcome, int) else EXIT_OK
    if _signals and code != EXIT_SIGNAL_BASE + _signals[0]:
        # The interruption was dropped (see _unraisable) or turned into another error (a
        # record's, in a batch), and the command ran to its end.
        return _told_interrupted(_signals[0], " as the command finished")
    return code


def _told_interrupted(signum: int, when: str) -> int:
    click.echo(f"Error: interrupted ({signal.Signals(signum).name}){when}", err=True)
    return EXIT_SIGNAL_BASE + signum


if __name__ == "__main__":  # pragma: no cover
    main()
