from __future__ import annotations

import os

import pytest
from hypothesis import settings

from paths import EXAMPLE

# CI runs a fixed set of examples (reproducible); PK_FUZZ=N asks for a long, random run of N
# examples per property test (see paths.examples), e.g. PK_FUZZ=10000 pytest tests/test_layout.py
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") and not os.environ.get("PK_FUZZ"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")
