"""Fixtures shared by the tests: the CLI run in-process, and a test process that never leaves the
loopback interface or reads a developer's Hugging Face token or cache."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hub_server import loopback_only
from huggingface_hub import constants
from huggingface_hub.utils import close_session
from support import CliResult

from auditor.cli import main

# One licence-index cache per test session, never the developer's own; per-file results are not
# cached unless a test asks (a result cached by one test must not answer another's patched code).
os.environ.setdefault("OSAID_AUDIT_CACHE", tempfile.mkdtemp(prefix="osaid-audit-cache-"))
os.environ.setdefault("OSAID_AUDIT_NO_CACHE", "1")


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


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The cache on, in a folder of this test's own (the session runs without it)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("OSAID_AUDIT_CACHE", str(folder))
    monkeypatch.delenv("OSAID_AUDIT_NO_CACHE", raising=False)
    return folder


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
