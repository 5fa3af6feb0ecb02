"""The language of what the program says to people (CLI messages, located issues, hints).

Charts are not translated here (their words come from ``words.py``, per chain language);
this module is about the user's language: ``PROZESSKETTE_LANG`` overrides, else the first
non-empty of LANGUAGE, LC_ALL, LC_MESSAGES, LANG (the order gettext itself uses). A German
locale (de, de_DE.UTF-8, de_AT …) gives German, anything else English, the source strings.

The catalogue is ``locale/de/LC_MESSAGES/prozesskette.mo``, compiled into the wheel by
``hatch_build.py``. Running from a source tree there is no .mo: then the .po beside it is
parsed directly (it is small), so ``PYTHONPATH=src`` behaves like an installed package.
The choice is made once per process, on first use; :func:`choose_language` re-chooses (tests).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Literal, Protocol

    Language = Literal["de", "en"]

    class Catalogue(Protocol):
        def gettext(self, message: str) -> str: ...
        def ngettext(self, msgid1: str, msgid2: str, n: int) -> str: ...

# Only the standard library's os at import: `prozesskette --help` loads this module, and
# gettext, typing, ast and pathlib cost it 5-9 ms (measured); English needs none of them.
DOMAIN = "prozesskette"
LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_catalogue: Catalogue | None = None  # None: English, the source strings (or not chosen yet)
_chosen = False
_language: Language = "en"


def language_from_environment(environ: dict[str, str] | None = None) -> Language:
    """German for a German locale, English otherwise (also for C and POSIX)."""
    env = dict(os.environ) if environ is None else environ
    chosen = env.get("PROZESSKETTE_LANG", "").strip()
    if not chosen:
        chosen = next((env[name] for name in _LOCALE_VARIABLES if env.get(name, "").strip()), "")
    first = chosen.split(":")[0].strip().lower()  # LANGUAGE may list several: de:en
    return "de" if first == "de" or first.startswith(("de_", "de-", "de.")) else "en"


def po_records(text: str) -> list[tuple[dict[str, str], bool]]:
    """The entries of a .po file: each its keywords (msgid, msgid_plural, msgstr, msgstr[0] …)
    with their joined, unquoted strings, and whether it is marked fuzzy."""
    records: list[tuple[dict[str, str], bool]] = []
    fields: dict[str, list[str]] = {}
    current: str | None = None
    fuzzy = False
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            if fields:
                records.append(({key: "".join(parts) for key, parts in fields.items()}, fuzzy))
            fields, current, fuzzy = {}, None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and current is not None:
            fields[current].append(_unquote(line))
        else:
            keyword, _space, rest = line.partition(" ")
            current = keyword
            fields[current] = [_unquote(rest.strip())]
    return records


def parse_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a .po file (plain and plural entries; plurals keyed by the singular,
    with the forms joined by NUL as in a .mo). Fuzzy and untranslated entries are left out."""
    entries: dict[str, str] = {}
    for fields, fuzzy in po_records(text):
        msgid = fields.get("msgid", "")
        if "msgid_plural" in fields:
            forms = [fields[key] for key in sorted(key for key in fields
                                                   if key.startswith("msgstr["))]
        else:
            forms = [fields.get("msgstr", "")]
        if msgid and forms and all(forms) and not fuzzy:
            entries[msgid] = "\0".join(forms)
    return entries


def parse_po_plural_ids(text: str) -> dict[str, str]:
    """singular → singular NUL plural, the key of a plural entry in a .mo file."""
    return {fields["msgid"]: fields["msgid"] + "\0" + fields["msgid_plural"]
            for fields, _fuzzy in po_records(text) if "msgid_plural" in fields}


def po_header(text: str) -> str:
    """The msgstr of the empty msgid: charset, language, plural rule."""
    return next((fields.get("msgstr", "") for fields, _fuzzy in po_records(text)
                 if fields.get("msgid") == ""), "")


#: The first word of a GNU .mo file (little-endian).
MO_MAGIC = 0x950412DE


def compile_mo(po_text: str) -> bytes:
    """The .mo file of a .po (for the build hook, hatch_build.py): a header of seven words, a
    table of (length, offset) of the sorted msgids, one of their msgstrs, then the strings,
    NUL-terminated. A plural entry's msgid is singular NUL plural, as gettext looks it up."""
    import struct

    plural_ids = parse_po_plural_ids(po_text)
    catalogue = {"": po_header(po_text)}
    catalogue.update({plural_ids.get(msgid, msgid): msgstr
                      for msgid, msgstr in parse_po(po_text).items()})
    keys = sorted(catalogue)
    ids = [key.encode("utf-8") for key in keys]
    strs = [catalogue[key].encode("utf-8") for key in keys]
    count = len(keys)
    table: list[int] = []
    position = 7 * 4 + 16 * count
    for data in [*ids, *strs]:
        table += [len(data), position]
        position += len(data) + 1
    head = struct.pack("<7I", MO_MAGIC, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    return (head + struct.pack(f"<{4 * count}I", *table)
            + b"".join(data + b"\0" for data in [*ids, *strs]))


def _unquote(quoted: str) -> str:
    import ast

    value = ast.literal_eval(quoted)
    return value if isinstance(value, str) else ""


class _PoTranslations:
    """A catalogue read from a .po (source tree); plural rule of German and English."""

    def __init__(self, entries: dict[str, str]) -> None:
        self._entries = entries

    def gettext(self, message: str) -> str:
        return self._entries.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._entries.get(msgid1)
        if forms is None:
            return msgid1 if n == 1 else msgid2
        split = forms.split("\0")
        return split[0] if n == 1 or len(split) == 1 else split[1]


def _load(language: Language) -> Catalogue | None:
    """The catalogue of ``language``; None for English (the source strings)."""
    if language == "en":
        return None
    import gettext

    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    except OSError:
        po = os.path.join(LOCALE_DIR, language, "LC_MESSAGES", f"{DOMAIN}.po")
        if not os.path.isfile(po):
            return None
        with open(po, encoding="utf-8") as file:
            return _PoTranslations(parse_po(file.read()))


def choose_language(language: Language | None = None) -> Language:
    """(Re-)choose the language: the given one, else from the environment. Returns it."""
    global _catalogue, _chosen, _language
    _language = language or language_from_environment()
    _catalogue, _chosen = _load(_language), True
    return _language


def _(message: str) -> str:
    """The message in the chosen language (the English source when there is no translation)."""
    if not _chosen:
        choose_language()
    return message if _catalogue is None else _catalogue.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the chosen language."""
    if not _chosen:
        choose_language()
    if _catalogue is None:
        return singular if count == 1 else plural
    return _catalogue.ngettext(singular, plural, count)


def decimal(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals as the chosen language writes it ("6,4" in German),
    for figures inside messages (the printed text size, a QR module's size)."""
    if not _chosen:
        choose_language()
    written = f"{value:.{digits}f}"
    return written.replace(".", ",") if _language == "de" else written
