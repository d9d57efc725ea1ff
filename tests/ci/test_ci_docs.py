"""Every example of docs/ci.md, taken from the document itself and run as written in a checkout of
a release: the GitHub workflow by the runner of gha_runner.py, the GitLab job's script in one shell as
GitLab runs it, the shell step, the pre-commit hooks (and the one .pre-commit-hooks.yaml defines)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_python import REAL_PYTHON
from gha_runner import EXPRESSION, Job
from release_checkout import release_checkout
from support import ROOT

DOC = (ROOT / "docs" / "ci.md").read_text()
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
MIN_PYTHON = (3, 11)
# A release that passes the default gate, and one that fails it (blocked by its licence). The
# examples whose lines all run whatever the gate says are run on the failing one: every report is
# still written and the gate exits 1, not 2.
RELEASES = [pytest.param("open-release", 0, id="passing"), pytest.param("llama-style", 1, id="failing")]
FAILING = "llama-style"


def kind_of(lang: str, text: str) -> str:
    if lang in ("sh", "bash"):
        return "shell"
    assert lang == "yaml", f"docs/ci.md has a ```{lang} block the tests do not run"
    data = yaml.safe_load(text)
    if isinstance(data, list):
        return "github-steps"  # more steps for the workflow's job
    if "jobs" in data:
        return "github-workflow"
    for key, kind in (("waivers", "waivers"), ("repos", "pre-commit")):
        if key in data:
            return kind
    assert all(isinstance(job, dict) and "script" in job for job in data.values()), text
    return "gitlab"


def examples() -> dict[str, list[str]]:
    """The code blocks of docs/ci.md by kind, as written."""
    found: dict[str, list[str]] = {}
    for match in FENCE.finditer(DOC):
        found.setdefault(kind_of(match.group(1), match.group(2)), []).append(match.group(2))
    return found


EXAMPLES = examples()


def text_of(kind: str) -> str:
    (example,) = EXAMPLES[kind]
    return example


def one(kind: str) -> Any:
    return yaml.safe_load(text_of(kind))


@pytest.fixture(scope="session")
def installed_tool(shared_runner_temp: Path, offline_pip: dict[str, str], tool_copy: Path) -> Path:
    """osaid-audit installed once from its source into a fresh venv: the `audit` the pre-commit
    examples find on PATH. It is the venv the action and the shell examples make (in $RUNNER_TEMP,
    in $TMPDIR), so they find it made."""
    venv = shared_runner_temp / "osaid-audit-venv"
    env = {**os.environ, **offline_pip}
    subprocess.run([str(REAL_PYTHON), "-m", "venv", str(venv)], check=True, env=env, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(tool_copy)],
                   check=True, env=env, timeout=300)
    return venv / "bin"


@pytest.fixture
def shell_env(runner_env: Callable[[], dict[str, str]], installed_tool: Path, tool_copy: Path,
              shared_runner_temp: Path) -> dict[str, str]:
    """What a CI shell step starts with: a python3, no `audit`, OSAID_AUDIT_SOURCE set."""
    return {**runner_env(), "CI": "true", "OSAID_AUDIT_SOURCE": str(tool_copy), "TMPDIR": str(shared_runner_temp)}


def test_every_example_is_run() -> None:
    assert sorted(EXAMPLES) == ["github-steps", "github-workflow", "gitlab", "pre-commit", "shell", "waivers"]
    assert all(len(found) == 1 for found in EXAMPLES.values()), {k: len(v) for k, v in EXAMPLES.items()}


def test_no_placeholders() -> None:
    for text in (DOC, (ROOT / ".pre-commit-hooks.yaml").read_text()):
        assert not re.search(r"\bOWNER\b|example\.(org|com)|\bYOUR[_-]", text)


def test_waivers_example(tmp_path: Path, installed_tool: Path, shell_env: dict[str, str]) -> None:
    checkout = release_checkout(FAILING, tmp_path / "work", {".osaid-waivers.yaml": text_of("waivers")})
    result = subprocess.run([str(installed_tool / "audit"), ".", "--format", "json", "--fail-on", "never"],
                            cwd=checkout, env=shell_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    applied = {w["id"]: w["status"] for w in json.loads(result.stdout)["waivers"]}
    # The example's date will pass: an expired waiver is still read, and reported as expired.
    assert applied == {"training-code": "active"} or applied == {"training-code": "expired"}


@pytest.mark.parametrize(("release", "gate"), RELEASES)
def test_github_workflow(release: str, gate: int, tmp_path: Path, new_job: Callable[..., Job],
                         shared_runner_temp: Path) -> None:
    workflow = one("github-workflow")
    assert workflow["permissions"]["security-events"] == "write"  # the action uploads SARIF by default
    (spec,) = workflow["jobs"].values()
    steps = spec["steps"] + one("github-steps")
    checkout = release_checkout(release, tmp_path / "work")
    job = new_job(checkout, temp=shared_runner_temp)
    variables = set(re.findall(r"\bvars\.\w+", " ".join(EXPRESSION.findall(yaml.safe_dump(workflow)))))
    job.run_steps(steps, {"runner.temp": str(job.temp), **{name: f"({name})" for name in variables}})

    install, audit, gate_step, report = job.runs
    assert [install.exit_code, audit.exit_code, report.exit_code] == [0, 0, 0], [r.stderr for r in job.runs]
    assert gate_step.exit_code == gate and job.failed == bool(gate)
    assert [uses.partition("@")[0] for uses, _ in job.external] == [
        "actions/checkout", "actions/setup-python", "actions/checkout", "github/codeql-action/upload-sarif",
        "actions/upload-artifact"]
    assert (checkout / ".osaid-audit" / "action.yml").is_file()
    locations = [location["physicalLocation"]["artifactLocation"]["uri"]
                 for result in json.loads((job.temp / "osaid-audit.sarif").read_text())["runs"][0]["results"]
                 for location in result.get("locations", [])]
    assert not [uri for uri in locations if ".osaid-audit" in uri]  # the action's checkout is not audited
    assert json.loads((job.temp / "osaid-report.json").read_text())["target"]["revision"] == "HEAD"


def test_gitlab_job(tmp_path: Path, shell_env: dict[str, str]) -> None:
    (spec,) = one("gitlab").values()
    image = re.fullmatch(r"python:(\d+)\.(\d+)", spec["image"])
    assert image and tuple(map(int, image.groups())) >= MIN_PYTHON
    checkout = release_checkout(FAILING, tmp_path / "work")
    env = {**shell_env, **spec.get("variables", {}), "CI_PROJECT_DIR": str(checkout)}
    # GitLab runs the script's lines in one shell and stops at the first that fails.
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", "\n".join(spec["script"])], cwd=checkout,
                            env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "gate failed" in result.stderr, result.stderr
    artifacts = spec["artifacts"]
    assert artifacts["when"] == "always"
    junit = ET.parse(checkout / artifacts["reports"]["junit"]).getroot()
    assert junit.tag in ("testsuites", "testsuite") and list(junit.iter("testcase"))
    for path in artifacts["paths"]:
        assert (checkout / path).read_text().startswith("<!DOCTYPE html>")


def test_shell_step(tmp_path: Path, shell_env: dict[str, str], installed_tool: Path) -> None:
    checkout = release_checkout(FAILING, tmp_path / "work")
    last = subprocess.run([str(installed_tool / "audit"), ".", "--rev", "HEAD", "--format", "json",
                           "--fail-on", "never"], cwd=checkout, env=shell_env, capture_output=True, text=True,
                          timeout=120)
    assert last.returncode == 0, last.stderr
    (checkout / "last-release.json").write_text(last.stdout)  # the artifact of the last release's CI
    result = subprocess.run(["sh", "-c", text_of("shell")], cwd=checkout, env=shell_env, capture_output=True,
                            text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "gate failed" in result.stderr, result.stderr
    assert "Result: not worse" in result.stdout
    assert (checkout / "osaid.svg").read_text().startswith("<svg")


@pytest.mark.parametrize(("release", "gate"), RELEASES)
def test_pre_commit_hooks(release: str, gate: int, tmp_path: Path, shell_env: dict[str, str],
                          installed_tool: Path) -> None:
    """The documented local hook, and the hook this repository defines for a `repo:` naming it
    (pre-commit installs the package into its own venv and runs its console script from the
    repository's root), each as pre-commit runs it: the entry, its args, no file names."""
    (repo,) = one("pre-commit")["repos"]
    (local,) = repo["hooks"]
    (defined,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    scripts = {line.split("=")[0].strip() for line in (ROOT / "pyproject.toml").read_text().splitlines()
               if "auditor.cli:main" in line}
    assert repo["repo"] == "local" and local["language"] == "system"
    assert defined["language"] == "python" and defined["entry"] in scripts and defined["id"] == local["id"]
    checkout = release_checkout(release, tmp_path / "work")
    env = {**shell_env, "PATH": f"{installed_tool}{os.pathsep}{shell_env['PATH']}"}
    for hook in (local, defined):
        assert hook["pass_filenames"] is False and hook["always_run"] is True
        result = subprocess.run([*hook["entry"].split(), *hook.get("args", [])], cwd=checkout, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == gate and result.stdout.startswith("Verdict: "), result.stderr
