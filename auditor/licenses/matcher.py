"""Finds which reference licences a text holds, and where: a licence file as a list of segments.

Both sides are normalised by the SPDX matching guidelines (`normalise.py`) and cut into shingles
(runs of SHINGLE words, hashed). A reference is scored by *containment*: the share of its own
words that a shingle present in the text covers. A word the text replaces (a holder's name where
the reference says "the ORGANIZATION", "the copyright holder" for "<copyright holders>") costs
that word only, and text around the licence (a title, a credit, a vendoring note, another
licence) costs nothing. The region of the text a reference stands in is the stretch its shingles
cover best (a maximum-sum run: +1 for a covered word, -GAP_COST for any other), and its *purity*
is the share of that stretch the reference covers.

Segmentation is greedy: among the candidates (references whose words the text mostly has), the
one covering the most of itself is taken with its region, and the search repeats on what is left,
so "MIT, then bundled BSD-3-Clause, then Apache-2.0" comes out as three segments in file order.
"""

from __future__ import annotations

import zlib
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cache

from auditor.licenses.normalise import NORMALISER_VERSION, Normalised, normalise, without_appendix
from auditor.licenses.reference_index import ReferenceData, ReferenceIndex, reference_index
from auditor.licenses.reference_texts import ReferenceLicense

SHINGLE = 4
EXACT = 0.90
"""Containment and purity both at least this: the text is that licence."""
SEGMENT = 0.85
"""Both at least this: the text is that licence with changes ("X, modified")."""
CANDIDATE_WORDS = 0.80
"""Share of a reference's distinct words the text must have for the reference to be scored."""
CLOSEST = 0.50
"""Below this containment a reference is not even worth naming as the closest one."""
GAP_COST = 1.0
REPLACEABLE_REFERENCE = 3
REPLACEABLE_TEXT = 10
REPLACEABLE_EVERY = 40
REPLACED_WORTH = 0.9
"""A replaced word counts a little less than a word as written: between two references one
word apart (OLDAP-2.7 and 2.8), the one the text spells out wins."""
MAX_SEGMENTS = 32
OPENING = 8


def shingles(words: tuple[str, ...]) -> array:
    """One hash per run of SHINGLE words, in text order (stable across runs: cached on disk)."""
    out = array("I")
    for start in range(len(words) - SHINGLE + 1):
        out.append(zlib.crc32(" ".join(words[start:start + SHINGLE]).encode("utf-8")))
    return out


def reference_data(text: str) -> ReferenceData:
    normalised = without_appendix(normalise(text))
    return ReferenceData(frozenset(normalised.words), shingles(normalised.words), len(normalised.words))


def _index() -> ReferenceIndex:
    return reference_index(NORMALISER_VERSION, reference_data)


@cache
def _shingle_set(license_id: str) -> frozenset[int]:
    return frozenset(_index().data(license_id).shingles)


@cache
def _shingle_counts(license_id: str) -> Counter[int]:
    return Counter(_index().data(license_id).shingles)


@dataclass(frozen=True)
class Segment:
    """A reference licence found in a text: how much of it is there, how much of its region it
    explains, and the lines that region spans."""

    reference: ReferenceLicense
    containment: float
    purity: float
    line_start: int
    line_end: int

    @property
    def score(self) -> float:
        return min(self.containment, self.purity)

    @property
    def exact(self) -> bool:
        return self.score >= EXACT


@dataclass(frozen=True)
class Identification:
    segments: tuple[Segment, ...]
    """The licences found, in file order; empty when none reaches SEGMENT."""
    closest: Segment | None
    """With no segment: the reference the text most resembles (containment at least CLOSEST)."""
    unexplained_lines: frozenset[int]
    """Lines whose words mostly no segment's reference accounts for: what to read for clauses."""


def _covered_words(reference: ReferenceData, present: set[int] | frozenset[int]) -> float:
    """How many of the reference's words a shingle present in the text covers, replaceable spans
    (short gaps between covered words) counted as covered."""
    marks = bytearray(reference.length)
    for position, value in enumerate(reference.shingles):
        if value in present:
            marks[position:position + SHINGLE] = b"\x01" * SHINGLE
    return _with_replaceable(marks, REPLACEABLE_REFERENCE)


