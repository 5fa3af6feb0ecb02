"""What the commands share: the output formats, the exit codes, the parser class and the
type of the subcommand list each command adds its parser to, and the notes collected while drawing.

Kept free of stage imports: ``prozesskette --help`` loads this module (see the package's
docstring)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from prozesskette.messages import _, ngettext

#: The formats of ``render -f`` (prozesskette.options.OutputFormat; tests/test_cli.py checks
#: that both say the same).
FORMATS = ("svg", "pdf", "png", "json", "html")

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


#: argparse's own words that a user of our commands can see, kept in the German catalogue
#: under ``#: argparse`` (tests/test_messages.py checks that argparse still uses each of them).
ARGPARSE_WORDS = (
    "usage: ", "positional arguments", "options", "show this help message and exit",
    "argument %(argument_name)s: %(message)s", "unrecognized arguments: %s",
    "the following arguments are required: %s", "expected one argument",
    "expected at most one argument", "expected at least one argument",
    "ambiguous option: %(option)s could match %(matches)s", "invalid %(type)s value: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)", "not allowed with argument %s",
    "one of the arguments %s is required", "ignored explicit argument %r",
    "can't open '%(filename)s': %(error)s")


def translate_argparse() -> None:
    """Let argparse speak the user's language too.

    argparse looks its words up in gettext's default domain, which no catalogue on the
    machine serves for us, so a German ``--help`` would still say "usage:" and "options".
    The command line owns its process, so it points argparse's lookups at our catalogue,
    whose German part carries :data:`ARGPARSE_WORDS`. The library never does this.
    """
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with EXIT_USAGE."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(_("{prog}: error: {message}").format(prog=self.prog, message=message),
              file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


if TYPE_CHECKING:
    from typing import TypeAlias

    #: What ``Parser.add_subparsers`` returns; each command adds its parser to it.
    Commands: TypeAlias = argparse._SubParsersAction[Parser]


@contextmanager
def collect_notes(printed: bool = True) -> Iterator[list[str]]:
    """The notes (automatic fixes, logged at INFO on the ``prozesskette`` logger, see
    :mod:`prozesskette.printing`) made while the block runs. Only printing makes notes: with
    ``printed=False`` nothing is collected and logging (2 ms with threading) is not loaded."""
    notes: list[str] = []
    if not printed:
        yield notes
        return
    import logging

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
