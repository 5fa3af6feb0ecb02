"""The chain format as typed, frozen dataclasses.

Each field of the format is declared once, on its dataclass field: the type and default in
the annotation, everything else (kind, description, translatable, at least how many items) in
its metadata through :func:`spec`. :data:`FIELDS` and :data:`MODELS` are derived from that;
the loader validates files against them with located messages, :mod:`prozesskette.schema`
turns them into the JSON Schema for editors and docs/gen_format.py into docs/format.md.
Models built in Python are validated on construction and raise :class:`ValueError` listing
every problem.

Deliberately plain ``dataclasses`` rather than pydantic, which would give the same single
declaration: importing pydantic would add about 85 ms to every command run, more than half of
what a whole ``prozesskette render`` may take. (Measured by an earlier session with
``python -X importtime -c "import pydantic"``; pydantic is not installed in the development
environment now, so the figure was not re-measured.)
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date, datetime
from enum import EnumMeta, StrEnum
from typing import Any, Literal, get_args

from prozesskette.errors import Problem
from prozesskette.markup import color_problem, language_problem, link_problem
from prozesskette.messages import _
from prozesskette.source import SourceMap
from prozesskette.vcard import QrFormat

ID_RE = re.compile(r"^[^\W\d][\w\-]*$")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()/\-.]{2,30}$")
_EMAIL_RE = re.compile(r"^[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}$")
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


class LaneOrdering(StrEnum):
    """auto: lanes ordered for few crossings; file: lanes as the actors are listed."""

    auto = "auto"
    file = "file"


class Pin(StrEnum):
    """Where the automatic lane order keeps a lane: first (top) or last (bottom)."""

    top = "top"
    bottom = "bottom"


# --- value checks: each returns an error message, or None if the value is fine ---------------

def phone_problem(value: str) -> Problem | None:
    if not _PHONE_RE.match(value) or sum(ch.isdigit() for ch in value) < 3:
        return Problem(_("'{value}' does not look like a phone number: digits, spaces and "
                         "+ ( ) / - . only, e.g. '+49 3931 123-45'").format(value=value),
                       "phone", names_value=True)
    return None


def email_problem(value: str) -> Problem | None:
    if not _EMAIL_RE.match(value):
        return Problem(_("'{value}' does not look like an e-mail address "
                         "(name@example.org)").format(value=value), "email", names_value=True)
    return None


_DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def date_problem(value: object) -> Problem | None:
    """A day of the calendar, written YYYY-MM-DD. An unquoted ``2026-11-03`` arrives as this
    text, since the loader keeps every scalar a string; a ``datetime.date`` (what
    ``yaml.safe_load`` makes of it, for chains handed over as dicts) is fine too."""
    if isinstance(value, datetime):
        return Problem(_("'{value}' is a point in time: give the day only, as "
                         "YYYY-MM-DD").format(value=value), "date", names_value=True)
    if isinstance(value, date):
        return None
    if not isinstance(value, str):
        return Problem(_("must be a date"), "date")
    written = _DATE_RE.match(value)
    if not written:
        return Problem(_("'{value}' is not a date written as YYYY-MM-DD").format(value=value),
                       "date", names_value=True)
    year, month, day = (int(part) for part in written.groups())
    if not 1 <= month <= 12:
        return Problem(_("'{value}' is not a date: there is no month {month}").format(
            value=value, month=month), "date", names_value=True)
    if year < 1:
        return Problem(_("'{value}' is not a date: there is no year 0").format(value=value),
                       "date", names_value=True)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return Problem(_("'{value}' is not a date: {month} has {days} days").format(
            value=value, month=f"{year:04d}-{month:02d}", days=days), "date", names_value=True)
    return None


def as_date(value: object) -> date | None:
    """The day a valid ``date`` field value stands for (see :func:`date_problem`), else None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and date_problem(value) is None:
        return date.fromisoformat(value)
    return None


def id_problem(value: str) -> Problem | None:
    if not ID_RE.match(value) or len(value) > 80:
        return Problem(_("'{value}' is not a valid id").format(value=value), "id",
                       names_value=True)
    return None


# --- the format, declared once ---------------------------------------------------------------

