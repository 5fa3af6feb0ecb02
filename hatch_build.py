"""Build hook: compile the message catalogues (.po) into the .mo files gettext reads.

The .po parser and .mo writer are the package's own (prozesskette.messages.compile_mo, loaded
from the source tree by path, without importing the package), so the build needs nothing
beyond hatchling, and build and run time read .po files the same way.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _messages_module(root: Path) -> Any:
    spec = importlib.util.spec_from_file_location(
        "_prozesskette_messages", root / "src" / "prozesskette" / "messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compile_catalogues(root: Path) -> list[Path]:
    """Write a .mo beside every .po under src/prozesskette/locale; returns the .mo paths."""
    messages = _messages_module(root)
    written = []
    for po in sorted((root / "src" / "prozesskette" / "locale").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(messages.compile_mo(po.read_text(encoding="utf-8")))
        written.append(mo)
    return written


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    """Compiles the catalogues before the wheel is assembled (the .mo are build artifacts)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        compile_catalogues(Path(self.root))
