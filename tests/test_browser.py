"""The SVG in a real browser: text inside boxes, boxes inside lanes, no script, no errors.

Runs in headless Chromium (Debian's, at /usr/bin/chromium) through Playwright; skipped with a
reason where either is missing locally. CI installs both.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paths import CHAINS, EXAMPLE
from prozesskette.api import to_svg
from prozesskette.loader import load

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

GEOMETRY_JS = """
() => {
  const problems = [];
  const box = el => el.getBBox();
  const inside = (a, b, tol) => a.x >= b.x - tol && a.y >= b.y - tol &&
      a.x + a.width <= b.x + b.width + tol && a.y + a.height <= b.y + b.height + tol;
  const lanes = {};
  for (const lane of document.querySelectorAll('g.pk-lane')) {
    lanes[lane.dataset.actor] = box(lane.firstElementChild);
  }
  let steps = 0, texts = 0;
  for (const step of document.querySelectorAll('g.pk-step')) {
    steps += 1;
    const shape = box(step.firstElementChild);
    for (const text of step.querySelectorAll('text')) {
      if (text.closest('.pk-badge')) continue;
      texts += 1;
      if (!inside(box(text), shape, 0.75)) problems.push('text outside ' + step.dataset.step +
          ': ' + text.textContent);
    }
    const own = (step.dataset.actors || '').split(' ').filter(a => a in lanes);
    const bands = own.map(a => lanes[a]);
    const union = bands.reduce((u, b) => ({x: Math.min(u.x, b.x), y: Math.min(u.y, b.y),
        width: Math.max(u.x + u.width, b.x + b.width) - Math.min(u.x, b.x),
        height: Math.max(u.y + u.height, b.y + b.height) - Math.min(u.y, b.y)}), bands[0]);
    const anyLane = bands.some(b => inside(shape, b, 0.5));
    if (!anyLane && !(union && inside(shape, union, 0.5)))
      problems.push('box outside its lanes: ' + step.dataset.step);
  }
  const links = [...document.querySelectorAll('a')].map(a =>
      a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'));
  return {problems, steps, texts, links, scripts: document.querySelectorAll('script').length};
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium must be installed in CI (see .ci/run)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (pip install '.[dev]')")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("path", [*CHAINS, EXAMPLE], ids=lambda p: Path(p).name)
@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_text_in_boxes_and_boxes_in_lanes(browser: Any, tmp_path: Path, path: Path,
                                          direction: str) -> None:
    chain = load(path)
    svg_file = tmp_path / "chart.svg"
    svg_file.write_text(to_svg(chain, direction=direction), "utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(svg_file.as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    result = page.evaluate(GEOMETRY_JS)
    page.close()
    assert result["problems"] == []
    assert result["steps"] == len(chain.steps)
    assert result["texts"] >= len(chain.steps)
    assert result["scripts"] == 0
    assert errors == []
    for href in result["links"]:
        assert href.split(":", 1)[0] in ("http", "https", "mailto", "tel"), href


def test_hostile_text_does_not_run(browser: Any, tmp_path: Path, example_text: str) -> None:
    hostile = example_text.replace(
        "title: Ankunft im Landkreis",
        "title: \"<script>window.pwned=1</script><img src=x onerror='window.pwned=2'>\"")
    svg_file = tmp_path / "hostile.svg"
    svg_file.write_text(to_svg(load(hostile)), "utf-8")
    page = browser.new_page()
    page.goto(svg_file.as_uri())
    assert page.evaluate("() => window.pwned === undefined")
    assert page.evaluate("() => document.querySelectorAll('script, img').length") == 0
    page.close()
