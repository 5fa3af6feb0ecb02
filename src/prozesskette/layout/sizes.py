"""Stage: sizes. How much room lane headers and phase titles ask for, and how narrow the
steps' boxes get (each box: :func:`~.step_text.node_text`) so that a wide chart comes out near
:data:`~prozesskette.layout.options.TARGET_ASPECT`.

A lane header holds the actor's name and its contacts: each contact a cell of QR code and
text (beside the code, or below it where that makes the lane lower), the cells side by side
as far as the header's width allows, the name beside the first code. So a lane is as tall
as its steps or one QR code, not one code per contact (:func:`header_content`); how wide the
header is, :func:`lane_header_sizes` decides for the whole chart. All codes of a chart have
the same module size, each as wide as its module count needs (:func:`qr_sides`).

Everything here is measured with :mod:`prozesskette.text`, the measurer the renderers use, so
that text drawn later fits the box sized here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

from prozesskette import text as tx
from prozesskette.graph import ChainGraph
from prozesskette.layout.grid import Grid
from prozesskette.layout.lane_rows import row_extents
from prozesskette.layout.options import (
    CHANNEL_MIN,
    CHANNEL_NARROW,
    HEADER_PAD,
    LANE_PAD,
    NARROWING,
    PAD_Y,
    ROW_GAP,
    TARGET_ASPECT,
    Frame,
    Options,
)
from prozesskette.layout.routes import GapKey
from prozesskette.layout.step_text import NodeText, decision_in_room, node_text
from prozesskette.model import Actor, Chain, Contact, StepKind
from prozesskette.qr import fits_in_qr, qr_matrix
from prozesskette.vcard import QrFormat, contact_payload

# --- lane headers ---------------------------------------------------------------------------

class ContactLine(NamedTuple):
    text: str
    bold: bool
    href: str | None  # tel: or mailto: link


class ContactCell(NamedTuple):
    """One contact in a lane header: its QR code and its text, placed from the header's
    top-left corner."""

    contact: int  # index of the contact in its actor's list
    left: float  # the cell's left edge, right of the header's left edge
    top: float  # the cell's top (its row's), below the header's top
    height: float  # of the cell's row
    lines: tuple[ContactLine, ...]
    qr_left: float  # the QR code's top-left corner
    qr_top: float
    qr_side: float  # 0: no code
    text_left: float  # the text's top-left corner
    text_top: float


class HeaderContent(NamedTuple):
    """A lane header's lines at a given width: the actor's name and the contacts, whose cells
    (a QR code, the text beside or below it) stand side by side as far as the width allows."""

    height: float
    title: tuple[str, ...]  # the actor's name, bold
    title_left: float  # right of the header's left edge
    title_top: float  # below the header's top
    contacts: tuple[ContactCell, ...]
    text_w: float  # width of each contact's text


CONTACT_GAP = 6.0  # between contact cells, and between the name and the first contact
QR_TEXT_GAP = 5.0  # between a QR code and its text
# contacts stand side by side in a header only with this much room for each one's text …
CONTACT_TEXT_MIN = 80.0
CONTACT_TEXT_BELOW = 72.0  # … and below its code, where the code's width is free anyway
CONTACT_COLUMNS_MAX = 3  # QR codes side by side in a header, at most
QR_PAD = 0.0  # above and below a row of QR codes: none, their quiet zone (4 modules) is white
TEXT_PAD = 4.0  # above and below a text taller than the codes beside it


def _email_lines(email: str, width: float, small: float) -> list[str]:
    """An e-mail address on one line, else broken before its ``@`` (a break after a hyphen
    of the address would read as a hyphenation)."""
    if tx.text_width(email, small) <= width or "@" not in email:
        return tx.wrap(email, width, small)
    local, domain = _email_pieces(email)
    # the part before the @ wrapped with it, so that it breaks as an address does (after a
    # dot, never with a hyphen that a reader would type), the @ then taken off its end
    head = tx.wrap(local + "@", width, small)
    head[-1] = head[-1].removesuffix("@")
    return [line for line in head if line] + tx.wrap(domain, width, small)


def _email_pieces(email: str) -> list[str]:
    """The lines of an e-mail address broken before its ``@``: what must not break further."""
    if "@" not in email:
        return [email]
    local, domain = email.rsplit("@", 1)
    return [local, "@" + domain]


def _contact_lines(contact_name: str, role: str | None, phone: str | None, email: str | None,
                   width: float, small: float, language: str | None) -> list[ContactLine]:
    lines = [ContactLine(line, True, None)
             for line in tx.wrap(contact_name, width, small, True, language)]
    if role:
        lines += [ContactLine(line, False, None)
                  for line in tx.wrap(role, width, small, language=language)]
    if phone:
        href = "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")
        lines += [ContactLine(line, False, href) for line in tx.wrap(phone, width, small)]
    if email:
        lines += [ContactLine(line, False, "mailto:" + email)
                  for line in _email_lines(email, width, small)]
    return lines


def contact_columns(count: int, qr: float, inner: float) -> int:
    """How many contact cells (a code ``qr`` wide and its text beside it, at least
    :data:`CONTACT_TEXT_MIN` wide) stand side by side in a header ``inner`` wide."""
    cell = qr + (QR_TEXT_GAP if qr else 0.0) + CONTACT_TEXT_MIN
    fit = int((inner + CONTACT_GAP) // (cell + CONTACT_GAP))
    return max(1, min(count, fit, CONTACT_COLUMNS_MAX))


def contact_payloads(actor: Actor, qr_format: QrFormat) -> tuple[str, ...]:
    """What each of the actor's contacts' QR codes carries."""
    return tuple(contact_payload(contact, contact.organization or actor.name,
                                 contact.qr or qr_format) for contact in actor.contacts)


def qr_sides(chain: Chain, options: Options) -> dict[str, tuple[float, ...]]:
    """Each contact's QR side (quiet zone included; 0: no code, its payload is too long), by
    actor. All codes of a chart have the same module size: the densest code is
    ``options.qr_size`` wide, one with fewer modules narrower (a version-8 code beside a
    version-10 one: 57 / 65 of its side). Printing keeps the densest code's modules at
    0.4 mm; a larger module for the other codes would buy the reader nothing."""
    if not (options.qr and options.contacts):
        return {actor.id: () for actor in chain.actors}
    modules = {actor.id: _modules(actor, chain.qr) for actor in chain.actors}
    densest = max([count for counts in modules.values() for count in counts] + [1])
    return {actor: tuple(options.qr_size * count / densest for count in counts)
            for actor, counts in modules.items()}


@lru_cache(maxsize=1024)  # every lane-order trial asks again
def _modules(actor: Actor, qr_format: QrFormat) -> tuple[int, ...]:
    """The module count of each contact's code, quiet zone included (0: too long a payload)."""
    return tuple(qr_matrix(payload).total_size if fits_in_qr(payload) else 0
                 for payload in contact_payloads(actor, qr_format))


