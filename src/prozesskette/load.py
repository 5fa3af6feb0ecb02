"""YAML (or dict) → :class:`Chain`, keeping the source position of every node.

YAML is read safely: no object construction, every scalar becomes a string (so ``label: no``
stays "no" and ``version: 2017-12`` stays text), aliases are expanded with a budget (alias
bombs are refused), nesting depth and file size are bounded, duplicate keys are errors.
Every problem found is reported together, each with file:line:column and a hint.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prozesskette.errors import Issue, ProzessketteError, Severity, did_you_mean

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 500_000
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Where each part of a chain stands in its file (1-based line and column)."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at ``path`` (or of its key), else of the nearest ancestor."""
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        for cut in range(len(path) - 1, -1, -1):
            if path[:cut] in self.values:
                return self.values[path[:cut]]
        return (0, 0)

    def issue(self, path: Path_, severity: str, message: str, hint: str | None = None,
              *, key: bool = False, code: str = "") -> Issue:
        line, col = self.where(path, key=key)
        level: Severity = "error" if severity == "error" else (
            "note" if severity == "note" else "warning")
        return Issue(self.file, line, col, level, message, hint, code)


def unlocated(file: str = "<chain>") -> SourceMap:
    """A source map for chains built in Python: issues then name the file only."""
    return SourceMap(file)


class _YamlBudgetError(Exception):
    def __init__(self, message: str, line: int, col: int, hint: str) -> None:
        super().__init__(message)
        self.line, self.col, self.hint = line, col, hint


_NULLS = {"", "~", "null", "Null", "NULL"}


def _to_python(root: Any, source: SourceMap) -> tuple[Any, list[Issue]]:
    """Turn a composed YAML node tree into plain data, recording positions."""
    import yaml

    issues: list[Issue] = []
    budget = [MAX_NODES]

    def convert(node: Any, path: Path_, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise _YamlBudgetError(
                "the file expands to too many values (more than "
                f"{MAX_NODES:,}); this usually means aliases (*name) that repeat each other",
                node.start_mark.line + 1, node.start_mark.column + 1,
                "write the values out instead of nesting aliases",
            )
        if depth > MAX_DEPTH:
            raise _YamlBudgetError(
                f"the file nests deeper than {MAX_DEPTH} levels",
                node.start_mark.line + 1, node.start_mark.column + 1,
                "a chain needs only a few levels: check the indentation",
            )
        source.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and node.value in _NULLS:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, (*path, index), depth + 1)
                    for index, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    issues.append(Issue(source.file, line, col, "error",
                                        "a key must be a plain name", "write `name: value`"))
                    continue
                key = key_node.value
                if key == "<<":
                    line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    issues.append(Issue(source.file, line, col, "error",
                                        "merge keys ('<<') are not supported",
                                        "write the fields out"))
                    continue
                key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in result:
                    first = source.keys.get((*path, key), (0, 0))
                    issues.append(Issue(
                        source.file, *key_pos, "error", f"duplicate key '{key}'",
                        f"'{key}' is already given at line {first[0]}; keep one of them",
                    ))
                    continue
                source.keys[(*path, key)] = key_pos
                result[key] = convert(value_node, (*path, key), depth + 1)
            return result
        raise _YamlBudgetError("unsupported YAML node", node.start_mark.line + 1,
                               node.start_mark.column + 1, "")

    data = convert(root, (), 0)
    return data, issues


def _yaml_issue(file: str, exc: Exception) -> Issue:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax: {problem}" + (f" ({context})" if context else "")
    hint = "check the indentation: items of a list start with '- ' and keys of one mapping " \
        "line up exactly; use spaces, not tabs"
    if "\t" in str(problem) or "tab" in str(problem):
        hint = "replace the tab characters with spaces"
    elif "found character '@'" in problem or "found character '`'" in problem:
        hint = "put text that starts with @ or ` in quotes"
    elif "mapping values are not allowed" in problem:
        hint = "a text that contains ': ' must be put in quotes, e.g. title: \"Schritt 1: Ankunft\""
    return Issue(file, line, col, "error", message, hint, "yaml")


def parse_yaml(text: str, file: str = "<text>") -> tuple[Any, SourceMap, list[Issue]]:
    """Read YAML text safely into plain data and its source map."""
    import yaml

    source = SourceMap(file)
    if "\x00" in text:
        return None, source, [Issue(file, 0, 0, "error", "the file contains NUL bytes",
                                    "is this really a text (YAML) file?")]
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        return None, source, [_yaml_issue(file, exc)]
    except RecursionError:
        return None, source, [Issue(file, 0, 0, "error", "the file nests too deeply", None)]
    documents = [node for node in nodes if node is not None]
    if not documents:
        return None, source, [Issue(file, 1, 1, "error", "the file is empty",
                                    "start with `title: …`, then `actors:` and `steps:`")]
    if len(documents) > 1:
        mark = documents[1].start_mark
        return None, source, [Issue(file, mark.line + 1, mark.column + 1, "error",
                                    "the file holds more than one YAML document ('---')",
                                    "put each chain in a file of its own")]
    try:
        data, issues = _to_python(documents[0], source)
    except _YamlBudgetError as exc:
        return None, source, [Issue(file, exc.line, exc.col, "error", str(exc), exc.hint)]
    return data, source, issues