FieldKind = Literal["text", "longtext", "id", "ids", "url", "phone", "email", "color", "lang",
                    "date", "enum", "list", "next"]
"""How a field is written: ``text`` and ``longtext`` may be translated ({de: …, en: …}),
``ids`` is one id or a list of ids, ``list`` a list of items of another model, ``next`` the
transitions of a step, ``date`` a day as YYYY-MM-DD (held as a :class:`datetime.date`); the
others are one checked string each."""


@dataclass(frozen=True)
class FieldSpec:
    """How one field of the format is written and checked.

    Declared in the field's metadata with :func:`spec`; ``required``, ``item`` and ``choices``
    are filled in from the field's default and type when :data:`FIELDS` is derived.
    """

    kind: FieldKind
    required: bool = False
    description: str = ""
    item: str | None = None  # for lists: the name of the item class
    choices: tuple[str, ...] = ()
    min_items: int = 0
    translatable: bool = False  # a text that readers need in their language


_SPEC = "prozesskette"  # the key of a field's FieldSpec in its dataclass metadata


def spec(kind: FieldKind, description: str, *, translatable: bool = False,
         min_items: int = 0) -> dict[str, FieldSpec]:
    """The metadata that makes a dataclass field part of the chain format:
    ``title: str = field(metadata=spec("text", "Title of the chain.", translatable=True))``."""
    return {_SPEC: FieldSpec(kind, description=description, min_items=min_items,
                             translatable=translatable)}


# A list field's annotation, as the string it is under PEP 563: 'tuple[Actor, ...]'. Read
# with a pattern rather than typing.get_type_hints, which costs about 1 ms at every start.
_ITEMS_ANNOTATION = re.compile(r"tuple\[(\w+), \.\.\.\]")


def _derive_specs(model: type[Any]) -> dict[str, FieldSpec]:
    """The format fields of a model class, in declared order, completed from the dataclass:
    a field without a default is required, a list's item class and an enum's choices come
    from the field's type."""
    result: dict[str, FieldSpec] = {}
    for item in fields(model):
        declared: FieldSpec | None = item.metadata.get(_SPEC)
        if declared is None:  # not written in chain files (Chain.source)
            continue
        required = item.default is MISSING and item.default_factory is MISSING
        item_class: str | None = None
        choices: tuple[str, ...] = ()
        if declared.kind == "list":
            items = _ITEMS_ANNOTATION.fullmatch(str(item.type))
            if items is None:
                raise TypeError(f"{model.__name__}.{item.name}: annotate a list field as "
                                "tuple[Item, ...]")
            item_class = items.group(1)
        elif declared.kind == "enum":  # a StrEnum, or a Literal alias such as QrFormat
            kind: Any = globals()[str(item.type).removesuffix(" | None")]
            enum = isinstance(kind, EnumMeta)
            choices = tuple(str(member.value) for member in kind) if enum \
                else tuple(get_args(kind))
        result[item.name] = replace(declared, required=required, item=item_class,
                                    choices=choices)
    return result


def _text_problem(value: Any, limit: int = MAX_TEXT, *,
                  allow_empty: bool = False) -> Problem | None:
    if not isinstance(value, str):
        return Problem(_("must be a text"), "not-text")
    if _SURROGATE_RE.search(value):
        return _broken_character()
    if not value.strip() and not allow_empty:
        return Problem(_("must not be empty"), "empty")
    if len(value) > limit:
        return Problem(_("is too long ({count} characters; at most {limit})").format(
            count=f"{len(value):,}", limit=f"{limit:,}"), "too-long")
    return None


def _broken_character() -> Problem:
    return Problem(_("contains a broken character (a lone UTF-16 surrogate)"), "broken-character")


