"""Layout benchmark: our engine against Graphviz dot (newrank, ortho) on the same chains.

    python benchmarks/bench_layout.py            # the whole family, dot where installed
    python benchmarks/bench_layout.py --quick    # small sizes only
    python benchmarks/bench_layout.py --no-dot   # ours only

For each generated chain (10 … 2000 steps, 4 … 12 lanes, with decisions, shared steps and
loops) it prints layout time, peak memory (tracemalloc), crossings, bends, total edge length,
drawing size and aspect ratio, and the invariant violations found by ``verify``; then the same
graph laid out by ``dot`` with one cluster per lane (``newrank=true``, ``splines=ortho``),
measured with the same crossing and bend counts on the polylines dot draws. Then the cold
start of the command line and the render times of the example chains.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from prozesskette.export.dot import to_dot  # noqa: E402
from prozesskette.layout import layout_chain, metrics, verify  # noqa: E402
from prozesskette.layout.geometry import EdgeRoute, Layout  # noqa: E402
from prozesskette.layout.invariants import crossings  # noqa: E402
from prozesskette.samples import generate_chain  # noqa: E402

FAMILY = [(10, 4), (25, 6), (40, 9), (50, 8), (100, 8), (200, 10), (500, 10), (1000, 10),
          (2000, 12)]
QUICK = [(10, 4), (25, 6), (40, 9), (100, 8)]


@dataclass
class Row:
    steps: int
    lanes: int
    tool: str
    seconds: float | None
    peak_mb: float | None
    crossings: int | None
    bends: int | None
    length: float | None
    width: float | None
    height: float | None
    violations: int | None
    note: str = ""
    a3_pt: float | None = None  # body text size with the drawing filling A3 landscape
    columns: str = "–"  # step columns used, and the least any drawing of ours can use


    def cells(self) -> list[str]:
        def f(value: float | None, digits: int = 0) -> str:
            return "–" if value is None else f"{value:,.{digits}f}"

        aspect = (max(self.width, self.height) / max(1.0, min(self.width, self.height))
                  if self.width and self.height else None)
        return [str(self.steps), str(self.lanes), self.tool, f(self.seconds, 3),
                f(self.peak_mb, 1), f(self.crossings), f(self.bends), f(self.length),
                f"{f(self.width)} × {f(self.height)}", f(aspect, 1) + (":1" if aspect else ""),
                f(self.violations), f(self.a3_pt, 1), self.columns, self.note]


HEADER = ["steps", "lanes", "tool", "time s", "peak MB", "crossings", "bends", "edge length",
          "size (pt)", "aspect", "violations", "A3 text pt", "columns (bound)", "note"]


def a3_text_size(layout: Layout, chain: object) -> float:
    """Body text size in points when the drawing fills an A3 landscape page (what the PDF
    renderer does with ``page="A3"``); the aim for a 40-step chain is 7 pt or more."""
    from prozesskette.renderers.pdf import place_chart

    placement = place_chart(layout, chain, "A3", True, None)  # type: ignore[arg-type]
    return layout.style.font_size * placement.scale


def column_bound(chain: object, lanes: list[str]) -> int:
    """The fewest columns any drawing in our column model needs with this lane order: a step
    after another in the same lane goes one column on, a hand-off may stay in its column,
    and phases are column ranges (blocked hand-offs, which cost more columns, ignored)."""
    from prozesskette.graph import ChainGraph
    from prozesskette.layout import engine

    graph = ChainGraph(chain)  # type: ignore[arg-type]
    rank = {actor: i for i, actor in enumerate(lanes)}
    spans, badge = engine.lane_spans(graph, rank)
    grid = engine.Grid(graph, lanes, rank, spans, badge)
    minlen = {}
    for index, edge in enumerate(graph.edges):
        (s_lo, s_hi), (t_lo, t_hi) = spans[edge.source], spans[edge.target]
        minlen[index] = 0 if (t_lo > s_hi or t_hi < s_lo) else 1
    engine.assign_columns(grid, minlen, engine.back_edges(graph))
    return grid.columns


def step_columns(layout: Layout) -> int:
    """Columns that hold steps (box centres share their column's centre)."""
    return len({round(node.rect.x + node.rect.w / 2, 1) for node in layout.nodes.values()})


def ours(steps: int, lanes: int, seed: int) -> Row:
    chain = generate_chain(steps, lanes, seed, contacts=True)
    layout_chain(chain, lane_order="auto")  # warm-up: font tables, imports
    times = []
    for _ in range(3):
        start = time.perf_counter()
        layout = layout_chain(chain, lane_order="auto")
        times.append(time.perf_counter() - start)
    seconds = min(times)
    tracemalloc.start()  # memory in a run of its own: tracing slows Python down
    layout_chain(chain, lane_order="auto")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    m = metrics(layout)
    bound = column_bound(chain, list(layout.lanes))
    return Row(steps, lanes, "prozesskette", seconds, peak / 2**20, m.crossings, m.bends,
               m.edge_length, m.width, m.height, len(verify(layout)),
               a3_pt=a3_text_size(layout, chain),
               columns=f"{step_columns(layout)} ({bound})")


def _polyline(pos: str) -> list[tuple[float, float]]:
    """dot's edge 'pos' (B-spline control points; ortho edges are straight pieces)."""
    points: list[tuple[float, float]] = []
    for token in pos.split():
        if token.startswith(("e,", "s,")):
            continue
        x, y = token.split(",")[:2]
        points.append((float(x), -float(y)))
    out: list[tuple[float, float]] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 0.01 and abs(out[-1][1] - p[1]) < 0.01:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < 0.01 and abs(b[0] - p[0]) < 0.01) or (
                    abs(a[1] - b[1]) < 0.01 and abs(b[1] - p[1]) < 0.01):
                out[-1] = p
                continue
        out.append(p)
    return out


