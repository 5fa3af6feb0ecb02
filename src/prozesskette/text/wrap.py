"""Line breaking: :func:`wrap` breaks text into lines that are guaranteed to fit.

Greedy and deterministic, measured with :func:`~prozesskette.text.metrics.text_width`, so
the layout reserves exactly the room the renderers draw into.
"""

from __future__ import annotations

import functools
import itertools
from typing import NamedTuple

from prozesskette.text.chars import INVISIBLE, SOFT_HYPHEN, ZWSP, is_mark
from prozesskette.text.fonts import _font
from prozesskette.text.hyphenate import word_cuts
from prozesskette.text.metrics import _units_function

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Callable

# Characters after which a line may break inside a word (the break keeps the character
# at the end of the line): hyphen-minus, slash, Unicode hyphen, en dash.
_BREAK_AFTER = frozenset("-/\u2010\u2013")
_HYPHEN = "-"
_EPS = 1e-9
DEFAULT_LANGUAGE = "de"
"""The hyphenation language of a caller that names none: a chain's default language."""

_Piece = tuple[str, str]  # (as drawn inside a line, as drawn at the end of a line)


@functools.cache
def _space_re() -> re.Pattern[str]:
    import re

    # Breakable, collapsible white space: every white space except the no-break ones.
    return re.compile(r"[^\S\u00a0\u2007\u202f]+")


def _paragraphs(text: str) -> list[list[str]]:
    """Split into forced lines (``\\n`` and friends), each a list of words.

    Blank lines in the middle are kept (as empty word lists); leading and trailing
    blank lines are dropped.
    """
    space = _space_re()
    paras = [[w for w in space.split(line) if w] for line in text.splitlines()]
    while paras and not paras[0]:
        paras.pop(0)
    while paras and not paras[-1]:
        paras.pop()
    return paras


def _pieces(word: str) -> list[_Piece]:
    """Split a word at its break opportunities into unbreakable pieces.

    A word may break after ``-``, ``/``, ``‐`` or ``–`` that follows something other
    than such a character and is followed by something other than a digit, and at a
    soft hyphen or zero-width space (which are removed from the drawn text).
    """
    pieces: list[_Piece] = []
    buf: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        if ch in (SOFT_HYPHEN, ZWSP):
            if buf and i + 1 < n:
                mid = "".join(buf)
                pieces.append((mid, mid + _HYPHEN if ch == SOFT_HYPHEN else mid))
                buf = []
            continue
        if ch in INVISIBLE:
            continue
        buf.append(ch)
        if (
            ch in _BREAK_AFTER
            and i + 1 < n
            and word[i + 1] not in _BREAK_AFTER
            and not word[i + 1].isdigit()  # keep "24/7", "0800-123", "2010–2020" whole
            and any(c not in _BREAK_AFTER and c not in INVISIBLE for c in buf)
        ):
            mid = "".join(buf)
            pieces.append((mid, mid))
            buf = []
    if buf:
        mid = "".join(buf)
        pieces.append((mid, mid))
    elif pieces:
        # A trailing soft hyphen / ZWSP: the last piece ends the word, drawn plainly.
        mid = pieces[-1][0]
        pieces[-1] = (mid, mid)
    return pieces

def _hyphenated(head: str) -> str:
    return head if head[-1] in _BREAK_AFTER else head + _HYPHEN


def _single_cluster(text: str) -> bool:
    """One character, possibly followed by combining marks: cannot be split."""
    return all(is_mark(ch) for ch in text[1:])


def _cut(text: str, fits: Callable[[str], bool], cuts: tuple[int, ...],
         joints: tuple[int, ...], line_start: str = "",
         mark: Callable[[str], str] = _hyphenated) -> tuple[str, str] | None:
    """Hyphenate ``text`` at a syllable boundary so that its head (with ``-``) still fits
    after ``line_start``: (the line, the rest), or None if no boundary is near enough.

    The longest head that fits, unless a compound joint keeps at least half as many
    letters on the line ("Anerkennungs-verfahren" rather than "Anerkennungsver-fahren")."""
    best = next((k for k in reversed(cuts) if fits(line_start + mark(text[:k]))), 0)
    if not best:
        return None
    joint = next((k for k in reversed(joints) if k <= best), 0)
    if joint and 2 * joint >= best and fits(line_start + mark(text[:joint])):
        best = joint
    return line_start + mark(text[:best]), text[best:]


