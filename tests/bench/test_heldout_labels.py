"""The held-out licences written for the clause benchmark (bench/license_heldout4_labels.yaml).

They are the figures nobody tuned on, so their labels must be right on their own: every text
exists, every labelled range lies inside it, kinds are the analysis's nine, and open texts carry
no clause.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "bench" / "license_heldout4_labels.yaml"
ENTRIES = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["texts"]
KINDS = set(yaml.safe_load((ROOT / "auditor" / "data" / "restrictive_clauses.yaml").read_text(encoding="utf-8")))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_labels_point_inside_their_text(entry: dict) -> None:
    text = (ROOT / entry["path"]).read_text(encoding="utf-8")
    last_line = len(text.split("\n"))
    ranges = [c["lines"] for c in entry.get("clauses") or ()] + [n["lines"] for n in entry.get("not_operative") or ()]
    assert all(1 <= first <= last <= last_line for first, last in ranges)
    assert {c["kind"] for c in entry.get("clauses") or ()} <= KINDS
    assert bool(entry["open"]) == (not entry.get("clauses"))


def test_the_set_has_open_controls_and_every_kind() -> None:
    assert sum(1 for e in ENTRIES if e["open"]) >= 4
    assert {c["kind"] for e in ENTRIES for c in e.get("clauses") or ()} == KINDS
