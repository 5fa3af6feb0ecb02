"""Where the marks of a diff go: the new chart with what changed since the old version.

:func:`mark_layout` takes the finished layout of the *new* chain and a
:class:`~prozesskette.changes.ChainDiff` and returns the same layout with
:class:`~prozesskette.layout.geometry.DiffMarks`:

* added and changed steps get an outline and a symbol badge at the box's lower corner
  ("+" for added, a pencil for changed; colour is never the only sign);
* added transitions get a "+" badge on their longest straight run;
* added and changed contact persons get an outline and a symbol in their lane header;
* removed steps become dashed *ghost* boxes near where they were: in free space of their old
  lane (and phase, when both still exist), as close as possible to where the old chain went
  on from their predecessor; a removed step that finds no free space goes into a list of
  removed steps below the chart;
* a legend of the marks goes below the chart.

Everything is placed here, in the layout layer: the renderers only draw it. Nothing of the
chart itself moves, so :func:`~prozesskette.layout.verify` holds for the marked layout as for
the plain one; the ghosts are placed clear of every box, label, header and route.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from statistics import median
from typing import Literal

from prozesskette import text as tx
from prozesskette.changes import ChainDiff, NameChange, StepChange, change_text
from prozesskette.i18n import is_rtl
from prozesskette.layout.geometry import (
    MIRRORED_ANCHOR,
    ContactMark,
    DiffMarks,
    EdgeMark,
    EdgeRoute,
    Ghost,
    Layout,
    MarkKey,
    MarkKind,
    Rect,
    RectIndex,
    StepMark,
    TextBlock,
    TextLine,
    map_geometry,
)
from prozesskette.layout.labels import baseline, centred_block
from prozesskette.model import Chain, Step, StepKind, Text
from prozesskette.words import words_for

__all__ = ["GHOST_CLEARANCE", "SYMBOL_RADIUS", "TIGHT_CLEARANCE", "mark_layout"]

SYMBOL_RADIUS = 6.0
"""Radius of a mark's round symbol badge, points."""

GHOST_CLEARANCE = 6.0
"""Free space kept around a ghost box, points."""

TIGHT_CLEARANCE = 2.0
"""… or, where a lane has no such room anywhere, this much (the chart's lanes are often only a
box high plus a little): a ghost close to its neighbours beats one in the list below."""

_SCAN_STEP = 6.0  # candidate positions for a ghost are tried on this grid, points
_OUTLINE_GAP = 2.5  # the mark's outline lies this far outside the step's box
_MARGIN = 12.0  # the layout's outer margin (layout.build.MARGIN)
_KEY_SWATCH = (18.0, 11.0)
_SHAPES: dict[StepKind, Literal["start", "task", "decision", "document", "end"]] = {
    StepKind.start: "start", StepKind.task: "task", StepKind.decision: "decision",
    StepKind.document: "document", StepKind.end: "end"}


def _step_title(words: Mapping[str, str], change: StepChange) -> str:
    head = words[f"step_{change.kind}"].format(change.title)
    details = [change_text(words, item) for item in change.fields]
    return words["sep"].join([head, *details])


def _symbol_at(x: float, y: float) -> Rect:
    return Rect(x - SYMBOL_RADIUS, y - SYMBOL_RADIUS, 2 * SYMBOL_RADIUS, 2 * SYMBOL_RADIUS)


def _symbol_for(kind: str, outline: Rect) -> Rect:
    """The symbol on the lower right of a box's outline: at its corner, or, for a diamond
    (whose corner is empty space, often crossed by routes), on its lower right side."""
    if kind == "decision":
        return _symbol_at(outline.cx + outline.w / 4, outline.cy + outline.h / 4)
    return _symbol_at(outline.right, outline.bottom)


