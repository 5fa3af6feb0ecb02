"""Bidirectional text: the Unicode Bidirectional Algorithm (UAX #9) for chain texts.

The PDF renderer draws each line itself, so it needs the visual order of a line; SVG and
HTML leave the order to the browser. This module resolves embedding levels with the
implicit rules of UAX #9 -- character classes from :func:`unicodedata.bidirectional`
(so Hebrew, Arabic, Syriac, Thaana, N'Ko and every presentation form run right to left),
weak types W1-W7, paired brackets N0, neutrals N1/N2 and the implicit levels I1/I2 (digits
after right-to-left text in a left-to-right paragraph get level 2, so "Termin مرحبا 2026"
keeps "2026" to the right of the Arabic word) -- and reorders lines by L1/L2.

Levels belong to a whole paragraph: a wrapped label is resolved once, then each line is
reordered (UAX #9 section 3.4). :func:`paragraph_visual_runs` does that for the lines of
one paragraph; :func:`visual_runs` treats its text as a paragraph of one line, and
:func:`browser_lines` gives a browser texts that show the paragraph's order line by line.

Left out, because chain texts do not use them: explicit embeddings, overrides and
isolates (LRE, RLE, LRO, RLO, PDF, LRI, RLI, FSI, PDI are treated like boundary neutrals,
removed by rule X9), and the canonical equivalents of brackets beyond U+2329/U+232A.
"""

from __future__ import annotations

import unicodedata

from prozesskette.text.chars import is_arabic, is_digit, is_ethiopic, is_mark
from prozesskette.text.fonts import ARABIC, ETHIOPIC, PRIMARY, SHAPED, _font, face_for_char

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


# Run and BrowserLines are tuple subclasses rather than typing.NamedTuple, which costs
# 0.3 ms of start-up per class (measured) in every command that measures text.


class Run(tuple[str, str, int]):
    """A run of text drawn with one face at one bidi level; odd levels run right to left.
    A tuple ``(face, text, level)``, with those names as attributes."""

    __slots__ = ()

    def __new__(cls, face: str, text: str, level: int) -> Run:
        return tuple.__new__(cls, (face, text, level))

    @property
    def face(self) -> str:
        return self[0]

    @property
    def text(self) -> str:
        return self[1]

    @property
    def level(self) -> int:
        return self[2]

    def __repr__(self) -> str:
        return f"Run(face={self[0]!r}, text={self[1]!r}, level={self[2]!r})"


# Classes removed by rule X9 (and explicit formatting characters, which this module does not
# apply, see the module docstring): they take the level of the character before them.
_REMOVED = frozenset({"BN", "LRE", "RLE", "LRO", "RLO", "PDF"})
_ISOLATES = frozenset({"LRI", "RLI", "FSI", "PDI"})
# Neutral and isolate formatting characters (NI in UAX #9), resolved by rules N1 and N2.
_NEUTRAL = frozenset({"B", "S", "WS", "ON"}) | _ISOLATES
# Reset to the paragraph level at the end of a line and before separators (rule L1).
_TRAILING = frozenset({"WS"}) | _ISOLATES | _REMOVED