def value_problem(spec: FieldSpec, value: Any) -> Problem | None:
    """The problem with a scalar value of a field, or None. Lists are checked by the caller."""
    kind = spec.kind
    if kind in ("text", "longtext") and isinstance(value, dict):
        return translations_problem(spec, value)
    if kind in ("text", "longtext"):
        return _text_problem(value, MAX_LONG_TEXT if kind == "longtext" else MAX_TEXT,
                             allow_empty=kind == "longtext")
    if kind == "date":
        return date_problem(value)
    if not isinstance(value, str):
        return Problem(_("must be a text"), "not-text")
    if _SURROGATE_RE.search(value):
        return _broken_character()
    checks: dict[str, Callable[[str], Problem | None]] = {
        "id": id_problem, "url": link_problem, "phone": phone_problem, "email": email_problem,
        "color": color_problem, "lang": language_problem}
    if kind in checks:
        return checks[kind](value)
    if kind == "enum" and value not in spec.choices:
        return Problem(_("'{value}' is not one of {choices}").format(
            value=value, choices=", ".join(spec.choices)), "enum", names_value=True)
    return None


def translations_problem(spec: FieldSpec, value: dict[Any, Any]) -> Problem | None:
    """The first problem of a text given as ``{language: text}``, or None."""
    if not value:
        return Problem(_("must not be empty: give the text, or translations such as "
                         "{de: …, en: …}"), "empty")
    for language, text in value.items():
        problem = language_problem(language)
        if problem:
            return Problem(_("has a translation under {problem}: use tags such as de, en, ar, "
                             "de-x-ls").format(problem=problem), "lang")
        problem = value_problem(FieldSpec(spec.kind), text)
        if problem:
            return Problem(_("in '{language}' {problem}").format(
                language=language, problem=problem), problem.code)
    return None


def _validate(obj: Any) -> None:
    """Check a model built in Python; raise ValueError naming every bad field."""
    specs = FIELDS[type(obj).__name__]
    problems: list[str] = []
    for name, field_spec in specs.items():
        value = getattr(obj, name)
        if value is None or field_spec.kind in ("list", "next"):
            if value is None and field_spec.required:
                problems.append(f"{name}: " + _("missing"))
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
        raise ValueError(_("invalid {model}: {problems}").format(
            model=type(obj).__name__, problems="; ".join(problems)))


