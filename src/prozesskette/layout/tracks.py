"""Stage: tracks. The runs of edges along one channel — a column channel between two columns
(runs along l) or a row gap inside a lane (runs along t) — get tracks side by side: few
crossings, and no two overlapping runs on one track.

The track stage knows where runs start and end, not yet where the channel lies: the
coordinates stage turns tracks into positions (:mod:`~prozesskette.layout.coords`).
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Mapping
from typing import Literal, NamedTuple

from prozesskette.layout.ports import Port, PortKey
from prozesskette.layout.routes import GapKey, Route, gap_run

StubSide = Literal[-1, 0, 1]
"""Where the stub at a run's end leaves the channel: -1 towards its low side (smaller t in a
column channel, smaller l in a row gap), +1 towards the high side; 0: not weighed (a loop's
run that turns into the tracks of column channels at both ends)."""


class Seg:
    """A run of one edge inside a channel while tracks are chosen (work state of this stage;
    the stage hands on :class:`Run`): along l in a column channel, along t in a row gap.
    A plain class, not a dataclass, for the reason in :class:`~prozesskette.layout.grid.Item`.
    """

    __slots__ = ("a", "a_port", "a_side", "b", "b_exact", "b_port", "b_side", "edge", "track")

    def __init__(self, edge: int, a: float, b: float, a_side: StubSide, b_side: StubSide, *,
                 a_port: PortKey | None = None, b_port: PortKey | None = None,
                 b_exact: bool = True) -> None:
        self.edge = edge
        self.a = a  # start coordinate along the channel
        self.b = b
        self.a_side = a_side
        self.b_side = b_side
        self.track = 0
        self.a_port = a_port  # the step port at end a, if the run starts at a step
        self.b_port = b_port
        self.b_exact = b_exact  # False: end b stands for a track found later (not a fixed place)

    def __repr__(self) -> str:
        return f"Seg(edge={self.edge}, a={self.a}, b={self.b}, track={self.track})"

    @property
    def lo(self) -> float:
        return min(self.a, self.b)

    @property
    def hi(self) -> float:
        return max(self.a, self.b)


def _pair_crossings(first: Seg, second: Seg) -> int:
    """Crossings if ``first`` takes the track nearer the low side of the channel."""
    count = 0
    for end, side in ((first.a, first.a_side), (first.b, first.b_side)):
        if side > 0 and second.lo < end < second.hi:
            count += 1
    for end, side in ((second.a, second.a_side), (second.b, second.b_side)):
        if side < 0 and first.lo < end < first.hi:
            count += 1
    return count


def _must_precede(first: Seg, second: Seg) -> bool:
    """``first`` must be nearer the low side: first has a stub towards the low side where
    second has one towards the high side. Were first's track further out, the two stubs
    would lie on top of each other between the tracks."""
    for end, side, exact in ((first.a, first.a_side, True),
                             (first.b, first.b_side, first.b_exact)):
        if side < 0 and exact:
            for other, other_side, other_exact in ((second.a, second.a_side, True),
                                                   (second.b, second.b_side, second.b_exact)):
                if other_side > 0 and other_exact and abs(end - other) < 0.5:
                    return True
    return False


def _constraint_ring(segs: list[Seg]) -> list[Seg]:
    """Runs caught in a cycle of must-precede constraints (empty if there is none)."""
    after: dict[int, list[int]] = {i: [] for i in range(len(segs))}
    indegree = [0] * len(segs)
    for i, x in enumerate(segs):
        for j, y in enumerate(segs):
            if i != j and x.lo <= y.hi + 0.5 and y.lo <= x.hi + 0.5 and _must_precede(x, y):
                after[i].append(j)
                indegree[j] += 1
    ready = [i for i in range(len(segs)) if indegree[i] == 0]
    done = 0
    while ready:
        i = ready.pop()
        done += 1
        for j in after[i]:
            indegree[j] -= 1
            if indegree[j] == 0:
                ready.append(j)
    if done == len(segs):
        return []
    core = {i for i in range(len(segs)) if indegree[i] > 0}
    changed = True
    while changed:  # peel off runs that only follow the ring: what stays lies on it
        changed = False
        for i in sorted(core):
            if not any(j in core for j in after[i]):
                core.discard(i)
                changed = True
    return [segs[i] for i in sorted(core)]


def assign_tracks(segs: list[Seg]) -> int:
    """Order the runs of one channel (few crossings; stubs never on top of each other) and give
    overlapping runs different tracks. Returns the number of tracks."""
    if not segs:
        return 0
    segs.sort(key=lambda s: (s.lo, s.hi, s.edge))

    def compare(x: Seg, y: Seg) -> int:
        if x.hi < y.lo - 0.5 or y.hi < x.lo - 0.5:
            return -1 if x.lo < y.lo else (1 if x.lo > y.lo else 0)
        cx, cy = _pair_crossings(x, y), _pair_crossings(y, x)
        if cx != cy:
            return -1 if cx < cy else 1
        return -1 if (x.lo, x.edge) < (y.lo, y.edge) else 1

    soft = sorted(segs, key=functools.cmp_to_key(compare))
    rank = {id(s): i for i, s in enumerate(soft)}
    # hard constraints, then Kahn's algorithm with the soft order as priority
    after: dict[int, list[Seg]] = {id(s): [] for s in segs}
    indegree = {id(s): 0 for s in segs}
    for x in segs:
        for y in segs:
            if x is not y and x.lo <= y.hi + 0.5 and y.lo <= x.hi + 0.5 and _must_precede(x, y):
                after[id(x)].append(y)
                indegree[id(y)] += 1
    order: list[Seg] = []
    remaining = {id(s): s for s in segs}
    heap = [(rank[id(s)], id(s)) for s in segs if indegree[id(s)] == 0]
    heapq.heapify(heap)
    while remaining:
        if not heap:  # a cycle of hard constraints: break it at the best-ranked run
            sid = min(remaining, key=lambda k: rank[k])
            indegree[sid] = 0
            heapq.heappush(heap, (rank[sid], sid))
        _, sid = heapq.heappop(heap)
        if sid not in remaining:
            continue
        seg = remaining.pop(sid)
        order.append(seg)
        for nxt in after[sid]:
            indegree[id(nxt)] -= 1
            if indegree[id(nxt)] == 0 and id(nxt) in remaining:
                heapq.heappush(heap, (rank[id(nxt)], id(nxt)))
    placed: list[Seg] = []
    for seg in order:
        seg.track = 1 + max((p.track for p in placed
                             if p.lo <= seg.hi + 0.5 and seg.lo <= p.hi + 0.5), default=-1)
        placed.append(seg)
    return 1 + max(s.track for s in order)


class Run(NamedTuple):
    """A run of one edge with its track: the result of the tracks stage."""

    edge: int
    a: float  # start along the channel (l for column channels, column units for row gaps)
    b: float
    track: int  # 0: nearest the low side of the channel


class Channel(NamedTuple):
    runs: tuple[Run, ...]
    tracks: int


def _channel(segs: list[Seg]) -> tuple[Channel, dict[int, Run]]:
    """Assign tracks; the channel and each seg's run (by ``id`` of the seg)."""
    tracks = assign_tracks(segs)
    runs = {id(seg): Run(seg.edge, seg.a, seg.b, seg.track) for seg in segs}
    return Channel(tuple(runs[id(seg)] for seg in segs), tracks), runs


