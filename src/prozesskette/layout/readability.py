"""Invariants of the small things a reader must make out: badges and shared steps' tags.

:func:`badge_violations` complements :func:`~prozesskette.layout.invariants.verify` (which
checks edge labels against each other and against the steps): a badge covers none of its
step's text, no other badge, no other step, no edge label and no edge.
"""

from __future__ import annotations

from prozesskette.layout.geometry import Layout, Rect, RectIndex, shape_overlaps
from prozesskette.layout.invariants import Violation

_EPS = 0.01


def _run_hits(a: tuple[float, float], b: tuple[float, float], rect: Rect) -> bool:
    """Whether the straight run a–b passes through the inside of ``rect``."""
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return (x0 < rect.right - _EPS and rect.x + _EPS < x1 + _EPS and y0 < rect.bottom - _EPS
            and rect.y + _EPS < y1 + _EPS)


def badge_violations(layout: Layout) -> list[Violation]:
    """Every badge that hides something; an empty list when none does."""
    violations: list[Violation] = []
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
                violations.append(Violation("label", f"{name} covers the step's text"))
            if any(rect.overlaps(placed.rects[i]) for i in placed.near(rect)):
                violations.append(Violation("label", f"{name} covers another badge"))
            for i in shapes.near(rect):
                if nodes[i].id != node.id and shape_overlaps(nodes[i], rect):
                    violations.append(Violation("label", f"{name} covers step "
                                                f"'{nodes[i].id}'"))
            if any(rect.overlaps(labels.rects[i]) for i in labels.near(rect)):
                violations.append(Violation("label", f"{name} covers an edge label"))
            for i in run_index.near(rect):
                edge, a, b = runs[i]
                if _run_hits(a, b, rect):
                    violations.append(Violation("label", f"{name} covers the edge "
                                                f"{edge.source}→{edge.target}"))
                    break
            placed.add(rect)
    return violations
