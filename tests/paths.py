"""Where the test data lives."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAINS = sorted((ROOT / "chains").glob("*.yaml"))
ARBEIT = ROOT / "chains" / "stendal-arbeit.yaml"  # the Stendal chains by name: tests that
AUSBILDUNG = ROOT / "chains" / "stendal-ausbildung.yaml"  # edit their texts need these two
EXAMPLE = ROOT / "tests" / "data" / "example.yaml"


def examples(default: int) -> int:
    """Hypothesis examples per property test; PK_FUZZ=N asks for a long run."""
    return int(os.environ.get("PK_FUZZ", default))
