"""Reading the XML of a BPMN file safely: the standard library's expat, with defusedxml's
precautions. Documents with a DTD or entity declarations are refused before and during parsing,
external entities are never resolved, size and nesting depth are bounded, and every element
keeps its line and column for the issues that name it.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from prozesskette.errors import Issue, ProzessketteError
from prozesskette.messages import _
from prozesskette.output import os_reason

MAX_BPMN_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 200


class _Refused(Exception):
    """Raised inside expat's callbacks to stop parsing an unsafe document."""


@dataclass
class XmlDocument:
    """A parsed file: its root element, its name for issues, and where each element starts."""

    root: ET.Element
    file: str
    positions: dict[ET.Element, tuple[int, int]] = field(default_factory=dict)

    def at(self, element: ET.Element | None) -> tuple[int, int]:
        return self.positions.get(element, (0, 0)) if element is not None else (0, 0)


def read_source(source: str | bytes | os.PathLike[str],
                filename: str | None) -> tuple[bytes | str, str]:
    """The XML (text, bytes or a file path) and the name issues give it; refuses folders,
    missing files and files larger than :data:`MAX_BPMN_BYTES` before reading them whole."""
    if isinstance(source, bytes):
        data: bytes | str = source
        name = filename or "<bpmn>"
    elif isinstance(source, str) and source.lstrip("\ufeff \t\r\n").startswith("<"):
        data, name = source, filename or "<bpmn>"
    else:
        path = Path(os.fspath(source))
        name = filename or str(path)
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise ProzessketteError(Issue(name, 0, 0, "error",
                                              _("this is a folder, not a BPMN file"),
                                              _("name a .bpmn file"), "not-a-file"))
            if size > MAX_BPMN_BYTES:
                raise ProzessketteError(_too_large(name, size))
            data = path.read_bytes()
        except FileNotFoundError:
            raise ProzessketteError(Issue(name, 0, 0, "error", _("no such file"),
                                          _("check the file name and folder"),
                                          "no-file")) from None
        except OSError as exc:
            raise ProzessketteError(Issue(name, 0, 0, "error", _("cannot read: {reason}").format(
                reason=os_reason(exc)), code="cannot-read")) from None
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_BPMN_BYTES:
        raise ProzessketteError(_too_large(name, size))
    return data, name


def _too_large(name: str, size: int) -> Issue:
    return Issue(name, 0, 0, "error", _("the file is too large ({size:,} bytes; at most "
                                        "{limit:,})").format(size=size, limit=MAX_BPMN_BYTES),
                 code="bpmn-size")


def parse_xml(data: bytes | str, name: str) -> XmlDocument:
    """Parse XML into ElementTree elements with their line and column, refusing DTDs and
    entity declarations (the ways to billion-laughs and external-entity attacks)."""
    from xml.parsers import expat

    # A first look at the raw text (any ASCII-compatible encoding); the handlers below also
    # catch declarations in other encodings, e.g. UTF-16.
    probe = data if isinstance(data, str) else data.decode("latin-1")
    for marker in ("<!DOCTYPE", "<!ENTITY"):
        offset = probe.find(marker)
        if offset >= 0:
            line = probe.count("\n", 0, offset) + 1
            col = offset - (probe.rfind("\n", 0, offset) + 1) + 1
            raise ProzessketteError(Issue(
                name, line, col, "error",
                _("the file contains {marker}: documents with a DTD or entity declarations are "
                  "refused").format(marker=marker),
                _("BPMN files need neither; export the file again from the modelling tool"),
                "bpmn-unsafe"))

    parser = expat.ParserCreate(namespace_separator=" ")
    builder = ET.TreeBuilder()
    positions: dict[ET.Element, tuple[int, int]] = {}
    depth = [0]

    def tag(raw: str) -> str:
        uri, _, local = raw.rpartition(" ")
        return "{" + uri + "}" + local if uri else local

    def start(raw: str, attrs: dict[str, str]) -> None:
        depth[0] += 1
        if depth[0] > MAX_DEPTH:
            raise _Refused(_("the XML nests deeper than {depth} levels").format(
                depth=MAX_DEPTH))
        element = builder.start(tag(raw), {tag(key): value for key, value in attrs.items()})
        positions[element] = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def end(raw: str) -> None:
        depth[0] -= 1
        builder.end(tag(raw))

    def refuse(*_args: Any) -> NoReturn:
        raise _Refused(_("documents with a DTD or entity declarations are refused"))

    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
        root = builder.close()
    except _Refused as exc:
        raise ProzessketteError(Issue(name, parser.CurrentLineNumber,
                                      parser.CurrentColumnNumber + 1, "error", str(exc),
                                      code="bpmn-unsafe")) from None
    except expat.ExpatError as exc:
        raise ProzessketteError(Issue(name, exc.lineno, exc.offset + 1, "error",
                                      _("not well-formed XML: {reason}").format(
                                          reason=_expat_reason(exc.code)),
                                      _("is this really a BPMN file?"), "xml")) from None
    return XmlDocument(root, name, positions)


def _expat_reason(code: int) -> str:
    """What expat found wrong, in the reader's language (its own words for the rare cases)."""
    from xml.parsers import expat

    english: str = expat.errors.messages[code]
    reasons = {
        expat.errors.XML_ERROR_SYNTAX: _("syntax error"),
        expat.errors.XML_ERROR_NO_ELEMENTS: _("no element found"),
        expat.errors.XML_ERROR_INVALID_TOKEN: _("not well-formed (invalid token)"),
        expat.errors.XML_ERROR_UNCLOSED_TOKEN: _("unclosed token"),
        expat.errors.XML_ERROR_PARTIAL_CHAR: _("partial character"),
        expat.errors.XML_ERROR_TAG_MISMATCH: _("mismatched tag"),
        expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE: _("duplicate attribute"),
        expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: _("junk after document element"),
        expat.errors.XML_ERROR_UNDEFINED_ENTITY: _("undefined entity"),
        expat.errors.XML_ERROR_UNKNOWN_ENCODING: _("unknown encoding"),
        expat.errors.XML_ERROR_INCORRECT_ENCODING: _("encoding specified in XML declaration "
                                                     "is incorrect"),
        expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION: _("unclosed CDATA section"),
        expat.errors.XML_ERROR_UNBOUND_PREFIX: _("unbound prefix"),
    }
    return reasons.get(english, english)
