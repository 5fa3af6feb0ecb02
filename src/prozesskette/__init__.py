"""prozesskette: process chains as swimlane diagrams with contact QR codes.

    >>> import prozesskette
    >>> chain = prozesskette.load("chains/stendal-ausbildung.yaml")
    >>> svg = prozesskette.to_svg(chain)

Names are imported on first use (PEP 562), so ``import prozesskette`` stays cheap for the
CLI; ``dir(prozesskette)`` lists them all. The drawing functions' options are documented in
:mod:`prozesskette.options` (``Options`` and one ``TypedDict`` per function).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = ("load", "check", "layout_chain", "verify", "to_svg", "to_json", "to_pdf", "to_png",
        "to_html", "to_networkx", "render", "localise", "diff", "to_diff_svg", "to_diff_html",
        "to_diff_pdf")
_OTHER = {"Chain": "prozesskette.model", "Actor": "prozesskette.model",
          "Contact": "prozesskette.model", "Phase": "prozesskette.model",
          "Step": "prozesskette.model", "Transition": "prozesskette.model",
          "Service": "prozesskette.model", "Text": "prozesskette.model",
          "Issue": "prozesskette.errors",
          "ProzessketteError": "prozesskette.errors", "Layout": "prozesskette.layout.geometry",
          "analyse": "prozesskette.analysis", "metrics": "prozesskette.layout.invariants",
          "Options": "prozesskette.options", "OptionError": "prozesskette.options"}

__all__ = [
    "Actor", "Chain", "Contact", "Issue", "Layout", "OptionError", "Options", "Phase",
    "ProzessketteError", "Service", "Step", "Text", "Transition", "analyse", "check", "diff",
    "layout_chain", "load", "localise", "metrics", "render",
    "to_diff_html", "to_diff_pdf", "to_diff_svg", "to_html", "to_json", "to_networkx", "to_pdf",
    "to_png", "to_svg", "verify",
]

if TYPE_CHECKING:
    from prozesskette.analysis import analyse
    from prozesskette.api import (
        check,
        diff,
        layout_chain,
        load,
        localise,
        render,
        to_diff_html,
        to_diff_pdf,
        to_diff_svg,
        to_html,
        to_json,
        to_networkx,
        to_pdf,
        to_png,
        to_svg,
        verify,
    )
    from prozesskette.errors import Issue, ProzessketteError
    from prozesskette.layout.geometry import Layout
    from prozesskette.layout.invariants import metrics
    from prozesskette.model import (
        Actor,
        Chain,
        Contact,
        Phase,
        Service,
        Step,
        Text,
        Transition,
    )
    from prozesskette.options import OptionError, Options


def __getattr__(name: str) -> Any:
    import importlib

    if name in _API:
        return getattr(importlib.import_module("prozesskette.api"), name)
    if name in _OTHER:
        return getattr(importlib.import_module(_OTHER[name]), name)
    raise AttributeError(f"module 'prozesskette' has no attribute '{name}'")


def __dir__() -> list[str]:
    """The public names, although most are not imported yet."""
    return sorted({*globals(), *__all__})
