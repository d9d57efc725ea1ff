"""Clause analysis on real model licences it has never learnt from: leave-one-licence-out.

    .venv/bin/python bench/model_licence_accuracy.py [--labels FILE] [--cache DIR] [--jobs N]

Needs scikit-learn (`pip install -e '.[model]'`, as `make model` does) and the corpus exported by
bench/model_licence_corpus.py. For each licence family of bench/model_licence_labels.yaml, a clause
model is trained on every other family (never on the family under test, on a family derived from
it or on one it derives from) and the open reference texts; the texts of the family are then
analysed as `audit license` would, rules and that model together. Printed:

- per kind, over (file, kind) pairs: a kind found in a file where the labels have it, or not;
- per kind, over clauses: a labelled clause is found when a finding of its kind overlaps its
  lines, and a finding is right when it overlaps a labelled clause of its kind; findings on lines
  the labels call not operative (definitions, headings, permissions) are counted too;
- restricted texts classed open, and open texts with any finding;
- findings in the open reference texts, by the shipped model (which learnt from them) and by
  five models each trained without a fifth of them (an honest count);
- the held-out sets of licences written for the purpose (bench/license_heldout*_labels.yaml),
  which no model or rule was ever tuned on, analysed with the shipped model.

Prints one `skipped:` line and exits 0 when the corpus is not in the cache.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clause_training import (  # noqa: E402
    CACHE,
    KINDS,
    LABELS,
    Clause,
    Example,
    LabelledText,
    corpus_texts,
    examples,
    held_out_families,
    open_reference_texts,
    open_sentence_examples,
    train,
)

from auditor.licenses.analysis import OPEN_CLASSES, analyse_license_text  # noqa: E402
from auditor.licenses.clause_model import ClauseModel, shipped_model  # noqa: E402
from auditor.licenses.clauses import find_restrictions  # noqa: E402
from auditor.licenses.interface import Restriction  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT_SETS = ("license_heldout_labels.yaml", "license_heldout2_labels.yaml", "license_heldout3_labels.yaml",
                 "license_heldout4_labels.yaml")
FOLDS = 5


@dataclass(frozen=True)
class Outcome:
    """What the detector said about one labelled text."""

    text: LabelledText
    license_class: str
    restrictions: tuple[Restriction, ...]
    not_operative: tuple[tuple[int, int], ...]


class Tally:
    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[kind][outcome] += n

    def row(self, kind: str | None) -> tuple[int, int, int]:
        counters = [self.counts[kind]] if kind else list(self.counts.values())
        return tuple(sum(c[o] for c in counters) for o in ("tp", "fp", "fn"))  # type: ignore[return-value]


def _overlaps(first: int, last: int, other_first: int, other_last: int) -> bool:
    return first <= other_last and other_first <= last


def score(outcomes: Iterable[Outcome]) -> tuple[Tally, Tally, int]:
    """(file-and-kind tally, clause tally, findings on not-operative lines)."""
    by_file, by_clause, on_not_operative = Tally(), Tally(), 0
    for outcome in outcomes:
        truth = {c.kind for c in outcome.text.clauses}
        found = {r.kind for r in outcome.restrictions}
        for kind in truth | found:
            by_file.add(kind, "tp" if kind in truth and kind in found else "fp" if kind in found else "fn")
        for clause in outcome.text.clauses:
            hit = any(r.kind == clause.kind and _overlaps(r.line_start, r.line_end, clause.first, clause.last)
                      for r in outcome.restrictions)
            by_clause.add(clause.kind, "tp" if hit else "fn")
        for r in outcome.restrictions:
            if not any(c.kind == r.kind and _overlaps(r.line_start, r.line_end, c.first, c.last)
                       for c in outcome.text.clauses):
                by_clause.add(r.kind, "fp")
            on_not_operative += any(_overlaps(r.line_start, r.line_end, a, b) for a, b in outcome.not_operative)
    return by_file, by_clause, on_not_operative


def analyse(text: LabelledText, model: ClauseModel, not_operative: tuple[tuple[int, int], ...] = ()) -> Outcome:
    analysis = analyse_license_text(text.text, model=model)
    return Outcome(text, analysis.license_class, analysis.restrictions, not_operative)


def _leave_one_out(job: tuple[str, list[LabelledText], list[Example], dict[str, tuple]]) -> list[Outcome]:
    held, texts, reference_examples, not_operative = job
    excluded = held_out_families(held, texts)
    model = train(examples(t for t in texts if t.family not in excluded) + reference_examples)
    return [analyse(t, model, not_operative[t.id]) for t in texts if t.family == held]


def _open_fold(job: tuple[int, list[LabelledText], list[LabelledText]]) -> int:
    fold, texts, references = job
    trained = (examples(texts) + open_sentence_examples()
               + examples(r for i, r in enumerate(references) if i % FOLDS != fold))
    model = train(trained)
    return sum(len(find_restrictions(r.text, model=model)) for i, r in enumerate(references) if i % FOLDS == fold)


def _not_operative(labels: Path) -> dict[str, tuple[tuple[int, int], ...]]:
    entries = yaml.safe_load(labels.read_text(encoding="utf-8"))["texts"]
    return {e["id"]: tuple((n["lines"][0], n["lines"][1]) for n in e.get("not_operative") or ()) for e in entries}


def _print_table(title: str, tally: Tally) -> None:
    print(f"\n{title}\n")
    print("| kind | found | wrong | missed | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in (*KINDS, None):
        tp, fp, fn = tally.row(kind)
        if tp + fp + fn == 0:
            continue
        precision = f"{tp / (tp + fp):.1%}" if tp + fp else "-"
        recall = f"{tp / (tp + fn):.1%}" if tp + fn else "-"
        name = kind or "**all**"
        print(f"| {name} | {tp} | {fp} | {fn} | {precision} | {recall} |")


def _held_out_sets(model: ClauseModel) -> tuple[Tally, Tally]:
    """Over the written held-out sets: a file-and-kind tally (labels are kinds per file, or
    clauses), and a clause tally over the sets labelled by line."""
    by_file, line_labelled = Tally(), []
    for name in HELD_OUT_SETS:
        path = ROOT / "bench" / name
        if not path.is_file():
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = raw["texts"] if isinstance(raw, dict) and "texts" in raw else [
            {"path": p, "kinds": kinds} for p, kinds in raw.items()]
        for entry in entries:
            truth = set(entry.get("kinds") or ()) | {c["kind"] for c in entry.get("clauses") or ()}
            text = (ROOT / entry["path"]).read_text(encoding="utf-8")
            found = analyse_license_text(text, model=model).restrictions
            found_kinds = {r.kind for r in found}
            for kind in truth | found_kinds:
                by_file.add(kind, "fn" if kind not in found_kinds else "tp" if kind in truth else "fp")
            if "clauses" in entry:
                clauses = tuple(Clause(c["kind"], c["lines"][0], c["lines"][1]) for c in entry["clauses"] or ())
                labelled = LabelledText(entry["id"], entry["family"], (), text, clauses, bool(entry["open"]))
                line_labelled.append(Outcome(labelled, "", found, ()))
    return by_file, score(line_labelled)[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    texts, absent = corpus_texts(args.labels, args.cache)
    if not texts:
        print(f"skipped: no corpus text in {args.cache} (run bench/model_licence_corpus.py)")
        return 0
    references = open_reference_texts()
    reference_examples = examples(references) + open_sentence_examples()
    not_operative = _not_operative(args.labels)
    families = sorted({t.family for t in texts})
    with ProcessPoolExecutor(args.jobs) as pool:
        outcomes = [o for batch in pool.map(_leave_one_out, [(f, texts, reference_examples, not_operative)
                                                             for f in families]) for o in batch]
        fold_findings = sum(pool.map(_open_fold, [(fold, texts, references) for fold in range(FOLDS)]))
    by_file, by_clause, on_not_operative = score(outcomes)
    print(f"{len(texts)} labelled texts in {len(families)} families"
          + (f" ({len(absent)} not in the cache: {', '.join(absent)})" if absent else ""))
    _print_table("Leave-one-licence-out, per file and kind:", by_file)
    _print_table("Leave-one-licence-out, per clause (line ranges overlap):", by_clause)
    classed_open = [o.text.id for o in outcomes if not o.text.is_open and o.license_class in OPEN_CLASSES]
    open_flagged = [o.text.id for o in outcomes if o.text.is_open and o.restrictions]
    print(f"\nfindings on lines labelled not operative: {on_not_operative}")
    print(f"restricted texts classed open: {len(classed_open)} {' '.join(classed_open)}".rstrip())
    print(f"open texts with a finding: {len(open_flagged)} {' '.join(open_flagged)}".rstrip())
    shipped = shipped_model()
    shipped_findings = sum(len(find_restrictions(r.text, model=shipped)) for r in references)
    print(f"open reference texts: {len(references)}; findings by the shipped model: {shipped_findings}; "
          f"by models that never saw the text ({FOLDS} folds): {fold_findings}")
    held_by_file, held_by_clause = _held_out_sets(shipped)
    _print_table("Held-out written licences (never tuned on), shipped model, per file and kind:", held_by_file)
    _print_table("The same, per clause (set 4, labelled by line):", held_by_clause)
    for o in outcomes:
        truth = {c.kind for c in o.text.clauses}
        found = {r.kind for r in o.restrictions}
        if truth != found:
            print(f"  {o.text.id}: missed {sorted(truth - found)} extra {sorted(found - truth)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
