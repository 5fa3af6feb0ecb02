"""``prozesskette serve``: the workspace's revisions, and the running server over raw HTTP.

The server runs as a subprocess (as a coordinator starts it), on a free port, over a copy of
the shipped chains in a temporary folder; every test stops what it started. The security
tests talk raw HTTP over sockets, so no client library normalises the hostile requests away.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from paths import CHAINS, ROOT
from prozesskette import layout_chain, load, serve, to_pdf
from prozesskette.focus import actors_with_steps

if serve.missing_modules():
    if os.environ.get("CI"):
        raise ImportError(f"CI needs the serve extra: {serve.missing_modules()} missing")
    pytest.skip(f"the serve extra is not installed ({', '.join(serve.missing_modules())})",
                allow_module_level=True)

from prozesskette.serve.app import QUEUE_SIZE, Hub
from prozesskette.serve.security import host_allowed, host_of, machine_names
from prozesskette.serve.workspace import ViewOptions, Workspace, valid_name

RUNNER = ("import argparse, sys\n"
          "from prozesskette.serve import add_arguments, run\n"
          "parser = argparse.ArgumentParser()\n"
          "add_arguments(parser)\n"
          "sys.exit(run(parser.parse_args(sys.argv[1:])))\n")
ARBEIT, AUSBILDUNG = "stendal-arbeit", "stendal-ausbildung"
BROKEN_LINE = 4  # the line the broken YAML below breaks at


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Running:
    """A server subprocess over ``folder``."""

    process: subprocess.Popen[str]
    port: int
    folder: Path

    def request(self, target: str, host: str | None = None, timeout: float = 20) -> \
            tuple[int, dict[str, str], bytes]:
        """One raw HTTP/1.1 GET: status, headers (lower-case names), body."""
        host = host if host is not None else f"127.0.0.1:{self.port}"
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as conn:
            conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                         .encode("latin-1"))
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> tuple[int, str, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            out, err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        return self.process.returncode, out, err


def start(folder: Path, *options: str) -> Running:
    """Start ``prozesskette serve folder`` and wait until it answers."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(folder), "--port", str(port), *options],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    running = Running(process, port, folder)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server ended: {process.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return running
        except OSError:
            time.sleep(0.05)
    running.stop()
    raise AssertionError("server did not start")


