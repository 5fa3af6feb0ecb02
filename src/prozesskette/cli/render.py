"""``prozesskette render``: draw chains as SVG, PDF, PNG, HTML or layout JSON: where the
files go (``-o``), in which languages, which focus views, and the notes and warnings of each
drawing."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, NamedTuple, TextIO, cast

from prozesskette.cli.base import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, FORMATS, collect_notes
from prozesskette.messages import _

if TYPE_CHECKING:
    from pathlib import Path

    from prozesskette.cli.base import Commands
    from prozesskette.model import Chain
    from prozesskette.options import OptionError, OutputFormat, PngOptions


def _page_name(text: str) -> str:
    """Paper sizes are written in capitals (A3); accept a3 and " A3 " too."""
    return text.strip().upper()


#: The command-line flag of each render option, for error messages.
_FLAGS = {"direction": "--direction", "lane_order": "--lane-order", "qr": "--no-qr",
          "legend": "--no-legend", "compact": "--compact", "page": "--page",
          "landscape": "--landscape", "appendix": "--no-appendix", "dpi": "--dpi",
          "lang": "--lang", "split": "--split"}


def add_render_arguments(commands: Commands) -> None:
    """The ``render`` command and its options."""
    render = commands.add_parser("render", help=_("draw chains as SVG, PDF, PNG or layout JSON"))
    render.add_argument("files", nargs="+", metavar="FILE")
    render.add_argument("-o", "--output", metavar="DIR_OR_FILE", default=None,
                        help=_("output folder, created when missing (default: beside each "
                        "input), or a file name ending in the format when one chain is "
                        "rendered to one file; an existing folder is always a folder"))
    render.add_argument("-f", "--format", action="append",
                        choices=FORMATS,
                        help=_("output format; repeat for several (default: svg)"))
    render.add_argument("--lang", metavar="TAG", action="append", default=None,
                        help=_("draw in this language of the chain's translations (e.g. en, ar, "
                        "de-x-ls), written as NAME.TAG.svg (the chain's own language keeps "
                        "NAME.svg); repeat for several; Arabic script is drawn right to left"))
    render.add_argument("--direction", choices=("lr", "tb"), default=None,
                        help=_("lr: lanes as rows, time left to right; tb: lanes as columns"))
    render.add_argument("--lane-order", choices=("file", "auto"), default=None,
                        help=_("keep the file's actor order, or reorder lanes for shorter "
                               "hand-offs, fewer columns and crossings"))
    render.add_argument("--compact", action="store_true",
                        help=_("narrower chart: hand-offs past other steps stay in their column"))
    render.add_argument("--no-qr", action="store_true", help=_("no contact QR codes"))
    render.add_argument("--no-legend", action="store_true", help=_("no legend"))
    render.add_argument("--page", default=None, metavar="SIZE", type=_page_name,
                        help=_("PDF page size A4…A0 (default: the smallest that keeps text "
                               ">= 7 pt)"))
    render.add_argument("--landscape", action="store_true", default=None,
                        help=_("PDF page in landscape (the default for the chart)"))
    render.add_argument("--portrait", dest="landscape", action="store_false",
                        help=_("PDF page in portrait"))
    render.add_argument("--split", choices=("auto", "phases", "none"), default="auto",
                        help=_("PDF: spread a chart over a page set, with continuation markers "
                               "and an overview map: auto (when one page would print below "
                               "7 pt; default), phases (a page or more per phase), none"))
    render.add_argument("--focus", metavar="ACTOR[,ACTOR…]", default=None,
                        help=_("one institution's view: the actors' lanes, the lanes they hand "
                             "over to or receive from, stubs for the rest; 'all' writes one "
                             "file per actor (NAME-ACTOR.svg …)"))
    render.add_argument("--no-appendix", action="store_true",
                        help=_("PDF: only the chart, no Schnittstellenpapier pages"))
    render.add_argument("--dpi", type=int, default=150,
                        help=_("PNG: pixels per inch of the chart at its own size (default 150)"))
    render.add_argument("-q", "--quiet", dest="quiet_output", action="store_true",
                        help=_("print problems only"))


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
        if kind == "pdf" and args.split != "auto":
            options["split"] = args.split
    if kind == "png":
        options["dpi"] = args.dpi
    return options


def _option_error(error: OptionError, err: TextIO) -> int:
    """A bad option value is a usage error: name the flag, the value and what is allowed."""
    flag = _FLAGS.get(error.option, error.option)
    err.write(_("prozesskette: error: {flag} {value}: not allowed").format(
        flag=flag, value=error.value) + "\n    " + _("hint: {hint}").format(
        hint=_("use {allowed}").format(allowed=error.allowed.removesuffix(" or None"))) + "\n")
    return EXIT_USAGE


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
            err.write(_("prozesskette: error: -o names a file, but several outputs would be "
                        "written; give a folder instead") + "\n")
            return None
        return _Target(None, target, not target.parent.is_dir())
    if target.exists():
        err.write(_("prozesskette: error: -o {target} is a file, not a folder").format(
            target=target) + "\n    " + _("hint: {hint}").format(
            hint=_("name a folder, or a file ending in .svg, .pdf, .png, .json or .html"))
            + "\n")
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
            err.write(_("prozesskette: error: --lang {problem}").format(problem=problem)
                      + "\n    " + _("hint: {hint}").format(
                          hint=_("use a tag such as de, en, ar, uk, fa, ti or de-x-ls")) + "\n")
            return None
    return list(dict.fromkeys(args.lang))


def _language_suffix(chain: Chain, language: str | None) -> str:
    """".en" in ``NAME.en.svg``; none for the chain's own language, so that its file keeps
    the plain name whether or not ``--lang`` names it."""
    if language is None or language.lower() == chain.language.lower():
        return ""
    return "." + language


def run_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``render FILE…``: every option is checked before the first file is drawn, so a typo
    costs no half-written output folder."""
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
        err.write(_("prozesskette: error: cannot create the output folder {folder}: "
                    "{reason}").format(folder=folder, reason=exc.strerror or exc) + "\n")
        return False
    if not quiet:
        err.write(_("created folder {folder}").format(folder=folder) + "\n")
    return True


def _png_available(err: TextIO) -> bool:
    """Whether the ``png`` extra is installed; if not, say how to install it (a usage error:
    the user can fix it, it is no bug)."""
    from prozesskette.renderers.png import PngUnavailableError, require_png

    try:
        require_png()
    except PngUnavailableError as exc:
        err.write(_("prozesskette: error: {message}").format(message=exc) + "\n")
        return False
    return True


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
        printed = kind in ("pdf", "png")
        with warnings.catch_warnings(record=True) as caught, collect_notes(printed) as notes:
            warnings.simplefilter("always")
            render(chain, path, format=kind, **options)
        for warning in caught:
            err.write(_("{file}: warning: {message}").format(file=path, message=warning.message)
                      + "\n")
        if not quiet:
            err.writelines(_("{file}: note: {message}").format(file=path, message=note) + "\n"
                           for note in notes)
    except OptionError as error:  # checked before; kept so it can never read as exit 1
        return _option_error(error, err)
    except PngUnavailableError as exc:  # checked before too (Pillow may fail on its own)
        err.write(_("prozesskette: error: {message}").format(message=exc) + "\n")
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
        err.write(_("… and {count} more untranslated texts; `prozesskette check --lang "
                    "{language} FILE` lists them all").format(
                        count=len(missing) - _SHOWN_UNTRANSLATED, language=language) + "\n")
    return localised
