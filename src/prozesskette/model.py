"""The chain format as typed, frozen models.

The models are the format's documentation: field descriptions become the JSON Schema that
``prozesskette schema`` prints for editor completion. They can be built in Python as well as
loaded from YAML (see :mod:`prozesskette.load`).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[^\W\d][\w\-]*$"
Identifier = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=80),
    Field(description="A short name used to refer to this item: letters, digits, '_' and '-', "
          "starting with a letter, e.g. 'jobcenter'."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]

ALLOWED_URL_SCHEMES = ("http", "https", "mailto", "tel")
_URL_RE = re.compile(r"^(?:https?://[^\s/$.?#][^\s]*|mailto:[^\s@]+@[^\s@]+|tel:\+?[0-9()\-./ ]+)$",
                     re.IGNORECASE)
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()/\-.]{2,30}$")
_EMAIL_RE = re.compile(r"^[^\s@<>\"']+@[^\s@<>\"']+\.[A-Za-z]{2,}$")
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

def check_url(value: str) -> str:
    """Accept only http(s), mailto and tel links; anything else could run script in a page."""
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in ALLOWED_URL_SCHEMES or not _URL_RE.match(value):
        raise ValueError(
            f"'{value}' is not an allowed link: use https://…, http://…, mailto:… or tel:…"
        )
    return value

class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

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

class Contact(_Frozen):
    """A contact person; each becomes a vCard QR code in the lane header."""

    name: Text = Field(description="Full name, e.g. 'Erika Beispiel'.")
    role: Text | None = Field(None, description="Function, e.g. 'Integrationsfachkraft U25'.")
    phone: str | None = Field(None, description="Phone number, e.g. '+49 3931 0000-00'.")
    email: str | None = Field(None, description="E-mail address.")
    url: str | None = Field(None, description="Web page: https://, http://, mailto: or tel:.")
    address: Text | None = Field(None, description="Postal address on one line.")
    organization: Text | None = Field(
        None, description="Organisation, if not the actor's name (used in the vCard)."
    )

    @field_validator("phone")
    @classmethod
    def _phone_shape(cls, value: str | None) -> str | None:
        if value is not None and (
            not _PHONE_RE.match(value) or sum(ch.isdigit() for ch in value) < 3
        ):
            raise ValueError(
                f"'{value}' does not look like a phone number: digits, spaces and + ( ) / - . only,"
                " e.g. '+49 3931 123-45'"
            )
        return value

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL_RE.match(value):
            raise ValueError(f"'{value}' does not look like an e-mail address (name@example.org)")
        return value

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)

class Actor(_Frozen):
    """An institution or person responsible for steps; one swimlane each."""

    id: Identifier
    name: Text = Field(description="Full name shown in the lane header.")
    short: Text | None = Field(None, description="Short name for narrow spaces, e.g. 'JC'.")
    color: str | None = Field(None, description="Lane colour as #rgb or #rrggbb.")
    description: LongText | None = None
    url: str | None = Field(None, description="Web page of the institution.")
    contacts: tuple[Contact, ...] = Field(default=(), description="Contact persons.")

    @field_validator("color")
    @classmethod
    def _color_shape(cls, value: str | None) -> str | None:
        if value is not None and not _COLOR_RE.match(value):
            raise ValueError(f"'{value}' is not a colour: write it as #rrggbb, e.g. '#e8f1fb'")
        return value.lower() if value else value

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)

class Phase(_Frozen):
    """A stage of the chain; phases are column ranges in the chart, in file order."""

    id: Identifier
    title: Text

class Service(_Frozen):
    """An offer (e.g. 'Sprachförderung') that steps of several actors may provide.

    Steps that name the same ``service`` but belong to different actors are *overlaps*.
    """

    id: Identifier
    title: Text
    description: LongText | None = None

class Transition(_Frozen):
    """An arrow to the next step, optionally labelled (decisions label every branch)."""

    to: Identifier
    label: Text | None = None

class Step(_Frozen):
    """One step of the chain, in the lane of the actor(s) responsible for it."""

    id: Identifier
    title: Text
    description: LongText | None = None
    kind: StepKind = StepKind.task
    actor: Identifier | None = Field(None, description="The responsible actor's id.")
    actors: tuple[Identifier, ...] | None = Field(
        None, description="Several co-responsible actors' ids (instead of 'actor')."
    )
    phase: Identifier | None = Field(None, description="The phase id (required if phases exist).")
    next: tuple[Transition, ...] = Field(
        default=(), description="Following steps: ids, or {to: id, label: text} items."
    )
    legal_basis: Text | None = Field(None, description="Legal basis, e.g. '§ 44 AufenthG'.")
    service: Identifier | None = Field(
        None,
        description="The offer this step provides; the same service by different actors is "
        "an overlap.",
    )
    url: str | None = Field(None, description="Further information about this step.")

    @field_validator("next", mode="before")
    @classmethod
    def _normalise_next(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str | dict):
            value = [value]
        if isinstance(value, list | tuple):
            return tuple({"to": item} if isinstance(item, str) else item for item in value)
        return value

    @field_validator("actors", mode="before")
    @classmethod
    def _single_actor_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)

    @model_validator(mode="after")
    def _one_way_to_name_actors(self) -> Step:
        if self.actor is not None and self.actors is not None:
            raise ValueError("give either 'actor' or 'actors', not both")
        return self

    @property
    def responsible(self) -> tuple[str, ...]:
        """Ids of the responsible actors, the first being the lead."""
        if self.actors is not None:
            return tuple(dict.fromkeys(self.actors))
        return (self.actor,) if self.actor else ()

class Chain(_Frozen):
    """A process chain: who does what, in which order, and whom to call."""

    title: Text
    region: Text | None = Field(None, description="e.g. 'Landkreis Stendal'.")
    version: Text | None = Field(None, description="The 'Stand', e.g. '2017-12'.")
    language: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = (
        Field("de", description="Language tag of the texts, e.g. 'de'.")
    )
    direction: Direction = Field(Direction.lr, description="lr (lanes as rows) or tb (columns).")
    author: Text | None = None
    description: LongText | None = None
    actors: tuple[Actor, ...] = Field(min_length=1)
    phases: tuple[Phase, ...] = ()
    services: tuple[Service, ...] = Field(
        default=(), description="Optional titles for the offers named by steps' 'service'."
    )
    steps: tuple[Step, ...] = Field(min_length=1)

    _source: Any = PrivateAttr(default=None)

    @property
    def source(self) -> Any:
        """The :class:`prozesskette.load.SourceMap` the chain was loaded from, if any."""
        return self._source

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

    def _repr_svg_(self) -> str:
        """Jupyter shows a chain as its chart."""
        from prozesskette.api import to_svg

        return to_svg(self)
