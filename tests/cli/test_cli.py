"""The `audit` command: gate levels, exit codes, outputs, one-line errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from support import RELEASES, ROOT, tree_digest

ANSI = re.compile(r"\x1b\[")


def test_open_release_passes_the_gate(run_cli) -> None:
    result = run_cli(RELEASES / "open-release")
    assert result.exit_code == 0
    assert result.stdout.startswith("Verdict: OPEN SOURCE AI")
    assert not ANSI.search(result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


@pytest.mark.parametrize(("release", "fail_on", "code"), [
    ("grok-style", "missing", 1),      # training code missing
    ("grok-style", "blocked", 0),      # nothing blocked
    ("grok-style", "never", 0),
    ("split-license", "blocked", 1),   # parameters blocked
    ("llama-style", "missing", 1),
    ("open-release", "partial", 0),
])
def test_fail_on_levels(run_cli, release: str, fail_on: str, code: int) -> None:
    result = run_cli(RELEASES / release, "--fail-on", fail_on)
    assert result.exit_code == code
    if code == 1:
        assert result.stderr.startswith(f"audit: gate failed (--fail-on {fail_on}): ")


def test_fail_on_partial_includes_partial(run_cli, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "open-release", release)
    (release / "LICENSE").write_text("All rights reserved by the authors, who may decide later.\n")
    (release / "README.md").write_text((release / "README.md").read_text().replace("license: apache-2.0\n", ""))
    assert run_cli(release, "--fail-on", "missing").exit_code == 0
    result = run_cli(release, "--fail-on", "partial")
    assert result.exit_code == 1
    assert "model-parameters" in result.stderr


def test_output_file_and_formats(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = run_cli(RELEASES / "grok-style", "--format", "markdown", "--output", out, "--fail-on", "never")
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_text()
    assert text.startswith("# OSAID audit") and "- [ ] **training-code** [missing]" in text


def test_same_input_same_bytes(run_cli) -> None:
    for fmt in ("json", "text", "markdown"):
        first = run_cli(RELEASES / "llama-style", "--format", fmt).stdout
        second = run_cli(RELEASES / "llama-style", "--format", fmt).stdout
        assert first == second and first


def test_audit_never_writes_over_a_release_file(run_cli, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "llama-style", release)
    before = tree_digest(release)
    run_cli(release, "--format", "json")
    assert tree_digest(release) == before
    refused = run_cli(release, "--format", "json", "--output", release / "LICENSE")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert f"{release / 'LICENSE'}: it is a file of the audited release" in refused.stderr
    assert tree_digest(release) == before


@pytest.mark.parametrize(("args", "message"), [
    (["/nonexistent/release"], "no such file or folder"),
    ([str(RELEASES / "open-release" / "LICENSE")], "not a folder"),
    ([str(RELEASES / "empty"), "--checklist", "nope-9"], "not a bundled checklist"),
    ([str(RELEASES / "empty"), "--format", "pdf"], "pdf"),
    ([], "no release given: 'audit TARGET' audits a folder"),
    ([""], "empty target"),
    ([str(RELEASES / "empty"), "--checklist", str(RELEASES)], "is a folder"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli, args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_checklist_names_file_and_field(run_cli, tmp_path: Path) -> None:
    checklist = tmp_path / "mine.yaml"
    source = (Path(__file__).resolve().parents[2] / "checklists" / "osaid-1.0.yaml").read_text()
    checklist.write_text(source.replace("required: true", "required: maybe", 1))
    result = run_cli(RELEASES / "empty", "--checklist", checklist)
    assert result.exit_code == 2
    assert str(checklist) in result.stderr and "requirements/0/required" in result.stderr


def test_custom_checklist_file_is_used(run_cli, tmp_path: Path) -> None:
    checklist = tmp_path / "weights-only.yaml"
    source = (Path(__file__).resolve().parents[2] / "checklists" / "osaid-1.0.yaml").read_text()
    checklist.write_text(source.replace("id: osaid-1.0", "id: weights-only", 1)
                         .replace("    required: true", "    required: false"))
    result = run_cli(RELEASES / "empty", "--checklist", checklist, "--format", "json")
    assert result.exit_code == 0
    assert result.json()["checklist"]["id"] == "weights-only"


def test_explain_prints_the_finding_documentation(run_cli) -> None:
    result = run_cli("explain", "osaid-l001")
    assert result.exit_code == 0
    assert result.stdout.startswith("OSAID-L001 (user-threshold, error)")
    assert "OSD point 5" in " ".join(result.stdout.split())
    assert run_cli("explain", "OSAID-X999").exit_code == 2


def test_every_code_the_reports_use_is_documented(audit_json, run_cli) -> None:
    documented = set(re.findall(r"^(OSAID-[A-Z]\d{3}) ", run_cli("explain", "all").stdout, re.M))
    for name in ("open-release", "llama-style", "grok-style", "split-license", "empty"):
        used = {f["code"] for f in audit_json(RELEASES / name)["findings"]}
        assert used <= documented


def test_badge_from_a_report(run_cli, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run_cli(RELEASES / "open-release", "--format", "json", "--output", report)
    svg = tmp_path / "osaid.svg"
    result = run_cli("badge", report, "--output", svg)
    assert result.exit_code == 0 and "open source AI" in svg.read_text() and "MOF I" in svg.read_text()
    assert run_cli("badge", tmp_path / "missing.json").exit_code == 2


def test_progress_is_reported_by_stage_and_silent_off_a_terminal(run_cli) -> None:
    from auditor.audit import run_audit
    from auditor.evaluation.checklist import load_checklist
    from auditor.sources.local import LocalFolderSource

    stages: list[str] = []
    run_audit(LocalFolderSource(RELEASES / "grok-style"), load_checklist("osaid-1.0"), progress=stages.append)
    assert stages[0] == "listing files" and stages[-1] == "evaluating"
    assert any(stage.endswith("files: weights") for stage in stages)
    result = run_cli(RELEASES / "open-release")  # stdout and stderr are not terminals here
    assert result.stderr == ""


def test_help_lists_every_command_exit_code_and_environment_variable(run_cli) -> None:
    from auditor.cli import SUBCOMMANDS

    for asked in (["--help"], ["run", "--help"], ["-h"]):
        result = run_cli(*asked)
        assert result.exit_code == 0
        usage = result.stdout.split("\n\n")[0]
        assert usage.startswith("usage: audit [run] TARGET... [options]")
        assert all(f"audit {command} " in usage for command in SUBCOMMANDS)
        for word in ("exit codes:", "  0  the gate passes", "  2  a usage error", "HF_TOKEN", "OSAID_AUDIT_CACHE",
                     "OSAID_AUDIT_NO_CACHE", "--no-cache", "--fail-on"):
            assert word in result.stdout, word


def test_audit_run_target_is_the_same_as_audit_target(run_cli) -> None:
    assert run_cli("run", RELEASES / "empty", "--format", "json").stdout == \
        run_cli(RELEASES / "empty", "--format", "json").stdout


def test_quiet_prints_the_verdict_line_and_keeps_the_exit_code(run_cli) -> None:
    passed = run_cli(RELEASES / "open-release", "-q")
    assert passed.exit_code == 0 and passed.stderr == ""
    assert passed.stdout.startswith(f"{RELEASES / 'open-release'}: open-source-ai, MOF class ")
    assert passed.stdout.endswith(", gate passed\n") and passed.stdout.count("\n") == 1
    failed = run_cli(RELEASES / "llama-style", "--quiet")
    assert failed.exit_code == 1 and failed.stderr == ""
    assert failed.stdout.count("\n") == 1 and ": not-open-source-ai, MOF class " in failed.stdout
    assert failed.stdout.endswith(", gate failed on 7 requirements\n")


def test_dash_is_standard_output_and_other_formats_go_beside(run_cli, tmp_path: Path) -> None:
    to_stdout = run_cli(RELEASES / "open-release", "--format", "json", "-o", "-",
                        "--sarif", tmp_path / "r.sarif", "--json", tmp_path / "r.json")
    assert to_stdout.exit_code == 0 and not (Path.cwd() / "-").exists()
    assert json.loads(to_stdout.stdout) == json.loads((tmp_path / "r.json").read_text())
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"]
    refused = run_cli(RELEASES / "open-release", "--json", "-")
    assert refused.exit_code == 2 and "only --output may be '-'" in refused.stderr


def test_verbose_lists_every_piece_of_evidence_and_times_the_stages(run_cli, tmp_path: Path) -> None:
    trainer = ("import torch\n\ndef train(model, opt, x):\n    loss = model(x).sum()\n"
               "    loss.backward()\n    opt.step()\n")
    for n in range(7):
        (tmp_path / f"train_{n}.py").write_text(trainer)
    short = run_cli(tmp_path).stdout
    full = run_cli(tmp_path, "-v")
    assert "(-v shows every one)" in short and "(-v shows every one)" not in full.stdout
    assert all(f"train_{n}.py" in full.stdout for n in range(7))
    stages = [line for line in full.stderr.splitlines() if line.startswith("audit: ")]
    assert any(line.endswith(" s  evaluating") for line in stages) and any("python-code" in line for line in stages)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html", "sarif", "junit", "mot"])
def test_every_format_renders_verbose(run_cli, fmt: str) -> None:
    result = run_cli(RELEASES / "open-release", "--format", fmt, "-v", "--fail-on", "never")
    assert result.exit_code == 0 and result.stdout, result.stderr


@pytest.mark.parametrize("name", ["report", "manifest", "waivers", "checklist", "mot"])
def test_schema_prints_the_published_schema(run_cli, name: str) -> None:
    from auditor.cli import SCHEMAS

    result = run_cli("schema", name)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads((ROOT / "schemas" / SCHEMAS[name]).read_text())
    assert run_cli("schema", "nope").exit_code == 2


def test_schema_census_prints_the_sql_the_database_is_made_of(run_cli, tmp_path) -> None:
    import sqlite3

    sql = run_cli("schema", "census").stdout
    assert "PRAGMA user_version" in sql and "CREATE TABLE IF NOT EXISTS audits" in sql
    sqlite3.connect(tmp_path / "made.sqlite").executescript(sql)  # it is the schema, as it is run


def test_several_targets_are_reported_in_turn_with_the_worst_exit_code(run_cli) -> None:
    quiet = run_cli(RELEASES / "open-release", RELEASES / "llama-style", "-q")
    assert quiet.exit_code == 1
    lines = quiet.stdout.splitlines()
    assert [line.split(": ")[1].split(",")[0] for line in lines] == ["open-source-ai", "not-open-source-ai"]
    text = run_cli(RELEASES / "open-release", RELEASES / "open-release", "--fail-on", "never")
    assert text.exit_code == 0 and text.stdout.count("Verdict: ") == 2
    missing = run_cli(RELEASES / "open-release", "/nonexistent/release", "-q")
    assert missing.exit_code == 2 and missing.stdout.count("\n") == 1 and "no such file or folder" in missing.stderr
    refused = run_cli(RELEASES / "open-release", RELEASES / "llama-style", "--format", "json")
    assert refused.exit_code == 2 and "several targets need --format text or markdown" in refused.stderr


def test_several_targets_end_with_a_summary_table_one_row_each(run_cli) -> None:
    result = run_cli(RELEASES / "open-release", RELEASES / "llama-style", "/nonexistent/release")
    assert result.exit_code == 2
    summary = result.stdout[result.stdout.rindex("Summary of 3 targets"):].splitlines()
    header = next(i for i, line in enumerate(summary) if line.startswith("Target "))
    rows = [line.split() for line in summary[header + 1:]]
    assert rows[0][1:] == ["open-source-ai", "I", "7/0/0/0/0", "passed"]
    assert rows[1][1:] == ["not-open-source-ai", "none", "0/0/0/2/5", "failed", "(7)"]
    assert rows[2][:2] == ["/nonexistent/release", "error:"]
    assert rows[0][0] == str(RELEASES / "open-release")  # a long target widens its column, whole
    markdown = run_cli(RELEASES / "open-release", RELEASES / "llama-style", "--format", "markdown").stdout
    assert "| not-open-source-ai | none | 0/0/0/2/5 | failed \\(7\\) |" in markdown
    assert "Summary of" not in run_cli(RELEASES / "open-release", "--fail-on", "never").stdout
