from __future__ import annotations

import os

import pytest
from hypothesis import settings

from paths import EXAMPLE

# CI runs a fixed set of examples (reproducible); PK_FUZZ=N asks for a long run of N examples
# per property test, e.g. PK_FUZZ=10000 python -m pytest tests/test_layout.py
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("PK_FUZZ"):
    settings.register_profile("long", max_examples=int(os.environ["PK_FUZZ"]), print_blob=True)
    settings.load_profile("long")
elif os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")
