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
                raise ProzessketteError(Issue(name, 0, 0, "error", "this is a folder, not a "
                                              "BPMN file", "name a .bpmn file"))
            if size > MAX_BPMN_BYTES:
                raise ProzessketteError(_too_large(name, size))
            data = path.read_bytes()
        except FileNotFoundError:
            raise ProzessketteError(Issue(name, 0, 0, "error", "no such file",
                                          "check the file name and folder")) from None
        except OSError as exc:
            raise ProzessketteError(Issue(name, 0, 0, "error",
                                          f"cannot read: {exc.strerror}")) from None
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_BPMN_BYTES:
        raise ProzessketteError(_too_large(name, size))
    return data, name


def _too_large(name: str, size: int) -> Issue:
    return Issue(name, 0, 0, "error", f"the file is too large ({size:,} bytes; at most "
                 f"{MAX_BPMN_BYTES:,})", code="bpmn-size")


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
                name, line, col, "error", f"the file contains {marker}: documents with a DTD "
                "or entity declarations are refused", "BPMN files need neither; export the "
                "file again from the modelling tool", "bpmn-unsafe"))

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
            raise _Refused(f"the XML nests deeper than {MAX_DEPTH} levels")
        element = builder.start(tag(raw), {tag(key): value for key, value in attrs.items()})
        positions[element] = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def end(raw: str) -> None:
        depth[0] -= 1
        builder.end(tag(raw))

    def refuse(*_args: Any) -> NoReturn:
        raise _Refused("documents with a DTD or entity declarations are refused")

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
                                      f"not well-formed XML: {expat.errors.messages[exc.code]}",
                                      "is this really a BPMN file?", "xml")) from None
    return XmlDocument(root, name, positions)
