"""Finds the sentences of a licence text that restrict use, study, modification or sharing.

Text is split into paragraphs (blank-line separated) and each paragraph into sentences, so a
clause wrapped over several lines still matches and each finding cites the lines of exactly the
sentence that says it. Kinds and wording are data (`data/restrictive_clauses.yaml`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from auditor.licenses.interface import Restriction
from auditor.resources import package_data
from auditor.safe_yaml import load_yaml

MAX_QUOTE = 400
CUE_WINDOW = 120
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_BLOCK_START = re.compile(r"^\s{0,3}(#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s|\([a-z0-9]{1,3}\)\s)")
_SENTENCE_END = re.compile(r"(?<=[.;!?:])[\"'”)]?\s+(?=[\"'“(]?[A-Z0-9])|\s+(?=\(?[a-z0-9]{1,3}\)\s)")


@dataclass(frozen=True)
class _ClauseKind:
    kind: str
    code: str
    freedom: str
    osd: int
    patterns: tuple[re.Pattern[str], ...]
    cues: tuple[tuple[re.Pattern[str], ...], ...]
    unless: tuple[re.Pattern[str], ...]
    require: tuple[re.Pattern[str], ...]

    def matches(self, sentence: str) -> bool:
        said = any(p.search(sentence) for p in self.patterns) or any(
            _together(rule, sentence) for rule in self.cues)
        return (said and not any(u.search(sentence) for u in self.unless)
                and (not self.require or any(r.search(sentence) for r in self.require)))



def _together(groups: tuple[re.Pattern[str], ...], sentence: str) -> bool:
    """A cue from every group within CUE_WINDOW characters: one clause, not a whole paragraph."""
    positions = [[m.start() for m in cue.finditer(sentence)] for cue in groups]
    if not all(positions):
        return False
    last: dict[int, int] = {}
    for at, group in sorted((at, group) for group, found in enumerate(positions) for at in found):
        last[group] = at
        if len(last) == len(groups) and at - min(last.values()) <= CUE_WINDOW:
            return True
    return False


@cache
def _kinds() -> tuple[_ClauseKind, ...]:
    raw = load_yaml(package_data("restrictive_clauses.yaml").read_text(encoding="utf-8"))
    return tuple(
        _ClauseKind(kind, entry["code"], entry["freedom"], entry["osd"],
                    tuple(re.compile(p, re.IGNORECASE) for p in entry["patterns"]),
                    tuple(tuple(re.compile(c, re.IGNORECASE) for c in rule) for rule in entry.get("cues") or ()),
                    tuple(re.compile(u, re.IGNORECASE) for u in entry.get("unless") or ()),
                    tuple(re.compile(r, re.IGNORECASE) for r in entry.get("require") or ()))
        for kind, entry in raw.items()
    )


@dataclass(frozen=True)
class _Sentence:
    line_start: int
    line_end: int
    text: str


def _sentences(text: str) -> list[_Sentence]:
    """Sentences with the lines they stand on; paragraphs never share a sentence."""
    sentences: list[_Sentence] = []
    # Lines as editors and GitHub number them: only \n ends a line (splitlines() would also break
    # at the form feeds of GNU licence texts and shift every citation after them).
    lines = [line.rstrip("\r") for line in text.split("\n")]
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start = index
        index += 1
        # A heading or a list item starts a paragraph of its own: it never continues a sentence.
        while index < len(lines) and lines[index].strip() and not _BLOCK_START.match(lines[index]):
            index += 1
        if _HEADING.match(lines[start]):
            continue  # titles name a policy, they do not impose it
        # Folded paragraph, remembering where each line begins in it.
        offsets, parts, position = [], [], 0
        for line in lines[start:index]:
            folded = " ".join(line.split())
            offsets.append(position)
            parts.append(folded)
            position += len(folded) + 1
        paragraph = " ".join(parts)
        cut = 0
        for boundary in [m.end() for m in _SENTENCE_END.finditer(paragraph)] + [len(paragraph)]:
            sentence = paragraph[cut:boundary].strip()
            if sentence:
                first = start + _line_index(offsets, cut) + 1
                last = start + _line_index(offsets, max(cut, boundary - 1)) + 1
                sentences.append(_Sentence(first, last, sentence))
            cut = boundary
    return sentences


def _line_index(offsets: list[int], position: int) -> int:
    index = 0
    for number, offset in enumerate(offsets):
        if offset <= position:
            index = number
    return index


def find_restrictions(text: str, only_lines: set[int] | None = None) -> tuple[Restriction, ...]:
    """Every restrictive sentence in `text` (limited to `only_lines` when given), in text order."""
    found: list[Restriction] = []
    for sentence in _sentences(text):
        if only_lines is not None and not any(
                n in only_lines for n in range(sentence.line_start, sentence.line_end + 1)):
            continue
        quote = sentence.text if len(sentence.text) <= MAX_QUOTE else sentence.text[:MAX_QUOTE - 3] + "..."
        for kind in _kinds():
            if kind.matches(sentence.text):
                found.append(Restriction(kind.kind, kind.code, sentence.line_start, sentence.line_end,
                                         quote, kind.freedom, kind.osd))
    found.sort(key=lambda r: (r.line_start, r.kind))
    return tuple(found)
