"""The code base keeps its shape: layers (import-linter), no dead code (vulture), ruff and
mypy clean, no imports of the package's own modules hidden in functions, and no import cycles.

All tests here carry the ``lint`` marker (tests/conftest.py): the quick run leaves them out
with ``-m "not lint"``, CI runs them. The tools run from the interpreter's environment
(``sys.executable -m …``), so they are the versions the dev extra installed.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import conftest
from prozesskette.graph import strongly_connected

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = SRC / "prozesskette"

#: Imports of the package's own modules that may sit in a function body, and why.
ALLOWED_IN_FUNCTIONS = {
    # The Jupyter display hook: a Chain shows itself as its chart, drawn by the api (above
    # the model). The only upward edge, taken only when Jupyter asks.
    ("prozesskette.model", "prozesskette.api"),
    # api.to_pdf / to_png load the PDF stack when a PDF is drawn (api.py says why: about
    # 7 ms of every other command's cold start); both point down, import-linter sees them.
    ("prozesskette.api", "prozesskette.printing"),
    ("prozesskette.api", "prozesskette.renderers.png"),
    # api.diff and the diff drawings load the comparison when asked (3.5 ms of every run).
    ("prozesskette.api", "prozesskette.changes"),
    ("prozesskette.api", "prozesskette.layout.diff_marks"),
    # The focus module (3 ms: four dataclasses) when a focused view is drawn, the HTML
    # renderer (1.9 ms) when HTML is: an SVG render needs neither (min of 11 runs each, on
    # top of what an SVG render imports anyway; issue 13's cold start target).
    ("prozesskette.api", "prozesskette.focus"),
    ("prozesskette.api", "prozesskette.renderers.html"),
    # `serve` loads its server (starlette, uvicorn, watchfiles: the optional extra) when it
    # runs, so that without the extra it can still say which one to install.
    ("prozesskette.serve", "prozesskette.serve.app"),
}
#: The top layer may import its stages when a command runs (see the docstring of the package
#: prozesskette.cli for the measured reason): nothing imports it, so such an import can neither
#: run upward nor close a cycle.
TOP_LAYER = "prozesskette.cli"


def _in_top_layer(module: str) -> bool:
    """The CLI package or one of its command modules (prozesskette.cli.render …)."""
    return module == TOP_LAYER or module.startswith(TOP_LAYER + ".")

#: Dead code named in issue 13; none of it may come back.
REMOVED = {
    "prozesskette.text": ("faces_of", "font_face_css"),
    "prozesskette.analysis": ("overlap_steps",),
    "prozesskette.loader": ("iter_paths",),
    "prozesskette.qr": ("qr_matrix_cache_clear",),
}


def _run(*command: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run a tool on this tree's source (not an installed copy of the package)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]), **extra_env}
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900,
                          check=False, env=env)


def _tool(module: str) -> None:
    """Skip when a dev tool is missing, except in CI, where it must be there."""
    try:
        __import__(module)
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{module} is not installed (pip install '.[dev]')")


# --- the tools ---------------------------------------------------------------------------------


def test_layers_contract_holds() -> None:
    """`lint-imports` checks the layers contract written in pyproject.toml."""
    _tool("importlinter")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contracts = config.get("tool", {}).get("importlinter", {}).get("contracts")
    if not contracts:
        pytest.skip("no [tool.importlinter] contract in pyproject.toml yet")
    lint_imports = Path(sys.executable).parent / "lint-imports"
    command = [str(lint_imports)] if lint_imports.exists() else [
        sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command;"
        " sys.exit(lint_imports_command())"]
    result = _run(*command)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_no_dead_code() -> None:
    """vulture finds nothing unused in src at 60 % confidence (unused functions, classes,
    attributes and up); tests/vulture_whitelist.py names what other code uses (hooks, pen
    and parser callbacks, public fields)."""
    _tool("vulture")
    result = _run(sys.executable, "-m", "vulture", "src", "tests/vulture_whitelist.py",
                  "--min-confidence", "60")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_ruff_is_clean() -> None:
    _tool("ruff")
    result = _run(sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout[-4000:]


def test_mypy_strict_is_clean() -> None:
    _tool("mypy")
    result = _run(sys.executable, "-m", "mypy", "src")  # strict is set in pyproject.toml
    assert result.returncode == 0, result.stdout[-4000:]


CALLER = """\
from prozesskette import render, to_pdf, to_svg
from prozesskette.model import Chain


def draw(chain: Chain) -> None:
    to_svg(chain, direction="tb", lane_order="auto", qr=False, qr_size=80, embed_font=False)
    to_pdf(chain, page="A3", landscape=True, creation_date=None)
    to_svg(chain, direction="down")  # line 8
    to_svg(chain, lane_order="alphabetical")  # line 9
    to_svg(chain, qr="yes")  # line 10
    to_pdf(chain, embed_font=False)  # line 11
    render(chain, "chart.png", dpi=300)