def _side(side: int) -> StubSide:
    return -1 if side < 0 else (1 if side > 0 else 0)


def gap_channels(routes: tuple[Route, ...]) -> dict[GapKey, Channel]:
    """Tracks in the row gaps, for the runs of loops and detours along t (in column units)."""
    gaps: dict[GapKey, list[Seg]] = {}
    for route in routes:
        if route.kind not in ("loopU", "loopB", "detour") or route.gap is None:
            continue
        a, b, a_side, b_side = gap_run(route)
        seg = Seg(route.edge, a, b, _side(a_side), _side(b_side),
                  b_exact=route.kind != "detour")
        gaps.setdefault(route.gap, []).append(seg)
    return {key: _channel(segs)[0] for key, segs in gaps.items()}


class ChannelPlan(NamedTuple):
    """The column channels: channel k lies right of column k (-1: left of the first)."""

    channels: Mapping[int, Channel]
    jogs: Mapping[tuple[int, int], Run]  # (edge, channel) -> the edge's run there
    ports: Mapping[PortKey, Port]  # the side ports, with the nudges of :func:`_nudge_stubs`


def column_channels(routes: tuple[Route, ...], ports: Mapping[PortKey, Port],
                    centre_l: Mapping[str, float], gap_l: Mapping[int, float]) -> ChannelPlan:
    """Runs of forward edges, detours and loops back in the channels between columns."""

    def port_l(key: PortKey) -> float:
        port = ports[key]
        return centre_l[port.item] + port.offset

    channels: dict[int, list[Seg]] = {}
    jogs: dict[tuple[int, int], Seg] = {}

    def add(channel: int, seg: Seg) -> None:
        channels.setdefault(channel, []).append(seg)
        jogs[(seg.edge, channel)] = seg

    for route in routes:
        edge, items = route.edge, route.items
        if route.kind == "fwd":
            for i in range(len(items) - 1):
                a, b = items[i], items[i + 1]
                at_start = i == 0 and not route.elbow_start
                at_end = i == len(items) - 2 and not route.elbow_end
                la = port_l((edge, "src")) if at_start else (
                    centre_l[b.key] if i == 0 else centre_l[a.key])
                lb = port_l((edge, "dst")) if at_end else (
                    centre_l[a.key] if i == len(items) - 2 else centre_l[b.key])
                if abs(la - lb) > 0.01:
                    add(a.col, Seg(edge, la, lb, -1, 1,
                                   a_port=(edge, "src") if at_start else None,
                                   b_port=(edge, "dst") if at_end else None))
        elif route.kind == "detour" and route.gap is None:
            add(items[0].col, Seg(edge, port_l((edge, "src")), port_l((edge, "dst")), -1, -1,
                                  a_port=(edge, "src"), b_port=(edge, "dst")))
        elif route.kind == "detour":
            add(items[0].col, Seg(edge, port_l((edge, "src")), gap_l[edge], -1, -1,
                                  a_port=(edge, "src")))
        elif route.kind == "loopB":
            u, v = items
            add(u.col, Seg(edge, port_l((edge, "src")), gap_l[edge], -1, -1,
                           a_port=(edge, "src")))
            add(v.col - 1, Seg(edge, gap_l[edge], port_l((edge, "dst")), 1, 1,
                               b_port=(edge, "dst")))
    offsets = {key: port.offset for key, port in ports.items()}
    _nudge_stubs(channels, offsets, {key: port.nudge for key, port in ports.items()})
    done: dict[int, Channel] = {}
    runs: dict[int, Run] = {}
    for key, segs in channels.items():
        done[key], channel_runs = _channel(segs)
        runs.update(channel_runs)
    return ChannelPlan(done, {key: runs[id(seg)] for key, seg in jogs.items()},
                       {key: port if offsets[key] == port.offset else port._replace(
                           offset=offsets[key]) for key, port in ports.items()})


def _nudge_stubs(channels: dict[int, list[Seg]], offsets: dict[PortKey, float],
                 nudges: Mapping[PortKey, float]) -> None:
    """Where the runs of a channel need each other on both sides in a ring (edges swapping
    rows at the same port heights), move one step port of the ring a little so that no
    stubs lie on top of each other. Rings of dummies only are left as they are."""
    for segs in channels.values():
        for attempt in range(2 * len(segs)):
            ring = _constraint_ring(segs)
            if not ring:
                break
            for seg in ring[attempt % len(ring):] + ring[:attempt % len(ring)]:
                if seg.b_port is not None and nudges[seg.b_port]:
                    offsets[seg.b_port] += nudges[seg.b_port]
                    seg.b += nudges[seg.b_port]
                    break
                if seg.a_port is not None and nudges[seg.a_port]:
                    offsets[seg.a_port] += nudges[seg.a_port]
                    seg.a += nudges[seg.a_port]
                    break
            else:
                break
