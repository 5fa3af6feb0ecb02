"""One rule each for what a chain's texts may carry into markup: escaping, forbidden
characters, links, colours, language tags and element ids.

SVG, HTML and BPMN output and the model's value checks call these functions instead of
keeping their own copies, so that a text, link or colour the loader accepts is exactly one
the renderers draw (and the other way round). This is a leaf module: it imports nothing of
the package, so every layer may use it.
"""

from __future__ import annotations

import re
import unicodedata

from prozesskette.errors import Problem
from prozesskette.messages import _

__all__ = [
    "ALLOWED_LINK_SCHEMES", "COLOR_RE", "LANGUAGE_TAG_RE", "color_problem", "css_color",
    "css_ident", "element_id", "escape_attribute", "escape_html", "escape_text",
    "language_attribute", "language_problem", "link_problem", "one_line", "primary_subtag",
    "safe_href", "strip_forbidden", "strip_not_xml",
]

# ----------------------------------------------------------------------------- characters

#: Characters XML 1.0 cannot hold at all (outside its ``Char`` production): C0 controls
#: other than tab and line breaks, lone surrogates, U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Characters no drawn or displayed text carries: those of :data:`NOT_XML`, DEL and the C1
#: controls (mojibake, never meant), and every Unicode noncharacter (U+FDD0–U+FDEF and the
#: last two code points of each plane). HTML calls noncharacters and C1 controls parse
#: errors, XML 1.0 (§2.2) asks authors to avoid them, and the SVG is also put inline into
#: the HTML page, so SVG and HTML share this one rule.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}"
              for plane in range(1, 17))
    + "]")

_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")


def strip_forbidden(text: str) -> str:
    """``text`` without the characters of :data:`FORBIDDEN` (line breaks stay)."""
    if text.isprintable():  # no control, surrogate or noncharacter (categories Cc, Cs, Cn)
        return text
    return FORBIDDEN.sub("", text)


