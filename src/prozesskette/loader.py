"""YAML (or dict) → :class:`Chain`, keeping the source position of every node.

YAML is read safely: no object construction, every scalar becomes a string (so ``label: no``
stays "no" and ``version: 2017-12`` stays text), aliases are expanded with a budget (alias
bombs are refused), nesting depth and file size are bounded, duplicate keys are errors.
Every problem found is reported together, each with file:line:column and a hint.

Loading is one step, checking the next: :func:`read_chain` gives a :class:`Loaded` (the chain
or None, the file's own issues, and the valid parts of a chain that did not load); the
structural checks live in :mod:`prozesskette.graph`, which this module never imports.
:func:`prozesskette.load` runs both.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from prozesskette.errors import Issue, Problem, ProzessketteError, did_you_mean
from prozesskette.markup import language_problem
from prozesskette.messages import _
from prozesskette.model import (
    FIELDS,
    MODELS,
    Actor,
    Chain,
    FieldSpec,
    Step,
    id_problem,
    value_problem,
)
from prozesskette.output import os_reason
from prozesskette.source import (
    TYPOGRAPHIC_QUOTES,
    DataPath,
    SourceMap,
    comment_in_brackets,
    misindented,
    not_utf8_issue,
    source_lines,
    tab_hint,
    typed_by_mistake,
    typographic_hint,
    with_typographic_causes,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 500_000
MAX_DEPTH = 40

class _YamlBudgetError(Exception):
    def __init__(self, message: str, line: int, col: int, hint: str,
                 code: str = "yaml-limit") -> None:
        super().__init__(message)
        self.line, self.col, self.hint, self.code = line, col, hint, code


_NULLS = {"", "~", "null", "Null", "NULL"}
# what the resolver gives plain scalars and collections (a lone '=' is !!value, '<<' !!merge)
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
               ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "value",
                "merge")}


def _to_python(root: Any, source: SourceMap, lines: list[str]) -> tuple[Any, list[Issue]]:
    """Turn a composed YAML node tree into plain data, recording positions."""
    import yaml

    issues: list[Issue] = []
    budget = [MAX_NODES]

    def convert(node: Any, path: DataPath, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise _YamlBudgetError(
                _("the file expands to too many values (more than {limit:,}); this usually "
                  "means aliases (*name) that repeat each other").format(limit=MAX_NODES),
                node.start_mark.line + 1, node.start_mark.column + 1,
                _("write the values out instead of nesting aliases"),
            )
        if depth > MAX_DEPTH:
            raise _YamlBudgetError(
                _("the file nests deeper than {depth} levels").format(depth=MAX_DEPTH),
                node.start_mark.line + 1, node.start_mark.column + 1,
                _("a chain needs only a few levels: check the indentation"), "too-deep",
            )
        source.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _PLAIN_TAGS:
            raise _YamlBudgetError(
                _("the tag '{tag}' is not allowed").format(
                    tag=node.tag.replace("tag:yaml.org,2002:", "!!")),
                node.start_mark.line + 1, node.start_mark.column + 1,
                _("chain files hold plain text, lists and mappings only; remove the '!' tag"),
                "yaml-tag")
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.value in _NULLS:  # plain style: None, or '' in libyaml
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
                                        _("a key must be a plain name"),
                                        _("write `name: value`"), code="key"))
                    continue
                key = key_node.value
                if key == "<<":
                    line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    issues.append(Issue(source.file, line, col, "error",
                                        _("merge keys ('<<') are not supported"),
                                        _("write the fields out"), code="merge-key"))
                    continue
                key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in result:
                    first = source.keys.get((*path, key), (0, 0))
                    issues.append(Issue(
                        source.file, *key_pos, "error",
                        _("duplicate key '{key}'").format(key=key),
                        _("'{key}' is already given at line {line}; keep one of them").format(
                            key=key, line=first[0]), code="duplicate-key",
                    ))
                    continue
                source.keys[(*path, key)] = key_pos
                problem = typed_by_mistake(key_node, value_node, lines, source.file)
                if problem is not None:
                    issues.append(problem)
                    if problem.is_error:
                        continue
                result[key] = convert(value_node, (*path, key), depth + 1)
            return result
        raise _YamlBudgetError(_("unsupported YAML node"), node.start_mark.line + 1,
                               node.start_mark.column + 1, "", "yaml-node")

    data = convert(root, (), 0)
    return data, issues


def _yaml_issue(file: str, exc: Exception, text: str = "") -> Issue:
    position = getattr(exc, "position", None)
    if position is not None and getattr(exc, "reason", None):  # a character PyYAML refuses
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        character = getattr(exc, "character", 0)
        code = f"U+{character:04X}" if isinstance(character, int) else repr(character)
        return Issue(file, line, col, "error",
                     _("the file contains a control character ({code}), which YAML does not "
                       "allow").format(code=code),
                     _("delete it; it often comes from copying text out of another program"),
                     "yaml")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = _("YAML syntax: {problem}").format(problem=_yaml_words(problem)) + (
        f" ({_yaml_words(context)})" if context else "")
    lines = source_lines(text)
    line_text = lines[line - 1] if 0 < line <= len(lines) else ""
    hint = _("check the indentation: items of a list start with '- ' and keys of one mapping "
             "line up exactly; use spaces, not tabs")
    if "\t" in str(problem) or re.search(r"\btabs?\b", str(problem)):
        hint = tab_hint(lines, line, _same_item)
    elif (misplaced := misindented(lines, line)) is not None:
        return Issue(file, line, misplaced[0], "error",
                     _("YAML syntax: {problem}").format(problem=misplaced[1]),
                     misplaced[2], "indentation")
    elif any(quote in line_text for quote in TYPOGRAPHIC_QUOTES):
        hint = typographic_hint()
    elif (comment := comment_in_brackets(lines, line)) is not None:
        hint = _("'{comment}' starts a comment, also inside [ ] and {{ }}: write "
                 "\"{comment}\"").format(comment=comment)
    elif "found character '@'" in problem or "found character '`'" in problem:
        hint = _("put text that starts with @ or ` in quotes")
    elif "mapping values are not allowed" in problem:
        hint = _("a text that contains ': ' must be put in quotes, e.g. title: "
                 "\"Schritt 1: Ankunft\"")
    return Issue(file, line, col, "error", message, hint, "yaml")


def _same_item(key: str, other: str) -> bool:
    """Whether two keys are fields of one kind of item (a step's ``next`` and ``title``)."""
    return any(key in fields and other in fields for fields in FIELDS.values())


def _class_noun(class_name: str) -> str:
    """What a user calls an item of this class, in the user's language."""
    nouns = {"Chain": _("chain"), "Actor": _("actor"), "Contact": _("contact"),
             "Phase": _("phase"), "Service": _("service"), "Step": _("step"),
             "Transition": _("transition")}
    return nouns.get(class_name, class_name.lower())


def _yaml_words(text: str) -> str:
    """PyYAML's most frequent problems and contexts in the user's language (others stay as
    PyYAML words them). A function, so that the language is the one chosen when it runs."""
    known = {
        "found a tab character that violates indentation":
            _("found a tab character that violates indentation"),
        "found character '\\t' that cannot start any token":
            _("found character '\\t' that cannot start any token"),
        "found a tab character where an indentation space is expected":
            _("found a tab character where an indentation space is expected"),
        "while scanning a block scalar": _("while scanning a block scalar"),
        "found character that cannot start any token":
            _("found character that cannot start any token"),
        "mapping values are not allowed here": _("mapping values are not allowed here"),
        "could not find expected ':'": _("could not find expected ':'"),
        "while scanning a plain scalar": _("while scanning a plain scalar"),
        "while scanning for the next token": _("while scanning for the next token"),
        "while scanning a simple key": _("while scanning a simple key"),
        "while scanning a quoted scalar": _("while scanning a quoted scalar"),
        "while parsing a block mapping": _("while parsing a block mapping"),
        "while parsing a block collection": _("while parsing a block collection"),
        "while parsing a flow sequence": _("while parsing a flow sequence"),
        "while parsing a flow mapping": _("while parsing a flow mapping"),
        "found unexpected end of stream": _("found unexpected end of stream"),
    }
    return known.get(text, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _too_deep(text: str, yaml: Any) -> tuple[int, int] | None:
    """Where the nesting first gets deeper than MAX_DEPTH, found from the parser's events
    (which do not recurse); only looked for when the text has that many brackets."""
    if text.count("[") + text.count("{") <= MAX_DEPTH and text.count("\n") <= MAX_DEPTH:
        return None
    depth, scanned = 0, 0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            scanned = event.end_mark.index
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return (event.start_mark.line + 1, event.start_mark.column + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if "nesting depth" in str(exc) and mark is not None:
            # PyYAML >= 6.0.4 refuses deep flow nesting itself while scanning ahead of the
            # events: find the bracket that opens level MAX_DEPTH + 1 after the last event
            return _deep_bracket(text, scanned, depth) or (mark.line + 1, mark.column + 1)
        return None  # compose reports the syntax error with its place
    return None


def _deep_bracket(text: str, start: int, depth: int) -> tuple[int, int] | None:
    """Line and column of the flow bracket after ``start`` that opens nesting level
    MAX_DEPTH + 1, counting from ``depth`` (quoted text skipped), or None."""
    quote = ""
    for at in range(start, len(text)):
        char = text[at]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return (text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1)
        elif char in "]}":
            depth -= 1
    return None


def parse_yaml(text: str, file: str = "<text>") -> tuple[Any, SourceMap, list[Issue]]:
    """Read YAML text safely into plain data and its source map."""
    import yaml

    source = SourceMap(file)
    if "\x00" in text:
        return None, source, [Issue(file, 0, 0, "error", _("the file contains NUL bytes"),
                                    _("is this really a text (YAML) file?"), "nul")]
    surrogate = _SURROGATE.search(text)
    if surrogate:  # only possible in text handed over from Python, never in a UTF-8 file
        at = surrogate.start()
        return None, source, [Issue(file, text.count("\n", 0, at) + 1,
                                    at - (text.rfind("\n", 0, at) + 1) + 1, "error",
                                    _("the text contains a broken character (a lone "
                                      "surrogate)"),
                                    _("the text was not decoded properly; read it as UTF-8"),
                                    "surrogate")]
    deep = _too_deep(text, yaml)
    if deep is not None:  # checked before composing: libyaml's composer recurses in C
        return None, source, [Issue(file, deep[0], deep[1], "error",
                                    _("the file nests deeper than {depth} levels").format(
                                        depth=MAX_DEPTH),
                                    _("a chain needs only a few levels: check the brackets"),
                                    "too-deep")]
    try:
        # libyaml's parser where PyYAML has it (about ten times faster); same nodes and marks
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        nodes = list(yaml.compose_all(text, Loader=loader))
    except yaml.YAMLError as exc:
        return None, source, [_yaml_issue(file, exc, text)]
    except RecursionError:
        return None, source, [Issue(file, 0, 0, "error", _("the file nests too deeply"), None,
                                    "too-deep")]
    documents = [node for node in nodes if node is not None]
    if not documents:
        return None, source, [Issue(file, 1, 1, "error", _("the file is empty"),
                                    _("start with `title: …`, then `actors:` and `steps:`"),
                                    code="empty")]
    if len(documents) > 1:
        mark = documents[1].start_mark
        return None, source, [Issue(file, mark.line + 1, mark.column + 1, "error",
                                    _("the file holds more than one YAML document ('---')"),
                                    _("put each chain in a file of its own"), "documents")]
    try:
        data, issues = _to_python(documents[0], source, source_lines(text))
    except _YamlBudgetError as exc:
        return None, source, [Issue(file, exc.line, exc.col, "error", str(exc), exc.hint,
                                    exc.code)]
    if data is None:
        mark = documents[0].start_mark
        return None, source, [Issue(file, mark.line + 1, mark.column + 1, "error",
                                    _("the file holds no chain"),
                                    _("start with `title: …`, then `actors:` and `steps:`"),
                                    code="empty")]
    return data, source, issues


def read_text(path: Path) -> str:
    """Read a chain file as UTF-8, refusing oversized or undecodable files with located errors."""
    name = str(path)
    if "\x00" in name:
        raise ProzessketteError(Issue(name.replace("\x00", "\\0"), 0, 0, "error",
                                      _("the file name contains a NUL character"), code="nul"))
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ProzessketteError(Issue(name, 0, 0, "error", _("no such file"),
                                      _("check the file name and folder"),
                                      code="no-file")) from None
    except OSError as exc:
        raise ProzessketteError(
            Issue(name, 0, 0, "error", _("cannot read: {reason}").format(reason=os_reason(exc)),
                  code="cannot-read")) from None
    if path.is_dir():
        raise ProzessketteError(Issue(name, 0, 0, "error",
                                      _("this is a folder, not a chain file"),
                                      _("name a .yaml file"), code="not-a-file"))
    if not path.is_file():  # a pipe or a device could block or never end
        raise ProzessketteError(Issue(name, 0, 0, "error", _("this is not a regular file"),
                                      _("name a .yaml file saved on disk"), "not-a-file"))
    if size > MAX_FILE_BYTES:
        raise ProzessketteError(Issue(name, 0, 0, "error",
                                      _("the file is too large ({size:,} bytes; at most "
                                        "{limit:,})").format(size=size, limit=MAX_FILE_BYTES),
                                      _("split it into several chains"), "too-large"))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProzessketteError(
            Issue(name, 0, 0, "error", _("cannot read: {reason}").format(reason=os_reason(exc)),
                  code="cannot-read")) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProzessketteError(not_utf8_issue(name, raw, exc.start)) from None



def _looks_like_path(text: str) -> bool:
    if "\n" in text or len(text) > 4096:
        return False
    return text.endswith((".yaml", ".yml", ".json")) or os.path.exists(text)


def _hint_for(kind: str) -> str | None:
    """The hint for a bad value of this kind of field, in the user's language."""
    hints = {
        "id": _("ids use letters, digits, '_' and '-' and start with a letter, e.g. "
                "'jobcenter'"),
        "lang": _("use a tag such as 'de', 'en' or 'ar'"),
        "color": _("e.g. color: \"#e8f1fb\" (with quotes, since # starts a comment)"),
        "url": _("e.g. https://example.org/beratung, mailto:name@example.org or tel:+4939310"),
        "phone": _("e.g. phone: \"+49 3931 123-45\""),
        "email": _("e.g. email: name@example.org"),
        "date": _("write the day as YYYY-MM-DD, e.g. checked: 2026-11-03"),
    }
    return hints.get(kind)


_NO_VALUE = object()  # what _Builder._field gives for a value the model does not get


class _Builder:
    """Validates plain data against :data:`model.FIELDS`, collecting located issues, and
    builds the model objects of every part that is valid."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.issues: list[Issue] = []
        self.invalid_items: set[str] = set()  # sections with an item that failed

    def error(self, path: DataPath, message: str, hint: str | None = None, *, key: bool = False,
              code: str = "") -> None:
        self.issues.append(self.source.issue(path, "error", message, hint, key=key, code=code))

    def build(self, class_name: str, data: Any, path: DataPath) -> Any:
        spec = FIELDS[class_name]
        if not isinstance(data, dict):
            shown = _("empty") if data is None else f"'{data}'" if isinstance(data, str) \
                else _("a list")
            self.error(path, _("expected the fields of a {noun}, but it is {shown}").format(
                           noun=_class_noun(class_name), shown=shown),
                       _("indent the fields below the '- ', e.g. `- id: …` then `  title: …`")
                       if class_name != "Chain" else _("start with `title: …`"), code="type")
            return None
        ok = True
        values: dict[str, Any] = {}
        for key in data:
            if key not in spec:
                guess = did_you_mean(str(key), list(spec))
                self.error((*path, key), _("unknown field '{key}' in a {noun}").format(
                               key=key, noun=_class_noun(class_name)),
                           _("did you mean '{guess}'?").format(guess=guess) if guess else
                           _("allowed here: {fields}").format(fields=", ".join(spec)),
                           key=True, code="unknown-field")
                ok = False
        for name, field_spec in spec.items():
            value = data.get(name)
            if value is None:
                if field_spec.required:
                    self.error(path, _("{noun} has no '{name}'").format(
                                   noun=_class_noun(class_name), name=name),
                               _("add `{name}: …`").format(name=name), code="missing")
                    ok = False
                continue
            valid, built = self._field(name, field_spec, value, (*path, name))
            ok = valid and ok
            if built is not _NO_VALUE:
                values[name] = built
        if class_name == "Step" and data.get("actor") is not None and \
                data.get("actors") is not None:
            self.error((*path, "actors"), _("give either 'actor' or 'actors', not both"),
                       _("use `actors: [a, b]` for a step that several actors share"),
                       key=True, code="actor-and-actors")
            ok = False
        if not ok:
            return None
        try:
            return MODELS[class_name](**values)
        except (ValueError, TypeError) as exc:  # a rule the field checks did not catch
            self.error(path, str(exc), code="invalid")
            return None

    def _field(self, name: str, field_spec: FieldSpec, value: Any,
               here: DataPath) -> tuple[bool, Any]:
        """Check and build the value of one field: (valid, value for the model), the value
        :data:`_NO_VALUE` when there is nothing to pass on."""
        if field_spec.kind == "list":
            if not isinstance(value, list):
                self.error(here, _("'{name}' must be a list").format(name=name),
                           _("write each item on its own line starting with '- '"), code="type")
                return False, _NO_VALUE
            ok = True
            if len(value) < field_spec.min_items:
                self.error(here, _("'{name}' needs at least one entry").format(name=name),
                           _("add items under `{name}:`").format(name=name), code="too-short")
                ok = False
            assert field_spec.item is not None
            items = [self.build(field_spec.item, item, (*here, index))
                     for index, item in enumerate(value)]
            if any(item is None for item in items):
                self.invalid_items.add(name)
                ok = False
            return ok, items
        if field_spec.kind == "next":
            entries = value if isinstance(value, list) else [value]
            built = [self.build("Transition", {"to": entry} if isinstance(entry, str) else entry,
                                (*here, index) if isinstance(value, list) else here)
                     for index, entry in enumerate(entries)]
            return all(item is not None for item in built), built
        if field_spec.kind == "ids":
            return self._ids(name, value, here)
        if isinstance(value, dict) and field_spec.kind in ("text", "longtext"):
            ok = self._translations(here, name, field_spec, value)
            return ok, {key: text.strip() for key, text in value.items()
                        if isinstance(text, str)}
        if isinstance(value, str):
            value = value.strip()
        problem = value_problem(field_spec, value)
        if problem:
            self._value_error(here, name, field_spec, value, problem)
        return problem is None, value

    def _ids(self, name: str, value: Any, here: DataPath) -> tuple[bool, list[Any]]:
        """One id or a list of ids (a step's ``actors``), each problem at its own place."""
        ok = True
        entries = value if isinstance(value, list) else [value]
        for index, entry in enumerate(entries):
            problem = value_problem(FieldSpec("id"), entry)
            if problem:
                self.error((*here, index) if isinstance(value, list) else here,
                           problem if problem.names_value else f"'{name}' {problem}",
                           _hint_for("id"), code="id")
                ok = False
        return ok, [entry.strip() if isinstance(entry, str) else entry for entry in entries]

    def _translations(self, here: DataPath, name: str, field_spec: Any,
                      value: dict[str, Any]) -> bool:
        """Check a text given as ``{language: text}``, each problem at its own line."""
        if not value:
            self.error(here, _("'{name}' is empty").format(name=name),
                       _("write the text, or translations such as `{de: …, en: …}`"),
                       code="text")
            return False
        ok = True
        for language, text in value.items():
            problem = language_problem(language)
            if problem:
                self.error((*here, language),
                           _("'{name}' has a translation under {problem}").format(
                               name=name, problem=problem),
                           _("use language tags such as de, en, ar, uk, fa, ti, and de-x-ls "
                             "for Leichte Sprache"), key=True, code="lang")
                ok = False
            if isinstance(text, str):
                text = text.strip()
            problem = value_problem(FieldSpec(field_spec.kind), text)
            if problem:
                self._value_error((*here, language), f"{name}' in '{language}", field_spec,
                                  text, problem)
                ok = False
        return ok

    def _value_error(self, here: DataPath, name: str, field_spec: Any, value: Any,
                     problem: Problem) -> None:
        if field_spec.kind == "enum" and isinstance(value, str):
            guess = did_you_mean(str(value), list(field_spec.choices))
            hint = (_("did you mean '{guess}'?").format(guess=guess) + " " if guess else "") \
                + _("choose one of {choices}").format(choices=", ".join(field_spec.choices))
            self.error(here, _("'{value}' is not a valid {name}").format(value=value, name=name),
                       hint, code="enum")
        elif problem.names_value:
            self.error(here, problem, _hint_for(field_spec.kind), code=field_spec.kind)
        else:
            text_hint: str | None = None
            if problem.code == "not-text":
                text_hint = _("write the text after the colon, in quotes if it contains ': '")
            elif problem.code == "too-long":
                text_hint = _("shorten it; put details into 'description'")
            self.error(here, f"'{name}' {problem}", text_hint or _hint_for(field_spec.kind),
                       code=field_spec.kind)


PLACEHOLDER_STEP = "_invalid"
"""The id of the stand-in for each step that did not load, in :attr:`PartialChain.chain`."""


# The loader's results are NamedTuples rather than frozen dataclasses: every command loads a
# chain, and a frozen dataclass costs about 1 ms to create at import, a NamedTuple 0.1 ms.
class PartialChain(NamedTuple):
    """The parts of a chain that did not load which are valid on their own, so that the
    reference checks can still run on them: one wrong field does not hide the other mistakes
    of the file (see :func:`prozesskette.graph.check_partial`)."""

    chain: Chain
    """The valid actors, phases and services, and every step: one that did not load is
    replaced by a :data:`PLACEHOLDER_STEP` without actor."""
    unusable: frozenset[str]
    """Sections (actors, phases, services, steps) that are missing, not a list, or hold an
    item that did not load: references into them cannot be judged."""
    invalid_items: frozenset[str]
    """List fields (at the chain's level or inside an item) with an item that did not load."""


class Loaded(NamedTuple):
    """What loading a chain gives, before any structural check."""

    chain: Chain | None
    """The chain, or None if the file has errors."""
    issues: list[Issue]
    """The problems of the file itself (YAML syntax, types, unknown fields, values), sorted by
    position."""
    partial: PartialChain | None = None
    """For a chain that did not load: its valid parts, if it has any steps."""

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.is_error]


def _valid_parts(builder: _Builder, data: dict[str, Any]) -> PartialChain | None:
    """The valid parts of a chain that did not load, built once more without reporting."""

    def valid(name: str, class_name: str) -> list[Any]:
        items = data.get(name)
        if not isinstance(items, list):
            return []
        quiet = _Builder(builder.source)
        return [quiet.build(class_name, item, (name, index)) for index, item in
                enumerate(items)]

    steps = valid("steps", "Step")
    if not steps:
        return None
    phases = data.get("phases")
    first_phase = next((p.get("id") for p in (phases if isinstance(phases, list) else [])
                        if isinstance(p, dict) and isinstance(p.get("id"), str)), None)
    placeholder = Step(id=PLACEHOLDER_STEP, title="-", actor=None,
                       phase=first_phase if first_phase and not id_problem(first_phase) else None)
    actors = tuple(a for a in valid("actors", "Actor") if a) or (Actor("_", "-"),)
    chain = Chain("-", actors, tuple(step or placeholder for step in steps),
                  phases=tuple(p for p in valid("phases", "Phase") if p),
                  services=tuple(s for s in valid("services", "Service") if s),
                  source=builder.source)
    unusable = frozenset(section for section in ("actors", "phases", "steps", "services")
                         if section in builder.invalid_items
                         or not isinstance(data.get(section), list))
    return PartialChain(chain, unusable, frozenset(builder.invalid_items))


def build_chain(data: Any, source: SourceMap) -> Loaded:
    """Plain data → Chain (or None) and every problem found, located through ``source``."""
    builder = _Builder(source)
    if not isinstance(data, dict):
        line, col = source.where(())
        return Loaded(None, [Issue(source.file, line or 1, col or 1, "error",
                                   _("a chain file must be a mapping of fields"),
                                   _("start with `title: …`, then `actors:` and `steps:`"),
                                   "type")])
    chain = builder.build("Chain", data, ())
    if chain is None:
        return Loaded(None, sorted(builder.issues), _valid_parts(builder, data))
    object.__setattr__(chain, "source", source)
    return Loaded(chain, builder.issues)


def read_chain(source: str | os.PathLike[str] | Mapping[str, Any], *,
               filename: str | None = None) -> Loaded:
    """Read and validate a chain from a file path, YAML text or a dict. Problems in the input
    are returned as issues, never raised. The structural checks (references, start and end,
    …) are not run: :func:`prozesskette.graph.check_loaded` adds them."""
    if isinstance(source, Mapping):
        return build_chain(dict(source), SourceMap(filename or "<dict>"))
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(os.fspath(source))
        try:
            text = read_text(path)
        except ProzessketteError as exc:
            return Loaded(None, exc.issues)
        name = filename or str(source)
    else:
        text = str(source)
        name = filename or "<text>"
    data, smap, issues = parse_yaml(text, name)
    if data is None or any(issue.is_error for issue in issues):
        return Loaded(None, issues)
    built = build_chain(data, smap)
    return Loaded(built.chain, sorted(with_typographic_causes(issues, built.issues)),
                  built.partial)


def load(source: str | os.PathLike[str] | Mapping[str, Any], *,
         filename: str | None = None) -> Chain:
    """Load a chain from a file path, YAML text or a dict, without the structural checks.

    Raises :class:`ProzessketteError` carrying every error of the file itself. For a chain
    that is also checked (unknown references, dead ends, …), call :func:`prozesskette.load`.
    """
    loaded = read_chain(source, filename=filename)
    if loaded.chain is None or loaded.errors:
        raise ProzessketteError(loaded.errors)
    return loaded.chain
