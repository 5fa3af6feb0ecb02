"""Command-line front end: thin; every stage lives in its own module.

Exit codes: 0 clean, 1 errors in an input file, 2 usage errors (a bad option value too).

This package assembles the parser and dispatches; each command lives in its own module with
its parser arguments beside its handler: :mod:`~prozesskette.cli.check` (check, schema),
:mod:`~prozesskette.cli.render`, :mod:`~prozesskette.cli.exchange` (export, import) and
:mod:`~prozesskette.cli.diff`; :mod:`~prozesskette.cli.base` holds what they share.

Each command imports the stages it uses when it runs: this package is the top layer, so such
an import can neither point upward nor close a cycle, and ``prozesskette --help`` stays at
argparse's cost instead of paying 30 ms (errors, options, dataclasses) to 150 ms (every stage)
for imports it does not use (measured; tests/test_lint.py allows this for the CLI only). The
command modules are loaded for the parser, so they import no stage at their top.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from prozesskette import serve
from prozesskette.cli.base import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    FORMATS,
    Parser,
    translate_argparse,
)
from prozesskette.cli.check import add_check_arguments, run_check, run_schema
from prozesskette.cli.diff import add_diff_arguments, run_diff
from prozesskette.cli.exchange import add_exchange_arguments, run_export, run_import
from prozesskette.cli.render import add_render_arguments, run_render
from prozesskette.messages import _

__all__ = ["EXIT_ERRORS", "EXIT_OK", "EXIT_USAGE", "FORMATS", "main", "run"]


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
    parser = Parser(prog="prozesskette", description=_("Process chains as swimlane diagrams "
                                                       "with contact QR codes."))
    parser.add_argument("--version", action="store_true",
                        help=_("print the version of prozesskette and exit"))
    parser.add_argument("--debug", action="store_true", help=_("show tracebacks for bugs"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    add_check_arguments(commands)
    add_render_arguments(commands)
    add_exchange_arguments(commands)
    serve.add_arguments(commands.add_parser(
        "serve", help=_("live preview of chains in the browser, redrawn on every save")))
    add_diff_arguments(commands)
    return parser


def _cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return serve.run(args)


#: The handler of each command: (parsed arguments, standard output, standard error) → exit code.
_HANDLERS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "check": run_check, "schema": run_schema, "render": run_render, "export": run_export,
    "import": run_import, "serve": _cmd_serve, "diff": run_diff}


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the CLI in-process and return its exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    translate_argparse()
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
    from prozesskette.errors import ProzessketteError

    try:
        return _HANDLERS[args.command](args, out, err)
    except ProzessketteError as exc:
        for issue in exc.issues:
            err.write(issue.format() + "\n")
        return EXIT_ERRORS
    except KeyboardInterrupt:
        err.write(_("interrupted") + "\n")
        return 130
    except Exception as exc:  # a bug, not the user's mistake
        if args.debug:
            raise
        err.write(_("prozesskette: internal error: {kind}: {exc}").format(
            kind=type(exc).__name__, exc=exc) + "\n    " + _(
            "this is a bug in prozesskette; run again with --debug for details") + "\n")
        return 3


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    run()
