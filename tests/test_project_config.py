"""A release's own audit settings: `.osaid-audit.toml` or `[tool.osaid-audit]`; flags win."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import RELEASES

WAIVERS = """waivers:
  - id: data-information
    reason: the data card is being written
    approved_by: release-team
    expires: 2999-01-01
"""


@pytest.fixture
def release(tmp_path: Path) -> Path:
    copy = tmp_path / "release"
    shutil.copytree(RELEASES / "llama-style", copy)
    return copy


def test_pyproject_settings_apply_and_flags_win(run_cli, release: Path) -> None:
    (release / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.osaid-audit]\nfail-on = "never"\n'
                                           'format = "markdown"\n')
    relaxed = run_cli(release)
    assert relaxed.exit_code == 0 and relaxed.stdout.startswith("# OSAID audit")
    assert "settings from pyproject.toml [tool.osaid-audit]: fail-on=never, format=markdown" in relaxed.stderr
    strict = run_cli(release, "--fail-on", "missing", "--format", "text")
    assert strict.exit_code == 1 and strict.stdout.startswith("Verdict:")
    isolated = run_cli(release, "--isolated")
    assert isolated.exit_code == 1 and "settings from" not in isolated.stderr


def test_the_own_file_wins_over_pyproject(run_cli, release: Path) -> None:
    (release / "pyproject.toml").write_text('[tool.osaid-audit]\nfail-on = "never"\n')
    (release / ".osaid-audit.toml").write_text('fail-on = "blocked"\nchecklist = "mof-1.0"\n')
    result = run_cli(release, "--format", "json")
    assert result.json()["checklist"]["id"] == "mof-1.0"
    assert "settings from .osaid-audit.toml: checklist=mof-1.0, fail-on=blocked" in result.stderr


def test_waivers_named_by_the_settings_are_the_releases_own(run_cli, release: Path) -> None:
    (release / "gate").mkdir()
    (release / "gate" / "waivers.yaml").write_text(WAIVERS)
    (release / ".osaid-audit.toml").write_text('waivers = "gate/waivers.yaml"\n')
    report = run_cli(release, "--format", "json", "--fail-on", "never").json()
    (data_information,) = [r for r in report["requirements"] if r["id"] == "data-information"]
    assert data_information.get("waived") or data_information.get("waiver")
    ignored = run_cli(release, "--format", "json", "--fail-on", "never", "--no-release-waivers").json()
    (again,) = [r for r in ignored["requirements"] if r["id"] == "data-information"]
    assert not (again.get("waived") or again.get("waiver"))


@pytest.mark.parametrize(("settings", "message"), [
    ('checklist = "../../elsewhere.yaml"\n', "checklist '../../elsewhere.yaml' is not one of"),
    ('format = "pdf"\n', "format 'pdf' is not one of"),
    ('output = "/etc/passwd"\n', "unknown setting 'output'"),
    ('waivers = "../outside.yaml"\n', "is not a file of the release"),
    ('fail-on = 3\n', "fail-on must be a string"),
    ("fail-on = \n", "not TOML"),
])
def test_a_bad_setting_is_one_line_and_exit_2(run_cli, release: Path, settings: str, message: str) -> None:
    (release / ".osaid-audit.toml").write_text(settings)
    result = run_cli(release)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and message in result.stderr
