"""What changed between two versions of a chain: :func:`diff_chains` → :class:`ChainDiff`.

An Arbeitstisch agrees on each new version of a chain; it needs to see what changed since the
last one. The comparison matches by id:

* **steps** are added, removed, changed (title, kind, responsible actors, phase, service,
  legal basis, branches, description, link) or *renamed*: a step whose id is gone, and a new
  step with the same title and the same responsible actors, are one step under a new id;
* **transitions** (with their labels) are added or removed; a transition between renamed steps
  is the same transition;
* **actors** and **phases** are added, removed or renamed: the same id with a new name (title),
  or a new id with the same name;
* **contacts** of an actor (matched by name, else by phone or e-mail) are added, removed or
  changed (name, phone, e-mail, role).

Texts compare with all their translations; the values shown are in the chain's language.
The result holds no geometry: :mod:`prozesskette.layout.diff_marks` places the marks, the
renderers draw them. :func:`revision_text` reads an old version from git (read-only).

The module is ``changes``, not ``diff``: ``prozesskette.diff`` is the API function
(:func:`prozesskette.api.diff`), and a submodule of that name would replace it as the
package's attribute as soon as it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from prozesskette.errors import Issue, ProzessketteError
from prozesskette.messages import _
from prozesskette.model import Actor, Chain, Contact, Step, Text
from prozesskette.words import words_for

__all__ = ["SIGNS", "ChainDiff", "ChangeKind", "ContactChange", "ContactField", "DiffItem",
           "DiffSection", "FieldChange", "NameChange", "StepChange", "StepField",
           "TransitionChange", "change_text", "describe_diff", "diff_chains", "revision_text",
           "split_revision"]

ChangeKind = Literal["added", "removed", "changed", "renamed"]
StepField = Literal["id", "title", "kind", "actors", "phase", "service", "legal_basis", "next",
                    "description", "url"]
ContactField = Literal["name", "phone", "email", "role"]

CONTACT_FIELDS: tuple[ContactField, ...] = ("name", "phone", "email", "role")


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after, as shown to readers ("" when not set)."""

    field: StepField | ContactField
    old: str
    new: str


@dataclass(frozen=True)
class StepChange:
    """A step added, removed, changed or renamed (a renamed step may have changed too: its
    ``fields`` then hold the id and every other field that differs)."""

    kind: ChangeKind
    old_id: str | None  # None: added
    new_id: str | None  # None: removed
    title: str  # the new title (the old one for a removed step)
    fields: tuple[FieldChange, ...] = ()

    @property
    def id(self) -> str:
        """The step's id in the chart it is drawn in: the new one, or the old for a removed
        step."""
        return self.new_id or self.old_id or ""


@dataclass(frozen=True)
class TransitionChange:
    """An arrow added (ids of the new chain) or removed (ids of the old chain)."""

    kind: Literal["added", "removed"]
    source: str
    target: str
    label: str | None


@dataclass(frozen=True)
class NameChange:
    """An actor or phase added, removed or renamed (new name, or new id under the same
    name)."""

    kind: Literal["added", "removed", "renamed"]
    old_id: str | None
    new_id: str | None
    old_name: str
    new_name: str


@dataclass(frozen=True)
class ContactChange:
    """A contact person of an actor added, removed or changed."""

    kind: Literal["added", "removed", "changed"]
    actor: str  # the actor's id in the new chain (the old one if the actor was removed)
    name: str  # the new name (the old one for a removed contact)
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class ChainDiff:
    """Every difference between two chains, each list in file order (new chain first, then
    what only the old one had)."""

    steps: tuple[StepChange, ...]
    transitions: tuple[TransitionChange, ...]
    actors: tuple[NameChange, ...]
    phases: tuple[NameChange, ...]
    contacts: tuple[ContactChange, ...]
    old: Chain = field(compare=False, repr=False)
    new: Chain = field(compare=False, repr=False)

    def __bool__(self) -> bool:
        """True when there is any difference."""
        return bool(self.steps or self.transitions or self.actors or self.phases
                    or self.contacts)

    def step_changes(self, kind: ChangeKind) -> tuple[StepChange, ...]:
        return tuple(change for change in self.steps if change.kind == kind)

    @property
    def old_ids(self) -> dict[str, str]:
        """New step id → its id in the old chain, for every step both chains have."""
        removed = {change.old_id for change in self.step_changes("removed")}
        renamed = {change.new_id: change.old_id for change in self.step_changes("renamed")}
        old_steps = {step.id for step in self.old.steps}
        result: dict[str, str] = {}
        for step in self.new.steps:
            old_id = renamed.get(step.id, step.id)
            if old_id is not None and old_id in old_steps and old_id not in removed:
                result[step.id] = old_id
        return result


