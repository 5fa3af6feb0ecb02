"""Engine stage 5b: steps gathered into as few rows of their lane as they allow.

A lane has as many rows as its fullest cell has items, dummies of long edges included: a
hand-off that bypasses a step of the lane runs in a row of its own above or below it. The
row assignment (:func:`~prozesskette.layout.engine.assign_rows`) puts every other step of the
lane where its neighbours pull it, so a step alone in its column may take the dummy's row:
the lane then has two rows of boxes (two box heights and a row gap) where one row of boxes
and a thin row for the line would do. Measured on Stendal Ausbildung: the Ausbildungsbetrieb
lane held 'Betriebspraktikum' and 'Übernahme durch den Betrieb?' in the bypass's row,
224 pt tall; with them in the row of the other steps it is 165 pt.

This pass moves the steps that are alone in their cells to one row of the lane where that
leaves a row without steps, where it can without an edge along the lane losing its straight
run (the dummies stay where they are). Where it cannot, up to :data:`JOG_MOVES` steps move
anyway, and a line along the lane takes a jog into the thin row: a lane a whole row of boxes
shorter is worth two bends, as a designer would draw it. Measured on Stendal Arbeit: the
Bildungsträger lane held 'Anpassungsqualifizierung' in a row of its own above the bypass
of 'Teilqualifizierung'; with all three in one row and the bypass below, the lane is 132 pt
tall instead of 174, and the chart prints on A2 at 7.35 pt instead of 7.19.
"""

from __future__ import annotations

from prozesskette.layout.grid import Grid, Item

PASSES = 3  # a move can straighten a neighbour's edge for the next pass
JOG_MOVES = 3  # where a row can be emptied only with jogs: at most this many steps move
               # (all the lane's lone steps that can take the row, whether or not their
               # edges keep their runs)


def _along(grid: Grid) -> dict[str, list[Item]]:
    """For every item, the items joined to it by an edge segment along one lane."""
    along: dict[str, list[Item]] = {key: [] for key in grid.items}
    for link in grid.links:
        for a, b in zip(link.items, link.items[1:], strict=False):
            if a.col != b.col and a.lo == a.hi == b.lo == b.hi:
                along[a.key].append(b)
                along[b.key].append(a)
    return along


def _lane_cells(grid: Grid, lane: int) -> dict[int, list[Item]]:
    cells: dict[int, list[Item]] = {}
    for item in grid.items.values():
        if item.lo <= lane <= item.hi and (item.lo == item.hi or lane in (item.lo, item.hi)):
            cells.setdefault(item.col, []).append(item)
    return cells


def _row_in(item: Item, lane: int) -> int:
    return item.row_hi if item.hi > item.lo and lane == item.hi else item.row


def _real_rows(cells: dict[int, list[Item]], lane: int) -> set[int]:
    return {_row_in(item, lane) for members in cells.values() for item in members
            if item.real}


def _movable(members: list[Item], lane: int, target: int) -> Item | None:
    """The cell's only step, if it lies in one lane and can take row ``target`` with the
    cell's other items (dummies) staying in their rows and in their order."""
    steps = [item for item in members if item.real]
    if len(steps) != 1 or steps[0].hi > steps[0].lo or steps[0].row == target:
        return None
    step = steps[0]
    for other in members:
        if other is step:
            continue
        row = _row_in(other, lane)
        if row == target or (other.pos < step.pos) != (row < target):
            return None
    return step


def _gather(cells: dict[int, list[Item]], lane: int, target: int,
            along: dict[str, list[Item]], *, keep_runs: bool = True) -> list[tuple[Item, int]]:
    """Move the lone steps that can go to row ``target`` there (``keep_runs``: only those
    whose edges along the lane keep their straight runs); returns (step, old row)."""
    moved: list[tuple[Item, int]] = []
    for _ in range(PASSES):
        changed = False
        for column in sorted(cells):
            step = _movable(cells[column], lane, target)
            if step is None or (keep_runs
                                and any(other.row == step.row for other in along[step.key])):
                continue  # it would lose a straight run along the lane
            moved.append((step, step.row))
            step.row = target
            changed = True
        if not changed:
            break
    return moved


def _undo(moved: list[tuple[Item, int]]) -> None:
    for step, row in reversed(moved):
        step.row = row


def _best_target(cells: dict[int, list[Item]], lane: int, rows: int,
                 along: dict[str, list[Item]], keep_runs: bool) -> int | None:
    """The row to gather the lane's lone steps in that empties a row of steps: the one
    that leaves the fewest rows with steps, then the fewest moves, then the upper one
    (without ``keep_runs``: of at most :data:`JOG_MOVES` moves). None: no row does."""
    before = len(_real_rows(cells, lane))
    best: tuple[int, int, int] | None = None
    for target in range(rows):
        moved = _gather(cells, lane, target, along, keep_runs=keep_runs)
        score = (len(_real_rows(cells, lane)), len(moved), target)
        _undo(moved)
        if score[0] < before and (keep_runs or score[1] <= JOG_MOVES) \
                and (best is None or score < best):
            best = score
    return None if best is None else best[2]


def compact_rows(grid: Grid) -> None:
    """Move lone steps into one row of their lane where that empties a row of steps,
    keeping the straight runs along the lane where that can, else with jogs."""
    along = _along(grid)
    for lane, rows in enumerate(grid.rows):
        if rows < 2:
            continue
        cells = _lane_cells(grid, lane)
        if len(_real_rows(cells, lane)) < 2:
            continue
        for keep_runs in (True, False):
            target = _best_target(cells, lane, rows, along, keep_runs)
            if target is not None:
                _gather(cells, lane, target, along, keep_runs=keep_runs)
                break
