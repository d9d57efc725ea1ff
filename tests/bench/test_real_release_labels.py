"""The expectations of bench/real_releases*.yaml, checked without any mirror: each release names a
commit and the seven requirements of the osaid-1.0 checklist with statuses a report can have, and
the verdict follows from them the way the checklist decides it, except where reviewers allow a
status that would change it (then the verdict is the OSI's, or the labeller's call, stated in
`reason`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETS = [ROOT / "bench" / "real_releases.yaml", ROOT / "bench" / "real_releases_heldout.yaml"]
ENTRIES = [entry for path in SETS for entry in yaml.safe_load(path.read_text(encoding="utf-8"))]
STATUSES = {"satisfied", "referenced", "partial", "missing", "blocked"}
PASSING = {"satisfied", "referenced"}
CHECKLIST = yaml.safe_load((ROOT / "checklists" / "osaid-1.0.yaml").read_text(encoding="utf-8"))
REQUIREMENTS = [r["id"] for r in CHECKLIST["requirements"]]


def test_at_least_forty_releases_with_unique_ids() -> None:
    ids = [e["id"] for e in ENTRIES]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_each_release_is_labelled_per_requirement(entry: dict) -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"])
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", entry["repo"])
    assert list(entry["expect"]) == REQUIREMENTS
    for expected in entry["expect"].values():
        assert set(expected) == {"status", "why", "where"}  # an unquoted comma would make a new key
        assert expected["status"] and set(expected["status"]) <= STATUSES
        assert len(expected["status"]) <= 2 and expected["why"]
    assert entry["verdict"] in ("open-source-ai", "not-open-source-ai") and entry["reason"]
    can_pass = all(set(e["status"]) & PASSING for e in entry["expect"].values())
    must_pass = all(set(e["status"]) <= PASSING for e in entry["expect"].values())
    if entry["verdict"] == "open-source-ai":
        assert can_pass
    else:
        assert not must_pass


def test_the_osi_validation_verdicts_are_osis() -> None:
    osi = {e["id"]: (e["osi_validation"], e["verdict"]) for e in ENTRIES if e.get("osi_validation")}
    assert {"pythia", "olmo", "amber", "crystalcoder", "t5", "llama2", "mixtral", "grok1"} <= set(osi)
    for verdict_of_osi, verdict in osi.values():
        assert verdict == ("open-source-ai" if verdict_of_osi == "pass" else "not-open-source-ai")
