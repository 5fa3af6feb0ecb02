"""The drawing functions' options: declared once (prozesskette.options), checked at run time,
documented; and the other public names of the package (dir, to_networkx)."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import subprocess
import sys
import typing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import prozesskette
from paths import EXAMPLE, ROOT
from prozesskette import OptionError, ProzessketteError
from prozesskette.api import FORMATS
from prozesskette.options import (
    HtmlOptions,
    LayoutOptions,
    Options,
    OutputFormat,
    PdfOptions,
    PngOptions,
    SvgOptions,
    allowed_values,
    check_options,
)

OPTION_TYPES = (LayoutOptions, SvgOptions, HtmlOptions, PdfOptions, PngOptions, Options)


@pytest.fixture(scope="module")
def chain() -> prozesskette.Chain:
    return prozesskette.load(EXAMPLE)


# --- bad names and values are errors that say what is allowed ---------------------------------

@pytest.mark.parametrize(("function", "option", "value", "allowed"), [
    ("to_svg", "direction", "down", "'lr', 'tb' or None"),
    ("to_svg", "lane_order", "alphabetical", "'file', 'auto' or None"),
    ("to_svg", "qr", "yes", "True or False"),
    ("to_html", "embed_font", 1, "True or False"),
    ("layout_chain", "font_size", -3, "a number above 0"),
    ("to_json", "box_width", float("nan"), "a number above 0"),
    ("to_pdf", "page", "B5", "'A4', 'A3', 'A2', 'A1', 'A0' or None"),
    ("to_pdf", "creation_date", "2026-01-01", "a datetime or None"),
    ("to_png", "dpi", 0, "a whole number above 0"),
    ("to_png", "dpi", 72.5, "a whole number above 0"),
])
def test_bad_value_names_option_value_and_allowed(chain: prozesskette.Chain, function: str,
                                                   option: str, value: object,
                                                   allowed: str) -> None:
    with pytest.raises(OptionError) as caught:
        getattr(prozesskette, function)(chain, **{option: value})
    error = caught.value
    assert isinstance(error, ProzessketteError)  # the one exception type at the boundary
    assert (error.function, error.option, error.allowed) == (function, option, allowed)
    assert error.value == value or value != value  # NaN
    message = str(error)
    assert option in message and repr(value) in message and allowed in message


def test_dpi_by_position_is_checked_too(chain: prozesskette.Chain) -> None:
    with pytest.raises(OptionError, match="dpi=0"):
        prozesskette.to_png(chain, 0)


def test_unknown_option_suggests_the_close_name(chain: prozesskette.Chain) -> None:
    with pytest.raises(OptionError, match="unknown option 'dierction'") as caught:
        prozesskette.to_svg(chain, dierction="tb")  # type: ignore[call-arg]
    assert "did you mean 'direction'?" in str(caught.value)
    # An option of another format is unknown here, also through render().
    with pytest.raises(OptionError, match="unknown option 'dpi'"):
        prozesskette.to_svg(chain, dpi=300)  # type: ignore[call-arg]
    with pytest.raises(OptionError, match="to_svg"):
        prozesskette.render(chain, "never-written.svg", dpi=300)
    assert not Path("never-written.svg").exists()


def test_good_values_pass(chain: prozesskette.Chain) -> None:
    svg = prozesskette.to_svg(chain, direction="tb", lane_order="auto", qr=False, qr_size=80,
                              font_size=9.5, legend=False, embed_font=False, lang=None)
    assert svg.startswith("<svg")
    check_options(PngOptions, {"page": "A3", "landscape": None, "dpi": 72,
                               "creation_date": datetime(2026, 1, 1)}, "to_png")


def test_allowed_values_come_from_the_literal_types() -> None:
    assert allowed_values(LayoutOptions, "direction") == ("lr", "tb", None)
    assert allowed_values(LayoutOptions, "lane_order") == ("file", "auto", None)
    assert allowed_values(PdfOptions, "page") == ("A4", "A3", "A2", "A1", "A0", None)
    assert allowed_values(LayoutOptions, "qr") == ()
    assert typing.get_args(OutputFormat) == FORMATS


# --- every option is declared, once, with its documentation -----------------------------------

def _keys(kind: Any) -> set[str]:
    return set(typing.get_type_hints(kind))


def test_every_layout_option_can_be_given() -> None:
    """The layout engine's own options, except ``language`` (``lang`` localises the whole
    chain instead, and the layout takes the chain's language)."""
    from prozesskette.layout import Options as EngineOptions

    engine = {field.name for field in dataclasses.fields(EngineOptions)} - {"language"}
    assert engine <= _keys(LayoutOptions)
    assert _keys(LayoutOptions) - engine == {"lang", "mirror", "focus"}


