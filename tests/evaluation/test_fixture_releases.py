"""The bundled example releases get the statuses a careful reviewer would give them."""

from __future__ import annotations

import pytest
from support import RELEASES, statuses

EXPECTED = {
    "open-release": {
        "verdict": "open-source-ai",
        "statuses": dict.fromkeys(["data-information", "data-preprocessing-code", "training-code",
                                   "inference-code", "supporting-libraries", "model-architecture",
                                   "model-parameters"], "satisfied"),
    },
    "llama-style": {
        "verdict": "not-open-source-ai",
        "statuses": {"data-information": "blocked", "data-preprocessing-code": "missing",
                     "training-code": "missing", "inference-code": "blocked",
                     "supporting-libraries": "blocked", "model-architecture": "blocked",
                     "model-parameters": "blocked"},
    },
    "grok-style": {
        "verdict": "not-open-source-ai",
        "statuses": {"data-information": "missing", "data-preprocessing-code": "missing",
                     "training-code": "missing", "inference-code": "satisfied",
                     "supporting-libraries": "satisfied", "model-architecture": "satisfied",
                     "model-parameters": "satisfied"},
    },
    "split-license": {
        "verdict": "not-open-source-ai",
        "statuses": {"data-information": "missing", "data-preprocessing-code": "satisfied",
                     "training-code": "satisfied", "inference-code": "satisfied",
                     "supporting-libraries": "satisfied", "model-architecture": "satisfied",
                     "model-parameters": "blocked"},
    },
    "empty": {
        "verdict": "not-open-source-ai",
        "statuses": dict.fromkeys(["data-information", "data-preprocessing-code", "training-code",
                                   "inference-code", "supporting-libraries", "model-architecture",
                                   "model-parameters"], "missing"),
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_release_statuses(name: str, audit_json) -> None:
    report = audit_json(RELEASES / name)
    assert statuses(report) == EXPECTED[name]["statuses"]
    assert report["verdict"] == EXPECTED[name]["verdict"]


def test_open_release_reaches_mof_class_one_and_open_weights(audit_json) -> None:
    report = audit_json(RELEASES / "open-release")
    assert report["open_weights"] is True
    assert report["mof_class"] == "I"


def test_open_release_data_information_cites_each_item(audit_json) -> None:
    report = audit_json(RELEASES / "open-release")
    data = next(r for r in report["requirements"] if r["id"] == "data-information")
    assert [i["id"] for i in data["items"]] == ["DI-1a", "DI-1b", "DI-1c", "DI-1d", "DI-1e", "DI-2", "DI-3"]
    for item in data["items"]:
        assert item["status"] == "covered"
        assert item["path"] == "DATA_CARD.md" and item["line"] and item["section"]


def test_llama_style_parameters_blocked_citing_the_user_threshold(audit_json) -> None:
    report = audit_json(RELEASES / "llama-style")
    assert report["open_weights"] is True and report["mof_class"] == "none"
    params = next(r for r in report["requirements"] if r["id"] == "model-parameters")
    assert params["license"]["class"] == "restricted"
    llama = next(d for d in report["licenses"] if d["path"] == "LICENSE")
    kinds = {r["kind"] for r in llama["restrictions"]}
    assert {"user-threshold", "field-of-use", "no-improving-other-models"} <= kinds
    threshold = next(r for r in llama["restrictions"] if r["kind"] == "user-threshold")
    lines = (RELEASES / "llama-style" / "LICENSE").read_text().splitlines()
    cited = " ".join(lines[threshold["line_start"] - 1:threshold["line_end"]])
    assert "700 million monthly active users" in " ".join(cited.split())
    codes = {f["code"] for f in report["findings"]}
    assert {"OSAID-L001", "OSAID-R002", "OSAID-R001"} <= codes
    assert any(f"user-threshold (line {threshold['line_start']})" in reason for reason in params["reasons"])


def test_split_license_resolves_per_component(audit_json) -> None:
    report = audit_json(RELEASES / "split-license")
    by_id = {r["id"]: r for r in report["requirements"]}
    assert by_id["training-code"]["license"]["label"] == "MIT"
    assert [s["path"] for s in by_id["model-parameters"]["license"]["sources"]] == ["LICENSE-MODEL"]


def test_mof_checklist_reports_class_and_seventeen_components(audit_json) -> None:
    report = audit_json(RELEASES / "open-release", "--checklist", "mof-1.0")
    assert len(report["requirements"]) == 17
    assert report["verdict"] == "mof-class-i"
    grok = audit_json(RELEASES / "grok-style", "--checklist", "mof-1.0")
    assert grok["verdict"] == "mof-class-none"
    assert statuses(grok)["model-parameters"] == "satisfied"
