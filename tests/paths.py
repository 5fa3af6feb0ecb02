"""Where the test data lives."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAINS = sorted((ROOT / "chains").glob("*.yaml"))
EXAMPLE = ROOT / "tests" / "data" / "example.yaml"