# --------------------------------------------------------------------------- values


def _key(value: object) -> object:
    """What two values compare by: texts with all their translations."""
    if isinstance(value, Text):
        return tuple(value.translations.items())
    if isinstance(value, tuple):
        return tuple(_key(item) for item in value)
    return value


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(_shown(item) for item in value)
    return str(value.value if hasattr(value, "value") and not isinstance(value, str)
               else value)


def _names(chain: Chain, actor_ids: Iterable[str]) -> str:
    shown = []
    for actor_id in actor_ids:
        try:
            shown.append(str(chain.actor(actor_id).short or chain.actor(actor_id).name))
        except KeyError:
            shown.append(actor_id)
    return ", ".join(shown)


def _branches(chain: Chain, step: Step) -> str:
    """Where a step goes on, by the next steps' titles: 'Integrationskurs (ja), …'."""
    shown = []
    for transition in step.next:
        try:
            target = str(chain.step(transition.to).title)
        except KeyError:
            target = transition.to
        shown.append(target + (f" ({transition.label})" if transition.label else ""))
    return ", ".join(shown)


# --------------------------------------------------------------------------- matching


def _match_named(old: Iterable[tuple[str, str, object]], new: Iterable[tuple[str, str, object]]
                 ) -> tuple[dict[str, str], list[NameChange]]:
    """Match (id, shown name, compared name) triples by id, then by name: old id → new id,
    and the changes in file order (new first, then removed)."""
    old_items, new_items = list(old), list(new)
    new_ids = {item[0] for item in new_items}
    old_by_id = {item[0]: item for item in old_items}
    mapping: dict[str, str] = {}
    changes: list[NameChange] = []
    unmatched_old = [item for item in old_items if item[0] not in new_ids]
    for new_id, new_name, new_key in new_items:
        if new_id in old_by_id:
            mapping[new_id] = new_id
            _, old_name, old_key = old_by_id[new_id]
            if old_key != new_key:
                changes.append(NameChange("renamed", new_id, new_id, old_name, new_name))
            continue
        same = next((item for item in unmatched_old if item[2] == new_key), None)
        if same is not None:
            unmatched_old.remove(same)
            mapping[same[0]] = new_id
            changes.append(NameChange("renamed", same[0], new_id, same[1], new_name))
        else:
            changes.append(NameChange("added", None, new_id, "", new_name))
    changes.extend(NameChange("removed", old_id, None, name, "")
                   for old_id, name, _ in unmatched_old)
    return mapping, changes


def _step_renames(old: Chain, new: Chain, actor_map: Mapping[str, str]) -> dict[str, str]:
    """Old id → new id of the steps whose id changed but whose title and responsible actors
    did not (first match in file order)."""
    new_ids = {step.id for step in new.steps}
    old_ids = {step.id for step in old.steps}
    candidates = [step for step in new.steps if step.id not in old_ids]
    renames: dict[str, str] = {}
    for step in old.steps:
        if step.id in new_ids:
            continue
        actors = tuple(actor_map.get(a, a) for a in step.responsible)
        for candidate in candidates:
            if _key(candidate.title) == _key(step.title) and candidate.responsible == actors:
                renames[step.id] = candidate.id
                candidates.remove(candidate)
                break
    return renames


class _Maps:
    """Old ids → new ids of actors, phases and steps."""

    def __init__(self, actors: Mapping[str, str], phases: Mapping[str, str],
                 steps: Mapping[str, str]) -> None:
        self.actors, self.phases, self.steps = actors, phases, steps

    def actor(self, actor_id: str) -> str:
        return self.actors.get(actor_id, actor_id)

    def step(self, step_id: str) -> str:
        return self.steps.get(step_id, step_id)


