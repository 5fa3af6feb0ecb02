"""Layout stage: a checked chain → pure geometry (:class:`Layout`)."""

from prozesskette.layout.build import Options, layout_chain
from prozesskette.layout.geometry import Layout
from prozesskette.layout.verify import Metrics, Violation, metrics, verify

__all__ = ["Layout", "Metrics", "Options", "Violation", "layout_chain", "metrics", "verify"]
