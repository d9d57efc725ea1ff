"""Shared test helpers: the bundled fixture releases, and the CLI run in-process."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

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