"""


def test_mypy_checks_callers_options(tmp_path: Path) -> None:
    """The options are typed: mypy rejects exactly the bad calls of the issue (and an option
    of another format), and accepts the good ones."""
    _tool("mypy")
    caller = tmp_path / "caller.py"
    caller.write_text(CALLER, "utf-8")
    result = _run(sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(caller),
                  MYPYPATH=str(SRC))
    # mypy's cache may name the file of an earlier run with the same text: match the name
    lines = sorted({int(line.split(":")[1]) for line in result.stdout.splitlines()
                    if line.split(":")[0].endswith("caller.py") and ": error:" in line})
    assert lines == [8, 9, 10, 11], result.stdout


# --- the import scan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    """One import of a package module: who imports what, where, and whether it runs."""

    importer: str
    imported: str
    line: int
    in_function: bool
    type_checking_only: bool  # under ``if TYPE_CHECKING:``: never runs

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.imported}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _target(importer: str, is_package: bool, node: ast.ImportFrom, alias: str) -> str:
    """The module an ``from … import alias`` loads: the submodule if ``alias`` is one."""
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        source = ".".join([*base, node.module] if node.module else base)
    else:
        source = node.module or ""
    return f"{source}.{alias}" if f"{source}.{alias}" in MODULES else source


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str) -> Iterator[Import]:
    path = MODULES[module]
    tree = ast.parse(path.read_text("utf-8"), str(path))

    def walk(node: ast.AST, in_function: bool, type_checking: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                               | ast.Lambda)
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.body:
                    yield from walk(ast.Module(body=[statement], type_ignores=[]), inside,
                                    True)
                for statement in child.orelse:
                    yield from walk(ast.Module(body=[statement], type_ignores=[]), inside,
                                    type_checking)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, child.lineno, in_function, type_checking)
            elif isinstance(child, ast.ImportFrom):
                for alias in child.names:
                    target = _target(module, path.name == "__init__.py", child, alias.name)
                    yield Import(module, target, child.lineno, in_function, type_checking)
            yield from walk(child, inside, type_checking)

    for found in walk(tree, False, False):
        if found.imported == "prozesskette" or found.imported.startswith("prozesskette."):
            yield found


ALL_IMPORTS = list(dict.fromkeys(found for module in MODULES for found in _imports(module)))


def test_the_scan_sees_imports_in_functions() -> None:
    """The scan itself: it finds the Jupyter hook's import inside a method."""
    hook = [found for found in ALL_IMPORTS if found.importer == "prozesskette.model"
            and found.imported == "prozesskette.api"]
    assert hook and all(found.in_function for found in hook)
    assert any(not found.in_function for found in ALL_IMPORTS)


def test_no_package_imports_inside_functions() -> None:
    """Imports of the package's own modules go at the top of a module, where a reader and
    import-linter see them; only the Jupyter hook imports upward on demand."""
    hidden = [str(found) for found in ALL_IMPORTS if found.in_function
              and not found.type_checking_only and not _in_top_layer(found.importer)
              and (found.importer, found.imported) not in ALLOWED_IN_FUNCTIONS]
    assert hidden == [], f"{len(hidden)} imports inside functions:\n" + "\n".join(hidden)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, by the package's own
    Tarjan (graph.strongly_connected, which finds the chains' loops)."""
    nodes = sorted(set(edges) | {target for targets in edges.values() for target in targets})
    successors = {node: sorted(edges.get(node, ())) for node in nodes}
    return [component for component in strongly_connected(nodes, successors)
            if len(component) > 1]


def test_cycle_finder() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"f"}}
    assert _cycles(edges) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_nothing_imports_the_cli() -> None:
    """What lets the CLI import inside its functions: it is the top layer."""
    assert [str(found) for found in ALL_IMPORTS if _in_top_layer(found.imported)
            and not _in_top_layer(found.importer)
            and found.importer != "prozesskette.__main__"] == []  # python -m prozesskette


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or around a loop, counting imports inside
    functions too (but not the ones for type checking only, which never run)."""
    edges: dict[str, set[str]] = {}
    for found in ALL_IMPORTS:
        if found.type_checking_only or found.importer == found.imported \
                or (found.importer, found.imported) in ALLOWED_IN_FUNCTIONS:
            continue
        edges.setdefault(found.importer, set()).add(found.imported)
    cycles = _cycles(edges)
    assert cycles == [], "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_dead_code_named_in_the_issue_is_gone() -> None:
    left = []
    for module, names in REMOVED.items():
        path = MODULES.get(module)
        if path is None:  # the module became a package or moved: search its folder
            path = PACKAGE / Path(*module.split(".")[1:])
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            tree = ast.parse(file.read_text("utf-8"))
            left += [f"{module}.{node.name}" for node in ast.walk(tree)
                     if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in names]
    assert left == []


def test_marker_lists_name_existing_tests() -> None:
    """tests/conftest.py marks tests by name; a renamed test must not drop its marker."""
    for node_id in sorted(conftest.SLOW_TESTS | conftest.BROWSER_TESTS):
        file, name = node_id.split("::")
        tree = ast.parse((ROOT / file).read_text("utf-8"))
        assert any(isinstance(node, ast.FunctionDef) and node.name == name
                   for node in tree.body), node_id
