"""Exports of a chain to other tools' formats, and the BPMN import.

- :func:`to_bpmn` — BPMN 2.0 XML with diagram (bpmn.io, Camunda Modeler, Signavio …)
- :func:`from_bpmn` — BPMN 2.0 XML back to a chain; :func:`chain_to_yaml` writes it as a file
- :func:`to_dot` — Graphviz DOT source (one cluster per lane)
- :func:`to_mermaid` — Mermaid flowchart (one subgraph per lane)
"""

from __future__ import annotations

from prozesskette.export.bpmn import to_bpmn
from prozesskette.export.dot import to_dot
from prozesskette.export.importer import chain_to_yaml, from_bpmn
from prozesskette.export.mermaid import to_mermaid

__all__ = ["chain_to_yaml", "from_bpmn", "to_bpmn", "to_dot", "to_mermaid"]
