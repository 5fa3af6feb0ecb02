"""Invariants of the small things a reader must make out: badges, shared steps' tags,
hand-off markers.

:func:`detail_problems` complements :func:`~prozesskette.layout.invariants.verify` (which
checks edge labels against each other and against the steps): a badge covers none of its
step's text, no other badge, no other step, no edge label and no edge; no edge label covers
a hand-off marker. It returns plain messages (``verify`` reports them as "label"
violations), so that this module need not import the one that calls it.
"""

from __future__ import annotations

from prozesskette.layout.geometry import Layout, Rect, RectIndex, shape_overlaps

_EPS = 0.01


def _run_hits(a: tuple[float, float], b: tuple[float, float], rect: Rect) -> bool:
    """Whether the straight run a–b passes through the inside of ``rect``."""
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return (x0 < rect.right - _EPS and rect.x + _EPS < x1 + _EPS and y0 < rect.bottom - _EPS
            and rect.y + _EPS < y1 + _EPS)


MARKER_RADIUS_SHARE = 0.5  # a hand-off marker's radius, as a share of the arrow size


def detail_problems(layout: Layout) -> list[str]:
    """Every badge that hides something and every label over a hand-off marker; an empty
    list when there is none."""
    violations: list[str] = []
    nodes = list(layout.nodes.values())
    shapes = RectIndex()
    for node in nodes:
        shapes.add(node.rect)
    runs = [(edge, a, b) for edge in layout.edges
            for a, b in zip(edge.points, edge.points[1:], strict=False)]
    run_index = RectIndex()
    for _, a, b in runs:
        run_index.add(Rect(min(a[0], b[0]), min(a[1], b[1]), abs(a[0] - b[0]),
                           abs(a[1] - b[1])))
    labels = RectIndex()
    for edge in layout.edges:
        if edge.label is not None:
            labels.add(edge.label.rect)
    placed = RectIndex()
    for node in nodes:
        texts = [node.title.rect] + ([node.note.rect] if node.note else [])
        for badge in node.badges:
            rect, name = badge.rect, f"badge '{badge.text.text}' of step '{node.id}'"
            if any(rect.overlaps(text) for text in texts):
                violations.append(f"{name} covers the step's text")
            if any(rect.overlaps(placed.rects[i]) for i in placed.near(rect)):
                violations.append(f"{name} covers another badge")
            for i in shapes.near(rect):
                if nodes[i].id != node.id and shape_overlaps(nodes[i], rect):
                    violations.append(f"{name} covers step '{nodes[i].id}'")
            if any(rect.overlaps(labels.rects[i]) for i in labels.near(rect)):
                violations.append(f"{name} covers an edge label")
            for i in run_index.near(rect):
                edge, a, b = runs[i]
                if _run_hits(a, b, rect):
                    violations.append(f"{name} covers the edge {edge.source}→{edge.target}")
                    break
            placed.add(rect)
    radius = layout.style.arrow_size * MARKER_RADIUS_SHARE
    for edge in layout.edges:
        if edge.marker is None:
            continue
        x, y = edge.marker
        spot = Rect(x - radius, y - radius, 2 * radius, 2 * radius)
        if any(spot.overlaps(labels.rects[i], 0.5) for i in labels.near(spot)):
            violations.append(f"an edge label covers the hand-off marker of "
                              f"{edge.source}→{edge.target}")
    return violations