def read_text(path: Path) -> str:
    """Read a chain file as UTF-8, refusing oversized or undecodable files with located errors."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ProzessketteError(Issue(name, 0, 0, "error", "no such file",
                                      "check the file name and folder")) from None
    except OSError as exc:
        raise ProzessketteError(
            Issue(name, 0, 0, "error", f"cannot read: {exc.strerror}")) from None
    if path.is_dir():
        raise ProzessketteError(Issue(name, 0, 0, "error", "this is a folder, not a chain file",
                                      "name a .yaml file"))
    if size > MAX_FILE_BYTES:
        raise ProzessketteError(Issue(name, 0, 0, "error",
                                      f"the file is too large ({size:,} bytes; at most "
                                      f"{MAX_FILE_BYTES:,})", "split it into several chains"))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProzessketteError(
            Issue(name, 0, 0, "error", f"cannot read: {exc.strerror}")) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ProzessketteError(Issue(
            name, line, col, "error", "the file is not UTF-8 text",
            "save it as UTF-8 (in most editors: 'Save as…' → encoding UTF-8)",
        )) from None


def _looks_like_path(text: str) -> bool:
    if "\n" in text or len(text) > 4096:
        return False
    return text.endswith((".yaml", ".yml", ".json")) or os.path.exists(text)


def _model_issues(exc: Any, source: SourceMap, data: Any) -> list[Issue]:
    """Turn pydantic's validation errors into located, actionable issues."""
    from prozesskette.model import Actor, Chain, Contact, Phase, Service, Step, StepKind

    models: dict[str, type[Any]] = {"actors": Actor, "phases": Phase, "steps": Step,
                                    "services": Service, "contacts": Contact}
    issues: list[Issue] = []
    for error in exc.errors():
        loc: Path_ = tuple(error["loc"])
        kind = error["type"]
        # model_validator errors have no field in loc; pydantic adds nothing, fine.
        field_name = next((part for part in reversed(loc) if isinstance(part, str)), "")
        owner: type[Any] = Chain
        for part in loc:
            if isinstance(part, str) and part in models:
                owner = models[part]
        hint: str | None = None
        as_key = False
        value = error.get("input")
        if kind == "missing":
            message = f"missing required field '{field_name}'"
            hint = f"add `{field_name}: …`"
            loc = loc[:-1]
        elif kind == "extra_forbidden":
            message = f"unknown field '{field_name}'"
            known = [name for name in owner.model_fields]
            guess = did_you_mean(field_name, known)
            hint = f"did you mean '{guess}'?" if guess else "allowed here: " + ", ".join(known)
            as_key = True
        elif (kind == "string_pattern_mismatch" and field_name in {"id", "actor", "actors", "phase",
                                                                   "to", "service"}) or (
            kind == "string_pattern_mismatch" and isinstance(loc[-1], int)
        ):
            message = f"'{value}' is not a valid id"
            hint = "ids use letters, digits, '_' and '-' and start with a letter, e.g. 'jobcenter'"
        elif kind == "string_pattern_mismatch" and field_name == "language":
            message = f"'{value}' is not a language tag"
            hint = "use a tag such as 'de', 'en' or 'ar'"
        elif kind == "enum":
            choices = ([member.value for member in StepKind] if field_name == "kind"
                       else ["lr", "tb"])
            message = f"'{value}' is not a valid {field_name}"
            guess = did_you_mean(str(value), choices)
            hint = (f"did you mean '{guess}'? " if guess else "") + "choose one of " + \
                ", ".join(choices)
        elif kind in {"string_type", "model_type", "dict_type", "tuple_type", "list_type"}:
            expected = {"string_type": "a text", "model_type": "a mapping of fields",
                        "dict_type": "a mapping of fields"}.get(kind, "a list")
            message = f"'{field_name or 'value'}' must be {expected}"
            if value is None:
                message += ", but it is empty"
            hint = {"a text": "write the text after the colon, in quotes if it contains ': '",
                    "a mapping of fields": "indent the fields below it, e.g. `- id: …` then "
                    "`  name: …`",
                    "a list": "write a list: `- item` lines, or [a, b]"}[expected]
        elif kind == "too_short":
            message = f"'{field_name}' needs at least one entry"
            hint = f"add `{field_name}:` with `- id: …` items"
        elif kind == "string_too_short":
            message = f"'{field_name}' must not be empty"
        elif kind == "string_too_long":
            message = f"'{field_name}' is too long ({len(str(value)):,} characters)"
            hint = "shorten it; put details into 'description'"
        elif kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
        else:
            message = f"{field_name or 'value'}: {error['msg']}"
        issues.append(source.issue(loc, "error", message, hint, key=as_key, code=kind))
    return issues


