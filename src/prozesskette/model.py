"""The chain format as typed, frozen dataclasses.

Deliberately plain ``dataclasses`` rather than pydantic: importing pydantic alone takes about
0.1 s here, more than half of the 0.15 s a whole ``prozesskette render`` may take. The format is
declared once, in :data:`FIELDS`; the loader validates against it with located messages, and
``prozesskette schema`` turns it into the JSON Schema for editors. Models built in Python are
validated on construction and raise :class:`ValueError` listing every problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

ID_RE = re.compile(r"^[^\W\d][\w\-]*$")
ALLOWED_URL_SCHEMES = ("http", "https", "mailto", "tel")
_URL_RE = re.compile(
    r"^(?:https?://[^\s/$.?#<>\"'][^\s<>\"']*|mailto:[^\s@<>\"']+@[^\s@<>\"']+"
    r"|tel:\+?[0-9()\-./ ]+)$",
    re.IGNORECASE,
)
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()/\-.]{2,30}$")
_EMAIL_RE = re.compile(r"^[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}$")
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# BCP 47 in the forms chains use: 'de', 'pt-BR', 'sr-Latn', and private use such as 'de-x-ls'
LANG_RE = re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*(-x(-[A-Za-z0-9]{1,8})+)?$")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
MAX_TEXT = 2000
MAX_LONG_TEXT = 20000


EASY_LANGUAGE = "de-x-ls"
"""The tag of Leichte Sprache (German easy-to-read language): a private-use BCP 47 tag, so
that it stays German for browsers and screen readers (primary subtag 'de')."""


class Text(str):
    """A text in several languages, e.g. ``Text({"de": "Ankunft", "en": "Arrival"})``.

    It *is* the text of its first language (a ``str``), so every part of the pipeline that
    only needs one language works unchanged; :func:`prozesskette.i18n.localise` picks another.
    """

    translations: dict[str, str]

    def __new__(cls, translations: dict[str, str]) -> Text:
        values = dict(translations)
        first = next(iter(values.values()), "")
        self = super().__new__(cls, first if isinstance(first, str) else "")
        self.translations = values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.translations,))

    def first(self, language: str) -> Text:
        """The same translations with ``language`` first (the text it reads as)."""
        if language not in self.translations or next(iter(self.translations)) == language:
            return self
        return Text({language: self.translations[language], **self.translations})


def text_of(value: Any, first: str | None = None) -> Any:
    """A field value as stored: mappings of language tags become :class:`Text`."""
    if isinstance(value, dict) and value and not isinstance(value, Text):
        text = Text(value)
        return text.first(first) if first else text
    return value


class StepKind(StrEnum):
    """The shape of a step in the chart."""

    start = "start"
    task = "task"
    decision = "decision"
    document = "document"
    end = "end"


class Direction(StrEnum):
    """lr: lanes are rows and time runs left to right; tb: lanes are columns, time runs down."""

    lr = "lr"
    tb = "tb"


# --- value checks: each returns an error message, or None if the value is fine ---------------

def url_problem(value: str) -> str | None:
    """Only http(s), mailto and tel links: anything else could run script in a page."""
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in ALLOWED_URL_SCHEMES or not _URL_RE.match(value):
        return f"'{value}' is not an allowed link: use https://…, http://…, mailto:… or tel:…"
    return None


def phone_problem(value: str) -> str | None:
    if not _PHONE_RE.match(value) or sum(ch.isdigit() for ch in value) < 3:
        return (f"'{value}' does not look like a phone number: digits, spaces and + ( ) / - . "
                "only, e.g. '+49 3931 123-45'")
    return None


def email_problem(value: str) -> str | None:
    if not _EMAIL_RE.match(value):
        return f"'{value}' does not look like an e-mail address (name@example.org)"
    return None


def color_problem(value: str) -> str | None:
    if not _COLOR_RE.match(value):
        return f"'{value}' is not a colour: write it as #rrggbb, e.g. '#e8f1fb'"
    return None


def id_problem(value: str) -> str | None:
    if not ID_RE.match(value) or len(value) > 80:
        return f"'{value}' is not a valid id"
    return None


def language_problem(value: str) -> str | None:
    if not isinstance(value, str) or not LANG_RE.match(value):
        return f"'{value}' is not a language tag"
    return None


# --- the format, declared once ---------------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    """How one field of the format is written and checked."""

    # text | longtext | id | ids | url | phone | email | color | lang | enum | list | next
    kind: str
    required: bool = False
    description: str = ""
    item: str | None = None  # for lists: the name of the item class
    choices: tuple[str, ...] = ()
    min_items: int = 0
    translatable: bool = False  # a text that readers need in their language


FIELDS: dict[str, dict[str, FieldSpec]] = {
    "Chain": {
        "title": FieldSpec("text", True, "Title of the chain.", translatable=True),
        "region": FieldSpec("text", description="e.g. 'Landkreis Stendal'.", translatable=True),
        "version": FieldSpec("text", description="The 'Stand', e.g. '2017-12'."),
        "language": FieldSpec("lang", description="Language tag of the texts, e.g. 'de'."),
        "direction": FieldSpec("enum", description="lr: lanes as rows, time left to right; "
                               "tb: lanes as columns, time downwards.", choices=("lr", "tb")),
        "author": FieldSpec("text", description="Who maintains the chain."),
        "description": FieldSpec("longtext", description="What the chain is about.",
                                 translatable=True),
        "actors": FieldSpec("list", True, "Institutions and people; one lane each.",
                            item="Actor", min_items=1),
        "phases": FieldSpec("list", description="Stages of the chain, in order (columns).",
                            item="Phase"),
        "services": FieldSpec("list", description="Titles for the offers that steps name in "
                              "'service'.", item="Service"),
        "steps": FieldSpec("list", True, "The steps, roughly in order.", item="Step",
                           min_items=1),
    },
    "Actor": {
        "id": FieldSpec("id", True, "Short name used to refer to the actor, e.g. 'jobcenter'."),
        "name": FieldSpec("text", True, "Full name shown in the lane header.", translatable=True),
        "short": FieldSpec("text", description="Short name, e.g. 'JC'.", translatable=True),
        "color": FieldSpec("color", description="Lane colour as #rrggbb."),
        "description": FieldSpec("longtext", description="What the actor does.",
                                 translatable=True),
        "url": FieldSpec("url", description="Web page of the institution."),
        "contacts": FieldSpec("list", description="Contact persons (one QR code each).",
                              item="Contact"),
    },
    "Contact": {
        "name": FieldSpec("text", True, "Full name, e.g. 'Erika Beispiel'."),
        "role": FieldSpec("text", description="Function, e.g. 'Integrationsfachkraft U25'.",
                         translatable=True),
        "phone": FieldSpec("phone", description="Phone number, e.g. '+49 3931 0000-00'."),
        "email": FieldSpec("email", description="E-mail address."),
        "url": FieldSpec("url", description="Web page: https://, http://, mailto: or tel:."),
        "address": FieldSpec("text", description="Postal address on one line."),
        "organization": FieldSpec("text", description="Organisation, if not the actor's name."),
    },
    "Phase": {
        "id": FieldSpec("id", True, "Short name used to refer to the phase."),
        "title": FieldSpec("text", True, "Title shown above the phase's columns.",
                           translatable=True),
    },
    "Service": {
        "id": FieldSpec("id", True, "Short name used in steps' 'service'."),
        "title": FieldSpec("text", True, "What the offer is called, e.g. 'Sprachförderung'.",
                           translatable=True),
        "description": FieldSpec("longtext", description="What the offer is.",
                                 translatable=True),
    },
    "Step": {
        "id": FieldSpec("id", True, "Short name used in other steps' 'next'."),
        "title": FieldSpec("text", True, "Text in the box; keep it short.", translatable=True),
        "description": FieldSpec("longtext", description="Details (not drawn in the box).",
                                 translatable=True),
        "kind": FieldSpec("enum", description="Shape of the step.",
                          choices=tuple(kind.value for kind in StepKind)),
        "actor": FieldSpec("id", description="The responsible actor's id."),
        "actors": FieldSpec("ids", description="Several co-responsible actors' ids, lead first "
                            "(instead of 'actor')."),
        "phase": FieldSpec("id", description="The phase id (required if phases exist)."),
        "next": FieldSpec("next", description="Following steps: ids, or {to: id, label: text} "
                          "items (decisions label every branch)."),
        "legal_basis": FieldSpec("text", description="Legal basis, e.g. '§ 44 AufenthG'."),
        "service": FieldSpec("id", description="The offer this step provides; the same service "
                             "from different actors is an overlap."),
        "url": FieldSpec("url", description="Further information about this step."),
    },
    "Transition": {
        "to": FieldSpec("id", True, "The id of the next step."),
        "label": FieldSpec("text", description="Label on the arrow, e.g. 'ja'.",
                           translatable=True),
    },
}


def _text_problem(value: Any, limit: int = MAX_TEXT, *, allow_empty: bool = False) -> str | None:
    if not isinstance(value, str):
        return "must be a text"
    if _SURROGATE_RE.search(value):
        return "contains a broken character (a lone UTF-16 surrogate)"
    if not value.strip() and not allow_empty:
        return "must not be empty"
    if len(value) > limit:
        return f"is too long ({len(value):,} characters; at most {limit:,})"
    return None


def value_problem(spec: FieldSpec, value: Any) -> str | None:
    """The problem with a scalar value of a field, or None. Lists are checked by the caller."""
    kind = spec.kind
    if kind in ("text", "longtext") and isinstance(value, dict):
        return translations_problem(spec, value)
    if kind in ("text", "longtext"):
        return _text_problem(value, MAX_LONG_TEXT if kind == "longtext" else MAX_TEXT,
                             allow_empty=kind == "longtext")
    if not isinstance(value, str):
        return "must be a text"
    if _SURROGATE_RE.search(value):
        return "contains a broken character (a lone UTF-16 surrogate)"
    checks = {"id": id_problem, "url": url_problem, "phone": phone_problem,
              "email": email_problem, "color": color_problem, "lang": language_problem}
    if kind in checks:
        return checks[kind](value)
    if kind == "enum" and value not in spec.choices:
        return f"'{value}' is not one of " + ", ".join(spec.choices)
    return None


def translations_problem(spec: FieldSpec, value: dict[Any, Any]) -> str | None:
    """The first problem of a text given as ``{language: text}``, or None."""
    if not value:
        return "must not be empty: give the text, or translations such as {de: …, en: …}"
    for language, text in value.items():
        problem = language_problem(language) if isinstance(language, str) else \
            f"'{language}' is not a language tag"
        if problem:
            return f"has a translation under {problem}: use tags such as de, en, ar, de-x-ls"
        problem = value_problem(FieldSpec(spec.kind), text)
        if problem:
            return f"in '{language}' {problem}"
    return None


def _validate(obj: Any) -> None:
    """Check a model built in Python; raise ValueError naming every bad field."""
    spec = FIELDS[type(obj).__name__]
    problems: list[str] = []
    for name, field_spec in spec.items():
        value = getattr(obj, name)
        if value is None or field_spec.kind in ("list", "next"):
            if value is None and field_spec.required:
                problems.append(f"{name}: missing")
            continue
        if field_spec.kind == "ids":
            problems += [f"{name}: {p}" for v in value if (p := value_problem(
                FieldSpec("id"), v))]
            continue
        if field_spec.kind == "enum":
            value = str(value.value) if isinstance(value, StrEnum) else value
        if isinstance(value, dict) and field_spec.kind in ("text", "longtext"):
            value = text_of(value)
            object.__setattr__(obj, name, value)
        if isinstance(value, Text):
            value = value.translations
        problem = value_problem(field_spec, value)
        if problem:
            problems.append(f"{name}: {problem}")
    if problems:
        raise ValueError(f"invalid {type(obj).__name__}: " + "; ".join(problems))


def _tuple(obj: Any, name: str) -> None:
    value = getattr(obj, name)
    if isinstance(value, list):
        object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact person; each becomes a vCard QR code in the lane header."""

    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    address: str | None = None
    organization: str | None = None

    def __post_init__(self) -> None:
        _validate(self)


