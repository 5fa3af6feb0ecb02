"""The focus view: one institution's chart, cut out of the whole chain.

In a workshop every institution wants its own page: its steps, who hands the case over to it,
whom it hands over to. :func:`focus_chain` turns a chain into such a view and returns an
ordinary, valid :class:`~prozesskette.model.Chain`, so that the layout and every renderer draw
it unchanged and the structural checks of :mod:`prozesskette.graph` hold for it.

What stays:

* every step of the focused actors (a step is theirs when any of them is responsible);
* the *neighbour* steps: the other side of each transition into or out of a focused step;
* the lanes of the actors responsible for these steps — the focused actors and their
  hand-off partners (co-responsible actors of a kept step included: the step needs its lanes).

Everything else is cut. The cut steps fall into *regions*: groups of cut steps connected by
transitions among themselves. Regions become labelled stub steps (``vorher``/``dazwischen``
counting the cut steps they stand for, ``weiter bei`` naming where the case goes):

* ``before``: a region that holds a start gets a start stub in front of each kept step it
  leads to, in that step's lane: "vorher: 3 Schritte bei anderen Stellen";
* ``between``: a region entered from kept steps that leads back to kept steps gets a task
  stub in the lane of the kept step entering it: "dazwischen: 6 Schritte bei anderen
  Stellen" — one per branch when a decision enters it with several branches;
* ``after``: a region entered from kept steps that leads back to none (it holds an end)
  gets an end stub there: "weiter bei: Kammer".

Transitions are re-wired through the stubs, so every kept step stays reachable from a start
and reaches an end (see :func:`_stubs_of_region` for the two cases that need a second stub).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

from prozesskette.analysis import Handoff, SharedStep, analyse
from prozesskette.errors import Issue, ProzessketteError, did_you_mean
from prozesskette.graph import ChainGraph
from prozesskette.messages import _
from prozesskette.model import MAX_TEXT, Chain, Step, StepKind, Text, Transition
from prozesskette.words import CATALOGUE, catalogue_language, words_for

__all__ = ["ALL_ACTORS", "STUB_PREFIX", "FocusHandoffs", "FocusedChain", "Stub",
           "StubKind", "actors_with_steps", "focus_all", "focus_chain", "focus_ids",
           "handoffs_of", "is_stub", "partners_of"]

ALL_ACTORS = "all"
"""``--focus all``: one view per actor (the caller loops over :func:`focus_ids`)."""

STUB_PREFIX = "focus-stub-"
"""Stub steps' ids start with this, so that the Schnittstellenpapier can leave them out."""

StubKind = Literal["before", "between", "after"]

_Maker = Callable[[Mapping[str, str], str], str]
"""Makes one stub text from the words of a language and the language tag."""

_MAX_NAMES = 2  # "weiter bei: A, B u. a." names at most this many actors
_MAX_NAME = 80  # characters of an actor's name or a step's title quoted in a stub
_MAX_LISTED = 12  # cut steps listed by title in a stub's description
_MAX_FOCUS_NAMES = 4  # a view's title names up to this many focused actors, else 2 "u. a."


@dataclass(frozen=True)
class Stub:
    """A step of the focused chain that stands for a region of cut steps."""

    step: str  # the stub's step id
    kind: StubKind
    hidden: tuple[str, ...]  # the cut steps it stands for, in file order
    continues_at: tuple[str, ...]  # actors of the first cut steps after the kept ones


@dataclass(frozen=True)
class FocusedChain:
    """A focus view and what was kept and cut to make it."""

    chain: Chain
    focus: tuple[str, ...]  # the focused actors' ids, as asked
    partners: tuple[str, ...]  # the other lanes shown, in the chain's actor order
    stubs: tuple[Stub, ...]


def is_stub(step_id: str) -> bool:
    """Whether a step of a focused chain is a stub (ids of stubs start with STUB_PREFIX)."""
    return step_id.startswith(STUB_PREFIX)


