"""`audit init` copies names from the release into release.yaml: as single-quoted YAML scalars of
their escaped text, so none changes the YAML's structure or runs in a shell that sources the file."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from support import RELEASES

from auditor.escape import printable

HOSTILE_NAMES = ("$(touch MARKER)", "`touch MARKER`", "a\nb: c", "x'; touch MARKER; '", "#comment")


@pytest.fixture
def drafted(tmp_path: Path, run_cli) -> Path:
    """A release named like a command substitution, with weight files named as above, and its draft."""
    release = tmp_path / "rel $(touch MARKER)"
    shutil.copytree(RELEASES / "open-release", release)
    for name in HOSTILE_NAMES:
        shutil.copy(release / "model.safetensors", release / f"{name}.safetensors")
    result = run_cli("init", release)
    assert result.exit_code == 0, result.stderr
    return release


def test_names_parse_back_as_plain_values(drafted: Path) -> None:
    manifest = yaml.safe_load((drafted / "release.yaml").read_text())
    assert manifest["name"] == "rel $(touch MARKER)"
    paths = {location["path"] for location in manifest["components"]["model-parameters"]}
    # Control characters cannot be in YAML at all: a newline is written escaped, as everywhere else.
    assert paths == {"model.safetensors"} | {f"{printable(name)}.safetensors" for name in HOSTILE_NAMES}
    assert "a\\x0ab: c.safetensors" in paths
    assert set(manifest) == {"name", "version", "producer", "components"}


def test_sourcing_the_draft_in_a_shell_runs_nothing(drafted: Path, tmp_path: Path) -> None:
    shell_dir = tmp_path / "shell"
    shell_dir.mkdir()
    shutil.copy(drafted / "release.yaml", shell_dir / "release.yaml")
    # Every line is a command a shell cannot find; what matters is what the quoting lets through.
    subprocess.run(["bash", "-c", "set -a; . ./release.yaml"], cwd=shell_dir, capture_output=True, timeout=30,
                   env={"PATH": os.environ["PATH"]})
    assert sorted(os.listdir(shell_dir)) == ["release.yaml"]
    assert not (drafted / "MARKER").exists() and not (tmp_path / "MARKER").exists()


def test_every_value_is_single_quoted_and_comments_hold_no_release_text(drafted: Path) -> None:
    for line in (drafted / "release.yaml").read_text().splitlines():
        if line.lstrip().startswith("#"):
            assert "touch" not in line and "MARKER" not in line
        elif ": " in line:
            value = line.split(": ", 1)[1]
            assert value.startswith("'") and value.endswith("'"), line


def test_draft_with_hostile_names_round_trips(drafted: Path, run_cli) -> None:
    report = run_cli(drafted, "--format", "json", "--verify-hashes", "--fail-on", "never").json()
    assert report["verdict"] == "open-source-ai"
    manifest_findings = [(f["code"], f["message"]) for f in report["findings"] if f["code"].startswith("OSAID-M")]
    # Only the name that had to be escaped is declared under a path that is not on disk.
    assert len(manifest_findings) == 1 and manifest_findings[0][0] == "OSAID-M001"
    assert manifest_findings[0][1].endswith("not in the release: a\\x0ab: c.safetensors")
