"""Licence text normalised by the SPDX License List Matching Guidelines, as a list of words.

Reference texts and the texts of a release go through the same steps, so what the guidelines say
does not matter never tells two texts apart: case, whitespace, punctuation, quotes and dashes
(only words are kept); bullets, numbers and letters that open a list item; the guidelines'
equivalent words (`data/equivalent-words.txt`); `http`/`https`/`www.` in URLs; the title lines
a text may omit ("The MIT License", "Apache License / Version 2.0, January 2004"); and copyright
notices with "All rights reserved". A copyright notice is a line that *states* a copyright
("Copyright (c) 2019 Jane Doe", "© 2020 ACME"), never one that only starts with the word
("COPYRIGHT HOLDERS BE LIABLE ...", "copyright notice and this permission notice ...").

Each word keeps the line it stands on (numbered as clause analysis numbers lines: only "\\n"
ends one), so a match can be cited and the lines a modifier added can be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from auditor.resources import package_data

NORMALISER_VERSION = "4"
"""Bump whenever `normalise` changes: the cached reference index is keyed by it."""

_WORD = re.compile(r"[^\W_]+")
_URL_PREFIX = re.compile(r"\bhttps?://(?:www\.)?|\bwww\.", re.IGNORECASE)
# Comment leaders and Markdown quoting before a line's text, then list markers: "-", "*", "•",
# "1.", "1.2", "(a)", "ii)", "b." — each followed by a space, as the guidelines define a list item.
_LEADER = re.compile(r"^[\s#>|/;]*")
_MARKER = re.compile(r"^(?:[-*+•·–—]|\d{1,3}(?:\.\d{1,3})+\.?|\(?(?:\d{1,3}|[a-z]|[ivx]{1,5})[.)]"
                     r"|\((?:\d{1,3}|[a-z]|[ivx]{1,5})\))\s+",
                     re.IGNORECASE)
_RIGHTS_RESERVED = re.compile(r"\ball rights reserved\b\W*", re.IGNORECASE)
_COPYRIGHT_START = re.compile(r"^\W*(?:portions\s+)?(?:copyright\b|\(c\)|©)", re.IGNORECASE)
_COPYRIGHT_MARKS = re.compile(r"^(?:\s|copyright\b|\(c\)|©|:)+", re.IGNORECASE)
_YEAR_OR_PLACEHOLDER = re.compile(r"\b(?:19|20)\d\d\b|[<\[{]\s*(?:year|yyyy|dates?)\b", re.IGNORECASE)
_SYMBOL = re.compile(r"\(c\)|©", re.IGNORECASE)
# Words that, right after "copyright", make it the start of a sentence about copyright rather
# than a notice: "copyright holders", "copyright notice", "copyright law", "copyright and ...".
_NOT_A_NOTICE = frozenset({
    "holder", "holders", "owner", "owners", "notice", "notices", "law", "laws", "and", "or", "statement",
    "statements", "license", "licence", "licenses", "protection", "of", "to", "in", "is", "the", "this", "that",
    "permission", "claim", "claims", "interest", "interests", "rights", "policy", "act", "infringement",
    "disclaimer", "information", "licensing", "status", "may", "shall", "will", "does", "for", "on", "by",
})
_TITLE_WORDS = frozenset({"license", "licenses", "version", "agreement", "terms", "conditions"})
TITLE_MAX_WORDS = 12


@dataclass(frozen=True)
class Normalised:
    """The words of a text after normalisation, and the line (from 1) each stands on."""

    words: tuple[str, ...]
    lines: tuple[int, ...]


def is_copyright_line(line: str) -> bool:
    """Whether a line states a copyright (a notice to drop), not just starts with the word."""
    if not _COPYRIGHT_START.match(line):
        return False
    rest = _COPYRIGHT_MARKS.sub("", _LEADER.sub("", line).removeprefix("Portions ").removeprefix("portions "))
    words = _WORD.findall(rest)
    if not words:
        return True
    if words[0].lower() in _NOT_A_NOTICE:
        return False
    return bool(_YEAR_OR_PLACEHOLDER.search(rest) or _SYMBOL.search(line) or rest.lstrip()[:1].isupper()
                or rest.lstrip()[:1] in "<[{")


@dataclass(frozen=True)
class _Equivalents:
    words: dict[str, tuple[str, ...]]
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    symbols: tuple[tuple[re.Pattern[str], str], ...]


@cache
def _equivalents() -> _Equivalents:
    words: dict[str, tuple[str, ...]] = {}
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    symbols: list[tuple[re.Pattern[str], str]] = []
    for line in package_data("equivalent-words.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, variant = (part.strip().lower() for part in line.split(",", 1))
        target = tuple(_WORD.findall(canonical))
        variant_words = tuple(_WORD.findall(variant))
        if re.search(r"[^\w\s-]", variant):
            symbols.append((re.compile(re.escape(variant), re.IGNORECASE), f" {canonical} "))
        elif len(variant_words) == 1 and re.fullmatch(r"[^\W_]+", variant):
            words[variant] = target
        else:
            phrases[variant_words] = target
    return _Equivalents(words, phrases, tuple(symbols))


def _line_words(line: str) -> list[str]:
    line = _MARKER.sub("", _LEADER.sub("", line))
    while (stripped := _MARKER.sub("", line)) != line:  # "1. (a) ..." nests markers
        line = stripped
    line = _URL_PREFIX.sub(" ", _RIGHTS_RESERVED.sub(" ", line))
    for pattern, canonical in _equivalents().symbols:
        line = pattern.sub(canonical, line)
    return _WORD.findall(line.lower())


def _is_title(words: list[str]) -> bool:
    return len(words) <= TITLE_MAX_WORDS and bool(_TITLE_WORDS.intersection(words))


_OPTIONAL_AFTER = ("end", "of", "terms", "and", "conditions")


def without_appendix(normalised: Normalised) -> Normalised:
    """A reference without what follows "END OF TERMS AND CONDITIONS" (Apache's and the GNU
    licences' "How to apply" appendix), which the SPDX texts mark as omittable."""
    words, width = normalised.words, len(_OPTIONAL_AFTER)
    for start in range(len(words) - width + 1):
        if words[start:start + width] == _OPTIONAL_AFTER:
            return Normalised(words[:start + width], normalised.lines[:start + width])
    return normalised


def normalise(text: str) -> Normalised:
    """Normalised words of `text` with their line numbers."""
    equivalents = _equivalents()
    raw: list[str] = []
    lines: list[int] = []
    in_title = True
    for number, line in enumerate(text.split("\n"), start=1):
        if is_copyright_line(line):
            continue
        words = _line_words(line)
        if not words:
            continue
        if in_title and _is_title(words) and not line.rstrip().endswith((".", ";", ",")):
            continue  # a title the guidelines let a copy omit, so neither side counts it
        in_title = False
        raw.extend(words)
        lines.extend([number] * len(words))
    out: list[str] = []
    out_lines: list[int] = []
    index = 0
    while index < len(raw):
        pair = tuple(raw[index:index + 2])
        if len(pair) == 2 and pair in equivalents.phrases:
            replacement, width = equivalents.phrases[pair], 2
        else:
            replacement, width = equivalents.words.get(raw[index], (raw[index],)), 1
        out.extend(replacement)
        out_lines.extend([lines[index]] * len(replacement))
        index += width
    return Normalised(tuple(out), tuple(out_lines))