def _with_replaceable(marks: bytearray | memoryview, longest: int) -> float:
    """Marked words plus the unmarked runs of at most `longest` words between two marked ones
    (a name where the reference says "the ORGANIZATION"), at most one run per REPLACEABLE_EVERY
    words: a text unlike the reference has too many gaps to be excused."""
    covered = sum(marks)
    allowance = len(marks) // REPLACEABLE_EVERY + 1
    gaps = [len(g) for g in bytes(marks).strip(b"\x00").split(b"\x01") if g]
    for gap in sorted(gaps):
        if gap > longest or allowance == 0:
            break
        covered += gap * REPLACED_WORTH
        allowance -= 1
    return covered


@dataclass(frozen=True)
class _Found:
    reference: ReferenceLicense
    start: int
    end: int  # inclusive word positions of the region
    covered: float
    containment: float
    purity: float
    text_covered: tuple[int, ...]

    @property
    def rank(self) -> float:
        # Covered words weighted by containment: BSD-3-Clause (more words, a little less contained)
        # beats BSD-2-Clause on a BSD-3 text; on a 0BSD text, ISC's missing sentence lets 0BSD win.
        return self.covered * self.containment


class _Text:
    def __init__(self, normalised: Normalised) -> None:
        self.words = normalised.words
        self.lines = normalised.lines
        self.hashes = shingles(normalised.words)
        self.free = bytearray(b"\x01") * len(self.words)
        self.free_shingles = bytearray(b"\x01") * len(self.hashes)
        self.positions: dict[int, list[int]] = {}
        for position, value in enumerate(self.hashes):
            self.positions.setdefault(value, []).append(position)

    def consume(self, start: int, end: int) -> None:
        self.free[start:end + 1] = bytes(end - start + 1)
        first = max(0, start - SHINGLE + 1)
        self.free_shingles[first:end + 1] = bytes(len(self.free_shingles[first:end + 1]))

    def present(self, start: int = 0, end: int | None = None) -> set[int]:
        """Shingle hashes lying wholly on free words of [start, end]."""
        last = (len(self.words) - 1) if end is None else end
        free, hashes = self.free_shingles, self.hashes
        return {hashes[p] for p in range(start, last - SHINGLE + 2) if free[p]}

    def find(self, reference: ReferenceLicense, data: ReferenceData, present: set[int]) -> _Found | None:
        """The reference's best region in the free text, scored there."""
        marks = bytearray(len(self.words))
        one = b"\x01" * SHINGLE
        free, positions = self.free_shingles, self.positions
        budget = dict(_shingle_counts(reference.id))
        # In text order, each of the reference's shingles stands for as many text shingles as the
        # reference has of it: the phrases a neighbouring licence shares ("in no event shall the")
        # are already spent, so the region stops where this licence ends.
        for position in sorted(p for value in budget.keys() & present for p in positions[value] if free[p]):
            value = self.hashes[position]
            if budget[value]:
                budget[value] -= 1
                marks[position:position + SHINGLE] = one
        start, end = _best_run(marks, self.free)
        if start > end:
            return None
        # The reference's opening words twice in the region: a second copy starts at the second.
        opening = data.shingles[:OPENING]
        openings = [p for p in self.positions.get(opening[0], ()) if start <= p <= end and free[p]
                    and self.hashes[p:p + OPENING] == opening] if data.shingles.count(opening[0]) == 1 else []
        if len(openings) > 1:
            end = openings[1] - 1
            while not marks[end]:
                end -= 1
        in_region = _with_replaceable(memoryview(marks)[start:end + 1], REPLACEABLE_TEXT)
        # A passage the reference repeats is covered twice by one passage of the text: a reference
        # can never be more present than the words of the text that stand for it.
        covered = min(_covered_words(data, self.present(start, end)), in_region)
        return _Found(reference, start, end, covered, covered / data.length, in_region / (end - start + 1),
                      tuple(p for p in range(start, end + 1) if marks[p]))