# Bidi_Paired_Bracket (UCD BidiBrackets.txt): each opening bracket, then its closing one.
_BRACKET_PAIRS = (
    "()[]{}\u0f3a\u0f3b\u0f3c\u0f3d\u169b\u169c\u2045\u2046\u207d\u207e\u208d\u208e\u2308"
    "\u2309\u230a\u230b\u2329\u232a\u2768\u2769\u276a\u276b\u276c\u276d\u276e\u276f\u2770"
    "\u2771\u2772\u2773\u2774\u2775\u27c5\u27c6\u27e6\u27e7\u27e8\u27e9\u27ea\u27eb\u27ec"
    "\u27ed\u27ee\u27ef\u2983\u2984\u2985\u2986\u2987\u2988\u2989\u298a\u298b\u298c\u298d"
    "\u2990\u298f\u298e\u2991\u2992\u2993\u2994\u2995\u2996\u2997\u2998\u29d8\u29d9\u29da"
    "\u29db\u29fc\u29fd\u2e22\u2e23\u2e24\u2e25\u2e26\u2e27\u2e28\u2e29\u2e55\u2e56\u2e57"
    "\u2e58\u2e59\u2e5a\u2e5b\u2e5c\u3008\u3009\u300a\u300b\u300c\u300d\u300e\u300f\u3010"
    "\u3011\u3014\u3015\u3016\u3017\u3018\u3019\u301a\u301b\ufe59\ufe5a\ufe5b\ufe5c\ufe5d"
    "\ufe5e\uff08\uff09\uff3b\uff3d\uff5b\uff5d\uff5f\uff60\uff62\uff63"
)
_OPENING, _CLOSING = _BRACKET_PAIRS[0::2], _BRACKET_PAIRS[1::2]
# Opening bracket -> the closing ones that match it; U+2329/U+232A are canonically
# equivalent to U+3008/U+3009 and pair with them (BD16).
_PAIRED = {**dict(zip(_OPENING, _CLOSING, strict=True)), "\u2329": "\u232a\u3009",
           "\u3008": "\u3009\u232a"}
_MAX_BRACKET_DEPTH = 63  # BD16: stop looking for pairs beyond this nesting


def bidi_class(ch: str) -> str:
    """The Bidi_Class of ``ch`` ("L", "R", "AL", "EN", "AN", "ON", ...; UAX #9 table 4)."""
    return unicodedata.bidirectional(ch) or "L"


