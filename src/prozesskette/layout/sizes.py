"""Stage: sizes. How large each step's box is (its text wrapped, widened rather than wrapped
to a fifth line), how much room lane headers, branch labels and phase titles ask for, and how
narrow the boxes get so that a wide chart comes out near
:data:`~prozesskette.layout.options.TARGET_ASPECT`.

A lane header holds the actor's name and its contacts: each contact a cell of QR code and
text, the cells side by side as far as the header's width allows, the name beside the first
code. So a lane is as tall as its steps or one QR code, not one code per contact
(:func:`header_content`); how wide the header is, :func:`lane_header_sizes` decides for the
whole chart.

Everything here is measured with :mod:`prozesskette.text`, the measurer the renderers use, so
that text drawn later fits the box sized here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

from prozesskette import text as tx
from prozesskette.graph import ChainGraph
from prozesskette.layout.grid import Grid
from prozesskette.layout.options import (
    CHANNEL_MIN,
    CHANNEL_NARROW,
    HEADER_PAD,
    LANE_PAD,
    NARROWING,
    PAD_X,
    PAD_Y,
    ROW_GAP,
    TARGET_ASPECT,
    Frame,
    Options,
)
from prozesskette.model import Actor, Chain, Step, StepKind

LABEL_WRAP = 72.0  # branch labels wrap at this width
MAX_LINES = 4  # a title that would wrap to more lines widens its box first …
WIDEN_STEP = 1.15  # … in steps of this factor …
WIDEN_MAX = 260.0  # … up to this text width (a box's is 90 pt by default) …
WIDEN_MAX_DECISION = 200.0  # … or this one in a diamond
SPLIT_SHARE = 0.6  # a box's text is at least this share of its longest word wide (and its
                   # widest syllable): measured on the Stendal, Gesamtübersicht and 40 × 9
                   # charts, 0.6 prints as large as 0 (syllables only) with fewer breaks


class NodeText(NamedTuple):
    """A step's wrapped text and the box that holds it."""

    lines: tuple[str, ...]
    note: tuple[str, ...]  # the legal basis, in the small size
    w: float
    h: float
    text_w: float  # width of the text area
    text_h: float  # height of the text block


def _keep_together(citation: str) -> str:
    """No line breaks inside '§ 44', 'Abs. 1' or 'SGB III'."""
    text = re.sub(r"(§§?|Abs\.|Nr\.|Satz|S\.|Art\.) ", "\\1\u00a0", citation)
    return re.sub(r"\b([A-ZÄÖÜ][A-Za-zÄÖÜäöüß]{1,7}) ([IVX]{1,4})\b", "\\1\u00a0\\2", text)


def _block_height(lines: int, notes: int, size: float, small: float) -> float:
    height = lines * tx.line_height(size)
    if notes:
        height += 2.0 + notes * tx.line_height(small)
    return height


