"""Cold start and layout times of two source trees, measured side by side in one run.

    python benchmarks/bench_revisions.py BEFORE_SRC AFTER_SRC [--runs 9]

Each tree is its ``src`` folder (e.g. a ``git worktree`` of the old commit). The runs
alternate between the two trees (A B A B …) so that a drifting machine speed hits both alike;
the table gives the median and the minimum of each figure. Every figure is a whole process
started with ``PYTHONPATH`` pointing at the tree, bytecode cached by a first, uncounted run:
- ``--help``, ``check`` and ``render -f svg`` of the Stendal Ausbildung chain (the cold start);
- ``layout_chain`` of generated chains of 100, 500 and 1000 steps, timed inside the process
  (best of three there, so that only the layout is counted, not the imports).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ROOT / "chains" / "stendal-ausbildung.yaml"
LAYOUT_SIZES = ((100, 10), (500, 12), (1000, 12))
LAYOUT_SCRIPT = """
import sys, time
from prozesskette.samples import generate_chain
from prozesskette.api import layout_chain
chain = generate_chain({steps}, {lanes}, 1)
best = min((lambda t: (layout_chain(chain), time.perf_counter() - t)[1])(time.perf_counter())
           for _ in range(3))
print(best)
"""


def _env(src: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _layout(steps: int, lanes: int, env: dict[str, str]) -> float:
    script = LAYOUT_SCRIPT.format(steps=steps, lanes=lanes)
    result = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                            capture_output=True, text=True)
    return float(result.stdout.strip())


def figures(folder: str) -> dict[str, list[str]]:
    cli = [sys.executable, "-m", "prozesskette.cli"]
    return {"--help": [*cli, "--help"],
            "check": [*cli, "check", "-q", str(CHAIN)],
            "render -f svg": [*cli, "render", "-q", str(CHAIN), "-f", "svg", "-o", folder]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    trees = {"before": _env(args.before.resolve()), "after": _env(args.after.resolve())}
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        commands = figures(folder)
        for env in trees.values():  # write the bytecode caches, uncounted
            for command in commands.values():
                subprocess.run(command, env=env, check=True, capture_output=True)
        for _ in range(args.runs):
            for tree, env in trees.items():
                for name, command in commands.items():
                    times.setdefault((name, tree), []).append(_wall(command, env))
        for _ in range(3):
            for tree, env in trees.items():
                for steps, lanes in LAYOUT_SIZES:
                    name = f"layout {steps} steps × {lanes} lanes"
                    times.setdefault((name, tree), []).append(_layout(steps, lanes, env))
    names = [*figures("."), *(f"layout {s} steps × {lanes} lanes" for s, lanes in LAYOUT_SIZES)]
    print("| figure (seconds) | before: median (min) | after: median (min) | after/before |")
    print("|---|---|---|---|")
    for name in names:
        before, after = times[(name, "before")], times[(name, "after")]
        ratio = statistics.median(after) / statistics.median(before)
        print(f"| {name} | {statistics.median(before):.3f} ({min(before):.3f}) | "
              f"{statistics.median(after):.3f} ({min(after):.3f}) | {ratio:.2f} |")


if __name__ == "__main__":
    main()
