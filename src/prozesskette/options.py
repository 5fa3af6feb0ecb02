"""The options of the drawing functions, each declared once: name, type and meaning.

The options are ``TypedDict`` classes used with ``Unpack``, so callers keep writing
``to_svg(chain, direction="tb")`` while editors list the names and mypy checks the values.
A ``Literal`` type lists the allowed values; :func:`check_options` derives the run-time check
from the same declarations (``typing.get_type_hints`` and ``typing.get_args``), so a bad name or
value raises :class:`OptionError` naming the option, the value and what is allowed, instead of
passing silently. The attribute docstrings are the documentation (shown by editors;
docs/api.md repeats them).

This module sits at the bottom with :mod:`prozesskette.errors`: the CLI checks its options
with it before it loads any stage.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache, wraps
from types import NoneType, UnionType
from typing import (
    Annotated,
    Any,
    Literal,
    NamedTuple,
    TypedDict,
    TypeVar,
    Union,
    get_args,
    get_origin,
)
from typing import get_type_hints as _type_hints

from prozesskette.errors import Issue, ProzessketteError, did_you_mean
from prozesskette.messages import _

__all__ = [
    "Direction",
    "HtmlOptions",
    "LaneOrder",
    "LayoutOptions",
    "OptionError",
    "Options",
    "OutputFormat",
    "PageSize",
    "PdfOptions",
    "PngOptions",
    "Split",
    "SvgOptions",
    "allowed_values",
    "check_options",
    "takes_options",
]


class Above(NamedTuple):
    """A number option's lower bound (exclusive): ``Annotated[float, Above(0)]``. A
    ``NamedTuple``: the CLI imports this module at every start, where a frozen dataclass costs
    about 1 ms to create (a NamedTuple 0.1 ms)."""

    bound: float


Direction = Literal["lr", "tb"]
"""``lr``: lanes as rows, time runs left to right; ``tb``: lanes as columns, top to bottom."""
LaneOrder = Literal["file", "auto"]
"""``file``: the actors' order in the file; ``auto``: reordered for shorter hand-offs."""
PageSize = Literal["A4", "A3", "A2", "A1", "A0"]
"""ISO 216 paper sizes, smallest first."""
Split = Literal["auto", "phases", "none"]
"""How a PDF spreads a chart over pages: ``auto`` when one page would print below 7 pt,
``phases`` a page (or more) per phase, ``none`` one page however small."""
OutputFormat = Literal["svg", "pdf", "png", "json", "html"]
"""The file formats :func:`prozesskette.render` writes."""
Points = Annotated[float, Above(0)]
"""A length in points (1/72 inch), more than 0."""
Ratio = Annotated[float, Above(0)]
"""A ratio of two lengths (width : height), more than 0."""


class _ChartOptions(TypedDict, total=False):
    """What every drawing of the chart takes."""

    lang: str | None
    """Draw in this language of the chain's translations ("en", "ar", "de-x-ls" …); missing
    translations fall back to the chain's language with a ``UserWarning``. Default: the
    chain's own language."""
    direction: Direction | None
    """``"lr"`` or ``"tb"``; default (None): the chain's ``direction``."""
    lane_order: LaneOrder | None
    """``"auto"`` (lanes ordered for few crossings, pinned actors kept) or ``"file"``;
    default (None): the chain's ``lane_order`` (auto unless the chain says file)."""
    compact: bool
    """Hand-offs past a step in between stay in their column: narrower, more crossings.
    Default False."""
    qr: bool
    """Draw the contacts' QR codes (default True)."""
    qr_size: Points
    """Side of a QR code, quiet zone included, in points (default 72)."""
    font_size: Points
    """Body text size in points (default 9)."""
    small_size: Points
    """Size of notes and labels in points (default 7)."""
    box_width: Points
    """Width of a step's box in points (default 104)."""
    title: bool
    """Draw the title block above the chart (default True)."""
    legend: bool
    """Draw the legend (default True)."""
    aspect: Ratio | None
    """Shape the drawing for an area this many times as wide as tall (a page's chart area,
    e.g. 1.44 for A2 landscape): of each way of folding runs of steps, with boxes narrowed
    until the drawing has that shape, the one that fills the area largest. Default (None):
    the drawing for the screen. The PDF tries its page's shape by itself too."""
    mirror: bool | None
    """Let time run from right to left; default (None): for right-to-left languages."""
    focus: str | None
    """One institution's view: actor ids, comma-separated (``"jobcenter"``,
    ``"jobcenter,agentur"``). It shows their lanes, the lanes they hand over to or receive
    from, and labelled stubs for the rest (see :mod:`prozesskette.focus`); in the PDF the
    Schnittstellenpapier lists their hand-offs. Default (None): the whole chain."""


