"""Character classes shared by bidi, metrics and line breaking.

Small predicates on single characters, kept apart so that the modules above them
(:mod:`.bidi`, :mod:`.metrics`, :mod:`.wrap`) need not import each other for them.
"""

from __future__ import annotations

SOFT_HYPHEN = "\u00ad"  # invisible break opportunity, drawn as "-" when used
ZWSP = "\u200b"  # invisible break opportunity, drawn as nothing
INVISIBLE = frozenset((SOFT_HYPHEN, ZWSP, "\u2060", "\ufeff"))

# Bidi marks, embeddings, overrides, isolates and the joiners: never drawn as glyphs.
_MARK_CONTROLS = frozenset(
    "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def is_layout_control(ch: str) -> bool:
    """Control characters and the break hints :func:`~.wrap.wrap` consumes."""
    return ch < " " or "\x7f" <= ch <= "\x9f" or ch in INVISIBLE or ch in "\u2028\u2029"


def is_mark_control(ch: str) -> bool:
    """Bidi marks and joiners: invisible, never drawn as glyphs."""
    return ch in _MARK_CONTROLS


def is_mark(ch: str) -> bool:
    """A combining mark of the Latin/Greek/Cyrillic blocks (stays with its base letter)."""
    cp = ord(ch)
    return (
        0x0300 <= cp <= 0x036F
        or 0x1AB0 <= cp <= 0x1AFF
        or 0x1DC0 <= cp <= 0x1DFF
        or 0x20D0 <= cp <= 0x20FF
        or 0xFE20 <= cp <= 0xFE2F
    )


def is_arabic(ch: str) -> bool:
    """A character of the Arabic script blocks (drawn with Noto Sans Arabic)."""
    cp = ord(ch)
    return (0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF
            or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF)


def is_ethiopic(ch: str) -> bool:
    """A character of the Ethiopic blocks (drawn with Noto Sans Ethiopic)."""
    cp = ord(ch)
    return 0x1200 <= cp <= 0x139F or 0x2D80 <= cp <= 0x2DDF or 0xAB00 <= cp <= 0xAB2F


def is_digit(ch: str) -> bool:
    """ASCII, Arabic-Indic or Extended Arabic-Indic digit."""
    return "0" <= ch <= "9" or "\u0660" <= ch <= "\u0669" or "\u06f0" <= ch <= "\u06f9"
