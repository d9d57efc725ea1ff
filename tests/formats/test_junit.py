"""JUnit XML: one test case per requirement; failures follow the gate, waivers and optional
requirements are skipped, and the document parses."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from support import RELEASES

from auditor.audit import run_audit
from auditor.evaluation.checklist import load_checklist
from auditor.formats.junit import JunitFormat
from auditor.gate import FAIL_ON_LEVELS, failing_requirements, failing_statuses
from auditor.report import Reason, Report
from auditor.sources.local import LocalFolderSource
from auditor.waivers import Waiver, apply_waivers

RELEASE_NAMES = sorted(p.name for p in RELEASES.iterdir() if p.is_dir())


def audit(name: str, checklist: str = "osaid-1.0") -> Report:
    return run_audit(LocalFolderSource(RELEASES / name), load_checklist(checklist))


def parse(report: Report, fail_on: str = "missing") -> ET.Element:
    text = JunitFormat(fail_on=fail_on).render(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("name") == "osaid-audit"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(sum(c.find("failure") is not None for c in cases))
        assert element.get("skipped") == str(sum(c.find("skipped") is not None for c in cases))
        assert element.get("errors") == "0"
    for case in cases:
        assert case.find("system-out") is not None
        assert not (case.find("failure") is not None and case.find("skipped") is not None)
    return root


def outcomes(root: ET.Element) -> dict[str, str]:
    """requirement id -> failure type, "skipped: <message>", or "passed"."""
    out = {}
    for case in root.iter("testcase"):
        failure, skipped = case.find("failure"), case.find("skipped")
        if failure is not None:
            out[case.get("name")] = failure.get("type")
        elif skipped is not None:
            out[case.get("name")] = f"skipped: {skipped.get('message')}"
        else:
            out[case.get("name")] = "passed"
    return out


@pytest.mark.parametrize("fail_on", FAIL_ON_LEVELS)
@pytest.mark.parametrize("checklist", ["osaid-1.0", "mof-1.0"])
@pytest.mark.parametrize("name", RELEASE_NAMES)
def test_counts_match_and_failures_are_the_gate(name: str, checklist: str, fail_on: str) -> None:
    report = audit(name, checklist)
    root = parse(report, fail_on)
    (suite,) = root
    assert suite.get("name") == checklist
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [r.id for r in report.requirements]
    assert [c.get("classname") for c in cases] == [f"osaid.{r.group}" for r in report.requirements]
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == failing_requirements(report, fail_on)  # type: ignore[arg-type]
    assert JunitFormat(fail_on=fail_on).render(report) == JunitFormat(fail_on=fail_on).render(audit(name, checklist))


def test_llama_style_fails_every_blocked_or_missing_requirement() -> None:
    root = parse(audit("llama-style"), "missing")
    assert outcomes(root) == {
        "data-information": "blocked", "data-preprocessing-code": "missing", "training-code": "missing",
        "inference-code": "blocked", "supporting-libraries": "blocked", "model-architecture": "blocked",
        "model-parameters": "blocked",
    }
    case = next(c for c in root.iter("testcase") if c.get("name") == "model-parameters")
    failure = case.find("failure")
    assert failure.get("message") == "blocked: Model parameters"
    assert "OSAID-R002: restricted by Llama 2 Community License Agreement" in failure.text
    assert "remediation: Release the weights" in failure.text
    out = case.find("system-out").text
    assert "model-00001-of-00002.safetensors: safetensors" in out and "licence: " in out


def test_fail_on_blocked_passes_missing_requirements() -> None:
    found = outcomes(parse(audit("llama-style"), "blocked"))
    assert found["training-code"] == "passed" and found["model-parameters"] == "blocked"


def test_fail_on_partial_fails_partial_requirements_that_missing_lets_pass() -> None:
    report = audit("grok-style", "mof-1.0")
    assert next(r for r in report.requirements if r.id == "model-card").status == "partial"
    on_missing = outcomes(parse(report, "missing"))
    on_partial = outcomes(parse(report, "partial"))
    assert on_missing["model-card"] == "passed" and on_partial["model-card"] == "partial"
    assert {k for k in on_partial if on_partial[k] != on_missing[k]} == {"model-card"}
    assert parse(report, "never").get("failures") == "0"


def test_waived_requirements_are_skipped_with_the_waiver() -> None:
    waiver = Waiver("training-code", "cleaning it up", "ml-lead", dt.date(2030, 1, 1), ".osaid-waivers.yaml", 2)
    root = parse(apply_waivers(audit("llama-style"), [waiver], dt.date(2025, 6, 1)), "missing")
    found = outcomes(root)
    assert found["training-code"] == "skipped: waived: cleaning it up (approved by ml-lead, until 2030-01-01)"
    assert found["data-preprocessing-code"] == "missing"
    assert root.get("failures") == "6" and root.get("skipped") == "1"


def test_optional_requirements_that_are_not_satisfied_are_skipped() -> None:
    found = outcomes(parse(audit("llama-style", "mof-1.0"), "missing"))
    assert found["sample-outputs"] == "skipped: optional: blocked"
    assert found["model-metadata"] == "skipped: optional: missing"
    assert outcomes(parse(audit("open-release", "mof-1.0")))["sample-outputs"] == "passed"


def test_open_release_has_no_failures() -> None:
    for fail_on in FAIL_ON_LEVELS:
        root = parse(audit("open-release"), fail_on)
        assert root.get("failures") == "0" and root.get("skipped") == "0" and root.get("tests") == "7"


def test_properties_record_the_verdict_and_gate() -> None:
    root = parse(audit("llama-style"), "partial")
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["verdict"] == "not-open-source-ai" and properties["fail_on"] == "partial"
    assert properties["checklist"] == "osaid-1.0" and properties["open_weights"] == "true"


def test_text_from_the_release_cannot_break_the_xml() -> None:
    report = audit("llama-style")
    evil = replace(report.requirements[1], reasons=(Reason("OSAID-R001", "bad \x00\x1b[31m name ]]> <x>&"),))
    report = replace(report, requirements=(report.requirements[0], evil, *report.requirements[2:]))
    root = parse(report)
    case = next(c for c in root.iter("testcase") if c.get("name") == evil.id)
    assert "\\x1b[31m name ]]> <x>&" in case.find("failure").text
    assert "\x1b" not in case.find("system-out").text


def test_unknown_fail_on_is_refused() -> None:
    assert failing_statuses("missing") == frozenset({"blocked", "missing"})
    with pytest.raises(ValueError, match="unknown fail-on level"):
        JunitFormat(fail_on="sometimes")
