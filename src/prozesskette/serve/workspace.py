"""The chains under the served PATH: found once, reloaded on every save, rendered on demand.

Plain Python (no web framework), so the state machine of the live preview is testable alone:
a save makes a new *revision* of a chain; a revision with errors keeps the last good chain
(the page then shows it marked as outdated); outputs are cached per revision and view.

Only files found by :meth:`Workspace.scan` are ever read, and a URL names a chain by its key
in that table, never by a path: a URL cannot reach a file outside PATH, whatever it contains.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import quote

from prozesskette import api
from prozesskette.errors import Issue, did_you_mean
from prozesskette.export import to_bpmn
from prozesskette.focus import ALL_ACTORS, actors_with_steps, focus_chain
from prozesskette.graph import load_with_issues
from prozesskette.i18n import languages
from prozesskette.messages import _
from prozesskette.model import Chain
from prozesskette.options import Direction, LaneOrder, LayoutOptions

OutputKind = Literal["svg", "pdf", "html", "png", "bpmn", "json"]
OUTPUT_KINDS: tuple[OutputKind, ...] = get_args(OutputKind)
MEDIA_TYPES: Mapping[OutputKind, str] = {
    "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html; charset=utf-8",
    "png": "image/png", "bpmn": "application/xml; charset=utf-8",
    "json": "application/json; charset=utf-8"}

CHAIN_SUFFIXES = (".yaml", ".yml")
MAX_CHAINS = 500  # a folder with more YAML files is not a folder of chains
MAX_DEPTH = 4  # sub-folders searched below PATH
CACHE_ENTRIES = 48  # rendered outputs kept (a 60-step SVG is ~0.2 MB)
_NAME_PART = re.compile(r"[\w][\w .\-]{0,99}")


class ChainUnavailableError(Exception):
    """The chain has errors and no good revision yet, so nothing can be drawn."""


def valid_name(name: str) -> bool:
    """Whether ``name`` may name a chain: relative parts of letters, digits, ``_ - . space``,
    no part starting with a dot (so no ``..``), no backslash, at most 4 folders deep."""
    parts = name.split("/")
    return (0 < len(name) <= 300 and len(parts) <= MAX_DEPTH + 1
            and all(_NAME_PART.fullmatch(part) for part in parts))


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every symlink resolved, lies in the folder ``root`` (resolved)."""
    try:
        path.resolve(strict=True).relative_to(root)
    except (OSError, ValueError):
        return False
    return True


def split_focus(focus: str) -> tuple[str, ...]:
    """The actor ids of a focus (``"a,b"``), blanks dropped, each once, in the given order."""
    return tuple(dict.fromkeys(part.strip() for part in focus.split(",") if part.strip()))


def chain_focus(focus: str | None, focusable: Sequence[str]) -> str | None:
    """``focus`` as ``"a,b"`` when every id in it is one of ``focusable`` (the chain's actors
    with steps), else None: the whole chain."""
    ids = split_focus(focus or "")
    return ",".join(ids) if ids and all(actor in focusable for actor in ids) else None


@dataclass(frozen=True)
class ViewOptions:
    """How one page shows a chain: language, orientation, lane order and focus (the API's
    names). ``None`` keeps the chain's own choice; a ``focus`` of None is the whole chain."""

    lang: str | None = None
    direction: Direction | None = None
    lane_order: LaneOrder | None = None
    focus: str | None = None
    # The server's ``--focus`` as far as this chain has those actors: a URL without ``focus``
    # shows it, so the whole chain needs an explicit ``focus=`` (see :meth:`query`). Not part
    # of the view's identity: two views that draw the same are equal.
    default_focus: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_query(cls, query: Mapping[str, str], chain_languages: list[str],
                   focusable: Sequence[str] = (), default_focus: str | None = None) -> ViewOptions:
        """The options of a URL's query; unknown values fall back to the defaults, and an
        unknown ``focus`` (an id that is not among ``focusable``) to the whole chain.
        ``default_focus`` applies when the query has no ``focus``; the actors of it that this
        chain does not have are left out (it was given for every chain under PATH)."""
        lang = query.get("lang") or None
        direction = query.get("direction")
        lane_order = query.get("lane_order")
        default = chain_focus(",".join(actor for actor in split_focus(default_focus or "")
                                       if actor in focusable), focusable)
        focus = chain_focus(query["focus"], focusable) if "focus" in query else default
        return cls(lang if lang in chain_languages[1:] else None,
                   direction if direction in get_args(Direction) else None,  # type: ignore[arg-type]
                   lane_order if lane_order in get_args(LaneOrder) else None,  # type: ignore[arg-type]
                   focus, default)

    def api_options(self) -> LayoutOptions:
        options: LayoutOptions = {}
        if self.lane_order:
            options["lane_order"] = self.lane_order
        if self.lang:
            options["lang"] = self.lang
        if self.direction:
            options["direction"] = self.direction
        if self.focus:
            options["focus"] = self.focus
        return options

    def query(self) -> str:
        """The options as a URL query (``?…``, or empty for the defaults)."""
        pairs = [("lang", self.lang), ("direction", self.direction),
                 ("lane_order", self.lane_order),
                 ("focus", self.focus)]
        parts = [f"{key}={quote(value, safe=',')}" for key, value in pairs if value]
        if self.focus is None and self.default_focus:
            parts.append("focus=")  # the whole chain, not the server's default focus
        return f"?{'&'.join(parts)}" if parts else ""


