"""Text placed in the drawing: centred blocks, a step's lines, badges, and where a branch
label goes beside its edge."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Literal

from prozesskette import text as tx
from prozesskette.layout.geometry import (
    Badge,
    EdgeLabel,
    NodeBox,
    Point,
    Rect,
    RectIndex,
    TextBlock,
    TextLine,
    shape_overlaps,
)
from prozesskette.layout.step_text import NodeText, label_size

EdgeRun = tuple[int, Point, Point]  # (edge index, start, end) of one straight run of a route


def baseline(size: float, bold: bool = False) -> float:
    """Baseline below the top of a line box, centring ascent and descent in the line."""
    lead = tx.line_height(size) - tx.ascent(size, bold) - tx.descent(size, bold)
    return lead / 2 + tx.ascent(size, bold)


def centred_block(text: str, area: Rect, size: float, bold: bool,
                  language: str | None = None) -> TextBlock:
    lines = tx.wrap(text, max(area.w - 4.0, 10.0), size, bold, language)
    height = len(lines) * tx.line_height(size)
    y = area.cy - height / 2
    out = []
    widest = 0.0
    for line in lines:
        out.append(TextLine(line, area.cx, y + baseline(size, bold), size, bold, "middle"))
        widest = max(widest, tx.text_width(line, size, bold))
        y += tx.line_height(size)
    return TextBlock(tuple(out), Rect(area.cx - widest / 2, area.cy - height / 2, widest, height))


def node_lines(text: NodeText, area: Rect, size: float, small: float) -> tuple[
        TextBlock, TextBlock | None]:
    """A step's title lines and its note (legal basis) below, centred in ``area``."""
    y = area.y
    lines = []
    widest = 0.0
    for line in text.lines:
        lines.append(TextLine(line, area.cx, y + baseline(size), size, False, "middle"))
        widest = max(widest, tx.text_width(line, size))
        y += tx.line_height(size)
    title = TextBlock(tuple(lines), Rect(area.cx - widest / 2, area.y, widest, y - area.y))
    if not text.note:
        return title, None
    y += 2.0
    top = y
    notes = []
    widest = 0.0
    for line in text.note:
        notes.append(TextLine(line, area.cx, y + baseline(small), small, False, "middle"))
        widest = max(widest, tx.text_width(line, small))
        y += tx.line_height(small)
    return title, TextBlock(tuple(notes), Rect(area.cx - widest / 2, top, widest, y - top))


def badge(box: Rect, text: str, kind: Literal["overlap", "shared"], title: str,
          size: float) -> Badge:
    """A round badge centred on the box's top right corner, clear of the text area."""
    r = 6.5 if len(text) < 2 else 8.0
    cx = box.right
    rect = Rect(cx - r, box.y - r, 2 * r, 2 * r)
    return Badge(rect, TextLine(text, rect.cx, rect.cy + (tx.ascent(size, True)
                                                          - tx.descent(size, True)) / 2,
                                size, True, "middle"), kind, title)


SHARED_TAG_PAD = 3.5  # between the text of a shared step's tag and its round ends, points


def shared_tag(node: NodeBox, others: list[str], title: str, size: float,
               shapes: list[NodeBox], shape_index: RectIndex, taken: RectIndex,
               runs: list[EdgeRun], run_index: RectIndex) -> Badge:
    """The tag that names the other actors of a shared step drawn in one lane ("+ JC, BA"):
    a pill as wide as its measured text, on the box's top or bottom edge (left end, right
    end, or slid along the edge), the first place where it covers none of the step's text,
    no other badge (``taken``, which gets the new tag), no other step and no edge."""
    text = "+ " + ", ".join(others)
    h = tx.ascent(size, True) + tx.descent(size, True) + 2.0
    w = max(h, tx.text_width(text, size, True) + 2 * SHARED_TAG_PAD)
    box, r = node.rect, h / 2
    own = [node.title.rect] + ([node.note.rect] if node.note else [])
    inset = 4.0 if w <= box.w - 8.0 else -r  # within the box's width, clear of dividers
    candidates = [Rect(x, y - r, w, h) for y in (box.y, box.bottom)
                  for x in (box.x + inset, box.right - inset - w)]
    for y in (box.y, box.bottom):  # slid along the edges, should the corners be taken
        x = box.x + inset + 6.0
        while x + w < box.right - inset - 6.0:
            candidates.append(Rect(x, y - r, w, h))
            x += 6.0
    # where edges take the top and bottom (top-to-bottom charts): astride a side, then just
    # outside the box, above or below it
    candidates += [Rect(x, y - r, w, h) for x in (box.x - w / 2, box.right - w / 2)
                   for y in (box.y + box.h / 4, box.bottom - box.h / 4)]
    candidates += [Rect(x, y, w, h) for y in (box.y - h - 2.0, box.bottom + 2.0)
                   for x in (box.x, box.right - w, box.x - w - 2.0, box.right + 2.0)]

    def free(rect: Rect) -> bool:
        return not (any(rect.overlaps(t) for t in own)
                    or any(rect.overlaps(taken.rects[i]) for i in taken.near(rect))
                    or any(shapes[i].id != node.id and shape_overlaps(shapes[i], rect)
                           for i in shape_index.near(rect))
                    or any(_segment_hits(runs[i][1], runs[i][2], rect)
                           for i in run_index.near(rect)))

    rect = next((c for c in candidates if free(c)), candidates[0])
    taken.add(rect)
    baseline_y = rect.cy + (tx.ascent(size, True) - tx.descent(size, True)) / 2
    return Badge(rect, TextLine(text, rect.cx, baseline_y, size, True, "middle"), "shared",
                 title)


