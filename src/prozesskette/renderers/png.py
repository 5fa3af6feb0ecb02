"""PNG previews of PDF pages, rasterised with pypdfium2 (the optional ``png`` extra)."""

from __future__ import annotations

import io
from typing import Any

__all__ = ["PngUnavailableError", "render_png"]


class PngUnavailableError(ImportError):
    """pypdfium2 or Pillow is not installed (the ``png`` extra)."""


def _pdfium() -> Any:
    try:
        import pypdfium2
    except ImportError as exc:
        raise PngUnavailableError(
            'PNG output needs pypdfium2: pip install "prozesskette[png]"') from exc
    return pypdfium2


def render_png(pdf_bytes: bytes, dpi: int = 150, page: int = 0) -> bytes:
    """Page ``page`` (0-based) of the PDF as an RGB PNG at ``dpi`` pixels per inch.

    The output is deterministic: the same PDF, resolution and page give the same bytes
    (no time stamps; only the resolution is recorded in the PNG).
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
            bitmap = pdf_page.render(scale=dpi / 72, draw_annots=False, may_draw_forms=False)
            try:
                image = bitmap.to_pil().convert("RGB")
            except ImportError as exc:  # pypdfium2 does not depend on Pillow itself
                raise PngUnavailableError(
                    'PNG output needs Pillow as well: pip install "prozesskette[png]"'
                ) from exc
        finally:
            pdf_page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=6)
    return out.getvalue()
