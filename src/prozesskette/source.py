"""Where each part of a chain stands in its file, so that every issue can name line and column.

The loader fills a :class:`SourceMap` while it reads YAML (the BPMN importer while it reads
XML); the checks, translations and the importer ask it where a data path stands. It sits in
the bottom layer with :mod:`prozesskette.errors`, so that every stage above can locate its
issues without importing the stage that read the file.
"""

from __future__ import annotations

from prozesskette.errors import Issue, Severity

DataPath = tuple[str | int, ...]
"""A place in the plain data of a chain, e.g. ``("steps", 3, "next", 0)``."""

Position = tuple[int, int]
"""1-based line and column; ``(0, 0)`` is the file as a whole."""


class SourceMap:
    """Where each part of a chain stands in its file (1-based line and column).

    A plain class rather than a dataclass (its ``__eq__`` and ``__repr__`` were never used):
    every command imports this module, and a dataclass costs about 0.7 ms to create there.
    """

    __slots__ = ("file", "keys", "values")

    def __init__(self, file: str, values: dict[DataPath, Position] | None = None,
                 keys: dict[DataPath, Position] | None = None) -> None:
        self.file = file
        self.values: dict[DataPath, Position] = {} if values is None else values
        self.keys: dict[DataPath, Position] = {} if keys is None else keys

    def __repr__(self) -> str:
        return f"SourceMap({self.file!r}, {len(self.values)} values, {len(self.keys)} keys)"

    def where(self, path: DataPath, *, key: bool = False) -> Position:
        """Position of the value at ``path`` (or of its key), else of the nearest ancestor."""
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        for cut in range(len(path) - 1, -1, -1):
            if path[:cut] in self.values:
                return self.values[path[:cut]]
        return (0, 0)

    def issue(self, path: DataPath, severity: Severity, message: str, hint: str | None = None,
              *, key: bool = False, code: str = "") -> Issue:
        """An issue located at the value at ``path`` (or at its key)."""
        line, col = self.where(path, key=key)
        return Issue(self.file, line, col, severity, message, hint, code)


def unlocated(file: str = "<chain>") -> SourceMap:
    """A source map for chains built in Python: issues then name the file only."""
    return SourceMap(file)
