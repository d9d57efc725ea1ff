"""Finds the sentences of a licence text that restrict use, study, modification or sharing.

Text is split into paragraphs (blank-line separated) and each paragraph into sentences, so a
clause wrapped over several lines still matches and each finding cites the lines of exactly the
sentence that says it. Kinds and wording are data (`data/restrictive_clauses.yaml`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from auditor.licenses.clause_model import ClauseModel, sentence_features, shipped_model
from auditor.licenses.interface import Restriction
from auditor.licenses.sentences import Sentence, split_sentences
from auditor.resources import package_data
from auditor.safe_yaml import load_yaml

MAX_QUOTE = 400
CUE_WINDOW = 120


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
    never: tuple[re.Pattern[str], ...]

    def excludes(self, sentence: str) -> bool:
        return any(u.search(sentence) for u in (*self.unless, *self.never))

    def never_is(self, sentence: str) -> bool:
        return any(n.search(sentence) for n in self.never)

    def matches(self, sentence: str) -> bool:
        said = any(p.search(sentence) for p in self.patterns) or any(
            _together(rule, sentence) for rule in self.cues)
        return (said and not self.excludes(sentence)
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
                    tuple(re.compile(r, re.IGNORECASE) for r in entry.get("require") or ()),
                    tuple(re.compile(n, re.IGNORECASE) for n in entry.get("never") or ()))
        for kind, entry in raw.items()
    )


@cache
def _kind(name: str) -> _ClauseKind:
    return next(kind for kind in _kinds() if kind.kind == name)


THRESHOLD_KINDS = frozenset({"user-threshold", "revenue-threshold"})
"""Kinds a definition can carry when it states an amount: "Licensee means an entity whose revenue
did not exceed $1M" (while '"Monthly Active Users" means ...' only defines a word)."""
_MORE_SPECIFIC = frozenset({"non-commercial", "no-improving-other-models"})
"""A research-only grant is non-commercial, a ban on training other models is that kind: the model's
field-of-use on the same sentence is the same clause read twice, unless a rule sees a use banned."""
_AMOUNT = re.compile(r"\d|\b(hundred|thousand|million|billion)\b|[万亿]", re.IGNORECASE)


def find_restrictions(text: str, only_lines: set[int] | None = None,
                      model: ClauseModel | None = None) -> tuple[Restriction, ...]:
    """Every restrictive sentence in `text` (limited to `only_lines` when given), in text order.

    A kind is found when the rules or the learnt `model` (the shipped one unless given) say so. A
    heading is never a restriction, and a definition only states a threshold; a list item is
    quoted after its lead-in, which is what makes it a restriction.
    """
    model = model or shipped_model()
    found: list[Restriction] = []
    for sentence in split_sentences(text):
        if sentence.role == "heading" or (only_lines is not None and not any(
                n in only_lines for n in range(sentence.line_start, sentence.line_end + 1))):
            continue
        by_rules = _rule_kinds(sentence)
        read = sentence.text if sentence.lead_in is None else f"{sentence.lead_in} {sentence.text}"
        learnt = {kind for kind in model.kinds_of(sentence_features(sentence.text, sentence.lead_in))
                  if not _kind(kind).never_is(read)}
        if (by_rules | learnt) & _MORE_SPECIFIC and "field-of-use" not in by_rules:
            learnt.discard("field-of-use")
        kinds = by_rules | learnt
        if sentence.role == "definition":
            kinds &= THRESHOLD_KINDS if _AMOUNT.search(sentence.text) else set()
        found.extend(Restriction(kind.kind, kind.code, sentence.line_start, sentence.line_end, _quote(sentence),
                                 kind.freedom, kind.osd) for kind in _kinds() if kind.kind in kinds)
    found.sort(key=lambda r: (r.line_start, r.kind))
    return tuple(found)


def _rule_kinds(sentence: Sentence) -> set[str]:
    kinds = {kind.kind for kind in _kinds() if kind.matches(sentence.text)}
    if sentence.lead_in is not None and _lead_in_bans_uses(sentence.lead_in):
        kinds.add("field-of-use")
    return kinds


@lru_cache(maxsize=64)
def _lead_in_bans_uses(lead_in: str) -> bool:
    """"You agree not to use the Model to:" bans each item after it; asked once per list."""
    return _kind("field-of-use").matches(lead_in)


def _quote(sentence: Sentence) -> str:
    text = sentence.text if sentence.lead_in is None else f"{_clip(sentence.lead_in, MAX_QUOTE // 2)} {sentence.text}"
    return _clip(text, MAX_QUOTE)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."