def dot(steps: int, lanes: int, seed: int, timeout: float) -> Row:
    chain = generate_chain(steps, lanes, seed, contacts=True)
    source = to_dot(chain).replace("{", "{\n\tsplines=ortho", 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.dot"
        path.write_text(source, "utf-8")
        start = time.perf_counter()
        try:
            result = subprocess.run(["dot", "-Tjson", str(path)], capture_output=True,
                                    text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return Row(steps, lanes, "dot", None, None, None, None, None, None, None, None,
                       f"timed out after {timeout:.0f} s")
        seconds = time.perf_counter() - start
    if result.returncode != 0 or not result.stdout.strip():
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1][:60]
        return Row(steps, lanes, "dot", seconds, None, None, None, None, None, None, None,
                   f"crashed: {reason}")
    data = json.loads(result.stdout)
    names = {obj["_gvid"]: obj["name"] for obj in data.get("objects", []) if "pos" in obj}
    routes = []
    bends = 0
    length = 0.0
    for edge in data.get("edges", []):
        points = _polyline(edge.get("pos", ""))
        if len(points) < 2:
            continue
        bends += max(0, len(points) - 2)
        length += sum(abs(a[0] - b[0]) + abs(a[1] - b[1])
                      for a, b in itertools.pairwise(points))
        routes.append(EdgeRoute(names.get(edge["tail"], str(edge["tail"])),
                                names.get(edge["head"], str(edge["head"])), tuple(points)))
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))
    fake = Layout(width=x1 - x0, height=y1 - y0, direction="lr", nodes={}, lanes={}, phases={},
                  edges=tuple(routes), title=None, legend=None)
    return Row(steps, lanes, "dot", seconds, None, crossings(fake), bends, length, x1 - x0,
               y1 - y0, None, "newrank, ortho")


def cold_start(runs: int = 7) -> list[str]:
    """Whole-process time of `prozesskette render` for the 25-step example chains."""
    lines = []
    exe = shutil.which("prozesskette") or f"{sys.executable} -m prozesskette.cli"
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for chain in ("stendal-ausbildung", "stendal-arbeit"):
        with tempfile.TemporaryDirectory() as folder:
            command = [*exe.split(), "render", "-q", str(ROOT / "chains" / f"{chain}.yaml"),
                       "-o", folder]
            subprocess.run(command, env=env, check=True, capture_output=True)  # write .pyc
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(command, env=env, check=True, capture_output=True)
                times.append(time.perf_counter() - start)
        lines.append(f"  render {chain}.yaml → SVG, whole process: min {min(times):.3f} s, "
                     f"median {statistics.median(times):.3f} s ({runs} runs)")
    return lines


def render_times() -> list[str]:
    from prozesskette.api import to_pdf, to_svg
    from prozesskette.loader import load

    lines = []
    cases = [(path.stem, load(path)) for path in sorted((ROOT / "chains").glob("*.yaml"))]
    cases.append(("generated-500", generate_chain(500, 10, 7, contacts=True)))
    for name, chain in cases:
        start = time.perf_counter()
        svg = to_svg(chain)
        svg_s = time.perf_counter() - start
        text = f"  {name}: SVG {svg_s:.3f} s ({len(svg.encode()) / 1024:.0f} KiB)"
        try:
            start = time.perf_counter()
            pdf = to_pdf(chain)
            text += f", PDF {time.perf_counter() - start:.3f} s ({len(pdf) / 1024:.0f} KiB)"
        except Exception as exc:  # the PDF renderer is optional for this table
            text += f", PDF failed: {type(exc).__name__}: {exc}"
        lines.append(text)
    return lines


def table(rows: list[Row]) -> str:
    cells = [HEADER] + [row.cells() for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(HEADER))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-dot", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dot-timeout", type=float, default=120.0)
    parser.add_argument("--sizes", default=None, metavar="STEPSxLANES,…",
                        help="only these sizes, e.g. 1000x10,200x8")
    parser.add_argument("--no-extras", action="store_true",
                        help="skip the cold-start and render-time figures")
    args = parser.parse_args()
    family = QUICK if args.quick else FAMILY
    if args.sizes:
        family = [(int(a), int(b)) for a, b in (item.split("x") for item in args.sizes.split(","))]
    use_dot = not args.no_dot and shutil.which("dot") is not None
    rows: list[Row] = []
    for steps, lanes in family:
        rows.append(ours(steps, lanes, args.seed))
        if use_dot:
            rows.append(dot(steps, lanes, args.seed, args.dot_timeout))
        for line in table(rows[-2 if use_dot else -1:]).splitlines()[2:]:
            print(line, file=sys.stderr)
    print(table(rows))
    if not use_dot:
        print("\n(dot not installed or --no-dot: no comparison)")
    if args.no_extras:
        return
    print("\nCold start (the command line, bytecode cached):")
    print("\n".join(cold_start()))
    print("\nRender times (in-process):")
    print("\n".join(render_times()))


if __name__ == "__main__":
    main()
