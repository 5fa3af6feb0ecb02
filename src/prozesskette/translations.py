"""Moved to :mod:`prozesskette.words` (issue 13: one catalogue of the words).

Kept only so that ``layout/build.py`` (another part of the restructuring) still finds
``LEGEND`` here until it imports ``prozesskette.words`` itself; then this module goes.
"""

from __future__ import annotations

from prozesskette.words import LEGEND

__all__ = ["LEGEND"]
