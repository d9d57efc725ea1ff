"""The composite GitHub Action (action.yml), run the way a runner runs it (gha_runner.py), in a job
whose checkout is the release and whose workflow names the action by repository and ref: the
action's folder (here, this project) is outside the workspace."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml
from fake_python import calls, externally_managed_python, fake_python
from gha_runner import Job
from release_checkout import files_outside_git, release_checkout
from support import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
VENV = "osaid-audit-venv"
WAIVE_ALL = """waivers:
""" + "".join(f"""  - id: {requirement}
    reason: the release board accepted this gap for the beta
    approved_by: release-board
    expires: 2999-12-31
""" for requirement in ("data-information", "data-preprocessing-code", "training-code", "inference-code",
                        "supporting-libraries", "model-architecture", "model-parameters"))


def sarif_results(path: Path) -> list[dict]:
    sarif = json.loads(path.read_text())
    assert sarif["version"] == "2.1.0"
    return sarif["runs"][0]["results"]


def test_defaults_in_the_release_checkout_twice(tmp_path: Path, new_job: Callable[..., Job],
                                                shared_runner_temp: Path) -> None:
    checkout = release_checkout("llama-style", tmp_path / "work")
    before = files_outside_git(checkout)
    reports = []
    for _ in range(2):
        job = new_job(checkout, temp=shared_runner_temp)
        outputs = job.run_action(ROOT, {})
        assert job.codes == [0, 0, 1], [run.stderr for run in job.runs]
        assert outputs == {"exit-code": "1", "sarif-file": str(shared_runner_temp / "osaid-audit.sarif")}
        assert job.path_entries == [str(shared_runner_temp / VENV / "bin")]
        assert job.external == [("github/codeql-action/upload-sarif@v3",
                                 {"sarif_file": outputs["sarif-file"], "category": "osaid-audit"})]
        assert "gate failed" in job.runs[1].stderr
        reports.append(Path(outputs["sarif-file"]).read_bytes())
    assert sarif_results(shared_runner_temp / "osaid-audit.sarif")
    assert reports[0] == reports[1]
    assert files_outside_git(checkout) == before  # the default report is written outside the checkout


def test_a_report_named_inside_the_checkout_gives_the_same_verdict_twice(
        tmp_path: Path, new_job: Callable[..., Job], shared_runner_temp: Path) -> None:
    checkout = release_checkout("open-release", tmp_path / "work")
    before = files_outside_git(checkout)
    reports = []
    for _ in range(2):
        job = new_job(checkout, temp=shared_runner_temp)
        outputs = job.run_action(ROOT, {"sarif-file": "osaid-audit.sarif", "fail-on": "partial"})
        assert job.codes == [0, 0, 0], [run.stderr for run in job.runs]
        assert outputs == {"exit-code": "0", "sarif-file": "osaid-audit.sarif"}
        reports.append((checkout / "osaid-audit.sarif").read_bytes())
    assert reports[0] == reports[1]
    assert set(files_outside_git(checkout)) == set(before) | {"osaid-audit.sarif"}


def test_installs_into_its_own_venv_on_an_externally_managed_python(tmp_path: Path,
                                                                    new_job: Callable[..., Job]) -> None:
    bin_dir, log = tmp_path / "system-bin", tmp_path / "system-python.log"
    bin_dir.mkdir()
    externally_managed_python(bin_dir, log)
    job = new_job(release_checkout("open-release", tmp_path / "work"), bin_dir=bin_dir)
    outputs = job.run_action(ROOT, {})
    assert job.codes == [0, 0, 0], [run.stderr for run in job.runs]
    assert outputs["exit-code"] == "0"
    system_calls = calls(log)
    assert f"python3 -m venv {job.temp / VENV}" in system_calls
    assert not [call for call in system_calls if " pip" in call or not call.startswith("python3 ")]
    assert (job.temp / VENV / "bin" / "audit").is_file()
    assert not (job.temp / VENV / "bin" / "python").resolve().samefile(bin_dir / "python3")


def test_a_too_old_python_stops_with_one_clear_line(tmp_path: Path, new_job: Callable[..., Job]) -> None:
    bin_dir, log = tmp_path / "old-bin", tmp_path / "python3.9.log"
    bin_dir.mkdir()
    fake_python(bin_dir / "python3", log, version=(3, 9, 18))
    job = new_job(release_checkout("open-release", tmp_path / "work"), bin_dir=bin_dir)
    outputs = job.run_action(ROOT, {})
    assert job.codes == [1] and outputs == {"exit-code": "", "sarif-file": ""}
    assert job.runs[0].stdout.splitlines() == [
        "::error::osaid-audit needs Python 3.11 or newer and python3 on PATH is 3.9.18: add "
        'actions/setup-python (python-version: "3.11" or newer) before this action']
    assert not (job.temp / VENV).exists() and job.path_entries == []
    assert calls(log) and all(call.startswith("-c ") for call in calls(log))


def test_a_failed_install_leaves_no_venv(tmp_path: Path, new_job: Callable[..., Job]) -> None:
    not_a_project = tmp_path / "action"
    not_a_project.mkdir()
    shutil.copy(ROOT / "action.yml", not_a_project)  # the action without the tool's sources
    job = new_job(release_checkout("open-release", tmp_path / "work"))
    job.run_action(not_a_project, {})
    assert job.codes == [1]
    assert f"::error::could not install osaid-audit into {job.temp / VENV}" in job.runs[0].stdout
    assert not (job.temp / VENV).exists() and job.path_entries == []


def test_stops_on_a_bad_target(tmp_path: Path, new_job: Callable[..., Job], shared_runner_temp: Path) -> None:
    job = new_job(release_checkout("open-release", tmp_path / "work"), temp=shared_runner_temp)
    outputs = job.run_action(ROOT, {"target": "missing"})
    assert job.codes == [0, 2] and outputs["exit-code"] == "2"
    assert len(job.runs[1].stderr.splitlines()) == 1 and job.external == []


def test_release_waivers_false_ignores_the_release_s_own_waivers(
        tmp_path: Path, new_job: Callable[..., Job], shared_runner_temp: Path) -> None:
    checkout = release_checkout("llama-style", tmp_path / "work", {".osaid-waivers.yaml": WAIVE_ALL})
    waived = new_job(checkout, temp=shared_runner_temp)
    assert waived.run_action(ROOT, {})["exit-code"] == "0" and waived.codes == [0, 0, 0]
    gated = new_job(checkout, temp=shared_runner_temp)
    assert gated.run_action(ROOT, {"release-waivers": "false"})["exit-code"] == "1"
    assert gated.codes == [0, 0, 1], gated.runs[1].stderr
    wrong = new_job(checkout, temp=shared_runner_temp)
    assert wrong.run_action(ROOT, {"release-waivers": "no"})["exit-code"] == "2"
    assert wrong.runs[1].stdout == "::error::release-waivers must be true or false, not no\n"


def test_inputs_and_the_python_it_requires() -> None:
    assert set(ACTION["inputs"]) == {"target", "rev", "checklist", "fail-on", "waivers", "release-waivers",
                                     "sarif-file", "upload-sarif"}
    assert ACTION["inputs"]["release-waivers"]["default"] == "true"
    install = ACTION["runs"]["steps"][0]
    required = re.search(r'requires-python = ">=([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert required and install["env"]["MIN_PYTHON"] == required.group(1)
