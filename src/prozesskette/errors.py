"""Located problems: every message a user sees names file, line and column."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

from prozesskette.messages import _

Severity = Literal["error", "warning", "note"]

class Problem(str):
    """What is wrong with one value, in the reader's language (see :mod:`messages`).

    The words are translated, so nothing may be decided by comparing them: ``code`` names the
    problem for programs and for the loader's choice of hint, and ``names_value`` says that the
    text is a whole sentence about the value ("'x' is not a colour") rather than a predicate to
    put after the field's name ("must be a text").
    """

    code: str
    names_value: bool

    def __new__(cls, text: str, code: str, *, names_value: bool = False) -> Problem:
        problem = super().__new__(cls, text)
        problem.code = code
        problem.names_value = names_value
        return problem


#: The ``code`` of a note that reports a consequence of another error (see ``follows_from``).
FOLLOWS_FROM = "follows-from"


@dataclass(frozen=True)
class Issue:
    """One problem in a chain file, printed like a compiler message.

    Line and column are 1-based; 0 means "the file as a whole". ``follows_from`` is the
    (line, col) of the error that causes this one (a broken ``next`` that leaves steps
    unreachable): such a note sorts after every issue of its file, grouped by its cause, so
    that a list of issues reads causes first, consequences last; other notes come after the
    errors and warnings.
    Equality compares the position only (as before); order is :meth:`sort_key`.
    """

    file: str
    line: int
    col: int
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    code: str = field(default="", compare=False)
    follows_from: tuple[int, int] | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, tuple[int, int], int, int]:
        """Per file: errors and warnings in file order, then the notes (loops, for example),
        then the consequences grouped by their cause, so that the first line is a cause."""
        rank = 2 if self.follows_from is not None else 1 if self.severity == "note" else 0
        return (self.file, rank, self.follows_from or (0, 0), self.line, self.col)

    def __lt__(self, other: Issue) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: Issue) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: Issue) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: Issue) -> bool:
        return self.sort_key() >= other.sort_key()

    @property
    def is_follow_on(self) -> bool:
        """A note that another error explains (it goes away when that error is fixed)."""
        return self.follows_from is not None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}"
        text = f"{where}: {severity_word(self.severity)}: {self.message}"
        if self.hint:
            text += "\n    " + _("hint: {hint}").format(hint=self.hint)
        return text

    def __str__(self) -> str:
        return self.format()


def severity_word(severity: Severity) -> str:
    """The printed word for a severity, in the user's language (the ``severity`` field keeps
    the English value, for programs)."""
    words = {"error": _("error"), "warning": _("warning"), "note": _("note")}
    return words[severity]


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


#: How alike (difflib ratio, 0…1) a known name must be to be suggested. Measured: typos in
#: the ids of the shipped chains score 0.85 and more ('vermitlung'/'vermittlung' 0.95,
#: 'beratnug'/'beratung' 0.88), while unrelated words that share a syllable stay below
#: ('jobsuche'/'bescheid' 0.62, which the former cutoff of 0.6 suggested).
SIMILARITY_CUTOFF = 0.75


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The closest known name, for 'did you mean …?' hints; None when none is close: a wrong
    suggestion sends the user to the wrong step. A name one typo away (a letter left out,
    added, changed, or two swapped) always counts, so short ids ('dtx' for 'dtz') get one."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=SIMILARITY_CUTOFF)
    if matches:
        return matches[0]
    return next((name for name in candidates if one_typo_apart(word, name)), None)


def one_typo_apart(first: str, second: str) -> bool:
    """Whether one deletion, insertion, substitution or swap of neighbours turns one word
    into the other (both at least three letters long: in shorter words one typo is half the
    word, and any two ids would look alike)."""
    shorter, longer = sorted((first, second), key=len)
    if first == second or len(shorter) < 3 or len(longer) - len(shorter) > 1:
        return False
    start = next((i for i, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b),
                 len(shorter))
    if len(shorter) != len(longer):
        return shorter[start:] == longer[start + 1:]
    changed = shorter[start + 1:] == longer[start + 1:]
    swapped = (start + 1 < len(shorter) and shorter[start] == longer[start + 1]
               and shorter[start + 1] == longer[start]
               and shorter[start + 2:] == longer[start + 2:])
    return changed or swapped