class _Cells(NamedTuple):
    """Contacts placed in a header ``inner`` wide, and the header's height."""

    height: float
    title: tuple[str, ...]
    title_left: float
    title_top: float
    cells: tuple[ContactCell, ...]
    text_w: float


@lru_cache(maxsize=8192)  # the same headers at the same widths in every lane-order trial
def header_content(actor: Actor, options: Options, width: float,
                   sides: tuple[float, ...]) -> HeaderContent:
    """Lines of the header at a given width: height, title lines, contacts. ``sides`` are
    the contacts' QR sides, as :func:`qr_sides` gives them (the sizes the furniture draws).

    The contacts stand side by side in rows (as many cells as the width holds), so that a
    lane with several contacts is one QR code tall, not one code per contact. Each cell has
    its text beside its code, or below it when that makes the header lower (two codes side
    by side in a header one code and its text wide: Jobcenter Stendal on A2, 266 → 193 pt)
    or when beside it a phone number, an e-mail's part or a word would break. With
    QR codes beside their text, the actor's name heads the text beside the first code: a
    lane with one contact is then as tall as the code, about as tall as a row of steps."""
    size = options.font_size + 0.5
    inner = width - 2 * HEADER_PAD
    people = actor.contacts if options.contacts else ()
    if not people:
        title = tuple(tx.wrap(actor.name, inner, size, True, options.language))
        return HeaderContent(2 * HEADER_PAD + len(title) * tx.line_height(size), title,
                             HEADER_PAD, HEADER_PAD, (), 0.0)
    if not options.qr:
        sides = (0.0,) * len(people)
    beside = _cells_beside(actor, options, inner, sides)
    # one contact: below its code the text can only add to the code's height, so it goes
    # there only where it would break beside the code and not below it
    least = max(_least_text_width(person, options.small_size) for person in people)
    whole = least <= beside.text_w
    if max(sides) > 0.0 and (len(people) > 1 or not whole):
        below = _cells_below(actor, options, inner, sides)
        if below is not None and (below.height < beside.height - 1e-6
                                  or (not whole and least <= below.text_w)):
            return HeaderContent(*below)
    return HeaderContent(*beside)


