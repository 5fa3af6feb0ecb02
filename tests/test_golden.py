"""Golden files: the exact SVG, BPMN and Mermaid of one small chain (tests/data/example.yaml).

Property tests say whether an output is still right; these say *that* it changed, byte for
byte, so every change to an output shows up as a diff in review. After a change on purpose,
write the new files and commit them with the change:

    python -m pytest tests/test_golden.py --update-golden

(``--update-golden`` is defined in tests/conftest.py.)
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

import pytest

from paths import EXAMPLE
from prozesskette import load, to_svg
from prozesskette.export import to_bpmn, to_mermaid
from prozesskette.model import Chain

GOLDEN = Path(__file__).resolve().parent / "golden"

OUTPUTS: dict[str, Callable[[Chain], str]] = {
    "example.svg": to_svg,
    "example.bpmn": to_bpmn,
    "example.mmd": to_mermaid,
}


def _first_difference(expected: str, actual: str) -> str:
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "now",
                                lineterm="", n=1)
    lines = [line[:160] for line in diff]
    return "\n".join(lines[:30]) + ("\n…" if len(lines) > 30 else "")


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_output_equals_golden_file(name: str, update_golden: bool) -> None:
    data = OUTPUTS[name](load(EXAMPLE)).encode("utf-8")
    path = GOLDEN / name
    if update_golden:
        path.write_bytes(data)
        pytest.skip(f"wrote {path.relative_to(GOLDEN.parent.parent)}; review and commit it")
    assert path.is_file(), f"{path} is missing: run python -m pytest {__file__} --update-golden"
    expected = path.read_bytes()
    if data != expected:
        pytest.fail(f"{name} differs from {path}:\n"
                    + _first_difference(expected.decode("utf-8", "replace"),
                                        data.decode("utf-8", "replace"))
                    + "\nif the change is wanted: python -m pytest tests/test_golden.py "
                    "--update-golden", pytrace=False)


def test_golden_files_are_all_checked() -> None:
    """No stale file lies in tests/golden unchecked."""
    assert sorted(path.name for path in GOLDEN.iterdir() if path.name != "README.md") \
        == sorted(OUTPUTS)
