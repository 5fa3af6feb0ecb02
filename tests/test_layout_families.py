"""Layout invariants on both generated families, and the 22-actor Gesamtübersicht in chains/.

``samples.generate_chain`` ("samples") hands a case on to a random lane and branches once;
``samples.cross_lane_chain`` ("cross-lane") has the traffic of a real Arbeitstisch: partner
lanes, two or three parallel branches that merge, loops back. The hypothesis tests draw both.
The example count is small by default so the quick suite stays fast; ``PK_FUZZ=N`` runs N
examples per family and test (``PK_FUZZ=1000 pytest tests/test_layout_families.py -k
verify`` checks 2,000 chains).

The shipped chains (chains/*.yaml) are checked with ``verify`` in both directions by
tests/test_layout.py (``test_invariants_hold_on_shipped_chains``), which picks up every file
in chains/; this file adds what is particular to the Gesamtübersicht.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import ROOT, examples
from prozesskette.api import check
from prozesskette.errors import Issue
from prozesskette.layout import Layout, layout_chain, verify
from prozesskette.layout.geometry import Rect
from prozesskette.loader import load
from prozesskette.model import Chain
from prozesskette.samples import cross_lane_chain, generate_chain

Family = Callable[..., Chain]
FAMILIES: dict[str, Family] = {"samples": generate_chain, "cross-lane": cross_lane_chain}
GESAMT = ROOT / "chains" / "arbeitstisch-gesamtuebersicht.yaml"



def _fuzz(default: int) -> settings:
    return settings(max_examples=examples(default), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


_STEPS = st.integers(8, 120)
_LANES = st.integers(3, 12)
_SEEDS = st.integers(0, 10**6)


def _union(rects: list[Rect]) -> Rect:
    x, y = min(r.x for r in rects), min(r.y for r in rects)
    return Rect(x, y, max(r.right for r in rects) - x, max(r.bottom for r in rects) - y)


def _placement_faults(chain: Chain, layout: Layout) -> list[str]:
    """Steps whose box is not in the lanes and the phase column the *chain* gives them.

    ``verify`` checks the same on the layout's own record of each step's actors and phase;
    this compares with the chain, so a layout that files a step under the wrong lane fails."""
    faults = []
    for step in chain.steps:
        node = layout.nodes[step.id]
        actors = step.responsible
        if set(node.actors) != set(actors):
            faults.append(f"{step.id}: drawn for {node.actors}, the chain says {actors}")
            continue
        band = _union([layout.lanes[actor].band for actor in actors])
        if not band.inflate(0.01).contains(node.rect):
            faults.append(f"{step.id}: box {node.rect} outside its lanes {band}")
        if step.phase is not None and \
                not layout.phases[step.phase].column.inflate(0.01).contains(node.rect):
            faults.append(f"{step.id}: box {node.rect} outside phase '{step.phase}'")
    return faults


def _check(family: str, steps: int, lanes: int, seed: int, **options: object) -> None:
    chain = FAMILIES[family](steps, lanes, seed, contacts=True)
    layout = layout_chain(chain, **options)
    assert [str(v) for v in verify(layout)] == [], (family, steps, lanes, seed, options)
    assert _placement_faults(chain, layout) == [], (family, steps, lanes, seed, options)


@pytest.mark.parametrize("family", FAMILIES)
@_fuzz(12)
@given(steps=_STEPS, lanes=_LANES, seed=_SEEDS)
def test_verify_holds_on_both_families(family: str, steps: int, lanes: int, seed: int) -> None:
    """Default options: no violation, and every box in its lanes and its phase column."""
    _check(family, steps, lanes, seed)


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
@_fuzz(10)
@given(steps=_STEPS, lanes=_LANES, seed=_SEEDS,
       options=st.sampled_from([{"direction": "tb"}, {"lane_order": "file"},
                                {"lane_order": "auto"}, {"compact": True},
                                {"qr": False, "legend": False}]))
def test_verify_holds_on_both_families_with_options(family: str, steps: int, lanes: int,
                                                    seed: int,
                                                    options: dict[str, object]) -> None:
    _check(family, steps, lanes, seed, **options)


@pytest.mark.parametrize("family", FAMILIES)
@_fuzz(5)
@given(steps=_STEPS, lanes=_LANES, seed=_SEEDS)
def test_layout_is_deterministic_on_both_families(family: str, steps: int, lanes: int,
                                                  seed: int) -> None:
    """The same chain, built twice and laid out twice, gives the same geometry JSON."""
    first = layout_chain(FAMILIES[family](steps, lanes, seed, contacts=True))
    second = layout_chain(FAMILIES[family](steps, lanes, seed, contacts=True))
    assert json.dumps(first.to_json()) == json.dumps(second.to_json())


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=max(3, examples(60) // 20), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.integers(120, 1000), lanes=st.integers(6, 14), seed=_SEEDS)
def test_verify_holds_on_large_chains_of_both_families(family: str, steps: int, lanes: int,
                                                       seed: int) -> None:
    """Label and route clashes grow with the chain (issue 14 saw overlapping edge labels at
    100 to 1000 steps): a few large chains, a twentieth of PK_FUZZ in a long run."""
    _check(family, steps, lanes, seed)


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(("steps", "lanes"), [(500, 10), (1000, 10)])
def test_verify_holds_on_the_benchmark_sizes(family: str, steps: int, lanes: int) -> None:
    """The large benchmark chains (seeds 1–3) have no violations either."""
    for seed in (1, 2, 3):
        _check(family, steps, lanes, seed)


# --- the Gesamtübersicht of an Arbeitstisch: 22 actors, 64 steps -------------------------

def _errors_and_warnings(issues: list[Issue]) -> list[str]:
    return [f"{i.line}: {i.severity}: {i.message}" for i in issues
            if i.severity in ("error", "warning")]


def test_gesamtuebersicht_has_the_size_of_a_real_arbeitstisch() -> None:
    chain = load(GESAMT)
    assert len(chain.actors) == 22
    assert len(chain.steps) == 64
    assert len(chain.phases) >= 5
    assert _errors_and_warnings(check(GESAMT)) == []
    decisions = [s for s in chain.steps if s.kind == "decision"]
    assert len(decisions) >= 4
    assert all(t.label for s in decisions for t in s.next), "every branch is labelled"
    assert sum(len(s.responsible) > 1 for s in chain.steps) >= 4, "shared steps"
    used = {a for s in chain.steps for a in s.responsible}
    assert used == {a.id for a in chain.actors}, "every actor has a step"


def test_gesamtuebersicht_contacts_are_fictional() -> None:
    """People, phones and addresses are made up: e-mail and web only at example.org, phone
    numbers in the +49 3931 style with the fictional block 0000-…"""
    text = GESAMT.read_text(encoding="utf-8")
    for host in re.findall(r"@([\w.-]+)", text) + re.findall(r"https?://([\w.-]+)", text):
        assert host == "example.org" or host.endswith(".example.org"), host
    chain = load(GESAMT)
    contacts = [c for a in chain.actors for c in a.contacts]
    assert len(contacts) >= 10
    for contact in contacts:
        if contact.phone:
            assert re.fullmatch(r"\+49 3931 0000-\d+", contact.phone), contact.phone


@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_gesamtuebersicht_lays_out_without_violations(direction: str) -> None:
    chain = load(GESAMT)
    layout = layout_chain(chain, direction=direction)
    assert [str(v) for v in verify(layout)] == []
    assert _placement_faults(chain, layout) == []
    assert len(layout.lanes) == 22
