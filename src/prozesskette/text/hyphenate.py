"""Syllable boundaries from the TeX/LibreOffice hyphenation dictionaries that pyphen ships.

:func:`syllable_cuts` gives the places where a word may be hyphenated, and
:func:`compound_cuts` the subset of them that lie between the parts of a compound
("Anerkennungs|verfahren"), which :func:`~.wrap.wrap` prefers.

The dictionaries are pyphen's, and so is the algorithm within one level (Liang's: the
largest value of every matching pattern, odd values allow a break, at least two letters on
either side), but the patterns are read here rather than by ``pyphen.HyphDict``:

* pyphen parses all 77,900 lines of the German dictionary with regular expressions when it
  is opened, 0.66–0.95 s measured here; this reader keeps each line as it is under its
  letters (``str.translate``) and reads a pattern's digits only when a word matches it:
  about 0.1 s for the German dictionary (on a quiet machine), once per process;
* the German dictionary has two levels (``NEXTLEVEL``): first a list of 69,000 compounds
  with their joints marked, then the syllable patterns. pyphen merges them value by value,
  which lets a syllable pattern of the whole word break across a joint: it allows
  "Deut-sch-land", "Mit-a-r-bei-ter", "Be-rufs-s-prach-kurs", "Be-trieb-sprak-ti-kum".
  Read as LibreOffice's libhyphen reads them (the first level splits the word at its
  joints, the second hyphenates each part as a word), they give "Deutsch-land",
  "Mit-ar-bei-ter", "Be-rufs-sprach-kurs", "Be-triebs-prak-ti-kum". Measured against
  libhyphen 2.8 (through ctypes) on the Latin-script words of chains/: the same breaks in
  443 of 449 compounds and in 1,027 of 1,061 other words; the rest differ where
  libhyphen's state machine drops a break that the patterns give as pyphen reads them
  ("Be-din-gun-gen", which libhyphen writes "Bedin-gun-gen"). A word without a joint
  breaks where the syllable level alone breaks it: where pyphen breaks it, or where only
  an even value of the compound level held pyphen back ("ei-nen", "un-cle-ar"). The first
  level also tells the joints, which :func:`~.wrap.wrap` prefers;
* two corrections for German, where the dictionary (and libhyphen with it) errs: a lone
  letter joins the part after it ("Pro-be-a-r-beit" becomes "Pro-be-ar-beit"), and word
  endings that the compound level splits wrongly are read from a list (``_ENDINGS``:
  "Aufenthaltser-laubnis" becomes "Aufenthalts-erlaubnis").

Languages without a dictionary get no positions: their words break only at explicit soft
hyphens, zero-width spaces and hyphens (see :mod:`.wrap`).
"""

from __future__ import annotations

import functools
import importlib
import itertools
import operator
import unicodedata
from typing import Any, NamedTuple

from prozesskette.markup import primary_subtag

_MIN_LEFT = _MIN_RIGHT = 2  # letters kept on either side of a break (pyphen's default)
_IGNORED = ("%", "#", "lefthyphenmin", "righthyphenmin", "compoundlefthyphenmin",
            "compoundrighthyphenmin", "nohyphen")  # lines that are no patterns (lower case)


def _digits(line: str) -> tuple[tuple[int, int], ...]:
    """A pattern's values: (letters before it, value) for every digit of the line."""
    found = []
    at = 0
    for ch in line:
        if ch.isdigit():
            found.append((at, int(ch)))
        else:
            at += 1
    return tuple(found)


def _without_digits(text: str) -> str:
    """The text with its digits taken out: on bytes, which delete in C by a table (3 ms for
    the German dictionary; ``str.translate`` took 68 ms)."""
    return text.encode("utf-8").translate(None, b"0123456789").decode("utf-8")


class _Patterns:
    """One level of a dictionary: raw pattern lines keyed by their letters."""

    def __init__(self, lines: list[str]) -> None:
        """``lines``: the level's lines, lower case and stripped. The keys are made for all
        lines at once and paired with their lines in C (``zip``, ``itertools.compress``):
        line by line, the German dictionary took 0.11 s to read, which every German chart
        with a long word paid once; 0.05 s with the keys made at once; now 0.035 s (the
        whole dictionary, its file read and its lines stripped included).
        Kept: lines with digits (a line without any allows nothing; where both exist, a
        pattern must not lose its key to one). Comments, settings and the nonstandard
        patterns ("/", "^") stay in too, under keys that hold a character other than a
        letter or "." (the space of a setting, "%", "/", "^"), which no word's letters
        look up; only a setting's bare name would be a word, and is taken out. (Checked on
        all 85 dictionaries pyphen ships: every key of letters finds the same line.)"""
        keys = _without_digits("\n".join(lines)).split("\n")
        self.raw: dict[str, str] = dict(itertools.compress(
            zip(keys, lines, strict=True), map(operator.ne, keys, lines)))
        for name in _IGNORED:
            self.raw.pop(name, None)
        self.longest = max(map(len, self.raw), default=0)
        self.parsed: dict[str, tuple[tuple[int, int], ...]] = {}  # the patterns met so far

    def values(self, word: str) -> list[int]:
        """Liang's values between the letters of ``.word.`` (index i: before letter i)."""
        padded = "." + word + "."
        n = len(padded)
        points = [0] * (n + 1)
        raw = self.raw
        parsed = self.parsed
        for start in range(n):
            for end in range(start + 1, min(n, start + self.longest) + 1):
                key = padded[start:end]
                digits = parsed.get(key)
                if digits is None:
                    line = raw.get(key)
                    if line is None:
                        continue
                    digits = parsed[key] = _digits(line)
                for offset, value in digits:
                    if value > points[start + offset]:
                        points[start + offset] = value
        return points[1:-1]  # index k: between word[k - 1] and word[k]


