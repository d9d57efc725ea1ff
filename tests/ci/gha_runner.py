"""GitHub Actions steps run the way a runner runs them: the composite action and documented workflows.

A `run:` step is written to a file and run by bash as the runner runs it (`shell: bash` is
`bash --noprofile --norc -eo pipefail`, no shell is `bash -e`) in the workspace, with `${{ }}`
expressions substituted in `env`, `with` and `if` only (a script holding one is refused: that is
how workflows get injected), $GITHUB_OUTPUT collected into `steps.ID.outputs`, and $GITHUB_PATH
put in front of PATH for every later step of the job. `uses: ./PATH` runs that composite action's
steps. Any other action is not run; `external_action` stands in for the few the examples use.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
COMPARISON = re.compile(r"^([\w.-]+)\s*(==|!=)\s*'([^']*)'$")
SHELLS = {"bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"], None: ["bash", "-e"]}


@dataclass(frozen=True)
class StepRun:
    name: str
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class Job:
    """One job on one runner: its workspace, $RUNNER_TEMP, the environment every step starts from,
    and what the steps so far left behind."""
    workspace: Path
    temp: Path
    env: dict[str, str]
    checkout_path: Callable[[Path], object] = Path.mkdir  # what `actions/checkout` with `path:` puts there
    path_entries: list[str] = field(default_factory=list)
    runs: list[StepRun] = field(default_factory=list)
    external: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failed: bool = False

    @property
    def codes(self) -> list[int]:
        return [run.exit_code for run in self.runs]

    def run_steps(self, steps: list[dict[str, Any]], context: dict[str, str],
                  action_path: Path | None = None) -> None:
        for step in steps:
            if not condition(step.get("if"), context, self.failed):
                continue
            unknown = set(step) - {"name", "id", "if", "uses", "with", "run", "shell", "env"}
            assert not unknown, f"the test runner does not know {unknown}"
            if "uses" in step:
                inputs = {key: evaluate(str(value), context) for key, value in (step.get("with") or {}).items()}
                outputs = self.uses(step["uses"], inputs)
            else:
                outputs = self.run_script(step, context, action_path)
            for key, value in outputs.items():
                context[f"steps.{step.get('id')}.outputs.{key}"] = value

    def run_script(self, step: dict[str, Any], context: dict[str, str],
                   action_path: Path | None) -> dict[str, str]:
        assert not EXPRESSION.search(step["run"]), "expressions belong in env, not in the script"
        (self.temp / "_runner_file_commands").mkdir(parents=True, exist_ok=True)
        step_dir = Path(tempfile.mkdtemp(prefix="step-", dir=self.temp / "_runner_file_commands"))
        script, output_file, path_file = step_dir / "script.sh", step_dir / "output", step_dir / "path"
        script.write_text(step["run"])
        output_file.write_text("")
        path_file.write_text("")
        env = {**self.env, "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_TEMP": str(self.temp),
               "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_OUTPUT": str(output_file),
               "GITHUB_PATH": str(path_file),
               "PATH": os.pathsep.join([*self.path_entries, self.env["PATH"]])}
        if action_path is not None:
            env["GITHUB_ACTION_PATH"] = str(action_path)
        env.update({key: evaluate(str(value), context) for key, value in (step.get("env") or {}).items()})
        result = subprocess.run([*SHELLS[step.get("shell")], str(script)], cwd=self.workspace, env=env,
                                capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        self.runs.append(StepRun(step.get("name") or step["run"].splitlines()[0], result.returncode,
                                 result.stdout, result.stderr))
        self.failed = self.failed or result.returncode != 0
        self.path_entries[:0] = reversed(path_file.read_text().splitlines())
        return dict(line.partition("=")[::2] for line in output_file.read_text().splitlines())

    def uses(self, uses: str, inputs: dict[str, str]) -> dict[str, str]:
        if uses.startswith("./"):
            return self.run_action(self.workspace / uses, inputs)
        self.external.append((uses, inputs))
        external_action(self, uses, inputs)
        return {}

    def run_action(self, action_path: Path, inputs: dict[str, str]) -> dict[str, str]:
        """A composite action's steps, then its outputs; the job fails when one of its steps does."""
        action = yaml.safe_load((action_path / "action.yml").read_text())
        assert action["runs"]["using"] == "composite"
        unknown = set(inputs) - set(action["inputs"])
        assert not unknown, f"the action has no input {unknown}"
        context = {f"inputs.{name}": inputs.get(name, str(spec.get("default", "")))
                   for name, spec in action["inputs"].items()}
        context.update({"github.action_path": str(action_path), "runner.temp": str(self.temp)})
        for step in action["runs"]["steps"]:
            assert "run" not in step or step.get("shell"), "a composite action's run step needs a shell"
        self.run_steps(action["runs"]["steps"], context, action_path)
        return {name: evaluate(spec["value"], context, missing="") for name, spec in action["outputs"].items()}


def external_action(job: Job, uses: str, inputs: dict[str, str]) -> None:
    """What the examples' actions from elsewhere would leave in the job, checked or stood in for."""
    name = uses.partition("@")[0]
    if name == "actions/checkout":
        # The workspace already is the checkout of the release; with `path:` it is another repository.
        if "path" in inputs:
            job.checkout_path(job.workspace / inputs["path"])
    elif name == "actions/upload-artifact":
        assert Path(job.workspace, inputs["path"]).is_file(), f"nothing to upload at {inputs['path']}"
    elif name == "github/codeql-action/upload-sarif":
        sarif = json.loads(Path(job.workspace, inputs["sarif_file"]).read_text())
        assert sarif["version"] == "2.1.0"
    else:
        assert name == "actions/setup-python", f"the test runner does not know the action {uses}"


def evaluate(value: str, context: dict[str, str], missing: str | None = None) -> str:
    def lookup(match: re.Match[str]) -> str:
        if match.group(1) not in context and missing is not None:
            return missing  # a step output that was never set is empty
        assert match.group(1) in context, f"the test does not know the expression {match.group(0)}"
        return context[match.group(1)]
    return EXPRESSION.sub(lookup, value)


def condition(text: str | None, context: dict[str, str], failed: bool) -> bool:
    """An `if:` made of `&&`-joined status functions and comparisons of a context value with a
    string; without a status function it is `success() && ...`, as on GitHub."""
    if text is None:
        return not failed
    body = EXPRESSION.fullmatch(text.strip())
    terms = [term.strip() for term in (body.group(1) if body else text).split("&&")]
    status = {"success()": not failed, "failure()": failed, "always()": True, "!cancelled()": True}
    result = not failed if not any(term in status for term in terms) else True
    for term in terms:
        if term in status:
            result = result and status[term]
            continue
        comparison = COMPARISON.match(term)
        assert comparison, f"the test runner does not know the condition {term!r}"
        name, operator, literal = comparison.groups()
        assert name in context or name.startswith("steps."), f"the test does not know {name}"
        result = result and ((context.get(name, "") == literal) == (operator == "=="))
    return result