CacheKey = tuple[str, int, str, ViewOptions]  # chain, revision drawn, output, view


@dataclass(frozen=True)
class ChainState:
    """One revision of one chain file, as the pages show it.

    ``chain`` is the newest chain without errors: this revision's, or an older one while the
    file has errors (then ``outdated`` is true and the page marks the chart as outdated).
    """

    name: str
    path: Path
    revision: int
    chain: Chain | None
    issues: tuple[Issue, ...]
    lines: tuple[str, ...]
    outdated: bool = False
    languages: tuple[str, ...] = ()
    drawn: int = 0  # the revision ``chain`` comes from (outputs are cached by it)

    @property
    def errors(self) -> int:
        return sum(issue.severity == "error" for issue in self.issues)

    @property
    def warnings(self) -> int:
        return sum(issue.severity == "warning" for issue in self.issues)

    @property
    def title(self) -> str:
        return str(self.chain.title) if self.chain is not None else self.name

    @property
    def version(self) -> str | None:
        return str(self.chain.version) if self.chain and self.chain.version else None

    @property
    def focusable(self) -> tuple[str, ...]:
        """The actors a focus view can show: those responsible for a step."""
        return actors_with_steps(self.chain) if self.chain is not None else ()

    def source_line(self, line: int) -> str:
        """The text of 1-based ``line`` of the file (empty when out of range)."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


def _read_lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text("utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def _renderers() -> dict[OutputKind, Callable[[Chain, LayoutOptions], str | bytes]]:
    """Each output's function; the options are :meth:`ViewOptions.api_options`."""
    def bpmn(chain: Chain, options: LayoutOptions) -> str:
        focus = options.get("focus")  # BPMN names the steps of the chain it is given
        shown = focus_chain(chain, focus).chain if focus else chain
        return to_bpmn(shown, api.layout_chain(chain, **options))

    return {
        "svg": lambda chain, options: api.to_svg(chain, standalone=True, **options),
        "pdf": lambda chain, options: api.to_pdf(chain, **options),
        "html": lambda chain, options: api.to_html(chain, **options),
        "png": lambda chain, options: api.to_png(chain, 150, **options),
        "bpmn": bpmn,
        "json": lambda chain, options: api.to_json(chain, **options),
    }


def _problem(message: str, hint: str) -> str:
    """A problem with the command line, printed like a located issue's message and hint."""
    return message + "\n    " + _("hint: {hint}").format(hint=hint)