def copy_chains(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in CHAINS:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    base = tmp_path_factory.mktemp("serve")
    folder = copy_chains(base / "chains")
    (base / "secret.yaml").write_text("title: GEHEIM-AUSSERHALB\n", "utf-8")
    (base / "outside").mkdir()
    (base / "outside" / "hidden.yaml").write_text("title: GEHEIM-ORDNER\n", "utf-8")
    (folder / "link.yaml").symlink_to(base / "secret.yaml")
    (folder / "linkdir").symlink_to(base / "outside", target_is_directory=True)
    running = start(folder)
    yield running
    running.stop()


def read_event(conn: socket.socket, wanted: bytes, timeout: float) -> bytes:
    """Read a live stream until ``wanted`` arrives (or the time is up)."""
    conn.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while wanted not in data and time.monotonic() < deadline:
        try:
            chunk = conn.recv(4096)
        except TimeoutError:
            break
        if not chunk:
            break
        data += chunk
    return data


def open_stream(port: int, chain: str) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(f"GET /_/events?chain={chain} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
                 .encode())
    return conn


# ------------------------------------------------------------------ without a server


@pytest.mark.parametrize("name", ["a", "stendal-arbeit", "sub/kette", "Kette 2.v1", "ä_ö"])
def test_valid_names(name: str) -> None:
    assert valid_name(name)


@pytest.mark.parametrize("name", ["", "..", "../x", "a/../b", ".hidden", "/etc/passwd", "a\\b",
                                  "a//b", "a/", "a\x00b", "x" * 301, "a/b/c/d/e/f"])
def test_invalid_names(name: str) -> None:
    assert not valid_name(name)


def test_host_header() -> None:
    names = machine_names("127.0.0.1")
    for good in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST", "127.0.0.1"):
        assert host_allowed(good, names), good
    for bad in ("evil.example", "evil.example:8000", "localhost.evil.example", "", None,
                "[::1", "localhost:80x", "127.0.0.1.nip.io"):
        assert not host_allowed(bad, names), bad
    assert host_of("[::1]:8000") == "::1"
    assert "kettenrechner" in machine_names("kettenrechner")


def test_view_options_from_query() -> None:
    view = ViewOptions.from_query({"lang": "en", "direction": "tb", "lane_order": "auto"},
                                  ["de", "en"])
    assert view == ViewOptions("en", "tb", "auto")
    assert view.query() == "?lang=en&direction=tb&lane_order=auto"
    assert view.api_options() == {"lang": "en", "direction": "tb", "lane_order": "auto"}
    odd = ViewOptions.from_query({"lang": "xx", "direction": "up", "lane_order": "<b>"}, ["de"])
    assert odd == ViewOptions() and odd.query() == ""


def test_focus_from_query_is_checked_against_the_chain() -> None:
    focusable = ["person", "jobcenter", "kammer"]
    view = ViewOptions.from_query({"focus": "jobcenter"}, ["de"], focusable)
    assert view == ViewOptions(focus="jobcenter") and view.query() == "?focus=jobcenter"
    assert view.api_options() == {"focus": "jobcenter"}
    both = ViewOptions.from_query({"focus": " kammer,jobcenter,kammer"}, ["de"], focusable)
    assert both.focus == "kammer,jobcenter" and both.query() == "?focus=kammer,jobcenter"
    for unknown in ("jobcentre", "jobcenter,nix", ",", "<b>", "all"):  # the whole chain
        assert ViewOptions.from_query({"focus": unknown}, ["de"], focusable).focus is None
    assert ViewOptions.from_query({"focus": "jobcenter"}, ["de"]).focus is None  # no actors


def test_a_default_focus_and_the_whole_chain() -> None:
    """``serve --focus`` applies where the URL names no focus; ``focus=`` (empty) is then
    the whole chain, and links of the whole chain must say so."""
    focusable = ["person", "jobcenter"]
    default = ViewOptions.from_query({}, ["de"], focusable, "jobcenter,kammer")
    assert default.focus == "jobcenter"  # kammer: not in this chain, left out
    assert default.query() == "?focus=jobcenter"
    whole = ViewOptions.from_query({"focus": ""}, ["de"], focusable, "jobcenter")
    assert whole.focus is None and whole.query() == "?focus="
    assert whole == ViewOptions()  # draws the same: one cache entry
    elsewhere = ViewOptions.from_query({}, ["de"], ["person"], "jobcenter")
    assert elsewhere.focus is None and elsewhere.query() == ""  # a chain without it


def test_focus_problems_at_start(tmp_path: Path) -> None:
    workspace = Workspace(copy_chains(tmp_path / "chains"))
    workspace.scan()
    assert workspace.focus_problems("jobcenter") == []
    assert workspace.focus_problems("kammer, bamf") == []  # each is in one of the chains
    problem, = workspace.focus_problems("jobcenter,jobcentre")
    assert "'jobcentre'" in problem and "did you mean 'jobcenter'?" in problem
    problem, = workspace.focus_problems("xyz")
    assert "actors with steps: person" in problem
    assert "one view at a time" in workspace.focus_problems("all")[0]
    assert workspace.focus_problems(" , ")


def test_revisions_keep_the_last_good_chart(tmp_path: Path) -> None:
    folder = copy_chains(tmp_path / "chains")
    workspace = Workspace(folder)
    assert sorted(workspace.scan()) == sorted(path.stem for path in CHAINS)
    path = folder / f"{ARBEIT}.yaml"
    good = workspace.states[ARBEIT]
    assert good.chain is not None and not good.outdated and good.version == "2026-11"
    assert workspace.load(ARBEIT, path) is None  # saved unchanged: no new revision
    text = path.read_text("utf-8")
    path.write_text(break_yaml(text), "utf-8")
    broken = workspace.load(ARBEIT, path)
    assert broken is not None and broken.revision > good.revision
    assert broken.outdated and broken.chain is good.chain and broken.errors
    assert next(issue.line for issue in broken.issues if issue.is_error) == BROKEN_LINE
    svg = workspace.output(broken, "svg", ViewOptions())
    assert isinstance(svg, str) and svg.startswith("<svg")
    path.write_text(text.replace("Landkreis Stendal", "Landkreis Neu"), "utf-8")
    fixed = workspace.load(ARBEIT, path)
    assert fixed is not None and not fixed.outdated and fixed.errors == 0
    assert "Neu" in fixed.title and fixed.chain is not good.chain


def test_first_revision_with_errors_has_no_chart(tmp_path: Path) -> None:
    (tmp_path / "neu.yaml").write_text("title: [\n", "utf-8")
    workspace = Workspace(tmp_path)
    workspace.scan()
    state = workspace.states["neu"]
    assert state.chain is None and not state.outdated and state.errors


def test_symlinks_out_of_path_are_not_chains(tmp_path: Path) -> None:
    folder = copy_chains(tmp_path / "chains")
    (tmp_path / "draussen.yaml").write_text("title: x\n", "utf-8")
    (folder / "link.yaml").symlink_to(tmp_path / "draussen.yaml")
    (folder / "inside.yaml").symlink_to(folder / f"{ARBEIT}.yaml")
    assert sorted(Workspace(folder).find()) == sorted(["inside", *(p.stem for p in CHAINS)])


def test_a_slow_client_keeps_only_the_newest_events() -> None:
    hub = Hub()
    queue = hub.subscribe("a")
    other = hub.subscribe("b")
    assert queue is not None and other is not None
    for revision in range(100):
        hub.publish({"chain": "a", "revision": revision})
    assert queue.qsize() == QUEUE_SIZE and other.qsize() == 0
    newest = [queue.get_nowait() for _ in range(QUEUE_SIZE)][-1]
    assert newest == {"chain": "a", "revision": 99}
    hub.close()
    assert queue.get_nowait() is None and hub.subscribe("a") is None


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(serve, "find_spec", lambda name: None if name == "uvicorn" else True)
    parser = argparse.ArgumentParser()
    serve.add_arguments(parser)
    args = parser.parse_args(["chains"])
    assert (args.path, args.port, args.host, args.open, args.focus) == \
        ("chains", 8000, "127.0.0.1", False, None)
    assert serve.run(args) == 2
    assert "pip install 'prozesskette[serve]'" in capsys.readouterr().err


def break_yaml(text: str) -> str:
    """The chain with a YAML syntax error (a second colon) at line :data:`BROKEN_LINE`."""
    lines = text.splitlines()
    lines[BROKEN_LINE - 1] = "version: a: b"
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the running server


def test_index_lists_the_chains(server: Running) -> None:
    status, headers, body = server.request("/")
    text = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "Integration von Geflüchteten in Arbeit im Landkreis Stendal" in text
    assert "2026-11" in text and 'lang="de"' in text
    assert "GEHEIM" not in text and "link.yaml" not in text


@pytest.mark.parametrize(("kind", "start", "media"), [
    ("svg", b"<svg", "image/svg+xml"), ("pdf", b"%PDF", "application/pdf"),
    ("html", b"<!doctype html", "text/html"), ("bpmn", b"<?xml", "application/xml"),
    ("json", b"{", "application/json")])
def test_stable_output_urls(server: Running, kind: str, start: bytes, media: str) -> None:
    status, headers, body = server.request(f"/{ARBEIT}.{kind}?direction=tb")
    assert status == 200, body[:200]
    assert headers["content-type"].startswith(media) and body.lstrip().startswith(start)


def test_chain_page(server: Running) -> None:
    status, _, body = server.request(f"/{AUSBILDUNG}?lang=en")
    text = body.decode()
    assert status == 200
    assert '<option value="en" selected>' in text and '<option value="ar">' in text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text and 'lang="en"' in text
    assert f'href="/{AUSBILDUNG}.pdf?lang=en"' in text
    assert "<script>" not in text and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', "").split("<svg")[0]


def lanes_of(svg: bytes | str) -> list[str]:
    """The actor ids of the lanes an SVG chart draws, in order."""
    text = svg.decode() if isinstance(svg, bytes) else svg
    return re.findall(r'<g class="pk-lane" data-actor="([^"]+)"', text)


def test_focus_view_urls(server: Running) -> None:
    chain = load(server.folder / f"{AUSBILDUNG}.yaml")
    focused = list(layout_chain(chain, focus="jobcenter").lanes)
    whole = list(layout_chain(chain).lanes)
    assert "jobcenter" in focused and len(focused) < len(whole)
    status, headers, body = server.request(f"/{AUSBILDUNG}.svg?focus=jobcenter")
    assert status == 200 and lanes_of(body) == focused
    assert headers["content-disposition"] == f'inline; filename="{AUSBILDUNG}-jobcenter.svg"'
    layout = json.loads(server.request(f"/{AUSBILDUNG}.json?focus=jobcenter&direction=tb")[2])
    assert list(layout["lanes"]) == focused
    for unknown in ("jobcentre", "", "jobcenter,nix", "%3Cscript%3E"):  # the whole chain
        assert lanes_of(server.request(f"/{AUSBILDUNG}.svg?focus={unknown}")[2]) == whole
    status, _, body = server.request(f"/_/view/{AUSBILDUNG}?focus=jobcenter")
    view = json.loads(body)
    assert status == 200 and lanes_of(view["chart"]) == focused
    assert f'href="/{AUSBILDUNG}.pdf?focus=jobcenter"' in view["downloads"]
    assert '<option value="jobcenter" selected>' in view["focus_control"]
    fallback = json.loads(server.request(f"/_/view/{AUSBILDUNG}?focus=nix")[2])
    assert '<option value="" selected>ganze Kette' in fallback["focus_control"]
    assert lanes_of(fallback["chart"]) == whole


def test_focus_control_on_the_page(server: Running) -> None:
    text = server.request(f"/{AUSBILDUNG}?focus=kammer&lang=en")[2].decode()
    control = re.search(r'<label class="pv-control">Sicht <select name="focus" id="pv-focus">'
                        r"(.*?)</select></label>", text)
    assert control is not None
    assert re.findall(r'<option value="([^"]*)"', control.group(1)) == \
        ["", *actors_with_steps(load(server.folder / f"{AUSBILDUNG}.yaml"))]
    assert '<option value="">ganze Kette</option>' in control.group(1)
    assert '<option value="kammer" selected>Kammer (IHK' in control.group(1)
    assert f'href="/{AUSBILDUNG}.pdf?lang=en&amp;focus=kammer"' in text
    assert lanes_of(text) == list(layout_chain(load(server.folder / f"{AUSBILDUNG}.yaml"),
                                               focus="kammer").lanes)
    assert "data-focus-default" not in text  # no serve --focus: the script drops focus=""
    several = server.request(f"/{AUSBILDUNG}?focus=kammer,jobcenter")[2].decode()
    assert '<option value="kammer,jobcenter" selected>Kammer (IHK Magdeburg / ' \
        "Handwerkskammer Magdeburg) + Jobcenter Landkreis Stendal</option>" in several


def test_focus_pdf_has_the_focus_schnittstellenpapier(server: Running) -> None:
    status, headers, body = server.request(f"/{AUSBILDUNG}.pdf?focus=jobcenter")
    assert status == 200 and headers["content-type"] == "application/pdf"
    with warnings.catch_warnings():  # the QR codes are enlarged for print: a PrintWarning
        warnings.simplefilter("ignore")
        chain = load(server.folder / f"{AUSBILDUNG}.yaml")
        assert body == to_pdf(chain, focus="jobcenter") != to_pdf(chain)


def test_serve_with_a_default_focus(tmp_path: Path) -> None:
    running = start(copy_chains(tmp_path / "chains"), "--focus", "jobcenter")
    try:
        chain = load(running.folder / f"{AUSBILDUNG}.yaml")
        text = running.request(f"/{AUSBILDUNG}")[2].decode()
        assert lanes_of(text) == list(layout_chain(chain, focus="jobcenter").lanes)
        assert 'data-focus-default="jobcenter"' in text
        assert '<option value="jobcenter" selected>' in text
        assert f'href="/{AUSBILDUNG}.svg?focus=jobcenter"' in text
        whole = running.request(f"/{AUSBILDUNG}?focus=")[2].decode()
        assert lanes_of(whole) == list(layout_chain(chain).lanes)
        assert f'href="/{AUSBILDUNG}.svg?focus="' in whole  # stays the whole chain
        assert lanes_of(running.request(f"/{AUSBILDUNG}.svg")[2]) == lanes_of(text)
    finally:
        running.stop()


def test_unknown_default_focus_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(copy_chains(tmp_path / "chains")), "--port",
         str(free_port()), "--focus", "jobcentre"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True,
        timeout=60)
    assert result.returncode == 2, result.stderr
    assert "'jobcentre'" in result.stderr and "did you mean 'jobcenter'?" in result.stderr
    assert "Preview of" not in result.stdout  # refused before listening