class LayoutOptions(_ChartOptions, total=False):
    """The options of :func:`prozesskette.layout_chain` and :func:`prozesskette.to_json`."""

    contacts: bool
    """Show the actors' contacts (names and QR codes) in the lane headers (default True)."""


class _FontOptions(TypedDict, total=False):
    """What the drawings for browsers (SVG, HTML) take."""

    embed_font: bool
    """Embed the glyphs drawn as WOFF subsets of the bundled font (default True); without,
    text falls back to an installed font and may be wider than measured."""


class SvgOptions(LayoutOptions, _FontOptions, total=False):
    """The options of :func:`prozesskette.to_svg`."""

    standalone: bool
    """True (default): a size in points, for files and ``<img>``; False: ``width="100%"``
    for inline use in a web page."""


class HtmlOptions(LayoutOptions, _FontOptions, total=False):
    """The options of :func:`prozesskette.to_html`."""


class PdfOptions(_ChartOptions, total=False):
    """The options of :func:`prozesskette.to_pdf`."""

    page: PageSize | None
    """Paper size; default (None): the smallest at which body text prints at 7 pt or more."""
    landscape: bool | None
    """Page orientation; default (None): landscape, or whichever fits a given page better."""
    appendix: bool
    """Add the Schnittstellenpapier pages after the chart (default True)."""
    contacts: bool
    """Schnittstellenpapier: the contact directory (default True). Not the layout's
    ``contacts``: the PDF's chart always shows the contacts in the lane headers."""
    matrix: bool
    """Schnittstellenpapier: the responsibility matrix (default True)."""
    interfaces: bool
    """Schnittstellenpapier: the hand-offs and overlaps (default True)."""
    creation_date: datetime | None
    """The PDF's creation date; default (None): a fixed date, so equal input gives equal
    bytes."""
    split: Split
    """Spread the chart over a page set (see docs/seitensatz.md): ``"auto"`` (default) when
    its step titles would print below 7 pt on one page (with no ``page`` given: even on A0;
    the pages are then A3), ``"phases"`` a page or more per phase, ``"none"`` never. Every
    page repeats its lanes' headers and contacts; every hand-off across pages ends in a
    continuation marker naming the other page; page 1 carries an overview map. A PNG is
    always the chart on one page."""


class PngOptions(PdfOptions, total=False):
    """The options of :func:`prozesskette.to_png`: those of the PDF it rasterises, and dpi."""

    dpi: Annotated[int, Above(0)]
    """Resolution in pixels per inch (default 150)."""


class Options(SvgOptions, HtmlOptions, PngOptions, total=False):
    """Every option of :func:`prozesskette.render`; which apply depends on the format."""


class OptionError(ProzessketteError):
    """A drawing function got an option it does not take, or a value that is not allowed."""

    def __init__(self, function: str, option: str, value: object, allowed: str,
                 message: str, hint: str | None = None) -> None:
        self.function = function
        self.option = option
        self.value = value
        self.allowed = allowed  # in words: "'lr', 'tb' or None", "a number above 0" …
        super().__init__(Issue(f"{function}()", 0, 0, "error", message, hint, code="option"))


@cache
def _declared(kind: Any) -> dict[str, Any]:
    """The option names of a TypedDict with their types (``Annotated`` kept)."""
    hints: dict[str, Any] = _type_hints(kind, include_extras=True)
    return hints


def allowed_values(kind: Any, option: str) -> tuple[object, ...]:
    """The values a ``Literal`` option allows (None included where it is optional)."""
    return _literals(_declared(kind)[option])


