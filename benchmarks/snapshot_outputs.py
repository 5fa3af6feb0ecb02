"""Write every output of every shipped chain (and a few generated ones) into a folder, so that
a restructuring can be shown to leave them unchanged: run it before and after, then compare
the two folders with ``--compare``.

    python benchmarks/snapshot_outputs.py /tmp/before
    python benchmarks/snapshot_outputs.py /tmp/after
    python benchmarks/snapshot_outputs.py --compare /tmp/before /tmp/after

For SVG files the comparison also reports whether the difference is confined to the embedded
font subsets (the ``@font-face`` data URLs), which a change of subsetter may alter.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import prozesskette
from prozesskette.export import to_bpmn, to_dot, to_mermaid
from prozesskette.samples import generate_chain

ROOT = Path(__file__).resolve().parent.parent
CHAIN_FILES = [*sorted((ROOT / "chains").glob("*.yaml")),
               *sorted((ROOT / "tests/data").glob("*.yaml"))]
LANGS = (None, "en", "ar")
GENERATED = ((25, 6, 1), (40, 9, 2), (60, 12, 3), (120, 10, 4))


def _write(folder: Path, name: str, data: str | bytes) -> None:
    path = folder / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def snapshot(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    for path in CHAIN_FILES:
        chain = prozesskette.load(path)
        for lang in LANGS:
            stem = f"{path.stem}-{lang or 'src'}"
            local, _ = prozesskette.localise(chain, lang)
            _write(folder, stem + ".json", prozesskette.to_json(chain, lang=lang))
            _write(folder, stem + ".svg", prozesskette.to_svg(chain, lang=lang))
            _write(folder, stem + ".tb.json",
                   prozesskette.to_json(chain, lang=lang, direction="tb"))
            _write(folder, stem + ".pdf", prozesskette.to_pdf(chain, lang=lang))
            _write(folder, stem + ".html", prozesskette.to_html(chain, lang=lang))
            _write(folder, stem + ".bpmn", to_bpmn(local))
            _write(folder, stem + ".dot", to_dot(local))
            _write(folder, stem + ".mmd", to_mermaid(local))
    for steps, lanes, seed in GENERATED:
        chain = generate_chain(steps, lanes, seed)
        stem = f"generated-{steps}x{lanes}-{seed}"
        _write(folder, stem + ".json", prozesskette.to_json(chain))
        _write(folder, stem + ".auto.json", prozesskette.to_json(chain, lane_order="auto"))
        _write(folder, stem + ".svg", prozesskette.to_svg(chain))


FONT_DATA = re.compile(r"url\(data:font/[^)]*\)")


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    same = differing = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"missing   {name} ({'before' if not a.exists() else 'after'})")
            differing += 1
            continue
        if a.read_bytes() == b.read_bytes():
            same += 1
            continue
        differing += 1
        if name.endswith((".svg", ".html")):
            ta = FONT_DATA.sub("FONT", a.read_text(encoding="utf-8"))
            tb = FONT_DATA.sub("FONT", b.read_text(encoding="utf-8"))
            if ta == tb:
                print(f"font-only {name}")
                continue
        print(f"DIFFERENT {name}")
    print(f"{same} identical, {differing} different, of {len(names)} files")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    snapshot(Path(sys.argv[1]))
