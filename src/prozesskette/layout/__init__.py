"""Layout stage: a checked chain → pure geometry (:class:`Layout`).

Names load on first use, so that importing the geometry types stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Layout", "Metrics", "Options", "Violation", "layout_chain", "metrics", "verify"]

_WHERE = {"Layout": "geometry", "Options": "options", "layout_chain": "build",
          "Metrics": "invariants", "Violation": "invariants", "metrics": "invariants",
          "verify": "invariants"}

if TYPE_CHECKING:
    from prozesskette.layout.build import layout_chain
    from prozesskette.layout.geometry import Layout
    from prozesskette.layout.invariants import Metrics, Violation, metrics, verify
    from prozesskette.layout.options import Options


def __getattr__(name: str) -> Any:
    import importlib

    if name in _WHERE:
        return getattr(importlib.import_module(f"prozesskette.layout.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'prozesskette.layout' has no attribute '{name}'")
