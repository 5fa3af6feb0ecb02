"""The font rules of the SVG: the glyphs drawn, embedded as WOFF subsets under private
family names, and the family stack that names the bundled faces a chart needs.

A private family name (``pk Noto Sans``) with a ``unicode-range`` means the embedded subset
can neither replace a page's own font of the same name nor be mixed up with the subset of a
second chart inline in the same page.
"""

from __future__ import annotations

import binascii

from prozesskette.text import FACES, FAMILIES, FONT_FAMILY, face_for_char, woff_subset

__all__ = ["font_faces", "unicode_range"]


def unicode_range(chars: list[str]) -> str:
    """The CSS ``unicode-range`` of ``chars``: runs of code points as ``U+A-B``."""
    codes = sorted({ord(ch) for ch in chars})
    ranges: list[str] = []
    start = prev = codes[0]
    for code in [*codes[1:], -1]:
        if code == prev + 1:
            prev = code
            continue
        ranges.append(f"U+{start:X}" if start == prev else f"U+{start:X}-{prev:X}")
        start = prev = code
    return ",".join(ranges)


def font_faces(family: str, drawn: dict[bool, set[str]], embed: bool) -> tuple[str, str]:
    """The ``@font-face`` rules (empty unless ``embed``) and the ``font-family`` stack for a
    chart in ``family`` that drew the characters ``drawn`` (by boldness)."""
    faces = ""
    stack = f'"{family}",sans-serif'
    if embed and (drawn[False] or drawn[True]) and family == FONT_FAMILY:
        families: list[str] = []
        for face in FACES:
            private = f"pk {FAMILIES[face]}"
            for bold in (False, True):
                chars = sorted(ch for ch in drawn[bold] if face_for_char(ch, bold) == face)
                if not chars:
                    continue
                data = binascii.b2a_base64(woff_subset(chars, bold, face),
                                           newline=False).decode("ascii")
                faces += (f'@font-face{{font-family:"{private}";font-style:normal;'
                          f"font-weight:{700 if bold else 400};"
                          f'src:url(data:font/woff;base64,{data}) format("woff");'
                          f"unicode-range:{unicode_range(chars)}}}\n")
                if private not in families:
                    families.append(private)
        stack = "".join(f'"{name}",' for name in families) + stack
    if family == "Noto Sans" and any(not ch.isascii() for chars in drawn.values()
                                     for ch in chars):
        used = {face_for_char(ch, bold) for bold, chars in drawn.items()
                for ch in chars if not ch.isascii()}
        extra = "".join(f'"{FAMILIES[face]}",' for face in FACES[1:] if face in used)
        stack = stack.replace('"Noto Sans",sans-serif', f'"Noto Sans",{extra}sans-serif')
    return faces, stack
