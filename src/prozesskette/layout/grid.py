"""The grid the engine (:mod:`~prozesskette.layout.engine`) fills: lanes, columns, items
(steps and the dummies of long edges) and their order in lanes and rows. Topology only: sizes
and coordinates are later stages, so no size can sway an order."""

from __future__ import annotations

from typing import Literal

from prozesskette.graph import ChainGraph

FoldMode = Literal["branches", "runs", "off"]
"""Which runs of steps may go down their lane in one column where the chart is too wide
(:func:`~prozesskette.layout.columns.fold_pairs`): runs and one branch of a decision
(``branches``), runs only (``runs``), none (``off``). ``layout_chain`` draws a chart of up to
:data:`~prozesskette.layout.columns.FOLD_MAX_STEPS` steps all three ways and keeps the one
that prints largest."""


class Item:
    """Something that occupies a slot in a column: a step, or a dummy of a long edge.

    The grid's classes are work state that the engine's stages change in place. They are
    plain classes with ``__slots__``, not dataclasses: a dataclass is created by generating and
    executing its methods' source, about 0.7 ms each at every start of the program (a plain
    class 0.005 ms; measured in one process), for an ``__eq__`` that nothing uses here.
    """

    __slots__ = ("col", "hi", "key", "lo", "must_first", "must_last", "pos", "row", "row_hi",
                 "step")

    def __init__(self, key: str, col: int, lo: int, hi: int, step: str | None, *,
                 pos: float = 0.0) -> None:
        self.key = key
        self.col = col
        self.lo = lo  # first lane (rank)
        self.hi = hi  # last lane (rank)
        self.step = step  # the step id, None for dummies
        self.pos = pos  # order key inside its lane cell
        self.row = 0  # sub-row inside the lane (for multi-lane items: the row in lane lo)
        self.row_hi = 0  # for multi-lane items: the row in lane hi
        self.must_first = False
        self.must_last = False

    def __repr__(self) -> str:
        return f"Item({self.key!r}, col={self.col}, lanes={self.lo}..{self.hi}, row={self.row})"

    @property
    def real(self) -> bool:
        return self.step is not None


class Chainlink:
    """A forward edge as the chain of items it passes: source, dummies…, target."""

    __slots__ = ("detour", "index", "items", "vertical")

    def __init__(self, index: int, items: list[Item], *, vertical: bool = False,
                 detour: bool = False) -> None:
        self.index = index  # the edge's index in ChainGraph.edges
        self.items = items
        self.vertical = vertical  # source and target in the same column
        self.detour = detour  # … with something in between: drawn beside the column


class Grid:
    """Lanes, columns and items of one chain, filled in by the engine's stages."""

    __slots__ = ("back", "badge_shared", "col", "columns", "detours", "detours_allowed",
                 "fold", "free_detours", "graph", "items", "lanes", "links",
                 "phase_cols", "rank", "rows", "span", "undetoured", "unfolded")

    def __init__(self, graph: ChainGraph, lanes: list[str], rank: dict[str, int],
                 span: dict[str, tuple[int, int]], badge_shared: set[str], *,
                 detours_allowed: bool = True, free_detours: bool = False,
                 fold: FoldMode = "off", unfolded: frozenset[str] = frozenset(),
                 undetoured: frozenset[int] = frozenset()) -> None:
        self.graph = graph
        self.lanes = lanes  # actor ids in drawing order
        self.rank = rank  # actor id -> lane rank
        self.span = span  # step id -> lane range (lo, hi)
        self.badge_shared = badge_shared  # shared steps drawn in the lead lane only
        self.col: dict[str, int] = {}
        self.columns = 0
        self.phase_cols: dict[str, tuple[int, int]] = {}
        self.items: dict[str, Item] = {}
        self.links: list[Chainlink] = []
        self.back: list[int] = []  # indices of edges drawn as loops back
        self.rows: list[int] = []  # sub-rows per lane
        self.detours_allowed = detours_allowed
        self.free_detours = free_detours  # … or only those that no other edge could cross
        self.undetoured = undetoured  # edges (indices) refused a detour (one that nothing
                                      # could cross, columns._detour_free, is still drawn)
        self.detours: set[int] = set()  # same-column hand-offs drawn beside
        self.fold = fold  # which runs of steps may go down their lane in one column …
        self.unfolded = unfolded  # … except in these lanes (actor ids)


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