def focus_ids(chain: Chain, actors: str | Iterable[str]) -> tuple[str, ...]:
    """The focused actor ids from ``"a,b"`` or an iterable, checked against the chain.

    Unknown ids raise :class:`ProzessketteError` with a did-you-mean hint; ``"all"`` is not
    resolved here (it means one view per actor, which is the caller's loop).
    """
    if isinstance(actors, str):
        actors = actors.split(",")
    wanted = tuple(dict.fromkeys(a.strip() for a in actors if a.strip()))
    known = [actor.id for actor in chain.actors]
    if not wanted:
        raise ProzessketteError(_focus_issue(chain, _("the focus names no actor"),
                                             _("name actor ids: {ids}").format(
                                                 ids=", ".join(known))))
    problems = []
    for actor_id in wanted:
        if actor_id not in known:
            guess = did_you_mean(actor_id, known)
            hint = _("did you mean '{guess}'?").format(guess=guess) if guess else \
                _("known actors: {ids}").format(ids=", ".join(known))
            problems.append(_focus_issue(
                chain, _("unknown actor '{actor}' in the focus").format(actor=actor_id), hint))
    if problems:
        raise ProzessketteError(problems)
    return wanted


def _focus_issue(chain: Chain, message: str, hint: str) -> Issue:
    """An error about the focus asked for, located at the chain's ``actors:`` key (where the
    ids it may name are declared), or naming the chain when it has no file."""
    source = chain.source
    if source is not None:
        issue: Issue = source.issue(("actors",), "error", message, hint, key=True,
                                    code="unknown-focus")
        return issue
    return Issue("<chain>", 0, 0, "error", message, hint, "unknown-focus")


def focus_all(chain: Chain) -> Iterator[FocusedChain]:
    """``--focus all``: one view per actor that has steps, in the chain's actor order (each
    written to a file named by the actor's id)."""
    for actor_id in actors_with_steps(chain):
        yield focus_chain(chain, (actor_id,))


def actors_with_steps(chain: Chain) -> tuple[str, ...]:
    """The actors ``--focus all`` makes a view of: those responsible for a step."""
    responsible = {a for step in chain.steps for a in step.responsible}
    return tuple(actor.id for actor in chain.actors if actor.id in responsible)


class FocusHandoffs(NamedTuple):
    """The hand-offs of a focus view, seen from the focused actors."""

    incoming: tuple[Handoff, ...]  # another actor hands over to them
    outgoing: tuple[Handoff, ...]  # they hand over (also to a step they share with others)
    shared: tuple[SharedStep, ...]  # steps they carry together with others


def handoffs_of(chain: Chain, focus: Iterable[str]) -> FocusHandoffs:
    """The hand-offs into and out of the ``focus`` actors' steps, in declared order. Works on
    the whole chain and on its focus view alike (the view keeps these transitions)."""
    focus_set = set(focus)
    analysis = analyse(chain)
    incoming = tuple(h for h in analysis.handoffs
                     if focus_set & set(h.to_actors) and not focus_set & set(h.from_actors))
    outgoing = tuple(h for h in analysis.handoffs if focus_set & set(h.from_actors))
    shared = tuple(s for s in analysis.shared_steps if focus_set & set(s.actors))
    return FocusHandoffs(incoming, outgoing, shared)


def partners_of(chain: Chain, focus: Iterable[str]) -> tuple[str, ...]:
    """Actors, other than the focused ones, who share a step with them or hand over to or
    receive from them — the lanes a focus view shows besides the focus — in actor order."""
    graph = ChainGraph(chain)
    return _partners(graph, _kept(graph, set(focus)), set(focus))