@dataclass(frozen=True, slots=True)
class Actor:
    """An institution or person responsible for steps; one swimlane each."""

    id: str
    name: str
    short: str | None = None
    color: str | None = None
    description: str | None = None
    url: str | None = None
    contacts: tuple[Contact, ...] = ()

    def __post_init__(self) -> None:
        _tuple(self, "contacts")
        if self.color is not None:
            object.__setattr__(self, "color", self.color.lower())
        _validate(self)


@dataclass(frozen=True, slots=True)
class Phase:
    """A stage of the chain; phases are column ranges in the chart, in file order."""

    id: str
    title: str

    def __post_init__(self) -> None:
        _validate(self)


@dataclass(frozen=True, slots=True)
class Service:
    """An offer (e.g. 'Sprachförderung'); steps of different actors with the same service
    are *overlaps*."""

    id: str
    title: str
    description: str | None = None

    def __post_init__(self) -> None:
        _validate(self)


@dataclass(frozen=True, slots=True)
class Transition:
    """An arrow to the next step, optionally labelled (decisions label every branch)."""

    to: str
    label: str | None = None

    def __post_init__(self) -> None:
        _validate(self)


def _transition(item: Any) -> Transition:
    if isinstance(item, Transition):
        return item
    if isinstance(item, str):
        return Transition(item)
    if isinstance(item, dict):
        return Transition(**item)
    raise ValueError(f"next: {item!r} is neither a step id nor {{to: id, label: text}}")


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the chain, in the lane of the actor(s) responsible for it."""

    id: str
    title: str
    description: str | None = None
    kind: StepKind = StepKind.task
    actor: str | None = None
    actors: tuple[str, ...] | None = None
    phase: str | None = None
    next: tuple[Transition, ...] = ()
    legal_basis: str | None = None
    service: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, StepKind):
            try:
                object.__setattr__(self, "kind", StepKind(self.kind))
            except ValueError:
                raise ValueError(f"invalid Step: kind: '{self.kind}' is not one of "
                                 + ", ".join(k.value for k in StepKind)) from None
        if isinstance(self.actors, str):
            object.__setattr__(self, "actors", (self.actors,))
        _tuple(self, "actors")
        nxt: Any = self.next
        if nxt is None:
            nxt = ()
        elif isinstance(nxt, str | dict | Transition):
            nxt = (nxt,)
        object.__setattr__(self, "next", tuple(_transition(item) for item in nxt))
        if self.actor is not None and self.actors is not None:
            raise ValueError("invalid Step: give either 'actor' or 'actors', not both")
        _validate(self)

    @property
    def responsible(self) -> tuple[str, ...]:
        """Ids of the responsible actors, the lead first."""
        if self.actors is not None:
            return tuple(dict.fromkeys(self.actors))
        return (self.actor,) if self.actor else ()


@dataclass(frozen=True, slots=True)
class Chain:
    """A process chain: who does what, in which order, and whom to call."""

    title: str
    actors: tuple[Actor, ...]
    steps: tuple[Step, ...]
    region: str | None = None
    version: str | None = None
    language: str = "de"
    direction: Direction = Direction.lr
    author: str | None = None
    description: str | None = None
    phases: tuple[Phase, ...] = ()
    services: tuple[Service, ...] = ()
    source: Any = field(default=None, compare=False, repr=False)
    """The :class:`prozesskette.loader.SourceMap` of the file the chain came from, if any."""

    def __post_init__(self) -> None:
        for name in ("actors", "steps", "phases", "services"):
            _tuple(self, name)
        if not isinstance(self.direction, Direction):
            object.__setattr__(self, "direction", Direction(self.direction))
        if not self.actors or not self.steps:
            raise ValueError("invalid Chain: needs at least one actor and one step")
        _validate(self)
        _texts_first(self, self.language)

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the file format (only fields that are set)."""
        result: dict[str, Any] = _plain(self)
        return result

    def _repr_svg_(self) -> str:
        """Jupyter shows a chain as its chart."""
        from prozesskette.api import to_svg

        return to_svg(self)


