"""`audit diff` catches a release that lost its training code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from support import RELEASES


def write_report(run_cli, release: Path, out: Path) -> Path:
    assert run_cli(release, "--format", "json", "--output", out, "--fail-on", "never").exit_code == 0
    return out


def test_lost_training_code_is_worse(run_cli, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "open-release", release)
    old = write_report(run_cli, release, tmp_path / "old.json")
    (release / "src" / "train.py").unlink()
    (release / "scripts" / "train.sh").unlink()
    new = write_report(run_cli, release, tmp_path / "new.json")
    result = run_cli("diff", old, new)
    assert result.exit_code == 1
    assert "Verdict: open-source-ai -> not-open-source-ai" in result.stdout
    assert "  training-code: satisfied -> missing" in result.stdout.split("Worse:")[1]
    assert result.stdout.rstrip().endswith("Result: worse")
    back = run_cli("diff", new, old)
    assert back.exit_code == 0 and "Better:" in back.stdout and "Resolved findings:" in back.stdout


def test_same_report_is_not_worse(run_cli, tmp_path: Path) -> None:
    report = write_report(run_cli, RELEASES / "llama-style", tmp_path / "r.json")
    result = run_cli("diff", report, report)
    assert result.exit_code == 0 and "No requirement or finding changed." in result.stdout


def test_other_schema_versions_and_non_reports_are_refused(run_cli, tmp_path: Path) -> None:
    report = write_report(run_cli, RELEASES / "empty", tmp_path / "r.json")
    data = json.loads(report.read_text())
    data["schema_version"] = "0"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    refused = run_cli("diff", old, report)
    assert refused.exit_code == 2 and "schema version '0'" in refused.stderr
    (tmp_path / "x.json").write_text("[1, 2]")
    (tmp_path / "bad.json").write_text("{nope")
    for bad in ("x.json", "bad.json", "missing.json"):
        result = run_cli("diff", tmp_path / bad, report)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
