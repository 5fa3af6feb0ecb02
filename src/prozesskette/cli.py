"""Command-line front end: thin; every stage lives in its own module.

Exit codes: 0 clean, 1 errors in an input file, 2 usage errors (a bad option value too).

Each command imports the stages it uses when it runs: this module is the top layer, so such
an import can neither point upward nor close a cycle, and ``prozesskette --help`` stays at
argparse's cost instead of paying 30 ms (errors, options, dataclasses) to 150 ms (every stage)
for imports it does not use (measured; tests/test_lint.py allows this for the CLI only).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple, TextIO, cast

from prozesskette import serve

if TYPE_CHECKING:
    from pathlib import Path

    from prozesskette.changes import ChainDiff
    from prozesskette.errors import Issue
    from prozesskette.model import Chain
    from prozesskette.options import OptionError, OutputFormat, PngOptions

#: The formats of ``render -f`` (prozesskette.options.OutputFormat; tests/test_cli.py checks
#: that both say the same).
FORMATS = ("svg", "pdf", "png", "json", "html")

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _page_name(text: str) -> str:
    """Paper sizes are written in capitals (A3); accept a3 and " A3 " too."""
    return text.strip().upper()


#: The command-line flag of each render option, for error messages.
_FLAGS = {"direction": "--direction", "lane_order": "--lane-order", "qr": "--no-qr",
          "legend": "--no-legend", "compact": "--compact", "page": "--page",
          "landscape": "--landscape", "appendix": "--no-appendix", "dpi": "--dpi",
          "lang": "--lang"}


def _months(text: str) -> int:
    """``check --max-age``: a whole number of months, at least 1."""
    try:
        months = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a whole number of months; e.g. --max-age 12") from None
    if months < 1:
        raise argparse.ArgumentTypeError(f"{months}: give at least 1 month, e.g. --max-age 12")
    return months


def _version() -> str:
    """The installed distribution's version; the package's own when it runs from a source
    tree that was never installed."""
    from importlib import metadata

    try:
        return metadata.version("prozesskette")
    except metadata.PackageNotFoundError:
        from prozesskette import __version__

        return __version__


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="prozesskette", description="Process chains as swimlane diagrams "
                     "with contact QR codes.")
    parser.add_argument("--version", action="store_true",
                        help="print the version of prozesskette and exit")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for bugs")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="check chain files and summarise their interfaces")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    check.add_argument("--lang", action="append", metavar="TAG",
                       help="list the texts that have no translation into TAG (e.g. en, ar, "
                       "de-x-ls for Leichte Sprache); repeat for several")
    check.add_argument("--max-age", type=_months, metavar="MONTHS", default=None,
                       help="warn about contacts last checked more than MONTHS months ago "
                       "(their 'checked:' date), or never")

    commands.add_parser("schema", help="print the JSON Schema of the chain format")

    render = commands.add_parser("render", help="draw chains as SVG, PDF, PNG or layout JSON")
    render.add_argument("files", nargs="+", metavar="FILE")
    render.add_argument("-o", "--output", metavar="DIR_OR_FILE", default=None,
                        help="output folder, created when missing (default: beside each "
                        "input), or a file name ending in the format when one chain is "
                        "rendered to one file; an existing folder is always a folder")
    render.add_argument("-f", "--format", action="append",
                        choices=FORMATS,
                        help="output format; repeat for several (default: svg)")
    render.add_argument("--lang", metavar="TAG", action="append", default=None,
                        help="draw in this language of the chain's translations (e.g. en, ar, "
                        "de-x-ls), written as NAME.TAG.svg (the chain's own language keeps "
                        "NAME.svg); repeat for several; Arabic script is drawn right to left")
    render.add_argument("--direction", choices=("lr", "tb"), default=None,
                        help="lr: lanes as rows, time left to right; tb: lanes as columns")
    render.add_argument("--lane-order", choices=("file", "auto"), default="file",
                        help="keep the file's actor order, or reorder lanes for shorter hand-offs, "
                             "fewer columns and crossings")
    render.add_argument("--compact", action="store_true",
                        help="narrower chart: hand-offs past other steps stay in their column")
    render.add_argument("--no-qr", action="store_true", help="no contact QR codes")
    render.add_argument("--no-legend", action="store_true", help="no legend")
    render.add_argument("--page", default=None, metavar="SIZE", type=_page_name,
                        help="PDF page size A4…A0 (default: the smallest that keeps text >= 7 pt)")
    render.add_argument("--landscape", action="store_true", default=None,
                        help="PDF page in landscape (the default for the chart)")
    render.add_argument("--portrait", dest="landscape", action="store_false",
                        help="PDF page in portrait")
    render.add_argument("--focus", metavar="ACTOR[,ACTOR…]", default=None,
                        help="one institution's view: the actors' lanes, the lanes they hand "
                             "over to or receive from, stubs for the rest; 'all' writes one "
                             "file per actor (NAME-ACTOR.svg …)")
    render.add_argument("--no-appendix", action="store_true",
                        help="PDF: only the chart, no Schnittstellenpapier pages")
    render.add_argument("--dpi", type=int, default=150,
                        help="PNG: pixels per inch of the chart at its own size (default 150)")
    render.add_argument("-q", "--quiet", dest="quiet_output", action="store_true",
                        help="print problems only")

    export = commands.add_parser("export", help="write a chain as BPMN 2.0, DOT, Mermaid, "
                                                "a diagrams.net (draw.io) file or an XLSX "
                                                "workbook")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--to", required=True,
                        choices=("bpmn", "dot", "mermaid", "drawio", "xlsx"),
                        help="xlsx: the workshop tables (needs -o FILE.xlsx)")
    export.add_argument("-o", "--output", metavar="OUT", default=None,
                        help="output file (default: standard output)")
    export.add_argument("--direction", choices=("lr", "tb"), default=None,
                        help="BPMN, drawio: lay out with lanes as rows (lr) or columns (tb)")
    export.add_argument("--lane-order", choices=("file", "auto"), default="file")

    importer = commands.add_parser("import", help="turn a BPMN 2.0 file, an XLSX workbook or a "
                                   "CSV steps table into a chain (YAML)")
    importer.add_argument("file", metavar="FILE.bpmn|FILE.xlsx|FILE.csv")
    importer.add_argument("-o", "--output", metavar="OUT.yaml", default=None,
                          help="output file (default: standard output)")
    serve.add_arguments(commands.add_parser(
        "serve", help="live preview of chains in the browser, redrawn on every save"))
    diff = commands.add_parser(
        "diff", help="what changed between two versions of a chain (exit 0: none, 1: some, "
        "2: trouble)")
    diff.add_argument("old", metavar="OLD", help="the old version; may be FILE@REV (the file "
                      "at a git revision, read-only); with --since: the file")
    diff.add_argument("new", metavar="NEW", nargs="?", default=None, help="the new version")
    diff.add_argument("--since", metavar="REV", default=None,
                      help="compare the file with its version at git revision REV")
    diff.add_argument("-o", "--output", metavar="OUT", default=None,
                      help="also draw the new chart with the changes marked: OUT.html, "
                      "OUT.svg or OUT.pdf")
    diff.add_argument("--lang", metavar="TAG", default=None,
                      help="draw in this language of the chain's translations")
    return parser


def _summary(chain: object, out: TextIO) -> None:
    from prozesskette.analysis import analyse
    from prozesskette.model import Chain

    assert isinstance(chain, Chain)
    analysis = analyse(chain)
    names = {actor.id: actor.short or actor.name for actor in chain.actors}
    out.write(f"  {chain.title}: {len(chain.steps)} steps, {len(chain.actors)} actors, "
              f"{len(chain.phases)} phases\n")
    out.write(f"  interfaces: {len(analysis.handoffs)} hand-offs, "
              f"{len(analysis.shared_steps)} shared steps\n")
    for (source, target), count in analysis.handoff_pairs().items():
        times = f" ({count}×)" if count > 1 else ""
        out.write("    " + " + ".join(names[a] for a in source) + " → "
                  + " + ".join(names[a] for a in target) + f"{times}\n")
    for shared in analysis.shared_steps:
        out.write(f"    {shared.step}: " + " + ".join(names[a] for a in shared.actors) + "\n")
    out.write(f"  overlaps: {len(analysis.overlaps)}\n")
    for overlap in analysis.overlaps:
        out.write(f"    {overlap.title}: " + ", ".join(names[a] for a in overlap.actors)
                  + " (" + ", ".join(overlap.steps) + ")\n")


def _cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from prozesskette.graph import check_contact_age, load_with_issues

    status = EXIT_OK
    for file in args.files:
        chain, issues = load_with_issues(file)
        if chain is not None and args.max_age is not None:
            issues = sorted([*issues, *check_contact_age(chain, args.max_age)])
        for issue in issues:
            if args.quiet and issue.severity == "note":
                continue
            err.write(issue.format() + "\n")
        errors = sum(issue.is_error for issue in issues)
        warnings = sum(issue.severity == "warning" for issue in issues)
        follow_ons = sum(issue.is_follow_on for issue in issues)  # counted apart from causes
        if errors or chain is None:
            status = EXIT_ERRORS
            err.write(f"{file}: {errors} error(s), {warnings} warning(s)\n" if not follow_ons
                      else f"{file}: {errors} error(s), {warnings} warning(s); "
                      f"{follow_ons} follow-on note(s)\n")
            continue
        if not args.quiet:
            out.write(f"{file}: ok" + (f", {warnings} warning(s)" if warnings else "") + "\n")
            _summary(chain, out)
            if args.max_age is not None:
                _contacts_summary(chain, args.max_age, issues, out)
        for language in args.lang or ():
            _untranslated(chain, language, args.quiet, out, err)
    return status


def _contacts_summary(chain: Chain, max_age: int, issues: list[Issue], out: TextIO) -> None:
    """``check --max-age``: how many contacts are current, after the warnings that name the
    others."""
    total = sum(len(actor.contacts) for actor in chain.actors)
    counts = {code: sum(issue.code == code for issue in issues)
              for code in ("contact-old", "contact-unchecked", "contact-checked-later")}
    others = "".join(f", {counts[code]} {what}" for code, what in (
        ("contact-old", "older"), ("contact-unchecked", "never checked"),
        ("contact-checked-later", "dated after today")) if counts[code])
    out.write(f"  contacts: {total - sum(counts.values())} of {total} checked within "
              f"{max_age} month(s){others}\n")


def _untranslated(chain: object, language: str, quiet: bool, out: TextIO,
                  err: TextIO) -> None:
    from prozesskette.i18n import languages, localise
    from prozesskette.markup import language_problem
    from prozesskette.model import Chain

    assert isinstance(chain, Chain)
    problem = language_problem(language)
    if problem:
        err.write(f"prozesskette: warning: --lang {problem}\n")
        return
    _, missing = localise(chain, language)
    for issue in missing:
        err.write(issue.format() + "\n")
    if not quiet:
        given = ", ".join(languages(chain))
        status = "complete" if not missing else f"{len(missing)} text(s) untranslated"
        out.write(f"  {language}: {status} (the chain has texts in {given})\n")


def _render_options(args: argparse.Namespace, kind: str) -> PngOptions:
    """The API options for rendering one format (checked before any file is drawn)."""
    options: PngOptions = {"lane_order": args.lane_order}
    if args.direction:
        options["direction"] = args.direction
    if args.no_qr:
        options["qr"] = False
    if args.no_legend:
        options["legend"] = False
    if args.compact:
        options["compact"] = True
    if kind in ("pdf", "png"):
        if args.page:
            options["page"] = args.page
        if args.landscape is not None:
            options["landscape"] = args.landscape
        if args.no_appendix or kind == "png":
            options["appendix"] = False
    if kind == "png":
        options["dpi"] = args.dpi
    return options


def _option_error(error: OptionError, err: TextIO) -> int:
    """A bad option value is a usage error: name the flag, the value and what is allowed."""
    flag = _FLAGS.get(error.option, error.option)
    err.write(f"prozesskette: error: {flag} {error.value}: not allowed\n"
              f"    hint: use {error.allowed.removesuffix(' or None')}\n")
    return EXIT_USAGE


def _cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return serve.run(args)


class _Target(NamedTuple):
    """Where ``render -o`` puts its files: into ``folder`` (None: beside each input), or into
    the one ``file`` it names; ``create``: the folder (or the file's folder) is to be made."""

    folder: Path | None
    file: Path | None
    create: bool


def _target(args: argparse.Namespace, formats: list[str], languages: list[str | None],
            err: TextIO) -> _Target | None:
    """Read ``-o``: an existing folder is a folder whatever its name (``out.svg/``); a name
    ending in a format's suffix is a file; any other new name is a folder to make, with its
    parents (as ``mkdir -p``: a new folder for the outputs is what a user means). None after a
    usage error."""
    from pathlib import Path

    if not args.output:
        return _Target(None, None, False)
    target = Path(args.output)
    if target.is_dir():
        return _Target(target, None, False)
    if target.suffix.lower().lstrip(".") in FORMATS and not args.output.endswith(("/", "\\")):
        several = (len(args.files) > 1 or len(formats) > 1 or len(languages) > 1
                   or (args.focus or "").strip() == "all")
        if several:
            err.write("prozesskette: error: -o names a file, but several outputs would be "
                      "written; give a folder instead\n")
            return None
        return _Target(None, target, not target.parent.is_dir())
    if target.exists():
        err.write(f"prozesskette: error: -o {target} is a file, not a folder\n"
                  "    hint: name a folder, or a file ending in .svg, .pdf, .png, .json or "
                  ".html\n")
        return None
    return _Target(target, None, True)


def _languages(args: argparse.Namespace, err: TextIO) -> list[str | None] | None:
    """The ``--lang`` tags in the order given, once each ([None]: the chain's own language);
    None after a usage error."""
    if not args.lang:
        return [None]
    from prozesskette.markup import language_problem

    for language in args.lang:
        problem = language_problem(language)
        if problem:
            err.write(f"prozesskette: error: --lang {problem}\n"
                      "    hint: use a tag such as de, en, ar, uk, fa, ti or de-x-ls\n")
            return None
    return list(dict.fromkeys(args.lang))


def _language_suffix(chain: Chain, language: str | None) -> str:
    """".en" in ``NAME.en.svg``; none for the chain's own language, so that its file keeps
    the plain name whether or not ``--lang`` names it."""
    if language is None or language.lower() == chain.language.lower():
        return ""
    return "." + language


def _cmd_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pathlib import Path

    from prozesskette.errors import ProzessketteError
    from prozesskette.graph import load_with_issues
    from prozesskette.options import OptionError, PngOptions, check_options

    formats = cast("list[OutputFormat]", list(dict.fromkeys(args.format or ["svg"])))
    languages = _languages(args, err)
    target = _target(args, list(formats), languages, err) if languages is not None else None
    if languages is None or target is None:
        return EXIT_USAGE
    options = {kind: _render_options(args, kind) for kind in formats}
    try:
        for given in options.values():
            check_options(PngOptions, given, "render")
    except OptionError as error:
        return _option_error(error, err)
    if "png" in formats and not _png_available(err):
        return EXIT_USAGE
    if target.create and not _made_folder(target, args.quiet_output, err):
        return EXIT_USAGE
    status = EXIT_OK
    total = len(args.files)
    for number, file in enumerate(args.files, start=1):
        chain, issues = load_with_issues(file)
        for issue in issues:
            if issue.severity != "note":
                err.write(issue.format() + "\n")
        if chain is None or any(issue.is_error for issue in issues):
            status = EXIT_ERRORS
            continue
        try:
            views = _focus_views(chain, args.focus)
        except ProzessketteError as exc:
            for issue in exc.issues:
                err.write(issue.format() + "\n")
            status = EXIT_ERRORS
            continue
        folder = target.folder or Path(file).parent
        for language in languages:
            drawn = chain if language is None else _in_language(chain, language, err)
            name = Path(file).stem
            for suffix, focus in views:
                for kind in formats:
                    path = target.file or folder / (
                        f"{name}{suffix}{_language_suffix(chain, language)}.{kind}")
                    view: PngOptions = {**options[kind], "focus": focus} if focus \
                        else options[kind]
                    written = _render_file(drawn, path, kind, view, args.quiet_output, err)
                    if written != EXIT_OK:
                        if written == EXIT_USAGE:
                            return written
                        status = written
                        continue
                    if total > 1:
                        err.write(f"[{number}/{total}] ")
                    if total > 1 or not args.quiet_output:
                        err.write(f"{file} → {path}\n")
    return status


def _made_folder(target: _Target, quiet: bool, err: TextIO) -> bool:
    """Make the output folder of ``-o`` (with its parents); False after saying why not (a
    file in the way, no permission)."""
    folder = target.folder or (target.file.parent if target.file else None)
    assert folder is not None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err.write(f"prozesskette: error: cannot create the output folder {folder}: "
                  f"{exc.strerror or exc}\n")
        return False
    if not quiet:
        err.write(f"created folder {folder}\n")
    return True


def _png_available(err: TextIO) -> bool:
    """Whether the ``png`` extra is installed; if not, say how to install it (a usage error:
    the user can fix it, it is no bug)."""
    from prozesskette.renderers.png import PngUnavailableError, require_png

    try:
        require_png()
    except PngUnavailableError as exc:
        err.write(f"prozesskette: error: {exc}\n")
        return False
    return True


@contextmanager
def _notes() -> Iterator[list[str]]:
    """The notes (automatic fixes, logged at INFO on the ``prozesskette`` logger, see
    :mod:`prozesskette.printing`) made while the block runs."""
    import logging

    notes: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            notes.append(record.getMessage())

    logger = logging.getLogger("prozesskette")
    handler, level = Collect(logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield notes
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _focus_views(chain: Chain, focus: str | None) -> list[tuple[str, str | None]]:
    """(file-name suffix, focus) of each drawing of ``render``: the whole chain; the view of
    the named actors; or, for ``--focus all``, one view per actor that has steps."""
    if not focus:
        return [("", None)]
    from prozesskette.focus import ALL_ACTORS, actors_with_steps, focus_ids

    if focus.strip() == ALL_ACTORS:
        return [("-" + actor, actor) for actor in actors_with_steps(chain)]
    ids = focus_ids(chain, focus)
    return [("-" + "-".join(ids), ",".join(ids))]


def _render_file(chain: Chain, path: Path, kind: OutputFormat, options: PngOptions,
                 quiet: bool, err: TextIO) -> int:
    """Draw one output file; warnings, errors and (unless ``quiet``) notes go to ``err``
    located at the file."""
    import warnings

    from prozesskette.api import render
    from prozesskette.errors import ProzessketteError
    from prozesskette.options import OptionError
    from prozesskette.renderers.png import PngUnavailableError

    try:
        with warnings.catch_warnings(record=True) as caught, _notes() as notes:
            warnings.simplefilter("always")
            render(chain, path, format=kind, **options)
        for warning in caught:
            err.write(f"{path}: warning: {warning.message}\n")
        if not quiet:
            err.writelines(f"{path}: note: {note}\n" for note in notes)
    except OptionError as error:  # checked before; kept so it can never read as exit 1
        return _option_error(error, err)
    except PngUnavailableError as exc:  # checked before too (Pillow may fail on its own)
        err.write(f"prozesskette: error: {exc}\n")
        return EXIT_USAGE
    except ProzessketteError as exc:
        for issue in exc.issues:
            err.write(issue.format() + "\n")
        return EXIT_ERRORS
    return EXIT_OK


_SHOWN_UNTRANSLATED = 8


def _in_language(chain: Chain, language: str, err: TextIO) -> Chain:
    """The chain in ``language``, telling which texts fall back to the chain's language."""
    from prozesskette.i18n import localise

    localised, missing = localise(chain, language)
    for issue in missing[:_SHOWN_UNTRANSLATED]:
        err.write(issue.format() + "\n")
    if len(missing) > _SHOWN_UNTRANSLATED:
        err.write(f"… and {len(missing) - _SHOWN_UNTRANSLATED} more untranslated texts; "
                  f"`prozesskette check --lang {language} FILE` lists them all\n")
    return localised


def _emit(text: str, output: str | None, out: TextIO) -> None:
    if output is None:
        out.write(text)
    else:
        from prozesskette.output import write_atomic

        write_atomic(output, text)


def _cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from prozesskette.graph import load_with_issues

    if args.to == "xlsx" and not args.output:
        err.write("prozesskette: error: --to xlsx writes a binary file: name it with -o\n"
                  "    hint: prozesskette export FILE --to xlsx -o FILE.xlsx\n")
        return EXIT_USAGE
    chain, issues = load_with_issues(args.file)
    for issue in issues:
        if issue.severity != "note":
            err.write(issue.format() + "\n")
    if chain is None or any(issue.is_error for issue in issues):
        return EXIT_ERRORS
    if args.to == "xlsx":
        from prozesskette.export import to_xlsx
        from prozesskette.output import write_atomic

        write_atomic(args.output, to_xlsx(chain))
        return EXIT_OK
    if args.to == "bpmn":
        from prozesskette.export import to_bpmn
        from prozesskette.layout import layout_chain

        options: dict[str, object] = {"lane_order": args.lane_order}
        if args.direction:
            options["direction"] = args.direction
        text = to_bpmn(chain, layout_chain(chain, **options))
    elif args.to == "drawio":
        from prozesskette.export import to_drawio
        from prozesskette.layout import layout_chain

        drawio_options: dict[str, object] = {"lane_order": args.lane_order}
        if args.direction:
            drawio_options["direction"] = args.direction
        text = to_drawio(chain, layout_chain(chain, **drawio_options))
    elif args.to == "dot":
        from prozesskette.export import to_dot

        text = to_dot(chain)
    else:
        from prozesskette.export import to_mermaid

        text = to_mermaid(chain)
    _emit(text, args.output, out)
    return EXIT_OK


def _cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from prozesskette.export import chain_to_yaml, from_bpmn
    from prozesskette.graph import check_chain

    if args.file.lower().endswith((".xlsx", ".xlsm", ".csv")):
        from prozesskette.export.sheets import import_sheet

        return import_sheet(args.file, args.output, out, err)

    chain, issues = from_bpmn(args.file)
    issues = sorted([*issues, *check_chain(chain)])
    for issue in issues:
        if issue.severity != "note":
            err.write(issue.format() + "\n")
    _emit(chain_to_yaml(chain), args.output, out)
    return EXIT_ERRORS if any(issue.is_error for issue in issues) else EXIT_OK


def _user_language() -> str:
    """German when the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set starts with
    "de", else English (until gettext arrives)."""
    import os

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def _diff_versions(args: argparse.Namespace, err: TextIO) -> tuple[str, str, str] | None:
    """OLD, NEW and the old version's git revision ("" for a file), or None (usage error)."""
    from prozesskette.changes import split_revision

    if args.since is not None:
        if args.new is not None:
            err.write("prozesskette diff: error: with --since give one file: "
                      "prozesskette diff --since REV FILE\n")
            return None
        return args.old, args.old, args.since
    if args.new is None:
        err.write("prozesskette diff: error: give two versions: prozesskette diff OLD NEW "
                  "(OLD may be FILE@REV), or prozesskette diff --since REV FILE\n")
        return None
    old, revision = split_revision(args.old)
    return old, args.new, revision or ""


def _write_diff_summary(changes: ChainDiff, compared: str, out: TextIO) -> None:
    """The differences, one a line with its old and new values, in the user's language."""
    from prozesskette.changes import SIGNS, describe_diff
    from prozesskette.words import words_for

    language = _user_language()
    words = words_for("diff", language)
    sections = describe_diff(changes, language)
    count = sum(len(section.items) for section in sections)
    out.write(f"{compared}: " + (words["count"].format(count) if count else words["none"])
              + "\n")
    for section in sections:
        out.write(f"{section.heading}:\n")
        for item in section.items:
            out.write(f"  {SIGNS[item.kind]} {item.text}\n")
            out.writelines(f"      {detail}\n" for detail in item.details)


def _cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from prozesskette import api
    from prozesskette.changes import diff_chains, revision_text
    from prozesskette.errors import ProzessketteError
    from prozesskette.graph import load_with_issues
    from prozesskette.output import write_atomic

    versions = _diff_versions(args, err)
    suffix = (args.output or ".html").rsplit(".", 1)[-1].lower()
    if versions is None or suffix not in ("html", "svg", "pdf"):
        if versions is not None:
            err.write("prozesskette diff: error: -o must end in .html, .svg or .pdf\n")
        return EXIT_USAGE
    old_path, new_path, revision = versions
    old_name = f"{old_path}@{revision}" if revision else old_path
    try:
        old_source = revision_text(old_path, revision) if revision else old_path
        chains = []
        for source, name in ((old_source, old_name), (new_path, new_path)):
            chain, issues = load_with_issues(source, filename=name)
            errors = [issue for issue in issues if issue.is_error]
            for issue in errors:
                err.write(issue.format() + "\n")
            if chain is None or errors:
                return EXIT_USAGE
            chains.append(chain)
        changes = diff_chains(chains[0], chains[1])
        _write_diff_summary(changes, f"{old_name} → {new_path}", out)
        if args.output:
            options = {"lang": args.lang} if args.lang else {}
            import warnings

            data: str | bytes
            with warnings.catch_warnings(record=True) as caught, _notes() as notes:
                warnings.simplefilter("always")  # print problems, not code
                if suffix == "pdf":
                    data = api.to_diff_pdf(chains[0], chains[1], compared=old_name, **options)
                elif suffix == "svg":
                    data = api.to_diff_svg(chains[0], chains[1], **options)
                else:
                    data = api.to_diff_html(chains[0], chains[1], **options)
            err.writelines(f"{args.output}: warning: {w.message}\n" for w in caught)
            err.writelines(f"{args.output}: note: {note}\n" for note in notes)
            write_atomic(args.output, data)
            err.write(f"wrote {args.output}\n")
    except ProzessketteError as exc:  # trouble, not a difference: exit 2 as diff(1) does
        for issue in exc.issues:
            err.write(issue.format() + "\n")
        return EXIT_USAGE
    return EXIT_ERRORS if changes else EXIT_OK


def _cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from prozesskette.schema import schema_json

    out.write(schema_json())
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the CLI in-process and return its exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.version:
        out.write(f"prozesskette {_version()}\n")
        return EXIT_OK
    if args.command is None:
        parser.print_help(err)
        return EXIT_USAGE
    handlers = {"check": _cmd_check, "schema": _cmd_schema, "render": _cmd_render,
                "export": _cmd_export, "import": _cmd_import,
                "serve": _cmd_serve, "diff": _cmd_diff}
    from prozesskette.errors import ProzessketteError

    try:
        return handlers[args.command](args, out, err)
    except ProzessketteError as exc:
        for issue in exc.issues:
            err.write(issue.format() + "\n")
        return EXIT_ERRORS
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
    except Exception as exc:  # a bug, not the user's mistake
        if args.debug:
            raise
        err.write(f"prozesskette: internal error: {type(exc).__name__}: {exc}\n"
                  "    this is a bug in prozesskette; run again with --debug for details\n")
        return 3


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    run()
