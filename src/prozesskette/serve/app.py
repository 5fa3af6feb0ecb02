"""The web app: routes, the live stream (Server-Sent Events) and the file watcher.

A save goes: watchfiles notices it → the chain is loaded again in a worker thread (a new
revision) → the charts that open pages show are drawn ahead → every page of that chain gets
a small event ``{"chain", "revision"}`` → the page fetches ``/_/view/<name>`` with its own
view options and swaps the chart in place. Events are tiny and each client's queue is
bounded, so a hundred open pages cost little memory; a slow client loses old events, never
the newest one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import warnings
import webbrowser
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.to_thread
import uvicorn
import watchfiles
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from prozesskette.errors import ProzessketteError
from prozesskette.messages import _
from prozesskette.serve import pages
from prozesskette.serve.security import Guard, is_loopback, machine_names
from prozesskette.serve.workspace import (
    CHAIN_SUFFIXES,
    MEDIA_TYPES,
    OUTPUT_KINDS,
    ChainState,
    ChainUnavailableError,
    OutputKind,
    ViewOptions,
    Workspace,
    valid_name,
)

STATIC_FILES = {"serve.js": "text/javascript; charset=utf-8",
                "serve.css": "text/css; charset=utf-8",
                "icon.svg": "image/svg+xml", "LICENSE.txt": "text/plain; charset=utf-8"}
MAX_CLIENTS = 1000  # live streams at once; more get 503
QUEUE_SIZE = 4  # events waiting per client; older ones are dropped (the newest counts)
KEEPALIVE = 15.0  # seconds between comments on an idle stream (proxies close silent ones)
RECENT_VIEWS = 4  # views per chain drawn ahead on a save
WATCH_STEP_MS = 20  # quiet time before watchfiles reports a burst of changes
WATCH_DEBOUNCE_MS = 200  # the longest a burst of changes is grouped


@dataclass
class Hub:
    """The open live streams; each has a small bounded queue of events."""

    queues: dict[asyncio.Queue[dict[str, Any] | None], str | None] = field(default_factory=dict)
    closed: bool = False

    def subscribe(self, chain: str | None) -> asyncio.Queue[dict[str, Any] | None] | None:
        """A queue for the events of ``chain`` (all chains for None); None when full."""
        if self.closed or len(self.queues) >= MAX_CLIENTS:
            return None
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_SIZE)
        self.queues[queue] = chain
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self.queues.pop(queue, None)

    def publish(self, event: dict[str, Any]) -> None:
        for queue, chain in list(self.queues.items()):
            if chain is None or chain == event["chain"]:
                _put_newest(queue, event)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        self.closed = True
        for queue in list(self.queues):
            _put_newest(queue, None)


def _put_newest(queue: asyncio.Queue[dict[str, Any] | None], item: dict[str, Any] | None) -> None:
    while queue.full():
        queue.get_nowait()
    queue.put_nowait(item)


@dataclass
class Server:
    """The state behind the routes: the chains, the streams, the views pages asked for."""

    workspace: Workspace
    hub: Hub = field(default_factory=Hub)
    views: dict[str, list[ViewOptions]] = field(default_factory=dict)
    png: bool = field(default_factory=lambda: all(
        find_spec(module) is not None for module in ("pypdfium2", "PIL")))  # the png extra
    stop: asyncio.Event | None = None
    open_url: str | None = None  # opened in the browser once the server listens
    focus: str | None = None  # ``serve --focus``: the view of a page whose URL names none

    def remember(self, name: str, view: ViewOptions) -> None:
        recent = self.views.setdefault(name, [])
        if view in recent:
            recent.remove(view)
        recent.insert(0, view)
        del recent[RECENT_VIEWS:]

    def state(self, request: Request) -> tuple[ChainState, ViewOptions] | None:
        name = request.path_params.get("name", "")
        state = self.workspace.get(name) if valid_name(name) else None
        if state is None:
            return None
        view = ViewOptions.from_query(request.query_params, list(state.languages),
                                      state.focusable, self.focus)
        return state, view

    # ------------------------------------------------------------------- routes
    async def index(self, request: Request) -> Response:
        return HTMLResponse(pages.index_page(self.workspace.all(), self.workspace.root.name))

    async def rows(self, request: Request) -> Response:
        return HTMLResponse(pages.chain_rows(self.workspace.all()))

    async def static(self, request: Request) -> Response:
        name = request.path_params["file"]
        if name not in STATIC_FILES:
            return _not_found("Diese Datei gibt es nicht.")
        data = resources.files("prozesskette.serve").joinpath("static", name).read_bytes()
        return Response(data, media_type=STATIC_FILES[name])

    async def chain(self, request: Request) -> Response:
        name = request.path_params["name"]
        stem, dot, suffix = name.rpartition(".")
        if dot and suffix in OUTPUT_KINDS and self.workspace.get(stem) is not None:
            request.path_params["name"] = stem
            return await self.output(request, suffix)
        found = self.state(request)
        if found is None:
            return _not_found("Unter diesem Namen gibt es keine Kette.")
        state, view = found
        self.remember(state.name, view)
        chart, extra = await anyio.to_thread.run_sync(self._chart, state, view)
        return HTMLResponse(pages.chain_page(state, view, chart, extra, self.png))

    def _chart(self, state: ChainState, view: ViewOptions) -> tuple[str, list[Any]]:
        if state.chain is None:
            return "", []
        try:
            return self.workspace.chart(state, view), self.workspace.untranslated(state, view)
        except ProzessketteError as exc:  # a chain the checks passed but drawing refused
            return "", exc.issues

    async def view(self, request: Request) -> Response:
        """The chart and problems panel of the current revision, for the live update."""
        found = self.state(request)
        if found is None:
            return JSONResponse({"error": "unbekannte Kette"}, status_code=404)
        state, view = found
        self.remember(state.name, view)
        chart, extra = await anyio.to_thread.run_sync(self._chart, state, view)
        return JSONResponse({
            "revision": state.revision, "outdated": state.outdated, "errors": state.errors,
            "chart": chart or None, "problems": pages.problems_panel(state, extra),
            "downloads": pages.downloads(state, view, self.png), "title": state.title,
            "focus_control": pages.focus_control(state, view)})

    async def output(self, request: Request, kind: OutputKind) -> Response:
        found = self.state(request)
        if found is None or (kind == "png" and not self.png):
            return _not_found("Diese Ausgabe gibt es nicht.")
        state, view = found
        try:
            data = await anyio.to_thread.run_sync(self.workspace.output, state, kind, view)
        except (ChainUnavailableError, ProzessketteError):
            return PlainTextResponse("Die Kette hat Fehler; es gibt noch keinen fehlerfreien "
                                     "Stand.", status_code=409)
        view_suffix = "-" + view.focus.replace(",", "-") if view.focus else ""  # as render
        headers = {"Content-Disposition": _disposition(f"{state.path.stem}{view_suffix}.{kind}")}
        if state.outdated:
            headers["X-Prozesskette-Veraltet"] = "1"
        return Response(data, media_type=MEDIA_TYPES[kind], headers=headers)

    async def events(self, request: Request) -> Response:
        chain = request.query_params.get("chain") or None
        queue = self.hub.subscribe(chain)
        if queue is None:
            return PlainTextResponse("Zu viele offene Seiten.", status_code=503)
        first = self.workspace.get(chain) if chain else None
        return StreamingResponse(self._stream(queue, first), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store",
                                          "X-Accel-Buffering": "no"})

    async def _stream(self, queue: asyncio.Queue[dict[str, Any] | None],
                      first: ChainState | None) -> AsyncIterator[str]:
        try:
            yield "retry: 1000\n\n"
            if first is not None:  # a save between the page load and this stream
                yield _event({"chain": first.name, "revision": first.revision})
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE)
                except TimeoutError:
                    yield ": ping\n\n"
                    continue
                if event is None:
                    return
                yield _event(event)
        finally:
            self.hub.unsubscribe(queue)

    # ------------------------------------------------------------------ watcher
    def _reload(self, changes: set[tuple[watchfiles.Change, str]]) -> list[dict[str, Any]]:
        """Load the changed chains again and draw the views that pages show (in a worker
        thread); the events to publish. A removed chain gets revision 0 (lists redraw)."""
        known = {name for _, path in changes if (name := self.workspace.name_of(Path(path)))}
        names: set[str] = set()
        if any(change != watchfiles.Change.modified for change, _ in changes) or \
                len(known) < len(changes):  # added, removed or renamed: look again
            names.update(self.workspace.scan())
        for name in known - names:
            state = self.workspace.get(name)
            if state is not None and self.workspace.load(name, state.path) is not None:
                names.add(name)
        events = []
        for name in sorted(names):
            state = self.workspace.get(name)
            if state is None:
                events.append({"chain": name, "revision": 0})
                continue
            for view in list(self.views.get(name, ())):
                self._chart(state, view)
            events.append({"chain": name, "revision": state.revision})
        return events

    async def watch(self) -> None:
        assert self.stop is not None
        async for changes in watchfiles.awatch(
                self.workspace.folder, watch_filter=_chain_file, stop_event=self.stop,
                step=WATCH_STEP_MS, debounce=WATCH_DEBOUNCE_MS,
                recursive=self.workspace.root.is_dir()):
            for event in await anyio.to_thread.run_sync(self._reload, changes):
                self.hub.publish(event)


def _chain_file(change: watchfiles.Change, path: str) -> bool:
    name = os.path.basename(path)
    return name.lower().endswith(CHAIN_SUFFIXES) and not name.startswith(".")


def _disposition(filename: str) -> str:
    """The Content-Disposition of a download named ``filename``. Header values are Latin-1,
    and names of chains and actor ids may hold any letter, so a name beyond ASCII goes in
    RFC 6266's ``filename*`` (UTF-8), after an ASCII stand-in for old clients."""
    plain = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    if plain == filename:
        return f'inline; filename="{filename}"'
    return f"inline; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def _event(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def _not_found(message: str) -> Response:
    return HTMLResponse(pages.not_found_page(message), status_code=404)


