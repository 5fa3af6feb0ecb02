from __future__ import annotations

import os

import pytest
from hypothesis import settings

from paths import EXAMPLE

# The suite pins English messages (the source strings) whatever the machine's locale; tests of
# the German catalogue (test_messages.py) choose their language explicitly.
os.environ["PROZESSKETTE_LANG"] = "en"

# CI runs a fixed set of examples (reproducible); PK_FUZZ=N asks for a long, random run of N
# examples per property test (see paths.examples), e.g. PK_FUZZ=10000 pytest tests/test_layout.py
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") and not os.environ.get("PK_FUZZ"):
    settings.load_profile("ci")

# --- markers (registered in pyproject.toml) ------------------------------------------------
# The quick run while working: pytest -m "not slow and not browser and not lint".
# CI runs everything. Markers are applied here rather than in the test files, so that a test
# keeps its marker wherever it moves.

#: Fixtures that start Chromium: a test that uses one is a browser test; so are these tests,
#: which call Chromium themselves.
BROWSER_FIXTURES = frozenset({"browser", "axe_browser"})
BROWSER_TESTS = frozenset({"tests/test_svg.py::test_chromium_renders"})

#: Tests that take seconds each (measured with --durations=40), by node id without the
#: parameters; a parametrized test is slow as a whole.
SLOW_TESTS = frozenset({
    "tests/test_hostile.py::test_ten_thousand_steps_check_and_layout_finish",
    "tests/test_hostile.py::test_contact_too_long_for_a_qr_code_is_drawn_as_text",
    "tests/test_hostile.py::test_contact_too_long_for_a_qr_code_is_a_clear_error",
    "tests/test_hostile.py::test_hostile_files_give_clear_errors",
    "tests/test_hostile.py::test_wrong_python_types_anywhere_give_issues",
    "tests/test_layout.py::test_lane_order_auto_tries_orders_and_keeps_the_best_drawing",
    "tests/test_layout.py::test_invariants_hold_on_generated_chains",
    "tests/test_qr.py::test_penalty_rules",
    "tests/test_qr.py::test_matrix_equals_qrcode_with_same_version_and_mask",
    "tests/test_pdf.py::test_every_qr_code_in_the_directory_decodes",
    "tests/test_pdf.py::test_every_qr_code_in_the_chart_decodes_to_its_vcard",
})

#: Modules whose tests all run linters.
LINT_MODULES = frozenset({"test_lint.py"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="write tests/golden/ anew from the current outputs (see "
                     "tests/test_golden.py), instead of comparing with them")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        test = item.nodeid.split("[", 1)[0]
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())) \
                or test in BROWSER_TESTS:
            item.add_marker(pytest.mark.browser)
        if test in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        if item.path.name in LINT_MODULES:
            item.add_marker(pytest.mark.lint)


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether --update-golden asks to rewrite the golden files."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")
