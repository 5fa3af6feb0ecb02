"""Redraw the pictures of the docs (docs/img) from the chains, after a change to the layout or
the renderers: the gallery's SVG and PNG files, the Arabic SVG and PDF views, the focus
views, and the A3 page set of the Gesamtübersicht. Run ``python docs/make_images.py``; it
needs Chromium (``/usr/bin/chromium``) and Playwright for the screenshots, and pypdfium2 for
the PDF pages.

The screenshots are what a reader sees: the SVG as Chromium draws it, 1800 px wide, and the
PDF page as a PDF viewer rasters it. Look at every picture before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import prozesskette
from prozesskette.loader import load

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
WIDTH = 1800  # px: wide enough to read a 30-step chart's boxes on a screen

#: (picture, chain file, options): the SVG charts of the gallery and of the focus section.
CHARTS: list[tuple[str, Path, dict[str, str]]] = [
    ("example", ROOT / "tests" / "data" / "example.yaml", {}),
    ("stendal-ausbildung", ROOT / "chains" / "stendal-ausbildung.yaml", {}),
    ("stendal-arbeit", ROOT / "chains" / "stendal-arbeit.yaml", {}),
    ("arbeitstisch-gesamtuebersicht", ROOT / "chains" / "arbeitstisch-gesamtuebersicht.yaml", {}),
    ("stendal-ausbildung-ar", ROOT / "chains" / "stendal-ausbildung.yaml", {"lang": "ar"}),
    ("focus-stendal-ausbildung-jobcenter", ROOT / "chains" / "stendal-ausbildung.yaml",
     {"focus": "jobcenter"}),
    ("focus-stendal-ausbildung-kammer", ROOT / "chains" / "stendal-ausbildung.yaml",
     {"focus": "kammer"}),
]
#: Pictures whose SVG is shown in the gallery itself (the others are PNG only).
SVG_SHOWN = {"example", "stendal-ausbildung", "stendal-arbeit", "arbeitstisch-gesamtuebersicht"}


def screenshot(svg: str, target: Path) -> None:
    """The SVG as Chromium draws it in a page, scaled to WIDTH pixels."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        (Path(folder) / "chart.svg").write_text(svg, "utf-8")
        page_file = Path(folder) / "page.html"
        page_file.write_text('<!doctype html><body style="margin:0;background:#fff">'
                             f'<img id="chart" src="chart.svg" style="width:{WIDTH}px;'
                             'display:block"></body>', "utf-8")
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": WIDTH, "height": 800})
        page.goto(page_file.as_uri())
        page.wait_for_function("document.getElementById('chart').complete", timeout=120_000)
        page.locator("#chart").screenshot(path=str(target), timeout=120_000)
        browser.close()


def pdf_page(pdf: bytes, target: Path, width: int = 1656) -> None:
    """The chart page of a PDF (its first page) rastered as a viewer shows it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    page.render(scale=width / page.get_width()).to_pil().save(target)


def page_set(chain_file: Path) -> None:
    """docs/img/seitensatz-sN.png: the chain as an A3 page set (100 dpi, 128 colours), and
    the rows of the page table in docs/cli.md on standard error."""
    import pypdfium2
    from PIL import Image

    from prozesskette.printing import build_pdf

    chain = load(chain_file)
    result = build_pdf(chain, page="A3")
    assert result.page_set is not None
    document = pypdfium2.PdfDocument(result.data)
    phase_title = {phase.id: str(phase.title) for phase in chain.phases}
    phase_of = {step.id: step.phase for step in chain.steps}
    for old in IMG.glob("seitensatz-s*.png"):
        old.unlink()
    for index, page in enumerate(result.page_set.pages):
        image = document[index].render(scale=100 / 72).to_pil().convert("RGB")
        image = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                               dither=Image.Dither.NONE)
        image.save(IMG / f"seitensatz-s{index + 1}.png", optimize=True)
        phases = dict.fromkeys(phase_title.get(phase_of[s] or "", "") for s in page.cut.steps)
        print(f"| [{page.number}](img/seitensatz-s{page.number}.png) | {', '.join(phases)} | "
              f"{len(page.cut.steps)} | {len(page.cut.actors)} | {len(page.markers)} |",
              file=sys.stderr)


def main() -> int:
    IMG.mkdir(exist_ok=True)
    for name, path, options in CHARTS:
        svg = prozesskette.to_svg(load(path), **options)  # type: ignore[arg-type]
        if name in SVG_SHOWN:
            (IMG / f"{name}.svg").write_text(svg, "utf-8")
        screenshot(svg, IMG / f"{name}.png")
        print(f"docs/img/{name}.png", file=sys.stderr)
    arabic = prozesskette.to_pdf(load(ROOT / "chains" / "stendal-ausbildung.yaml"), lang="ar")
    pdf_page(arabic, IMG / "stendal-ausbildung-ar-pdf.png")
    print("docs/img/stendal-ausbildung-ar-pdf.png", file=sys.stderr)
    page_set(ROOT / "chains" / "arbeitstisch-gesamtuebersicht.yaml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
