"""Accuracy of licence identification and clause analysis.

Prints, per restrictive clause kind, precision and recall over the labelled texts in
bench/license_labels.yaml (or --labels), and the number of restriction findings (all false positives) over
every open reference text (OSI-approved, FSF-libre, open data and content licences).

    .venv/bin/python bench/license_accuracy.py [--shared ../shared] [--labels FILE]
"""

from __future__ import annotations

import argparse
import importlib.resources
import sys
from collections import Counter
from pathlib import Path

import yaml

from auditor.licenses.analysis import analyse_license_text
from auditor.licenses.clauses import find_restrictions
from auditor.licenses.reference_texts import reference_licenses

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("user-threshold", "revenue-threshold", "field-of-use", "no-improving-other-models", "non-commercial",
         "permission-required", "remote-restriction", "downstream-restrictions", "naming")


def _text(name: str, shared: Path) -> str | None:
    if name.startswith("corpus:"):
        path = shared / "corpus" / "licenses" / name[len("corpus:"):]
    elif name.startswith("licensedb:"):
        path = importlib.resources.files("licensedcode") / "data" / "licenses" / f"{name[len('licensedb:'):]}.LICENSE"
    else:
        path = ROOT / name
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if name.startswith("licensedb:") and text.startswith("---\n"):
        text = text[text.find("\n---", 4) + 4:]
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--labels", type=Path, default=ROOT / "bench" / "license_labels.yaml",
                        help="ground truth; bench/license_heldout_labels.yaml holds texts the patterns never saw")
    args = parser.parse_args()
    labels = yaml.safe_load(args.labels.read_text())
    counts: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    print("| text | identified as | match | kinds found | expected |")
    print("|---|---|---:|---|---|")
    for name, expected in sorted(labels.items()):
        text = _text(name, args.shared)
        if text is None:
            print(f"| {name} | (missing) | | | |")
            continue
        analysis = analyse_license_text(text)
        found = {r.kind for r in find_restrictions(text)} if expected is not None else set()
        match = f"{analysis.match:.3f}" if analysis.match is not None else "-"
        kinds = ", ".join(sorted({r.kind for r in find_restrictions(text)}))
        print(f"| {name} | {analysis.id or '-'} [{analysis.license_class}] | {match} | {kinds} | "
              f"{', '.join(sorted(expected)) if expected is not None else '(unlabelled)'} |")
        if expected is None:
            continue
        for kind in KINDS:
            if kind in found and kind in expected:
                counts[kind]["tp"] += 1
            elif kind in found:
                counts[kind]["fp"] += 1
            elif kind in expected:
                counts[kind]["fn"] += 1
    print()
    print("| kind | TP | FP | FN | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        c = counts[kind]
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
        print(f"| {kind} | {c['tp']} | {c['fp']} | {c['fn']} | {precision:.2f} | {recall:.2f} |")
    open_texts = [r for r in reference_licenses() if r.license_class in ("osi-approved", "open-data", "open-content")]
    false_positives = sum(len(find_restrictions(r.text())) for r in open_texts)
    misidentified = sum(1 for r in open_texts if analyse_license_text(r.text()).id != r.id)
    print()
    print(f"open reference texts: {len(open_texts)}; restriction findings in them (false positives): "
          f"{false_positives}; identified as another licence: {misidentified}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
