"""The JSON Schema of the chain format, derived from the one declaration of each field: its
dataclass field and metadata in :mod:`prozesskette.model`, read through :data:`model.FIELDS`.

Editors use it for completion and checks while typing (VS Code's YAML extension reads the
``# yaml-language-server: $schema=…`` line).
"""

from __future__ import annotations

import json
from typing import Any

from prozesskette.markup import LANGUAGE_TAG_RE
from prozesskette.model import FIELDS, ID_RE, MAX_LONG_TEXT, MAX_TEXT, FieldSpec

_ID = {"type": "string", "pattern": ID_RE.pattern, "maxLength": 80}


def _field(spec: FieldSpec) -> dict[str, Any]:
    kind = spec.kind
    result: dict[str, Any]
    if kind == "list":
        result = {"type": "array", "items": {"$ref": f"#/$defs/{spec.item}"}}
        if spec.min_items:
            result["minItems"] = spec.min_items
    elif kind == "next":
        item = {"anyOf": [dict(_ID), {"$ref": "#/$defs/Transition"}]}
        result = {"anyOf": [item, {"type": "array", "items": item}]}
    elif kind == "ids":
        result = {"anyOf": [dict(_ID), {"type": "array", "items": dict(_ID), "minItems": 1}]}
    elif kind == "id":
        result = dict(_ID)
    elif kind == "enum":
        result = {"enum": list(spec.choices)}
    elif kind == "url":
        result = {"type": "string", "pattern": r"^(https?://|mailto:|tel:)"}
    elif kind == "color":
        result = {"type": "string", "pattern": r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"}
    elif kind == "date":  # "format" alone is only an annotation in draft 2020-12
        result = {"type": "string", "format": "date",
                  "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}
    elif kind in ("text", "longtext"):
        # a text, or its translations: {de: …, en: …, ar: …, de-x-ls: …}
        text: dict[str, Any] = ({"type": "string", "maxLength": MAX_LONG_TEXT}
                                if kind == "longtext" else
                                {"type": "string", "minLength": 1, "maxLength": MAX_TEXT})
        result = {"anyOf": [text, {"type": "object", "minProperties": 1,
                                   "propertyNames": {"pattern": LANGUAGE_TAG_RE.pattern},
                                   "additionalProperties": dict(text)}]}
    else:
        result = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}
    if spec.description:
        result["description"] = spec.description
    return result


def _object(name: str) -> dict[str, Any]:
    fields = FIELDS[name]
    return {
        "type": "object",
        "title": name,
        "additionalProperties": False,
        "required": [key for key, spec in fields.items() if spec.required],
        "properties": {key: _field(spec) for key, spec in fields.items()},
    }


def chain_schema() -> dict[str, Any]:
    schema = _object("Chain")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "prozesskette chain"
    schema["$defs"] = {name: _object(name) for name in FIELDS if name != "Chain"}
    return schema


def schema_json() -> str:
    return json.dumps(chain_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
