"""One chain, many languages: pick a language and list what is untranslated.

Every human-readable field of a chain may be a :class:`~prozesskette.model.Text`
(``title: {de: …, en: …, ar: …}``). :func:`localise` turns a chain into the same chain with
plain texts in one language, falling back to the chain's own language (with a located
warning) where a translation is missing. The built-in words of the outputs are in
:mod:`prozesskette.words` (:func:`pick` is its lookup, re-exported here).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from prozesskette.errors import Issue
from prozesskette.markup import primary_subtag
from prozesskette.messages import _
from prozesskette.model import EASY_LANGUAGE, FIELDS, Chain, Text
from prozesskette.words import pick

__all__ = ["EASY_LANGUAGE", "RTL_LANGUAGES", "is_rtl", "languages", "localise", "pick"]

#: Primary language subtags written right to left.
RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "prs", "he", "iw", "ur", "yi", "dv", "ckb", "sd",
                           "ug"})


def is_rtl(language: str | None) -> bool:
    """Whether ``language`` is written right to left."""
    return bool(language) and primary_subtag(language or "") in RTL_LANGUAGES


def _candidates(language: str, default: str) -> list[str]:
    """Tags to try for ``language``, best first: 'ar-SY' → ar-SY, ar; then the default."""
    tags = [language]
    parts = language.split("-")
    for cut in range(len(parts) - 1, 0, -1):
        tag = "-".join(parts[:cut])
        if tag != "x" and not tag.endswith("-x"):
            tags.append(tag)
    tags.append(default)
    return list(dict.fromkeys(tags))


def languages(chain: Chain) -> list[str]:
    """Every language a text of the chain is given in, the chain's own language first."""
    found: dict[str, None] = {chain.language: None}

    def visit(obj: Any) -> None:
        for name, spec in FIELDS[type(obj).__name__].items():
            value = getattr(obj, name)
            if isinstance(value, Text):
                found.update(dict.fromkeys(value.translations))
            elif spec.kind in ("list", "next"):
                for item in value or ():
                    visit(item)

    visit(chain)
    return list(found)


def localise(chain: Chain, language: str | None) -> tuple[Chain, list[Issue]]:
    """The chain with every text in ``language`` (falling back to the chain's language), and
    a warning for each translatable text that has no ``language`` version, naming its place.

    ``language=None`` (or the chain's language) only resolves the texts; texts that are not
    translated at all then give no warnings.
    """
    language = (language or chain.language).strip()
    default = chain.language
    source = chain.source
    issues: list[Issue] = []
    wanted = _candidates(language, default)
    file = source.file if source is not None else "<chain>"

    def where(path: tuple[str | int, ...]) -> tuple[int, int]:
        return source.where(path) if source is not None else (0, 0)

    def resolve(obj: Any, path: tuple[str | int, ...]) -> Any:
        class_name = type(obj).__name__
        changes: dict[str, Any] = {}
        for name, spec in FIELDS[class_name].items():
            value = getattr(obj, name)
            here = (*path, name)
            if value is None:
                continue
            if spec.kind in ("list", "next"):
                items = tuple(resolve(item, (*here, index) if spec.kind == "list" or
                                      len(value) > 1 else here)
                              for index, item in enumerate(value))
                if any(new is not old for new, old in zip(items, value, strict=True)):
                    changes[name] = items
            elif isinstance(value, Text) or spec.translatable:
                translations = value.translations if isinstance(value, Text) else {}
                found = next((tag for tag in wanted if tag in translations), None)
                text = translations[found] if found else str(value)
                if spec.translatable and language != default and found not in wanted[:-1]:
                    line, col = where(here)
                    shown = text if len(text) <= 40 else text[:39] + "…"
                    shown = " ".join(shown.split())
                    owner = getattr(obj, "id", None)
                    owner = f"{_owner_noun(class_name)} '{owner}': " if owner else ""
                    issues.append(Issue(
                        file, line, col, "warning",
                        owner + _("'{name}' has no '{language}' translation; showing "
                                  "'{shown_language}': „{shown}“").format(
                            name=name, language=language, shown_language=found or default,
                            shown=shown),
                        _("add `{language}: …` to the texts of '{name}'").format(
                            language=language, name=name) if translations else
                        _("write it as `{name}: {{{default}: …, {language}: …}}`").format(
                            name=name, default=default, language=language),
                        "untranslated"))
                if isinstance(value, Text):  # plain texts stay as they are
                    changes[name] = str(text)
        # objects without translations are kept as they are (not even validated again)
        return replace(obj, **changes) if changes else obj

    localised: Chain = resolve(chain, ())
    localised = replace(localised, language=language)
    object.__setattr__(localised, "source", source)
    return localised, sorted(issues)


def _owner_noun(class_name: str) -> str:
    """What a user calls an item of this class, in the user's language."""
    nouns = {"Chain": _("chain"), "Actor": _("actor"), "Contact": _("contact"),
             "Phase": _("phase"), "Service": _("service"), "Step": _("step"),
             "Transition": _("transition")}
    return nouns.get(class_name, class_name.lower())