def _tuple(obj: Any, name: str) -> None:
    value = getattr(obj, name)
    if isinstance(value, list):
        object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact person; each becomes a vCard QR code in the lane header."""

    name: str = field(metadata=spec("text", "Full name, e.g. 'Erika Beispiel'."))
    role: str | None = field(default=None, metadata=spec(
        "text", "Function, e.g. 'Integrationsfachkraft U25'.", translatable=True))
    phone: str | None = field(default=None, metadata=spec(
        "phone", "Phone number, e.g. '+49 3931 0000-00'."))
    email: str | None = field(default=None, metadata=spec("email", "E-mail address."))
    url: str | None = field(default=None, metadata=spec(
        "url", "Web page: https://, http://, mailto: or tel:."))
    address: str | None = field(default=None, metadata=spec(
        "text", "Postal address on one line."))
    organization: str | None = field(default=None, metadata=spec(
        "text", "Organisation, if not the actor's name."))
    checked: date | None = field(default=None, metadata=spec(
        "date", "The day these details were last confirmed, as YYYY-MM-DD; "
        "'check --max-age MONTHS' warns when it is longer ago, or missing."))
    """Also accepted as the text 'YYYY-MM-DD' (as chain files write it), kept as a date."""
    qr: QrFormat | None = field(default=None, metadata=spec(
        "enum", "What this contact's QR code carries, if not the chain's 'qr' (see there)."))

    def __post_init__(self) -> None:
        day = as_date(self.checked)
        if day is not None:
            object.__setattr__(self, "checked", day)
        _validate(self)


@dataclass(frozen=True, slots=True)
class Actor:
    """An institution or person responsible for steps; one swimlane each."""

    id: str = field(metadata=spec(
        "id", "Short name used to refer to the actor, e.g. 'jobcenter'."))
    name: str = field(metadata=spec("text", "Full name shown in the lane header.",
                                    translatable=True))
    short: str | None = field(default=None, metadata=spec(
        "text", "Short name, e.g. 'JC'.", translatable=True))
    color: str | None = field(default=None, metadata=spec("color", "Lane colour as #rrggbb."))
    description: str | None = field(default=None, metadata=spec(
        "longtext", "What the actor does.", translatable=True))
    url: str | None = field(default=None, metadata=spec("url", "Web page of the institution."))
    contacts: tuple[Contact, ...] = field(default=(), metadata=spec(
        "list", "Contact persons (one QR code each)."))
    pin: Pin | None = field(default=None, metadata=spec(
        "enum", "top or bottom: where the automatic lane order keeps this lane (e.g. the "
        "person on top); pinned lanes keep their file order among themselves."))

    def __post_init__(self) -> None:
        _tuple(self, "contacts")
        if isinstance(self.pin, str) and self.pin in Pin.__members__:
            object.__setattr__(self, "pin", Pin(self.pin))
        if self.color is not None:
            object.__setattr__(self, "color", self.color.lower())
        _validate(self)


@dataclass(frozen=True, slots=True)
class Phase:
    """A stage of the chain; phases are column ranges in the chart, in file order."""

    id: str = field(metadata=spec("id", "Short name used to refer to the phase."))
    title: str = field(metadata=spec("text", "Title shown above the phase's columns.",
                                     translatable=True))

    def __post_init__(self) -> None:
        _validate(self)


@dataclass(frozen=True, slots=True)
class Service:
    """An offer (e.g. 'Sprachförderung'); steps of different actors with the same service
    are *overlaps*."""

    id: str = field(metadata=spec("id", "Short name used in steps' 'service'."))
    title: str = field(metadata=spec(
        "text", "What the offer is called, e.g. 'Sprachförderung'.", translatable=True))
    description: str | None = field(default=None, metadata=spec(
        "longtext", "What the offer is.", translatable=True))

    def __post_init__(self) -> None:
        _validate(self)


@dataclass(frozen=True, slots=True)
class Transition:
    """An arrow to the next step, optionally labelled (decisions label every branch)."""

    to: str = field(metadata=spec("id", "The id of the next step."))
    label: str | None = field(default=None, metadata=spec(
        "text", "Label on the arrow, e.g. 'ja'.", translatable=True))

    def __post_init__(self) -> None:
        _validate(self)


def _transition(item: Any) -> Transition:
    if isinstance(item, Transition):
        return item
    if isinstance(item, str):
        return Transition(item)
    if isinstance(item, dict):
        return Transition(**item)
    raise ValueError(_("next: {item} is neither a step id nor {{to: id, label: text}}").format(
        item=repr(item)))


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the chain, in the lane of the actor(s) responsible for it."""

    id: str = field(metadata=spec("id", "Short name used in other steps' 'next'."))
    title: str = field(metadata=spec("text", "Text in the box; keep it short.",
                                     translatable=True))
    description: str | None = field(default=None, metadata=spec(
        "longtext", "Details (not drawn in the box).", translatable=True))
    kind: StepKind = field(default=StepKind.task, metadata=spec("enum", "Shape of the step."))
    actor: str | None = field(default=None, metadata=spec(
        "id", "The responsible actor's id."))
    actors: tuple[str, ...] | None = field(default=None, metadata=spec(
        "ids", "Several co-responsible actors' ids, lead first (instead of 'actor')."))
    phase: str | None = field(default=None, metadata=spec(
        "id", "The phase id (required if phases exist)."))
    next: tuple[Transition, ...] = field(default=(), metadata=spec(
        "next", "Following steps: ids, or {to: id, label: text} items (decisions label every "
        "branch)."))
    legal_basis: str | None = field(default=None, metadata=spec(
        "text", "Legal basis, e.g. '§ 44 AufenthG'."))
    service: str | None = field(default=None, metadata=spec(
        "id", "The offer this step provides; the same service from different actors is an "
        "overlap."))
    url: str | None = field(default=None, metadata=spec(
        "url", "Further information about this step."))

    def __post_init__(self) -> None:
        if not isinstance(self.kind, StepKind):
            try:
                object.__setattr__(self, "kind", StepKind(self.kind))
            except ValueError:
                raise ValueError(_("invalid {model}: {problems}").format(
                    model="Step", problems="kind: " + _("'{value}' is not one of {choices}").format(
                        value=self.kind, choices=", ".join(k.value for k in StepKind)))) from None
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
            raise ValueError(_("invalid {model}: {problems}").format(
                model="Step", problems=_("give either 'actor' or 'actors', not both")))
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

    # In file order (as docs/format.md lists them). Only title, actors and steps may be given
    # by position, so the optional fields between them are keyword-only.
    title: str = field(metadata=spec("text", "Title of the chain.", translatable=True))
    region: str | None = field(default=None, kw_only=True, metadata=spec(
        "text", "e.g. 'Landkreis Stendal'.", translatable=True))
    version: str | None = field(default=None, kw_only=True, metadata=spec(
        "text", "The 'Stand', e.g. '2017-12'."))
    language: str = field(default="de", kw_only=True, metadata=spec(
        "lang", "Language tag of the texts, e.g. 'de'."))
    direction: Direction = field(default=Direction.lr, kw_only=True, metadata=spec(
        "enum", "lr: lanes as rows, time left to right; tb: lanes as columns, time downwards."))
    qr: QrFormat = field(default="vcard", kw_only=True, metadata=spec(
        "enum", "What the contacts' QR codes carry: vcard (name, organisation, phone, e-mail), "
        "mecard (the same, shorter: smaller codes), tel (the phone number only) or url (the "
        "contact's web page only). See docs/qr.md for which phones read which."))
    lane_order: LaneOrdering = field(default=LaneOrdering.auto, kw_only=True, metadata=spec(
        "enum", "auto: lanes in the order with the fewest crossings (actors' 'pin' kept); "
        "file: lanes as the actors are listed."))
    author: str | None = field(default=None, kw_only=True, metadata=spec(
        "text", "Who maintains the chain."))
    description: str | None = field(default=None, kw_only=True, metadata=spec(
        "longtext", "What the chain is about.", translatable=True))
    actors: tuple[Actor, ...] = field(metadata=spec(
        "list", "Institutions and people; one lane each.", min_items=1))
    phases: tuple[Phase, ...] = field(default=(), kw_only=True, metadata=spec(
        "list", "Stages of the chain, in order (columns)."))
    services: tuple[Service, ...] = field(default=(), kw_only=True, metadata=spec(
        "list", "Titles for the offers that steps name in 'service'."))
    steps: tuple[Step, ...] = field(metadata=spec(
        "list", "The steps, roughly in order.", min_items=1))
    source: SourceMap | None = field(default=None, kw_only=True, compare=False, repr=False)
    """Where each part stood in the file the chain came from, if any (not a format field)."""

    def __post_init__(self) -> None:
        for name in ("actors", "steps", "phases", "services"):
            _tuple(self, name)
        if not isinstance(self.direction, Direction):
            object.__setattr__(self, "direction", Direction(self.direction))
        if self.lane_order in LaneOrdering.__members__:
            object.__setattr__(self, "lane_order", LaneOrdering(self.lane_order))
        if not self.actors or not self.steps:
            raise ValueError(_("invalid {model}: {problems}").format(
                model="Chain", problems=_("needs at least one actor and one step")))
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
        # The one import of a higher layer that the layering allows (issue 13): the display
        # hook needs the whole pipeline, and runs only when a notebook shows a chain.
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


MODELS: dict[str, type[Any]] = {model.__name__: model for model in (
    Chain, Actor, Contact, Phase, Service, Step, Transition)}
"""The model classes by name, in the order the format reference lists them."""

FIELDS: dict[str, dict[str, FieldSpec]] = {name: _derive_specs(model)
                                           for name, model in MODELS.items()}
"""The chain format, derived from the field metadata above: class name → field name → spec.
The loader checks files against it, :mod:`prozesskette.schema` turns it into the JSON Schema
and docs/gen_format.py into docs/format.md."""


def _plain(obj: Any) -> Any:
    if isinstance(obj, Text):
        return dict(obj.translations)
    if isinstance(obj, StrEnum):
        return obj.value
    if isinstance(obj, date):  # plain data holds a day as written: YYYY-MM-DD
        return obj.isoformat()
    if isinstance(obj, tuple):
        return [_plain(item) for item in obj]
    if type(obj).__name__ in MODELS and not isinstance(obj, str):
        result: dict[str, Any] = {}
        for item in fields(obj):
            value = getattr(obj, item.name)
            if _SPEC not in item.metadata or value is None or value == () or \
                    value == item.default:  # not a format field, not set, or the default
                continue
            result[item.name] = _plain(value)
        return result
    return obj