def create_app(root: Path, host: str = "127.0.0.1",
               focus: str | None = None) -> tuple[Starlette, Server]:
    """The app for the chains under ``root``; it answers only Host names of ``host``; pages
    show the focus view of ``focus`` (actor ids) unless their URL asks for another."""
    server = Server(Workspace(root), focus=focus)
    server.workspace.scan()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.stop = asyncio.Event()
        watcher = asyncio.create_task(server.watch())
        if server.open_url:
            asyncio.get_running_loop().run_in_executor(None, webbrowser.open, server.open_url)
        try:
            yield
        finally:
            server.stop.set()
            server.hub.close()
            await asyncio.wait([watcher], timeout=2)

    app = Starlette(routes=[
        Route("/", server.index),
        Route("/_/rows", server.rows),
        Route("/_/events", server.events),
        Route("/_/static/{file}", server.static),
        Route("/_/view/{name:path}", server.view),
        Route("/{name:path}", server.chain),
    ], lifespan=lifespan)
    app.add_middleware(Guard, names=machine_names(host))
    return app, server


class _Uvicorn(uvicorn.Server):
    """Ends the live streams as soon as Ctrl-C arrives, so shutdown does not wait for them."""

    on_exit: Callable[[], None] = staticmethod(lambda: None)

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.on_exit()
        super().handle_exit(sig, frame)


