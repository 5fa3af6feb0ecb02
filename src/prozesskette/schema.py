"""The JSON Schema of the chain format, for editor completion (VS Code YAML extension)."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://example.org/prozesskette/schema/prozesskette.schema.json"


def chain_schema() -> dict[str, Any]:
    from prozesskette.model import Chain

    schema = Chain.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "prozesskette chain"
    return schema


def schema_json() -> str:
    return json.dumps(chain_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
