"""Data information is judged item by item, each cited to the section that covers it."""

from __future__ import annotations

from pathlib import Path

from support import statuses

PARTIAL_CARD = """# Data card

## Provenance
The corpus comes from public web pages of 2024 and from public-domain books, each named
below with its origin and the date of its snapshot.

## Composition
It holds 2 trillion tokens in 12 languages, mostly English web text and some source code
from permissively licensed repositories.
"""


def item_statuses(report: dict) -> dict[str, str]:
    data = next(r for r in report["requirements"] if r["id"] == "data-information")
    return {i["id"]: i["status"] for i in data["items"]}


def test_a_data_card_missing_items_is_partial_and_names_them(tmp_path: Path, audit_json) -> None:
    (tmp_path / "DATA_CARD.md").write_text(PARTIAL_CARD)
    (tmp_path / "LICENSE").write_text("SPDX-License-Identifier: CC-BY-4.0\n")
    report = audit_json(tmp_path)
    items = item_statuses(report)
    assert items["DI-1a"] == "covered" and items["DI-1b"] == "covered"
    assert {items[k] for k in ("DI-1c", "DI-1d", "DI-1e", "DI-2", "DI-3")} == {"not-found"}
    assert statuses(report)["data-information"] == "partial"
    data = next(r for r in report["requirements"] if r["id"] == "data-information")
    assert any("DI-3" in reason for reason in data["reasons"])
    covered = next(i for i in data["items"] if i["id"] == "DI-1a")
    assert (covered["path"], covered["line"], covered["section"]) == ("DATA_CARD.md", 3, "Provenance")


def test_a_context_length_is_not_the_size_of_the_training_data(tmp_path: Path, audit_json) -> None:
    (tmp_path / "README.md").write_text("# Model\n\n## Model specifications\n"
                                        "Context length: 8,192 tokens. 64 layers, 48 heads, 6144 wide.\n")
    assert item_statuses(audit_json(tmp_path))["DI-1b"] == "not-found"


def test_data_information_under_restrictive_terms_is_blocked(tmp_path: Path, audit_json) -> None:
    (tmp_path / "DATA_CARD.md").write_text(PARTIAL_CARD)
    (tmp_path / "LICENSE").write_text("You may use this only for non-commercial research purposes.\n")
    assert statuses(audit_json(tmp_path))["data-information"] == "blocked"
