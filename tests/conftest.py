"""Shared test helpers: the bundled fixture releases, the CLI run in-process, and a test process that
never leaves the loopback interface or reads a developer's Hugging Face token or cache."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from hub_server import loopback_only
from huggingface_hub import constants
from huggingface_hub.utils import close_session

from auditor.cli import main

ROOT = Path(__file__).resolve().parent.parent
RELEASES = ROOT / "fixtures" / "releases"
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        report = json.loads(self.stdout)
        jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
        return report


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    def run(*args: str | os.PathLike[str]) -> CliResult:
        with pytest.raises(SystemExit) as exited:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        code = exited.value.code
        return CliResult(code if isinstance(code, int) else 0, captured.out, captured.err)
    return run


@pytest.fixture
def audit_json(run_cli):
    """The validated JSON report of a release (gate disabled so the exit code is always 0)."""
    def run(path: str | os.PathLike[str], *args: str) -> dict:
        result = run_cli(path, "--format", "json", "--fail-on", "never", *args)
        assert result.exit_code == 0, result.stderr
        return result.json()
    return run


def statuses(report: dict) -> dict[str, str]:
    return {r["id"]: r["status"] for r in report["requirements"]}


def tree_digest(root: Path) -> str:
    """A digest of every name, mode and content under root (links and special files by lstat)."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(dirs + files):
            path = Path(folder) / name
            info = path.lstat()
            digest.update(os.fsencode(path.relative_to(root)) + str(info.st_mode).encode())
            if path.is_file() and not path.is_symlink():
                digest.update(path.read_bytes())
            elif path.is_symlink():
                digest.update(os.fsencode(os.readlink(path)))
    return digest.hexdigest()


@pytest.fixture(autouse=True)
def isolated_client(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """No implicit token, no telemetry (which would fetch huggingface.co/api/agent-harnesses), loopback only."""
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf_home" / "hub"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    # these are read once, at import time: patch the module constants too
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf_home" / "hub"))
    close_session()
    with loopback_only():
        yield
    close_session()
