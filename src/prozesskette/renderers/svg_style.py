"""The ``<style>`` of the SVG: the theme's colours as CSS custom properties a page can
override, the glyphs drawn embedded as WOFF subsets under private family names, and the
family stack that names the bundled faces a chart needs.

The rules are scoped to ``.pk-chart``; per-lane colours are no rules (they would restyle every
other chart inline in the same page) but attributes the renderer writes.

A private family name (``pk Noto Sans``) with a ``unicode-range`` means the embedded subset
can neither replace a page's own font of the same name nor be mixed up with the subset of a
second chart inline in the same page.
"""

from __future__ import annotations

import binascii

from prozesskette.text import FACES, FAMILIES, FONT_FAMILY, face_for_char, woff_subset
from prozesskette.theme import (
    BADGE,
    BADGE_TEXT,
    EDGE,
    FOCUS,
    HANDOFF,
    HEADER_FILL,
    LANE_STROKE,
    LEGEND_FILL,
    LINK,
    NOTE,
    PHASE_FILL,
    PHASE_STROKE,
    STEP_FILL,
    STROKE,
    TEXT,
)

__all__ = ["font_faces", "stylesheet", "unicode_range"]


def stylesheet(stack: str) -> str:
    """The chart's rules: font family ``stack`` and each theme colour behind the custom
    property that overrides it (``--pk-text`` …)."""
    c = ".pk-chart "
    return (
        f".pk-chart{{font-family:var(--pk-font,{stack})}}"
        f"{c}text{{fill:var(--pk-text,{TEXT})}}"
        f"{c}.pk-note{{fill:var(--pk-note,{NOTE})}}"
        f"{c}a text{{fill:var(--pk-link,{LINK})}}"
        f"{c}a:focus-visible{{outline:2px solid var(--pk-focus,{FOCUS})}}"
        f"{c}.pk-band{{stroke:var(--pk-lane-stroke,{LANE_STROKE})}}"
        f"{c}.pk-header{{fill:var(--pk-header-fill,{HEADER_FILL})}}"
        f"{c}.pk-phase .pk-head{{fill:var(--pk-phase-fill,{PHASE_FILL});"
        f"stroke:var(--pk-phase-stroke,{PHASE_STROKE})}}"
        f"{c}.pk-sep{{stroke:var(--pk-phase-stroke,{PHASE_STROKE})}}"
        f"{c}.pk-step>:first-child,{c}.pk-box{{fill:var(--pk-step-fill,{STEP_FILL});"
        f"stroke:var(--pk-stroke,{STROKE})}}"
        f"{c}.pk-outline{{stroke:var(--pk-stroke,{STROKE})}}"
        f"{c}.pk-step>g text{{pointer-events:none}}"
        f"{c}.pk-badge circle,{c}.pk-badge rect{{fill:var(--pk-badge,{BADGE})}}"
        f"{c}.pk-badge text{{fill:var(--pk-badge-text,{BADGE_TEXT})}}"
        f"{c}.pk-edge,{c}.pk-swatch{{color:var(--pk-edge,{EDGE})}}"
        f"{c}.pk-handoff{{color:var(--pk-handoff,{HANDOFF})}}"
        f"{c}.pk-label,{c}.pk-marker{{fill:var(--pk-label-fill,{STEP_FILL})}}"
        f"{c}.pk-legend>rect{{fill:var(--pk-legend-fill,{LEGEND_FILL});"
        f"stroke:var(--pk-lane-stroke,{LANE_STROKE})}}"
    )


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