def strip_not_xml(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold; everything else stays, so that
    a file meant to be read back (BPMN) keeps every character the chain has."""
    return NOT_XML.sub("", text)


def one_line(text: str) -> str:
    """``text`` as one line (each run of tabs and line breaks one space), without
    forbidden characters: the text of one drawn line."""
    if text.isprintable():  # the common case, about a thousand times per chart: no breaks
        return text
    return strip_forbidden(_LINE_BREAKS.sub(" ", text))


# ----------------------------------------------------------------------------- escaping

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "'": "&#x27;"})


def escape_text(text: str) -> str:
    """Element content of XML or HTML: ``&``, ``<`` and ``>`` as references."""
    return text.translate(_TEXT_ESCAPES)


def escape_attribute(text: str) -> str:
    """The value of a double-quoted XML attribute: also ``"`` as a reference."""
    return text.translate(_ATTRIBUTE_ESCAPES)


def escape_html(text: str) -> str:
    """Text safe both as HTML element content and inside either kind of attribute quotes
    (the same as :func:`html.escape` with ``quote=True``): one helper for a whole page."""
    return text.translate(_HTML_ESCAPES)


def element_id(prefix: str, value: str) -> str:
    """``prefix`` + ``value`` as a valid XML name (and HTML id), injectively.

    ASCII letters, digits, ``-``, ``_`` and non-ASCII letters (umlauts, ß, …) are kept; any
    other character (``.`` included) becomes ``.hex.``, so different values never collide.
    """
    return prefix + "".join(ch if _name_char(ch) else f".{ord(ch):x}." for ch in value)


def _name_char(ch: str) -> bool:
    """Whether ``ch`` may stand inside an XML name as :func:`element_id` writes it: ASCII
    letters, digits, ``-`` and ``_``, and letters in the ranges of XML's ``NameChar``."""
    if ch.isascii():
        return ch.isalnum() or ch in "-_"
    code = ord(ch)
    return (unicodedata.category(ch) in ("Lu", "Ll", "Lo")
            and (0xC0 <= code <= 0x2FF or (0x370 <= code <= 0x1FFF and code != 0x37E)
                 or 0x3001 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF
                 or 0xFDF0 <= code <= 0xFFFD))


def css_ident(value: str, fallback: str) -> str:
    """A font family or class name safe inside CSS and XML: letters, digits, space, - and _."""
    text = " ".join(re.sub(r"[^A-Za-z0-9 _\-]", "", value).split())
    return text or fallback


# The patterns keep ^…$ for the JSON Schema (which reads them); Python matches them with
# fullmatch, because its $ also matches before a final line break ('#fff\n').

# ----------------------------------------------------------------------------- links

#: The only link schemes a chain may use: anything else (``javascript:``, ``data:`` …)
#: could run script in a page.
ALLOWED_LINK_SCHEMES = ("http", "https", "mailto", "tel")

_LINK_RE = re.compile(
    r"^(?:https?://[^\s/$.?#<>\"'][^\s<>\"']*|mailto:[^\s@<>\"']+@[^\s@<>\"']+"
    r"|tel:\+?[0-9()\-./ ]+)$",
    re.IGNORECASE,
)


def link_problem(value: str) -> Problem | None:
    """Why ``value`` is not an allowed link, or None: only ``http(s):``, ``mailto:`` and
    ``tel:`` links, without white space, quotes, angle brackets or forbidden characters.

    Control characters make a link invalid rather than being removed: browsers strip them
    from URLs, so that ``java\\tscript:`` would become ``javascript:``.
    """
    if FORBIDDEN.search(value) or not _LINK_RE.fullmatch(value):
        return Problem(_("'{value}' is not an allowed link: use https://…, http://…, mailto:… "
                         "or tel:…").format(value=value), "url", names_value=True)
    return None


def safe_href(href: str | None) -> str | None:
    """The link to write into an ``href`` if it is allowed (see :func:`link_problem`), else
    None; surrounding white space goes, and spaces and slashes are taken out of ``tel:``
    numbers (RFC 3966 allows only ``-``, ``.``, ``(``, ``)`` as visual separators)."""
    if not href:
        return None
    value = href.strip()
    if link_problem(value) is not None:
        return None
    if value[:4].lower() == "tel:":
        value = "tel:" + re.sub(r"[ /]", "", value[4:])
    return value


# ----------------------------------------------------------------------------- colours

#: A colour as chains write it: ``#rgb`` or ``#rrggbb``.
COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def color_problem(value: str) -> Problem | None:
    """Why ``value`` is not a colour, or None."""
    if not COLOR_RE.fullmatch(value):
        return Problem(_("'{value}' is not a colour: write it as #rrggbb, e.g. '#e8f1fb'").format(
            value=value), "color", names_value=True)
    return None


def css_color(value: str | None, fallback: str) -> str:
    """``value`` in lower case if it is a colour, else ``fallback``."""
    return value.lower() if value and COLOR_RE.fullmatch(value) else fallback


# ----------------------------------------------------------------------------- languages

#: BCP 47 in the forms chains use: 'de', 'pt-BR', 'sr-Latn', and private use such as
#: 'de-x-ls' (a one-letter subtag only as the private-use 'x').
LANGUAGE_TAG_RE = re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*(-x(-[A-Za-z0-9]{1,8})+)?$")


def language_problem(value: object) -> Problem | None:
    """Why ``value`` is not a language tag, or None."""
    if not isinstance(value, str) or not LANGUAGE_TAG_RE.fullmatch(value):
        return Problem(_("'{value}' is not a language tag").format(value=value), "lang",
                       names_value=True)
    return None


def language_attribute(value: str | None) -> str:
    """The value of a ``lang`` attribute: the tag (stripped) if it is one, else ``und``
    (undetermined), so that no text of a chain ends up as a wrong language claim."""
    tag = (value or "").strip()
    return tag if LANGUAGE_TAG_RE.fullmatch(tag) else "und"


def primary_subtag(language: str) -> str:
    """'ar-SY' → 'ar'; 'de-x-ls' → 'de'; also a locale or dictionary name: 'de_DE' → 'de'."""
    return language.replace("_", "-").split("-", 1)[0].lower()
