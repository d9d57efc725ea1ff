"""Waivers let a known gap pass the gate until its expiry date, and not a day after."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from support import RELEASES

from auditor.audit import run_audit
from auditor.evaluation.checklist import load_checklist
from auditor.gate import failing_requirements
from auditor.sources.local import LocalFolderSource
from auditor.waivers import BadWaiversError, load_waivers

WAIVERS = """waivers:
  - id: training-code
    reason: training code is being cleaned up for release
    approved_by: release-board@example.org
    expires: 2026-12-31
  - id: data-preprocessing-code
    reason: published with the next release
    approved_by: release-board@example.org
    expires: 2026-12-31
  - id: OSAID-R005
    reason: data card review in progress
    approved_by: legal@example.org
    expires: 2026-12-31
  - id: inference-code
    reason: was missing last quarter
    approved_by: release-board@example.org
    expires: 2026-01-01
"""


def audit(path: Path, today: dt.date, text: str = WAIVERS):
    return run_audit(LocalFolderSource(path), load_checklist("osaid-1.0"),
                     waivers=load_waivers(text, ".osaid-waivers.yaml"), today=today)


@pytest.mark.parametrize(("today", "passes"), [(dt.date(2026, 12, 31), True), (dt.date(2027, 1, 1), False)])
def test_a_waiver_lasts_until_its_expiry_date(today: dt.date, passes: bool) -> None:
    report = audit(RELEASES / "grok-style", today)  # grok-style misses training and preprocessing code
    gate = failing_requirements(report, "missing")
    by_id = {r.id: r for r in report.requirements}
    assert by_id["training-code"].status == "missing"  # a waived gap stays in the report
    if passes:
        assert by_id["training-code"].waiver.startswith("training code is being cleaned up")
        assert "training-code" not in gate and "data-preprocessing-code" not in gate
    else:
        assert by_id["training-code"].waiver is None and "training-code" in gate


def test_expired_and_unused_waivers_are_reported() -> None:
    report = audit(RELEASES / "open-release", dt.date(2026, 12, 1))
    status = {w.id: w.status for w in report.waivers}
    assert status == {"training-code": "unused", "data-preprocessing-code": "unused", "OSAID-R005": "unused",
                      "inference-code": "expired"}
    codes = sorted((f.code, f.line) for f in report.findings if f.code.startswith("OSAID-W"))
    assert codes == [("OSAID-W001", 14), ("OSAID-W002", 2), ("OSAID-W002", 6), ("OSAID-W002", 10)]


def test_waived_findings_stay_marked() -> None:
    report = audit(RELEASES / "llama-style", dt.date(2026, 12, 1),
                   "waivers:\n  - id: OSAID-L001\n    reason: negotiating with Meta\n"
                   "    approved_by: legal\n    expires: 2026-12-31\n")
    waived = [f for f in report.findings if f.code == "OSAID-L001"]
    assert waived and all(f.waiver.startswith("negotiating with Meta") for f in waived)


def test_default_waivers_file_in_the_release(tmp_path: Path, run_cli) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "grok-style", release)
    (release / ".osaid-waivers.yaml").write_text(WAIVERS.replace("2026-12-31", "2999-12-31"))
    result = run_cli(release, "--fail-on", "missing")
    assert "training-code" not in result.stderr and "data-information" in result.stderr
    report = run_cli(release, "--format", "json", "--fail-on", "never").json()
    assert {w["id"]: w["status"] for w in report["waivers"]}["training-code"] == "active"


@pytest.mark.parametrize(("text", "message"), [
    ("waivers:\n  - id: training-code\n    reason: x\n    approved_by: y\n", "expires"),
    ("waivers:\n  - id: Training Code\n    reason: x\n    approved_by: y\n    expires: 2026-01-01\n", "waivers/0/id"),
    ("waivers:\n  - id: training-code\n    reason: x\n    approved_by: y\n    expires: 2026-02-30\n",
     "is not a 'date'"),
    ("waivers: [unclosed\n", "waivers"),
    ("a: &x [1]\nb: *x\n", "aliases"),
])
def test_bad_waivers_are_refused(text: str, message: str) -> None:
    with pytest.raises(BadWaiversError, match=message):
        load_waivers(text, "w.yaml")


def test_bad_waivers_file_is_exit_2(tmp_path: Path, run_cli) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text("waivers: 3\n")
    result = run_cli(RELEASES / "empty", "--waivers", bad)
    assert result.exit_code == 2 and "w.yaml" in result.stderr and result.stderr.count("\n") == 1


def _waive_everything(release: Path) -> None:
    """A release that excuses its own every gap, as an attacker (or a hurried producer) would."""
    from auditor.evaluation.checklist import load_checklist as load

    entries = "".join(f"  - id: {r.id}\n    reason: later\n    approved_by: the producer\n    expires: 2999-12-31\n"
                      for r in load("osaid-1.0").requirements)
    (release / ".osaid-waivers.yaml").write_text("waivers:\n" + entries)


def test_the_gate_says_when_it_passes_only_because_of_the_releases_own_waivers(tmp_path: Path, run_cli) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "empty", release)
    _waive_everything(release)
    result = run_cli(release, "--fail-on", "missing")
    assert result.exit_code == 0
    assert "gate passes only because of waivers" in result.stderr
    assert "training-code (the release's own .osaid-waivers.yaml, approved by the producer)" in result.stderr
    report = run_cli(release, "--format", "json").json()
    assert {w["origin"] for w in report["waivers"]} == {"release"}


def test_no_release_waivers_ignores_the_releases_own(tmp_path: Path, run_cli, monkeypatch) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "empty", release)
    _waive_everything(release)
    result = run_cli(release, "--no-release-waivers", "--format", "json")
    assert result.exit_code == 1 and "gate failed" in result.stderr
    report = result.json()
    assert report["waivers"] == [] and all(r["waiver"] is None for r in report["requirements"])
    assert [f["path"] for f in report["findings"] if f["code"] == "OSAID-W003"] == [".osaid-waivers.yaml"]
    monkeypatch.setenv("OSAID_AUDIT_NO_RELEASE_WAIVERS", "1")
    assert run_cli(release).exit_code == 1


def test_a_users_waivers_still_count_with_no_release_waivers(tmp_path: Path, run_cli) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "grok-style", release)
    _waive_everything(release)
    mine = tmp_path / "mine.yaml"
    mine.write_text(WAIVERS.replace("2026-12-31", "2999-12-31"))
    result = run_cli(release, "--no-release-waivers", "--waivers", mine, "--format", "json")
    origins = {w["id"]: w["origin"] for w in result.json()["waivers"]}
    assert origins["training-code"] == "user"
    assert "training-code" not in result.stderr and "data-information" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_report_says_when_the_gate_passes_only_because_of_waivers(tmp_path: Path, run_cli, fmt: str) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "empty", release)
    _waive_everything(release)
    assert "gate passes only because of waivers" in run_cli(release, "--format", fmt).stdout
    assert "gate passes only because of waivers" not in run_cli(release, "--format", fmt,
                                                                "--no-release-waivers").stdout
