"""Trains the clause model on the whole labelled corpus and writes auditor/data/clause_model.json.

    .venv/bin/python bench/train_clause_model.py [--labels FILE] [--cache DIR] [--output FILE]

`make model` runs this after installing scikit-learn (the `model` extra) and exporting the corpus
(bench/model_licence_corpus.py). The same labels, cache and package versions write the same bytes.
Refuses (exit 2) when a labelled text is missing from the cache: a model trained on part of the
corpus must not replace the shipped one unnoticed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clause_training import (  # noqa: E402
    CACHE,
    LABELS,
    corpus_texts,
    examples,
    open_reference_texts,
    open_sentence_examples,
    train,
)

from auditor.licenses.clause_model import MODEL_FILE  # noqa: E402

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "auditor" / "data" / MODEL_FILE


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    texts, absent = corpus_texts(args.labels, args.cache)
    if absent:
        print(f"train_clause_model: {len(absent)} labelled texts are not in {args.cache} "
              f"(run bench/model_licence_corpus.py): {', '.join(absent)}", file=sys.stderr)
        return 2
    model = train(examples(texts) + examples(open_reference_texts()) + open_sentence_examples())
    args.output.write_text(model.to_json(), encoding="utf-8")
    weights = sum(len(k.weights) for k in model.kinds.values())
    print(f"wrote {args.output}: {len(model.kinds)} kinds, {weights} weights, "
          f"{args.output.stat().st_size // 1024} KiB, from {len(texts)} labelled texts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