def _force_split(text: str, fits: Callable[[str], bool],
                 mark: Callable[[str], str] = _hyphenated) -> tuple[str, str]:
    """The last resort for a piece wider than the line even at its syllables: returns
    (line drawn with hyphen, rest) at the longest prefix that fits, preferring to keep at
    least three characters on either side; if not even one character fits with a hyphen,
    the longest prefix that fits without one, or at least one character. Never splits a
    combining mark from its base letter."""
    n = len(text)
    cuts = [k for k in range(n - 1, 0, -1) if not is_mark(text[k])]
    best = next((k for k in cuts if fits(mark(text[:k]))), 0)
    if best:
        preferred = min(best, n - 3)
        if preferred >= 3 and preferred != best and not is_mark(text[preferred]):
            line = mark(text[:preferred])
            if fits(line):
                return line, text[preferred:]
        return mark(text[:best]), text[best:]
    best = next((k for k in cuts if fits(text[:k])), cuts[-1] if cuts else n)
    return text[:best], text[best:]


class Wrapped(NamedTuple):
    """Lines from :func:`wrap_text`."""

    lines: list[str]
    forced: bool
    """A word had to be cut where it has no syllable boundary (or, in a language without a
    hyphenation dictionary, cut at all): the width is narrower than
    :func:`longest_syllable_width`. A caller that can widens the text instead."""


def _is_address(piece: str) -> bool:
    """An e-mail address or web address: no syllables, and no hyphen where it breaks (a
    reader would type it)."""
    return "@" in piece or "://" in piece or piece.lower().startswith("www.")


def _unmarked(head: str) -> str:
    return head


def _word_cuts(word: str, piece: str, language: str) -> tuple[tuple[int, ...],
                                                              tuple[int, ...]]:
    """Syllable boundaries and compound joints of a piece of ``word``: none where the
    author's soft hyphens or zero-width spaces say where the word breaks; in an address
    (:func:`_is_address`), after its dots, ``@`` and ``_`` (drawn without a hyphen)."""
    if SOFT_HYPHEN in word or ZWSP in word:
        return (), ()
    if _is_address(word):
        return tuple(k + 1 for k, ch in enumerate(piece[:-1]) if ch in ".@_" and k >= 2), ()
    return word_cuts(piece, language)


def _shifted(cuts: tuple[int, ...], offset: int) -> tuple[int, ...]:
    return tuple(k - offset for k in cuts if k > offset)