def serve(root: Path, host: str, port: int, open_browser: bool,
          focus: str | None = None) -> int:
    """Run the server until Ctrl-C; returns the exit code (2 when PATH does not exist or
    ``focus`` names an actor no chain has)."""
    if not root.exists():
        print(_("prozesskette serve: {path} does not exist").format(path=root), file=sys.stderr)
        return 2
    app, server = create_app(root, host, focus)
    problems = server.workspace.focus_problems(focus) if focus is not None else []
    for problem in problems:
        print(_("prozesskette serve: error: {problem}").format(problem=problem), file=sys.stderr)
    if problems:
        return 2
    # the page lists missing translations and the like with their lines; the terminal stays calm
    warnings.simplefilter("ignore", UserWarning)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{'localhost' if is_loopback(host) else shown}:{port}/"
    if not is_loopback(host):
        print(_("Warning: the server listens on {host}. Anyone on the network can read the "
                "chains.").format(host=host), file=sys.stderr)
    print(_("Preview of {path} at {address} (stop with Ctrl+C)").format(path=root,
                                                                        address=address),
          flush=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=2, lifespan="on")
    runner = _Uvicorn(config)
    runner.on_exit = server.hub.close
    server.open_url = address if open_browser else None
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises the captured Ctrl-C again
        runner.run()
    print(_("Preview ended."), flush=True)
    return 0
