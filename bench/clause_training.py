"""What the clause model learns from, and how: labelled sentences in, a `ClauseModel` out.

Three sources of sentences:
- the labelled corpus of real model licences (bench/model_licence_labels.yaml, texts exported into
  the cache by bench/model_licence_corpus.py): a sentence is of a kind when its lines overlap a
  clause of that kind labelled there, and of no kind otherwise;
- every open reference text the tool ships (OSI-approved, FSF-libre, open data and content
  licences): all of their sentences are of no kind. They teach what a permission, a notice duty
  or a patent-termination clause looks like, so that none of them is ever cited;
- bench/clause_open_sentences.yaml: permissions in model-licence words, written by us, of no kind.

Training is one L2-regularised logistic regression per kind (scikit-learn's liblinear solver,
which is deterministic), a clause sentence weighing POSITIVE_WEIGHT others. Only features seen in at least two
sentences are kept, and weights too small to change any answer are dropped, so the data file
stays small.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from auditor.licenses.clause_model import ClauseModel, KindWeights, sentence_features
from auditor.licenses.reference_texts import reference_licenses
from auditor.licenses.sentences import split_sentences

BENCH = Path(__file__).resolve().parent
LABELS = BENCH / "model_licence_labels.yaml"
OPEN_SENTENCES = BENCH / "clause_open_sentences.yaml"
CACHE = Path.home() / ".cache" / "osaid-audit-bench" / "model-licences"
KINDS = ("user-threshold", "revenue-threshold", "field-of-use", "no-improving-other-models", "non-commercial",
         "permission-required", "remote-restriction", "downstream-restrictions", "naming")
OPEN_CLASSES = ("osi-approved", "open-data", "open-content")
MIN_DOCUMENT_FREQUENCY = 2
SMALLEST_WEIGHT = 0.02
REGULARISATION = 1.0  # liblinear's C: larger fits the training sentences more closely
POSITIVE_WEIGHT = 20.0  # a clause sentence counts as this many others: clauses are rare, not that rare


@dataclass(frozen=True)
class Clause:
    kind: str
    first: int
    last: int


@dataclass(frozen=True)
class LabelledText:
    id: str
    family: str
    borrows: tuple[str, ...]
    text: str
    clauses: tuple[Clause, ...]
    is_open: bool


@dataclass(frozen=True)
class Example:
    features: frozenset[str]
    kinds: frozenset[str]


def corpus_texts(labels: Path = LABELS, cache: Path = CACHE) -> tuple[list[LabelledText], list[str]]:
    """The labelled texts whose export is in the cache, and the ids of those that are not."""
    texts, absent = [], []
    for entry in yaml.safe_load(labels.read_text(encoding="utf-8"))["texts"]:
        path = cache / f"{entry['id']}.txt"
        if not path.is_file():
            absent.append(entry["id"])
            continue
        clauses = tuple(Clause(c["kind"], c["lines"][0], c["lines"][1]) for c in entry.get("clauses") or ())
        texts.append(LabelledText(entry["id"], entry["family"], tuple(entry.get("borrows") or ()),
                                  path.read_text(encoding="utf-8"), clauses, bool(entry.get("open"))))
    return texts, absent


def open_reference_texts() -> list[LabelledText]:
    return [LabelledText(r.id, f"reference:{r.id}", (), r.text(), (), True)
            for r in reference_licenses() if r.license_class in OPEN_CLASSES]


def open_sentence_examples(path: Path = OPEN_SENTENCES) -> list[Example]:
    sentences = yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]
    return [Example(sentence_features(s), frozenset()) for s in sentences]


def examples(texts: Iterable[LabelledText]) -> list[Example]:
    """One example per sentence the detector would read (headings and definitions are not read)."""
    found = []
    for text in texts:
        for sentence in split_sentences(text.text):
            if sentence.role == "heading":
                continue
            kinds = frozenset(c.kind for c in text.clauses
                              if c.first <= sentence.line_end and sentence.line_start <= c.last)
            found.append(Example(sentence_features(sentence.text, sentence.lead_in), kinds))
    return found


def train(training: Sequence[Example], regularisation: float = REGULARISATION) -> ClauseModel:
    """One model per kind with at least one positive sentence; a kind with none is left out."""
    from scipy.sparse import csr_matrix  # only `make model` and the benchmark need scikit-learn
    from sklearn.linear_model import LogisticRegression

    frequency = Counter(f for example in training for f in example.features)
    vocabulary = sorted(f for f, n in frequency.items() if n >= MIN_DOCUMENT_FREQUENCY)
    column = {f: i for i, f in enumerate(vocabulary)}
    rows, columns = [], []
    for row, example in enumerate(training):
        for f in sorted(example.features):
            if f in column:
                rows.append(row)
                columns.append(column[f])
    matrix = csr_matrix(([1.0] * len(rows), (rows, columns)), shape=(len(training), len(vocabulary)))
    kinds: dict[str, KindWeights] = {}
    for kind in KINDS:
        labels = [kind in example.kinds for example in training]
        if not any(labels):
            continue
        fitted = LogisticRegression(C=regularisation, solver="liblinear", max_iter=1000, random_state=0,
                                    class_weight={False: 1.0, True: POSITIVE_WEIGHT}).fit(matrix, labels)
        weights = {vocabulary[i]: float(w) for i, w in enumerate(fitted.coef_[0]) if abs(w) >= SMALLEST_WEIGHT}
        kinds[kind] = KindWeights(float(fitted.intercept_[0]), 0.0, weights)
    return ClauseModel(kinds)


def held_out_families(held: str, texts: Sequence[LabelledText]) -> set[str]:
    """The family under test, every family that borrows from it, and every family it borrows from."""
    families = {held}
    families.update(b for t in texts if t.family == held for b in t.borrows)
    families.update(t.family for t in texts if held in t.borrows)
    return families
