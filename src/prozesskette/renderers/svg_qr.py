"""A contact's QR code in the SVG: one path of dark squares in module units, scaled into the
box the layout placed (python-qrcode's idea: the matrix once, an image factory per format).
"""

from __future__ import annotations

from prozesskette.layout.geometry import Rect, fmt
from prozesskette.markup import escape_text, one_line
from prozesskette.qr import qr_matrix
from prozesskette.theme import QR_DARK, QR_LIGHT

__all__ = ["fmt_scale", "qr_path_data", "qr_svg"]


def fmt_scale(value: float) -> str:
    """A scale factor: more digits than coordinates (it multiplies up to ~180 modules)."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def qr_path_data(rects: list[tuple[int, int, int, int]], offset: int) -> str:
    """The dark squares of a QR code as one path in module units (quiet zone ``offset``).

    Each rectangle is a subpath ``h w v h h -w`` (filling closes it); it starts with a
    relative ``m`` from where the previous one ended, or an absolute ``M`` when shorter.
    """
    parts: list[str] = []
    cx = cy = 0
    for index, (x, y, w, h) in enumerate(rects):
        x, y = x + offset, y + offset
        move = f"M{x} {y}"
        if index:
            relative = f"m{x - cx} {y - cy}"
            move = relative if len(relative) < len(move) else move
        parts.append(f"{move}h{w}v{h}h-{w}")
        cx, cy = x, y + h
    return "".join(parts)


def qr_svg(payload: str, box: Rect, title: str) -> str:
    """The QR code of ``payload`` filling ``box`` (quiet zone included), hidden from screen
    readers but with ``title`` as its tooltip."""
    matrix = qr_matrix(payload)
    module = min(box.w, box.h) / matrix.total_size
    d = qr_path_data(matrix.dark_rects(), matrix.quiet_zone)
    return (f'<g class="pk-qr" aria-hidden="true"><title>{escape_text(one_line(title))}</title>'
            f'<rect x="{fmt(box.x)}" y="{fmt(box.y)}" width="{fmt(box.w)}"'
            f' height="{fmt(box.h)}" fill="{QR_LIGHT}" stroke="none"/>'
            f'<path transform="translate({fmt(box.x)} {fmt(box.y)}) scale({fmt_scale(module)})"'
            f' d="{d}" fill="{QR_DARK}" stroke="none"/></g>')