def wrap(text: str, max_width: float, size: float, bold: bool = False,
         language: str | None = None) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` points at ``size``.

    Greedy (first fit), deterministic.  Lines break at white space (runs collapse to
    one space; no-break spaces do not break), after ``-``, ``/``, ``‐`` and ``–`` inside
    a word, at a soft hyphen (drawn as ``-``) or zero-width space, and always at
    ``"\\n"``.  A piece too wide for a line on its own is hyphenated (with a trailing
    ``-``) at a syllable boundary of ``language`` (default :data:`DEFAULT_LANGUAGE`; see
    :mod:`.hyphenate`), at the longest head that fits or a compound joint not much
    shorter.  Only a piece wider than the line even at its syllables is cut elsewhere
    (:attr:`Wrapped.forced`; in a language without a dictionary: any piece too wide).
    An e-mail or web address breaks after its dots, ``@`` and ``_`` and never gets a
    hyphen that a reader would type.
    Every line satisfies ``text_width(line, size, bold) <= max_width``; only when
    ``max_width`` is narrower than a single character does a line hold one character
    that is wider.  Blank text gives ``[]``; blank lines between text lines are kept as
    ``""``.

    Cost: syllables are looked up only for pieces wider than a line; the dictionary is
    read once per process (German 0.11 s on a quiet machine, English 0.01 s) and a word's
    boundaries are cached (the first time about 0.2 ms for 21 letters, 0.5 ms for 40, on a
    loaded machine; pyphen's own 0.7 ms). Laying out 1000 generated steps (both families,
    lr and tb) looks up none: boxes widen to whole words up to 190 pt, and the layout takes
    the same time as before (0.3 s).
    """
    return wrap_text(text, max_width, size, bold, language).lines


def wrap_text(text: str, max_width: float, size: float, bold: bool = False,
              language: str | None = None) -> Wrapped:
    """:func:`wrap`, and whether a word had to be cut off its syllable boundaries."""
    if max_width != max_width:  # NaN
        raise ValueError("max_width is NaN")
    language = language or DEFAULT_LANGUAGE
    font = _font(bool(bold))
    limit_units = (max_width + _EPS) * font.units_per_em / size if size > 0 else float("inf")
    units = _units_function(bool(bold))

    def fits(line: str) -> bool:
        return units(line) <= limit_units

    forced = False
    lines: list[str] = []
    for words in _paragraphs(text):
        if not words:
            lines.append("")
            continue
        cur = ""  # the current line as drawn if more text follows on it
        tail = ""  # what to add to cur when the line ends here (the "-" of a soft hyphen)
        for word in words:
            for j, (mid, end) in enumerate(_pieces(word)):
                sep = " " if j == 0 and cur else ""
                if fits(cur + sep + end):
                    cur, tail = cur + sep + mid, end[len(mid) :]
                    continue
                rest, suffix = mid, end[len(mid) :]
                too_wide = not fits(end)  # (only then are its syllables looked up)
                cuts, joints = _word_cuts(word, mid, language) if too_wide else ((), ())
                mark = _unmarked if _is_address(word) else _hyphenated
                if cur:
                    # A piece too wide even for a line of its own must be split anyway:
                    # start it on the current line rather than leave that line short.
                    split = _cut(rest, fits, cuts, joints, cur + sep, mark) if too_wide \
                        else None
                    if split is not None:
                        lines.append(split[0])
                        rest = split[1]
                    else:
                        lines.append(cur + tail)
                    cur, tail = "", ""
                while not fits(rest + suffix) and not _single_cluster(rest):
                    offset = len(mid) - len(rest)
                    split = _cut(rest, fits, _shifted(cuts, offset), _shifted(joints, offset),
                                 "", mark)
                    if split is None:
                        forced = True
                        split = _force_split(rest, fits, mark)
                    lines.append(split[0])
                    rest = split[1]
                cur = rest
                tail = suffix if fits(rest + suffix) else ""
        if cur:
            lines.append(cur + tail)
    return Wrapped(lines, forced)


def longest_word_width(text: str, size: float, bold: bool = False) -> float:
    """Width of the widest piece of ``text`` that :func:`wrap` cannot break.

    A box at least this wide (plus padding) never needs a forced hyphenation:
    ``wrap(text, longest_word_width(text, size), size)`` breaks only at the regular
    break opportunities.  Blank text gives 0.0.
    """
    font = _font(bool(bold))
    units = _units_function(bool(bold))
    widest = 0.0
    for words in _paragraphs(text):
        for word in words:
            for _mid, end in _pieces(word):
                widest = max(widest, units(end))
    return widest * size / font.units_per_em


def longest_syllable_width(text: str, size: float, bold: bool = False,
                           language: str | None = None) -> float:
    """Width of the widest syllable of ``text`` with its hyphen (a whole piece where the
    language has no dictionary): at this width or more, :func:`wrap` never cuts a word
    off its syllable boundaries (``wrap_text(...).forced`` is False)."""
    font = _font(bool(bold))
    units = _units_function(bool(bold))
    language = language or DEFAULT_LANGUAGE
    widest = 0.0
    for words in _paragraphs(text):
        for word in words:
            for mid, end in _pieces(word):
                cuts = _word_cuts(word, mid, language)[0]
                bounds = [0, *cuts, len(mid)]
                for a, b in itertools.pairwise(bounds):
                    hyphen = "" if _is_address(word) else _HYPHEN
                    part = mid[a:b] + (hyphen if b < len(mid) else end[len(mid):])
                    widest = max(widest, units(part))
    return widest * size / font.units_per_em
