"""``prozesskette serve``: a live preview of chains in the browser, for workshops.

The command line wires two functions: :func:`add_arguments` fills the ``serve`` sub-parser and
:func:`run` runs it. The web stack (starlette, uvicorn, watchfiles) is the optional extra
``serve``; without it :func:`run` names the extra and returns 2.
"""

from __future__ import annotations

import argparse
import sys
from importlib.util import find_spec

from prozesskette.messages import _

__all__ = ["EXTRA_MODULES", "add_arguments", "missing_modules", "run"]

EXIT_USAGE = 2
EXTRA_MODULES = ("starlette", "uvicorn", "watchfiles")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``prozesskette serve``."""
    parser.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help=_("a chain file or a folder of chains (default: the current folder)"))
    parser.add_argument("--port", type=int, default=8000, help=_("port (default: 8000)"))
    parser.add_argument("--host", default="127.0.0.1",
                        help=_("address to listen on (default: 127.0.0.1, only this computer); "
                        "another address lets anyone on the network read the chains"))
    parser.add_argument("--open", action="store_true", help=_("open the page in the browser"))
    parser.add_argument("--focus", metavar="ACTOR[,ACTOR…]", default=None,
                        help=_("show each chain as seen from these actors (their lanes, their "
                        "hand-off partners' and stubs for the rest) unless the page chooses "
                        "another view; ids no chain has are an error"))


def missing_modules() -> list[str]:
    """The modules of the ``serve`` extra that are not installed."""
    return [name for name in EXTRA_MODULES if find_spec(name) is None]


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; the exit code (2 when the extra is missing or PATH does not
    exist)."""
    missing = missing_modules()
    if missing:
        print(_("prozesskette serve needs {modules}: pip install 'prozesskette[serve]'").format(
            modules=", ".join(missing)), file=sys.stderr)
        return EXIT_USAGE
    # Imported here, not at the top: the app imports the optional web stack at its top, and
    # this module must load without it to print the message above; pathlib costs every
    # `--help` 3 ms (urllib, ipaddress).
    from pathlib import Path

    from prozesskette.serve.app import serve

    return serve(Path(args.path), args.host, args.port, args.open, args.focus)
