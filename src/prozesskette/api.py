"""The Python API: load → check → lay out → render, one call each.

The drawing functions take keyword options declared in :mod:`prozesskette.options` (one
``TypedDict`` per function, used with ``Unpack``): editors list them, mypy checks callers, and
a bad name or value raises :class:`~prozesskette.options.OptionError` (a
:class:`ProzessketteError`) that names the option, the value and what is allowed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack, get_args

from prozesskette.errors import Issue, ProzessketteError
from prozesskette.export.networkx_graph import chain_digraph
from prozesskette.graph import check_chain, check_loaded
from prozesskette.i18n import localise as _localise
from prozesskette.layout.build import layout_chain as _layout
from prozesskette.layout.geometry import Layout
from prozesskette.layout.invariants import Violation
from prozesskette.layout.invariants import verify as _verify
from prozesskette.loader import read_chain
from prozesskette.messages import _, ngettext
from prozesskette.model import Chain
from prozesskette.options import (
    HtmlOptions,
    LayoutOptions,
    Options,
    OutputFormat,
    PdfOptions,
    PngOptions,
    SvgOptions,
    takes_options,
)
from prozesskette.output import write_atomic
from prozesskette.renderers.svg import render_svg

if TYPE_CHECKING:
    from prozesskette.changes import ChainDiff

Source = Chain | str | os.PathLike[str] | Mapping[str, Any]
FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)


def load(source: str | os.PathLike[str] | Mapping[str, Any]) -> Chain:
    """A chain from a file path, YAML text or a dict, read and checked; raises
    ProzessketteError carrying every error (warnings do not raise: :func:`check` lists them)."""
    loaded = read_chain(source)
    errors = [issue for issue in check_loaded(loaded) if issue.is_error]
    if loaded.chain is None or errors:
        raise ProzessketteError(errors)
    return loaded.chain


def _chain(source: Source) -> Chain:
    return source if isinstance(source, Chain) else load(source)


def check(source: Source) -> list[Issue]:
    """Every problem of a chain (errors, warnings and notes), sorted by position."""
    if isinstance(source, Chain):
        return check_chain(source)
    return check_loaded(read_chain(source))


def localise(source: Source, lang: str | None = None) -> tuple[Chain, list[Issue]]:
    """The chain with every text in ``lang`` (missing translations fall back to the chain's
    language) and a located warning for each text that has no ``lang`` version."""
    return _localise(_chain(source), lang)


def _checked(source: Source, lang: str | None = None, focus: str | None = None) -> Chain:
    """The chain, checked (errors raise), focused on ``focus`` (before localising: the view
    needs the whole chain) and in ``lang``."""
    chain = _chain(source)
    errors = [issue for issue in check(chain) if issue.is_error]
    if errors:
        raise ProzessketteError(errors)
    if focus:
        # The focus module is imported only for a focused view: 3 ms (min of 11 runs, after
        # what every render imports; four dataclasses) that a whole chart does not need.
        from prozesskette.focus import focus_chain

        chain = focus_chain(chain, focus).chain
    chain, untranslated = localise(chain, lang)
    if untranslated:
        import warnings

        count = len(untranslated)
        lines = [ngettext("{count} text has no '{language}' translation:",
                          "{count} texts have no '{language}' translation:", count).format(
                              count=count, language=lang),
                 *(issue.format() for issue in untranslated[:5])]
        if count > 5:
            lines.append(_("… and {count} more").format(count=count - 5))
        warnings.warn("\n".join(lines), UserWarning, stacklevel=3)
    return chain


@takes_options(LayoutOptions)
def layout_chain(source: Source, **options: Unpack[LayoutOptions]) -> Layout:
    """The chain's layout: pure geometry (see :class:`prozesskette.layout.Layout`).
    ``lang="ar"`` draws the chain in that language (right to left for Arabic script); the
    other options are listed in :class:`~prozesskette.options.LayoutOptions`."""
    lang = options.pop("lang", None)
    focus = options.pop("focus", None)
    return _layout(_checked(source, lang, focus), **options)


def verify(layout: Layout) -> list[Violation]:
    """The layout's broken invariants; an empty list when all hold."""
    return _verify(layout)