def base_rtl(text: str) -> bool:
    """The paragraph direction of ``text``: that of its first strong character (P2, P3)."""
    for ch in text:
        kind = bidi_class(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


# --------------------------------------------------------------------------- levels


def paragraph_levels(text: str, rtl: bool | None = None) -> list[int]:
    """The resolved embedding level of every character of ``text`` (before rule L1).

    ``rtl`` is the paragraph direction; None takes it from the first strong character.
    Paragraph separators (``"\\n"``, U+2029, ...) end a paragraph: each paragraph of a
    multi-paragraph text finds its own direction unless ``rtl`` is given.
    """
    levels: list[int] = []
    start = 0
    for index, ch in enumerate(text):
        if bidi_class(ch) == "B":
            part = text[start:index]
            base = 1 if (base_rtl(part) if rtl is None else rtl) else 0
            levels += [*_resolve(part, base), base]
            start = index + 1
    part = text[start:]
    levels += _resolve(part, 1 if (base_rtl(part) if rtl is None else rtl) else 0)
    return levels


def _resolve(text: str, base: int) -> list[int]:
    """Levels of one paragraph without explicit embeddings: rules X9, W1-W7, N0-N2, I1-I2."""
    classes = [bidi_class(ch) for ch in text]
    kept = [i for i, kind in enumerate(classes) if kind not in _REMOVED]  # X9
    types = [classes[i] for i in kept]
    edge = "R" if base % 2 else "L"  # sos and eos: one run at the paragraph level
    _weak_types(types, edge)
    _paired_brackets(types, [text[i] for i in kept], [classes[i] for i in kept], edge)
    _neutral_types(types, edge)
    levels = [base] * len(text)
    for i, kind in zip(kept, types, strict=True):
        if base % 2 == 0:  # I1
            levels[i] = base + (1 if kind == "R" else 2 if kind in ("EN", "AN") else 0)
        else:  # I2
            levels[i] = base + (1 if kind in ("L", "EN", "AN") else 0)
    previous = base
    for i, kind in enumerate(classes):  # removed characters join the one before them
        if kind in _REMOVED:
            levels[i] = previous
        previous = levels[i]
    return levels


def _weak_types(types: list[str], edge: str) -> None:
    """Rules W1-W7, in place."""
    previous = edge
    for k, kind in enumerate(types):  # W1: a mark takes the type of its base
        if kind == "NSM":
            types[k] = "ON" if previous in _ISOLATES else previous
        previous = types[k]
    last_strong = edge
    for k, kind in enumerate(types):  # W2: digits after Arabic letters are Arabic numbers
        if kind == "EN" and last_strong == "AL":
            types[k] = "AN"
        elif kind in ("L", "R", "AL"):
            last_strong = kind
    for k, kind in enumerate(types):  # W3
        if kind == "AL":
            types[k] = "R"
    for k in range(1, len(types) - 1):  # W4: "1.5", "2026-11", "10/12" are one number
        before, kind, after = types[k - 1], types[k], types[k + 1]
        if kind == "ES" and before == after == "EN":
            types[k] = "EN"
        elif kind == "CS" and before == after and before in ("EN", "AN"):
            types[k] = before
    k = 0
    while k < len(types):  # W5: "€", "%" and "#" next to digits belong to the number
        if types[k] != "ET":
            k += 1
            continue
        end = k
        while end < len(types) and types[end] == "ET":
            end += 1
        if (k > 0 and types[k - 1] == "EN") or (end < len(types) and types[end] == "EN"):
            types[k:end] = ["EN"] * (end - k)
        k = end
    for k, kind in enumerate(types):  # W6
        if kind in ("ES", "ET", "CS"):
            types[k] = "ON"
    last_strong = edge
    for k, kind in enumerate(types):  # W7: digits after left-to-right text belong to it
        if kind == "EN" and last_strong == "L":
            types[k] = "L"
        elif kind in ("L", "R"):
            last_strong = kind


def _bracket_pairs(chars: list[str], types: list[str]) -> list[tuple[int, int]]:
    """Paired brackets (BD16), sorted by the position of the opening bracket."""
    stack: list[tuple[str, int]] = []  # (closing brackets that match, position)
    pairs: list[tuple[int, int]] = []
    for k, ch in enumerate(chars):
        if types[k] != "ON":
            continue
        if ch in _PAIRED and ch in _OPENING:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break
            stack.append((_PAIRED[ch], k))
        elif ch in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if ch in stack[depth][0]:
                    pairs.append((stack[depth][1], k))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _paired_brackets(types: list[str], chars: list[str], original: list[str],
                     edge: str) -> None:
    """Rule N0: a bracket pair takes the direction of the text it encloses, in place."""
    embedding = edge
    for opening, closing in _bracket_pairs(chars, types):
        inside = {_as_strong(kind) for kind in types[opening + 1 : closing]}
        if embedding in inside:
            direction = embedding
        elif inside - {None}:
            # only the other direction inside: the brackets follow the text before them
            direction = next((strong for kind in reversed(types[:opening])
                              if (strong := _as_strong(kind))), edge)
        else:
            continue
        for position in (opening, closing):
            types[position] = direction
            after = position + 1
            while after < len(types) and original[after] == "NSM":
                types[after] = direction  # marks on a bracket follow it
                after += 1


def _as_strong(kind: str) -> str | None:
    """The direction a resolved type counts as for N0 and N1 (numbers count as R)."""
    if kind == "L":
        return "L"
    if kind in ("R", "EN", "AN"):
        return "R"
    return None


def _neutral_types(types: list[str], edge: str) -> None:
    """Rules N1 and N2, in place: neutrals between two runs of one direction take it,
    the others the paragraph's."""
    k = 0
    while k < len(types):
        if types[k] not in _NEUTRAL:
            k += 1
            continue
        end = k
        while end < len(types) and types[end] in _NEUTRAL:
            end += 1
        before = _as_strong(types[k - 1]) if k > 0 else edge
        after = _as_strong(types[end]) if end < len(types) else edge
        direction = before if before == after else edge
        types[k:end] = [direction or edge] * (end - k)
        k = end


def line_levels(line: str, levels: Sequence[int], base: int) -> list[int]:
    """Rule L1: separators, and white space at the end of the line or before a separator,
    go back to the paragraph level ``base``."""
    result = list(levels)
    trailing = True
    for k in range(len(line) - 1, -1, -1):
        kind = bidi_class(line[k])
        if kind in ("S", "B"):
            result[k] = base
            trailing = True
        elif trailing and kind in _TRAILING:
            result[k] = base
        else:
            trailing = False
    return result


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2: the logical positions of a line's characters in drawing order."""
    order = list(range(len(levels)))
    if not order:
        return order
    highest = max(levels)
    lowest_odd = min((level for level in levels if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        k = 0
        while k < len(order):
            if levels[order[k]] < level:
                k += 1
                continue
            end = k
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[k:end] = order[k:end][::-1]
            k = end
    return order


# --------------------------------------------------------------------------- runs


def needs_runs(text: str) -> bool:
    """Whether ``text`` needs more than Noto Sans drawn left to right (fast check)."""
    return not text.isascii() and not _font(False).char_units.keys() >= set(text)


def _face_of(ch: str, bold: bool, level: int) -> str:
    if is_arabic(ch):
        return ARABIC
    if is_ethiopic(ch):
        return ETHIOPIC
    if level % 2 and ch in _font(bold, ARABIC).char_units and not is_digit(ch):
        return ARABIC  # a space or a comma inside right-to-left text joins its run
    return face_for_char(ch, bold) or PRIMARY


def _group(text: str, levels: Sequence[int], bold: bool) -> list[Run]:
    """Characters with their levels, grouped into runs of one face and one level."""
    result: list[Run] = []
    for ch, level in zip(text, levels, strict=True):
        face = _face_of(ch, bold, level)
        if result and result[-1].face == face and result[-1].level == level:
            result[-1] = Run(face, result[-1].text + ch, level)
        elif result and is_mark(ch):  # a combining mark stays with its base character
            result[-1] = Run(result[-1].face, result[-1].text + ch, result[-1].level)
        else:
            result.append(Run(face, ch, level))
    return result


def runs(text: str, bold: bool = False, rtl: bool | None = None) -> list[Run]:
    """``text`` split into runs of one face and one level, in logical order.

    ``rtl`` is the paragraph direction (default: that of the first strong character).
    The levels are the paragraph's, before the line rule L1 (see :func:`visual_runs`).
    """
    if text.isascii() and not rtl:  # no right-to-left character in ASCII
        return [Run(PRIMARY, text, 0)] if text else []
    return _group(text, paragraph_levels(text, rtl), bold)


def _reorder(runs_of_line: list[Run]) -> list[Run]:
    """Rule L2 on whole runs (a run has one level, so it moves as a block)."""
    order = visual_order([run.level for run in runs_of_line])
    return [runs_of_line[k] for k in order]


def visual_runs(text: str, bold: bool = False, rtl: bool | None = None) -> list[Run]:
    """The runs of one line, as a paragraph of its own, in drawing order (left to right)."""
    if text.isascii() and not rtl:
        return runs(text, bold, rtl)
    base = 1 if (base_rtl(text) if rtl is None else rtl) else 0
    levels = line_levels(text, paragraph_levels(text, bool(base)), base)
    return _reorder(_group(text, levels, bold))


def paragraph_visual_runs(lines: Sequence[str], bold: bool = False,
                          rtl: bool | None = None) -> list[list[Run]]:
    """The runs of each line of one wrapped paragraph, in drawing order (UAX #9 3.4).

    ``lines`` are the lines :func:`~prozesskette.text.wrap.wrap` made of one paragraph; the
    levels are resolved for the lines joined by a space (the white space wrap() broke at),
    so a line break does not change which way a bracket or a number runs, then each line
    is reordered on its own (L1, L2). ``rtl`` is the paragraph direction (default: that of
    its first strong character).
    """
    paragraph = " ".join(lines)
    base = 1 if (base_rtl(paragraph) if rtl is None else rtl) else 0
    levels = paragraph_levels(paragraph, bool(base))
    result: list[list[Run]] = []
    start = 0
    for line in lines:
        own = line_levels(line, levels[start : start + len(line)], base)
        start += len(line) + 1
        if not needs_runs(line) and not any(own):
            result.append([Run(PRIMARY, line, 0)] if line else [])
        else:
            result.append(_reorder(_group(line, own, bold)))
    return result


class BrowserLines(tuple[bool, tuple[str, ...]]):
    """The lines of one paragraph as a browser should get them (see :func:`browser_lines`):
    a tuple ``(rtl, texts)``, with those names as attributes."""

    __slots__ = ()

    def __new__(cls, rtl: bool, texts: tuple[str, ...]) -> BrowserLines:
        return tuple.__new__(cls, (rtl, texts))

    @property
    def rtl(self) -> bool:
        """The direction of every line: the paragraph's."""
        return self[0]

    @property
    def texts(self) -> tuple[str, ...]:
        """Each line in logical order, with overrides where needed."""
        return self[1]


_LRO, _RLO, _PDF = "\u202d", "\u202e", "\u202c"


def browser_lines(lines: Sequence[str], chart_rtl: bool = False) -> BrowserLines:
    """Texts for drawing the wrapped lines of one paragraph one by one in a browser (SVG),
    so that each line shows the order it has in the whole paragraph (UAX #9 3.4).

    A browser resolves every ``<text>`` alone. A line whose own resolution, in the
    paragraph's direction, gives the paragraph's order is returned as it is; any other
    line gets directional overrides (LRO/RLO ... PDF) around each run of one level, which
    pin every character to its paragraph level and keep the logical order (for shaping,
    copying and screen readers). The paragraph direction follows :func:`line_rtl`.
    """
    paragraph = " ".join(lines)
    rtl = line_rtl(paragraph, chart_rtl)
    if not rtl and (paragraph.isascii() or not any(
            bidi_class(ch) in ("R", "AL", "AN") for ch in paragraph)):
        # nothing right to left in a left-to-right paragraph: every level is 0 (most charts)
        return BrowserLines(False, tuple(lines))
    base = 1 if rtl else 0
    levels = paragraph_levels(paragraph, rtl)
    texts: list[str] = []
    start = 0
    for line in lines:
        wanted = line_levels(line, levels[start : start + len(line)], base)
        start += len(line) + 1
        alone = line_levels(line, paragraph_levels(line, rtl), base)
        if visual_order(alone) == visual_order(wanted) and all(
                a % 2 == b % 2 for a, b in zip(alone, wanted, strict=True)):
            texts.append(line)
        else:
            texts.append(_overridden(line, wanted, base))
    return BrowserLines(rtl, tuple(texts))


def _overridden(line: str, levels: Sequence[int], base: int) -> str:
    """``line`` with every character pinned to its level by nested overrides. The whole line
    sits in one override of the paragraph direction (two levels up from ``base``: the same
    visual order), and a run at level ``base + k`` in ``k`` more, one level up each."""
    parts = [_RLO if base else _LRO]
    k = 0
    while k < len(line):
        end = k
        while end < len(line) and levels[end] == levels[k]:
            end += 1
        pushes = [_RLO if step % 2 else _LRO for step in range(base + 1, levels[k] + 1)]
        parts += [*pushes, line[k:end], _PDF * len(pushes)]
        k = end
    parts.append(_PDF)
    return "".join(parts)


_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def visual_text(face: str, text: str, level: int) -> str:
    """The characters of an unshaped run as drawn left to right: a right-to-left run is
    reversed, with brackets mirrored (shaped runs come in visual order from :func:`shape`)."""
    if level % 2 and face not in SHAPED:
        return text[::-1].translate(_MIRRORED)
    return text


def line_rtl(text: str, chart_rtl: bool) -> bool:
    """Whether a drawn line runs right to left: in a right-to-left chart every line with
    right-to-left letters does (lines of digits, phone numbers and e-mail addresses stay
    left to right); in a left-to-right chart only a line that starts with such a letter."""
    if text.isascii():
        return False
    if chart_rtl:
        return any(bidi_class(ch) in ("R", "AL") for ch in text)
    return base_rtl(text)