def _step_fields(old: Step, new: Step, maps: _Maps, chains: tuple[Chain, Chain]
                 ) -> list[FieldChange]:
    """The fields of a step that differ, compared with old ids mapped to new ones."""
    old_chain, new_chain = chains
    compared: dict[StepField, tuple[object, object, str, str]] = {
        "title": (_key(old.title), _key(new.title), str(old.title), str(new.title)),
        "kind": (old.kind, new.kind, old.kind.value, new.kind.value),
        "actors": (tuple(maps.actor(a) for a in old.responsible), new.responsible,
                   _names(old_chain, old.responsible), _names(new_chain, new.responsible)),
        "phase": (maps.phases.get(old.phase, old.phase) if old.phase else None, new.phase,
                  _shown(old.phase), _shown(new.phase)),
        "service": (old.service, new.service, _shown(old.service), _shown(new.service)),
        "legal_basis": (old.legal_basis, new.legal_basis, _shown(old.legal_basis),
                        _shown(new.legal_basis)),
        "next": (tuple((maps.step(t.to), _key(t.label)) for t in old.next),
                 tuple((t.to, _key(t.label)) for t in new.next), _branches(old_chain, old),
                 _branches(new_chain, new)),
        "description": (_key(old.description), _key(new.description),
                        _shown(old.description), _shown(new.description)),
        "url": (old.url, new.url, _shown(old.url), _shown(new.url)),
    }
    return [FieldChange(name, old_shown, new_shown)
            for name, (before, after, old_shown, new_shown) in compared.items()
            if before != after]


def _step_changes(old: Chain, new: Chain, maps: _Maps) -> list[StepChange]:
    old_steps = {step.id: step for step in old.steps}
    renamed_to = {new_id: old_id for old_id, new_id in maps.steps.items()}
    changes: list[StepChange] = []
    for step in new.steps:
        old_id = renamed_to.get(step.id, step.id if step.id in old_steps else None)
        if old_id is None:
            changes.append(StepChange("added", None, step.id, str(step.title)))
            continue
        fields_changed = _step_fields(old_steps[old_id], step, maps, (old, new))
        if old_id != step.id:
            changes.append(StepChange("renamed", old_id, step.id, str(step.title),
                                      (FieldChange("id", old_id, step.id), *fields_changed)))
        elif fields_changed:
            changes.append(StepChange("changed", old_id, step.id, str(step.title),
                                      tuple(fields_changed)))
    new_ids = {step.id for step in new.steps}
    changes.extend(StepChange("removed", step.id, None, str(step.title))
                   for step in old.steps if step.id not in new_ids and step.id not in maps.steps)
    return changes


def _transitions(chain: Chain, rename: Callable[[str], str]
                 ) -> dict[tuple[str, str, object], tuple[str, str, str | None]]:
    """(source, target, label key) with ids renamed → the transition as shown."""
    result: dict[tuple[str, str, object], tuple[str, str, str | None]] = {}
    for step in chain.steps:
        for transition in step.next:
            key = (rename(step.id), rename(transition.to), _key(transition.label))
            label = str(transition.label) if transition.label is not None else None
            result.setdefault(key, (step.id, transition.to, label))
    return result


def _transition_changes(old: Chain, new: Chain, maps: _Maps) -> list[TransitionChange]:
    before = _transitions(old, maps.step)
    after = _transitions(new, lambda step_id: step_id)
    changes = [TransitionChange("added", *shown) for key, shown in after.items()
               if key not in before]
    changes += [TransitionChange("removed", *shown) for key, shown in before.items()
                if key not in after]
    return changes


def _contact_values(contact: Contact) -> dict[ContactField, tuple[object, str]]:
    return {name: (_key(getattr(contact, name)), _shown(getattr(contact, name)))
            for name in CONTACT_FIELDS}


def _same_person(old: Contact, new: Contact) -> bool:
    return bool((old.phone and old.phone == new.phone) or (old.email and old.email == new.email))


def _contacts_of(actor: Actor | None) -> list[Contact]:
    return list(actor.contacts) if actor is not None else []