@pytest.mark.parametrize("target", [
    "/../secret.yaml", "/..%2fsecret.yaml", "/%2e%2e/secret", "/%2e%2e%2fsecret",
    "/%252e%252e/secret", "/..\\secret", "//etc/passwd", "/etc/passwd", "/%2fetc%2fpasswd",
    "/link", "/link.svg", "/linkdir/hidden", "/linkdir/hidden.json", "/_/view/..%2fsecret",
    "/_/view/link", "/_/static/..%2f..%2fapp.py", "/_/static/../../app.py",
    f"/{ARBEIT}/../../secret", "/.%2e/secret.svg"])
def test_nothing_outside_path_is_served(server: Running, target: str) -> None:
    status, headers, body = server.request(target)
    assert status in (400, 404), (target, status)
    assert b"GEHEIM" not in body and b"import " not in body
    assert "content-security-policy" in headers


def test_foreign_host_header_is_refused(server: Running) -> None:
    status, _, body = server.request("/", host="evil.example:80")
    assert status == 400 and b"DNS" in body
    assert server.request(f"/{ARBEIT}.json", host="rebind.evil.example")[0] == 400
    assert server.request("/", host=f"localhost:{server.port}")[0] == 200


def test_very_long_urls(server: Running) -> None:
    assert server.request("/" + "a" * 5000)[0] == 414
    assert server.request(f"/{ARBEIT}?lang=" + "x" * 3000)[0] == 414
    try:  # uvicorn refuses a request head this long; it may close before reading it all
        status = server.request("/" + "a" * 200_000)[0]
    except (ConnectionResetError, BrokenPipeError):
        status = 400
    assert 400 <= status < 500
    assert server.request("/")[0] == 200  # still serving


