"""Hostile input: whatever a chain file or a Python caller hands over, the SVG stays safe to put
into a web page, and the command line answers with a clear, located error (exit 1 or 2),
never a traceback, a hang or an "internal error".

tests/test_load.py already covers the loader on its own (alias bombs, 60-deep nesting, one
duplicate key, tags, single corrupted values in YAML, non-UTF-8 and missing files through
``load_with_issues``), tests/test_cli.py a missing file and a missing output folder; this file
adds the same and worse through ``prozesskette.cli.main``, markup in every text field, unsafe
links everywhere, control and bidi characters, oversized texts and chains, wrong Python types
through the dict API, special files and unwritable outputs.

Bugs this suite found (control characters, lone surrogates, oversized vCards, pipes and
devices as input) are fixed; their tests stay as regression tests.
"""

from __future__ import annotations

import copy
import html
import io
import math
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prozesskette
from paths import EXAMPLE, examples
from prozesskette.cli import main
from prozesskette.graph import load_with_issues
from prozesskette.model import FIELDS

SVG = "{http://www.w3.org/2000/svg}"
SAFE_LINK = re.compile(r"^(https?://|mailto:|tel:|#)", re.I)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def assert_clear_error(code: int, err: str, fragment: str | None = None) -> None:
    assert code in (1, 2), (code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    assert ": error: " in err, err
    if fragment is not None:
        assert fragment in err, err


def example() -> dict[str, Any]:
    return prozesskette.load(EXAMPLE).to_dict()


def every_text_field(data: dict[str, Any], value: str | None = None,
                     make: Any = None) -> dict[str, Any]:
    """A copy of ``data`` with every text field of every object (also optional ones that were
    missing, and every transition's label) set to ``make(path)`` or ``value``."""
    def fill(obj: dict[str, Any], cls: str, path: str) -> None:
        for key, spec in FIELDS[cls].items():
            here = f"{path}.{key}"
            if spec.kind in ("text", "longtext"):
                obj[key] = make(here) if make else value
            elif spec.kind == "list" and key in obj:
                for index, item in enumerate(obj[key]):
                    fill(item, str(spec.item), f"{here}[{index}]")
            elif spec.kind == "next" and key in obj:
                items = obj[key] if isinstance(obj[key], list) else [obj[key]]
                obj[key] = [{"to": item if isinstance(item, str) else item["to"],
                             "label": make(f"{here}[{n}]") if make else value}
                            for n, item in enumerate(items)]

    result = copy.deepcopy(data)
    fill(result, "Chain", "chain")
    return result


def parse_svg(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def assert_inert(svg: str) -> None:
    """No script, no event handler, no link that is not http(s), mailto or tel."""
    root = parse_svg(svg)
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        assert local not in ("script", "foreignobject", "iframe", "object", "embed",
                             "handler", "animate", "set"), local
        for name, value in element.attrib.items():
            attribute = name.rsplit("}", 1)[-1].lower()
            assert not attribute.startswith("on"), (local, name, value)
            if attribute == "href" or attribute.endswith(":href"):
                assert SAFE_LINK.match(value.strip()), value
                assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), value
    assert not re.search(r"<\s*script", svg, re.I)
    for tag in re.findall(r"<[^<>]*>", svg):  # text cannot hold a raw '<': these are the tags
        bare = re.sub(r'"[^"]*"', '""', tag)  # attribute values may quote anything
        assert not re.search(r"\son[a-z]+\s*=", bare, re.I), tag


# --- markup and script in every text field -------------------------------------------------

MARKUP = [
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(2)">',
    '"><svg onload=alert(3)>',
    "'/><a href=\"javascript:alert(4)\">x</a>",
    '<![CDATA[</text><script>alert(5)</script>]]>',
    '&lt;script&gt; &amp; &#x3C;script&#x3E; &#0; &unknown;',
    '<?xml-stylesheet href="data:text/css,*{}"?><!-- -->',
    '</style><style>*{background:url(javascript:alert(6))}</style>',
    '<foreignObject><iframe src="javascript:alert(7)"></iframe></foreignObject>',
    '{{7*7}} ${alert(8)} `id` %s %n \\x00',
]


@pytest.mark.parametrize("payload", MARKUP)
def test_markup_in_every_text_field_stays_text(payload: str) -> None:
    data = every_text_field(example(), make=lambda path: f"{path} {payload}")
    chain, issues = load_with_issues(data)
    assert chain is not None, [i.format() for i in issues if i.is_error]
    for options in ({}, {"standalone": False, "embed_font": False, "direction": "tb"}):
        svg = prozesskette.to_svg(chain, **options)
        assert_inert(svg)
        root = parse_svg(svg)
        title = root.find(f"{SVG}title")
        assert title is not None and title.text is not None
        assert f"chain.title {payload}" in title.text  # drawn as the text it is
        if "<script>" in payload:  # kept as visible text, not dropped and not markup
            assert "<script>" in title.text
            assert "&lt;script&gt;" in svg


class _Tags(HTMLParser):
    """Every start tag of an HTML page with its attributes, as a browser's tokenizer sees them
    (script and style contents are raw text there)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@pytest.mark.parametrize("payload", MARKUP)
def test_markup_in_every_text_field_stays_text_in_the_html_page(payload: str) -> None:
    from prozesskette.api import to_html

    chain = prozesskette.load(every_text_field(example(), make=lambda p: f"{p} {payload}"))
    page = to_html(chain)
    parser = _Tags()
    parser.feed(page)
    parser.close()
    names = {tag for tag, _ in parser.tags}
    assert names.isdisjoint({"script", "iframe", "object", "embed", "foreignobject", "img",
                             "form", "base", "link", "meta-refresh"}), names
    for tag, attributes in parser.tags:
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "xlink:href", "src", "action", "formaction"):
                assert value is not None and SAFE_LINK.match(value.strip()), (tag, value)
        if tag == "meta":
            assert "http-equiv" not in dict(attributes), attributes
    assert not re.search(r"<\s*script", page, re.I)
    assert f"chain.title {html.escape(payload, quote=False)}" in page


def test_markup_in_exports_stays_text(tmp_path: Path) -> None:
    from prozesskette.export import from_bpmn, to_bpmn, to_dot, to_mermaid

    payload = " ".join(MARKUP)
    chain = prozesskette.load(every_text_field(example(), make=lambda p: f"{p} {payload}"))
    bpmn = to_bpmn(chain, prozesskette.layout_chain(chain))
    root = ET.fromstring(bpmn.encode("utf-8"))
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1].lower() == "script"]
    (tmp_path / "x.bpmn").write_text(bpmn, "utf-8")
    back, issues = from_bpmn(tmp_path / "x.bpmn")
    assert back == chain and not [i for i in issues if i.is_error]
    mermaid = to_mermaid(chain)
    # the front matter's title is a JSON-quoted YAML string; every label after it is entity-
    # coded, so no raw '<' can open a tag there
    body = mermaid.split("---\n", 2)[2] if mermaid.startswith("---\n") else mermaid
    assert "<" not in body.replace("<br/>", "")
    front = yaml.safe_load(mermaid.split("---\n", 2)[1])
    assert front["title"] == chain.title
    dot = to_dot(chain)
    if shutil.which("dot"):  # Graphviz reads it, and its SVG stays inert
        result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True,
                                timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        graphviz_svg = result.stdout[result.stdout.index("<svg"):]
        assert_inert(re.sub(r"<!--.*?-->", "", graphviz_svg, flags=re.S))


FORMATTED_FIELDS = [("Chain", ("language",)), ("Chain", ("direction",)),
                    ("Actor", ("actors", 1, "id")), ("Actor", ("actors", 1, "color")),
                    ("Contact", ("actors", 1, "contacts", 0, "phone")),
                    ("Contact", ("actors", 1, "contacts", 0, "email")),
                    ("Step", ("steps", 0, "kind")), ("Step", ("steps", 0, "actor")),
                    ("Step", ("steps", 0, "phase")), ("Step", ("steps", 1, "actors", 0)),
                    ("Transition", ("steps", 0, "next", 0))]


@pytest.mark.parametrize(("cls", "path"), FORMATTED_FIELDS, ids=lambda v: str(v))
@pytest.mark.parametrize("payload", MARKUP[:4])
def test_markup_in_formatted_fields_is_an_error(cls: str, path: tuple[Any, ...],
                                                payload: str) -> None:
    """ids, colours, phone numbers, e-mail addresses, language tags and choices: markup in
    any of them is refused with an error (never drawn, never a crash)."""
    data = example()
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = payload
    chain, issues = load_with_issues(data, filename="m.yaml")
    assert chain is None or any(issue.is_error for issue in issues), cls
    assert all(issue.file == "m.yaml" and issue.message for issue in issues)


# --- unsafe links -----------------------------------------------------------------------------

UNSAFE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript&#58;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "file:///etc/passwd",
    "//evil.example/x",
    "https://example.org/\" onmouseover=\"alert(1)",
    "https://example.org/<script>",
    "mailto:x@example.org?body=<script>",
]

URL_FIELDS = [(cls, key) for cls, specs in FIELDS.items() for key, spec in specs.items()
              if spec.kind == "url"]


def _url_chain(cls: str, url: str) -> str:
    quoted = yaml.safe_dump(url, default_style='"').strip()
    actor_url = f"    url: {quoted}\n" if cls == "Actor" else ""
    contact_url = f"        url: {quoted}\n" if cls == "Contact" else ""
    step_url = f"    url: {quoted}\n" if cls == "Step" else ""
    return ("title: T\nactors:\n  - id: a\n    name: A\n" + actor_url
            + "    contacts:\n      - name: Erika Beispiel\n" + contact_url
            + "steps:\n  - id: s\n    title: S\n    kind: start\n    actor: a\n"
            + "    next: [e]\n" + step_url
            + "  - id: e\n    title: E\n    kind: end\n    actor: a\n")


def test_url_fields_are_known() -> None:
    assert {cls for cls, _ in URL_FIELDS} == {"Actor", "Contact", "Step"}


@pytest.mark.parametrize("url", UNSAFE_URLS)
@pytest.mark.parametrize("cls", ["Actor", "Contact", "Step"])
def test_unsafe_links_are_located_errors(tmp_path: Path, cls: str, url: str) -> None:
    text = _url_chain(cls, url)
    path = tmp_path / "links.yaml"
    path.write_text(text, "utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.lstrip().startswith(
        "url:"))
    column = text.splitlines()[line - 1].index("url:") + len("url: ") + 1
    code, _, err = run("check", str(path))
    assert_clear_error(code, err, f"{path}:{line}:{column}: error: ")
    assert "is not an allowed link" in err
    code, _, err = run("render", str(path), "-o", str(tmp_path))
    assert_clear_error(code, err)
    assert not list(tmp_path.glob("*.svg"))


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_links_are_refused_by_python_models(url: str) -> None:
    from prozesskette.model import Actor, Contact, Step

    for build in (lambda: Actor(id="a", name="A", url=url),
                  lambda: Contact(name="A", url=url),
                  lambda: Step(id="s", title="S", url=url)):
        with pytest.raises(ValueError, match="not an allowed link"):
            build()


@pytest.mark.parametrize("url", [*[u for u in UNSAFE_URLS if "<script>" not in u],
                                 "https://ex.org/\x00", "https://ex.org/\u2028x", "tel:+49\n1",
                                 ""])
def test_svg_link_filter_refuses_unsafe_schemes(url: str) -> None:
    """The renderer's second line of defence (a link with '<' in an allowed scheme is only
    escaped there; the model refuses it, see above)."""
    from prozesskette.renderers.svg import safe_href

    assert safe_href(url) is None


# --- control and bidi characters ---------------------------------------------------------------

STRANGE_TEXTS = {
    "c0-controls": "A\x01B\x07C\x08D\x0bE\x0cF\x1bG\x1fH",
    "del-and-c1": "A\x7fB\x80C\x85D\x9fE",
    "nul": "A\x00B",
    "line-breaks": "A\tB\nC\r\nD\u2028E\u2029F",
    "bidi-override": "Antrag \u202egnirtsnegnuzrebÜ\u202c stellen",
    "bidi-isolates": "\u2066x\u2069 \u2067y\u2069 \u2068z\u2069 \u200e\u200f\u061c",
    "unbalanced-rlo": "\u202e\u202e\u202eText",
    "noncharacters": "A\ufffeB\uffffC",
    "bom-and-zero-width": "\ufeffA\u200bB\u200dC\u2060D",
    "combining-pile": "Z" + "\u0336\u0337\u0338" * 20,
    "astral": "Antrag \U0001f4dd \U00010000 \U0010fffd",
}
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@pytest.mark.filterwarnings("ignore:QR modules would print")
@pytest.mark.parametrize("name", list(STRANGE_TEXTS))
def test_control_and_bidi_characters_render_as_valid_xml(name: str) -> None:
    text = STRANGE_TEXTS[name]
    data = every_text_field(example(), text)
    chain, issues = load_with_issues(data)
    assert chain is not None, [i.format() for i in issues if i.is_error]
    svg = prozesskette.to_svg(chain)
    assert not XML_FORBIDDEN.search(svg)
    assert_inert(svg)
    title = parse_svg(svg).find(f"{SVG}title")
    assert title is not None and title.text
    if "bidi" in name or "rlo" in name:
        # Bidi controls are legitimate in right-to-left texts: kept, inside one text element.
        assert "\u202e" in title.text or "\u2066" in title.text
    pdf = prozesskette.to_pdf(chain, appendix=True)
    assert pdf.startswith(b"%PDF")


@pytest.mark.filterwarnings("ignore:QR modules would print")
@pytest.mark.parametrize("escape", ["\\x01", "\\x1b", "\\x7f", "\\x85", "\\u202e", "\\u2028",
                                    "\\t", "\\0", "\\uFEFF"])
def test_escaped_control_characters_in_yaml_through_the_cli(tmp_path: Path, escape: str) -> None:
    path = tmp_path / "ctl.yaml"
    path.write_text(
        f'title: "Titel {escape} Ende"\nactors: [{{id: a, name: "A{escape}"}}]\nsteps:\n'
        f'  - {{id: s, title: "S{escape}", kind: start, actor: a, next: [{{to: e, label: '
        f'"L{escape}"}}]}}\n  - {{id: e, title: E, kind: end, actor: a}}\n', "utf-8")
    code, _, err = run("render", str(path), "-f", "svg", "-f", "pdf", "-o", str(tmp_path))
    assert code == 0, err
    svg = (tmp_path / "ctl.svg").read_text("utf-8")
    assert not XML_FORBIDDEN.search(svg)
    assert_inert(svg)


def test_raw_control_character_in_a_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "raw.yaml"
    path.write_bytes(b"title: A\x01B\nactors: []\n")
    code, _, err = run("check", str(path))
    assert_clear_error(code, err, "control character")


def test_raw_control_character_hint_and_position(tmp_path: Path) -> None:
    path = tmp_path / "raw.yaml"
    path.write_bytes(b"title: A\x01B\nactors: []\n")
    _, _, err = run("check", str(path))
    assert "tab" not in err.split("hint:", 1)[1].split("\n", 1)[0]
    assert f"{path}:1:9: error:" in err


@pytest.mark.parametrize("path", [("title",), ("region",), ("actors", 0, "name"),
                                  ("actors", 1, "contacts", 0, "name")])
def test_lone_surrogates_are_refused_or_rendered(path: tuple[Any, ...]) -> None:
    data = example()
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = "A\ud800B"
    chain, issues = load_with_issues(data)
    if chain is None or any(issue.is_error for issue in issues):
        return  # refused with a located error: fine
    assert not XML_FORBIDDEN.search(prozesskette.to_svg(chain))
    assert prozesskette.to_pdf(chain).startswith(b"%PDF")


# --- oversized texts and chains ---------------------------------------------------------------

def test_100_kb_title_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("title: " + "x" * 100_000 + "\nactors: [{id: a, name: A}]\nsteps:\n"
                    "  - {id: s, title: S, kind: start, actor: a, next: [e]}\n"
                    "  - {id: e, title: E, kind: end, actor: a}\n", "utf-8")
    for argv in (["check"], ["render", "-o", str(tmp_path)], ["export", "--to", "bpmn"]):
        code, out, err = run(*argv[:1], str(path), *argv[1:])
        assert_clear_error(code, err, f"{path}:1:8: error: 'title' is too long (100,000 "
                                      "characters; at most 2,000)")
        assert out == ""
    with pytest.raises(ValueError, match="too long"):
        prozesskette.Chain(title="x" * 100_000, actors=(prozesskette.Actor("a", "A"),),
                           steps=(prozesskette.Step("s", "S", actor="a"),))


def test_100_kb_description_is_a_clear_error() -> None:
    data = example()
    data["steps"][0]["description"] = "y" * 100_000
    chain, issues = load_with_issues(data)
    assert chain is None
    assert any("too long (100,000 characters; at most 20,000)" in i.message for i in issues)


def test_longest_allowed_texts_render_bounded() -> None:
    """Every text field at its limit (2000 characters, no QR codes: see the next test)."""
    data = every_text_field(example(), "Wort " * 399 + "Ende")
    for actor in data["actors"]:
        actor.pop("contacts", None)
    chain, issues = load_with_issues(data)
    assert chain is not None and not [i for i in issues if i.is_error]
    start = time.perf_counter()
    layout = prozesskette.layout_chain(chain)
    svg = prozesskette.to_svg(chain)
    elapsed = time.perf_counter() - start
    assert prozesskette.verify(layout) == []
    assert_inert(svg)
    assert len(svg) < 5_000_000
    print(f"longest texts: {len(svg):,} bytes of SVG in {elapsed:.2f} s")


def _long_contact_chain(tmp_path: Path) -> Path:
    path = tmp_path / "contact.yaml"
    path.write_text(
        "title: T\nactors:\n  - id: a\n    name: A\n    contacts:\n"
        f"      - name: Erika {'Beispiel' * 160}\n        role: {'R' * 1200}\n"
        "steps:\n  - {id: s, title: S, kind: start, actor: a, next: [e]}\n"
        "  - {id: e, title: E, kind: end, actor: a}\n", "utf-8")
    return path


def test_contact_too_long_for_a_qr_code_is_a_clear_error(tmp_path: Path) -> None:
    path = _long_contact_chain(tmp_path)
    code, _, err = run("render", str(path), "-o", str(tmp_path))
    assert code == 0 or (code == 1 and "internal error" not in err), err


def test_ten_thousand_steps_check_and_layout_finish() -> None:
    from prozesskette.samples import generate_chain

    chain = generate_chain(10_000, 12, 1)
    assert len(chain.steps) == 10_000
    start = time.perf_counter()
    issues = prozesskette.check(chain)
    checked = time.perf_counter()
    layout = prozesskette.layout_chain(chain)
    done = time.perf_counter()
    assert not [issue for issue in issues if issue.is_error]
    assert len(layout.nodes) == 10_000 and layout.width > 0 and layout.height > 0
    print(f"10 000 steps: check {checked - start:.1f} s, layout {done - checked:.1f} s")


# --- hostile files through the command line ---------------------------------------------------

def _bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 10) + "]")
    lines.append("title: *i")
    return ("\n".join(lines) + "\n").encode()


HOSTILE_FILES: dict[str, tuple[bytes, str]] = {
    "alias-bomb": (_bomb(), "too many values"),
    "alias-bomb-in-steps": (b"x: &x [{id: s, title: S}]\ny: &y [*x,*x,*x,*x,*x,*x,*x,*x]\n"
                            b"z: &z [*y,*y,*y,*y,*y,*y,*y,*y]\nw: &w [*z,*z,*z,*z,*z,*z,*z,*z]\n"
                            b"v: &v [*w,*w,*w,*w,*w,*w,*w,*w]\nu: &u [*v,*v,*v,*v,*v,*v,*v,*v]\n"
                            b"t: &t [*u,*u,*u,*u,*u,*u,*u,*u]\nsteps: [*t,*t,*t,*t,*t,*t,*t]\n",
                            "too many values"),
    "deep-flow-1000": (b"title: " + b"[" * 1000 + b"]" * 1000 + b"\n", "deeper than"),
    "deep-flow-maps-1000": (b"title: " + b"{a: " * 1000 + b"1" + b"}" * 1000 + b"\n",
                            "deeper than"),
    "deep-block-maps-1000": ("".join("  " * i + f"k{i}:\n" for i in range(1000)).encode()
                             + b"  " * 1000 + b"x: 1\n", "deeper than"),
    "deep-block-lists-1000": ("".join("  " * i + "-\n" for i in range(1000)).encode()
                              + b"  " * 1000 + b"- x\n", "deeper than"),
    "duplicate-keys-nested": (b"title: T\nactors:\n  - id: a\n    name: A\n    name: B\n"
                              b"steps:\n  - {id: s, title: S, title: T, actor: a}\n",
                              "duplicate key 'name'"),
    "latin-1": ("title: Straße\nactors: []\n".encode("latin-1"), "not UTF-8"),
    "utf-16": ("title: T\nactors: []\n".encode("utf-16"), "not UTF-8"),
    "binary": (bytes(range(256)) * 4, "not UTF-8"),
    "nul-bytes": (b"title: T\x00\nactors: []\n", "NUL bytes"),
    "empty": (b"", "the file is empty"),
    "comments-only": (b"# nothing\n   \n# here\n", "the file is empty"),
    "bom-only": (b"\xef\xbb\xbf", "the file is empty"),
    "just-a-string": (b"hello\n", "must be a mapping"),
    "just-a-list": (b"- title: T\n", "must be a mapping"),
    "python-tag": (b"title: !!python/object/apply:os.system ['echo pwned']\n", "not allowed"),
    "custom-tag": (b"title: !include /etc/passwd\n", "not allowed"),
    "merge-key": (b"base: &b {name: A}\nactors: [{<<: *b, id: a}]\n", "merge keys"),
    "complex-key": (b"? [a, b]\n: 1\ntitle: T\n", "a key must be a plain name"),
    "two-documents": (b"title: a\n---\ntitle: b\n", "more than one YAML document"),
    "tabs": (b"title: T\nactors:\n\t- id: a\n", "YAML syntax"),
    "unclosed-quote": (b'title: "T\nactors: []\n', "YAML syntax"),
    "too-large": (b"title: T\ndescription: " + b"x" * (5 * 1024 * 1024) + b"\n",
                  "too large"),
    "wrong-types": (b"title: [1, 2]\nactors: {id: a}\nsteps: 5\nphases: text\n",
                    "'title' must be a text"),
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
@pytest.mark.parametrize("command", ["check", "render", "export"])
def test_hostile_files_give_clear_errors(tmp_path: Path, name: str, command: str) -> None:
    content, fragment = HOSTILE_FILES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    argv = {"check": ["check", str(path)],
            "render": ["render", str(path), "-o", str(tmp_path)],
            "export": ["export", str(path), "--to", "bpmn", "-o", str(tmp_path / "x.bpmn")]}
    code, _, err = run(*argv[command])
    assert_clear_error(code, err, fragment)
    assert str(path) in err  # every error names the file
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing written


def test_directory_missing_file_and_symlink_loop_as_input(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    cases = [(tmp_path, "this is a folder, not a chain file"),
             (tmp_path / "missing.yaml", "no such file"),
             (loop, "cannot read"),
             (Path(os.devnull), "this is not a regular file")]
    for path, fragment in cases:
        for argv in (["check", str(path)], ["render", str(path), "-o", str(tmp_path)],
                     ["export", str(path), "--to", "dot"], ["import", str(path)]):
            code, _, err = run(*argv)
            assert code in (1, 2), (argv, err)
            assert "Traceback" not in err and "internal error" not in err, (argv, err)
            if argv[0] != "import":
                assert fragment in err, (argv, err)


def test_import_of_hostile_xml_gives_clear_errors(tmp_path: Path) -> None:
    cases = {
        "billion-laughs.bpmn": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                               '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>',
        "xxe.bpmn": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    "<d>&x;</d>",
        "not-xml.bpmn": "title: T\n",
        "empty.bpmn": "",
        "deep.bpmn": "<a>" * 5000 + "</a>" * 5000,
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, "utf-8")
        code, out, err = run("import", str(path))
        assert code in (1, 2), (name, err)
        assert "Traceback" not in err and "internal error" not in err, (name, err)
        assert "root:" not in out and "pwned" not in out


def test_unwritable_output_folder(tmp_path: Path) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        pytest.skip("running as root (or without POSIX permissions): chmod does not stop "
                    "writes; test_output_where_even_root_cannot_write covers the error path")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for argv in (["render", str(EXAMPLE), "-o", str(locked)],
                     ["render", str(EXAMPLE), "-f", "pdf", "-o", str(locked / "x.pdf")],
                     ["export", str(EXAMPLE), "--to", "bpmn", "-o", str(locked / "x.bpmn")]):
            code, _, err = run(*argv)
            assert_clear_error(code, err, "cannot write")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_output_where_even_root_cannot_write(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux") or not Path("/proc/self").is_dir():
        pytest.skip("needs Linux /proc")
    for argv in (["render", str(EXAMPLE), "-o", "/proc/chart.svg"],
                 ["render", str(EXAMPLE), "-o", "/proc"],
                 ["export", str(EXAMPLE), "--to", "mermaid", "-o", "/proc/chart.mmd"]):
        code, _, err = run(*argv)
        assert_clear_error(code, err, "cannot write")


def test_output_names_that_are_not_writable_files(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", "utf-8")
    code, _, err = run("render", str(EXAMPLE), "-o", str(tmp_path / "file" / "x.svg"))
    assert_clear_error(code, err, "cannot create the output folder")
    assert (tmp_path / "file").read_text("utf-8") == "x"


def _run_cli_isolated(argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process with a time and memory limit (for inputs that may hang)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run([sys.executable, "-m", "prozesskette.cli", *argv], text=True,
                          capture_output=True, timeout=timeout, preexec_fn=limit, check=False)


def test_endless_character_device_is_refused() -> None:
    if not Path("/dev/zero").exists() or sys.platform == "win32":
        pytest.skip("needs /dev/zero")
    result = _run_cli_isolated(["check", "/dev/zero"], timeout=60)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr


def test_named_pipe_is_refused(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    try:
        result = _run_cli_isolated(["check", str(fifo)], timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("prozesskette check hangs on a named pipe")
    assert result.returncode == 1, result.stderr


# --- wrong types everywhere, through the dict API and the command line ------------------------

def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*prefix, index))
    return out


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        if not isinstance(data, dict | list):
            return
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(data, dict) or (isinstance(data, list) and isinstance(last, int)
                                  and last < len(data)):
        data[last] = value


class _Opaque:
    def __repr__(self) -> str:
        return "<opaque>"

    def __str__(self) -> str:
        raise RuntimeError("str() of a foreign object")


python_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2**64),
              st.floats(), st.just(math.nan), st.just(-math.inf), st.complex_numbers(),
              st.binary(max_size=8), st.text(max_size=12), st.just(""), st.just(" "),
              st.sampled_from([b"\xff\xfe", bytearray(b"x"), (1, "a"), frozenset({1}),
                               Ellipsis, _Opaque(), "javascript:alert(1)", "<script>",
                               "x" * 2500, "ankunft", "jobcenter"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.one_of(st.text(max_size=6), st.integers(), st.sampled_from(["id", "to", "label",
                                                                       "title", "name"])),
        inner, max_size=3),
    max_leaves=6)

yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
              st.text(max_size=12), st.sampled_from(["", "~", "no", "2017-12", "- x", "{",
                                                     "javascript:alert(1)", "&a", "*a"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=6)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_wrong_python_types_anywhere_give_issues(data: st.DataObject) -> None:
    chain_data = example()
    places = _paths(chain_data)
    for _ in range(data.draw(st.integers(1, 4))):
        _replace(chain_data, data.draw(st.sampled_from(places)), data.draw(python_values))
    chain, issues = load_with_issues(chain_data, filename="wrong.yaml")
    if chain is None:
        assert any(issue.is_error for issue in issues)
    for issue in issues:
        assert issue.file == "wrong.yaml" and issue.message
        issue.format()
    if chain is not None and not any(issue.is_error for issue in issues):
        assert_inert(prozesskette.to_svg(chain, embed_font=False))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_wrong_types_in_files_give_clear_cli_errors(data: st.DataObject) -> None:
    import tempfile

    chain_data = example()
    places = _paths(chain_data)
    for _ in range(data.draw(st.integers(1, 4))):
        _replace(chain_data, data.draw(st.sampled_from(places)), data.draw(yaml_values))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wrong.yaml"
        path.write_text(yaml.safe_dump(chain_data, allow_unicode=True, sort_keys=False),
                        "utf-8")
        code, _, err = run("render", str(path), "-o", folder)
        assert code in (0, 1), err
        assert "Traceback" not in err and "internal error" not in err, err
        if code == 1:
            assert f"{path}:" in err and ": error: " in err
        else:
            assert_inert((Path(folder) / "wrong.svg").read_text("utf-8"))


def test_contact_too_long_for_a_qr_code_is_drawn_as_text(tmp_path: Path) -> None:
    path = _long_contact_chain(tmp_path)
    code, _, err = run("render", str(path), "-f", "svg", "-f", "pdf", "-o", str(tmp_path))
    assert code == 0, err
    assert "too long for a QR code" in err and "warning" in err
    assert run("render", str(path), "--no-qr", "-o", str(tmp_path))[0] == 0
