"""The grid the engine (:mod:`~prozesskette.layout.engine`) fills: lanes, columns, items
(steps and the dummies of long edges) and their order in lanes and rows. Topology only: sizes
and coordinates are later stages, so no size can sway an order."""

from __future__ import annotations

from dataclasses import dataclass, field

from prozesskette.graph import ChainGraph


@dataclass
class Item:
    """Something that occupies a slot in a column: a step, or a dummy of a long edge."""

    key: str
    col: int
    lo: int  # first lane (rank)
    hi: int  # last lane (rank)
    step: str | None  # the step id, None for dummies
    pos: float = 0.0  # order key inside its lane cell
    row: int = 0  # sub-row inside the lane (for multi-lane items: the row in lane lo)
    row_hi: int = 0  # for multi-lane items: the row in lane hi
    must_first: bool = False
    must_last: bool = False

    @property
    def real(self) -> bool:
        return self.step is not None


@dataclass
class Chainlink:
    """A forward edge as the chain of items it passes: source, dummies…, target."""

    index: int  # the edge's index in ChainGraph.edges
    items: list[Item]
    vertical: bool = False  # source and target in the same column
    detour: bool = False  # … with something in between: drawn beside the column


@dataclass
class Grid:
    graph: ChainGraph
    lanes: list[str]  # actor ids in drawing order
    rank: dict[str, int]  # actor id -> lane rank
    span: dict[str, tuple[int, int]]  # step id -> lane range (lo, hi)
    badge_shared: set[str]  # shared steps drawn in the lead lane only (lanes not adjacent)
    col: dict[str, int] = field(default_factory=dict)
    columns: int = 0
    phase_cols: dict[str, tuple[int, int]] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    links: list[Chainlink] = field(default_factory=list)
    back: list[int] = field(default_factory=list)  # indices of edges drawn as loops back
    rows: list[int] = field(default_factory=list)  # sub-rows per lane
    detours_allowed: bool = True
    free_detours: bool = False  # … or only those that no other edge could cross
    detours: set[int] = field(default_factory=set)  # same-column hand-offs drawn beside


def lane_spans(graph: ChainGraph, rank: dict[str, int]) -> tuple[dict[str, tuple[int, int]],
                                                                  set[str]]:
    """Each step's lane range; shared steps whose lanes are not adjacent keep the lead lane."""
    spans: dict[str, tuple[int, int]] = {}
    badge: set[str] = set()
    for step in graph.steps.values():
        ranks = sorted(rank[a] for a in step.responsible if a in rank)
        if not ranks:
            ranks = [0]
        if ranks[-1] - ranks[0] == len(ranks) - 1:
            spans[step.id] = (ranks[0], ranks[-1])
        else:
            lead = rank[step.responsible[0]]
            spans[step.id] = (lead, lead)
            badge.add(step.id)
    return spans, badge