def _best_run(marks: bytearray, free: bytearray) -> tuple[int, int]:
    """The stretch of free words with the greatest sum of +1 per marked word, -GAP_COST per other."""
    best, best_start, best_end = 0.0, 0, -1
    total, start = 0.0, 0
    for position, marked in enumerate(marks):
        if not free[position]:
            total, start = 0.0, position + 1
            continue
        total += 1.0 if marked else -GAP_COST
        if total <= 0:
            total, start = 0.0, position + 1
        elif total > best:
            best, best_start, best_end = total, start, position
    return best_start, best_end


def identify(text: str) -> Identification:
    """The reference licences `text` holds, each with its lines, greedily, best first."""
    normalised = normalise(text)
    if len(normalised.words) < SHINGLE:
        return Identification((), None, frozenset())
    mine = _Text(normalised)
    index = _index()
    vocabulary = frozenset(normalised.words)
    size = len(normalised.words)
    candidates, resembling = [], []
    for reference in index.references:
        if index.length(reference.id) > size / CLOSEST + SHINGLE:
            continue  # the text is too short to hold this reference, or even half of it
        data = index.data(reference.id)
        shared = len(data.words & vocabulary) / len(data.words) if data.length >= SHINGLE else 0.0
        if shared >= CANDIDATE_WORDS and data.length <= size / SEGMENT + SHINGLE:
            candidates.append((reference, data))
        elif shared >= CLOSEST:
            resembling.append((reference, data))
    found: list[_Found] = []
    closest: _Found | None = None
    explained = bytearray(len(mine.words))
    while len(found) < MAX_SEGMENTS:
        present = mine.present()
        # Whole-text coverage bounds what any region can reach: a reference under SEGMENT is out
        # for good (consuming words only lowers it), and the others are tried best bound first.
        bounded = []
        for candidate in candidates:
            covered = _covered_words(candidate[1], present)
            if covered >= SEGMENT * candidate[1].length:
                bounded.append((covered * covered / candidate[1].length, candidate))
        bounded.sort(key=lambda item: (-item[0], item[1][0].id))
        best: _Found | None = None
        for bound, (reference, data) in bounded:
            if best is not None and bound < best.rank:
                break
            result = mine.find(reference, data, present)
            if (result is not None and result.containment >= SEGMENT and result.purity >= SEGMENT
                    and (best is None or (result.rank, result.containment) > (best.rank, best.containment))):
                best = result
        if best is None:
            if not found:
                closest = _closest(mine, candidates + resembling, present)
            break
        found.append(best)
        for position in best.text_covered:
            explained[position] = 1
        mine.consume(best.start, best.end)
        candidates = [candidate for _, candidate in bounded]
    found.sort(key=lambda f: f.start)
    segments = tuple(_segment(mine, f) for f in found)
    near = _segment(mine, closest) if closest is not None else None
    return Identification(segments, near, _unexplained_lines(mine.lines, explained))


def _segment(mine: _Text, found: _Found) -> Segment:
    return Segment(found.reference, round(found.containment, 3), round(found.purity, 3),
                   mine.lines[found.start], mine.lines[found.end])


def _closest(mine: _Text, candidates: list[tuple[ReferenceLicense, ReferenceData]],
             present: set[int]) -> _Found | None:
    """The best-contained reference, even under SEGMENT (its region taken as the whole text)."""
    best: _Found | None = None
    for reference, data in candidates:
        covered = _covered_words(data, present)
        if covered < CLOSEST * data.length or (best is not None and covered / data.length <= best.containment):
            continue
        known = _shingle_set(reference.id)
        in_text = sum(1 for value in mine.hashes if value in known)
        best = _Found(reference, 0, len(mine.words) - 1, covered, covered / data.length,
                      min(1.0, in_text / len(mine.words)), ())
    return best


def _unexplained_lines(lines: tuple[int, ...], explained: bytearray) -> frozenset[int]:
    words_on: dict[int, list[int]] = {}
    for position, line in enumerate(lines):
        words_on.setdefault(line, []).append(explained[position])
    return frozenset(line for line, marks in words_on.items() if sum(marks) * 2 < len(marks))
