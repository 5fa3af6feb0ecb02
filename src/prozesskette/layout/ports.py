"""Stage: ports. Where on a step's outline each edge leaves or enters it.

Ports on the left and right sides (along l) are placed once the lane axis is known
(:func:`side_ports`); ports on the top and bottom (along t) once the columns are
(:func:`end_ports`). Ports of one side are spread so that edges do not cross at the box and
an edge to a neighbour straight across keeps the centre.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from prozesskette.layout.options import PORT_GAP
from prozesskette.layout.routes import Route

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


def side_ports(routes: tuple[Route, ...], centre_l: Mapping[str, float],
               extent_l: Mapping[str, float], gap_l: Mapping[int, float]) -> dict[PortKey, Port]:
    """Ports on left and right sides: ordered by where the other end lies; where an edge runs
    straight across, its port keeps the centre and the others spread out around it."""
    sides: dict[tuple[str, Side], list[tuple[float, int, PortEnd]]] = {}  # other, edge, end

    def add(key: str, side: Side, edge: int, other: float, end: PortEnd) -> None:
        sides.setdefault((key, side), []).append((other, edge, end))

    for route in routes:
        items = route.items
        if route.kind == "fwd":
            if not route.elbow_start:
                add(items[0].key, "R", route.edge, centre_l[items[1].key], "src")
            if not route.elbow_end:
                add(items[-1].key, "L", route.edge, centre_l[items[-2].key], "dst")
        elif route.kind == "elbowV":
            add(items[1].key, "L", route.edge, centre_l[items[0].key], "dst")
        elif route.kind == "detour":
            add(items[0].key, "R", route.edge, centre_l[items[-1].key], "src")
        elif route.kind == "elbowH":
            add(items[0].key, "R", route.edge, centre_l[items[1].key], "src")
        elif route.kind == "loopB":
            add(items[0].key, "R", route.edge, gap_l[route.edge], "src")
            add(items[1].key, "L", route.edge, gap_l[route.edge], "dst")
    ports: dict[PortKey, Port] = {}
    for (key, side), group in sides.items():
        centre_at = centre_l[key]
        half = extent_l[key] / 2 - 5.0
        group.sort(key=lambda p: (p[0], p[1]))
        aligned = [i for i, p in enumerate(group) if abs(p[0] - centre_at) < 0.5]
        n = len(group)
        if not aligned:
            # no straight neighbour: spread symmetrically around the centre
            step = min(PORT_GAP, 2 * half / max(n, 1)) if n > 1 else 0.0
            offsets = [(i - (n - 1) / 2) * step for i in range(n)]
        else:
            centre = aligned[0]
            above, below = centre, n - centre - 1
            step = min(PORT_GAP, half / max(above, below, 1))
            offsets = [(i - centre) * step for i in range(n)]
        for (other, edge, end), offset in zip(group, offsets, strict=True):
            ports[(edge, end)] = Port(key, side, edge, end, other, offset)
    return ports


def _end_port_wishes(routes: tuple[Route, ...],
                     centre_t: Mapping[str, float]) -> list[tuple[str, Side, int, PortEnd, float]]:
    """(item key, side, edge, end, where the other end lies) of every top and bottom port."""
    wishes: list[tuple[str, Side, int, PortEnd, float]] = []
    for route in routes:
        if route.kind == "vert":
            a, b = route.items[0], route.items[-1]
            down = b.lo > a.hi
            wishes.append((a.key, "B" if down else "T", route.edge, "src", 0.0))
            wishes.append((b.key, "T" if down else "B", route.edge, "dst", 0.0))
        elif route.kind == "fwd" and (route.elbow_start or route.elbow_end):
            if route.elbow_start:
                u, d = route.items[0], route.items[1]
                wishes.append((u.key, "B" if d.lo > u.lo else "T", route.edge, "src",
                               centre_t[d.key]))
            if route.elbow_end:
                d, v = route.items[-2], route.items[-1]
                wishes.append((v.key, "T" if v.lo > d.lo else "B", route.edge, "dst",
                               centre_t[d.key]))
        elif route.kind == "detour":
            v = route.items[-1]
            wishes.append((v.key, "T" if route.gap_side > 0 else "B", route.edge, "dst",
                           centre_t[v.key] + 10_000.0))
        elif route.kind in ("elbowV", "elbowH"):
            u, v = route.items
            down = v.lo > u.hi
            if route.kind == "elbowV":
                wishes.append((u.key, "B" if down else "T", route.edge, "src", centre_t[v.key]))
            else:
                wishes.append((v.key, "T" if down else "B", route.edge, "dst", centre_t[u.key]))
        elif route.kind == "loopU":
            u, v = route.items
            side: Side = "B" if route.gap_side > 0 else "T"
            wishes.append((u.key, side, route.edge, "src", centre_t[v.key]))
            wishes.append((v.key, side, route.edge, "dst", centre_t[u.key]))
    return wishes


def end_ports(routes: tuple[Route, ...], centre_t: Mapping[str, float],
              extent_t: Mapping[str, float],
              sides_placed: Mapping[PortKey, Port]) -> dict[PortKey, Port]:
    """All ports: ``sides_placed`` and the ports on tops and bottoms, spread symmetrically
    around the centre in the order of where the other end lies."""
    sides: dict[tuple[str, Side], list[Port]] = {}
    for key, side, edge, end, other in _end_port_wishes(routes, centre_t):
        sides.setdefault((key, side), []).append(Port(key, side, edge, end, other))
    offset: dict[PortKey, float] = {}
    for (key, _side), group in sides.items():
        half = extent_t[key] / 2 - 8.0
        group.sort(key=lambda p: (p.other - centre_t[key], p.edge))
        n = len(group)
        step = min(PORT_GAP * 1.5, 2 * half / max(n, 1)) if n > 1 else 0.0
        for i, port in enumerate(group):
            offset[(port.edge, port.end)] = (i - (n - 1) / 2) * step

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
