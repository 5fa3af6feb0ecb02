"""Stage: ports. Where on a step's outline each edge leaves or enters it.

Ports on the left and right sides (along l) are placed once the lane axis is known
(:func:`side_ports`); ports on the top and bottom (along t) once the columns are
(:func:`end_ports`). Ports of one side are spread so that edges do not cross at the box and
an edge that can run straight gets the place where it does: to a neighbour straight across, a
dummy, a shared step whose side overlaps, or straight down a column (a vertical hand-off).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Collection, Mapping, Sequence
from typing import Literal, NamedTuple

from prozesskette.layout.options import NUDGE, PORT_GAP
from prozesskette.layout.routes import Route, below, gap_below, level, reach

Side = Literal["L", "R", "T", "B"]
"""In abstract axes: L/R at the ends along t (L: earlier), T/B at the ends along l."""
PortEnd = Literal["src", "dst"]
PortKey = tuple[int, PortEnd]  # (edge index, which end)


class Port(NamedTuple):
    item: str  # grid item key of the step
    side: Side
    edge: int
    end: PortEnd
    other: float  # where the other end lies (for ordering ports)
    offset: float = 0.0  # along the side, from the centre
    nudge: float = NUDGE  # which way it may move to keep stubs apart (0: it may not)


def side_ports(routes: tuple[Route, ...], centre_l: Mapping[str, float],
               extent_l: Mapping[str, float], gap_l: Mapping[int, float],
               lane_tops: Sequence[float] = (),
               pointed: Collection[str] = ()) -> dict[PortKey, Port]:
    """Ports on left and right sides, in the order of where the other end lies. A port takes
    the l at which its edge runs on straight (to a dummy, or to a step whose side overlaps
    this one) where the others of its side leave room; the rest spread around the centre.
    No port lies within :data:`BORDER_CLEAR` of a lane border that crosses its step (the
    side of a shared step): its line would run along the border.

    Measured (medians of three seeds, 200 steps, with the two-lane steps that reach into the
    row they have an edge to, :func:`~prozesskette.layout.coords.place_lanes`): 157 → 149
    bends on ``generate_chain``, 121 → 117 on ``cross_lane_chain``.
    """
    sides: dict[tuple[str, Side], list[tuple[float, int, PortEnd]]] = {}  # other, edge, end
    returning: set[PortKey] = set()  # ports whose run turns back towards the box's column
    wants: dict[PortKey, float] = {}  # the l where the edge would run on straight
    zones = _Zones(centre_l, extent_l, lane_tops, pointed)

    def add(key: str, side: Side, edge: int, other: float, end: PortEnd,
            returns: bool = False) -> None:
        sides.setdefault((key, side), []).append((other, edge, end))
        if returns:
            returning.add((edge, end))

    for route in routes:
        items, edge = route.items, route.edge
        if route.kind == "fwd":
            if not route.elbow_start:
                add(items[0].key, "R", edge, centre_l[items[1].key], "src")
            if not route.elbow_end:
                add(items[-1].key, "L", edge, centre_l[items[-2].key], "dst")
            if len(items) == 2 and not route.elbow_start and not route.elbow_end:
                meet = zones.meeting(items[0].key, items[1].key)
                if meet is not None:
                    wants[(edge, "src")] = wants[(edge, "dst")] = meet
            else:
                if not route.elbow_start:
                    wants[(edge, "src")] = centre_l[items[1].key]
                if not route.elbow_end:
                    wants[(edge, "dst")] = centre_l[items[-2].key]
        elif route.kind == "elbowV":
            add(items[1].key, "L", edge, centre_l[items[0].key], "dst")
        elif route.kind == "detour":
            if route.gap is None:  # back into the target's same side
                add(items[0].key, "R", edge, centre_l[items[-1].key], "src", True)
                add(items[-1].key, "R", edge, centre_l[items[0].key], "dst", True)
            else:
                add(items[0].key, "R", edge, gap_l[edge], "src", True)
        elif route.kind == "elbowH":
            add(items[0].key, "R", edge, centre_l[items[1].key], "src")
        elif route.kind == "loopB":
            add(items[0].key, "R", edge, gap_l[edge], "src", True)
            add(items[1].key, "L", edge, gap_l[edge], "dst", True)
    ports: dict[PortKey, Port] = {}
    for (key, side), group in sides.items():
        group.sort(key=lambda p: _side_order(p, centre_l[key], (p[1], p[2]) in returning))
        for (other, edge, end), offset in zip(group, zones.spread(key, group, wants),
                                              strict=True):
            ports[(edge, end)] = Port(key, side, edge, end, other, offset)
    # an edge straight at one end only jogs anyway: give the other end's side its room back
    missed = {edge for (edge, end), want in wants.items()
              if abs(centre_l[ports[(edge, end)].item] + ports[(edge, end)].offset - want) > 0.01}
    redo = {(ports[(edge, end)].item, ports[(edge, end)].side) for edge in missed
            for end in ("src", "dst") if (edge, end) in wants}
    if redo:
        wants = {key: want for key, want in wants.items() if key[0] not in missed}
        for key, side in sorted(redo):
            group = sides[(key, side)]
            for (other, edge, end), offset in zip(group, zones.spread(key, group, wants),
                                                  strict=True):
                ports[(edge, end)] = Port(key, side, edge, end, other, offset)
    for port_key, port in ports.items():  # a nudge must not move a port next to a border
        at = centre_l[port.item] + port.offset
        nudge = next((n for n in (NUDGE, -NUDGE) if zones.allowed(port.item, at + n)), 0.0)
        if nudge != NUDGE:
            ports[port_key] = port._replace(nudge=nudge)
    return ports


def _side_order(port: tuple[float, int, PortEnd], centre: float,
                returns: bool) -> tuple[int, float, int]:
    """Where a port goes on its side, from the top: the runs that turn back into this
    column upwards, the nearest first; then the runs that go on upwards, the farthest first;
    the straight ones; the runs that go on downwards, the nearest first; and the runs that
    turn back downwards, the farthest first. So runs in the channel nest instead of crossing
    at the box (runs that go on leave the channel on its far side, runs that turn back on
    the box's side, in the tracks nearest the box)."""
    other, edge, _ = port
    distance = other - centre
    if abs(distance) < 0.5:
        return (2, 0.0, edge)
    if distance < 0:
        return (0, -distance, edge) if returns else (1, distance, edge)
    return (4, -distance, edge) if returns else (3, distance, edge)


BORDER_CLEAR = 6.0
"""How far a port stays from a lane border across its step (pt): more than the 4 pt that
:func:`~prozesskette.layout.invariants.verify` asks of a line along a border."""
SIDE_MARGIN = 5.0  # a side port keeps this far from the corners
POINTED_SIDE = 0.6
"""A decision's side ports keep to this share of its side around the middle: the outline of a
diamond nears its top and bottom ports towards its corners, and a port there would meet the
line that leaves the top or bottom (cross-lane 200 steps, seed 3)."""


class _Zones:
    """Where on a step's side a port may lie: within the side's margins, outside the bands
    around lane borders. Positions are offsets from the step's centre; in "free" coordinates
    the forbidden bands are cut out, so that a spacing there is at least that spacing on the
    side."""

    def __init__(self, centre_l: Mapping[str, float], extent_l: Mapping[str, float],
                 lane_tops: Sequence[float], pointed: Collection[str] = ()) -> None:
        self.centre = centre_l
        self.extent = extent_l
        self.tops = sorted(lane_tops)[1:]  # the borders between lanes
        self.pointed = pointed

    def half(self, key: str) -> float:
        half = max(0.0, self.extent[key] / 2 - SIDE_MARGIN)
        return half * POINTED_SIDE if key in self.pointed else half

    def cut(self, key: str) -> list[tuple[float, float]]:
        """The forbidden bands on this step's side, as offsets, merged and in order."""
        centre, half = self.centre[key], self.half(key)
        lo = bisect.bisect_left(self.tops, centre - half - BORDER_CLEAR)
        bands: list[tuple[float, float]] = []
        for top in self.tops[lo:]:
            if top - centre - BORDER_CLEAR >= half:
                break
            a, b = max(-half, top - centre - BORDER_CLEAR), min(half, top - centre + BORDER_CLEAR)
            if bands and a <= bands[-1][1]:
                bands[-1] = (bands[-1][0], max(bands[-1][1], b))
            else:
                bands.append((a, b))
        return bands

    def allowed(self, key: str, l: float) -> bool:  # noqa: E741 - the lane axis
        offset = l - self.centre[key]
        return abs(offset) <= self.half(key) + 0.01 and not any(
            a < offset < b for a, b in self.cut(key))

    def meeting(self, a: str, b: str) -> float | None:
        """The l where an edge between the sides of steps a and b can run straight: b's
        centre, else a's, else the allowed point nearest the middle of both; None if their
        sides do not overlap."""
        ca, cb = self.centre[a], self.centre[b]
        for l in (cb, ca):  # noqa: E741
            if self.allowed(a, l) and self.allowed(b, l):
                return l
        lo = max(ca - self.half(a), cb - self.half(b))
        hi = min(ca + self.half(a), cb + self.half(b))
        if lo > hi:
            return None
        middle = min(max((ca + cb) / 2, lo), hi)
        edges = [lo, hi, middle] + [c + x for key, c in ((a, ca), (b, cb))
                                    for band in self.cut(key) for x in band]
        fits = [x for x in edges if lo - 0.01 <= x <= hi + 0.01 and self.allowed(a, x)
                and self.allowed(b, x)]
        return min(fits, key=lambda x: (abs(x - middle), x)) if fits else None

    def spread(self, key: str, group: list[tuple[float, int, PortEnd]],
               wants: Mapping[PortKey, float]) -> list[float]:
        """Offsets for the ports of one side (``group``, in order): wanted places where they
        fit in order, the others as near the symmetric spread as the spacing allows."""
        wanted = [wants.get((edge, end)) for _, edge, end in group]
        centre = self.centre[key]
        return _spread([None if want is None or not self.allowed(key, want) else want - centre
                        for want in wanted], self.half(key), PORT_GAP, self.cut(key))


def _spread(wanted: list[float | None], half: float, most: float,
            bands: Sequence[tuple[float, float]] = ()) -> list[float]:
    """Offsets for the ports of one side, in order, within ±``half`` and outside ``bands``:
    the ``wanted`` offsets where they fit in order (at least :data:`LEAST_GAP` from the
    next), the others as near the symmetric spread (``most`` apart at most) as the spacing
    allows."""
    n = len(wanted)
    removed = sum(b - a for a, b in bands)
    top = half - removed  # the side is [-half, top] in free coordinates
    step = min(most, (top + half) / n) if n > 1 else 0.0
    least = min(LEAST_GAP, most, (top + half) / max(n - 1, 1))
    targets = [(i - (n - 1) / 2) * step - removed / 2 for i in range(n)]
    pinned: list[tuple[int, float]] = []  # (index, free coordinate)
    for i, want in enumerate(wanted):
        if want is None:
            continue
        at = _free(want, bands)
        last_i, last_at = pinned[-1] if pinned else (-1, -half - least)
        if at - last_at >= (i - last_i) * least - 0.01 and \
                top - at >= (n - 1 - i) * least - 0.01:
            pinned.append((i, at))
    free = [0.0] * n
    for (i, at), (j, to) in itertools.pairwise([(-1, -half), *pinned, (n, top)]):
        if i >= 0:
            free[i] = at
        count = j - i - 1
        if count:
            # room for ``count`` ports between the pins (or the ends of the side)
            room = (to - at) / (count - 1 + (i >= 0) + (j < n) or 1)
            gap = max(min(most, room), 0.0)
            free[i + 1:j] = _pack(targets[i + 1:j], at + gap * (i >= 0),
                                  to - gap * (j < n), gap)
    return [_unfree(x, bands) for x in free]


LEAST_GAP = 6.0  # ports of one side lie at least this far apart where one must give way


def _free(offset: float, bands: Sequence[tuple[float, float]]) -> float:
    """An offset on the side in free coordinates (the forbidden bands cut out)."""
    return offset - sum(min(b, max(offset, a)) - a for a, b in bands)


def _unfree(x: float, bands: Sequence[tuple[float, float]]) -> float:
    for a, b in bands:
        if x <= a:
            return x
        x += b - a
    return x


def _pack(targets: list[float], lo: float, hi: float, gap: float) -> list[float]:
    """Positions in [lo, hi], at least ``gap`` apart in order, nearest to ``targets`` (least
    squares: pool-adjacent-violators on the targets less their spacing, then clipped)."""
    shifted = [t - k * gap for k, t in enumerate(targets)]
    blocks: list[list[float]] = []  # [sum, count]
    for value in shifted:
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    top = hi - (len(targets) - 1) * gap
    out: list[float] = []
    for total, count in blocks:
        value = min(max(total / count, lo), max(lo, top))
        out += [value] * int(count)
    return [value + k * gap for k, value in enumerate(out)]


EndWish = tuple[str, Side, int, PortEnd, float, float]
"""(item key, side, edge, end, where the other end lies along t, how far along l the run
goes before it turns) of a top or bottom port."""


def _end_port_wishes(routes: tuple[Route, ...], centre_t: Mapping[str, float]) -> list[EndWish]:
    """The wish of every top and bottom port."""
    wishes: list[EndWish] = []
    for route in routes:
        items, edge = route.items, route.edge
        if route.kind == "vert":
            a, b = items[0], items[-1]
            down = below(a, b)
            # straight across: between the runs that come from before and go on after
            wishes.append((a.key, "B" if down else "T", edge, "src", centre_t[a.key], 0.0))
            wishes.append((b.key, "T" if down else "B", edge, "dst", centre_t[b.key], 0.0))
        elif route.kind == "fwd" and (route.elbow_start or route.elbow_end):
            if route.elbow_start:
                u, d = items[0], items[1]
                wishes.append((u.key, "B" if d.lo > u.hi else "T", edge, "src", centre_t[d.key],
                               reach(u, level(d))))
            if route.elbow_end:
                d, v = items[-2], items[-1]
                wishes.append((v.key, "T" if v.lo > d.lo else "B", edge, "dst", centre_t[d.key],
                               reach(v, level(d))))
        elif route.kind == "detour" and route.gap is not None:
            v = items[-1]
            wishes.append((v.key, "T" if route.gap_side > 0 else "B", edge, "dst",
                           centre_t[v.key] + 10_000.0, 0.0))
        elif route.kind in ("elbowV", "elbowH"):
            u, v = items
            down = below(u, v)
            if route.kind == "elbowV":
                wishes.append((u.key, "B" if down else "T", edge, "src", centre_t[v.key],
                               reach(u, level(v))))
            else:
                wishes.append((v.key, "T" if down else "B", edge, "dst", centre_t[u.key],
                               reach(v, level(u))))
        elif route.kind == "loopU" and route.gap is not None:
            u, v = items
            turn = level(route.gap) - 0.5
            wishes.append((u.key, "B" if gap_below(u, route.gap) else "T", edge, "src",
                           centre_t[v.key], reach(u, turn)))
            wishes.append((v.key, "B" if gap_below(v, route.gap) else "T", edge, "dst",
                           centre_t[u.key], reach(v, turn)))
    return wishes


def _end_order(towards: float, turn: float, edge: int) -> tuple[int, float, float, int]:
    """Where a top or bottom port goes on its side, from the earlier end: the runs that turn
    towards earlier columns, the nearest turn first; the straight ones; the runs that turn
    towards later columns, the farthest turn first. A run that turns farther away passes
    the turns of its neighbours on the side it goes to, so it takes the port nearer the
    centre: then no run crosses another of the same side, whatever their other ends."""
    if abs(towards) < 0.5:
        return (1, 0.0, 0.0, edge)
    if towards < 0:
        return (0, turn, towards, edge)
    return (2, -turn, towards, edge)


def end_ports(routes: tuple[Route, ...], centre_t: Mapping[str, float],
              extent_t: Mapping[str, float],
              sides_placed: Mapping[PortKey, Port]) -> dict[PortKey, Port]:
    """All ports: ``sides_placed`` and the ports on tops and bottoms, spread symmetrically
    around the centre in the order of where the other end lies; the ends of a vertical
    hand-off keep the centre where they can, so that it runs straight."""
    sides: dict[tuple[str, Side], list[Port]] = {}
    turns: dict[PortKey, float] = {}
    for key, side, edge, end, other, turn in _end_port_wishes(routes, centre_t):
        sides.setdefault((key, side), []).append(Port(key, side, edge, end, other))
        turns[(edge, end)] = turn
    straight = {route.edge for route in routes if route.kind == "vert"}
    offset: dict[PortKey, float] = {}
    for (key, _side), group in sides.items():
        # towards the same side, the run that turns farther away takes the outer port: the
        # runs nest instead of crossing
        group.sort(key=lambda p: _end_order(p.other - centre_t[key], turns[(p.edge, p.end)],
                                            p.edge))
        spread = _spread([0.0 if port.edge in straight else None for port in group],
                         max(0.0, extent_t[key] / 2 - 8.0), PORT_GAP * 1.5)
        for port, at in zip(group, spread, strict=True):
            offset[(port.edge, port.end)] = at

    # a vertical hand-off runs straight: one end takes the other's port position where it
    # fits on that side and no other port there is close
    def free_at(port: Port, at: float) -> bool:
        return abs(at) <= extent_t[port.item] / 2 - 6.0 and all(
            other is port or abs(offset[(other.edge, other.end)] - at) >= 6.0
            for other in sides[(port.item, port.side)])

    placed = {(p.edge, p.end): p for group in sides.values() for p in group}
    for route in routes:
        if route.kind == "vert":
            src: PortKey = (route.edge, "src")
            dst: PortKey = (route.edge, "dst")
            if abs(offset[src] - offset[dst]) < 0.01:
                continue
            if free_at(placed[dst], offset[src]):
                offset[dst] = offset[src]
            elif free_at(placed[src], offset[dst]):
                offset[src] = offset[dst]
    ports = dict(sides_placed)
    for port_key, port in placed.items():
        ports[port_key] = Port(port.item, port.side, port.edge, port.end, port.other,
                               offset[port_key])
    return ports
