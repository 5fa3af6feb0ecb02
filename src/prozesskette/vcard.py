"""vCard 3.0 text (RFC 2426) for a contact: what the contact QR codes carry.

Apart from the QR encoder (:mod:`prozesskette.qr`), which turns any text into a module matrix
and knows nothing about contacts. A leaf: only the standard library is needed, so the module
imports fast, and it takes any object with a contact's fields (:class:`ContactFields`, which
:class:`prozesskette.model.Contact` has), so it needs not even the model for type checking.
Its results are ``NamedTuple`` classes, not frozen dataclasses: every render that draws a
contact's QR code imports this module, and a frozen dataclass costs about 1 ms to create at
import (a ``NamedTuple`` 0.1 ms, the ``Protocol`` 0.04 ms; measured in one process).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple, Protocol

__all__ = ["QR_FORMATS", "AddressParts", "ContactFields", "NameParts", "QrFormat",
           "contact_payload", "escape_text", "mecard", "split_address", "split_name", "vcard"]

QrFormat = Literal["vcard", "mecard", "tel", "url"]
"""What a contact's QR code carries (the chain format's ``qr`` field): a vCard 3.0, a MECARD,
only the phone number as a ``tel:`` link, or only the contact's web page. docs/qr.md says
which phones read which."""

QR_FORMATS: tuple[QrFormat, ...] = ("vcard", "mecard", "tel", "url")


class ContactFields(Protocol):
    """What a vCard is made of: the fields of :class:`prozesskette.model.Contact`."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def address(self) -> str | None: ...
    @property
    def organization(self) -> str | None: ...

CRLF = "\r\n"

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_WS_RE = re.compile(r"\s+")

# Lower-case name particles that belong to the family name: "Anna von Beispiel".
_PARTICLES = frozenset(
    {"von", "vom", "van", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das",
     "zu", "zum", "zur", "la", "le", "ten", "ter", "af", "al", "el", "bin", "ibn"}
)
# Honorific prefixes without a full stop; words ending in "." ("Dr.", "Prof.") count as well.
_PREFIXES = frozenset({"Herr", "Frau", "Mr", "Mrs", "Ms", "Dr", "Prof"})
# A degree after a comma: "Erika Beispiel, M.A." / "Erika Beispiel, MBA".
_SUFFIX_RE = re.compile(r"^(?:[^\s,]*\.[^,]*|[A-Z]{2,5}|Jr|Sr|I{1,3}|IV)$")
# … and a number or generation after the family name without a comma: "Erika Beispiel 2"
# (the generated sample contacts), "Karl Beispiel III", "Hans Meier Jr."
_TRAILING_SUFFIX_RE = re.compile(r"^(?:\d+|Jr\.?|Sr\.?|I{2,3}|IV)$")

# "39576 Stendal", "D-39576 Stendal", "1010 Wien", "CH-8001 Zürich".
_POSTCODE_CITY_RE = re.compile(r"^(?:[A-Z]{1,2}-\s?)?(?P<code>\d{4,5})\s+(?P<city>\S.*)$")
# The same without a comma: "Musterstraße 1 39576 Stendal" (five-digit codes only).
_INLINE_ADDRESS_RE = re.compile(
    r"^(?P<street>.*?\d\S*)\s+(?P<code>\d{5})\s+(?P<city>[^\d\s].*)$"
)


def escape_text(value: str) -> str:
    r"""Escape a vCard 3.0 text value (RFC 2426 §4): ``\`` ``,`` ``;`` and line breaks."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _NEWLINE_RE.sub("\\\\n", value)


def _uri(value: str) -> str:
    # URI values are not text values: RFC 2426 does not escape them (a "\," would become part
    # of the link). The model already rejects whitespace; drop line breaks defensively anyway.
    return _NEWLINE_RE.sub("", value)


class NameParts(NamedTuple):
    """The structured name of a vCard's ``N`` property."""

    family: str = ""
    given: str = ""
    additional: str = ""
    prefixes: str = ""
    suffixes: str = ""

    def n_value(self) -> str:
        return ";".join(
            escape_text(part)
            for part in (self.family, self.given, self.additional, self.prefixes, self.suffixes)
        )


def split_name(name: str) -> NameParts:
    """Split a full name: the last word is the family name, the words before it given names.

    Also understood: leading titles ("Dr. Erika Beispiel", "Prof. Dr. …"), lower-case
    particles that belong to the family name ("Anna von Beispiel"), a degree after a comma
    ("Erika Beispiel, M.A.") or a number or generation after the name ("Erika Beispiel 2",
    "Karl Beispiel III"), and the inverted form "Beispiel, Erika". A single word becomes
    the family name.
    """
    name = _WS_RE.sub(" ", name).strip()
    suffixes = ""
    head, sep, tail = name.rpartition(",")
    if sep and head.strip() and _SUFFIX_RE.match(tail.strip()):
        name, suffixes = head.strip(), tail.strip()
    if name.count(",") == 1:
        family, given = (part.strip() for part in name.split(","))
        if family and given:
            return NameParts(family=family, given=given, suffixes=suffixes)
    words = name.split(" ") if name else []
    prefixes: list[str] = []
    while len(words) > 1 and (words[0].endswith(".") or words[0] in _PREFIXES):
        prefixes.append(words.pop(0))
    if not words:
        return NameParts(prefixes=" ".join(prefixes), suffixes=suffixes)
    if len(words) > 2 and _TRAILING_SUFFIX_RE.match(words[-1]) and not suffixes:
        suffixes = words.pop()
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    return NameParts(
        family=" ".join(words[start:]),
        given=" ".join(words[:start]),
        prefixes=" ".join(prefixes),
        suffixes=suffixes,
    )


