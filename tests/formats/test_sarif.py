"""SARIF 2.1.0: every document the auditor writes is valid against the OASIS schema, and every result
points at the file and lines of its finding, relative to the release."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from support import RELEASES, ROOT

from auditor.audit import run_audit
from auditor.detectors.interface import Evidence
from auditor.evaluation.checklist import load_checklist
from auditor.findings import Finding, finding_code
from auditor.formats import FORMATS
from auditor.formats.sarif import SarifFormat
from auditor.report import Report
from auditor.sources.local import LocalFolderSource
from auditor.waivers import Waiver, apply_waivers

SARIF_SCHEMA = json.loads((ROOT / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA)  # draft-04, as the schema says
TODAY = dt.date(2025, 6, 1)
# RFC 3986 characters: a relative reference may use only these (and `%` for escapes).
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")
RELEASE_NAMES = sorted(p.name for p in RELEASES.iterdir() if p.is_dir())


def audit(name: str, checklist: str = "osaid-1.0") -> Report:
    return run_audit(LocalFolderSource(RELEASES / name), load_checklist(checklist))


def waived_llama() -> Report:
    waivers = [
        Waiver("OSAID-L001", "negotiating a licence change", "legal@example.org", dt.date(2025, 12, 31),
               ".osaid-waivers.yaml", 2),
        Waiver("training-code", "training code is being cleaned up", "ml-lead", dt.date(2025, 12, 31),
               ".osaid-waivers.yaml", 6),
        Waiver("OSAID-L003", "old waiver", "nobody", dt.date(2024, 1, 1), ".osaid-waivers.yaml", 10),
        Waiver("OSAID-X999", "misspelt", "nobody", dt.date(2025, 12, 31), "/etc/osaid-waivers.yaml", 14),
    ]
    return apply_waivers(audit("llama-style"), waivers, TODAY)


def sarif(report: Report) -> dict:
    """The rendered document, parsed and validated."""
    text = SarifFormat().render(report)
    document = json.loads(text)
    validate(document)
    return document


def validate(document: dict) -> None:
    VALIDATOR.validate(document)
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({r["ruleId"] for r in run["results"]})
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        parts = urlsplit(uri)
        assert URI_CHARS.match(uri) and not parts.scheme and not parts.netloc, uri
        assert uri and not uri.startswith("/") and ".." not in uri.split("/"), uri
        if "region" in physical:
            region = physical["region"]
            assert region["startLine"] >= 1
            assert region.get("endLine", region["startLine"]) >= region["startLine"]


CASES = [(name, checklist) for name in RELEASE_NAMES for checklist in ("osaid-1.0", "mof-1.0")]


@pytest.mark.parametrize(("name", "checklist"), CASES)
def test_every_bundled_release_gives_a_valid_deterministic_document(name: str, checklist: str) -> None:
    report = audit(name, checklist)
    document = sarif(report)
    (run,) = document["runs"]
    assert len(run["results"]) == len(report.findings)
    assert run["properties"] == {"verdict": report.verdict, "open_weights": report.open_weights,
                                 "mof_class": report.mof_class, "checklist": checklist}
    text = SarifFormat().render(report)
    assert text == SarifFormat().render(audit(name, checklist))
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_format_is_registered_and_reachable_from_the_cli(run_cli) -> None:
    assert FORMATS["sarif"] is SarifFormat
    result = run_cli(RELEASES / "llama-style", "--format", "sarif", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    validate(json.loads(result.stdout))


def test_a_licence_clause_is_located_at_its_lines() -> None:
    (run,) = sarif(audit("llama-style"))["runs"]
    (result,) = [r for r in run["results"] if r["ruleId"] == "OSAID-L001"]
    lines = (RELEASES / "llama-style" / "LICENSE").read_text(encoding="utf-8").splitlines()
    threshold = next(n for n, line in enumerate(lines, 1) if "700 million monthly active users" in line)
    sentence_start = next(n for n, line in enumerate(lines, 1) if "If, on the Llama 2 version release date" in line)
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "LICENSE"
    # The finding cites the whole sentence; the threshold is inside it.
    assert physical["region"]["startLine"] == sentence_start
    assert physical["region"]["startLine"] <= threshold <= physical["region"]["endLine"]
    assert result["level"] == "error"
    assert "700 million monthly active users" in result["message"]["text"]


def test_a_missing_component_is_located_at_the_model_card() -> None:
    (run,) = sarif(audit("llama-style"))["runs"]
    missing = [r for r in run["results"] if r["ruleId"] == "OSAID-R001"]
    assert {r["message"]["text"].split(":")[0] for r in missing} == {"data-preprocessing-code", "training-code"}
    for result in missing:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "README.md"
        assert "region" not in physical
        assert "not found" in result["message"]["text"]


def test_findings_about_a_release_with_no_card_point_at_readme() -> None:
    report = audit("empty")
    assert report.findings and all(f.path == "" for f in report.findings)
    (run,) = sarif(report)["runs"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {"README.md"}


def test_findings_with_no_path_point_at_the_model_card_when_there_is_one() -> None:
    report = audit("open-release")
    card = next(c for c in report.components if c.id == "model-card")
    moved = replace(card, evidence=(Evidence("model-card", "documents", "model card", path="docs/MODEL CARD.md"),))
    report = replace(report, components=tuple(moved if c is card else c for c in report.components),
                     findings=(Finding("", "OSAID-R001", "data-card: not found"),))
    (run,) = sarif(report)["runs"]
    (result,) = run["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/MODEL%20CARD.md"


@pytest.mark.parametrize(("path", "uri"), [
    ("weights/my model #1.safetensors", "weights/my%20model%20%231.safetensors"),
    ("a:b/c%d.txt", "a%3Ab/c%25d.txt"),
    ("modèle/README.md", "mod%C3%A8le/README.md"),
    ("bad\udcffname\x1b.txt", "bad%FFname%1B.txt"),
])
def test_paths_become_relative_uri_references(path: str, uri: str) -> None:
    report = replace(audit("open-release"),
                     findings=(Finding(path, "OSAID-A005", "unusual name", line=3, line_end=3),))
    (run,) = sarif(report)["runs"]
    physical = run["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == uri
    assert unquote(uri, errors="surrogateescape") == path
    assert physical["region"] == {"startLine": 3, "endLine": 3}
    assert "\x1b" not in run["results"][0]["message"]["text"]


def test_line_zero_or_absent_gives_no_region() -> None:
    report = replace(audit("open-release"), findings=(
        Finding("config.json", "OSAID-A012", "bad json", line=0),
        Finding("config.json", "OSAID-A012", "bad json again"),
    ))
    (run,) = sarif(report)["runs"]
    assert all("region" not in r["locations"][0]["physicalLocation"] for r in run["results"])


def test_rules_carry_the_finding_documentation_and_level() -> None:
    (run,) = sarif(audit("llama-style"))["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"OSAID-L001", "OSAID-L003", "OSAID-L004", "OSAID-L006", "OSAID-L008",
                          "OSAID-R001", "OSAID-R002", "OSAID-R005"}
    for code, rule in rules.items():
        entry = finding_code(code)
        assert rule["name"] == entry.name
        assert rule["shortDescription"]["text"] == entry.summary
        assert rule["fullDescription"]["text"] == entry.explanation
        assert rule["help"]["text"].startswith(entry.explanation)
        assert f"audit explain {code}" in rule["help"]["text"]
        assert f"`audit explain {code}`" in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == entry.level
    assert rules["OSAID-L001"]["properties"]["tags"] == ["osaid", "licence"]
    assert rules["OSAID-R001"]["properties"]["tags"] == ["osaid", "requirement"]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["OSAID-R005"] == "warning" and levels["OSAID-R002"] == "error"
    assert all(r["level"] == rules[r["ruleId"]]["defaultConfiguration"]["level"] for r in run["results"])
    driver = run["tool"]["driver"]
    assert driver["name"] == "osaid-audit" and driver["version"] and driver["informationUri"].startswith("https://")


def test_waived_findings_are_suppressed_with_the_waiver_text() -> None:
    report = waived_llama()
    (run,) = sarif(report)["runs"]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["OSAID-L001"]
    (suppression,) = suppressed[0]["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["justification"].startswith("negotiating a licence change (approved by legal@example.org")
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["OSAID-W001"]["properties"]["tags"] == ["osaid", "waiver"]
    (expired,) = [r for r in run["results"] if r["ruleId"] == "OSAID-W001"]
    physical = expired["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == ".osaid-waivers.yaml" and physical["region"]["startLine"] == 10
    # A waivers file outside the release is never given as an absolute URI.
    (unused,) = [r for r in run["results"] if r["ruleId"] == "OSAID-W002"]
    assert unused["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "README.md"
    assert unused["properties"]["path"] == "/etc/osaid-waivers.yaml"


def test_fingerprints_are_stable_and_tell_findings_apart() -> None:
    first = sarif(audit("split-license"))["runs"][0]["results"]
    again = sarif(audit("split-license"))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["osaidFinding/v1"] for r in first]
    assert prints == [r["partialFingerprints"]["osaidFinding/v1"] for r in again]
    assert len(set(prints)) == len(prints)
    assert all(re.fullmatch(r"[0-9a-f]{64}", p) for p in prints)


def test_no_timestamps_or_local_paths() -> None:
    text = SarifFormat().render(audit("llama-style"))
    assert str(ROOT) not in text and "Time" not in text