def parse(source: str | os.PathLike[str] | Mapping[str, Any], *,
          filename: str | None = None) -> tuple[Any, list[Issue]]:
    """Parse and validate the model; returns (Chain or None, issues). Raises nothing for
    problems in the input itself."""
    from pydantic import ValidationError

    from prozesskette.model import Chain

    if isinstance(source, Mapping):
        data: Any = dict(source)
        smap = SourceMap(filename or "<dict>")
        issues: list[Issue] = []
    else:
        if isinstance(source, os.PathLike) or (isinstance(source, str)
                                               and _looks_like_path(source)):
            path = Path(os.fspath(source))
            try:
                text = read_text(path)
            except ProzessketteError as exc:
                return None, exc.issues
            name = filename or str(source)
        else:
            text = str(source)
            name = filename or "<text>"
        data, smap, issues = parse_yaml(text, name)
        if data is None:
            return None, issues
    if not isinstance(data, dict):
        line, col = smap.where(())
        return None, [*issues, Issue(smap.file, line or 1, col or 1, "error",
                                     "a chain file must be a mapping of fields",
                                     "start with `title: …`, then `actors:` and `steps:`")]
    try:
        chain = Chain.model_validate(data)
    except ValidationError as exc:
        issues = [*issues, *_model_issues(exc, smap, data)]
        return None, sorted([*issues, *_partial_checks(data, smap)])
    chain._source = smap
    return chain, issues


def _partial_checks(data: dict[str, Any], smap: SourceMap) -> list[Issue]:
    """Reference checks on the parts of an invalid file that are valid on their own, so that
    one wrong field does not hide the other mistakes of the file."""
    from pydantic import ValidationError

    from prozesskette.graph import ChainGraph, check_decisions, check_references
    from prozesskette.model import Actor, Chain, Phase, Service, Step

    sections: dict[str, type[Any]] = {"actors": Actor, "phases": Phase, "steps": Step,
                                      "services": Service}
    valid: dict[str, list[Any]] = {}
    for name, model in sections.items():
        items = data.get(name) or []
        valid[name] = []
        if not isinstance(items, list):
            continue
        for item in items:
            try:
                valid[name].append(model.model_validate(item))
            except (ValidationError, TypeError):
                # keep the index aligned with the file, so positions stay right
                valid[name].append(None)
    if not valid["steps"]:
        return []
    placeholder = Step(id="_invalid", title="-", actor=None)
    steps = [step or placeholder for step in valid["steps"]]
    chain = Chain.model_construct(
        title="-", actors=tuple(a for a in valid["actors"] if a), phases=tuple(
            p for p in valid["phases"] if p), services=tuple(s for s in valid["services"] if s),
        steps=tuple(steps), language="de")
    chain._source = smap
    graph = ChainGraph(chain)
    issues = check_decisions(graph)
    # An invalid actor/phase/step/service item would make references to it look unknown.
    skipped = {f"unknown-{noun[:-1]}" for noun, items in valid.items() if None in items}
    if not valid["phases"]:
        skipped.add("missing-phase")
    issues += [issue for issue in check_references(graph) if issue.code not in skipped]
    return issues


def load_with_issues(source: str | os.PathLike[str] | Mapping[str, Any], *,
                     filename: str | None = None) -> tuple[Any, list[Issue]]:
    """Parse, validate and check a chain; returns (Chain or None, all issues sorted)."""
    from prozesskette.graph import check_chain

    chain, issues = parse(source, filename=filename)
    if chain is not None:
        issues = [*issues, *check_chain(chain)]
    return chain, sorted(issues)


def load(source: str | os.PathLike[str] | Mapping[str, Any], *,
         filename: str | None = None) -> Any:
    """Load a chain from a file path, YAML text or a dict.

    Raises :class:`ProzessketteError` carrying every error (warnings do not raise; call
    :func:`prozesskette.check` to see them).
    """
    chain, issues = load_with_issues(source, filename=filename)
    if chain is None or any(issue.is_error for issue in issues):
        raise ProzessketteError([issue for issue in issues if issue.is_error])
    return chain


def iter_paths(data: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every path in plain data (used by tests to corrupt chains)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_paths(value, (*path, index))
