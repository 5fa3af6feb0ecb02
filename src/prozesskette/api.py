"""The Python API: load → check → lay out → render, one call each."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prozesskette.errors import Issue, ProzessketteError
from prozesskette.layout.geometry import Layout
from prozesskette.model import Chain

Source = Chain | str | os.PathLike[str] | Mapping[str, Any]
FORMATS = ("svg", "pdf", "png", "json", "html")


def load(source: str | os.PathLike[str] | Mapping[str, Any]) -> Chain:
    """A chain from a file path, YAML text or a dict; raises ProzessketteError on errors."""
    from prozesskette.loader import load as _load

    chain: Chain = _load(source)
    return chain


def _chain(source: Source) -> Chain:
    return source if isinstance(source, Chain) else load(source)


def check(source: Source) -> list[Issue]:
    """Every problem of a chain (errors, warnings and notes), sorted by position."""
    from prozesskette.graph import check_chain
    from prozesskette.loader import load_with_issues

    if isinstance(source, Chain):
        return check_chain(source)
    _, issues = load_with_issues(source)
    return issues


def localise(source: Source, lang: str | None = None) -> tuple[Chain, list[Issue]]:
    """The chain with every text in ``lang`` (missing translations fall back to the chain's
    language) and a located warning for each text that has no ``lang`` version."""
    from prozesskette.i18n import localise as _localise

    return _localise(_chain(source), lang)


def _checked(source: Source, lang: str | None = None) -> Chain:
    chain = _chain(source)
    errors = [issue for issue in check(chain) if issue.is_error]
    if errors:
        raise ProzessketteError(errors)
    chain, untranslated = localise(chain, lang)
    if untranslated:
        import warnings

        shown = "\n".join(issue.format() for issue in untranslated[:5])
        more = f"\n… and {len(untranslated) - 5} more" if len(untranslated) > 5 else ""
        warnings.warn(f"{len(untranslated)} texts have no '{lang}' translation:\n{shown}{more}",
                      UserWarning, stacklevel=3)
    return chain


def layout_chain(source: Source, **options: Any) -> Layout:
    """The chain's layout: pure geometry (see :class:`prozesskette.layout.Layout`).
    ``lang="ar"`` draws the chain in that language (right to left for Arabic script)."""
    from prozesskette.layout.build import layout_chain as _layout

    lang = options.pop("lang", None)
    return _layout(_checked(source, lang), **options)


def verify(layout: Layout) -> list[Any]:
    """The layout's broken invariants; an empty list when all hold."""
    from prozesskette.layout.invariants import verify as _verify

    return _verify(layout)


_SVG_OPTIONS = ("embed_font", "standalone")


def _split(options: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: options.pop(name) for name in names if name in options}


def to_svg(source: Source, **options: Any) -> str:
    """The chain as an SVG document. Options are the layout's (direction, lane_order, qr, …)
    plus ``embed_font`` and ``standalone``."""
    from prozesskette.renderers.svg import render_svg

    svg_options = _split(options, _SVG_OPTIONS)
    layout = layout_chain(source, **options)
    return render_svg(layout, qr=options.get("qr", True), **svg_options)


def to_html(source: Source, **options: Any) -> str:
    """The chain as one self-contained, accessible web page: the chart inline plus its text
    version. Options are the layout's (direction, lane_order, qr, …) plus ``embed_font``."""
    from prozesskette.renderers.html import render_html

    html_options = _split(options, ("embed_font",))
    layout = layout_chain(source, **options)
    return render_html(layout, qr=options.get("qr", True), **html_options)


def to_json(source: Source, **options: Any) -> str:
    """The layout's geometry as documented JSON (points, top-left origin, y downwards)."""
    return json.dumps(layout_chain(source, **options).to_json(), ensure_ascii=False,
                      indent=1, sort_keys=False) + "\n"


def to_pdf(source: Source, **options: Any) -> bytes:
    """The chain as a print-ready PDF (chart page plus the Schnittstellenpapier pages)."""
    from prozesskette.printing import render_pdf

    lang = options.pop("lang", None)
    result: bytes = render_pdf(_checked(source, lang), **options)
    return result


def to_png(source: Source, dpi: int = 150, **options: Any) -> bytes:
    """The chart page as PNG, rasterised from the PDF (needs the ``png`` extra)."""
    from prozesskette.renderers.png import render_png

    options.setdefault("appendix", False)
    result: bytes = render_png(to_pdf(source, **options), dpi=dpi)
    return result


def render(source: Source, path: str | os.PathLike[str], *, format: str | None = None,
           **options: Any) -> Path:
    """Render to a file; the format follows the suffix (.svg, .pdf, .png, .json, .html) unless
    given.
    The file is written atomically."""
    from prozesskette.output import write_atomic

    kind = (format or Path(path).suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise ProzessketteError(f"unknown output format '{kind}': use one of "
                                + ", ".join(FORMATS))
    data: str | bytes
    if kind == "svg":
        data = to_svg(source, **options)
    elif kind == "json":
        data = to_json(source, **options)
    elif kind == "html":
        data = to_html(source, **options)
    elif kind == "pdf":
        data = to_pdf(source, **options)
    else:
        data = to_png(source, **options)
    return write_atomic(path, data)
