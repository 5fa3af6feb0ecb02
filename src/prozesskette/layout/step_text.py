"""Stage: sizes, for one step. A step's title wrapped in the chart's language and the box it
needs: widened rather than wrapped to a fifth line, narrowed when the chart is to be narrower
(``narrow``), a diamond never below :data:`~.options.DECISION_NARROWING`; and the size of a
branch label's box. Measured with :mod:`prozesskette.text`, the measurer the renderers use, so
that text drawn later fits."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from prozesskette import text as tx
from prozesskette.layout.options import DECISION_NARROWING, PAD_X, PAD_Y, Options
from prozesskette.model import Step, StepKind

LABEL_WRAP = 56.0  # branch labels wrap at this width (72 before: a long label widened its channel)
DIAMOND_LEAST_H = 44.0  # a diamond is at least this tall
MAX_LINES = 4  # a title that would wrap to more lines widens its box first …
WIDEN_STEP = 1.15  # … in steps of this factor …
WIDEN_MAX = 260.0  # … up to this text width (a box's is 90 pt by default) …
WIDEN_MAX_DECISION = 200.0  # … or this one in a diamond
SPLIT_SHARE = 0.6  # a box's text is at least this share of its longest word wide (and its
                   # widest syllable): measured on the Stendal, Gesamtübersicht and 40 × 9
                   # charts, 0.6 prints as large as 0 (syllables only) with fewer breaks


class NodeText(NamedTuple):
    """A step's wrapped text and the box that holds it."""

    lines: tuple[str, ...]
    note: tuple[str, ...]  # the legal basis, in the small size
    w: float
    h: float
    text_w: float  # width of the text area
    text_h: float  # height of the text block


def _keep_together(citation: str) -> str:
    """No line breaks inside '§ 44', 'Abs. 1' or 'SGB III'."""
    text = re.sub(r"(§§?|Abs\.|Nr\.|Satz|S\.|Art\.) ", "\\1\u00a0", citation)
    return re.sub(r"\b([A-ZÄÖÜ][A-Za-zÄÖÜäöüß]{1,7}) ([IVX]{1,4})\b", "\\1\u00a0\\2", text)


def _block_height(lines: int, notes: int, size: float, small: float) -> float:
    height = lines * tx.line_height(size)
    if notes:
        height += 2.0 + notes * tx.line_height(small)
    return height


def _least_width(title: str, size: float, language: str | None, nominal: float) -> float:
    """The least text width for a title: its widest word, or where that is wider than
    ``nominal``, its widest syllable (at least :data:`SPLIT_SHARE` of the widest word): words
    break at syllables only. (The syllables cost time: they are looked up only if they
    count.)"""
    word = tx.longest_word_width(title, size)
    least = min(word, 190.0)
    if SPLIT_SHARE < 1.0 and word > nominal:
        least = min(least, max(SPLIT_SHARE * word,
                               tx.longest_syllable_width(title, size, language=language)))
    return least


class _Wrapped(NamedTuple):
    lines: tuple[str, ...]
    note: tuple[str, ...]
    block_h: float
    widest: float  # the widest line, title or note


def _wrapped(step: Step, text_w: float, options: Options, language: str | None,
             lines: tuple[str, ...] | None = None) -> _Wrapped:
    """The title wrapped at ``text_w`` (``lines``, if wrapped already) and the legal basis
    below it, in the small size (at least as wide as its longest word, up to 190 pt)."""
    size, small = options.font_size, options.small_size
    if lines is None:
        lines = tuple(tx.wrap(step.title, text_w, size, language=language))
    legal = _keep_together(step.legal_basis) if step.legal_basis else None
    note = tuple(tx.wrap(legal, max(text_w, min(tx.longest_word_width(legal, small), 190.0)),
                         small, language=language)) if legal else ()
    widest = max([tx.text_width(line, size) for line in lines]
                 + [tx.text_width(line, small) for line in note] + [1.0])
    return _Wrapped(lines, note, _block_height(len(lines), len(note), size, small), widest)


def _diamond_h(block_h: float, used: float, w: float) -> float:
    """The height of a diamond ``w`` wide around a text block ``used`` × ``block_h``: text of
    width u and height h fits a diamond W × H where u/W + h/H <= 1 (6 pt to spare)."""
    return max(DIAMOND_LEAST_H, block_h / (1.0 - used / w) + 6.0)