def _least_text_width(contact: Contact, small: float) -> float:
    """The width of the longest piece of a contact's text that must not break: its phone
    number, a word of its name or role, the parts of its e-mail address before and from
    the ``@`` (:func:`_email_lines`). A text narrower breaks one of them."""
    return max([tx.text_width(piece, small) for piece in
                [contact.phone or "", *_email_pieces(contact.email or "")]]
               + [tx.longest_word_width(contact.name, small, True),
                  tx.longest_word_width(contact.role or "", small)])


def _cells_beside(actor: Actor, options: Options, inner: float,
                  sides: tuple[float, ...]) -> _Cells:
    """Cells of a code and its text beside it, the name heading the first cell's text."""
    size, small = options.font_size + 0.5, options.small_size
    people = actor.contacts
    # the text column where the chart's densest code (options.qr_size) ends, in every lane
    qr = max(max(sides), options.qr_size) if max(sides) > 0.0 else 0.0
    columns = contact_columns(len(people), qr, inner)
    cell_w = (inner - (columns - 1) * CONTACT_GAP) / columns
    text_x = qr + QR_TEXT_GAP if qr else 0.0
    text_w = cell_w - text_x
    # the name heads the first cell's text, unless one of its words would not fit there
    headed = qr > 0.0 and tx.longest_word_width(actor.name, size, True) <= text_w
    title = tuple(tx.wrap(actor.name, text_w if headed else inner, size, True,
                          options.language))
    title_h = len(title) * tx.line_height(size)
    pad = QR_PAD if headed else HEADER_PAD  # a QR code brings its own white margin
    top = pad if headed else pad + title_h + CONTACT_GAP
    title_top = pad
    cells: list[ContactCell] = []
    for row_start in range(0, len(people), columns):
        row: list[tuple[int, list[ContactLine], float, float]] = []
        for index in range(row_start, min(len(people), row_start + columns)):
            contact = people[index]
            lines = _contact_lines(contact.name, contact.role, contact.phone, contact.email,
                                   text_w, small, options.language)
            lead = title_h + CONTACT_GAP / 2 if headed and index == 0 else 0.0
            row.append((index, lines, len(lines) * tx.line_height(small), lead))
        # a text taller than the codes keeps off the lane's border; the codes need not
        row_h = max([sides[i] for i, *_ in row]
                    + [lead + h + 2 * max(0.0, TEXT_PAD - pad) for _i, _l, h, lead in row])
        for index, lines, text_h, lead in row:
            left = HEADER_PAD + (index - row_start) * (cell_w + CONTACT_GAP)
            side = sides[index]
            block_top = top + (row_h - lead - text_h) / 2  # the text, centred beside the code
            if lead:
                title_top = block_top
            cells.append(ContactCell(index, left, top, row_h, tuple(lines), left,
                                     top + (row_h - side) / 2, side, left + text_x,
                                     block_top + lead))
        top += row_h + CONTACT_GAP
    return _Cells(top - CONTACT_GAP + pad, title, HEADER_PAD + (text_x if headed else 0.0),
                  title_top, tuple(cells), text_w)


