"""Routing on the finished drawing: lines keep off lane borders and phase dividers, ports let
edges run straight, brackets and elbows save bends, and ``verify`` holds on both generated
families (``generate_chain`` and ``cross_lane_chain``)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import ARBEIT, CHAINS, EXAMPLE, examples
from prozesskette.layout import invariants, layout_chain, verify
from prozesskette.layout.geometry import EdgeRoute, Layout
from prozesskette.layout.ports import LEAST_GAP, _pack, _spread
from prozesskette.loader import load
from prozesskette.model import Actor, Chain, Phase, Step
from prozesskette.samples import cross_lane_chain, generate_chain

FAMILIES = {"samples": generate_chain, "cross-lane": cross_lane_chain}


def _kinds(layout: Layout) -> set[str]:
    return {v.kind for v in verify(layout)}


# --- the check: a line along a border --------------------------------------------------------

def _with_edge(layout: Layout, points: tuple[tuple[float, float], ...]) -> Layout:
    first = layout.edges[0]
    return replace(layout, edges=(*layout.edges, EdgeRoute(first.source, first.target, points)))


def test_a_line_along_a_lane_border_is_a_violation_crossing_one_is_not() -> None:
    layout = layout_chain(load(EXAMPLE))
    assert verify(layout) == []
    lanes = list(layout.lanes.values())
    border = lanes[1].band.y  # between the first and the second lane
    x0, x1 = lanes[1].band.x + lanes[1].header.w + 5.0, lanes[1].band.right - 5.0
    along = _with_edge(layout, ((x0, border + 2.0), (x1, border + 2.0)))
    found = [v for v in verify(along) if v.kind == "edge-near-border"]
    assert found and "2.0 pt along the border of lane" in found[0].message
    on_it = _with_edge(layout, ((x0, border), (x1, border)))
    assert "edge-near-border" in _kinds(on_it)
    clear = _with_edge(layout, ((x0, border + 4.5), (x1, border + 4.5)))
    assert "edge-near-border" not in _kinds(clear)
    crossing = _with_edge(layout, ((x0, border - 30.0), (x0, border + 30.0)))
    assert "edge-near-border" not in _kinds(crossing)


def test_a_line_along_a_phase_divider_is_a_violation() -> None:
    layout = layout_chain(load(ARBEIT))
    phases = list(layout.phases.values())
    divider = phases[1].column.x
    top, bottom = phases[1].column.y + 10.0, phases[1].column.bottom - 10.0
    along = _with_edge(layout, ((divider - 3.0, top), (divider - 3.0, bottom)))
    assert any("divider of phase" in v.message for v in verify(along))
    across = _with_edge(layout, ((divider - 40.0, top), (divider + 40.0, top)))
    assert not any("divider of phase" in v.message for v in verify(across))
    tb = layout_chain(load(ARBEIT), direction="tb")
    column = list(tb.phases.values())[1].column
    sideways = _with_edge(tb, ((column.x + 10.0, column.y + 1.0),
                               (column.right - 10.0, column.y + 1.0)))
    assert any("divider of phase" in v.message for v in verify(sideways))


# --- the router keeps more room than the check asks ------------------------------------------

ROUTER_CLEARANCE = 5.9  # ports keep 6 pt from borders, tracks 7 pt from dividers and borders


@pytest.mark.parametrize("path", [*CHAINS, EXAMPLE], ids=lambda p: Path(p).name)
@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_lines_keep_off_borders_and_dividers_on_shipped_chains(
        path: Path, direction: str, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = layout_chain(load(path), direction=direction)
    assert verify(layout) == []
    monkeypatch.setattr(invariants, "BORDER_CLEARANCE", ROUTER_CLEARANCE)
    assert [v for v in verify(layout) if v.kind == "edge-near-border"] == []


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize(("steps", "lanes", "seed"), [(40, 9, 1), (60, 6, 2), (120, 10, 3)])
def test_lines_keep_off_borders_on_both_families(
        family: str, steps: int, lanes: int, seed: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    chain = FAMILIES[family](steps, lanes, seed, contacts=True)
    for direction in ("lr", "tb"):
        layout = layout_chain(chain, direction=direction)
        assert verify(layout) == []
        with monkeypatch.context() as patch:
            patch.setattr(invariants, "BORDER_CLEARANCE", ROUTER_CLEARANCE)
            assert [v for v in verify(layout) if v.kind == "edge-near-border"] == []


# --- verify holds on both families -----------------------------------------------------------

VARIANTS = [{}, {"direction": "tb"}, {"lane_order": "auto"}, {"compact": True},
            {"compact": True, "direction": "tb", "lane_order": "auto"}]


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(family=st.sampled_from(sorted(FAMILIES)), steps=st.integers(8, 150),
       lanes=st.integers(3, 12), seed=st.integers(0, 10**6), options=st.sampled_from(VARIANTS),
       contacts=st.booleans())
def test_invariants_hold_on_both_families(family: str, steps: int, lanes: int, seed: int,
                                         options: dict[str, object], contacts: bool) -> None:
    chain = FAMILIES[family](steps, lanes, seed, contacts=contacts)
    assert verify(layout_chain(chain, **options)) == []


# --- ports, brackets, elbows -----------------------------------------------------------------

def _bracket_chain() -> Chain:
    """A shared step between a step and a hand-off, and a hand-off in one column past a step
    in between (a0 over a2, with a1 between them)."""
    actors = tuple(Actor(f"a{i}", f"Stelle {i + 1}") for i in range(3))
    return Chain("T", actors, (
        Step("s0", "Start", kind="start", actor="a0", phase="p0", next=["s1"]),
        Step("s1", "Antrag", actor="a1", phase="p0", next=["s2"]),
        Step("s2", "Beratung gemeinsam", actors=("a0", "a1"), phase="p0", next=["s3"]),
        Step("s3", "Bescheid", kind="document", actor="a2", phase="p0", next=["s4"]),
        Step("s4", "Kurs", actor="a0", phase="p0", next=["s5"]),
        Step("s5", "Ende", kind="end", actor="a1", phase="p0")),
        phases=(Phase("p0", "Phase 1"),))


def _edge(layout: Layout, source: str, target: str) -> EdgeRoute:
    (edge,) = [e for e in layout.edges if (e.source, e.target) == (source, target)]
    return edge


@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_bracket_elbow_and_straight_edge(direction: str) -> None:
    layout = layout_chain(_bracket_chain(), direction=direction)
    assert verify(layout) == []
    nodes = layout.nodes
    # the hand-off past the step in between: out of the side and back into the same side
    bracket = _edge(layout, "s3", "s4")
    assert bracket.bends == 2
    (x0, y0), (x1, y1) = bracket.points[0], bracket.points[-1]
    if direction == "lr":
        assert x0 == pytest.approx(nodes["s3"].rect.right)
        assert x1 == pytest.approx(nodes["s4"].rect.right)
    else:
        assert y0 == pytest.approx(nodes["s3"].rect.bottom)
        assert y1 == pytest.approx(nodes["s4"].rect.bottom)
    # a step's edge into a shared step over its lane runs straight, off the lane border
    assert _edge(layout, "s1", "s2").bends == 0
    # out of the shared step's bottom into the next lane's step: one bend
    assert _edge(layout, "s2", "s3").bends == 1


def test_bracket_past_a_step_between_and_straight_hand_off() -> None:
    actors = tuple(Actor(f"a{i}", f"Stelle {i + 1}") for i in range(4))
    chain = Chain("T", actors, (
        Step("s0", "Start", kind="start", actor="a1", next=["s1"]),
        Step("s1", "Antrag", actor="a1", next=["s2"]),
        Step("s2", "Prüfung", actor="a3", next=["s3"]),
        Step("s3", "Termin", actor="a0", next=["s4"]),
        Step("s4", "Ende", kind="end", actor="a0")))
    layout = layout_chain(chain)
    assert verify(layout) == []
    assert _edge(layout, "s1", "s2").bends == 0  # straight down in one column
    up = _edge(layout, "s2", "s3")  # up past s1: beside the column, into s3's right side
    assert up.bends == 2 and up.points[-1][0] == pytest.approx(layout.nodes["s3"].rect.right)
    # the bracket's port lies below the straight edge out of s3: they do not cross
    assert up.points[-1][1] > _edge(layout, "s3", "s4").points[0][1]
    assert invariants.crossings(layout) == 0


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_hand_offs_between_stacked_steps_run_straight(family: str) -> None:
    """Ports on tops and bottoms: a hand-off out of a step's bottom (or top) into the step
    straight below (or above) in the same column keeps a line without bends, also where
    elbows from the columns around take ports on the same sides."""
    stacked = 0
    for steps, lanes, seed in ((40, 9, 1), (100, 8, 2), (200, 10, 1)):
        layout = layout_chain(FAMILIES[family](steps, lanes, seed, contacts=True))
        for edge in layout.edges:
            a, b = layout.nodes[edge.source].rect, layout.nodes[edge.target].rect
            (x0, _), (x1, _) = edge.points[0], edge.points[-1]
            if edge.back or abs(a.cx - b.cx) > 0.5 or min(a.bottom, b.bottom) > max(a.y, b.y):
                continue
            if abs(x0 - a.cx) < a.w / 2 - 0.5 and abs(x1 - b.cx) < b.w / 2 - 0.5:
                stacked += 1
                assert edge.bends == 0, (edge.source, edge.target)
    assert stacked > 50


# --- the port spread -------------------------------------------------------------------------

wants = st.lists(st.one_of(st.none(), st.floats(-40.0, 40.0)), min_size=1, max_size=8)


@settings(max_examples=examples(300), deadline=None)
@given(wanted=wants, half=st.floats(8.0, 60.0), band=st.booleans())
def test_spread_keeps_order_room_and_bounds(wanted: list[float | None], half: float,
                                            band: bool) -> None:
    bands = [(-6.0, 6.0)] if band and half > 20.0 else []
    inside = [w if w is not None and abs(w) <= half and not any(a < w < b for a, b in bands)
              else None for w in wanted]
    offsets = _spread(inside, half, 8.0, bands)
    n = len(offsets)
    room = 2 * half - sum(b - a for a, b in bands)
    least = min(LEAST_GAP, 8.0, room / max(n - 1, 1))
    assert all(-half - 0.01 <= x <= half + 0.01 for x in offsets), offsets
    assert all(b - a >= least - 0.02 for a, b in itertools.pairwise(offsets)), offsets
    assert not any(a + 0.01 < x < b - 0.01 for x in offsets for a, b in bands), offsets
    if sum(w is not None for w in inside) == 1 and n * LEAST_GAP < room:
        (i, want), = [(i, w) for i, w in enumerate(inside) if w is not None]
        if -half + i * LEAST_GAP <= want <= half - (n - 1 - i) * LEAST_GAP and not bands:
            assert offsets[i] == pytest.approx(want)


def test_pack_is_nearest_in_order() -> None:
    assert _pack([0.0, 0.0], -10.0, 10.0, 8.0) == pytest.approx([-4.0, 4.0])
    assert _pack([5.0, 20.0], -10.0, 10.0, 8.0) == pytest.approx([2.0, 10.0])
    assert _pack([-3.0], -10.0, 10.0, 8.0) == pytest.approx([-3.0])


# --- shapes the fuzzing found ----------------------------------------------------------------

@pytest.mark.parametrize(("family", "steps", "lanes", "seed", "extra", "options"), [
    # a nudge that keeps stubs apart moved a port of a shared step next to its lane border
    ("samples", 53, 7, 945724, {"decisions": 0.15, "shared": 0.3}, {"lane_order": "auto"}),
    # a vertical hand-off whose ends could not line up jogged on a lane border
    ("cross-lane", 142, 7, 165268, {}, {"direction": "tb"}),
], ids=["nudge-near-border", "jog-on-border"])
def test_fuzz_findings_stay_fixed(family: str, steps: int, lanes: int, seed: int,
                                  extra: dict[str, float], options: dict[str, object]) -> None:
    chain = FAMILIES[family](steps, lanes, seed, contacts=True, **extra)  # type: ignore[operator]
    assert verify(layout_chain(chain, **options)) == []


# --- crossings that a route can avoid ---------------------------------------------------------

def _crossing_edges(layout: Layout) -> set[tuple[int, int]]:
    return {(a, b) for a, b, _ in invariants._crossing_points(layout, invariants._segments(layout))}


@pytest.mark.parametrize("family", ["samples", "cross-lane"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_forward_edges_through_one_step_do_not_cross(family: str, seed: int) -> None:
    """Issue 14: two forward edges that leave (or enter) one step never cross each other:
    their ports and tracks nest, and no elbow runs across the jog of an edge of the same
    side (:class:`prozesskette.layout.routes._SideJogs`); top and bottom ports are ordered
    by where their runs turn."""
    layout = layout_chain(FAMILIES[family](500, 10, seed, contacts=True))  # type: ignore[operator]
    for a, b in _crossing_edges(layout):
        first, second = layout.edges[a], layout.edges[b]
        if first.back or second.back:
            continue
        assert not {first.source, first.target} & {second.source, second.target}, (
            first.source, first.target, second.source, second.target)


def test_loops_in_one_row_gap_weigh_the_crossings_their_tracks_cannot_avoid() -> None:
    """Two loops back along one row gap whose legs reach into each other's run towards it
    cross whatever the order of their tracks; legs that leave towards the steps outside the
    other's run do not."""
    from prozesskette.layout.routes import _gap_crossings

    interleaved = ((4.0, 1.0, -1, -1), (5.0, 2.0, -1, -1))  # (t a, t b, sides): both legs up
    assert min(_gap_crossings(*interleaved), _gap_crossings(*reversed(interleaved))) == 1
    nested = ((6.0, 1.0, -1, -1), (5.0, 2.0, -1, -1))
    assert min(_gap_crossings(*nested), _gap_crossings(*reversed(nested))) == 0
    apart = ((3.0, 1.0, -1, -1), (6.0, 4.0, 1, 1))
    assert _gap_crossings(*apart) == _gap_crossings(*reversed(apart)) == 0
