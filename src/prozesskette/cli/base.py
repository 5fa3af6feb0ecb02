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

from prozesskette.messages import _

#: The formats of ``render -f`` (prozesskette.options.OutputFormat; tests/test_cli.py checks
#: that both say the same).
FORMATS = ("svg", "pdf", "png", "json", "html")

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


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