def _contact_changes(old: Chain, new: Chain, maps: _Maps) -> list[ContactChange]:
    old_actors = {maps.actor(actor.id): actor for actor in old.actors}
    new_actors = {actor.id: actor for actor in new.actors}
    changes: list[ContactChange] = []
    for actor_id in [*new_actors, *(a for a in old_actors if a not in new_actors)]:
        before = _contacts_of(old_actors.get(actor_id))
        shown_id = actor_id if actor_id in new_actors else old_actors[actor_id].id
        for contact in _contacts_of(new_actors.get(actor_id)):
            match = next((c for c in before if c.name == contact.name), None) or \
                next((c for c in before if _same_person(c, contact)), None)
            if match is None:
                changes.append(ContactChange("added", shown_id, contact.name))
                continue
            before.remove(match)
            old_values, new_values = _contact_values(match), _contact_values(contact)
            differing = tuple(FieldChange(name, old_values[name][1], new_values[name][1])
                              for name in CONTACT_FIELDS
                              if old_values[name][0] != new_values[name][0])
            if differing:
                changes.append(ContactChange("changed", shown_id, contact.name, differing))
        changes.extend(ContactChange("removed", shown_id, contact.name) for contact in before)
    return changes


def diff_chains(old: Chain, new: Chain) -> ChainDiff:
    """Every difference between ``old`` and ``new`` (see the module docstring)."""
    actor_map, actor_changes = _match_named(
        ((a.id, str(a.name), _key(a.name)) for a in old.actors),
        ((a.id, str(a.name), _key(a.name)) for a in new.actors))
    phase_map, phase_changes = _match_named(
        ((p.id, str(p.title), _key(p.title)) for p in old.phases),
        ((p.id, str(p.title), _key(p.title)) for p in new.phases))
    maps = _Maps(actor_map, phase_map, _step_renames(old, new, actor_map))
    return ChainDiff(steps=tuple(_step_changes(old, new, maps)),
                     transitions=tuple(_transition_changes(old, new, maps)),
                     actors=tuple(actor_changes), phases=tuple(phase_changes),
                     contacts=tuple(_contact_changes(old, new, maps)), old=old, new=new)


# --------------------------------------------------------------------------- in words


SIGNS: dict[ChangeKind, str] = {"added": "+", "removed": "-", "changed": "~", "renamed": "~"}
"""The sign before a difference in plain-text lists (CLI, PDF), as in a unified diff: ASCII,
which every font has (the bundled one has no arrows and no minus sign)."""


class DiffItem(NamedTuple):
    """One difference in words: the headline and the fields with old → new values."""

    kind: ChangeKind
    text: str
    details: tuple[str, ...]


class DiffSection(NamedTuple):
    """The differences of one part of the chain (steps, transitions, …), in words."""

    heading: str
    items: tuple[DiffItem, ...]


def _quoted(words: Mapping[str, str], value: str) -> str:
    return words["quote"].format(value) if value else words["empty"]


def change_text(words: Mapping[str, str], change: FieldChange) -> str:
    """One field's change for readers: 'Titel: „alt“ → „neu“'."""
    return words["field"].format(field=words[f"field/{change.field}"],
                                 old=_quoted(words, change.old), new=_quoted(words, change.new))


def _title_in(chain: Chain, step_id: str) -> str:
    try:
        return str(chain.step(step_id).title)
    except KeyError:
        return step_id


def _actor_name(chain: Chain, actor_id: str) -> str:
    try:
        return str(chain.actor(actor_id).name)
    except KeyError:
        return actor_id


def _transition_item(diff: ChainDiff, change: TransitionChange,
                     words: Mapping[str, str]) -> DiffItem:
    chain = diff.new if change.kind == "added" else diff.old
    text = words[f"edge_{change.kind}"].format(source=_title_in(chain, change.source),
                                               target=_title_in(chain, change.target))
    if change.label:
        text += words["label"].format(change.label)
    return DiffItem(change.kind, text, ())


def _named_item(what: Literal["actor", "phase"], change: NameChange,
                words: Mapping[str, str]) -> DiffItem:
    key = f"{what}_{change.kind}"
    if change.kind == "renamed":
        old = change.old_name + (f" ({change.old_id})" if change.old_id != change.new_id else "")
        new = change.new_name + (f" ({change.new_id})" if change.old_id != change.new_id else "")
        return DiffItem("renamed", words[key].format(old=old, new=new), ())
    return DiffItem(change.kind, words[key].format(change.new_name or change.old_name), ())