@takes_options(SvgOptions)
def to_svg(source: Source, **options: Unpack[SvgOptions]) -> str:
    """The chain as an SVG document. Options: see :class:`~prozesskette.options.SvgOptions`
    (the layout's plus ``embed_font`` and ``standalone``)."""
    chart: dict[str, Any] = dict(options)  # checked; the rest goes to the layout
    embed_font: bool = chart.pop("embed_font", True)
    standalone: bool = chart.pop("standalone", True)
    layout = layout_chain(source, **chart)
    return render_svg(layout, qr=options.get("qr", True), embed_font=embed_font,
                      standalone=standalone)


@takes_options(HtmlOptions)
def to_html(source: Source, **options: Unpack[HtmlOptions]) -> str:
    """The chain as one self-contained, accessible web page: the chart inline plus its text
    version. Options: see :class:`~prozesskette.options.HtmlOptions` (the layout's plus
    ``embed_font``)."""
    chart: dict[str, Any] = dict(options)  # checked; the rest goes to the layout
    embed_font: bool = chart.pop("embed_font", True)
    layout = layout_chain(source, **chart)
    # The HTML renderer is imported here: 1.9 ms (min of 11 runs, after what an SVG render
    # imports) that every SVG, PDF and JSON run would pay for nothing.
    from prozesskette.renderers.html import render_html

    return render_html(layout, qr=options.get("qr", True), embed_font=embed_font)


@takes_options(LayoutOptions)
def to_json(source: Source, **options: Unpack[LayoutOptions]) -> str:
    """The layout's geometry as documented JSON (points, top-left origin, y downwards)."""
    return json.dumps(layout_chain(source, **options).to_json(), ensure_ascii=False,
                      indent=1, sort_keys=False) + "\n"


@takes_options(PdfOptions)
def to_pdf(source: Source, **options: Unpack[PdfOptions]) -> bytes:
    """The chain as a print-ready PDF (the chart page, or a page set when ``split`` says so,
    plus the Schnittstellenpapier pages)."""
    # The PDF stack (printing, renderers.pdf: ten modules) is imported here, not at the top:
    # that costs every SVG, HTML, JSON and check run about 7 ms (measured) for nothing.
    from prozesskette.focus import focus_ids  # with the PDF stack (_checked says why)
    from prozesskette.printing import render_pdf

    pdf: dict[str, Any] = dict(options)  # checked; the rest goes to the printing
    lang: str | None = pdf.pop("lang", None)
    focus: str | None = pdf.pop("focus", None)
    chain = _chain(source)
    drawn = _checked(chain, lang, focus)
    result: bytes = render_pdf(drawn, focus=focus_ids(chain, focus) if focus else (), **pdf)
    return result


@takes_options(PngOptions)
def to_png(source: Source, dpi: int = 150, **options: Unpack[PdfOptions]) -> bytes:
    """The chart alone as PNG, cropped to the drawing, ``dpi`` pixels per inch of the chart at
    its own size (1 layout point = 1/72 inch); rasterised from the chart's PDF page, so QR
    codes are enlarged as for print. Needs the ``png`` extra."""
    # beside the PDF stack (see to_pdf)
    from prozesskette.focus import focus_ids
    from prozesskette.printing import build_pdf, report
    from prozesskette.renderers.png import ChartArea, render_png, require_png

    require_png()  # before the PDF is made: the missing extra is the first thing to know
    # the chart page is all it needs, on one page (a PNG is one picture)
    pdf: dict[str, Any] = {**options, "appendix": False, "split": "none"}
    lang: str | None = pdf.pop("lang", None)
    focus: str | None = pdf.pop("focus", None)
    chain = _chain(source)
    printed = build_pdf(_checked(chain, lang, focus),
                        focus=focus_ids(chain, focus) if focus else (), **pdf)
    report(printed)
    area = ChartArea(printed.origin[0], printed.origin[1],
                     printed.layout.width * printed.scale,
                     printed.layout.height * printed.scale, printed.scale)
    result: bytes = render_png(printed.data, dpi=dpi, area=area)
    return result