# Word endings that the dictionary splits wrongly, with their syllables ("-") and joints
# ("="). The German compound level ends "Aufenthaltser|laubnis", "Arbeits|uche",
# "Jugendin|tegrationskurs", "Schulab|schluss" (libhyphen 2.8 reads the same), and its
# syllable level breaks "Gesamtü-ber-sicht"; a word that ends in one of these is read as
# its beginning (hyphenated by the dictionary) and this ending, with a joint between.
_ENDINGS: dict[str, tuple[str, ...]] = {
    "de": ("er-laub-nis", "er-laub-nis-se", "er-laub-nis-sen", "su-che", "su-chen",
           "su-chend", "su-chen-de", "su-chen-den", "über-sicht", "über-sich-ten",
           "in-te-gra-ti-ons=kurs", "in-te-gra-ti-ons=kur-se", "in-te-gra-ti-ons=kur-sen",
           "mi-gra-ti-ons=dienst", "mi-gra-ti-ons=diens-te", "mi-gra-ti-ons=diens-ten",
           "ab-schluss", "ab-schlüs-se", "ab-schlüs-sen", "auf-nah-me", "auf-nah-men"),
}


class _Ending(NamedTuple):
    letters: str
    cuts: tuple[int, ...]
    joints: tuple[int, ...]


def _ending(spec: str) -> _Ending:
    letters = ""
    cuts: list[int] = []
    joints: list[int] = []
    for ch in spec:
        if ch in "-=":
            cuts.append(len(letters))
            if ch == "=":
                joints.append(len(letters))
        else:
            letters += ch
    return _Ending(letters, tuple(cuts), tuple(joints))


_JOIN_SINGLE_LETTERS = frozenset({"de"})  # languages whose lone letters join the next part
                                           # (English ones stay: "ad-apt-a-tion" is pyphen's)


def _no_single_letters(cuts: tuple[int, ...]) -> tuple[int, ...]:
    """The cuts without those that leave one letter alone: such a letter joins the part
    after it. Only breaks are dropped, none added. The German syllable level, read alone,
    gives "Pro-be-a-r-beit", "Auf-ent-halts-s-ta-tus", "Po-ten-zi-a-l-ana-ly-se",
    "Über-g-ang" (libhyphen 2.8 the first three too); these become "Pro-be-ar-beit",
    "Auf-ent-halts-sta-tus", "Po-ten-zi-al-ana-ly-se", "Über-gang"."""
    kept: list[int] = []
    start = 0
    for cut in cuts:  # (no cut leaves the first or last letter alone: _MIN_LEFT, _MIN_RIGHT)
        if cut - start == 1:  # one letter since the last cut: it joins the next part
            continue
        kept.append(cut)
        start = cut
    return tuple(kept)


