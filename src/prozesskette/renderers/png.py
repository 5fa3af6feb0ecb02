"""PNG pictures of PDF pages, rasterised with pypdfium2 (the optional ``png`` extra).

A chart's PNG is for screens and documents, not for paper: :func:`render_png` given the
chart's :class:`ChartArea` crops the page to the chart (no margins, title block or footer) and
draws it at its own size, one layout point being 1/72 inch, whatever page the PDF chose.
"""

from __future__ import annotations

import io
import json
from typing import Any, NamedTuple

__all__ = ["ChartArea", "PngUnavailableError", "install_command", "render_png", "require_png"]


class PngUnavailableError(ImportError):
    """pypdfium2 or Pillow is not installed (the ``png`` extra); the message says how to
    install it."""


class ChartArea(NamedTuple):
    """Where the chart lies on its PDF page, in points from the page's top-left corner, and
    the scale it was printed at (printed size / layout size)."""

    x: float
    y: float
    width: float  # printed width, points
    height: float
    scale: float


def install_command(direct_url: str | None = None) -> str:
    """The pip command that adds the ``png`` extra, fitting how prozesskette was installed.

    An install from a folder (pip records a ``file://`` url in ``direct_url.json``, PEP 610)
    needs the folder again: ``pip install ".[png]"`` run in it. Otherwise the package came from
    an index. ``direct_url`` is that file's text; by default it is read from the installed
    package's metadata.
    """
    if direct_url is None:
        direct_url = _installed_direct_url()
    url = ""
    if direct_url:
        try:
            recorded = json.loads(direct_url)
        except ValueError:
            recorded = None
        if isinstance(recorded, dict) and isinstance(recorded.get("url"), str):
            url = recorded["url"]
    if url.startswith("file:"):
        return 'pip install ".[png]"'
    return 'pip install "prozesskette[png]"'


def _installed_direct_url() -> str | None:
    # importlib.metadata loads csv, email, zipfile …: 12 ms, only when the hint is needed
    from importlib import metadata

    try:
        return metadata.distribution("prozesskette").read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        return None


_FROM_FOLDER = ("PNG output needs the png extra ({missing} is not installed): run {command} "
                "in the folder prozesskette was installed from")
_FROM_INDEX = "PNG output needs the png extra ({missing} is not installed): run {command}"


def _unavailable(missing: str) -> PngUnavailableError:
    command = install_command()
    template = _FROM_FOLDER if ".[png]" in command else _FROM_INDEX
    return PngUnavailableError(template.format(missing=missing, command=command))


def _pdfium() -> Any:
    try:
        import pypdfium2
    except ImportError as exc:
        raise _unavailable("pypdfium2") from exc
    return pypdfium2


def require_png() -> None:
    """Raise :class:`PngUnavailableError` unless PNG output can be made (checked before any
    file is written, so that a missing extra does not stop a run half-way)."""
    _pdfium()
    try:
        import PIL  # noqa: F401  (pypdfium2 does not depend on Pillow itself)
    except ImportError as exc:
        raise _unavailable("Pillow") from exc


def render_png(pdf_bytes: bytes, dpi: int = 150, page: int = 0,
               area: ChartArea | None = None) -> bytes:
    """Page ``page`` (0-based) of the PDF as an RGB PNG at ``dpi`` pixels per inch.

    With ``area``, only the chart is drawn, at its layout size: ``dpi`` pixels per inch of
    the layout's points, not of the printed page. The output is deterministic: the same PDF,
    resolution, page and area give the same bytes (no time stamps; only the resolution is
    recorded in the PNG).
    """
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, not {dpi}")
    pdfium = _pdfium()
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        count = len(document)
        if not 0 <= page < count:
            raise IndexError(f"page {page} does not exist: the PDF has {count} page(s) "
                             "(counted from 0)")
        pdf_page = document[page]
        try:
            scale = dpi / 72 / (area.scale if area is not None else 1.0)
            bitmap = pdf_page.render(scale=scale, draw_annots=False, may_draw_forms=False)
            try:
                image = bitmap.to_pil().convert("RGB")
            except ImportError as exc:  # pypdfium2 does not depend on Pillow itself
                raise _unavailable("Pillow") from exc
            if area is not None:  # cut in whole pixels here: pdfium rounds each side of its
                # own crop up, and the picture came out up to 2 px smaller than the chart
                image = image.crop((round(area.x * scale), round(area.y * scale),
                                    round((area.x + area.width) * scale),
                                    round((area.y + area.height) * scale)))
        finally:
            pdf_page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=6)
    return out.getvalue()