def _cells_below(actor: Actor, options: Options, inner: float,
                 sides: tuple[float, ...]) -> _Cells | None:
    """Cells of a code and its text below it, under the name (None: too narrow for one
    code and its text)."""
    size, small = options.font_size + 0.5, options.small_size
    people = actor.contacts
    cell_least = max(max(sides), CONTACT_TEXT_BELOW)
    columns = max(1, min(len(people), CONTACT_COLUMNS_MAX,
                         int((inner + CONTACT_GAP) // (cell_least + CONTACT_GAP))))
    cell_w = (inner - (columns - 1) * CONTACT_GAP) / columns
    if cell_w < cell_least - 1e-6:
        return None
    title = tuple(tx.wrap(actor.name, inner, size, True, options.language))
    top = HEADER_PAD + len(title) * tx.line_height(size) + CONTACT_GAP
    cells: list[ContactCell] = []
    for row_start in range(0, len(people), columns):
        indices = range(row_start, min(len(people), row_start + columns))
        lines = {i: _contact_lines(people[i].name, people[i].role, people[i].phone,
                                   people[i].email, cell_w, small, options.language)
                 for i in indices}
        code_h = max(sides[i] for i in indices)
        text_top = top + (code_h + QR_TEXT_GAP if code_h else 0.0)
        row_h = text_top - top + max(len(lines[i]) * tx.line_height(small) for i in indices)
        for index in indices:
            left = HEADER_PAD + (index - row_start) * (cell_w + CONTACT_GAP)
            cells.append(ContactCell(index, left, top, row_h, tuple(lines[index]), left,
                                     top + code_h - sides[index], sides[index], left, text_top))
        top += row_h + CONTACT_GAP
    return _Cells(top - CONTACT_GAP + HEADER_PAD, title, HEADER_PAD, HEADER_PAD, tuple(cells),
                  cell_w)


class HeaderSizes(NamedTuple):
    width: float  # of the header, across the lane
    need: Mapping[str, float]  # actor id -> least extent of the lane (l) its header asks for


ROW_ESTIMATE = 74.0  # a lane of one row of boxes, for choosing the header's width
SQRT2 = math.sqrt(2.0)  # A paper's sides
WIDER_GAIN = 1.01  # a wider header must promise a drawing this much smaller (the estimate
                   # errs; measured on the Stendal charts: 1.005 widened Arbeit's header for
                   # nothing, 1.015 kept Ausbildung's Jobcenter codes stacked)
COLUMN_SHARE = 0.6  # columns per step, about (measured: 0.55–0.59 on the Stendal and
                    # generated chains)


def _header_widths(chain: Chain, options: Options, lanes: list[str],
                   sides: Mapping[str, tuple[float, ...]]) -> tuple[float, list[float]]:
    """One cell's width, and the header widths worth trying: one to three cells of a code
    and its text beside it (the text as wide as its longest line, each name and e-mail on
    one line, or with the e-mails broken before their ``@``, never narrower than a piece
    that must not break: :func:`_least_text_width`), and one to three codes side by side
    with the text below. (Wider texts, 115–160 pt, gave the Gesamtübersicht's names fewer lines
    but printed it no larger: 7.69 → 7.72 pt, at 25 ms a layout.)"""
    small = options.small_size
    contacts = [c for a in chain.actors for c in a.contacts] if options.contacts else []
    if not contacts:
        return 130.0, [130.0]
    qr = max([side for values in sides.values() for side in values] + [0.0])

    # the longest line: names on one line, a role's words whole, e-mails whole or split
    split = max([tx.text_width(c.name, small, True) for c in contacts]
                + [_least_text_width(c, small) for c in contacts])
    whole = max([split] + [tx.text_width(c.email or "", small) for c in contacts])

    most = max([len(chain.actor(a).contacts) for a in lanes] + [1])
    one = max(130.0, 2 * HEADER_PAD + (qr + QR_TEXT_GAP if qr else 0.0)
              + min(whole + 1.0, 160.0))
    code = qr + QR_TEXT_GAP if qr else 0.0
    widths: set[float] = set()
    for text_w in {min(line + 1.0, 160.0) for line in (whole, split)}:
        # (cells side by side only with CONTACT_TEXT_MIN each: contact_columns)
        widths |= {max(130.0, 2 * HEADER_PAD + k * (code + (text_w if k == 1 else max(
            text_w, CONTACT_TEXT_MIN))) + (k - 1) * CONTACT_GAP)
                   for k in range(1, min(most, CONTACT_COLUMNS_MAX) + 1)}
    if qr:
        cell = max(qr, CONTACT_TEXT_BELOW)
        widths |= {max(130.0, 2 * HEADER_PAD + k * cell + (k - 1) * CONTACT_GAP)
                   for k in range(1, min(most, CONTACT_COLUMNS_MAX) + 1)}
    return one, sorted(widths)


def _step_heights(chain: Chain, options: Options, grid: Grid) -> dict[str, float]:
    """How tall each lane's boxes make it, about: its sub-rows of boxes at full width."""
    language = options.language or chain.language
    steps = {step.id: step for step in chain.steps}
    rows = [[0.0] * count for count in grid.rows]
    for item in grid.items.values():
        if item.step is not None and item.real and item.lo == item.hi:
            h = node_text(steps[item.step], options, language=language).h
            rows[item.lo][item.row] = max(rows[item.lo][item.row], h)
    return {actor: sum(heights) + 2 * LANE_PAD + ROW_GAP * (len(heights) - 1)
            for actor, heights in zip(grid.lanes, rows, strict=True)}


def lane_header_sizes(chain: Chain, options: Options, frame: Frame, lanes: list[str],
                      grid: Grid | None = None) -> HeaderSizes:
    """The header's width and what each lane's header asks for.

    Lanes as columns: one cell wide; a lane that its steps make wider holds its contacts
    side by side (widening lanes for their contacts measured worse: the Stendal Ausbildung
    chart grew from 2632 × 1769 to 2744 × 1854 pt). Lanes as rows: of the widths
    :func:`_header_widths` offers, the narrowest whose drawing prints within
    :data:`WIDER_GAIN` as large as the best on landscape A paper. The sizes stage narrows
    boxes towards :data:`TARGET_ASPECT`, trading width for height: the estimate keeps the
    area and makes the sides √2 : 1, as far as the boxes narrow. Estimated: the ``grid``'s
    columns (without a grid: :data:`COLUMN_SHARE` per step) at a box and a channel each; a
    lane as tall as its header or its rows of boxes (:func:`_step_heights`, at least
    :data:`ROW_ESTIMATE`).
    Measured on the Stendal Ausbildung chart on A2: Jobcenter's two codes side by side
    (header 227 → 256 pt, lane 266 → 193 pt), text 5.46 → 5.71 pt. A wider header lets a
    lane with several contacts be one QR code tall, at the cost of width for all."""
    sides = qr_sides(chain, options)
    one, widths = _header_widths(chain, options, lanes, sides)

    def needs(width: float) -> dict[str, float]:
        return {a: header_content(chain.actor(a), options, width, sides[a]).height
                for a in lanes}

    if frame.direction != "lr":  # lanes as columns: side by side where a lane is wide
        return HeaderSizes(one, {a: one for a in lanes})
    columns = grid.columns if grid is not None else COLUMN_SHARE * len(chain.steps)
    rest = columns * (options.box_width + CHANNEL_MIN)
    steps = _step_heights(chain, options, grid) if grid is not None else {}
    steps = {a: max(steps.get(a, 0.0), ROW_ESTIMATE) for a in lanes}
    paper = options.aspect or SQRT2  # the page's chart area, else A paper

    def printed(width: float, need: dict[str, float]) -> float:  # the larger side, as on A
        area = (width + rest) * sum(max(need[a], steps[a]) for a in lanes)  # paper (√2 : 1)
        # narrowing keeps the area and makes the sides √2 : 1, as far as the boxes narrow
        wide = min(width + rest, max(width + rest * NARROWING[-1], math.sqrt(paper * area)))
        return max(wide / paper, area / wide)

    tried = [(width, needs(width)) for width in widths]
    scores = [printed(width, need) for width, need in tried]
    best = min(scores)
    width, need = next(pair for pair, score in zip(tried, scores, strict=True)
                       if score <= best * WIDER_GAIN)
    return HeaderSizes(width, need)


# --- step boxes, narrowed to the wanted aspect ----------------------------------------------

class Sizing(NamedTuple):
    """The result of the sizes stage."""

    texts: Mapping[str, NodeText]  # step id -> wrapped text and box
    channel_min: float  # least width of a channel between two columns
    t_ext: Mapping[str, float]  # grid item key -> extent along t (dummies: 0)
    l_ext: Mapping[str, float]  # … along l


def size_steps(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
               headers: HeaderSizes, gap_size: Mapping[GapKey, float]) -> Sizing:
    """A chart much wider than tall gets narrower boxes and channels: titles wrap to more
    lines and boxes grow taller, which costs little height where lane headers (contacts)
    make the lanes tall anyway. The widest step of :data:`NARROWING` whose estimated
    drawing is at most :data:`TARGET_ASPECT` wide is taken, else the narrowest."""
    steps = list(graph.steps.values())
    language = options.language or graph.chain.language
    full = {step.id: node_text(step, options, language=language) for step in steps}

    def fits(narrow: float) -> tuple[bool, dict[str, NodeText], float]:
        texts = full if narrow >= 1.0 else {
            step.id: node_text(step, options, narrow, language) for step in steps}
        channel = CHANNEL_MIN if narrow >= 1.0 else CHANNEL_NARROW
        texts = _diamonds_in_room(graph, options, frame, grid, headers, texts, narrow,
                                  gap_size)
        w, h = frame.xy(*_estimate(graph.chain, options, frame, grid, headers, texts,
                                   channel))
        return w <= (options.aspect or TARGET_ASPECT) * h, texts, channel

    # the widest boxes first; then the narrowest, and only if that is wide enough the ones
    # in between (sizing every step's text costs time in a long chart)
    ok, texts, channel = fits(NARROWING[0])
    if not ok:
        ok, texts, channel = fits(NARROWING[-1])
        if ok:
            for narrow in NARROWING[1:-1]:
                wide_ok, wide_texts, wide_channel = fits(narrow)
                if wide_ok:
                    texts, channel = wide_texts, wide_channel
                    break
    return _sizing(frame, grid, texts, channel)


def sized_at(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
             headers: HeaderSizes, gap_size: Mapping[GapKey, float], narrow: float) -> Sizing:
    """The sizes stage's result with every box narrowed by ``narrow`` (× ``box_width``), as
    :func:`size_steps` makes it for the one of :data:`~.options.NARROWING` it chooses (the
    PDF's drawing shaped for its page narrows by other steps)."""
    language = options.language or graph.chain.language
    texts = {step.id: node_text(step, options, narrow, language)
             for step in graph.steps.values()}
    texts = _diamonds_in_room(graph, options, frame, grid, headers, texts, narrow, gap_size)
    return _sizing(frame, grid, texts, CHANNEL_MIN if narrow >= 1.0 else CHANNEL_NARROW)


def _diamonds_in_room(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
                      headers: HeaderSizes, texts: dict[str, NodeText], narrow: float,
                      gap_size: Mapping[GapKey, float]) -> dict[str, NodeText]:
    """``texts`` with the diamonds of a narrowed chart (``narrow`` < 1, lanes as rows) as
    narrow as the height their lane has anyway allows (:func:`.step_text.decision_in_room`):
    beside a QR code, or beside a taller box in their row. The lane's rows and gaps are
    measured as the lane axis will stack them (:mod:`.lane_rows`, ``gap_size`` of
    :func:`.lane_rows.gap_sizes`), so that no diamond makes its lane taller."""
    if narrow >= 1.0 or frame.direction != "lr":
        return texts
    decisions = [item for item in grid.items.values() if item.real and item.lo == item.hi
                 and graph.steps[item.key].kind is StepKind.decision]
    if not decisions:
        return texts
    # (every diamond left out at first: each then takes what room its row leaves)
    left_out = {item.key for item in decisions}
    extents = {key: 0.0 if key in left_out else text.h for key, text in texts.items()}
    rows = row_extents(grid, extents)
    texts = dict(texts)
    language = options.language or graph.chain.language
    for item in decisions:
        lane = rows[item.lo]
        gaps = sum(gap_size[(item.lo, gap)] for gap in range(len(lane) + 1))
        height = max(headers.need[grid.lanes[item.lo]], sum(lane) + gaps)
        room = height - gaps - (sum(lane) - lane[item.row])
        text = decision_in_room(graph.steps[item.key], options, narrow, language, room)
        texts[item.key] = text
        lane[item.row] = max(lane[item.row], text.h)
    return texts


def _sizing(frame: Frame, grid: Grid, texts: Mapping[str, NodeText],
            channel: float) -> Sizing:
    t_ext: dict[str, float] = {}
    l_ext: dict[str, float] = {}
    for key, item in grid.items.items():
        t_ext[key], l_ext[key] = frame.ext(texts[key].w, texts[key].h) if item.real \
            else (0.0, 0.0)
    return Sizing(texts, channel, t_ext, l_ext)


def _estimate(chain: Chain, options: Options, frame: Frame, grid: Grid, headers: HeaderSizes,
              texts: dict[str, NodeText], channel: float) -> tuple[float, float]:
    """A quick estimate of the drawing's extents (t, l) with these box sizes."""
    width = [20.0] * grid.columns
    rows = [[12.0] * n for n in grid.rows]
    for item in grid.items.values():
        if not item.real:
            continue
        t_ext, l_ext = frame.ext(texts[item.key].w, texts[item.key].h)
        width[item.col] = max(width[item.col], t_ext)
        if item.hi > item.lo:
            half = max(l_ext / 2, 24.0)
            rows[item.lo][item.row] = max(rows[item.lo][item.row], half)
            rows[item.hi][item.row_hi] = max(rows[item.hi][item.row_hi], half)
        else:
            rows[item.lo][item.row] = max(rows[item.lo][item.row], l_ext)
    lanes = [max(headers.need[actor], sum(rows[lane]) + 2 * LANE_PAD
                 + ROW_GAP * (len(rows[lane]) - 1))
             for lane, actor in enumerate(grid.lanes)]
    sides = qr_sides(chain, options)
    header_t = headers.width if frame.direction == "lr" else max(
        header_content(chain.actor(actor), options, lanes[lane], sides[actor]).height
        for lane, actor in enumerate(grid.lanes))
    t_total = header_t + sum(width) + channel * (grid.columns + 1)  # (both ends too)
    l_total = sum(lanes) + 30.0
    if frame.direction == "lr":
        return t_total, l_total + 70.0  # title and legend lie along l here, along t in tb
    return t_total + 70.0, l_total


# --- columns and phases -----------------------------------------------------------------------

def column_widths(chain: Chain, options: Options, frame: Frame, grid: Grid,
                  sizing: Sizing) -> tuple[float, ...]:
    """The least width of each column along t: its widest box, or an empty phase's title."""
    width = [20.0] * grid.columns
    for item in grid.items.values():
        width[item.col] = max(width[item.col], sizing.t_ext[item.key])
    for phase in chain.phases:
        first, last = grid.phase_cols.get(phase.id, (0, 0))
        if not any(it.col == first for it in grid.items.values() if it.real):
            title_w, _ = frame.ext(min(tx.text_width(phase.title, options.font_size, True)
                                       + 12.0, 120.0), 0.0)
            width[first] = max(width[first], title_w)  # an empty phase: room for its title
        if frame.direction == "tb":  # the title across the phase's band, as tall as it is
            lines = tx.wrap(phase.title, PHASE_BAND_TB - 4.0, options.font_size, True,
                            options.language)
            need = len(lines) * tx.line_height(options.font_size) + 2.0
            have = sum(width[first:last + 1]) + CHANNEL_NARROW * (last - first)
            width[last] += max(0.0, need - have)
    return tuple(width)


PHASE_BAND_TB = 96.0  # the band of phase titles beside the lanes, in lanes as columns (pt)


def phase_band(chain: Chain, options: Options, frame: Frame, grid: Grid,
               widths: tuple[float, ...], channel_min: float) -> float:
    """The extent (l) of the band of phase titles above the lanes."""
    if not chain.phases:
        return 0.0
    if frame.direction == "tb":
        return PHASE_BAND_TB
    least: dict[str, float] = {}  # the least width each phase gets along t
    for p in chain.phases:
        first, last = grid.phase_cols.get(p.id, (0, 0))
        least[p.id] = sum(widths[c] for c in range(first, last + 1)) + channel_min * (
            last - first)
    lines = max(len(tx.wrap(p.title, max(least[p.id] - 4.0, 10.0), options.font_size, True,
                            options.language))
                for p in chain.phases)
    return 2 * PAD_Y + lines * tx.line_height(options.font_size)