@dataclass
class Workspace:
    """Every chain under ``root`` (a chain file or a folder), by name.

    Thread-safe: the watcher reloads in a worker thread while pages read.
    """

    root: Path
    states: dict[str, ChainState] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cache: OrderedDict[CacheKey, str | bytes] = field(default_factory=OrderedDict)
    _drawing: dict[CacheKey, threading.Lock] = field(default_factory=dict)
    _revision: int = 0

    def __post_init__(self) -> None:
        self.root = Path(os.path.abspath(self.root))

    @property
    def folder(self) -> Path:
        """The folder every served file must lie in (resolved)."""
        return (self.root if self.root.is_dir() else self.root.parent).resolve()

    def find(self) -> dict[str, Path]:
        """The chain files under PATH by name (``sub/chain`` for ``sub/chain.yaml``): no hidden
        folders, nothing whose resolved path (symlinks followed) leaves PATH."""
        if not self.root.is_dir():
            return {self.root.stem: self.root} if inside(self.root, self.folder) else {}
        found: dict[str, Path] = {}
        for folder, folders, files in os.walk(self.root):
            here = Path(folder)
            depth = len(here.relative_to(self.root).parts)
            folders[:] = sorted(name for name in folders if not name.startswith((".", "_"))
                                and depth < MAX_DEPTH)
            for file in sorted(files):
                path = here / file
                name = path.relative_to(self.root).with_suffix("").as_posix()
                if (path.suffix.lower() in CHAIN_SUFFIXES and valid_name(name)
                        and inside(path, self.folder)):
                    found.setdefault(name, path)
                if len(found) >= MAX_CHAINS:
                    return found
        return found

    def scan(self) -> list[str]:
        """Find the chains again; load new and changed ones, drop deleted ones. Returns the
        names whose state changed."""
        found = self.find()
        changed = [name for name in list(self.states) if name not in found]
        with self._lock:
            for name in changed:
                del self.states[name]
        for name, path in found.items():
            if name not in self.states and self.load(name, path) is not None:
                changed.append(name)
        return changed

    def name_of(self, path: Path) -> str | None:
        """The name of a watched file, or None when it is not a chain under PATH."""
        path = Path(os.path.abspath(path))
        with self._lock:
            return next((name for name, state in self.states.items() if state.path == path),
                        None)

    def load(self, name: str, path: Path) -> ChainState | None:
        """Read the file again and make its next revision."""
        lines = _read_lines(path)
        chain, issues = load_with_issues(path)
        errors = chain is None or any(issue.is_error for issue in issues)
        with self._lock:
            previous = self.states.get(name)
            if previous and previous.lines == lines and previous.path == path and lines:
                return None  # saved without a change: nothing to redraw
            self._revision += 1
            good = None if errors else chain
            state = ChainState(
                name, path, self._revision,
                good if good is not None else (previous.chain if previous else None),
                tuple(issues), lines, outdated=errors and previous is not None
                and previous.chain is not None,
                languages=tuple(languages(good)) if good is not None
                else (previous.languages if previous else ()),
                drawn=self._revision if good is not None else (previous.drawn if previous else 0))
            self.states[name] = state
        return state

    def get(self, name: str) -> ChainState | None:
        with self._lock:
            return self.states.get(name)

    def all(self) -> list[ChainState]:
        """Every chain, by name."""
        with self._lock:
            return [self.states[name] for name in sorted(self.states)]

    def focus_problems(self, focus: str) -> list[str]:
        """Why ``serve --focus`` cannot be the pages' default focus (empty when it can): it is
        ``all``, names no actor, or names an actor that has steps in no chain under PATH
        (with a did-you-mean when an actor id is close). Chains with errors
        and no good revision are not asked; when no chain is good, nothing can be checked
        and each page checks the focus against its chain once it is good."""
        if focus.strip() == ALL_ACTORS:
            return [_problem(_("--focus all makes one view per actor for render; serve shows "
                               "one view at a time"),
                             _("name actor ids, or choose the view on the page"))]
        wanted = split_focus(focus)
        if not wanted:
            return [_problem(_("--focus names no actor"),
                             _("name actor ids, e.g. --focus jobcenter"))]
        chains = [state.chain for state in self.all() if state.chain is not None]
        known = list(dict.fromkeys(a for chain in chains for a in actors_with_steps(chain)))
        problems = []
        for actor in wanted:
            if not chains or actor in known:
                continue
            guess = did_you_mean(actor, known)
            hint = _("did you mean '{guess}'?").format(guess=guess) if guess else \
                _("actors with steps: {ids}").format(ids=", ".join(known))
            problems.append(_problem(
                _("--focus: no chain under {root} has an actor '{actor}' with steps").format(
                    root=self.root.name or self.root, actor=actor), hint))
        return problems

    def output(self, state: ChainState, kind: OutputKind, view: ViewOptions) -> str | bytes:
        """One output of the chain as the page shows it, cached per revision and view."""
        chain = state.chain
        if chain is None:
            raise ChainUnavailableError(state.name)
        return self._cached((state.name, state.drawn, kind, view),
                            lambda: _renderers()[kind](chain, view.api_options()))

    def chart(self, state: ChainState, view: ViewOptions) -> str:
        """The chart for inline use in the page (no intrinsic size: it fills the page)."""
        chain = state.chain
        if chain is None:
            raise ChainUnavailableError(state.name)
        return str(self._cached((state.name, state.drawn, "inline", view), lambda: api.to_svg(
            chain, standalone=False, **view.api_options())))

    def _cached(self, key: CacheKey, make: Callable[[], str | bytes]) -> str | bytes:
        """``make()``, drawn once per key: a page asking while the watcher draws the same
        view waits for that result instead of drawing it a second time."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            gate = self._drawing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._cache:
                    return self._cache[key]
            try:
                data = make()
            finally:
                with self._lock:
                    self._drawing.pop(key, None)
            with self._lock:
                self._cache[key] = data
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        return data

    def untranslated(self, state: ChainState, view: ViewOptions) -> list[Issue]:
        """The located warnings for texts missing in the chosen language."""
        if state.chain is None or not view.lang:
            return []
        return api.localise(state.chain, view.lang)[1]