def _step_marks(layout: Layout, diff: ChainDiff, words: Mapping[str, str]) -> list[StepMark]:
    marks: list[StepMark] = []
    for change in diff.steps:
        node = layout.nodes.get(change.id)
        if change.kind == "removed" or node is None:
            continue
        kind: Literal["added", "changed"] = "added" if change.kind == "added" else "changed"
        outline = node.rect.inflate(_OUTLINE_GAP)
        marks.append(StepMark(node.id, kind, outline, _symbol_for(node.kind, outline),
                              _step_title(words, change)))
    return marks


def _longest_run_middle(edge: EdgeRoute) -> tuple[float, float]:
    runs = list(zip(edge.points, edge.points[1:], strict=False))
    (x0, y0), (x1, y1) = max(runs, key=lambda run: abs(run[1][0] - run[0][0])
                             + abs(run[1][1] - run[0][1]))
    return (x0 + x1) / 2, (y0 + y1) / 2


def _edge_marks(layout: Layout, diff: ChainDiff, words: Mapping[str, str]) -> list[EdgeMark]:
    added = [change for change in diff.transitions if change.kind == "added"]
    marks: list[EdgeMark] = []
    for change in added:
        edge = next((e for e in layout.edges if (e.source, e.target) ==
                     (change.source, change.target) and len(e.points) >= 2), None)
        if edge is None:
            continue
        title = words["edge_added"].format(source=_title_of(diff.new, change.source),
                                           target=_title_of(diff.new, change.target))
        if change.label:
            title += words["label"].format(change.label)
        marks.append(EdgeMark(edge.source, edge.target, _symbol_at(*_longest_run_middle(edge)),
                              title))
    return marks


def _title_of(chain: Chain, step_id: str) -> str:
    try:
        return str(chain.step(step_id).title)
    except KeyError:
        return step_id


def _contact_marks(layout: Layout, diff: ChainDiff, words: Mapping[str, str]
                   ) -> list[ContactMark]:
    """Outlines around the contacts added or changed, in their lane headers."""
    marks: list[ContactMark] = []
    for change in diff.contacts:
        lane = layout.lanes.get(change.actor)
        if change.kind == "removed" or lane is None:
            continue
        actor = diff.new.actor(change.actor)
        index = next(i for i, contact in enumerate(actor.contacts) if contact.name == change.name)
        spot = next((spot for spot in lane.contacts if spot.index == index), None)
        if spot is None:  # the layout shows no contacts
            continue
        box = spot.text.rect if spot.qr is None else _union(spot.qr, spot.text.rect)
        outline = box.inflate(_OUTLINE_GAP)
        head = words[f"contact_{change.kind}"].format(actor=str(actor.name), name=change.name)
        title = words["sep"].join([head, *(change_text(words, f) for f in change.fields)])
        marks.append(ContactMark(change.actor, index, change.kind, outline,
                                 _symbol_at(outline.right, outline.bottom), title))
    return marks


def _union(a: Rect, b: Rect) -> Rect:
    x, y = min(a.x, b.x), min(a.y, b.y)
    return Rect(x, y, max(a.right, b.right) - x, max(a.bottom, b.bottom) - y)


# --------------------------------------------------------------------------- ghosts


def _obstacles(layout: Layout, marks: list[StepMark], edge_marks: list[EdgeMark]) -> RectIndex:
    """Everything a ghost must keep clear of: boxes, labels, headers, routes, symbols."""
    index = RectIndex()
    for node in layout.nodes.values():
        index.add(node.rect)
        for badge in node.badges:
            index.add(badge.rect)
    for lane in layout.lanes.values():
        index.add(lane.header)
    for phase in layout.phases.values():
        index.add(phase.header)
    for edge in layout.edges:
        if edge.label is not None:
            index.add(edge.label.rect)
        for (x0, y0), (x1, y1) in zip(edge.points, edge.points[1:], strict=False):
            index.add(Rect(min(x0, x1) - 1, min(y0, y1) - 1, abs(x1 - x0) + 2,
                           abs(y1 - y0) + 2))
    for part in (layout.title.rect if layout.title else None,
                 layout.legend.rect if layout.legend else None):
        if part is not None:
            index.add(part)
    for mark in marks:
        index.add(mark.outline)
        index.add(mark.symbol)
    for edge_mark in edge_marks:
        index.add(edge_mark.symbol)
    return index


