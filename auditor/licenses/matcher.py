"""Identifies a licence text by comparison with reference texts, the way `licensee` does.

Both texts are normalised (copyright lines, URLs, punctuation, case and spacing dropped, common
spelling variants unified). Candidates are found by the Dice coefficient of their word sets (at
least 0.80); the match is then scored on word trigrams, which notice what word sets cannot (an
added "you may not use the Work for commercial purposes" uses only words Apache-2.0 already has).
At 0.95 or more the text is that licence; below, it is "close to it, modified", and the lines it
adds are what clause analysis must read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from auditor.licenses.reference_index import ReferenceIndex, reference_index
from auditor.licenses.reference_texts import ReferenceLicense

EXACT = 0.95
CANDIDATE = 0.80

_COPYRIGHT = re.compile(r"^\W*(copyright|\(c\)|©)\b.*$|^\W*all rights reserved\W*$", re.IGNORECASE | re.MULTILINE)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
_VARIANTS = {"licence": "license", "licences": "licenses", "licensor": "licensor", "behaviour": "behavior",
             "organisation": "organization", "authorised": "authorized", "sublicence": "sublicense"}


def _tokens(text: str) -> list[str]:
    text = _URL.sub(" ", _COPYRIGHT.sub(" ", text)).lower()
    return [_VARIANTS.get(w, w) for w in _WORD.findall(text)]


def words(text: str) -> frozenset[str]:
    return frozenset(_tokens(text))


def trigrams(text: str) -> frozenset[tuple[str, str, str]]:
    tokens = _tokens(text)
    return frozenset(zip(tokens, tokens[1:], tokens[2:], strict=False))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


NORMALISER_VERSION = "1"
"""Bump when `_tokens` changes: cached reference word sets are keyed by it."""


def _index() -> ReferenceIndex:
    return reference_index(NORMALISER_VERSION, words)


def _reference_words(reference: ReferenceLicense) -> frozenset[str]:
    return _index().words(reference.id)


@cache
def _reference_trigrams(reference: ReferenceLicense) -> frozenset[tuple[str, str, str]]:
    return trigrams(reference.text())


@dataclass(frozen=True)
class LicenseMatch:
    reference: ReferenceLicense
    score: float

    @property
    def exact(self) -> bool:
        return self.score >= EXACT


def best_match(text: str) -> LicenseMatch | None:
    """The closest reference licence, scored on trigrams, among word-set candidates; or None."""
    mine = words(text)
    if not mine:
        return None
    # Dice can reach CANDIDATE only between sets of comparable size; file size is a cheap proxy,
    # so only texts within a generous size band are read and normalised.
    size = len(text.encode("utf-8"))
    candidates = [r for r in _index().references
                  if size / 4 <= r.size <= size * 4 + 2048 and dice(mine, _reference_words(r)) >= CANDIDATE]
    if not candidates:
        return None
    mine_trigrams = trigrams(text)
    scored = [LicenseMatch(r, dice(mine_trigrams, _reference_trigrams(r))) for r in candidates]
    return max(scored, key=lambda m: (m.score, -len(m.reference.id), m.reference.id))


def added_lines(text: str, reference: ReferenceLicense) -> set[int]:
    """Line numbers of `text` with wording the reference lacks: what a modifier added."""
    known = _reference_trigrams(reference)
    added = set()
    for number, line in enumerate(text.split("\n"), start=1):  # numbered as clause analysis numbers them
        line_trigrams = trigrams(line)
        if len(line_trigrams) >= 2 and len(line_trigrams - known) / len(line_trigrams) > 0.5:
            added.add(number)
    return added
