"""From a checked chain to its layout: the drawing the options ask for, of the lane
orders, folds (and, for a page, the detours and box widths) tried, the one that crosses least
and prints largest. One drawing's stages are :mod:`.drawing`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from typing import TypeVar

from prozesskette.analysis import Analysis, analyse
from prozesskette.graph import ChainGraph
from prozesskette.i18n import is_rtl
from prozesskette.layout.columns import FOLD_MAX_STEPS, folded_lanes
from prozesskette.layout.crossing import crossing_pairs, route_crossings
from prozesskette.layout.cycles import paused_cycle_collection
from prozesskette.layout.drawing import (
    Draft,
    DraftCache,
    draw,
    finish,
    grid_for,
    lay_out,
    outline_of,
)
from prozesskette.layout.geometry import Layout
from prozesskette.layout.grid import FoldMode, Grid
from prozesskette.layout.lane_order import lane_trials, lanes_split, shared_groups
from prozesskette.layout.mirror import mirror
from prozesskette.layout.options import MARGIN, PRINT_ASPECT, Options
from prozesskette.layout.routes import Route
from prozesskette.model import Chain

__all__ = ["Drafts", "Options", "lay_out", "layout_chain"]


class Drafts(DraftCache):
    """The layouts of one chain, sharing what they can (:class:`~.drawing.DraftCache`).
    Call it as :func:`layout_chain`; layouts of other chains are made as without it."""

    def __call__(self, chain: Chain, **options: object) -> Layout:
        with paused_cycle_collection():
            return _layout_chain(chain, self if chain is self.chain else None, **options)


def layout_chain(chain: Chain, **options: object) -> Layout:
    """Lay out a checked chain: pure geometry, see :class:`Layout`.

    Options: direction ('lr' | 'tb'), lane_order ('auto' | 'file'; default: the chain's),
    qr (bool), qr_size (pt),
    contacts, font_size, small_size, box_width, title, legend, language, compact (hand-offs
    past a step in between stay in their column, drawn beside it: narrower, more crossings),
    aspect (width : height of an area to fill, such as a page's: the drawing shaped for it,
    see :func:`_best_for_page`; None, the default: the screen's drawing),
    mirror (default: for right-to-left languages; time then runs from right to left).
    """
    with paused_cycle_collection():
        return _layout_chain(chain, None, **options)


def _layout_chain(chain: Chain, drafts: Drafts | None, **options: object) -> Layout:
    mirrored = options.pop("mirror", None)  # None: mirror for right-to-left languages
    opts = Options(**options)  # type: ignore[arg-type]
    trials = min(LANE_TRIALS, LANE_TRIAL_WORK // max(1, len(chain.steps)))
    if (opts.lane_order or chain.lane_order.value) == "auto" and trials > 1:
        geometry = _best_of_lane_orders(chain, opts, trials, drafts)
    else:
        geometry = draw(chain, opts, None, grid=grid_for(chain, opts, None, "off", drafts))
    analysis = analyse(geometry.graph)
    if opts.aspect is not None:  # (each fold mode is drawn for the page)
        geometry = _best_for_page(chain, geometry, analysis, opts.aspect, drafts)
    elif len(chain.steps) <= FOLD_MAX_STEPS:
        geometry = _best_fold(chain, geometry, analysis, drafts)
    layout = finish(chain, geometry, analysis)
    if mirrored is None:
        mirrored = is_rtl(layout.language)
    if mirrored:
        layout = mirror(layout)
    return layout


def _best_fold(chain: Chain, unfolded: Draft, analysis: Analysis,
               drafts: Drafts | None = None) -> Draft:
    """The drawing (not folded, folded as ``runs`` or as ``branches``; lanes as in
    ``unfolded``) that prints largest on A paper, either way round; the fewer folds on a tie.
    (Which folds pay is estimated on the grid, where the chart is too wide; this decides on
    the drawings' sizes, title and legend included, and finishes only the one chosen.)"""
    options, order = unfolded.options, list(unfolded.grid.lanes)
    crossings = route_crossings(unfolded.points)

    def side(drawing: Draft) -> float:  # the larger side, measured as on A paper
        outline = outline_of(chain, drawing, analysis)
        # the drawing's size as :func:`finish` gives it, margins included
        w, h = outline.width + MARGIN + MARGIN, outline.height + MARGIN + MARGIN
        return min(max(w / PRINT_ASPECT, h), max(h / PRINT_ASPECT, w))

    best, best_side = unfolded, side(unfolded)
    seen = [_columns(unfolded.grid)]  # (the same columns make the same drawing)
    for mode in ("runs", "branches"):  # more folds, more bends: only for a clear gain
        grid = grid_for(chain, options, order, mode, drafts)
        if _columns(grid) in seen:
            continue
        seen.append(_columns(grid))
        drawing = draw(chain, options, order, mode, grid)
        # a fold must not cost a crossing: the lane order was chosen for the fewest
        # crossings unfolded, and the file order (among the orders tried) could otherwise
        # end with fewer (a generated 36-step chain: 1 crossing in the chosen order folded,
        # 0 in the file order); so the lanes whose folds cost one stay unfolded (which can
        # also make it smaller: Stendal Ausbildung, all branches folded, 1469 pt against
        # 1449 unfolded, without its language school's folds 1417 pt)
        if route_crossings(drawing.points) > crossings:
            fewer = _without_costly_folds(chain, options, order, grid, crossings, drafts,
                                          drawing)
            if fewer is grid or _columns(fewer) in seen:
                continue
            seen.append(_columns(fewer))
            drawing = draw(chain, options, order, mode, fewer)
            if route_crossings(drawing.points) > crossings:
                continue
        drawn = side(drawing)
        if drawn * FOLD_GAIN < best_side:
            best, best_side = drawing, drawn
    return best


def _best_for_page(chain: Chain, start: Draft, analysis: Analysis, aspect: float,
                   drafts: Drafts | None = None) -> Draft:
    """The drawing that prints largest on a chart area ``aspect`` wide for its height, of
    ``start`` (the screen's choice, kept on a tie) and, for each fold mode (none, runs,
    branches; only none beyond :data:`FOLD_MAX_STEPS` steps), its boxes narrowed until the
    drawing has the area's shape (:func:`_narrowed_to`). Then, up to
    :data:`DETOUR_MAX_STEPS` steps, the best one's grid with the hand-offs past a step kept
    in their column, as ``compact`` draws them, but without the detours that cost a crossing
    and only if that saves a column (:func:`_without_costly_detours`): the 40-step
    cross-lane chart on A3 5.67 → 5.88 pt (18 columns instead of 19), Stendal Ausbildung on
    A2 7.19 → 7.35 pt (their PDFs with ``compact=True``: 8 crossings each, against 0 and 1).
    The screen's drawing narrows its boxes in steps of :data:`NARROWING` towards an estimated
    aspect and judges folds as on A paper; shaped for the page, Stendal Ausbildung printed on
    A2 at 6.18 → 6.65 pt, Arbeit 6.65 → 7.12, the Gesamtübersicht on A0 8.15 → 8.27 (on 5
    December).
    Which drawing prints largest once the QR codes have grown is a close call (±3 %). The
    page's shape itself is best: shaped for areas 5 % wider or taller, the four charts
    printed 0.5–3 % smaller, but for Arbeit (6.66 pt)."""
    order = list(start.grid.lanes)
    modes = FOLD_MODES if len(chain.steps) <= FOLD_MAX_STEPS else FOLD_MODES[:1]
    grids: list[Grid] = []
    for mode in modes:  # (the start's grid is made already)
        grid = start.grid if start.grid.fold == mode \
            else grid_for(chain, start.options, order, mode, drafts)
        if _columns(grid) not in [_columns(made) for made in grids]:
            grids.append(grid)
    crossings = route_crossings(start.points)
    kept: list[Grid] = []  # (a grid without its costly folds can be another's: each
    for grid in grids:     # drawing is narrowed once)
        fewer = _without_costly_folds(chain, start.options, order, grid, crossings, drafts)
        if _columns(fewer) not in [_columns(made) for made in kept]:
            kept.append(fewer)
    best = _largest_shaped(chain, start, kept, aspect, analysis, crossings)
    if start.options.compact or len(chain.steps) > DETOUR_MAX_STEPS:
        return best
    # the detours may cross no more than the best drawing, not the start (a generated
    # 45-step chart crossed twice at the start, 0 times folded, once with detours); detours
    # that save no column save no width
    detoured = replace(start.options, compact=True)
    crossings = route_crossings(best.points)
    narrower = _without_costly_detours(chain, detoured, order, grid_for(
        chain, detoured, order, best.grid.fold, drafts, best.grid.unfolded), crossings,
        drafts, best.grid.columns)
    return best if narrower is None else _largest_shaped(chain, best, [narrower], aspect,
                                                         analysis, crossings)


def _largest_shaped(chain: Chain, best: Draft, grids: list[Grid], aspect: float,
                    analysis: Analysis, crossings: int) -> Draft:
    """``best``, or the drawing of one of ``grids``, narrowed to ``aspect``, that prints
    larger on that area and crosses no more than ``crossings``. More folds or detours, more
    bends: they count only for a gain of :data:`FOLD_GAIN` (the lanes whose folds cost a
    crossing stay unfolded, the detours that cost one are refused)."""
    options, order = best.options, list(best.grid.lanes)

    def side(drawing: Draft) -> float:  # (smaller prints larger)
        outline = outline_of(chain, drawing, analysis)  # (the margins lie in the page's)
        return max(outline.width / aspect, outline.height)

    best_side = side(best)
    for grid in grids:
        gain = FOLD_GAIN if FOLD_MODES.index(grid.fold) > FOLD_MODES.index(best.grid.fold) \
            or len(grid.detours) > len(best.grid.detours) else 1.0
        for drawing in _narrowed_to(chain, options, order, grid, aspect, analysis):
            drawn = side(drawing)
            if drawn * gain < best_side - 1e-6 and route_crossings(drawing.points) <= crossings:
                best, best_side = drawing, drawn
                gain = 1.0
    return best


def _without_costly_folds(chain: Chain, options: Options, order: list[str], grid: Grid,
                          crossings: int, drafts: Drafts | None,
                          drawing: Draft | None = None) -> Grid:
    """``grid``, or the same fold mode without the folds of the fewest lanes whose drawing
    crosses no more than ``crossings``. Greedy: the folded lanes at the ends of crossing edges
    first (the most crossings first, :func:`_costly_first`); the first whose drawing crosses
    no more is taken, else the one that crosses least, and the search goes on from there. A
    fold may not add a crossing, but one lane's folds can cost the crossings and the others'
    none: Stendal Ausbildung on A2, its branches folded in every lane but the language
    school's, prints at 7.19 pt with 1 crossing, as many as unfolded (with every lane folded:
    4 crossings; before the diamonds in their room, 6.96 pt against 6.59 unfolded).
    ``drawing``: ``grid``'s, if drawn already."""
    if grid.fold == "off":
        return grid
    key = (grid.fold, tuple(order), crossings, options.compact, options.direction)
    if drafts is not None and key in drafts.unfolded:
        return grid_for(chain, options, order, grid.fold, drafts, drafts.unfolded[key])
    unfolded: frozenset[str] = frozenset()
    current = grid
    drawing = drawing or draw(chain, options, order, grid.fold, grid)
    drawn = route_crossings(drawing.points)
    while drawn > crossings:
        best: tuple[int, str, Grid, Draft] | None = None
        for lane in _costly_first(drawing):
            fewer = grid_for(chain, options, order, grid.fold, drafts, unfolded | {lane})
            geometry = draw(chain, options, order, grid.fold, fewer)
            count = route_crossings(geometry.points)
            if best is None or count < best[0]:
                best = (count, lane, fewer, geometry)
            if count <= crossings:
                break
        if best is None:
            break
        drawn, lane, current, drawing = best
        unfolded |= {lane}
    if drafts is not None:
        drafts.unfolded[key] = unfolded
    return current


DETOUR_MAX_STEPS = 60  # larger charts keep their hand-offs out of the columns in print:
    # the search costs a layering per trial (70 steps: +0.3 to 0.5 s, 2.5 times the shaped
    # layout) and found nothing for the 64-step Gesamtübersicht
DETOUR_TRIALS = 3  # refusals tried per round: the detours in the most crossings …
DETOUR_ROUNDS = 4  # … in at most this many rounds (measured: Stendal Ausbildung needs 2,
                   # the 40-step cross-lane chart 3; the Gesamtübersicht ran 7 rounds,
                   # 0.4 s, to no drawing with fewer columns)


def _without_costly_detours(chain: Chain, options: Options, order: list[str], grid: Grid,
                            crossings: int, drafts: Drafts | None, columns: int) -> Grid | None:
    """``grid`` (hand-offs past a step drawn beside their column), or the same grid with
    detours refused, whose drawing crosses no more than ``crossings`` and has fewer than
    ``columns`` columns; None if there is none. Greedy: of the :data:`DETOUR_TRIALS` detours
    in the most crossings, the one refused whose drawing crosses least (then has the fewest
    columns), for up to :data:`DETOUR_ROUNDS` rounds. (A refused detour that nothing can
    cross is still drawn, ``columns._detour_free``: it is no candidate.) The choice is kept
    in ``drafts``."""
    key = (grid.fold, grid.unfolded, tuple(order), crossings, columns, options.direction)
    if drafts is not None and key in drafts.undetoured:
        refused = drafts.undetoured[key]
        return None if refused is None else grid_for(chain, options, order, grid.fold, drafts,
                                                     grid.unfolded, refused)
    current = grid
    drawing = draw(chain, options, order, grid.fold, grid)
    drawn = route_crossings(drawing.points)
    for _ in range(DETOUR_ROUNDS):
        if drawn <= crossings or current.columns >= columns:
            break
        refusable = current.detours - current.undetoured
        count = _crossings_at(drawing, partial(_edge_among, refusable))
        best: tuple[int, int, Grid, Draft] | None = None
        for edge in sorted(count, key=lambda edge: (-count[edge], edge))[:DETOUR_TRIALS]:
            fewer = grid_for(chain, options, order, grid.fold, drafts, grid.unfolded,
                             current.undetoured | {edge})
            geometry = draw(chain, options, order, grid.fold, fewer)
            trial = (route_crossings(geometry.points), fewer.columns, fewer, geometry)
            if best is None or trial[:2] < best[:2]:
                best = trial
        if best is None:
            break
        drawn, _, current, drawing = best
    found = current if drawn <= crossings and current.columns < columns else None
    if drafts is not None:
        drafts.undetoured[key] = None if found is None else found.undetoured
    return found


def _edge_among(edges: set[int], route: Route) -> set[int]:
    return {route.edge} & edges


def _costly_first(drawing: Draft) -> list[str]:
    """The lanes where ``drawing`` folds runs, those at the ends of the most crossing edges
    first, then in drawing order."""
    grid = drawing.grid
    touched = _crossing_lanes(drawing)
    return sorted(folded_lanes(grid), key=lambda actor: (-touched.get(grid.rank[actor], 0),
                                                        grid.rank[actor]))


NARROWEST = 0.40  # the narrowest boxes tried for a page (× Options.box_width; 0.45 before:
                  # the 40 × 9 cross-lane chart on A3 at 5.97 pt, not 6.05; the others ±0.01)
NARROWING_HALVINGS = 4  # halvings of the box width between two drawings of the other shape


def _narrowed_to(chain: Chain, options: Options, order: list[str], grid: Grid, aspect: float,
                 analysis: Analysis) -> Iterator[Draft]:
    """Drawings of ``grid`` with boxes narrowed until the drawing is ``aspect`` wide for its
    height: full width, :data:`NARROWEST`, then halving the interval between a drawing too
    wide and one too tall, :data:`NARROWING_HALVINGS` times (boxes narrower make a drawing
    narrower and taller, about). Six drawings at most, a few milliseconds each."""

    def drawing(narrow: float) -> tuple[Draft, bool]:
        geometry = draw(chain, options, order, grid.fold, grid, narrow)
        outline = outline_of(chain, geometry, analysis)
        return geometry, outline.width > aspect * outline.height

    wide, too_wide = drawing(1.0)
    yield wide
    if not too_wide:
        return  # too tall already at full width: narrower boxes make it taller
    narrow, still_wide = drawing(NARROWEST)
    yield narrow
    if still_wide:
        return
    lo, hi = NARROWEST, 1.0
    for _halving in range(NARROWING_HALVINGS):
        middle = (lo + hi) / 2
        geometry, too_wide = drawing(middle)
        yield geometry
        lo, hi = (lo, middle) if too_wide else (middle, hi)


def _columns(grid: Grid) -> tuple[object, ...]:
    """What the grid's layering decided: the later stages make the same drawing of the same
    decisions (the fold mode only steers the layering). Stendal Arbeit: runs and branches
    fold alike."""
    return (grid.col, grid.columns, grid.phase_cols, grid.back, grid.detours)


FOLD_GAIN = 1.02  # a drawing with more folds or detours (more bends) must print this much
                  # larger than one with fewer
FOLD_MODES: tuple[FoldMode, ...] = ("off", "runs", "branches")  # fewer folds first


LANE_TRIALS = 4  # 'auto' lays the chart out in up to this many of the best lane orders …
LANE_DRAWINGS = 24  # … and, after them, in orders with one lane moved, up to this many
LANE_TRIAL_WORK = 600  # drawings in all; fewer as the chart grows: drawings · steps up to
                       # this many (50 steps: 12; 200 steps: 3 orders; 500: one).
                       # A trial costs the routing only (drawing.draw, about 60 % of a
                       # drawing); the best is finished. Measured on the cross-lane family,
                       # 50 steps, seeds 1–3: 1/1/0 → 0/0/0 crossings (moves of one lane).
                       # 900 gave the same there and cost Stendal Ausbildung 0.31 s instead
                       # of 0.18 s of layout (for 1 crossing less); 400 gave 1/1/0 again.


_Key = TypeVar("_Key")


def _crossings_at(geometry: Draft,
                  keys: Callable[[Route], Iterable[_Key]]) -> dict[_Key, int]:
    """How many crossings there are at the edges of each key (``keys``: a route's keys)."""
    touched: dict[_Key, int] = {}
    for pair in crossing_pairs(geometry.points):
        for number in pair:
            for key in keys(geometry.routes[number]):
                touched[key] = touched.get(key, 0) + 1
    return touched


def _crossing_lanes(geometry: Draft) -> dict[int, int]:
    """Lane (its index in the drawing's order) -> how many crossings there are at the edges
    that start or end in it."""
    return _crossings_at(geometry, lambda route: {route.items[0].lo, route.items[-1].lo})


def _lane_moves(geometry: Draft, order: list[str], lo: int, hi: int) -> Iterator[list[str]]:
    """The order with one lane moved to another place in positions lo…hi-1: first the lanes
    at the ends of crossing edges, the most crossings first, each to the nearest places
    first; then the other lanes."""
    touched = _crossing_lanes(geometry)
    lanes = sorted(range(lo, hi), key=lambda lane: (-touched.get(lane, 0), lane))
    for lane in lanes:
        for place in sorted(range(lo, hi), key=lambda at: (abs(at - lane), at)):
            if place != lane:
                moved = order[:]
                moved.insert(place, moved.pop(lane))
                yield moved


def _best_of_lane_orders(chain: Chain, opts: Options, count: int,
                         drafts: Drafts | None = None) -> Draft:
    """The geometry with the fewest crossings for the best few lane orders of
    :func:`~prozesskette.layout.lane_order.lane_trials` (the file order among them), then
    for the best one with one lane moved (:func:`_lane_moves`) while that helps and the
    budget lasts (pinned lanes stay). First of all, the fewest shared steps drawn in one
    lane with a badge (their lanes apart); where they tie, the fewer columns, then the file
    order, then the better estimate. The estimate that ranks the orders does not see
    routing, a drawing does: trials are compared on their route points, and only the best
    is finished. An order that splits more shared steps than the best so far cannot win and
    is not drawn (it still counts against the budget, so that the orders tried stay the
    same): on the Stendal Ausbildung chart 13 of its 18 trials. The drawing's area does not
    decide, so that the translations of a chart keep one lane order (the Stendal charts do
    in de, en, ar and de-x-ls; crossings could still differ with the text sizes); a compact
    or folded chart takes the lane order of the full, unfolded one, and a print with
    enlarged QR codes that of the chart with codes of the default size (trials use it), so
    that the PDF and the SVG keep one lane order."""
    plain = replace(opts, compact=False, qr_size=Options.qr_size, aspect=None)
    if drafts is not None and plain in drafts.orders:  # (chosen for another QR size)
        order = drafts.orders[plain]
        return draw(chain, opts, order, grid=grid_for(chain, opts, order, "off", drafts))
    graph = ChainGraph(chain)
    file_order = [actor.id for actor in chain.actors]
    budget = min(LANE_DRAWINGS, LANE_TRIAL_WORK // max(1, len(chain.steps)))
    seen: set[tuple[str, ...]] = set()
    Trial = tuple[tuple[int, int, int, bool, int], Draft, list[str]]

    def trial(order: list[str], rank: int, split: int) -> Trial:
        seen.add(tuple(order))
        geometry = draw(chain, plain, order, grid=grid_for(chain, plain, order, "off", drafts))
        return ((split, route_crossings(geometry.points), geometry.grid.columns,
                 order != file_order, rank), geometry, order)

    orders = lane_trials(graph, count)
    groups = shared_groups(graph)  # (once: each order tried is checked against them)
    split = [lanes_split(groups, order) for order in orders]
    seen.update(tuple(order) for order in orders)
    best = min((trial(order, rank, split[rank]) for rank, order in enumerate(orders)
                if split[rank] == min(split)), key=lambda tried: tried[0])
    top = sum(1 for actor in chain.actors if actor.pin == "top")
    bottom = sum(1 for actor in chain.actors if actor.pin == "bottom")
    improved = True
    while improved and len(seen) < budget and best[0][1] > 0:
        improved = False
        for order in _lane_moves(best[1], best[2], top, len(file_order) - bottom):
            if len(seen) >= budget:
                break
            if tuple(order) in seen:
                continue
            moved_split = lanes_split(groups, order)
            if moved_split > best[0][0]:  # cannot win: not drawn
                seen.add(tuple(order))
                continue
            tried = trial(order, len(seen), moved_split)
            if tried[0][:2] < best[0][:2]:
                best, improved = tried, True
                break
    _, geometry, order = best
    if drafts is not None:
        drafts.orders[plain] = order
    return geometry if plain == opts else draw(
        chain, opts, order, grid=grid_for(chain, opts, order, "off", drafts))
