"""Located problems: every message a user sees names file, line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in a chain file, printed like a compiler message.

    Line and column are 1-based; 0 means "the file as a whole".
    """

    file: str
    line: int
    col: int
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    code: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.format()


class ProzessketteError(Exception):
    """The one exception type at the API boundary; it carries every issue found."""

    def __init__(self, issues: list[Issue] | Issue | str) -> None:
        if isinstance(issues, str):
            issues = [Issue("<input>", 0, 0, "error", issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues: list[Issue] = sorted(issues)
        super().__init__("\n".join(issue.format() for issue in self.issues))

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.is_error]


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The closest known id, for 'did you mean …?' hints."""
    import difflib

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