def describe_diff(diff: ChainDiff, language: str | None = None) -> tuple[DiffSection, ...]:
    """The differences in words of ``language`` (default: the new chain's), one section per
    part of the chain that differs: for the CLI summary, the PDF's list and tests."""
    words = words_for("diff", language or diff.new.language)
    steps = tuple(DiffItem(change.kind, words[f"step_{change.kind}"].format(change.title),
                           tuple(change_text(words, item) for item in change.fields))
                  for change in diff.steps)
    transitions = tuple(_transition_item(diff, change, words) for change in diff.transitions)
    actors = tuple(_named_item("actor", change, words) for change in diff.actors)
    phases = tuple(_named_item("phase", change, words) for change in diff.phases)
    new_actors = {actor.id for actor in diff.new.actors}
    contacts = tuple(
        DiffItem(change.kind, words[f"contact_{change.kind}"].format(
            actor=_actor_name(diff.new if change.actor in new_actors else diff.old,
                              change.actor), name=change.name),
            tuple(change_text(words, item) for item in change.fields))
        for change in diff.contacts)
    sections = (("steps", steps), ("transitions", transitions), ("actors", actors),
                ("phases", phases), ("contacts", contacts))
    return tuple(DiffSection(words[key], items) for key, items in sections if items)


# --------------------------------------------------------------------------- git


def split_revision(argument: str) -> tuple[str, str | None]:
    """``FILE@REV`` → (FILE, REV); a plain path (also one with an ``@`` of its own that
    names an existing file) → (path, None)."""
    path, at, revision = argument.rpartition("@")
    if not at or not path or not revision or Path(argument).exists():
        return argument, None
    return path, revision


def revision_text(path: str | Path, revision: str) -> str:
    """The text of ``path`` as it was at git ``revision`` (``git show REV:PATH``).

    Read-only: nothing in the repository is changed. Raises :class:`ProzessketteError` with a
    hint when git is missing, the file is not in a repository, or the revision (or the file at
    that revision) is unknown.
    """
    where = f"{path}@{revision}"

    def trouble(message: str, hint: str) -> ProzessketteError:
        return ProzessketteError(Issue(where, 0, 0, "error", message, hint, "revision"))

    if revision.startswith("-") or not revision.strip():  # git would read it as an option
        raise trouble(_("cannot read the old version: '{revision}' is not a revision "
                        "(read-only: nothing in the repository was changed)").format(
                            revision=revision),
                      _("give a commit, tag or branch, e.g. HEAD~1 or v2026-10"))
    import shutil  # with subprocess, only when a git revision is read (3 ms for every run)
    import subprocess

    git = shutil.which("git")
    file = Path(path).resolve()
    if git is None:
        raise trouble(_("cannot read the old version: git is not installed (read-only: "
                        "nothing in the repository was changed)"),
                      _("install git, or give the old version as a file"))
    folder = file.parent if file.parent.is_dir() else Path.cwd()

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([git, *args], cwd=folder, capture_output=True, check=False,
                              timeout=30)

    top = run("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise trouble(_("cannot read the old version: {folder} is not inside a git "
                        "repository (read-only: nothing in the repository was changed)").format(
                            folder=folder),
                      _("give the old version as a file"))
    root = Path(top.stdout.decode("utf-8", "replace").strip()).resolve()
    try:
        relative = file.relative_to(root).as_posix()
    except ValueError:
        relative = Path(path).as_posix()
    shown = run("show", f"{revision}:{relative}")
    if shown.returncode != 0:
        said = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        hint = _("'git log --oneline -- FILE' lists the revisions of the file")
        if not said:
            raise trouble(_("cannot read the old version: unknown revision (read-only: "
                            "nothing in the repository was changed)"), hint)
        raise trouble(_("cannot read the old version: git says: {reason} (read-only: nothing "
                        "in the repository was changed)").format(
                            reason=said[-1].removeprefix("fatal: ")), hint)
    return shown.stdout.decode("utf-8", "replace")