def focus_chain(chain: Chain, actors: str | Iterable[str]) -> FocusedChain:
    """The chain as seen from ``actors`` (ids, or ``"a,b"``); see the module docstring.

    Give it the whole chain: a view's stubs are no steps of anyone, so focusing a view again
    would cut them into stubs of stubs. Texts of the result stay translatable (stub words
    come in every language of the words catalogue, surface ``focus``), so localise after
    focusing. The result
    has no source map: positions in the file do not apply to it.
    """
    focus = focus_ids(chain, actors)
    graph = ChainGraph(chain)
    focus_set = set(focus)
    kept = _kept(graph, focus_set)
    if not any(set(graph.steps[s].responsible) & focus_set for s in kept):
        raise ProzessketteError(_focus_issue(
            chain, f"the focused actor(s) {', '.join(focus)} have no steps",
            "a focus view shows an actor's steps; give it a step, or focus on another actor"))
    regions = _regions(graph, kept)
    plans = [plan for region in regions for plan in _stubs_of_region(graph, region)]
    ids = _stub_ids(graph, len(plans))
    steps = _rewired_steps(graph, kept, regions, plans, ids)
    shown_actors = {a for step in steps for a in step.responsible}
    used_phases = {step.phase for step in steps}
    used_services = {step.service for step in steps if step.service}
    focused = replace(
        chain,
        title=_view_title(chain, focus),
        actors=tuple(a for a in chain.actors if a.id in shown_actors),
        steps=steps,
        phases=tuple(p for p in chain.phases if p.id in used_phases),
        services=tuple(s for s in chain.services if s.id in used_services),
    )
    object.__setattr__(focused, "source", None)  # positions of the file no longer apply
    stubs = tuple(Stub(ids[n], plan.kind, plan.hidden, plan.continues_at)
                  for n, plan in enumerate(plans))
    return FocusedChain(focused, focus, _partners(graph, kept, focus_set), stubs)


# --- what is kept ------------------------------------------------------------------------


def _is_focused(step: Step, focus: set[str]) -> bool:
    return bool(set(step.responsible) & focus)


def _kept(graph: ChainGraph, focus: set[str]) -> set[str]:
    """The focused actors' steps and the steps on the other side of their transitions."""
    kept = {s for s, step in graph.steps.items() if _is_focused(step, focus)}
    for edge in graph.edges:
        if _is_focused(graph.steps[edge.source], focus) or \
                _is_focused(graph.steps[edge.target], focus):
            kept.update((edge.source, edge.target))
    return kept


def _partners(graph: ChainGraph, kept: set[str], focus: set[str]) -> tuple[str, ...]:
    lanes = {a for s in kept for a in graph.steps[s].responsible}
    return tuple(a.id for a in graph.chain.actors if a.id in lanes and a.id not in focus)