class _Dictionary:
    def __init__(self, levels: list[_Patterns], compound_min: tuple[int, int],
                 endings: tuple[str, ...] = (), join_single: bool = False) -> None:
        self.levels = levels
        self.join_single = join_single  # lone letters join the part after them
        self.compound_min = compound_min  # letters kept before / after a joint
        # longest first: "suchende" before "suche"
        self.endings = sorted(map(_ending, endings), key=lambda e: -len(e.letters))

    def cuts(self, word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(every syllable boundary, the compound joints among them) of a lower-case word."""
        for ending in self.endings:
            if word.endswith(ending.letters):
                start = len(word) - len(ending.letters)
                cuts, joints = self._dictionary_cuts(word[:start]) if start >= _MIN_LEFT \
                    else ((), ())
                at = (start,) if start >= _MIN_LEFT else ()
                return (cuts + at + tuple(start + k for k in ending.cuts),
                        joints + (at if start >= 4 else ())
                        + tuple(start + k for k in ending.joints))
        return self._dictionary_cuts(word)

    def _dictionary_cuts(self, word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        cuts, joints = self._level_cuts(word)
        kept = _no_single_letters(cuts) if self.join_single else cuts
        return kept, tuple(k for k in joints if k in kept)

    def _level_cuts(self, word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        allowed = range(_MIN_LEFT, len(word) - _MIN_RIGHT + 1)
        if len(self.levels) < 2:
            values = self.levels[0].values(word)
            return tuple(k for k in allowed if values[k] % 2), ()
        found: set[int] = set()
        joints = self._split(word, 0, found)
        cuts = tuple(k for k in allowed if k in found)
        kept = [k for k in joints if k in found and _MIN_LEFT <= k <= len(word) - _MIN_RIGHT]
        # a prefix ("ver|fahren", "be|rufs") is no joint worth breaking at: keep the joints
        # after a part of at least four letters
        return cuts, tuple(k for before, k in itertools.pairwise([0, *kept]) if k - before >= 4)

    def _split(self, part: str, offset: int, found: set[int],
               at_joint: tuple[bool, bool] = (False, False)) -> list[int]:
        """Two levels as LibreOffice's libhyphen reads them: the first level's breaks split
        the word into its compound parts, and each part (again split, if the first level
        finds joints in it alone) is hyphenated by the second level as a word of its own,
        keeping the dictionary's COMPOUNDLEFT/RIGHTHYPHENMIN letters beside a joint.
        pyphen instead takes the larger value of both levels at every place, so that a
        syllable pattern can veto a joint: "Betrieb-spraktikum", "Berufss-prachkurs", where
        LibreOffice (and this) break "Betriebs-praktikum", "Berufs-sprachkurs". Adds the
        breaks of ``part`` (at ``offset`` in the word) to ``found``; returns the joints."""
        first = self.levels[0].values(part)
        bounds = [k for k in range(1, len(part)) if first[k] % 2]
        if not bounds:
            second = self.levels[1].values(part)
            left = self.compound_min[0] if at_joint[0] else 1
            right = len(part) - (self.compound_min[1] if at_joint[1] else 1)
            found.update(offset + k for k in range(left, right + 1) if second[k] % 2)
            return []
        joints = [offset + k for k in bounds]
        found.update(joints)
        for start, end in itertools.pairwise([0, *bounds, len(part)]):
            if end - start > 1:
                joints += self._split(part[start:end], offset + start, found,
                                      (start > 0 or at_joint[0],
                                       end < len(part) or at_joint[1]))
        return sorted(joints)


@functools.cache
def _dictionary(language: str) -> _Dictionary | None:
    # the dictionaries and their names, imported only when a word needs them (pyphen has
    # no type information: its two names used here are typed by use)
    pyphen: Any = importlib.import_module("pyphen")

    tag = language.replace("-", "_")
    name = pyphen.language_fallback(tag) or pyphen.language_fallback(tag.split("_")[0])
    if name is None:
        return None
    path = pyphen.LANGUAGES[name]
    with path.open("rb") as handle:
        encoding = handle.readline().decode().strip()
    if encoding.lower() == "microsoft-cp1251":
        encoding = "cp1251"
    lines = list(map(str.strip, path.read_text(encoding).lower().split("\n")[1:]))
    levels: list[list[str]] = []  # the lines of each level (NEXTLEVEL between them)
    start = 0
    while True:
        try:
            end = lines.index("nextlevel", start)
        except ValueError:
            levels.append(lines[start:])
            break
        levels.append(lines[start:end])
        start = end + 1
    primary = primary_subtag(language)
    return _Dictionary([_Patterns(level) for level in levels if any(level)],
                       (_setting(lines, "compoundlefthyphenmin"),
                        _setting(lines, "compoundrighthyphenmin")),
                       _ENDINGS.get(primary, ()), primary in _JOIN_SINGLE_LETTERS)


def _setting(lines: list[str], name: str, default: int = 2) -> int:
    """A number the dictionary sets on a line of its own ("compoundlefthyphenmin 2")."""
    for line in lines:
        value = line[len(name):].strip() if line.startswith(name) else ""
        if value.isdigit():
            return int(value)
    return default


def has_dictionary(language: str) -> bool:
    """Whether words of ``language`` (a BCP 47 tag such as ``de``, ``en-GB``, ``de-x-ls``)
    can be hyphenated."""
    return _dictionary(_base(language)) is not None


def _base(language: str) -> str:
    """Leichte Sprache and other private-use tags hyphenate as their base language."""
    return language.split("-x-")[0].lower()


@functools.lru_cache(maxsize=8192)
def word_cuts(word: str, language: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(syllable boundaries, compound joints) in ``word``: offsets k where ``word[:k]`` may
    end a line. Only letters count as word characters: the cuts of each run of letters
    (combining marks stay with theirs) are found separately."""
    dictionary = _dictionary(_base(language))
    if dictionary is None:
        return (), ()
    cuts: list[int] = []
    joints: list[int] = []
    start = None
    for index in range(len(word) + 1):
        letter = index < len(word) and (word[index].isalpha() or (
            start is not None and _is_combining(word[index])))
        if letter and start is None:
            start = index
        elif not letter and start is not None:
            run = word[start:index].lower()
            if len(run) == index - start:  # (a letter whose lower case is longer: no cuts)
                run_cuts, run_joints = dictionary.cuts(run)
                cuts += [start + k for k in run_cuts]
                joints += [start + k for k in run_joints]
            start = None
    return tuple(cuts), tuple(joints)


def _is_combining(ch: str) -> bool:
    return unicodedata.combining(ch) != 0
