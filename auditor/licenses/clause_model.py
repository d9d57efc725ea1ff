"""The learnt half of clause analysis: a linear model per clause kind over a sentence's n-grams.

The rules of `restrictive_clauses.yaml` know the wording of licences seen so far; a lab writing a
new licence says the same thing in other words. A sentence is turned into a set of features (its
words, word pairs and triples, four-letter pieces of its words, and the words of the sentence
that introduced it when it is a list item; Chinese text by its characters), and each kind's
weights are summed over them. A sum above the kind's threshold says the sentence is of that kind.

The weights are data (`data/clause_model.json`), learnt by `make model` (bench/train_clause_model.py)
from the labelled corpus of real model licences and the open reference texts; evaluating them here
needs nothing but Python, and the same sentence always gets the same answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from auditor.resources import package_data
from auditor.safe_yaml import load_yaml

MODEL_FILE = "clause_model.json"
CONCEPTS_FILE = "clause_concepts.yaml"
FORMAT_VERSION = 1
_TOKEN = re.compile(r"[a-z0]+")
_DIGITS = re.compile(r"\d+")
_LEADING_MARKER = re.compile(r"^\s*(?:(?:\(?[a-z0-9]{1,4}[.)]|[-*+•·])\s*){1,3}", re.IGNORECASE)
MAX_TOKENS = 200
"""Longer sentences are cut: a clause says what it restricts near its start, and this bounds time."""


def sentence_features(text: str, lead_in: str | None = None) -> frozenset[str]:
    """What the model sees of a sentence: its words and word pairs, its concepts and their pairs,
    and for a list item the words and concepts of its lead-in."""
    features = set(_ngrams("", _tokens(text), longest=2))
    concepts = _concepts(text)
    pairs = [f"{a}+{b}" for i, a in enumerate(concepts) for b in concepts[i + 1:]]
    features.update(f"k:{c}" for c in concepts)
    features.update(f"kk:{p}" for p in pairs)
    if lead_in is not None:
        features |= _lead_in_features(lead_in)
    return frozenset(features)


@lru_cache(maxsize=64)
def _lead_in_features(lead_in: str) -> frozenset[str]:
    """The same for every item of a list, so worked out once per list."""
    return frozenset(("item", *_ngrams("l:", _tokens(lead_in)[:40], longest=2),
                      *(f"lk:{c}" for c in _concepts(lead_in))))


def _tokens(text: str) -> list[str]:
    """Latin words only: other scripts are read through their concepts, which English taught."""
    bare = _LEADING_MARKER.sub("", text, count=1)
    return _TOKEN.findall(_DIGITS.sub("0", bare.lower()))[:MAX_TOKENS]


def _ngrams(prefix: str, tokens: list[str], longest: int) -> Iterable[str]:
    for n in range(1, longest + 1):
        for i in range(len(tokens) - n + 1):
            yield f"{prefix}{n}:{' '.join(tokens[i:i + n])}"


def _concepts(text: str) -> list[str]:
    """The concepts of data/clause_concepts.yaml that `text` says, sorted. A `masks` concept's
    words are removed before the others are looked for: "不可转让" (non-transferable) is no "不可"."""
    folded = _DIGITS.sub("0", text[:MAX_TOKENS * 12].lower())
    found = []
    for name, pattern, masks in _concept_patterns():
        if pattern.search(folded):
            found.append(name)
            if masks:
                folded = pattern.sub(" ", folded)
    return sorted(found)


@cache
def _concept_patterns() -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    """Masking concepts first, then the rest, each in name order."""
    raw = load_yaml(package_data(CONCEPTS_FILE).read_text(encoding="utf-8"))
    patterns = []
    for name in sorted(raw, key=lambda n: (not raw[n].get("masks"), n)):
        forms = [_form_pattern(str(f).lower()) for language in ("en", "zh") for f in raw[name].get(language) or ()]
        patterns.append((name, re.compile("|".join(forms)), bool(raw[name].get("masks"))))
    return tuple(patterns)


def _form_pattern(form: str) -> str:
    """Latin forms match as whole words; a CJK form or an edge that is no letter matches anywhere."""
    escaped = re.escape(form)
    if _is_latin_word_edge(form[:1]):
        escaped = r"(?<![a-z0-9])" + escaped
    if _is_latin_word_edge(form[-1:]):
        escaped += r"(?![a-z0-9])"
    return escaped


def _is_latin_word_edge(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _tokens(text: str) -> list[str]:
    bare = _LEADING_MARKER.sub("", text, count=1)
    return _TOKEN.findall(_DIGITS.sub("0", bare.lower()))[:MAX_TOKENS]


def _ngrams(prefix: str, tokens: list[str], longest: int = 3) -> Iterable[str]:
    for n in range(1, longest + 1):
        for i in range(len(tokens) - n + 1):
            yield f"{prefix}{n}:{' '.join(tokens[i:i + n])}"


@dataclass(frozen=True)
class KindWeights:
    bias: float
    threshold: float
    weights: Mapping[str, float]

    def score(self, features: frozenset[str]) -> float:
        return self.bias + sum(self.weights.get(f, 0.0) for f in features)


@dataclass(frozen=True)
class ClauseModel:
    kinds: Mapping[str, KindWeights]

    def kinds_of(self, features: frozenset[str]) -> tuple[str, ...]:
        """The kinds whose score passes their threshold, in the model's order."""
        return tuple(kind for kind, w in self.kinds.items() if w.score(features) > w.threshold)

    def to_json(self) -> str:
        """Sorted and rounded, so that retraining on the same data writes the same bytes."""
        features = sorted({f for w in self.kinds.values() for f in w.weights})
        index = {f: i for i, f in enumerate(features)}
        kinds = {kind: {"bias": round(w.bias, 4), "threshold": round(w.threshold, 4),
                        "weights": sorted([index[f], round(v, 4)] for f, v in w.weights.items())}
                 for kind, w in self.kinds.items()}
        return json.dumps({"format": FORMAT_VERSION, "features": features, "kinds": kinds},
                          ensure_ascii=False, separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> ClauseModel:
        data = json.loads(raw)
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"{MODEL_FILE}: format {data.get('format')!r}, expected {FORMAT_VERSION}")
        features = data["features"]
        return cls({kind: KindWeights(entry["bias"], entry["threshold"],
                                      {features[i]: weight for i, weight in entry["weights"]})
                    for kind, entry in data["kinds"].items()})


@cache
def shipped_model() -> ClauseModel:
    return ClauseModel.from_json(package_data(MODEL_FILE).read_text(encoding="utf-8"))