# --- the cut regions -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    """Cut steps connected among themselves, with the transitions that link them to kept
    steps (as (source, target, label) in the order of the source's ``next``)."""

    steps: tuple[str, ...]
    entries: tuple[tuple[str, str, str | None], ...]  # kept → cut
    exits: tuple[tuple[str, str, str | None], ...]  # cut → kept
    has_start: bool


def _regions(graph: ChainGraph, kept: set[str]) -> list[_Region]:
    """The regions of cut steps, in file order of their first step."""
    cut = [s for s in graph.steps if s not in kept]
    parent = {s: s for s in cut}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for edge in graph.edges:
        if edge.source in parent and edge.target in parent:
            parent[root(edge.source)] = root(edge.target)
    members: dict[str, list[str]] = {}
    for step_id in cut:
        members.setdefault(root(step_id), []).append(step_id)
    regions = []
    for steps in members.values():
        inside = set(steps)
        kinds = {graph.steps[s].kind for s in steps}
        regions.append(_Region(
            tuple(steps),
            tuple((e.source, e.target, e.label) for e in graph.edges
                  if e.source in kept and e.target in inside),
            tuple((e.source, e.target, e.label) for e in graph.edges
                  if e.source in inside and e.target in kept),
            StepKind.start in kinds))
    return regions


@dataclass(frozen=True)
class _Plan:
    """One stub to make for a region: the cut steps it stands for and where it leads."""

    region: _Region
    kind: StubKind
    variant: int  # n: reached by the n-th branch of decisions into the region; -1: extra end
    hidden: tuple[str, ...]  # the region's steps this stub stands for, in file order
    continues_at: tuple[str, ...]
    successors: tuple[str, ...]  # kept step ids; EXTRA_END for the region's extra end stub


_EXTRA_END = "+end"  # a successor that is the region's extra end stub (not a step id)


def _stubs_of_region(graph: ChainGraph, region: _Region) -> list[_Plan]:
    """The stubs that stand for ``region``.

    A region entered from kept steps gets a ``between`` stub (``after`` when it leads back
    to no kept step). A decision whose branches both enter the region needs one stub per
    branch (its branches must stay distinct): the n-th stub stands for the cut steps reached
    from the n-th branches, or from all entries of steps that are no decisions. Two more
    stubs keep the chain's flow checkable: a ``before`` start stub when the region holds a
    start and leads to kept steps (a kept step may be reachable only from that start), and
    an ``after`` end stub behind the ``between`` stubs when they reach an end of the region
    (a kept step may reach an end only through it).
    """
    plans: list[_Plan] = []
    starts = [s for s in region.steps if graph.steps[s].kind is StepKind.start]
    if region.has_start or not region.entries:
        hidden = _within(graph, region, starts or list(region.steps))
        for target in _exits(region, hidden):  # one start stub before each kept step
            sources = [s for s, t, _ in region.exits if t == target and s in hidden]
            plans.append(_Plan(region, "before", 0, _leading_to(graph, hidden, sources), (),
                               (target,)))
    if not region.entries:
        return plans
    needs_end = False
    for variant, seeds in enumerate(_entry_seeds(graph, region)):
        hidden = _within(graph, region, seeds)
        exits = _exits(region, hidden)
        reaches_end = any(graph.steps[s].kind is StepKind.end for s in hidden)
        continues_at = tuple(dict.fromkeys(a for s in seeds for a in graph.steps[s].responsible))
        extra_end = bool(exits) and reaches_end
        needs_end = needs_end or extra_end
        plans.append(_Plan(region, "between" if exits else "after", variant, hidden,
                           continues_at, exits + ((_EXTRA_END,) if extra_end else ())))
    if needs_end:
        plans.append(_Plan(region, "after", -1, (), plans[-1].continues_at, ()))
    return plans


def _entry_seeds(graph: ChainGraph, region: _Region) -> list[list[str]]:
    """The cut steps each entry stub is reached at: the n-th list for the n-th branches of
    decisions into the region (all entries of other steps go with the first)."""
    seeds: list[list[str]] = []
    position: dict[str, int] = {}
    for source, target, _entry in region.entries:
        decision = graph.steps[source].kind is StepKind.decision
        variant = position.get(source, 0) if decision else 0
        position[source] = variant + 1
        while len(seeds) <= variant:
            seeds.append([])
        if target not in seeds[variant]:
            seeds[variant].append(target)
    return seeds


def _within(graph: ChainGraph, region: _Region, seeds: list[str]) -> tuple[str, ...]:
    """The region's steps reachable from ``seeds`` without leaving the region."""
    inside = set(region.steps)
    reached = set(seeds)
    stack = list(seeds)
    while stack:
        for nxt in graph.successors_map[stack.pop()]:
            if nxt in inside and nxt not in reached:
                reached.add(nxt)
                stack.append(nxt)
    return tuple(s for s in region.steps if s in reached)


def _leading_to(graph: ChainGraph, steps: tuple[str, ...], ends: list[str]) -> tuple[str, ...]:
    """Those of ``steps`` from which one of ``ends`` is reached without leaving ``steps``."""
    inside = set(steps)
    reached = set(ends)
    stack = list(ends)
    while stack:
        node = stack.pop()
        for edge in graph.edges:
            if edge.target == node and edge.source in inside and edge.source not in reached:
                reached.add(edge.source)
                stack.append(edge.source)
    return tuple(s for s in steps if s in reached)


def _exits(region: _Region, hidden: tuple[str, ...]) -> tuple[str, ...]:
    """The kept steps that ``hidden`` steps lead to."""
    return tuple(dict.fromkeys(target for source, target, _ in region.exits
                               if source in hidden))


def _stub_ids(graph: ChainGraph, count: int) -> list[str]:
    ids: list[str] = []
    number = 0
    while len(ids) < count:
        number += 1
        candidate = f"{STUB_PREFIX}{number}"
        if candidate not in graph.steps:
            ids.append(candidate)
    return ids


# --- the focused chain's steps -------------------------------------------------------------


def _rewired_steps(graph: ChainGraph, kept: set[str], regions: list[_Region],
                   plans: list[_Plan], ids: list[str]) -> tuple[Step, ...]:
    """Kept steps with their transitions into cut regions re-wired to the stubs, and the
    stubs, each placed where its region's first step was."""
    region_of = {s: index for index, region in enumerate(regions) for s in region.steps}
    entry_stub: dict[tuple[int, int], str] = {}  # (region, variant) → the stub entered
    extra_end: dict[int, str] = {}  # region → its extra end stub
    for n, plan in enumerate(plans):
        if plan.variant < 0:
            extra_end[regions.index(plan.region)] = ids[n]
        elif plan.kind != "before":
            entry_stub[(regions.index(plan.region), plan.variant)] = ids[n]
    stubs_at: dict[str, list[Step]] = {}
    for n, plan in enumerate(plans):
        successors = [Transition(extra_end[regions.index(plan.region)]
                                 if target == _EXTRA_END else target)
                      for target in plan.successors]
        place = plan.hidden[0] if plan.hidden else plan.region.steps[-1]
        stubs_at.setdefault(place, []).append(
            _stub_step(graph, plan, ids[n], tuple(successors)))
    steps: list[Step] = []
    for step_id, step in graph.steps.items():
        steps.extend(stubs_at.get(step_id, ()))
        if step_id in kept:
            steps.append(_rewired(step, region_of, entry_stub))
    return tuple(steps)


def _rewired(step: Step, region_of: Mapping[str, int],
             entry_stub: Mapping[tuple[int, int], str]) -> Step:
    """A kept step whose transitions into a cut region lead to the region's stub instead:
    the n-th branch of a decision into one region to the n-th stub, further transitions of
    other steps into the same region dropped (they would duplicate the first)."""
    transitions: list[Transition] = []
    seen: set[str] = set()
    entered: dict[int, int] = {}
    for transition in step.next:
        target = transition.to
        if target in region_of:
            region = region_of[target]
            variant = entered.get(region, 0)
            entered[region] = variant + 1
            if variant and step.kind is not StepKind.decision:
                continue
            target = entry_stub[(region, variant)]
        if target not in seen:
            seen.add(target)
            transitions.append(replace(transition, to=target) if target != transition.to
                               else transition)
    return replace(step, next=tuple(transitions)) if transitions != list(step.next) else step


def _stub_step(graph: ChainGraph, plan: _Plan, step_id: str,
               successors: tuple[Transition, ...]) -> Step:
    """The stub as a step: in the lane of the kept step it leads to (``before``: in the phase
    of the cut step before it) or follows (in the phase of the first cut step it stands for)."""
    region = plan.region
    if plan.kind == "before":
        anchor = plan.successors[0]
        source = next(s for s, t, _ in region.exits if t == anchor and s in plan.hidden)
        phase = graph.steps[source].phase
    else:
        anchor, target, _ = next((e for e in region.entries if e[1] in plan.hidden),
                                 region.entries[0])
        ends = [s for s in region.steps if graph.steps[s].kind is StepKind.end]
        phase = graph.steps[plan.hidden[0] if plan.hidden else (ends or [target])[0]].phase
        # no earlier than a kept step leading into it, no later than one it leads to
        order = [p.id for p in graph.chain.phases]
        rank = {p: i for i, p in enumerate(order)}
        before = [rank[graph.steps[s].phase or ""] for s, _, _ in region.entries
                  if graph.steps[s].phase in rank]
        after = [rank[graph.steps[t.to].phase or ""] for t in successors
                 if t.to in graph.steps and graph.steps[t.to].phase in rank]
        if phase in rank and before and max(before) > rank[phase] \
                and max(before) <= min(after, default=len(order)):
            phase = order[max(before)]
    hidden_actors = tuple(dict.fromkeys(a for s in plan.hidden
                                        for a in graph.steps[s].responsible))
    chain = graph.chain
    return Step(
        step_id,
        _words(chain, lambda words, lang: _stub_title(chain, words, lang, plan, hidden_actors)),
        description=_words(chain, lambda words, lang: _cut_list(graph, plan.hidden, words,
                                                                lang))
        if plan.hidden else None,
        kind=StepKind.end if not successors else
        StepKind.start if plan.kind == "before" else StepKind.task,
        actor=graph.steps[anchor].responsible[0],
        phase=phase,
        next=successors,
    )


# --- words ---------------------------------------------------------------------------------


def _in(value: str, language: str) -> str:
    """``value`` in ``language`` when it is a :class:`Text` that has it, else as it reads."""
    if isinstance(value, Text):
        return value.translations.get(language, str(value))
    return str(value)


def _cut_list(graph: ChainGraph, hidden: tuple[str, ...], words: Mapping[str, str],
              language: str) -> str:
    """'Ausgeblendet: A; B; C und 4 weitere' — the first few titles, each shortened."""
    titles = [_short(_in(graph.steps[s].title, language)) for s in hidden[:_MAX_LISTED]]
    if len(hidden) > _MAX_LISTED:
        titles.append(words["more"].format(n=len(hidden) - _MAX_LISTED))
    return words["cut"].format(steps=words["list_sep"].join(titles))


def _short(text: str) -> str:
    """``text`` on one line, cut to :data:`_MAX_NAME` characters."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_NAME else text[:_MAX_NAME - 1] + "…"


def _names(chain: Chain, actor_ids: tuple[str, ...], words: Mapping[str, str],
           language: str) -> str:
    names = []
    for actor_id in actor_ids:
        names.append(_short(_in(_actor_name(chain, actor_id), language)))
    if len(names) > _MAX_NAMES:
        return words["and_more"].format(names=", ".join(names[:_MAX_NAMES]))
    return ", ".join(names)


def _view_title(chain: Chain, focus: tuple[str, ...]) -> str:
    """The chain's title, marked as a focus view in each of its languages that the words
    catalogue has (translations into other languages stay as they are)."""
    title = chain.title
    texts = title.translations if isinstance(title, Text) else {chain.language: str(title)}
    marked = {language: _marked_title(chain, focus, text, language)
              for language, text in texts.items()}
    return Text(marked) if isinstance(title, Text) else marked[chain.language]


def _marked_title(chain: Chain, focus: tuple[str, ...], title: str, language: str) -> str:
    """'<title> – Ausschnitt für JC', the title shortened to keep within MAX_TEXT."""
    if catalogue_language(language) is None:
        return title
    words = words_for("focus", language)
    names = (", ".join(_short(_in(_actor_name(chain, a), language)) for a in focus)
             if len(focus) <= _MAX_FOCUS_NAMES else _names(chain, focus, words, language))
    room = MAX_TEXT - len(words["view"].format(title="", names=names))
    if len(title) > room:
        title = title[:room - 1] + "…"
    return words["view"].format(title=title, names=names)


def _actor_name(chain: Chain, actor_id: str) -> str:
    actor = chain.actor(actor_id)
    return actor.short or actor.name


def _stub_title(chain: Chain, words: Mapping[str, str], language: str, plan: _Plan,
                hidden_actors: tuple[str, ...]) -> str:
    if plan.kind == "after":
        return words["after"].format(who=_names(chain, plan.continues_at, words, language))
    count = len(plan.hidden)
    counted = words["one_step"] if count == 1 else words["steps"].format(n=count)
    who = (_names(chain, hidden_actors, words, language) if len(hidden_actors) == 1
           else words["others"])
    return words[plan.kind].format(count=counted, who=who)


def _words(chain: Chain, make: _Maker) -> Text:
    """A text in every language of the words catalogue, the one the chain's language reads
    as first (English for a language the catalogue lacks), so that localising the view into
    any of them finds the stub's words without an "untranslated" warning."""
    first = catalogue_language(chain.language) or "en"
    languages = sorted(CATALOGUE, key=lambda lang: lang != first)
    return Text({lang: make(words_for("focus", lang), lang) for lang in languages})