class AddressParts(NamedTuple):
    """The components of a vCard's ``ADR`` property that a one-line address fills."""

    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""

    def adr_value(self) -> str:
        # post office box; extended address; street; locality; region; postal code; country
        parts = ("", "", self.street, self.city, "", self.postcode, self.country)
        return ";".join(escape_text(part) for part in parts)


def split_address(address: str) -> AddressParts:
    """Parse "Musterstraße 1, 39576 Stendal" into street, postal code and city.

    Parts after the "postcode city" part become the country ("…, 39576 Stendal, Deutschland").
    An address that does not have that shape goes into the street field unchanged.
    """
    parts = [part.strip() for part in re.split(r",|\r\n|\r|\n", address)]
    parts = [part for part in parts if part]
    for index in range(len(parts) - 1, -1, -1):
        match = _POSTCODE_CITY_RE.match(parts[index])
        if match:
            return AddressParts(
                street=", ".join(parts[:index]),
                city=match["city"],
                postcode=match["code"],
                country=", ".join(parts[index + 1 :]),
            )
    if len(parts) == 1:
        match = _INLINE_ADDRESS_RE.match(_WS_RE.sub(" ", parts[0]))
        if match:
            return AddressParts(
                street=match["street"], city=match["city"], postcode=match["code"]
            )
    return AddressParts(street=address)


def vcard(contact: ContactFields, organization: str | None = None, *, full: bool = False) -> str:
    """The contact as vCard 3.0 text, lines joined with CRLF, for a QR code.

    ``organization`` (usually the actor's name) is used when the contact names no
    ``organization`` of its own; the contact's field is the override the model documents.
    Only fields that are present are written; the output is deterministic. Values are UTF-8
    text as is (no quoted-printable), escaped per RFC 2426; lines are not folded.

    By default the card holds what a phone needs to save the contact and call or write: N and
    FN (both required by vCard 3.0), ORG, TEL and EMAIL, without TYPE parameters (a phone
    files an untyped number and address under its default label). The role (TITLE) stands
    beside the code on the chart. Measured on the 18 contacts of the two Stendal chains, this
    takes the median card from 246 to 172 bytes and QR version 11 (61 modules) to 9
    (53 modules); the largest from version 13 to 10. ``full=True`` adds TITLE, URL, ADR and the
    TYPE parameters (the card as it was before).
    """
    org = contact.organization or (organization.strip() if organization else "")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:" + split_name(contact.name).n_value(),
        "FN:" + escape_text(contact.name),
    ]
    if org:
        lines.append("ORG:" + escape_text(org))
    if full and contact.role:
        lines.append("TITLE:" + escape_text(contact.role))
    if contact.phone:
        lines.append(("TEL;TYPE=WORK,VOICE:" if full else "TEL:") + escape_text(contact.phone))
    if contact.email:
        lines.append(("EMAIL;TYPE=INTERNET:" if full else "EMAIL:") + escape_text(contact.email))
    if full and contact.url:
        lines.append("URL:" + _uri(contact.url))
    if full and contact.address:
        lines.append("ADR;TYPE=WORK:" + split_address(contact.address).adr_value())
    lines.append("END:VCARD")
    return CRLF.join(lines)


def _mecard_escape(value: str) -> str:
    r"""Escape a MECARD value: ``\`` ``;`` ``,`` ``:`` get a backslash (ZXing unescapes
    them), line breaks become spaces."""
    value = re.sub(r"([\\;,:])", r"\\\1", value)
    return _NEWLINE_RE.sub(" ", value)


def _dial(phone: str) -> str:
    """A phone number as a phone dials it: digits and a leading +."""
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def mecard(contact: ContactFields, organization: str | None = None) -> str:
    """The contact as a MECARD (NTT DoCoMo's compact contact format): ``N:family,given``,
    ORG, TEL (as dialled) and EMAIL. Two thirds of the minimal vCard's bytes (Stendal
    contacts: median 116 against 172 bytes, QR version 7 (45 modules) against 9 (53))."""
    org = contact.organization or (organization.strip() if organization else "")
    name = split_name(contact.name)
    given = " ".join(part for part in (name.prefixes, name.given) if part)
    parts = ["N:" + _mecard_escape(name.family) + ("," + _mecard_escape(given) if given
                                                   else "")]
    if org:
        parts.append("ORG:" + _mecard_escape(org))
    if contact.phone:
        parts.append("TEL:" + _dial(contact.phone))
    if contact.email:
        parts.append("EMAIL:" + _mecard_escape(contact.email))
    return "MECARD:" + ";".join(parts) + ";;"


def contact_payload(contact: ContactFields, organization: str | None = None,
                    qr: QrFormat = "vcard") -> str:
    """What the contact's QR code carries in format ``qr``. ``tel`` without a phone number
    and ``url`` without a web page fall back to the vCard, so that the code still says
    something."""
    if qr == "mecard":
        return mecard(contact, organization)
    if qr == "tel" and contact.phone:
        return "tel:" + _dial(contact.phone)
    if qr == "url" and contact.url:
        return _uri(contact.url)
    return vcard(contact, organization)
