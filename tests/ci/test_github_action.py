"""The composite GitHub Action's shell steps, run the way a runner runs them, and the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from support import RELEASES, ROOT

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action_steps() -> list[dict]:
    return yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]


def evaluate(value: str, context: dict[str, str]) -> str:
    def lookup(match: re.Match[str]) -> str:
        assert match.group(1) in context, f"the test does not know the expression {match.group(0)}"
        return context[match.group(1)]
    return EXPRESSION.sub(lookup, value)


def run_action(tmp_path: Path, inputs: dict[str, str]) -> tuple[list[int], dict[str, str]]:
    """Runs every `shell: bash` step as the runner would: expressions in `env` substituted, the script
    written to a file and run with `bash --noprofile --norc -eo pipefail`, $GITHUB_OUTPUT collected."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    context = {f"inputs.{name}": spec.get("default", "") for name, spec in action["inputs"].items()}
    context.update({f"inputs.{k}": v for k, v in inputs.items()})
    context["github.action_path"] = str(ROOT)
    outputs: dict[str, str] = {}
    codes = []
    for index, step in enumerate(action_steps()):
        if "run" not in step:
            assert step["uses"].startswith("github/codeql-action/upload-sarif@")
            continue
        assert step["shell"] == "bash"
        output_file = tmp_path / f"output-{index}"
        output_file.write_text("")
        env = {**os.environ, "GITHUB_OUTPUT": str(output_file),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        env.update({k: evaluate(str(v), context) for k, v in (step.get("env") or {}).items()})
        assert not EXPRESSION.search(step["run"]), "expressions belong in env, not in the script"
        script = tmp_path / f"step-{index}.sh"
        script.write_text(step["run"])
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        codes.append(result.returncode)
        for line in output_file.read_text().splitlines():
            key, _, value = line.partition("=")
            outputs[key] = value
            context[f"steps.{step.get('id')}.outputs.{key}"] = value
        if result.returncode != 0:
            break
    return codes, outputs


def test_action_fails_the_job_for_a_blocked_release_and_writes_sarif(tmp_path: Path) -> None:
    codes, outputs = run_action(tmp_path, {"target": str(RELEASES / "llama-style")})
    assert codes == [0, 0, 1] and outputs["exit-code"] == "1"
    sarif = json.loads((tmp_path / "osaid-audit.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]


def test_action_passes_an_open_release(tmp_path: Path) -> None:
    codes, outputs = run_action(tmp_path, {"target": str(RELEASES / "open-release"), "fail-on": "partial"})
    assert codes == [0, 0, 0] and outputs["exit-code"] == "0"


def test_action_stops_on_a_bad_target(tmp_path: Path) -> None:
    codes, outputs = run_action(tmp_path, {"target": str(tmp_path / "missing")})
    assert codes == [0, 2] and outputs["exit-code"] == "2"


def test_pre_commit_hook_runs_the_console_script() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    scripts = {line.split("=")[0].strip() for line in (ROOT / "pyproject.toml").read_text().splitlines()
               if "auditor.cli:main" in line}
    assert hook["entry"] in scripts and hook["pass_filenames"] is False
    result = subprocess.run([str(Path(sys.executable).parent / hook["entry"]), *hook["args"]],
                            cwd=RELEASES / "open-release", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("Verdict: OPEN SOURCE AI")
