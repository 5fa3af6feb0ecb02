"""Folds (issue 14, item 3): in a chart too wide for the page, a run of steps in one lane goes
down the lane in one column, joined by a short vertical arrow; the chart gets narrower and the
lane taller."""

from __future__ import annotations

import warnings

import pytest

from paths import ARBEIT
from prozesskette import samples
from prozesskette.graph import ChainGraph
from prozesskette.layout import layout_chain, verify
from prozesskette.layout.columns import FOLD_MAX_STEPS, fold_pairs, layer
from prozesskette.layout.engine import make_grid
from prozesskette.layout.geometry import Layout
from prozesskette.layout.grid import Grid, lane_spans
from prozesskette.loader import load
from prozesskette.model import Actor, Chain, Phase, Step, StepKind


def _pairs_chain(pairs: int = 12) -> Chain:
    """Two steps in lane a, two in lane b, two in a again, …: a long, flat chart."""
    steps: list[Step] = []
    for i in range(2 * pairs):
        lane = "a" if (i // 2) % 2 == 0 else "b"
        kind = "start" if i == 0 else "end" if i == 2 * pairs - 1 else "task"
        nxt = [f"s{i + 1}"] if i < 2 * pairs - 1 else []
        steps.append(Step(f"s{i}", f"Schritt {i}", kind=kind, actor=lane, next=nxt))
    return Chain("T", (Actor("a", "A"), Actor("b", "B")), tuple(steps))


def _grid(chain: Chain, *, fold: bool) -> Grid:
    graph = ChainGraph(chain)
    lanes = [actor.id for actor in chain.actors]
    rank = {actor: i for i, actor in enumerate(lanes)}
    spans, badge = lane_spans(graph, rank)
    grid = Grid(graph, lanes, rank, spans, badge, fold="branches" if fold else "off")
    layer(grid)
    return grid


def _folded_edges(layout: Layout) -> list[tuple[str, str]]:
    """Edges between two steps of one lane drawn straight down in one column."""
    nodes = layout.nodes
    found = []
    for edge in layout.edges:
        a, b = nodes[edge.source], nodes[edge.target]
        xs = {round(x, 3) for x, _ in edge.points}
        if a.actors == b.actors and len(xs) == 1 and not edge.back \
                and b.rect.y >= a.rect.bottom - 0.01:
            found.append((edge.source, edge.target))
    return found


def test_a_wide_chart_folds_its_runs_into_fewer_columns() -> None:
    chain = _pairs_chain()
    plain, folded = _grid(chain, fold=False), _grid(chain, fold=True)
    assert folded.columns < plain.columns
    shared = [(e.source, e.target) for e in folded.graph.edges
              if folded.col[e.source] == folded.col[e.target]
              and folded.span[e.source] == folded.span[e.target]]
    assert shared  # some pairs of one lane share a column


def test_folded_pairs_are_drawn_straight_down_their_lane() -> None:
    chain = _pairs_chain()
    layout = layout_chain(chain)
    assert verify(layout) == []
    folds = _folded_edges(layout)
    assert folds
    grid = make_grid(ChainGraph(chain), "file", True, list(layout.lanes), "runs")
    for source, target in folds:
        a, b = grid.items[source], grid.items[target]
        assert (a.col, a.lo) == (b.col, b.lo) and b.row > a.row
    assert max(grid.rows) >= 2  # the lane grew a row …


def test_a_chart_that_fits_its_page_does_not_fold() -> None:
    lanes = tuple(Actor(x, x.upper()) for x in "abcdef")
    chain = Chain("T", lanes, (  # two steps in lane a, then one down each lane: a tall chart
        Step("s0", "Start", kind="start", actor="a", next=["s1"]),
        Step("s1", "Erster Schritt", actor="a", next=["s2"]),
        *(Step(f"s{i}", f"Schritt {i}", actor="abcdef"[i - 1], next=[f"s{i + 1}"])
          for i in range(2, 6)),
        Step("s6", "Ende", kind="end", actor="f")))
    assert fold_pairs(_grid(chain, fold=False), set()) != []
    plain, folded = _grid(chain, fold=False), _grid(chain, fold=True)
    assert folded.col == plain.col


def test_large_charts_do_not_fold() -> None:
    chain = samples.cross_lane_chain(FOLD_MAX_STEPS + 20, 8, 1)
    plain, folded = _grid(chain, fold=False), _grid(chain, fold=True)
    assert folded.col == plain.col


def test_a_decision_may_send_one_branch_down() -> None:
    chain = Chain("T", (Actor("a", "A"),), (
        Step("d", "Frage?", kind=StepKind.decision, actor="a",
             next=[{"to": "x", "label": "ja"}, {"to": "y", "label": "nein"}]),
        Step("x", "X", kind="end", actor="a"),
        Step("y", "Y", kind="end", actor="a")))
    grid = _grid(chain, fold=False)
    pairs = [(grid.graph.edges[i].source, grid.graph.edges[i].target)
             for i in fold_pairs(grid, set(grid.back))]
    assert pairs == [("d", "x")]


def test_fold_pairs_keep_phases_branches_and_merges() -> None:
    lanes = (Actor("a", "A"),)
    chain = Chain("T", lanes, (
        Step("s", "Start", kind="start", actor="a", phase="p", next=["t"]),
        Step("t", "Zwei Wege", actor="a", phase="p", next=["u", "v"]),  # a task that branches
        Step("u", "U", actor="a", phase="p", next=["m"]),
        Step("v", "V", actor="a", phase="p", next=["m"]),
        Step("m", "Zusammen", actor="a", phase="p", next=["q"]),  # two come in
        Step("q", "Andere Phase", actor="a", phase="r", next=["d"]),
        Step("d", "Frage?", kind=StepKind.decision, actor="a", phase="r",
             next=[{"to": "x", "label": "ja"}, {"to": "y", "label": "nein"}]),
        Step("x", "X", kind="end", actor="a", phase="r"),
        Step("y", "Y", kind="end", actor="a", phase="r")),
        phases=(Phase("p", "P"), Phase("r", "R")))
    grid = _grid(chain, fold=False)
    pairs = {(grid.graph.edges[i].source, grid.graph.edges[i].target)
             for i in fold_pairs(grid, set(grid.back))}
    assert ("s", "t") in pairs  # one successor, one predecessor
    assert not {("t", "u"), ("t", "v")} & pairs  # a task with two successors
    assert not {("u", "m"), ("v", "m")} & pairs  # into a merge
    assert ("m", "q") not in pairs  # across a phase boundary
    assert ("q", "d") in pairs  # … and so the decision's branches stay beside it
    assert not {("d", "x"), ("d", "y")} & pairs
    assert all(len({a, b} & {c, d}) == 0 for (a, b) in pairs for (c, d) in pairs
               if (a, b) != (c, d))  # pairs only: no step in two folds


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_folded_charts_verify_and_are_deterministic(seed: int) -> None:
    for chain in (samples.cross_lane_chain(40, 9, seed, contacts=True),
                  samples.generate_chain(40, 6, seed)):
        first = layout_chain(chain)
        assert verify(first) == []
        assert layout_chain(chain) == first


def test_the_40_step_cross_lane_chart_folds_narrower() -> None:
    chain = samples.cross_lane_chain(40, 9, 1, contacts=True)
    assert _grid(chain, fold=True).columns <= _grid(chain, fold=False).columns - 3


@pytest.mark.slow
def test_arbeit_prints_larger_on_a2() -> None:
    """Measured: 5.74 pt before folds, syllable floors and narrow empty channels; 6.13 after."""
    from prozesskette.printing import build_pdf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = build_pdf(load(ARBEIT), page="A2", landscape=True, split="none",
                           appendix=False)
    assert result.text_size >= 6.0
