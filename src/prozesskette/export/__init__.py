"""Exports of a chain to other tools' formats, and the BPMN import.

- :func:`to_bpmn` — BPMN 2.0 XML with diagram (bpmn.io, Camunda Modeler, Signavio …)
- :func:`from_bpmn` — BPMN 2.0 XML back to a chain; :func:`chain_to_yaml` writes it as a file
- :func:`to_dot` — Graphviz DOT source (one cluster per lane)
- :func:`to_mermaid` — Mermaid flowchart (one subgraph per lane)
- :func:`to_drawio` — diagrams.net (draw.io) file: lanes, steps and routes at our coordinates
- :func:`to_xlsx` — the workshop tables as an XLSX workbook (openpyxl)
- :func:`from_sheet`, :func:`read_sheet` — an XLSX workbook or CSV steps table back to a chain
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prozesskette.export.bpmn import to_bpmn
    from prozesskette.export.dot import to_dot
    from prozesskette.export.drawio import to_drawio
    from prozesskette.export.importer import chain_to_yaml, from_bpmn
    from prozesskette.export.mermaid import to_mermaid
    from prozesskette.export.sheets import from_sheet, read_sheet
    from prozesskette.export.xlsx import to_xlsx

__all__ = ["chain_to_yaml", "from_bpmn", "from_sheet", "read_sheet", "to_bpmn", "to_dot",
           "to_drawio", "to_mermaid", "to_xlsx"]

#: Each name's module, imported on first use: the api imports ``export.networkx_graph``, and
#: loading every exporter with it cost each ``render -f svg`` about 7 ms (measured).
_MODULES = {"to_bpmn": "bpmn", "to_dot": "dot", "chain_to_yaml": "importer",
            "from_bpmn": "importer", "to_mermaid": "mermaid", "to_drawio": "drawio",
            "to_xlsx": "xlsx", "from_sheet": "sheets", "read_sheet": "sheets"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(importlib.import_module(f"prozesskette.export.{_MODULES[name]}"), name)
    raise AttributeError(f"module 'prozesskette.export' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