@lru_cache(maxsize=8192)  # lane-order trials size the same steps again: 45 % of their time
def node_text(step: Step, options: Options, narrow: float = 1.0,
              language: str | None = None) -> NodeText:
    """Wrap a step's title (and legal basis) and choose its box size. ``narrow`` < 1 makes
    boxes and diamonds narrower (titles wrap to more lines, boxes grow taller). Words break
    at the syllables of ``language`` (see :mod:`prozesskette.text.hyphenate`)."""
    size, small = options.font_size, options.small_size
    title = step.title
    word = tx.longest_word_width(title, size)
    # words break at syllables only: the widest syllable (or SPLIT_SHARE of the widest word)
    # is the least text width, not the widest word (badges sit on the corner)
    box_width = options.box_width * narrow
    least = min(word, 190.0)
    nominal = 96.0 * narrow if step.kind is StepKind.decision else box_width - 2 * PAD_X - (
        10.0 if step.kind in (StepKind.start, StepKind.end) else 0.0)
    if SPLIT_SHARE < 1.0 and word > nominal:  # (the syllables cost time: only if they count)
        least = min(least, max(SPLIT_SHARE * word,
                               tx.longest_syllable_width(title, size, language=language)))
    if step.kind is StepKind.decision:
        text_w = min(max(96.0 * narrow, min(least, 150.0)), 150.0)
    else:
        text_w = min(max(box_width - 2 * PAD_X, least), 190.0)
        if step.kind in (StepKind.start, StepKind.end):
            text_w -= 10.0
    text_w = max(text_w, least)
    lines = tuple(tx.wrap(title, text_w, size, language=language))
    widest_text = WIDEN_MAX_DECISION if step.kind is StepKind.decision else WIDEN_MAX
    while len(lines) > MAX_LINES and text_w < widest_text:  # wider, before a fifth line
        text_w = min(widest_text, text_w * WIDEN_STEP)
        lines = tuple(tx.wrap(title, text_w, size, language=language))
    legal = _keep_together(step.legal_basis) if step.legal_basis else None
    note = tuple(tx.wrap(legal, max(text_w, min(tx.longest_word_width(legal, small), 190.0)),
                         small, language=language)) if legal else ()
    block_h = _block_height(len(lines), len(note), size, small)
    widest = max([tx.text_width(line, size) for line in lines]
                 + [tx.text_width(line, small) for line in note] + [1.0])
    if step.kind is StepKind.decision:
        used_w = max(widest, 40.0)
        # text of width u and height h fits a diamond W × H where u/W + h/H <= 1: a narrow
        # chart trades width for height
        spread = 1.7 if narrow >= 1.0 else 1.5
        w = max(box_width, used_w * spread + 8.0)
        h = max(44.0, block_h / (1.0 - (used_w + 4.0) / w) + 6.0)
        return NodeText(lines, note, w, h, used_w + 4.0, block_h)
    w = max(box_width, widest + 2 * PAD_X + (10.0 if step.kind in (
        StepKind.start, StepKind.end) else 0.0))
    h = max(38.0, block_h + 2 * PAD_Y + (6.0 if step.kind is StepKind.document else 0.0))
    return NodeText(lines, note, w, h, w - 2 * PAD_X, block_h)


def label_size(text: str, size: float) -> tuple[float, float]:
    """Width and height of a branch label's box (wrapped at :data:`LABEL_WRAP`)."""
    lines = tx.wrap(text, LABEL_WRAP, size)
    return (max(tx.text_width(line, size) for line in lines) + 6.0,
            len(lines) * tx.line_height(size) + 2.0)


# --- lane headers ---------------------------------------------------------------------------

class ContactLine(NamedTuple):
    text: str
    bold: bool
    href: str | None  # tel: or mailto: link


class ContactCell(NamedTuple):
    contact: int  # index of the contact in its actor's list
    left: float  # right of the header's left edge (where its QR code or text begins)
    top: float  # below the top of the header
    height: float  # of the QR code or the text, whichever is taller
    lines: tuple[ContactLine, ...]


class HeaderContent(NamedTuple):
    """A lane header's lines at a given width: the actor's name and the contacts, whose cells
    (a QR code, the text beside it) stand side by side as far as the width allows."""

    height: float
    title: tuple[str, ...]  # the actor's name, bold
    title_left: float  # right of the header's left edge
    title_top: float  # below the header's top
    contacts: tuple[ContactCell, ...]
    text_w: float  # width of the text beside each QR code


CONTACT_GAP = 6.0  # between contact cells, and between the name and the first contact
QR_TEXT_GAP = 5.0  # between a QR code and its text
CONTACT_TEXT_MIN = 96.0  # a contact's text is never narrower
CONTACT_COLUMNS_MAX = 3  # QR codes side by side in a header, at most
QR_PAD = 4.0  # above and below a row of QR codes (their quiet zone adds 4 modules)


def _contact_lines(contact_name: str, role: str | None, phone: str | None, email: str | None,
                   width: float, small: float) -> list[ContactLine]:
    lines = [ContactLine(line, True, None) for line in tx.wrap(contact_name, width, small, True)]
    if role:
        lines += [ContactLine(line, False, None) for line in tx.wrap(role, width, small)]
    if phone:
        href = "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")
        lines += [ContactLine(line, False, href) for line in tx.wrap(phone, width, small)]
    if email:
        lines += [ContactLine(line, False, "mailto:" + email)
                  for line in tx.wrap(email, width, small)]
    return lines