def _is_free(index: RectIndex, rect: Rect, clearance: float) -> bool:
    room = rect.inflate(clearance)
    return not any(index.rects[i].overlaps(room) for i in index.near(room))


def _fits(index: RectIndex, rect: Rect, kind: str, clearance: float) -> bool:
    """Whether a ghost box (and its symbol) fits at ``rect``, ``clearance`` from the rest."""
    return _is_free(index, rect, clearance) and _is_free(index, _symbol_for(kind, rect), 0.5)


def _positions(area: Rect, w: float, h: float, target: tuple[float, float]
               ) -> Iterator[Rect]:
    """Every candidate box of w × h inside ``area``, nearest to ``target`` first."""
    if area.w < w or area.h < h:
        return
    columns = int((area.w - w) // _SCAN_STEP) + 1
    rows = int((area.h - h) // _SCAN_STEP) + 1
    spots = [(area.x + i * _SCAN_STEP, area.y + j * _SCAN_STEP)
             for i in range(columns) for j in range(rows)]
    spots.sort(key=lambda p: ((p[0] + w / 2 - target[0]) ** 2 + (p[1] + h / 2 - target[1]) ** 2,
                              p[0], p[1]))
    for x, y in spots:
        yield Rect(x, y, w, h)


def _inside(outer: Rect, inner: Rect) -> Rect | None:
    x, y = max(outer.x, inner.x), max(outer.y, inner.y)
    right, bottom = min(outer.right, inner.right), min(outer.bottom, inner.bottom)
    if right <= x or bottom <= y:
        return None
    return Rect(x, y, right - x, bottom - y)


def _id_map(changes: tuple[NameChange, ...]) -> dict[str, str]:
    """Old id → new id of the actors (phases) both chains have under another id."""
    return {c.old_id: c.new_id for c in changes if c.old_id and c.new_id}


class _GhostPlace:
    """The parts of the new chart where a removed step of the old chain belongs."""

    def __init__(self, layout: Layout, diff: ChainDiff) -> None:
        self.layout = layout
        self.diff = diff
        renamed = _id_map(diff.actors)
        self.actor_of = {a.id: renamed.get(a.id, a.id) for a in diff.old.actors}
        renamed_phases = _id_map(diff.phases)
        self.phase_of = {p.id: renamed_phases.get(p.id, p.id) for p in diff.old.phases}
        self.new_id = {old: new for new, old in diff.old_ids.items()}
        self.mirrored = _mirrored(layout)

    def areas(self, step: Step) -> list[Rect]:
        """Where to look, best first: the old lane within the old phase, the whole old lane."""
        layout = self.layout
        lane = next((layout.lanes[a] for a in (self.actor_of.get(x, x) for x in step.responsible)
                     if a in layout.lanes), None)
        if lane is None:
            return []
        body = _lane_body(layout, lane.band, lane.header)
        areas: list[Rect] = []
        phase = layout.phases.get(self.phase_of.get(step.phase or "", "")) if step.phase else None
        if phase is not None and body is not None:
            part = _inside(body, phase.column)
            if part is not None:
                areas.append(part)
        if body is not None:
            areas.append(body)
        return areas

    def target(self, step: Step, area: Rect, w: float, h: float) -> tuple[float, float]:
        """The point a ghost should be nearest to: just after (in reading direction) its old
        predecessor that the new chart still has, else the area's centre."""
        for before in self.diff.old.steps:
            if any(t.to == step.id for t in before.next):
                node = self.layout.nodes.get(self.new_id.get(before.id, ""))
                if node is not None:
                    gap = 2 * GHOST_CLEARANCE
                    if self.layout.direction == "tb":
                        return node.rect.cx, node.rect.bottom + gap + h / 2
                    if self.mirrored:
                        return node.rect.x - gap - w / 2, node.rect.cy
                    return node.rect.right + gap + w / 2, node.rect.cy
        return area.cx, area.cy


def _mirrored(layout: Layout) -> bool:
    """Whether the chart was mirrored (for right-to-left languages, unless the layout was
    told otherwise): its legend's texts then stand left of their swatches, and in rows time
    runs leftwards."""
    if layout.legend is not None and layout.legend.items:
        item = layout.legend.items[0]  # mirrored, its text stands left of its swatch
        return item.text.rect.cx < item.swatch.cx
    lanes = list(layout.lanes.values())
    if layout.direction == "lr" and lanes:
        return lanes[0].header.x > lanes[0].band.cx
    return is_rtl(layout.language)


def _lane_body(layout: Layout, band: Rect, header: Rect) -> Rect | None:
    """The lane band without its header."""
    if layout.direction == "tb":
        top = max(band.y, header.bottom)
        return Rect(band.x, top, band.w, band.bottom - top) if band.bottom > top else None
    if header.x > band.cx:  # mirrored: the header at the right end
        return Rect(band.x, band.y, header.x - band.x, band.h) if header.x > band.x else None
    left = max(band.x, header.right)
    return Rect(left, band.y, band.right - left, band.h) if band.right > left else None


def _ghost_size(layout: Layout, title: str) -> tuple[float, float]:
    """A typical task box of this chart, taller when the title needs more lines."""
    tasks = [node.rect for node in layout.nodes.values() if node.kind == "task"] or \
        [node.rect for node in layout.nodes.values()]
    w = median(rect.w for rect in tasks) if tasks else 90.0
    h = median(rect.h for rect in tasks) if tasks else 40.0
    size = layout.style.font_size
    lines = tx.wrap(title, max(w - 12.0, 10.0), size, language=layout.language)
    return w, max(h, len(lines) * tx.line_height(size) + 10.0)


def _ghosts(layout: Layout, diff: ChainDiff, words: Mapping[str, str], index: RectIndex
            ) -> tuple[list[Ghost], list[StepChange]]:
    """Ghost boxes for the removed steps that find room, and the removed steps that do not."""
    place = _GhostPlace(layout, diff)
    ghosts: list[Ghost] = []
    homeless: list[StepChange] = []
    for change in diff.step_changes("removed"):
        step = diff.old.step(change.old_id or "")
        title = _localised(step.title, layout.language)
        w, h = _ghost_size(layout, title)
        spot = None
        tries = [(clearance, area) for clearance in (GHOST_CLEARANCE, TIGHT_CLEARANCE)
                 for area in place.areas(step)]
        for clearance, area in tries:
            target = place.target(step, area, w, h)
            spot = next((rect for rect in _positions(area, w, h, target)
                         if _fits(index, rect, step.kind.value, clearance)), None)
            if spot is not None:
                break
        if spot is None:
            homeless.append(change)
            continue
        index.add(spot)
        text = centred_block(title, spot.inflate(-4.0), layout.style.font_size, False,
                             layout.language)
        corner = _symbol_for(step.kind.value, spot)
        index.add(corner)
        ghosts.append(Ghost(step.id, _SHAPES[step.kind], spot, text, corner,
                            words["step_removed"].format(title)))
    return ghosts, homeless


def _localised(value: str, language: str) -> str:
    return str(value.first(language)) if isinstance(value, Text) else str(value)


# --------------------------------------------------------------------------- below the chart


def _line(text: str, x: float, top: float, size: float, bold: bool = False) -> TextLine:
    return TextLine(text, x, top + baseline(size, bold), size, bold, "start")


def _keys(layout: Layout, kinds: list[MarkKind], words: Mapping[str, str], top: float
          ) -> tuple[list[MarkKey], Rect]:
    size = layout.style.small_font_size + 1.0
    x = _MARGIN + 8.0
    keys: list[MarkKey] = []
    row = tx.line_height(size) + 8.0
    for kind in kinds:
        sw, sh = _KEY_SWATCH
        swatch = Rect(x, top + (row - sh) / 2, sw, sh)
        label = words[f"key_{kind}"]
        width = tx.text_width(label, size)
        line = _line(label, swatch.right + 6.0, top + (row - tx.line_height(size)) / 2, size)
        block = TextBlock((line,), Rect(line.x, top, width, row))
        keys.append(MarkKey(kind, swatch, block))
        x = swatch.right + 6.0 + width + 18.0
    return keys, Rect(_MARGIN, top, x - 18.0 + 8.0 - _MARGIN, row)


def _removed_list(layout: Layout, homeless: list[StepChange], words: Mapping[str, str],
                  top: float) -> tuple[TextBlock, Rect]:
    size = layout.style.font_size
    lines = [_line(words["removed_list"], _MARGIN + 8.0, top + 4.0, size, True)]
    y = top + 4.0 + tx.line_height(size)
    for change in homeless:
        title = _localised(change.title, layout.language)
        lines.append(_line("– " + title, _MARGIN + 8.0, y, size))
        y += tx.line_height(size)
    width = max(tx.text_width(line.text, size, line.bold) for line in lines)
    rect = Rect(_MARGIN, top, width + 16.0, y + 4.0 - top)
    return TextBlock(tuple(lines), Rect(_MARGIN + 8.0, top + 4.0, width, y - top - 4.0)), rect


def mark_layout(layout: Layout, diff: ChainDiff) -> Layout:
    """``layout`` (of ``diff.new``) with the marks of ``diff`` placed; the chart itself is
    unchanged, the legend of the marks and any list of removed steps are added below it."""
    words = words_for("diff", layout.language)
    steps = _step_marks(layout, diff, words)
    edges = _edge_marks(layout, diff, words)
    contacts = _contact_marks(layout, diff, words)
    ghosts, homeless = _ghosts(layout, diff, words, _obstacles(layout, steps, edges))
    present: dict[MarkKind, bool] = {
        "added": any(m.kind == "added" for m in steps) or bool(edges)
        or any(m.kind == "added" for m in contacts),
        "changed": any(m.kind == "changed" for m in steps)
        or any(m.kind == "changed" for m in contacts),
        "removed": bool(ghosts or homeless)}
    kinds = [kind for kind, shown in present.items() if shown]
    if not kinds:
        return layout
    top = layout.height - _MARGIN + 4.0
    keys, keys_rect = _keys(layout, kinds, words, top)
    bottom = keys_rect.bottom
    removed: TextBlock | None = None
    removed_rect: Rect | None = None
    if homeless:
        removed, removed_rect = _removed_list(layout, homeless, words, bottom + 6.0)
        bottom = removed_rect.bottom
    widest = max(keys_rect.right, removed_rect.right if removed_rect else 0.0)
    width = max(layout.width, widest + _MARGIN)
    below = DiffMarks(keys=tuple(keys), keys_rect=keys_rect, removed=removed,
                      removed_rect=removed_rect)
    if _mirrored(layout):  # from the right, as the chart's own legend
        below = map_geometry(replace(layout, marks=below),
                             lambda r: Rect(width - r.x - r.w, r.y, r.w, r.h),
                             lambda t: replace(t, x=width - t.x,
                                               anchor=MIRRORED_ANCHOR[t.anchor]),
                             lambda p: (width - p[0], p[1]))["marks"]
    marks = replace(below, steps=tuple(steps), edges=tuple(edges), ghosts=tuple(ghosts),
                    contacts=tuple(contacts))
    return replace(layout, width=width, height=bottom + _MARGIN, marks=marks)
