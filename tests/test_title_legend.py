"""The legend beside the title, the phase titles of lanes as columns, and diamonds that narrow
only so far (issue 14: compact charts)."""

from __future__ import annotations

import copy

import pytest
import yaml

from paths import AUSBILDUNG, EXAMPLE
from prozesskette.layout import layout_chain, verify
from prozesskette.layout.geometry import Layout, Rect
from prozesskette.layout.options import DECISION_NARROWING, Options
from prozesskette.layout.step_text import node_text
from prozesskette.loader import load
from prozesskette.model import Step, StepKind


def _lanes_box(layout: Layout) -> Rect:
    bands = [lane.band for lane in layout.lanes.values()]
    top = min(b.y for b in bands)
    return Rect(min(b.x for b in bands), top, max(b.right for b in bands) - min(b.x for b in bands),
                max(b.bottom for b in bands) - top)


@pytest.mark.parametrize("direction", ["lr", "tb"])
@pytest.mark.parametrize("mirror", [False, True])
def test_legend_stands_beside_the_title(direction: str, mirror: bool) -> None:
    """Stendal Ausbildung: the legend is one row in the title's band, clear of the title and
    subtitle, at the side away from them; the drawing ends with the lanes."""
    layout = layout_chain(load(AUSBILDUNG), direction=direction, mirror=mirror)
    assert verify(layout) == []
    legend, title = layout.legend, layout.title
    assert legend is not None and title is not None
    lanes = _lanes_box(layout)
    assert legend.rect.bottom <= lanes.y
    assert len({round(item.swatch.y) for item in legend.items}) == 1
    for text in (title.title.rect, title.subtitle.rect if title.subtitle else None):
        assert text is not None and not text.overlaps(legend.rect)
        assert (legend.rect.right <= text.x) == mirror
    assert layout.height - lanes.bottom < 30.0  # no legend below the lanes
    for item in legend.items:
        assert (item.text.rect.cx < item.swatch.cx) == mirror


def test_legend_goes_below_when_the_title_leaves_no_room() -> None:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data = copy.deepcopy(data)
    data["title"] = " ".join(["Integration von Geflüchteten in Ausbildung und Arbeit"] * 3)
    layout = layout_chain(load(data))
    assert verify(layout) == []
    assert layout.legend is not None
    assert layout.legend.rect.y >= _lanes_box(layout).bottom


def test_a_phase_of_lanes_as_columns_holds_its_long_title() -> None:
    """Lanes as columns: a phase of one step is as long as its title, wrapped in the band of
    phase titles (it held only while the channels were 22 pt wide)."""
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data["phases"] = [{"id": "ankommen", "title": "Ankommen und Orientierung im Landkreis mit "
                       "Beratung, Anmeldung, Unterkunft und Sprachstandsfeststellung"},
                      {"id": "sprache", "title": "Sprache"}]
    for step in data["steps"]:
        step["phase"] = "ankommen" if step["id"] == data["steps"][0]["id"] else "sprache"
    for mirror in (False, True):
        layout = layout_chain(load(data), direction="tb", mirror=mirror)
        assert verify(layout) == []
        for phase in layout.phases.values():
            assert phase.header.inflate(0.5).contains(phase.title.rect)


def test_diamonds_narrow_only_to_their_floor() -> None:
    """Boxes narrow as far as the chart asks; a diamond stops at DECISION_NARROWING of its
    width (a narrower one grows tall fast, and its lane with it)."""
    options = Options()
    decision = Step("d", "Hat sie den Test mit B1 bestanden?", kind=StepKind.decision,
                    actor="a")
    task = Step("t", "Bürgergeld-Antrag und Kooperationsplan vereinbaren", actor="a")
    floor = node_text(decision, options, DECISION_NARROWING)
    assert node_text(decision, options, 0.55) == floor
    assert node_text(decision, options, 1.0).w > floor.w
    assert node_text(task, options, 0.55).w < node_text(task, options, DECISION_NARROWING).w