def render(source: Source, path: str | os.PathLike[str], *, format: OutputFormat | None = None,
           **options: Unpack[Options]) -> Path:
    """Render to a file; the format follows the suffix (.svg, .pdf, .png, .json, .html) unless
    given. Which options apply depends on the format (an option the format does not take
    raises :class:`~prozesskette.options.OptionError`). The file is written atomically."""
    kind = (format or Path(path).suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise ProzessketteError(Issue(
            "<input>", 0, 0, "error", _("unknown output format '{kind}': use one of "
                                        "{formats}").format(kind=kind,
                                                            formats=", ".join(FORMATS)),
            code="output-format"))
    given: dict[str, Any] = dict(options)  # each drawing function checks its own options
    data: str | bytes
    if kind == "svg":
        data = to_svg(source, **given)
    elif kind == "json":
        data = to_json(source, **given)
    elif kind == "html":
        data = to_html(source, **given)
    elif kind == "pdf":
        data = to_pdf(source, **given)
    else:
        data = to_png(source, **given)
    return write_atomic(path, data)


def to_networkx(source: Source, *, lang: str | None = None) -> Any:
    """The chain as a ``networkx.DiGraph`` for analysis in a notebook: a node per step (with
    ``label``, ``kind``, ``actor``, ``actors`` and ``phase``), an edge per transition (with
    ``label``). Needs the ``networkx`` extra (``pip install "prozesskette[networkx]"``)."""
    return chain_digraph(_checked(source, lang))


def diff(old: Source, new: Source) -> ChainDiff:
    """What changed from ``old`` to ``new`` (each a chain, file, YAML text or dict; both are
    loaded and checked, errors raise): steps, transitions, actors, phases and contacts added,
    removed, changed or renamed (see :mod:`prozesskette.changes`). A ``ChainDiff`` is false
    when there is no difference."""
    # The comparison is imported when it is asked for: 3.5 ms of every other run (measured).
    from prozesskette.changes import diff_chains

    return diff_chains(_checked(old), _checked(new))


def _diff_of(old: Source, new: Source, options: dict[str, Any]) -> ChainDiff:
    """The diff of the two chains as drawn: both focused and in ``lang`` as ``options`` say
    (those two are taken out of ``options``)."""
    lang: str | None = options.pop("lang", None)
    focus: str | None = options.pop("focus", None)
    from prozesskette.changes import diff_chains  # as in diff()

    return diff_chains(_checked(old, lang, focus), _checked(new, lang, focus))


def _diff_layout(old: Source, new: Source, options: dict[str, Any]) -> Layout:
    from prozesskette.layout.diff_marks import mark_layout  # with the comparison (see diff)

    changes = _diff_of(old, new, options)
    return mark_layout(_layout(changes.new, **options), changes)


@takes_options(SvgOptions)
def to_diff_svg(old: Source, new: Source, **options: Unpack[SvgOptions]) -> str:
    """The new chart with what changed since ``old`` marked: added and changed steps outlined
    with a symbol (the old values in their tooltips and accessible names), added transitions,
    removed steps as dashed ghosts, and a legend of the marks. Options as :func:`to_svg`."""
    chart: dict[str, Any] = dict(options)
    embed_font: bool = chart.pop("embed_font", True)
    standalone: bool = chart.pop("standalone", True)
    return render_svg(_diff_layout(old, new, chart), qr=options.get("qr", True),
                      embed_font=embed_font, standalone=standalone)


@takes_options(HtmlOptions)
def to_diff_html(old: Source, new: Source, **options: Unpack[HtmlOptions]) -> str:
    """:func:`to_html`'s page of the new chain with the marked chart of :func:`to_diff_svg`
    inline (its tooltips work there too)."""
    from prozesskette.renderers.html import render_html  # as in to_html

    chart: dict[str, Any] = dict(options)
    embed_font: bool = chart.pop("embed_font", True)
    result: str = render_html(_diff_layout(old, new, chart), qr=options.get("qr", True),
                              embed_font=embed_font)
    return result


@takes_options(PdfOptions)
def to_diff_pdf(old: Source, new: Source, *, compared: str | None = None,
                **options: Unpack[PdfOptions]) -> bytes:
    """The marked chart of :func:`to_diff_svg` on its page, then the "Änderungen" pages
    listing every change with its old and new values (instead of the Schnittstellenpapier).
    ``compared`` names the old version on those pages, e.g. "chain.yaml@HEAD~1"."""
    from prozesskette.printing import render_diff_pdf  # the PDF stack: see to_pdf

    pdf: dict[str, Any] = dict(options)
    changes = _diff_of(old, new, pdf)
    pdf.pop("appendix", None)
    return render_diff_pdf(changes.new, changes, compared=compared, **pdf)
