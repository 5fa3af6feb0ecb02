"""Lone steps join their lane's main row (layout/rows.py)."""

from __future__ import annotations

from typing import Any

import pytest

from paths import AUSBILDUNG
from prozesskette.layout import layout_chain, verify
from prozesskette.layout.options import LANE_PAD, ROW_GAP
from prozesskette.loader import load


def _bypass_chain() -> dict[str, Any]:
    """Lane 'b' has a hand-off a → c past b1 (its line takes a row of its own above b1) and a
    lone step f whose neighbours lie in the lane above (it wishes the upper row)."""
    def step(sid: str, actor: str, nxt: list[str], kind: str = "task") -> dict[str, Any]:
        return {"id": sid, "title": f"Schritt {sid}", "actor": actor, "kind": kind,
                "next": nxt}
    return {"title": "T", "language": "de", "lane_order": "file",
            "actors": [{"id": "x", "name": "Oben"}, {"id": "b", "name": "Betrieb"}],
            "steps": [step("s", "x", ["a"], "start"), step("a", "b", ["b1", "c"]),
                      step("b1", "b", ["c"]), step("c", "b", ["e"]), step("e", "x", ["f"]),
                      step("f", "b", ["z"]),
                      {"id": "z", "title": "Ende", "actor": "x", "kind": "end"}]}


@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_lone_step_joins_the_row_of_the_other_steps(direction: str) -> None:
    layout = layout_chain(load(_bypass_chain()), direction=direction)
    assert verify(layout) == []
    across = (lambda r: r.y + r.h / 2) if direction == "lr" else (lambda r: r.x + r.w / 2)
    rows = {round(across(layout.nodes[sid].rect), 1) for sid in ("a", "b1", "c", "f")}
    assert len(rows) == 1
    # one row of boxes and the bypass's thin row: lower than two rows of boxes
    extent = layout.lanes["b"].band.h if direction == "lr" else layout.lanes["b"].band.w
    box = layout.nodes["f"].rect.h if direction == "lr" else layout.nodes["f"].rect.w
    assert extent < 2 * box + ROW_GAP + 2 * LANE_PAD


def test_stendal_ausbildung_betrieb_steps_share_one_row() -> None:
    """The Ausbildungsbetrieb lane has a hand-off past 'Einstiegsqualifizierung' (its line
    takes a row above it); its other steps, each alone in its column, join the same row."""
    layout = layout_chain(load(AUSBILDUNG))
    assert verify(layout) == []
    steps = [n for n in layout.nodes.values() if n.actors == ("betrieb",)]
    assert len(steps) >= 5
    assert len({round(n.rect.y + n.rect.h / 2, 1) for n in steps}) == 1
