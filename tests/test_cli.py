"""The command line, in-process through main(argv) and once as the installed script."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paths import ARBEIT, CHAINS, EXAMPLE, ROOT
from prozesskette.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_check_clean_chains_exits_0_and_lists_interfaces() -> None:
    code, out, err = run("check", *map(str, CHAINS))
    assert code == 0, err
    assert out.count(": ok") == len(CHAINS)
    assert "interfaces:" in out and "hand-offs" in out and "overlaps:" in out
    assert "error" not in err


def test_check_broken_chain_exits_1_with_located_errors(tmp_path: Path,
                                                         example_text: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(example_text.replace("next: [beratung]", "next: [beratnug]"), "utf-8")
    code, _, err = run("check", str(bad))
    assert code == 1
    assert f"{bad}:33:12: error: unknown step 'beratnug'" in err
    assert "hint: did you mean 'beratung'?" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2() -> None:
    assert run()[0] == 2
    assert run("check")[0] == 2
    assert run("render", str(EXAMPLE), "--format", "gif")[0] == 2
    assert run("no-such-command")[0] == 2


def test_missing_file_is_a_clear_error() -> None:
    code, _, err = run("check", "does-not-exist.yaml")
    assert code == 1
    assert "does-not-exist.yaml: error: no such file" in err


def test_schema_is_json_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["required"] == ["title", "actors", "steps"]
    assert "Step" in schema["$defs"]


def test_schema_copy_in_repo_is_current() -> None:
    _, out, _ = run("schema")
    shipped = Path(__file__).resolve().parent.parent / "schema" / "prozesskette.schema.json"
    assert shipped.read_text("utf-8") == out, "run: prozesskette schema > schema/…"


def test_render_svg_and_json(tmp_path: Path) -> None:
    code, _, err = run("render", *map(str, CHAINS), "-o", str(tmp_path), "-f", "svg", "-f",
                       "json")
    assert code == 0, err
    for chain in CHAINS:
        svg = (tmp_path / f"{chain.stem}.svg").read_text("utf-8")
        assert svg.startswith("<svg") or svg.startswith("<?xml")
        data = json.loads((tmp_path / f"{chain.stem}.json").read_text("utf-8"))
        assert data["nodes"]
    assert f"[{len(CHAINS)}/{len(CHAINS)}]" in err  # progress for batches


def test_render_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    assert run("render", str(EXAMPLE), "-o", str(first))[0] == 0
    assert run("render", str(EXAMPLE), "-o", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()


def test_render_into_a_missing_folder_creates_it_and_its_parents(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "charts"
    code, _, err = run("render", str(EXAMPLE), "-o", str(folder) + "/", "-f", "svg", "-f",
                       "json")
    assert code == 0, err
    assert sorted(path.name for path in folder.iterdir()) == [
        f"{EXAMPLE.stem}.json", f"{EXAMPLE.stem}.svg"]
    assert f"created folder {folder}\n" in err


def test_render_to_a_file_in_a_missing_folder_creates_the_folder(tmp_path: Path) -> None:
    chart = tmp_path / "new" / "chart.svg"
    code, _, err = run("render", str(EXAMPLE), "-o", str(chart))
    assert code == 0, err
    assert chart.read_text("utf-8").startswith(("<svg", "<?xml"))


def test_an_existing_folder_is_a_folder_whatever_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "out.svg"
    folder.mkdir()
    code, _, err = run("render", str(EXAMPLE), "-o", str(folder), "-f", "svg", "-f", "json")
    assert code == 0, err
    assert sorted(path.name for path in folder.iterdir()) == [
        f"{EXAMPLE.stem}.json", f"{EXAMPLE.stem}.svg"]


def test_an_existing_file_is_no_output_folder(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", "utf-8")
    code, _, err = run("render", str(EXAMPLE), "-o", str(notes))
    assert code == 2 and f"-o {notes} is a file, not a folder" in err
    assert notes.read_text("utf-8") == "mine" and sorted(tmp_path.iterdir()) == [notes]
    code, _, err = run("render", str(EXAMPLE), "-o", str(notes / "charts"))
    assert code == 2 and f"cannot create the output folder {notes / 'charts'}" in err
    code, _, err = run("render", str(EXAMPLE), "-o", str(notes / "chart.svg"))
    assert code == 2 and f"cannot create the output folder {notes}:" in err
    assert notes.read_text("utf-8") == "mine" and sorted(tmp_path.iterdir()) == [notes]


def test_render_keeps_previous_file_when_input_is_broken(tmp_path: Path,
                                                         example_text: str) -> None:
    good = tmp_path / "chain.yaml"
    good.write_text(example_text, "utf-8")
    assert run("render", str(good))[0] == 0
    before = (tmp_path / "chain.svg").read_bytes()
    good.write_text(example_text.replace("actor: person", "actor: persn", 1), "utf-8")
    assert run("render", str(good))[0] == 1
    assert (tmp_path / "chain.svg").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_installed_script_runs() -> None:
    script = shutil.which("prozesskette", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the console script is not installed in this environment")
    result = subprocess.run([script, "check", "-q", str(EXAMPLE)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_export_and_import_round_trip(tmp_path: Path) -> None:
    from prozesskette.loader import load

    bpmn = tmp_path / "chain.bpmn"
    assert run("export", str(ARBEIT), "--to", "bpmn", "-o", str(bpmn))[0] == 0
    assert bpmn.read_text("utf-8").lstrip().startswith("<?xml")
    back = tmp_path / "back.yaml"
    code, _, err = run("import", str(bpmn), "-o", str(back))
    assert code == 0, err
    assert load(back) == load(ARBEIT)


@pytest.mark.parametrize(("target", "marker"), [("dot", "cluster_"), ("mermaid", "flowchart")])
def test_export_text_formats(target: str, marker: str) -> None:
    code, out, _ = run("export", str(EXAMPLE), "--to", target)
    assert code == 0 and marker in out


def test_readme_example_chain_is_clean(tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    (example,) = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    path = tmp_path / "readme.yaml"
    path.write_text(example, "utf-8")
    code, out, err = run("check", str(path))
    assert code == 0 and "warning" not in err and "error" not in err
    assert "overlaps: 1" in out


def test_package_api_names_are_functions_after_all_imports() -> None:
    import importlib

    import prozesskette

    for module in ("loader", "renderers.svg", "renderers.pdf", "layout.invariants",
                   "layout.build", "api", "graph", "analysis"):
        importlib.import_module(f"prozesskette.{module}")
    assert callable(prozesskette.load) and callable(prozesskette.render)
    from prozesskette.layout import layout_chain, verify

    assert verify(layout_chain(prozesskette.load(EXAMPLE))) == []


@pytest.mark.parametrize(("argv", "flag", "value", "allowed"), [
    (("-f", "pdf", "--page", "B5"), "--page", "B5", "'A4', 'A3', 'A2', 'A1', 'A0'"),
    (("-f", "png", "--dpi", "0"), "--dpi", "0", "a whole number above 0"),
])
def test_bad_option_value_is_a_usage_error(tmp_path: Path, argv: tuple[str, ...], flag: str,
                                           value: str, allowed: str) -> None:
    code, _, err = run("render", str(EXAMPLE), "-o", str(tmp_path), *argv)
    assert code == 2
    assert f"prozesskette: error: {flag} {value}: not allowed" in err
    assert f"hint: use {allowed}\n" in err
    assert "Traceback" not in err and "internal error" not in err
    assert list(tmp_path.iterdir()) == []  # checked before anything is drawn


def test_page_size_in_any_case(tmp_path: Path) -> None:
    code, _, err = run("render", str(EXAMPLE), "-f", "pdf", "--page", " a3 ", "--no-appendix",
                       "-o", str(tmp_path / "chart.pdf"))
    assert code == 0, err
    assert (tmp_path / "chart.pdf").read_bytes().startswith(b"%PDF")


def test_render_formats_are_the_api_formats() -> None:
    from typing import get_args

    from prozesskette.cli import FORMATS
    from prozesskette.options import OutputFormat

    assert get_args(OutputFormat) == FORMATS


def test_help_imports_no_stage() -> None:
    """`prozesskette --help` starts fast: it loads argparse, not the stages (the command
    modules of the CLI and serve's package module only declare their arguments; the stages
    and the server load when a command runs; the help texts need the message catalogue)."""
    code = ("import sys\nfrom prozesskette.cli import main\n"
            "import io, contextlib\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--help'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('prozesskette')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == str([
        "prozesskette", "prozesskette.cli", "prozesskette.cli.base", "prozesskette.cli.check",
        "prozesskette.cli.diff", "prozesskette.cli.exchange", "prozesskette.cli.render",
        "prozesskette.messages", "prozesskette.serve"])


def test_render_focus_all_writes_one_view_per_actor(tmp_path: Path) -> None:
    from prozesskette import layout_chain, load, verify
    from prozesskette.focus import actors_with_steps

    chain_file = ROOT / "chains" / "stendal-ausbildung.yaml"
    code, _, err = run("render", str(chain_file), "--focus", "all", "-f", "svg",
                       "-o", str(tmp_path))
    assert code == 0, err
    actors = actors_with_steps(load(chain_file))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"stendal-ausbildung-{actor}.svg" for actor in actors)
    for actor in actors:
        assert verify(layout_chain(chain_file, focus=actor)) == []


def test_render_focus_with_a_typo_names_the_actor_and_a_fix(tmp_path: Path) -> None:
    code, _, err = run("render", str(ROOT / "chains" / "stendal-ausbildung.yaml"),
                       "--focus", "jobcentre", "-o", str(tmp_path))
    assert code == 1 and "unknown actor 'jobcentre'" in err
    assert "did you mean 'jobcenter'?" in err and not list(tmp_path.iterdir())


def test_version(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    import prozesskette

    assert run("--version") == (0, f"prozesskette {metadata.version('prozesskette')}\n", "")
    assert run("--version")[1] == "prozesskette 0.1.0\n"

    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)  # a source tree, not installed
    monkeypatch.setattr(prozesskette, "__version__", "0.1.0+source")
    assert run("--version") == (0, "prozesskette 0.1.0+source\n", "")


def test_python_m_prozesskette() -> None:
    result = subprocess.run([sys.executable, "-m", "prozesskette", "--version"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "prozesskette 0.1.0\n", "")


AUSBILDUNG = ROOT / "chains" / "stendal-ausbildung.yaml"


def test_each_language_gets_its_own_file(tmp_path: Path) -> None:
    """The chain's own language (de) keeps the plain name; the others are NAME.LANG.svg, so a
    second language no longer overwrites the first."""
    code, _, err = run("render", str(AUSBILDUNG), "--lang", "de", "--lang", "en", "--lang",
                       "ar", "--lang", "en", "-o", str(tmp_path))
    assert code == 0, err
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "stendal-ausbildung.ar.svg", "stendal-ausbildung.en.svg", "stendal-ausbildung.svg"]
    german = (tmp_path / "stendal-ausbildung.svg").read_text("utf-8")
    english = (tmp_path / "stendal-ausbildung.en.svg").read_text("utf-8")
    arabic = (tmp_path / "stendal-ausbildung.ar.svg").read_text("utf-8")
    assert 'lang="de"' in german
    assert 'lang="en"' in english and 'lang="ar"' in arabic
    plain = tmp_path / "plain"
    assert run("render", str(AUSBILDUNG), "-o", str(plain))[0] == 0
    assert (plain / "stendal-ausbildung.svg").read_text("utf-8") == german


def test_one_output_file_takes_one_language(tmp_path: Path) -> None:
    code, _, err = run("render", str(AUSBILDUNG), "--lang", "en", "--lang", "ar",
                       "-o", str(tmp_path / "chart.svg"))
    assert code == 2 and "several outputs" in err and list(tmp_path.iterdir()) == []
    code, _, err = run("render", str(AUSBILDUNG), "--lang", "en",
                       "-o", str(tmp_path / "chart.svg"))
    assert code == 0, err
    assert 'lang="en"' in (tmp_path / "chart.svg").read_text("utf-8")


def test_png_without_its_extra_is_a_usage_error(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from prozesskette.renderers import png

    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    monkeypatch.setattr(png, "_installed_direct_url", lambda: '{"url": "file:///src/pk"}')
    code, _, err = run("render", str(EXAMPLE), "-f", "svg", "-f", "png", "-o", str(tmp_path))
    assert code == 2
    assert err == ("prozesskette: error: PNG output needs the png extra (pypdfium2 is not "
                   'installed): run pip install ".[png]" in the folder prozesskette was '
                   "installed from\n")
    assert list(tmp_path.iterdir()) == []  # not even the SVG: told before anything is drawn


def test_automatic_fixes_are_notes_not_warnings(tmp_path: Path) -> None:
    """The shipped chain's QR codes are enlarged for print: the tool fixed it, nothing for the
    user to do, so it is a note (left out with -q), not a warning."""
    code, _, err = run("render", str(AUSBILDUNG), "-f", "png", "--dpi", "30",
                       "-o", str(tmp_path))
    assert code == 0, err
    chart = tmp_path / "stendal-ausbildung.png"
    assert f"{chart}: note: QR modules would print at " in err  # the figure: layout-dependent
    assert "warning" not in err
    code, _, err = run("render", str(AUSBILDUNG), "-f", "png", "--dpi", "30", "-q",
                       "-o", str(tmp_path))
    assert code == 0 and err == ""
