"""Short licence notices, one-line references, pointers to licence files, and attribution files.

Many packages ship no licence text but a notice ("Licensed under the Apache License, Version 2.0
..."), a one-line reference ("Released under the MIT License"), a pointer ("either of the licenses
found in LICENSE.APACHE or LICENSE.BSD"), or a NOTICE/AUTHORS file that grants nothing. The
wording is data (`data/license-notices.yaml`); matching runs on the text *folded* to words
separated by single spaces (comment markers, quotes and punctuation gone), so wrapping, case and
comment style do not matter. Patterns are tried only where an anchor word stands (found with
`str.find`), a bounded number of times each, so time is linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from auditor.errors import AuditorError
from auditor.resources import package_data
from auditor.schema_check import load_checked_yaml

NoticeKind = Literal["notice", "reference", "pointer"]
_NON_WORD = re.compile(r"[^\w.+\n-]+")  # keeps \n: lines are split after
# Punctuation left standing alone, leading a word (-Name) or ending one (end of sentence.).
_LOOSE_PUNCTUATION = re.compile(r"(?<!\S)[.+_-]+(?!\S)|(?<!\S)[.-]+|\.+(?!\S)")
_FRAGMENT = re.compile(r"\{\{(\w+)\}\}")
_OR = re.compile(r"\bor\b", re.IGNORECASE)
_COMMENT_MARKER = re.compile(r"^\s*(?:#+|//+|/?\*+/?|--|;+)(?=\s|$)")


@dataclass(frozen=True)
class NoticeMatch:
    """A notice, reference or pointer in a text, cited by its lines.

    `expression` is the SPDX expression the wording names; a pointer names files, not a licence,
    so its expression is empty until the files it points to are read.
    """

    expression: str
    kind: NoticeKind
    line_start: int
    line_end: int
    files: tuple[str, ...] = ()
    operator: Literal["AND", "OR"] = "AND"


class BadNoticeDataError(AuditorError):
    """The bundled notice patterns do not fit their schema (a broken install or edit)."""


@dataclass(frozen=True)
class _Notice:
    expression: str | None  # None: a GNU notice, whose id comes from the family and version words
    anchors: tuple[str, ...]
    pattern: re.Pattern[str]
    confirm: tuple[re.Pattern[str], ...]
    within: int


@dataclass(frozen=True)
class _Rules:
    max_candidates: int
    notices: tuple[_Notice, ...]
    gnu_families: dict[str, str]
    gnu_versions: dict[str, str]
    reference_anchors: tuple[str, ...]
    reference: re.Pattern[str]
    name_expressions: tuple[str, ...]
    chain: re.Pattern[str]
    chain_names: int
    chain_joiner: re.Pattern[str]
    choice: re.Pattern[str]
    reference_unless: re.Pattern[str]
    phrases: tuple[tuple[str, re.Pattern[str]], ...]
    file_anchors: tuple[str, ...]
    file_anchors_lower: tuple[str, ...]
    pointer: re.Pattern[str]
    pointer_file: re.Pattern[str]
    pointer_choice: re.Pattern[str]
    attribution_names: re.Pattern[str]
    people_names: re.Pattern[str]
    licence_text: tuple[str, ...]
    licence_words: tuple[str, ...]
    licence_words_min: int
    grant: tuple[str, ...]
    third_party: re.Pattern[str]
    credit_lines: tuple[re.Pattern[str], ...]
    listing_lines: tuple[re.Pattern[str], ...]


@cache
def _rules() -> _Rules:
    raw: dict[str, Any] = load_checked_yaml(
        package_data("license-notices.yaml").read_text(encoding="utf-8"), "license-notices.schema.json",
        "auditor/data/license-notices.yaml", BadNoticeDataError)
    fragments: dict[str, str] = raw["fragments"]

    def expand(pattern: str) -> str:
        return _FRAGMENT.sub(lambda m: fragments[m.group(1)], pattern)

    def compile_(pattern: str) -> re.Pattern[str]:
        return re.compile(expand(pattern), re.IGNORECASE)

    names = raw["names"]
    name_alternatives = "|".join(f"(?P<n{i}>{expand(n['pattern'])})" for i, n in enumerate(names))
    pointer = raw["pointer"]
    attribution = raw["attribution"]
    return _Rules(
        max_candidates=raw["max_candidates"],
        notices=tuple(_Notice(entry.get("expression"), tuple(entry["anchors"]), compile_(entry["pattern"]),
                              tuple(compile_(c) for c in entry.get("confirm", ())), entry.get("within", 0))
                      for entry in raw["notices"]),
        gnu_families=raw["gnu"]["families"],
        gnu_versions=raw["gnu"]["versions"],
        reference_anchors=tuple(raw["reference_anchors"]),
        reference=compile_(f"{{{{grant}}}} (?:{name_alternatives})"),
        name_expressions=tuple(n["expression"] for n in names),
        chain=compile_(f"(?P<between>(?: \\S+){{0,{raw['chain_words']}}}?) (?:{name_alternatives})"),
        chain_names=raw["chain_names"],
        chain_joiner=compile_(raw["chain_joiner"]),
        choice=compile_(raw["choice"]),
        reference_unless=compile_(raw["reference_unless"]),
        phrases=tuple((p["expression"], compile_(p["pattern"])) for p in raw["phrases"]),
        file_anchors=tuple(pointer["file_anchors"]),
        file_anchors_lower=tuple(pointer["file_anchors_lower"]),
        pointer=compile_(f"{pointer['cue']} (?:{pointer['file']})(?:{pointer['joiner']} (?:{pointer['file']}))*"),
        pointer_file=compile_(pointer["file"]),
        pointer_choice=compile_(pointer["choice"]),
        attribution_names=compile_(attribution["names"]),
        people_names=compile_(attribution["people_names"]),
        licence_text=tuple(attribution["licence_text"]),
        licence_words=tuple(attribution["licence_words"]),
        licence_words_min=attribution["licence_words_min"],
        grant=tuple(attribution["grant"]),
        third_party=compile_(attribution["third_party"]),
        credit_lines=tuple(compile_(p) for p in attribution["credit_lines"]),
        listing_lines=tuple(compile_(p) for p in attribution["listing_lines"]),
    )


@dataclass(frozen=True)
class _Folded:
    """A text as words separated by single spaces, remembering which line each word is on.

    `lower` is `text` lower-cased, at the same offsets: anchors
    are found in it with `str.find`, which is much faster than any regex scan.
    """

    text: str
    lower: str
    padded: str  # ` lower `, so that a phrase is found at a word's start and end alike
    starts: tuple[int, ...]  # offset in `text` where each non-empty line begins
    numbers: tuple[int, ...]  # its 1-based line number

    def line(self, position: int) -> int:
        return self.numbers[max(0, bisect_right(self.starts, position) - 1)] if self.numbers else 1

    def word_starts(self, words: tuple[str, ...], limit: int, *, as_written: bool = False) -> list[int]:
        """Where each word begins a word of the text (at most `limit` places each), in order."""
        haystack = self.text if as_written else self.lower
        found: set[int] = set()
        for word in words:
            at: int | None = 0 if haystack.startswith(word) else _after(haystack.find(" " + word))
            count = 0
            while at is not None and count < limit:
                found.add(at)
                count += 1
                at = _after(haystack.find(" " + word, at))
        return sorted(found)

    def has_phrase(self, phrase: str) -> bool:
        return f" {phrase}" in self.padded


def _after(space: int) -> int | None:
    """The word start after a space `str.find` returned (None when it found none)."""
    return None if space == -1 else space + 1


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=2)
def _fold(text: str) -> _Folded:
    # Only \n ends a line, as clause analysis counts them (GNU texts hold form feeds).
    cleaned = _LOOSE_PUNCTUATION.sub(" ", _NON_WORD.sub(" ", text))
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    position = 0
    for number, line in enumerate(cleaned.split("\n"), start=1):
        folded = " ".join(line.split())
        if folded:
            starts.append(position)
            numbers.append(number)
            parts.append(folded)
            position += len(folded) + 1
    joined = " ".join(parts)
    lower = joined.lower()
    if len(lower) != len(joined):  # a letter whose lower case is longer (İ): keep the offsets
        lower = joined.translate(_ASCII_LOWER)
    return _Folded(joined, lower, f" {lower} ", tuple(starts), tuple(numbers))


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    expression: str
    kind: NoticeKind
    files: tuple[str, ...] = ()
    operator: Literal["AND", "OR"] = "AND"


# The GNU licences that exist (the Library GPL was renamed Lesser at 2.1; Affero has only 3.0).
_GNU_VERSIONS = frozenset({("GPL", "1.0"), ("GPL", "2.0"), ("GPL", "3.0"), ("LGPL", "2.0"),
                           ("LGPL", "2.1"), ("LGPL", "3.0"), ("AGPL", "3.0")})


def _gnu_expression(rules: _Rules, match: re.Match[str]) -> str | None:
    family = rules.gnu_families.get((match.group("family") or "").strip().lower())
    version = rules.gnu_versions.get(match.group("version"))
    if family is None or version is None or (family, version) not in _GNU_VERSIONS:
        return None
    return f"{family}-{version}-{'or-later' if match.group('later') else 'only'}"


def _standard_notices(rules: _Rules, folded: _Folded) -> list[_Span]:
    spans: list[_Span] = []
    for notice in rules.notices:
        for at in folded.word_starts(notice.anchors, rules.max_candidates):
            match = notice.pattern.match(folded.text, at)
            if match is None:
                continue
            expression = notice.expression or _gnu_expression(rules, match)
            if expression is None:
                continue
            end = match.end()
            if notice.confirm:
                window = min(len(folded.text), end + notice.within)
                found = [m for m in (c.search(folded.text, end, window) for c in notice.confirm) if m is not None]
                if not found:
                    continue
                end = max(m.end() for m in found)
            spans.append(_Span(match.start(), end, expression, "notice"))
    return spans


def _named(rules: _Rules, match: re.Match[str]) -> str:
    """The expression of the name alternative (group n<i>) that matched."""
    assert match.lastgroup is not None and match.lastgroup.startswith("n")
    return rules.name_expressions[int(match.lastgroup[1:])]


def _references(rules: _Rules, folded: _Folded) -> list[_Span]:
    spans: list[_Span] = []
    text = folded.text
    end = 0
    for at in folded.word_starts(rules.reference_anchors, rules.max_candidates):
        for expression, pattern in rules.phrases:
            if (phrase := pattern.match(text, at)) is not None:
                spans.append(_Span(at, phrase.end(), expression, "reference"))
        if at < end or (match := rules.reference.match(text, at)) is None:
            continue
        end = match.end()
        if rules.reference_unless.search(text, max(0, at - 40), at):
            continue
        ids = [_named(rules, match)]
        # Further names joined by or/and: "either of Apache License, Version 2.0 or MIT license".
        while len(ids) < rules.chain_names and (following := rules.chain.match(text, end)) is not None:
            between = following.group("between")
            if between and not rules.chain_joiner.search(between):
                break
            ids.append(_named(rules, following))
            end = following.end()
        said = text[at:min(len(text), end + 40)]
        unique = list(dict.fromkeys(ids))
        operator = "OR" if len(unique) > 1 and rules.choice.search(said) else "AND"
        spans.append(_Span(at, end, f" {operator} ".join(unique), "reference"))
    return spans


def _pointers(rules: _Rules, folded: _Folded) -> list[_Span]:
    """Pointers, looked for just before each licence file name."""
    spans: list[_Span] = []
    text = folded.text
    end = 0
    places = sorted(set(folded.word_starts(rules.file_anchors, rules.max_candidates, as_written=True))
                    | set(folded.word_starts(rules.file_anchors_lower, rules.max_candidates)))
    for at in places:
        if at < end:
            continue
        match = rules.pointer.search(text, max(end, at - _CUE_REACH), min(len(text), at + _FILES_REACH))
        if match is None or match.start() > at:
            continue
        end = match.end()
        said = match.group(0)
        files = tuple(dict.fromkeys(f.group(0) for f in rules.pointer_file.finditer(said)))
        around = f"{text[max(0, match.start() - 80):match.start()]} {text[end:end + 40]}"
        choice = (len(files) > 1 and _OR.search(said) is not None) or rules.pointer_choice.search(around) is not None
        spans.append(_Span(match.start(), end, "", "pointer", files, "OR" if choice else "AND"))
    return spans


_CREDIT_REACH = 200  # characters before a grant in a NOTICE that may say it is about bundled code
_CUE_REACH = 40  # characters before a file name that a pointer's cue ("found in the files") may take
_FILES_REACH = 400  # characters after it that its list of files may take


def _without_overlaps(spans: list[_Span]) -> list[_Span]:
    """Longest first where spans overlap (a notice holds its own reference), then text order."""
    kept: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def find_notices(text: str) -> tuple[NoticeMatch, ...]:
    """Every licence notice, reference and pointer in `text`, in text order."""
    rules = _rules()
    folded = _fold(text)
    licences = _without_overlaps(_standard_notices(rules, folded) + _references(rules, folded))
    pointers = _without_overlaps(_pointers(rules, folded))
    return tuple(
        NoticeMatch(span.expression, span.kind, folded.line(span.start), folded.line(max(span.start, span.end - 1)),
                    span.files, span.operator)
        for span in sorted(licences + pointers, key=lambda s: (s.start, s.kind)))


def is_attribution_text(text: str, name: str) -> bool:
    """Whether a file only credits people and code (a NOTICE, AUTHORS, CREDITS file), granting nothing.

    A file that holds a licence's own wording, its vocabulary or a standard notice is a licence,
    whatever its name. In a file named like an attribution file, a grant that closely follows
    words about bundled code ("This product includes X ... Licensed under the MIT License") is
    credit too; lists of people (AUTHORS, CREDITS) stay attribution whatever they say of licensing. Any
    other file is attribution only when it never says "licence" and nearly all its lines are
    copyright, credit, name or address lines.
    """
    rules = _rules()
    folded = _fold(text)
    if (any(folded.has_phrase(p) for p in rules.licence_text) or _standard_notices(rules, folded)
            or sum(1 for w in rules.licence_words if folded.has_phrase(w)) >= rules.licence_words_min):
        return False
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if rules.people_names.match(base):
        return True
    if rules.attribution_names.match(base):
        return not any(rules.third_party.search(folded.lower, max(0, at - _CREDIT_REACH), at) is None
                       for at in folded.word_starts(rules.grant, rules.max_candidates))
    if folded.has_phrase("licen") or any(folded.has_phrase(g) for g in rules.grant):
        return False
    lines = [" ".join(_COMMENT_MARKER.sub("", line).split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    credited = [any(p.search(line) for p in rules.credit_lines) for line in lines]
    listed = sum(1 for line, credit in zip(lines, credited, strict=True)
                 if credit or any(p.search(line) for p in rules.listing_lines))
    return any(credited) and 3 * listed >= 2 * len(lines)