def _literals(annotation: Any) -> tuple[object, ...]:
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    if get_origin(annotation) in (Union, UnionType):
        return tuple(value for member in get_args(annotation) for value in _literals(member))
    if annotation is NoneType:
        return (None,)
    return ()


def _fits(value: object, annotation: Any) -> bool:
    """Whether ``value`` has the declared type (bool is no number here, NaN no length)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *constraints = get_args(annotation)
        return _fits(value, base) and all(
            value > bound.bound for bound in constraints  # type: ignore[operator]
            if isinstance(bound, Above))
    if origin is Literal:
        return any(type(value) is type(allowed) and value == allowed
                   for allowed in get_args(annotation))
    if origin in (Union, UnionType):
        return any(_fits(value, member) for member in get_args(annotation))
    if annotation is NoneType:
        return value is None
    if annotation is float:
        return (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value))
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, annotation)


def _describe(annotation: Any) -> str:
    """What an option allows, in words: "'lr', 'tb' or None", "a number above 0" …"""
    members = get_args(annotation) if get_origin(annotation) in (Union, UnionType) \
        else (annotation,)
    parts: list[str] = []
    for member in members:
        if get_origin(member) is Literal:
            parts += [repr(value) for value in get_args(member)]
        elif get_origin(member) is Annotated:
            base, *constraints = get_args(member)
            bounds = [f" above {bound.bound:g}" for bound in constraints
                      if isinstance(bound, Above)]
            parts.append(("a whole number" if base is int else "a number") + "".join(bounds))
        elif member is NoneType:
            parts.append("None")
        elif member is bool:
            parts += ["True", "False"]
        else:
            parts.append(f"a {member.__name__}")
    return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else parts[0]


def check_options(kind: Any, options: Mapping[str, object], function: str) -> None:
    """Raise :class:`OptionError` for the first option that ``kind`` (a TypedDict above) does
    not declare, or whose value does not have the declared type."""
    declared = _declared(kind)
    for name, value in options.items():
        if name not in declared:
            close = did_you_mean(name, sorted(declared))
            hint = _("did you mean '{guess}'?").format(guess=close) + " " if close else ""
            names = ", ".join(sorted(declared))
            raise OptionError(function, name, value, names,
                              _("unknown option '{name}'").format(name=name),
                              hint + _("{function}() takes {names}").format(
                                  function=function, names=names))
        if not _fits(value, declared[name]):
            allowed = _describe(declared[name])
            raise OptionError(function, name, value, allowed,
                              _("option {name}={value} is not allowed: use {allowed}").format(
                                  name=name, value=repr(value), allowed=allowed))


Function = TypeVar("Function", bound=Callable[..., Any])


def takes_options(kind: Any) -> Callable[[Function], Function]:
    """Check a drawing function's options against ``kind`` before it runs: its ``**options``
    and its named parameters that ``kind`` declares (``dpi`` of ``to_png``, given by position
    or by name).

    What to check is worked out at the first call, not when the api module is imported: the
    signature and the resolved type hints of every drawing function cost about 2 ms of each
    command's cold start (min of 11 runs), and a run draws one or two kinds of output."""

    def decorate(function: Function) -> Function:
        plan: tuple[inspect.Signature, list[str], str | None] | None = None

        @wraps(function)
        def checked(*args: Any, **options: Any) -> Any:
            nonlocal plan
            if plan is None:
                plan = _check_plan(function, kind)
            signature, named, rest = plan
            arguments = signature.bind(*args, **options).arguments
            given = {name: arguments[name] for name in named if name in arguments}
            check_options(kind, {**given, **arguments.get(rest or "", {})}, function.__name__)
            return function(*args, **options)

        return checked  # type: ignore[return-value]

    return decorate


def _check_plan(function: Callable[..., Any],
                kind: Any) -> tuple[inspect.Signature, list[str], str | None]:
    """The function's signature, its named parameters that ``kind`` declares and the name of
    its ``**options`` parameter."""
    signature = inspect.signature(function)
    declared = _declared(kind)
    named = [name for name in signature.parameters if name in declared]
    rest = next((name for name, parameter in signature.parameters.items()
                 if parameter.kind is inspect.Parameter.VAR_KEYWORD), None)
    return signature, named, rest