def _candidates(points: tuple[Point, ...], w: float, h: float,
                away: tuple[float, float] = (0.0, 0.0)) -> Iterator[Rect]:
    """Places for a w × h label beside the runs of a route, best first: at the ends of each
    run, then further along every run, should the places near the ends all be taken.
    ``away`` moves them that much further out: (beside vertical runs, beside horizontal
    ones). Made as they are asked for: the first free place is nearly always at an end, and
    a long edge has hundreds along its runs (5000 steps: 320,000 places made, 0.16 s)."""
    dx, dy = away
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if abs(y0 - y1) < 0.01:  # horizontal run: above or below, at its start or end
            forward = x1 > x0
            starts = [x0 + 3.0 if forward else x0 - 3.0 - w,
                      x1 - 3.0 - w if forward else x1 + 3.0]
            for x in starts:
                yield Rect(x, y0 - h - 1.5 - dy, w, h)
                yield Rect(x, y0 + 1.5 + dy, w, h)
        else:
            down = y1 > y0
            starts = [y0 + 3.0 if down else y0 - 3.0 - h, y1 - 3.0 - h if down else y1 + 3.0]
            for y in starts:
                yield Rect(x0 + 2.5 + dx, y, w, h)
                yield Rect(x0 - 2.5 - w - dx, y, w, h)
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if abs(y0 - y1) < 0.01:
            lo, hi = sorted((x0, x1))
            x = lo + 3.0
            while x + w < hi - 3.0:
                yield Rect(x, y0 - h - 1.5 - dy, w, h)
                yield Rect(x, y0 + 1.5 + dy, w, h)
                x += 8.0
        else:
            lo, hi = sorted((y0, y1))
            y = lo + 3.0
            while y + h < hi - 3.0:
                yield Rect(x0 + 2.5 + dx, y, w, h)
                yield Rect(x0 - 2.5 - w - dx, y, w, h)
                y += 6.0


LABEL_STEPS = (0.0, 2.0, 4.5)
"""How far (points) a label moves out from its edge, step by step, when every place right
beside it is taken (2 pt clear a hand-off marker on the run); after these, one and then two
label sizes further out: further from its edge, but hiding nothing."""


def _aways(w: float, h: float) -> list[tuple[float, float]]:
    return [(step, step) for step in LABEL_STEPS] + [(k * (w + 2.0), k * (h + 2.0))
                                                     for k in (1, 2)]


def place_label(text: str, points: tuple[Point, ...], shapes: list[NodeBox],
                shape_index: RectIndex, labels: RectIndex, runs: list[EdgeRun],
                run_index: RectIndex, size: float,
                language: str | None = None) -> EdgeLabel | None:
    """A branch label beside a run of its edge, near the start, where it hides no step, no
    other label and no badge (``labels`` holds those placed so far; the new one is added),
    and crosses as few runs of edges as possible (its own edge's other runs included). Right
    beside the edge first; only if every place there is taken, further out
    (:data:`LABEL_STEPS`). Deterministic: the candidates come in a fixed order and the first
    best one wins."""
    w, h = label_size(text, size, language)
    chosen: Rect | None = None
    first: Rect | None = None
    for away in _aways(w, h):
        best: tuple[int, int] | None = None
        for order, candidate in enumerate(_candidates(points, w, h, away)):
            first = first or candidate
            if any(shape_overlaps(shapes[i], candidate) for i in shape_index.near(candidate)) \
                    or any(candidate.overlaps(labels.rects[i]) for i in labels.near(candidate)):
                continue
            crossed = sum(1 for i in run_index.near(candidate)
                          if _segment_hits(runs[i][1], runs[i][2], candidate))
            score = (crossed, order)
            if best is None or score < best:
                best, chosen = score, candidate
            if crossed == 0:
                break
        if chosen is not None:
            break
    if chosen is None:
        if first is None:
            return None
        chosen = first  # nothing free: verify() reports it
    labels.add(chosen)
    return EdgeLabel(chosen, centred_block(text, chosen, size, False, language))


def _segment_hits(a: Point, b: Point, rect: Rect) -> bool:
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return x0 < rect.right and rect.x < x1 + 0.01 and y0 < rect.bottom and rect.y < y1 + 0.01