@lru_cache(maxsize=32768)  # lane-order trials size the same steps again: 45 % of their time
def node_text(step: Step, options: Options, narrow: float = 1.0,
              language: str | None = None) -> NodeText:
    """Wrap a step's title (and legal basis) and choose its box size. ``narrow`` < 1 makes
    boxes and diamonds narrower (titles wrap to more lines, boxes grow taller). Words break
    at the syllables of ``language`` (see :mod:`prozesskette.text.hyphenate`)."""
    size = options.font_size
    decision = step.kind is StepKind.decision
    if decision:
        narrow = max(narrow, DECISION_NARROWING)
    ends = 10.0 if step.kind in (StepKind.start, StepKind.end) else 0.0  # (rounder shapes)
    box_width = options.box_width * narrow
    nominal = 96.0 * narrow if decision else box_width - 2 * PAD_X - ends
    least = _least_width(step.title, size, language, nominal)  # (badges sit on the corner)
    if decision:
        text_w = min(max(96.0 * narrow, min(least, 150.0)), 150.0)
    else:
        text_w = min(max(box_width - 2 * PAD_X, least), 190.0) - ends
    text_w = max(text_w, least)
    lines = tuple(tx.wrap(step.title, text_w, size, language=language))
    widest_text = WIDEN_MAX_DECISION if decision else WIDEN_MAX
    while len(lines) > MAX_LINES and text_w < widest_text:  # wider, before a fifth line
        text_w = min(widest_text, text_w * WIDEN_STEP)
        lines = tuple(tx.wrap(step.title, text_w, size, language=language))
    wrapped = _wrapped(step, text_w, options, language, lines)
    if decision:
        used = max(wrapped.widest, 40.0) + 4.0
        # a narrow chart trades width for height
        spread = 1.7 if narrow >= 1.0 else 1.5
        w = max(box_width, (used - 4.0) * spread + 8.0)
        return NodeText(wrapped.lines, wrapped.note, w, _diamond_h(wrapped.block_h, used, w),
                        used, wrapped.block_h)
    w = max(box_width, wrapped.widest + 2 * PAD_X + ends)
    h = max(38.0, wrapped.block_h + 2 * PAD_Y
            + (6.0 if step.kind is StepKind.document else 0.0))
    return NodeText(wrapped.lines, wrapped.note, w, h, w - 2 * PAD_X, wrapped.block_h)


def label_size(text: str, size: float, language: str | None = None) -> tuple[float, float]:
    """Width and height of a branch label's box (wrapped at :data:`LABEL_WRAP`)."""
    lines = tx.wrap(text, LABEL_WRAP, size, language=language)
    return (max(tx.text_width(line, size) for line in lines) + 6.0,
            len(lines) * tx.line_height(size) + 2.0)


DIAMOND_TALLEST = 1.0  # a diamond at most as tall as it is wide (a square on its corner)
_WRAP_STEP = 1.1  # text widths tried for a diamond in its room: from the least, by this factor
HYPHEN_COST = 0.12  # a word broken inside a diamond must save this share of its width per
    # break: the Gesamtübersicht's 'Zuständige/Stelle?' is 76 pt wide, 'Zuständi-/ge Stelle?'
    # 69 pt; HYPHEN_COST 0.06 kept the broken word (and Stendal Ausbildung on A2 at 7.26 pt,
    # against 7.19 with 0.12)


def _wrap_cost(text: NodeText, title: str) -> float:
    """A diamond's width, counted wider by :data:`HYPHEN_COST` for each line that ends in a
    word broken at a syllable (not at a hyphen of the title: 'Jobcenter-')."""
    breaks = sum(1 for line in text.lines
                 if line.endswith("-") and line.rsplit(" ", 1)[-1] not in title)
    return text.w * (1.0 + HYPHEN_COST * breaks)


@lru_cache(maxsize=8192)
def decision_in_room(step: Step, options: Options, narrow: float, language: str | None,
                     room: float) -> NodeText:
    """The narrowest diamond for a decision that is at most ``room`` tall (the height its
    lane has for it anyway, beside its QR code or its other rows), at most as tall as wide
    (:data:`DIAMOND_TALLEST`), and never wider than :func:`node_text` makes it at ``narrow``.
    Where the lane is tall anyway, a diamond can give up width for height at no cost, and a
    narrow chart's diamonds were its widest columns (Stendal Ausbildung on A2: 8 of 20
    columns, 81–119 pt against 52–71 for the boxes). The text widths tried go from the
    least (:func:`_least_width`) up by :data:`_WRAP_STEP`."""
    plain = node_text(step, options, narrow, language)
    room = max(room, plain.h)  # (as tall as it is anyway)
    best, best_cost = plain, _wrap_cost(plain, step.title)
    text_w = max(_least_width(step.title, options.font_size, language, 40.0), 40.0)
    while text_w < plain.text_w + 1.0:
        wrapped = _wrapped(step, text_w, options, language)
        text_w *= _WRAP_STEP
        block_h = wrapped.block_h
        if len(wrapped.lines) > MAX_LINES or block_h + 6.0 >= room:
            continue
        used = max(wrapped.widest, 40.0) + 4.0
        w = max(used / (1.0 - block_h / (room - 6.0)), used + 8.0)
        while _diamond_h(block_h, used, w) > DIAMOND_TALLEST * w:  # (a few steps: the
            w *= 1.03                                               # height falls as w grows)
        fitted = NodeText(wrapped.lines, wrapped.note, w, _diamond_h(block_h, used, w), used,
                          block_h)
        cost = _wrap_cost(fitted, step.title)
        if w < plain.w - 0.5 and cost < best_cost - 0.5:
            best, best_cost = fitted, cost
    return best
