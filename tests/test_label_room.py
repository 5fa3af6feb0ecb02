"""Branch labels take room in a column channel only where no place beside the start of their
edge is free (:func:`prozesskette.layout.coords.place_columns`), and still sit there."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from paths import ARBEIT, AUSBILDUNG
from prozesskette.layout import layout_chain, verify
from prozesskette.layout.geometry import EdgeRoute, Layout, Rect
from prozesskette.loader import load
from prozesskette.model import Actor, Chain, Step
from prozesskette.samples import cross_lane_chain, generate_chain


def _unlabelled(chain: Chain) -> Chain:
    steps = tuple(dataclasses.replace(step, next=tuple(
        dataclasses.replace(t, label=None) for t in step.next)) for step in chain.steps)
    return dataclasses.replace(chain, steps=steps)


def _beside_start(edge: EdgeRoute) -> bool:
    """Whether the label lies right beside the start of its edge's first run (above or below
    a run along x, right or left of one along y), as :func:`place_label` puts it first."""
    assert edge.label is not None
    (x0, y0), (x1, y1) = edge.points[:2]
    rect = edge.label.rect
    if abs(y0 - y1) < 0.01:
        ahead = rect.x - x0 if x1 > x0 else x0 - rect.right
        return 0 <= ahead <= 4 and min(abs(rect.bottom + 1.5 - y0), abs(rect.y - 1.5 - y0)) < 0.1
    ahead = rect.y - y0 if y1 > y0 else y0 - rect.bottom
    return 0 <= ahead <= 4 and min(abs(rect.x - 2.5 - x0), abs(rect.right + 2.5 - x0)) < 0.1


def _crosses_a_line(layout: Layout, rect: Rect) -> bool:
    for edge in layout.edges:
        for (xa, ya), (xb, yb) in itertools.pairwise(edge.points):
            x0, x1 = sorted((xa, xb))
            y0, y1 = sorted((ya, yb))
            if x0 < rect.right and rect.x < x1 + 0.01 and y0 < rect.bottom and rect.y < y1 + 0.01:
                return True
    return False


@pytest.mark.parametrize(("path", "most"), [(AUSBILDUNG, 160.0), (ARBEIT, 150.0)],
                         ids=["ausbildung", "arbeit"])
def test_branch_labels_cost_little_width(path: object, most: float) -> None:
    """Every label reserving room after its decision cost 248 pt (Ausbildung) and 197 pt
    (Arbeit) of width against the same chart without labels; now 109 and 81."""
    chain = load(path)  # type: ignore[arg-type]
    labelled, plain = layout_chain(chain), layout_chain(_unlabelled(chain))
    assert any(edge.label for edge in labelled.edges)
    assert labelled.width - plain.width <= most
    assert verify(labelled) == []


@pytest.mark.parametrize("path", [AUSBILDUNG, ARBEIT], ids=["ausbildung", "arbeit"])
@pytest.mark.parametrize("options", [{}, {"direction": "tb"}], ids=["lr", "tb"])
def test_labels_sit_beside_the_start_of_their_edge(path: object,
                                                   options: dict[str, object]) -> None:
    """A label whose edge leaves its step's side sits right where its edge starts, and
    crosses no line: the room the channel does not give it was not needed."""
    layout = layout_chain(load(path), **options)  # type: ignore[arg-type]
    horizontal = layout.direction == "lr"
    side = [edge for edge in layout.edges if edge.label is not None
            and abs(edge.points[0][1 if horizontal else 0]
                    - edge.points[1][1 if horizontal else 0]) < 0.01]
    assert len(side) >= 7
    assert [(e.source, e.target) for e in side if not _beside_start(e)] == []
    assert [(e.source, e.target) for e in layout.edges
            if e.label is not None and _crosses_a_line(layout, e.label.rect)] == []


def _decision(yes: str, no: str, lanes: tuple[str, str]) -> Chain:
    return Chain("T", (Actor("a0", "A0"), Actor("a1", "A1")), (
        Step("s", "Start", kind="start", actor="a0", next=["d"]),
        Step("d", "Unterlagen vollständig?", kind="decision", actor="a0",
             next=[{"to": "y", "label": yes}, {"to": "n", "label": no}]),
        Step("y", "Bescheid erteilen", actor=lanes[0], next=["e"]),
        Step("n", "Unterlagen nachfordern", actor=lanes[1], next=["e"]),
        Step("e", "Ende", kind="end", actor="a0")))


@pytest.mark.parametrize("lanes", [("a0", "a0"), ("a0", "a1"), ("a1", "a0")])
@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_a_label_with_no_free_place_still_gets_its_room(lanes: tuple[str, str],
                                                        direction: str) -> None:
    """Long labels next to a narrow channel: the channel makes room, and each label sits
    beside its own edge, on no line and no step."""
    chain = _decision("ja, vollständig und geprüft", "nein, Nachweise fehlen noch", lanes)
    layout = layout_chain(chain, direction=direction)
    assert verify(layout) == []
    labels = [edge for edge in layout.edges if edge.label is not None]
    assert len(labels) == 2
    for edge in labels:
        assert edge.label is not None
        assert not _crosses_a_line(layout, edge.label.rect)
    assert layout_chain(chain, direction=direction).edges == layout.edges  # deterministic


def _labels_on_dividers(layout: Layout) -> list[tuple[str, str]]:
    """The edges whose label lies across a dashed phase divider (the start of every phase
    but the first)."""
    starts = [phase.column.x if layout.direction == "lr" else phase.column.y
              for phase in list(layout.phases.values())[1:]]
    found = []
    for edge in layout.edges:
        if edge.label is None:
            continue
        rect = edge.label.rect
        lo, hi = (rect.x, rect.right) if layout.direction == "lr" else (rect.y, rect.bottom)
        if any(lo < at < hi for at in starts):
            found.append((edge.source, edge.target))
    return found


@pytest.mark.parametrize(("name", "direction"), [
    ("ausbildung", "lr"), ("ausbildung", "tb"), ("gen1", "lr"), ("gen7", "tb"),
    ("cross10", "tb"), ("cross2", "lr")])
def test_branch_labels_leave_the_phase_dividers_visible(name: str, direction: str) -> None:
    """A phase divider runs through its channel beside the branch labels there, where the
    channel has a free stretch of 8 pt: before, these charts had 1–3 labels each on a
    divider (43 of 1002 labels on the Stendal charts, the Gesamtübersicht and 20 generated
    60-step charts, both directions; now 1, in a channel with no such stretch)."""
    chain = {"ausbildung": lambda: load(AUSBILDUNG),
             "gen1": lambda: generate_chain(60, 8, 1, decisions=0.3),
             "gen7": lambda: generate_chain(60, 8, 7, decisions=0.3),
             "cross10": lambda: cross_lane_chain(60, 9, 10),
             "cross2": lambda: cross_lane_chain(60, 9, 2)}[name]()
    layout = layout_chain(chain, direction=direction)  # type: ignore[arg-type]
    assert _labels_on_dividers(layout) == []
    assert verify(layout) == []