def _texts_first(obj: Any, language: str) -> None:
    """Let every translated text of ``obj`` and its parts read in ``language``."""
    for name, spec in FIELDS[type(obj).__name__].items():
        value = getattr(obj, name)
        if isinstance(value, Text):
            object.__setattr__(obj, name, value.first(language))
        elif spec.kind in ("list", "next"):
            for item in value or ():
                _texts_first(item, language)


MODELS: dict[str, type[Any]] = {"Chain": Chain, "Actor": Actor, "Contact": Contact,
                                "Phase": Phase, "Service": Service, "Step": Step,
                                "Transition": Transition}


def _plain(obj: Any) -> Any:
    if isinstance(obj, Text):
        return dict(obj.translations)
    if isinstance(obj, StrEnum):
        return obj.value
    if isinstance(obj, tuple):
        return [_plain(item) for item in obj]
    if type(obj).__name__ in MODELS and not isinstance(obj, str):
        result: dict[str, Any] = {}
        for item in fields(obj):
            if item.name == "source":
                continue
            value = getattr(obj, item.name)
            if value is None or value == () or (item.name == "kind" and value == "task") or (
                    item.name == "language" and value == "de") or (
                    item.name == "direction" and value == "lr"):
                continue
            result[item.name] = _plain(value)
        return result
    return obj
