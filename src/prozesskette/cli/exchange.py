"""``prozesskette export`` and ``import``: a chain to and from the formats of other tools
(BPMN 2.0, DOT, Mermaid, diagrams.net, XLSX workbooks, CSV steps tables)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from prozesskette.cli.base import EXIT_ERRORS, EXIT_OK, EXIT_USAGE
from prozesskette.messages import _

if TYPE_CHECKING:
    from prozesskette.cli.base import Commands


def add_exchange_arguments(commands: Commands) -> None:
    """The ``export`` and ``import`` commands and their options."""
    export = commands.add_parser("export", help=_("write a chain as BPMN 2.0, DOT, Mermaid, "
                                                "a diagrams.net (draw.io) file or an XLSX "
                                                "workbook"))
    export.add_argument("file", metavar="FILE")
    export.add_argument("--to", required=True,
                        choices=("bpmn", "dot", "mermaid", "drawio", "xlsx"),
                        help=_("xlsx: the workshop tables (needs -o FILE.xlsx)"))
    export.add_argument("-o", "--output", metavar="OUT", default=None,
                        help=_("output file (default: standard output)"))
    export.add_argument("--direction", choices=("lr", "tb"), default=None,
                        help=_("BPMN, drawio: lay out with lanes as rows (lr) or columns (tb)"))
    export.add_argument("--lane-order", choices=("file", "auto"), default=None)

    importer = commands.add_parser("import", help=_("turn a BPMN 2.0 file, an XLSX workbook or a "
                                   "CSV steps table into a chain (YAML)"))
    importer.add_argument("file", metavar="FILE.bpmn|FILE.xlsx|FILE.csv")
    importer.add_argument("-o", "--output", metavar="OUT.yaml", default=None,
                          help=_("output file (default: standard output)"))


def _emit(text: str, output: str | None, out: TextIO) -> None:
    if output is None:
        out.write(text)
    else:
        from prozesskette.output import write_atomic

        write_atomic(output, text)


def run_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``export FILE --to KIND``: a chain with errors is not exported (exit 1)."""
    from prozesskette.graph import load_with_issues

    if args.to == "xlsx" and not args.output:
        err.write(_("prozesskette: error: --to xlsx writes a binary file: name it with -o")
                  + "\n    " + _("hint: {hint}").format(
                      hint="prozesskette export FILE --to xlsx -o FILE.xlsx") + "\n")
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


def run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``import FILE``: the chain is written even when it has errors, so that they can be
    fixed in the YAML (exit 1 then)."""
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