def test_every_pdf_option_can_be_given() -> None:
    from prozesskette.printing import render_pdf

    keyword_only = {name for name, parameter in inspect.signature(render_pdf).parameters.items()
                    if parameter.kind is inspect.Parameter.KEYWORD_ONLY}
    assert keyword_only - {"layout_options"} <= _keys(PdfOptions)


def test_options_of_each_function() -> None:
    assert _keys(SvgOptions) - _keys(LayoutOptions) == {"embed_font", "standalone"}
    assert _keys(HtmlOptions) - _keys(LayoutOptions) == {"embed_font"}
    assert _keys(PngOptions) - _keys(PdfOptions) == {"dpi"}
    assert _keys(Options) == set().union(*map(_keys, OPTION_TYPES[:-1]))


def test_every_option_has_a_docstring_and_is_in_docs_api() -> None:
    source = ROOT / "src" / "prozesskette" / "options.py"
    tree = ast.parse(source.read_text("utf-8"))
    page = (ROOT / "docs" / "api.md").read_text("utf-8")
    names: list[str] = []
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)
                and node.name.endswith("Options")):
        body = cls.body
        for index, statement in enumerate(body):
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                name = statement.target.id
                names.append(name)
                following = body[index + 1] if index + 1 < len(body) else None
                assert isinstance(following, ast.Expr) and isinstance(following.value,
                                                                      ast.Constant), name
                assert f"`{name}`" in page, f"docs/api.md does not mention option {name}"
    assert set(names) == _keys(Options)
    # Once each; only ``contacts`` means two things (lane headers; the PDF's directory).
    assert [name for name in set(names) if names.count(name) > 1] == ["contacts"]


# --- the package's names ------------------------------------------------------------------------

def test_dir_lists_the_public_names() -> None:
    names = dir(prozesskette)
    for name in prozesskette.__all__:
        assert name in names
        assert getattr(prozesskette, name) is not None
    assert {"to_networkx", "Options", "OptionError", "to_svg", "load"} <= set(names)


# --- to_networkx -------------------------------------------------------------------------------

def test_to_networkx_has_steps_transitions_and_attributes(chain: prozesskette.Chain) -> None:
    networkx = pytest.importorskip("networkx")
    graph = prozesskette.to_networkx(chain)
    assert isinstance(graph, networkx.DiGraph)
    assert list(graph.nodes) == [step.id for step in chain.steps]
    assert graph.nodes["beratung"] == {
        "label": "Erstberatung und Eingliederungsvereinbarung", "kind": "task",
        "actor": "jobcenter", "actors": ("jobcenter", "person"), "phase": "ankommen"}
    assert graph.nodes["sprachstand"]["kind"] == "decision"
    assert graph.edges["sprachstand", "ende"] == {"label": "ja"}
    assert graph.edges["sprachstand", "kurs"] == {"label": "nein"}
    assert graph.edges["ankunft", "beratung"] == {"label": None}
    assert graph.number_of_edges() == sum(len(step.next) for step in chain.steps)
    assert graph.graph["title"] == chain.title
    # Analyses are networkx's own: the loop between course and test of the language level.
    assert sorted(map(sorted, networkx.simple_cycles(graph))) == [["kurs", "sprachstand"]]
    with pytest.warns(UserWarning, match="translation"):
        english = prozesskette.to_networkx(chain, lang="en")
    assert english.graph["language"] == "en"


def test_to_networkx_refuses_a_broken_chain(example_text: str) -> None:
    with pytest.raises(ProzessketteError, match="unknown step"):
        prozesskette.to_networkx(example_text.replace("next: [beratung]", "next: [nirgends]"))


def test_networkx_is_imported_only_for_to_networkx() -> None:
    code = ("import sys, prozesskette\n"
            "prozesskette.to_svg(sys.argv[1])\n"
            "print('networkx' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True,
                            text=True, check=True, timeout=120)
    assert result.stdout.strip() == "False"
