"""Finds clauses that restrict use, study, modification or sharing in a licence text, by line.

Text is split into paragraphs (blank-line separated) so a clause wrapped over several lines still
matches; each finding cites the sentence that matched and the lines it stands on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from auditor.licenses.interface import Restriction
from auditor.resources import package_data


@dataclass(frozen=True)
class _ClauseKind:
    kind: str
    code: str
    freedom: str
    osd: int
    patterns: tuple[re.Pattern[str], ...]


@cache
def _kinds() -> tuple[_ClauseKind, ...]:
    raw = yaml.safe_load(package_data("restrictive_clauses.yaml").read_text(encoding="utf-8"))
    return tuple(
        _ClauseKind(kind, entry["code"], entry["freedom"], entry["osd"],
                    tuple(re.compile(p, re.IGNORECASE) for p in entry["patterns"]))
        for kind, entry in raw.items()
    )


@dataclass(frozen=True)
class _Paragraph:
    line_start: int
    lines: tuple[str, ...]

    @property
    def folded(self) -> str:
        return " ".join(self._folded_lines)

    @property
    def _folded_lines(self) -> list[str]:
        return [" ".join(line.split()) for line in self.lines]

    def line_at(self, offset: int) -> int:
        """The line number holding character `offset` of the folded text."""
        position = 0
        for index, line in enumerate(self._folded_lines):
            position += len(line) + 1
            if offset < position:
                return self.line_start + index
        return self.line_start + len(self.lines) - 1


def _paragraphs(text: str) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            paragraphs.append(_Paragraph(start, tuple(current)))
            current = []
    if current:
        paragraphs.append(_Paragraph(start, tuple(current)))
    return paragraphs


_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")


def _sentence_span(folded: str, position: int) -> tuple[int, int]:
    """Start and end offsets of the sentence holding `position`."""
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(folded) if m.end() <= position]
    end_match = _SENTENCE_END.search(folded, position)
    return starts[-1], end_match.start() if end_match else len(folded)


def _shorten(sentence: str) -> str:
    return sentence if len(sentence) <= 400 else sentence[:397] + "..."


def find_restrictions(text: str) -> tuple[Restriction, ...]:
    """Every restrictive clause in `text`, at most one per kind and paragraph, in text order."""
    found: list[Restriction] = []
    for paragraph in _paragraphs(text):
        folded = paragraph.folded
        for kind in _kinds():
            for pattern in kind.patterns:
                match = pattern.search(folded)
                if match:
                    start, end = _sentence_span(folded, match.start())
                    found.append(Restriction(kind.kind, kind.code, paragraph.line_at(start),
                                             paragraph.line_at(max(start, end - 1)),
                                             _shorten(folded[start:end].strip()), kind.freedom, kind.osd))
                    break
    found.sort(key=lambda r: (r.line_start, r.kind))
    return tuple(found)