def contact_columns(count: int, qr: float, inner: float) -> int:
    """How many contact cells stand side by side in a header ``inner`` wide."""
    cell = qr + (QR_TEXT_GAP if qr else 0.0) + CONTACT_TEXT_MIN
    fit = int((inner + CONTACT_GAP) // (cell + CONTACT_GAP))
    return max(1, min(count, fit, CONTACT_COLUMNS_MAX))


@lru_cache(maxsize=8192)  # the same headers at the same widths in every lane-order trial
def header_content(actor: Actor, options: Options, width: float) -> HeaderContent:
    """Lines of the header at a given width: height, title lines, contacts.

    The contacts stand side by side in rows (as many cells as the width holds), so that a
    lane with several contacts is one QR code tall, not one code per contact. With QR codes,
    the actor's name heads the text beside the first code: a lane with one contact is then
    as tall as the code, which is about as tall as a row of steps."""
    size = options.font_size + 0.5
    small = options.small_size
    inner = width - 2 * HEADER_PAD
    qr = options.qr_size if options.qr else 0.0
    people = actor.contacts if options.contacts else ()
    if not people:
        title = tuple(tx.wrap(actor.name, inner, size, True))
        return HeaderContent(2 * HEADER_PAD + len(title) * tx.line_height(size), title,
                             HEADER_PAD, HEADER_PAD, (), 0.0)
    columns = contact_columns(len(people), qr, inner)
    cell_w = (inner - (columns - 1) * CONTACT_GAP) / columns
    text_x = qr + QR_TEXT_GAP if qr else 0.0
    text_w = cell_w - text_x
    # the name heads the first cell's text, unless one of its words would not fit there
    beside = qr > 0.0 and tx.longest_word_width(actor.name, size, True) <= text_w
    title = tuple(tx.wrap(actor.name, text_w if beside else inner, size, True))
    title_h = len(title) * tx.line_height(size)
    pad = QR_PAD if beside else HEADER_PAD  # a QR code brings its own white margin
    top = pad if beside else pad + title_h + CONTACT_GAP
    cells: list[ContactCell] = []
    for row_start in range(0, len(people), columns):
        row: list[tuple[int, list[ContactLine], float]] = []
        for index in range(row_start, min(len(people), row_start + columns)):
            contact = people[index]
            lines = _contact_lines(contact.name, contact.role, contact.phone, contact.email,
                                   text_w, small)
            text_h = len(lines) * tx.line_height(small)
            if beside and index == 0:
                text_h += title_h + CONTACT_GAP / 2
            row.append((index, lines, text_h))
        row_h = max([qr] + [text_h for _i, _l, text_h in row])
        for index, lines, _text_h in row:
            cells.append(ContactCell(index, HEADER_PAD + (index - row_start) * (
                cell_w + CONTACT_GAP), top, row_h, tuple(lines)))
        top += row_h + CONTACT_GAP
    height = top - CONTACT_GAP + pad
    return HeaderContent(height, title, HEADER_PAD + (text_x if beside else 0.0), pad,
                         tuple(cells), text_w)


class HeaderSizes(NamedTuple):
    width: float  # of the header, across the lane
    need: Mapping[str, float]  # actor id -> least extent of the lane (l) its header asks for


ROW_ESTIMATE = 74.0  # a lane of one row of boxes, for choosing the header's width
COLUMN_SHARE = 0.6  # columns per step, about (measured: 0.55–0.59 on the Stendal and
                    # generated chains)


def lane_header_sizes(chain: Chain, options: Options, frame: Frame,
                      lanes: list[str]) -> HeaderSizes:
    """The header's width and what each lane's header asks for.

    Lanes as columns: one cell wide; a lane that its steps make wider holds its contacts
    side by side (widening lanes for their contacts measured worse: the Stendal Ausbildung
    chart grew from 2632 × 1769 to 2744 × 1854 pt). Lanes as rows: the header is one, two or
    three contact cells wide, whichever gives the
    drawing that prints largest on landscape A paper (estimated: the steps' columns at
    :data:`COLUMN_SHARE` per step, a lane at least :data:`ROW_ESTIMATE` tall). A wider header
    lets a lane with several contacts be one QR code tall, at the cost of width for all."""
    qr = options.qr_size if (options.qr and options.contacts) else 0.0
    contacts = [c for a in chain.actors for c in a.contacts] if options.contacts else []
    # the contact text beside a QR code is as wide as its longest e-mail or phone line
    longest = max([tx.text_width(value, options.small_size, bold) for c in contacts
                   for value, bold in ((c.email or "", False), (c.phone or "", False),
                                       (c.name, True))] + [0.0])
    text_w = min(max(CONTACT_TEXT_MIN, longest + 1.0), 160.0) if contacts else 0.0
    cell = (qr + QR_TEXT_GAP if qr and contacts else 0.0) + text_w
    most = max([len(chain.actor(a).contacts) for a in lanes] + [1]) if contacts else 1
    widths = [max(130.0, 2 * HEADER_PAD + k * cell + (k - 1) * CONTACT_GAP)
              for k in range(1, min(most, CONTACT_COLUMNS_MAX) + 1)]
    if frame.direction != "lr":  # lanes as columns: side by side where a lane is wide
        return HeaderSizes(widths[0], {a: widths[0] for a in lanes})
    rest = COLUMN_SHARE * len(chain.steps) * (options.box_width + CHANNEL_MIN)

    def needs(width: float) -> dict[str, float]:
        return {a: header_content(chain.actor(a), options, width).height for a in lanes}

    def printed(width: float) -> float:  # the larger side, measured as on A paper (√2 : 1)
        height = sum(max(need, ROW_ESTIMATE) for need in needs(width).values())
        return max((width + rest) / 2 ** 0.5, height)

    width = min(widths, key=printed)
    return HeaderSizes(width, needs(width))


# --- step boxes, narrowed to the wanted aspect ----------------------------------------------

class Sizing(NamedTuple):
    """The result of the sizes stage."""

    texts: Mapping[str, NodeText]  # step id -> wrapped text and box
    channel_min: float  # least width of a channel between two columns
    t_ext: Mapping[str, float]  # grid item key -> extent along t (dummies: 0)
    l_ext: Mapping[str, float]  # … along l


def size_steps(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
               headers: HeaderSizes) -> Sizing:
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
        w, h = frame.xy(*_estimate(graph.chain, options, frame, grid, headers, texts,
                                   channel))
        return w <= TARGET_ASPECT * h, texts, channel

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
    header_t = headers.width if frame.direction == "lr" else max(
        header_content(chain.actor(actor), options, lanes[lane]).height
        for lane, actor in enumerate(grid.lanes))
    t_total = header_t + sum(width) + channel * max(0, grid.columns - 1) + 36.0
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
        first, _last = grid.phase_cols.get(phase.id, (0, 0))
        if not any(it.col == first for it in grid.items.values() if it.real):
            title_w, _ = frame.ext(min(tx.text_width(phase.title, options.font_size, True)
                                       + 12.0, 120.0), 0.0)
            width[first] = max(width[first], title_w)  # an empty phase: room for its title
    return tuple(width)


def phase_band(chain: Chain, options: Options, frame: Frame, grid: Grid,
               widths: tuple[float, ...], channel_min: float) -> float:
    """The extent (l) of the band of phase titles above the lanes."""
    if not chain.phases:
        return 0.0
    if frame.direction == "tb":
        return 96.0
    least: dict[str, float] = {}  # the least width each phase gets along t
    for p in chain.phases:
        first, last = grid.phase_cols.get(p.id, (0, 0))
        least[p.id] = sum(widths[c] for c in range(first, last + 1)) + channel_min * (
            last - first)
    lines = max(len(tx.wrap(p.title, max(least[p.id] - 4.0, 10.0), options.font_size, True))
                for p in chain.phases)
    return 2 * PAD_Y + lines * tx.line_height(options.font_size)
