"""Layout benchmark: our engine against Graphviz dot (newrank, ortho) on the same chains.

    python benchmarks/bench_layout.py                 # both families, dot where installed
    python benchmarks/bench_layout.py --no-dot        # ours only
    python benchmarks/bench_layout.py --dot-cache /tmp/dotref.jsonl   # dot figures kept
    python benchmarks/bench_layout.py --small --large # also 10…40 and 2000 steps
    python benchmarks/bench_layout.py --quick         # small sizes only, one seed

Two generated families (src/prozesskette/samples.py): "samples" (``generate_chain``: a main
line handed from lane to lane) and "cross-lane" (``cross_lane_chain``: partner lanes, two or
three parallel branches that merge, loops back). Each is laid out at 50×8, 100×8, 200×10,
500×10 and 1000×10 steps×lanes for seeds 1, 2, 3 with our default options (``layout_chain(chain)``,
nothing asked for), and by ``dot`` with one cluster per lane (``newrank=true``,
``splines=ortho``), measured with the same crossing and bend counts on the polylines dot
draws. The tables give medians over the seeds; the summary says per family and size whether
ours has no more crossings and no more bends than dot.

Then: a scaling line (cross-lane family, 1000/2000/5000 steps, the first layout of each in
the best of three fresh processes), the printed size of the step titles on A3, A2 and A0
landscape for every chain in chains/ and a 40-step, 9-lane cross-lane chain, with the targets
of issue 14; the cold start of the command line and the render times of the example chains.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from prozesskette.export.dot import to_dot  # noqa: E402
from prozesskette.layout import layout_chain, metrics, verify  # noqa: E402
from prozesskette.layout.geometry import EdgeRoute, Layout  # noqa: E402
from prozesskette.layout.invariants import crossings  # noqa: E402
from prozesskette.model import Chain  # noqa: E402
from prozesskette.samples import cross_lane_chain, generate_chain  # noqa: E402

FAMILIES: dict[str, Callable[..., Chain]] = {"samples": generate_chain,
                                             "cross-lane": cross_lane_chain}
SIZES = [(50, 8), (100, 8), (200, 10), (500, 10), (1000, 10)]
SMALL = [(10, 4), (25, 6), (40, 9)]
LARGE = [(2000, 12)]
SCALING = [(1000, 10), (2000, 10), (5000, 10)]  # cross-lane, seed 1
PAGES = ("A3", "A2", "A0")


@dataclass
class Row:
    family: str
    steps: int
    lanes: int
    tool: str
    seconds: float | None
    peak_mb: float | None
    crossings: float | None
    bends: float | None
    length: float | None
    width: float | None
    height: float | None
    violations: int | None
    note: str = ""
    a3_pt: float | None = None  # step titles' size with the drawing filling A3 landscape
    columns: float | None = None  # step columns used
    seeds: int = 1  # how many seeds the figures are the median of

    def cells(self) -> list[str]:
        aspect = (max(self.width, self.height) / max(1.0, min(self.width, self.height))
                  if self.width and self.height else None)
        return [self.family, f"{self.steps}×{self.lanes}", self.tool, _f(self.seconds, 3),
                _f(self.peak_mb, 1), _f(self.crossings, 1), _f(self.bends, 1),
                _f(self.length), f"{_f(self.width)} × {_f(self.height)}",
                _f(aspect, 1) + (":1" if aspect else ""), _f(self.violations),
                _f(self.a3_pt, 1), _f(self.columns), self.note]


HEADER = ["family", "size", "tool", "time s", "peak MB", "crossings", "bends", "edge length",
          "drawing (pt)", "aspect", "violations", "A3 title pt", "columns", "note"]


def _f(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    if digits and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def title_size(layout: Layout, chain: Chain, page: str) -> float:
    """The printed size in points of the smallest step-title line when the drawing fills
    ``page`` landscape, placed as the PDF renderer places it (``place_chart``)."""
    from prozesskette.renderers.pdf import place_chart

    placement = place_chart(layout, chain, page, True, None)
    sizes = [line.size for node in layout.nodes.values() for line in node.title.lines]
    return min(sizes, default=layout.style.font_size) * placement.scale


def pdf_title_size(chain: Chain, page: str) -> float:
    """The printed size of the step titles in the PDF itself, on ``page`` landscape in one
    piece (``split="none"``): as ``build_pdf`` lays the chart out, with its QR codes grown
    until their modules print at 0.4 mm."""
    import warnings

    from prozesskette.printing import build_pdf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the notes on small text are the point here
        result = build_pdf(chain, page=page, landscape=True, split="none", appendix=False)
    return result.text_size


def step_columns(layout: Layout) -> int:
    """Columns that hold steps (box centres along the time axis)."""
    along = (lambda r: r.x + r.w / 2) if layout.direction == "lr" else (lambda r: r.y + r.h / 2)
    return len({round(along(node.rect), 1) for node in layout.nodes.values()})


# --- one chain, our engine and dot ----------------------------------------------------------

def ours(family: str, steps: int, lanes: int, seed: int, memory: bool = True) -> Row:
    chain = FAMILIES[family](steps, lanes, seed, contacts=True)
    layout_chain(chain)  # warm-up: font tables, imports
    times = []
    for _ in range(3):
        start = time.perf_counter()
        layout = layout_chain(chain)
        times.append(time.perf_counter() - start)
    peak = None
    if memory:
        tracemalloc.start()  # memory in a run of its own: tracing slows Python down
        layout_chain(chain)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    m = metrics(layout)
    return Row(family, steps, lanes, "ours", min(times), peak, m.crossings, m.bends,
               m.edge_length, m.width, m.height, len(verify(layout)),
               a3_pt=title_size(layout, chain, "A3"), columns=step_columns(layout))


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


def _dot_failed(family: str, steps: int, lanes: int, seconds: float | None, note: str) -> Row:
    return Row(family, steps, lanes, "dot", seconds, None, None, None, None, None, None, None,
               note)


def dot(family: str, steps: int, lanes: int, seed: int, timeout: float) -> Row:
    chain = FAMILIES[family](steps, lanes, seed, contacts=True)
    source = to_dot(chain).replace("{", "{\n\tsplines=ortho", 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.dot"
        path.write_text(source, "utf-8")
        start = time.perf_counter()
        try:
            result = subprocess.run(["dot", "-Tjson", str(path)], capture_output=True,
                                    text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return _dot_failed(family, steps, lanes, None, f"timed out after {timeout:.0f} s")
        seconds = time.perf_counter() - start
    if result.returncode != 0 or not result.stdout.strip():
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1][:60]
        return _dot_failed(family, steps, lanes, seconds, f"crashed: {reason}")
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
    return Row(family, steps, lanes, "dot", seconds, None, crossings(fake), bends, length,
               x1 - x0, y1 - y0, None, "newrank, ortho")


class DotCache:
    """dot's figures per (family, steps, lanes, seed) in a JSON-lines file, so that a second
    run does not wait for dot again (1000 steps take about 12 s each)."""

    FIELDS = ("seconds", "crossings", "bends", "length", "width", "height", "note")

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.rows: dict[tuple[str, int, int, int], dict[str, object]] = {}
        if path is not None and path.exists():
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    item = json.loads(line)
                    key = (item["family"], item["steps"], item["lanes"], item["seed"])
                    self.rows[key] = item

    def get(self, family: str, steps: int, lanes: int, seed: int, timeout: float) -> Row:
        item = self.rows.get((family, steps, lanes, seed))
        if item is not None:
            values = {name: item.get(name) for name in self.FIELDS}
            return Row(family, steps, lanes, "dot", values["seconds"], None,  # type: ignore[arg-type]
                       values["crossings"], values["bends"], values["length"],  # type: ignore[arg-type]
                       values["width"], values["height"], None,  # type: ignore[arg-type]
                       str(values["note"] or ""))
        row = dot(family, steps, lanes, seed, timeout)
        if self.path is not None:
            item = {"family": family, "steps": steps, "lanes": lanes, "seed": seed,
                    **{name: getattr(row, name) for name in self.FIELDS}}
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(item) + "\n")
        return row


# --- medians over seeds, the tables ---------------------------------------------------------

def _median(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def median_row(rows: list[Row]) -> Row:
    """One row with the median of each figure over the seeds; violations are summed (0 means
    every seed is clean); a note says which seeds dot could not lay out."""
    first = rows[0]
    measured = [row for row in rows if row.crossings is not None]
    failed = [row.note for row in rows if row.crossings is None]
    note = first.note if not failed else (
        f"{len(failed)} of {len(rows)} seeds failed ({failed[0].split(':')[0]})")

    def med(name: str) -> float | None:
        return _median(getattr(row, name) for row in measured)

    violations = (sum(row.violations for row in measured if row.violations is not None)
                  if any(row.violations is not None for row in measured) else None)
    return replace(first, seconds=_median(row.seconds for row in rows), peak_mb=med("peak_mb"),
                   crossings=med("crossings"), bends=med("bends"), length=med("length"),
                   width=med("width"), height=med("height"), violations=violations,
                   a3_pt=med("a3_pt"), columns=med("columns"), note=note, seeds=len(measured))


def table(header: list[str], rows: list[list[str]]) -> str:
    cells = [header, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def verdict(mine: Row, theirs: Row | None) -> str:
    """'≤ dot' when ours has no more crossings and no more bends than dot (medians)."""
    if theirs is None or theirs.crossings is None or theirs.bends is None:
        return "no dot figure"
    assert mine.crossings is not None and mine.bends is not None
    losses = [f"{_f(a - b, 1)} {what}" for a, b, what in
              ((mine.crossings, theirs.crossings, "crossings"), (mine.bends, theirs.bends, "bends"))
              if a > b]
    if mine.violations:
        losses.append(f"{mine.violations} violations")
    return "≤ dot" if not losses else "loses by " + ", ".join(losses)


SUMMARY = ["size", "crossings ours", "crossings dot", "bends ours", "bends dot", "time ours s",
           "time dot s", "violations", "verdict"]


def summary(family: str, pairs: list[tuple[Row, Row | None]], seeds: int) -> str:
    """Ours against dot per size. Where dot failed on a seed, both sides are the medians over
    the seeds dot laid out, marked (n=…), so that the comparison stays paired; violations
    are summed over every seed."""
    rows = []
    for mine, theirs in pairs:
        n = "" if theirs is None or theirs.seeds == seeds else f" (n={theirs.seeds})"
        rows.append([f"{mine.steps}×{mine.lanes}", _f(mine.crossings, 1) + n,
                     (_f(theirs.crossings, 1) + n) if theirs else "–",
                     _f(mine.bends, 1) + n, (_f(theirs.bends, 1) + n) if theirs else "–",
                     _f(mine.seconds, 3), _f(theirs.seconds, 3) if theirs else "–",
                     _f(mine.violations), verdict(mine, theirs)])
    return f"{family}:\n" + table(SUMMARY, rows)


def paired(mine: list[Row], theirs: list[Row]) -> Row:
    """Our median row over the seeds dot could lay out (all seeds' violations summed)."""
    kept = [row for row, other in zip(mine, theirs, strict=True) if other.crossings is not None]
    everything = median_row(mine)
    return replace(median_row(kept or mine), violations=everything.violations,
                   seeds=len(kept or mine))


# --- scaling, print sizes, extras -----------------------------------------------------------

_FRESH = """
import sys, time
from prozesskette.api import to_svg
from prozesskette.layout import layout_chain
from prozesskette.samples import cross_lane_chain
layout_chain(cross_lane_chain(50, 8, 1))  # warm-up: fonts, dictionaries, code paths
chain = cross_lane_chain(int(sys.argv[1]), int(sys.argv[2]), 1, contacts=True)
work = (lambda: to_svg(chain)) if sys.argv[3] == "svg" else (lambda: layout_chain(chain))
start = time.perf_counter()
work()
print(time.perf_counter() - start)
"""


def _fresh_time(steps: int, lanes: int, what: str, repeat: int) -> float:
    """The best of ``repeat`` fresh processes, each timing one layout (or layout + SVG) of
    the chain, after a warm-up on a small one: the first layout of a chart, as the command
    line does it, with no cache holding its steps' text."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    times = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", _FRESH, str(steps), str(lanes), what],
                              env=env, check=True, capture_output=True, text=True)
        times.append(float(done.stdout.split()[-1]))
    return min(times)


def scaling(repeat: int) -> list[str]:
    """Layout time (and layout + SVG) of the cross-lane family at 1000, 2000 and 5000 steps,
    all in this one run, and the ratio 5000/1000 (target: ≤ 3 s and ≤ 6×). Each figure is
    the best of ``repeat`` fresh processes (:func:`_fresh_time`; the machine's other work
    only ever adds time). Repeating the layout in one process instead measures the caches:
    the step texts (``step_text.node_text``) of 1000 steps stay cached from one run to the
    next; with 8192 entries those of 5000 steps (10,000) did not, which made 5000 steps
    look 7.7× as slow as 1000 where the first layout of each was 5.7× (now 32,768)."""
    layout_s: dict[int, float] = {}
    lines = []
    for steps, lanes in SCALING:
        layout_s[steps] = _fresh_time(steps, lanes, "layout", repeat)
        svg_s = _fresh_time(steps, lanes, "svg", repeat)
        lines.append(f"  cross-lane {steps}×{lanes}: layout {layout_s[steps]:.3f} s, "
                     f"layout + SVG {svg_s:.3f} s")
    ratio = layout_s[5000] / layout_s[1000]
    met = layout_s[5000] <= 3.0 and ratio <= 6.0
    lines.append(f"  layout 5000/1000 = {ratio:.2f}× (5000 steps {layout_s[5000]:.2f} s; "
                 f"target ≤ 3 s and ≤ 6×: {'met' if met else 'missed'})")
    return lines


def print_cases() -> list[tuple[str, Chain, str | None, float | None]]:
    """(name, chain, target page, target pt): the chains in chains/ and a 40×9 cross-lane
    chain; the targets are issue 14's."""
    from prozesskette.loader import load

    cases: list[tuple[str, Chain, str | None, float | None]] = []
    for path in sorted((ROOT / "chains").glob("*.yaml")):
        chain = load(path)
        page, pt = (None, None)
        if path.stem.startswith("stendal-"):
            page, pt = "A2", 7.0
        elif len(chain.actors) >= 20:
            page, pt = "A0", 9.0
        cases.append((path.stem, chain, page, pt))
    cases.append(("cross-lane 40×9 seed 1", cross_lane_chain(40, 9, 1, contacts=True), "A3",
                  6.0))
    return cases


def print_table() -> str:
    rows = []
    for name, chain, page, pt in print_cases():
        layout = layout_chain(chain)
        sizes = {p: pdf_title_size(chain, p) for p in PAGES}
        target = f"{page} ≥ {pt:g} pt" if page and pt else "–"
        met = "–" if not page or pt is None else (
            "met" if sizes[page] >= pt - 1e-6 else f"missed ({sizes[page]:.1f} pt)")
        rows.append([name, f"{len(chain.actors)}×{len(chain.steps)}",
                     f"{layout.width:,.0f} × {layout.height:,.0f}",
                     *(f"{sizes[p]:.1f}" for p in PAGES), target, met])
    return table(["chain", "actors×steps", "drawing (pt)", *(f"{p} pt" for p in PAGES),
                  "target", "met"], rows)


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


# --- the run ----------------------------------------------------------------------------

def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes only, seed 1")
    parser.add_argument("--small", action="store_true", help="also 10×4, 25×6 and 40×9")
    parser.add_argument("--large", action="store_true", help="also 2000×12")
    parser.add_argument("--sizes", default=None, metavar="STEPSxLANES,…",
                        help="only these sizes, e.g. 1000x10,200x8")
    parser.add_argument("--seeds", default="1,2,3", help="seeds, comma-separated (1,2,3)")
    parser.add_argument("--families", default=",".join(FAMILIES),
                        help="families, comma-separated (samples,cross-lane)")
    parser.add_argument("--no-dot", action="store_true")
    parser.add_argument("--dot-timeout", type=float, default=120.0)
    parser.add_argument("--dot-cache", type=Path, default=None, metavar="FILE",
                        help="read dot's figures from this JSON-lines file, add missing ones")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--repeat", type=int, default=3,
                        help="scaling line: the best of this many runs per size (3)")
    parser.add_argument("--no-extras", action="store_true",
                        help="skip scaling, print sizes, cold start and render times")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    sizes = SMALL if args.quick else [*(SMALL if args.small else []), *SIZES,
                                      *(LARGE if args.large else [])]
    if args.sizes:
        sizes = [(int(a), int(b)) for a, b in (item.split("x") for item in args.sizes.split(","))]
    seeds = [1] if args.quick else [int(s) for s in args.seeds.split(",")]
    families = args.families.split(",")
    use_dot = not args.no_dot and (shutil.which("dot") is not None or args.dot_cache)
    cache = DotCache(args.dot_cache)
    detail: list[Row] = []
    pairs: dict[str, list[tuple[Row, Row | None]]] = {family: [] for family in families}
    for family in families:
        for steps, lanes in sizes:
            mine_rows = [ours(family, steps, lanes, seed, not args.no_memory) for seed in seeds]
            dot_rows = [cache.get(family, steps, lanes, seed, args.dot_timeout)
                        for seed in seeds] if use_dot else []
            mine = median_row(mine_rows)
            theirs = median_row(dot_rows) if dot_rows else None
            detail += [mine] + ([theirs] if theirs else [])
            pairs[family].append((paired(mine_rows, dot_rows) if dot_rows else mine, theirs))
            print(f"  {family} {steps}×{lanes}: ours {_f(mine.crossings, 1)}/"
                  f"{_f(mine.bends, 1)}" + (f", dot {_f(theirs.crossings, 1)}/"
                                           f"{_f(theirs.bends, 1)}" if theirs else ""),
                  file=sys.stderr, flush=True)
    print(f"Medians over seeds {', '.join(map(str, seeds))} (violations: sum over the seeds); "
          "ours with default options.\n")
    print(table(HEADER, [row.cells() for row in detail]))
    print("\nSummary, crossings and bends (medians), ours against dot:\n")
    print("\n\n".join(summary(family, pairs[family], len(seeds)) for family in families))
    if not use_dot:
        print("\n(dot not installed or --no-dot: no comparison)")
    if args.no_extras:
        return
    print(f"\nScaling (cross-lane, seed 1, best of {args.repeat} fresh processes each):")
    print("\n".join(scaling(args.repeat)))
    print("\nPrinted size of the step titles in the PDF (landscape, one page, QR codes grown to "
          "0.4 mm modules):\n")
    print(print_table())
    print("\nCold start (the command line, bytecode cached):")
    print("\n".join(cold_start()))
    print("\nRender times (in-process):")
    print("\n".join(render_times()))


if __name__ == "__main__":
    main()