def test_every_answer_has_the_security_headers(server: Running) -> None:
    for target in ("/", f"/{ARBEIT}", f"/{ARBEIT}.svg", "/_/static/serve.js", "/nichts"):
        headers = server.request(target)[1]
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp, target
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["x-content-type-options"] == "nosniff"


def test_static_files_and_licence(server: Running) -> None:
    status, headers, body = server.request("/_/static/serve.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in body
    assert b"MIT License" in server.request("/_/static/LICENSE.txt")[2]


@pytest.mark.slow
def test_hundred_live_clients_all_updated(server: Running) -> None:
    path = server.folder / f"{AUSBILDUNG}.yaml"
    text = path.read_text("utf-8")
    idle = server.rss_kib()
    streams = [open_stream(server.port, AUSBILDUNG) for _ in range(100)]
    try:
        for conn in streams:  # the stream opens with the revision the page should show
            assert b"revision" in read_event(conn, b"revision", 10)
        before = server.rss_kib()
        for round_ in range(3):
            path.write_text(text.replace("Stendal", f"Stendal {round_}"), "utf-8")
            begun = time.monotonic()
            updated = sum(b"revision" in read_event(conn, b"revision", 8) for conn in streams)
            print(f"round {round_}: all clients in {time.monotonic() - begun:.2f} s")
            assert updated == 100, f"round {round_}: {updated} of 100 clients updated"
        grown = server.rss_kib() - before
        print(f"server memory: {idle} KiB, with 100 live clients {before} KiB, "
              f"after 3 saves +{grown} KiB")
        assert grown < 40_000, f"memory grew by {grown} KiB"
        status, _, body = server.request(f"/_/view/{AUSBILDUNG}")
        assert status == 200 and b"Stendal 2" in body
    finally:
        for conn in streams:
            conn.close()
        path.write_text(text, "utf-8")


def test_broken_file_keeps_chart_and_shows_the_line(server: Running) -> None:
    path = server.folder / f"{ARBEIT}.yaml"
    text = path.read_text("utf-8")
    stream = open_stream(server.port, ARBEIT)
    try:
        read_event(stream, b"revision", 5)
        path.write_text(break_yaml(text), "utf-8")
        assert b"revision" in read_event(stream, b"revision", 8)
        status, _, body = server.request(f"/_/view/{ARBEIT}")
        view = body.decode()
        assert status == 200 and '"outdated":true' in view
        assert f"Zeile {BROKEN_LINE}, Spalte" in view and '"chart":"<svg' in view
        status, headers, _ = server.request(f"/{ARBEIT}.svg")
        assert status == 200 and headers.get("x-prozesskette-veraltet") == "1"
        path.write_text(text, "utf-8")
        assert b"revision" in read_event(stream, b"revision", 8)
        body = server.request(f"/_/view/{ARBEIT}")[2]
        assert b'"outdated":false' in body and b'"errors":0' in body
    finally:
        stream.close()
        path.write_text(text, "utf-8")


def test_new_chain_file_appears(server: Running) -> None:
    stream = open_stream(server.port, "")
    try:
        read_event(stream, b"retry", 5)
        shutil.copy(server.folder / f"{ARBEIT}.yaml", server.folder / "kopie.yaml")
        assert b'"chain": "kopie"' in read_event(stream, b"kopie", 8)
        assert server.request("/kopie")[0] == 200
        (server.folder / "kopie.yaml").unlink()
        assert b'"chain": "kopie", "revision": 0' in read_event(stream, b'"revision": 0', 8)
        assert server.request("/kopie")[0] == 404
    finally:
        stream.close()
        (server.folder / "kopie.yaml").unlink(missing_ok=True)


def test_ctrl_c_ends_cleanly_and_other_hosts_warn(tmp_path: Path) -> None:
    running = start(copy_chains(tmp_path / "chains"), "--host", "0.0.0.0")
    stream = open_stream(running.port, ARBEIT)
    read_event(stream, b"revision", 5)
    begun = time.monotonic()
    code, out, err = running.stop()
    took = time.monotonic() - begun
    stream.close()
    # at once when idle (under 1 s); the bound leaves room for a loaded CI machine
    assert code == 0 and took < 10, (code, took, err[-2000:])
    assert "Anyone on the network can read the chains" in err
    assert "Preview ended" in out and "Traceback" not in err


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(tmp_path / "fehlt"), "--port", str(free_port())],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True,
        timeout=30)
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_save_by_renaming_a_temporary_file(server: Running) -> None:
    """Editors such as vim and many IDEs save by writing a new file and renaming it."""
    path = server.folder / f"{ARBEIT}.yaml"
    text = path.read_text("utf-8")
    stream = open_stream(server.port, ARBEIT)
    try:
        read_event(stream, b"revision", 5)
        temporary = server.folder / f".{ARBEIT}.yaml.tmp"
        temporary.write_text(text.replace("Landkreis Stendal", "Landkreis Umbenannt"), "utf-8")
        os.replace(temporary, path)
        assert b"revision" in read_event(stream, b"revision", 8)
        assert b"Umbenannt" in server.request(f"/_/view/{ARBEIT}")[2]
    finally:
        stream.close()
        path.write_text(text, "utf-8")


def test_nothing_in_a_chain_file_runs(server: Running, tmp_path: Path) -> None:
    """A YAML tag that would call a Python function is an error, never a call."""
    witness = tmp_path / "ausgefuehrt"
    path = server.folder / "angriff.yaml"
    stream = open_stream(server.port, "")
    try:
        read_event(stream, b"retry", 5)
        path.write_text(f"title: !!python/object/apply:os.system ['touch {witness}']\n"
                        f"region: !!python/object/apply:builtins.exec ['open(\"{witness}\", "
                        "\"w\")']\n", "utf-8")
        assert b"angriff" in read_event(stream, b"angriff", 8)
        status, _, body = server.request("/angriff")
        assert status == 200 and "Fehler:" in body.decode()
        assert server.request("/angriff.svg")[0] == 409
        assert not witness.exists()
    finally:
        stream.close()
        path.unlink(missing_ok=True)
