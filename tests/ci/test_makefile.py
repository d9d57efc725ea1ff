"""The Makefile, run for real on copies of it: no target needs root, a Python that is too old or a
venv or install that fails says so in one line and leaves no .venv, `make demo` still audits every
example. Interpreters, pip and apt-get are fakes (fake_python.py): nothing is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_python import calls, fake_python
from support import ROOT

MAKE = shutil.which("make")
SETPRIV = shutil.which("setpriv")
NOBODY = 65534
pytestmark = pytest.mark.skipif(MAKE is None, reason="no make on PATH")


def make(folder: Path, *args: str, env: dict[str, str] | None = None,
         as_user: int | None = None) -> subprocess.CompletedProcess[str]:
    """`make ARGS` in `folder`, with none of the caller's make or CI settings (this suite may itself
    run under `make test` on CI); `as_user` runs it as that uid."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "CI", "INSTALL_BROWSER")}
    command = [str(MAKE), "--no-print-directory", "-C", str(folder), *args]
    if as_user is not None:
        command = [str(SETPRIV), f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups", "--", *command]
    return subprocess.run(command, env={**base, **(env or {})}, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the Makefile with what its rules read."""
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, folder / name)
    return folder


def ready_venv(folder: Path) -> Path:
    """A .venv that make takes as installed: its python only logs what it is asked to run."""
    log = folder / "venv-python.log"
    python = folder / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\n")
    python.chmod(0o755)
    stamp = folder / ".venv" / ".installed"
    stamp.touch()
    later = max(python.stat().st_mtime, (folder / "pyproject.toml").stat().st_mtime) + 60
    os.utime(stamp, (later, later))
    return log


def system_bin(folder: Path) -> tuple[Path, Path]:
    """A PATH holding only `id` and an apt-get that logs its calls: no chromium on it."""
    bin_dir, log = folder / "bin", folder / "apt-get.log"
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to(shutil.which("id") or "/usr/bin/id")
    (bin_dir / "apt-get").write_text(f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\n")
    (bin_dir / "apt-get").chmod(0o755)
    return bin_dir, log


@pytest.fixture
def unprivileged() -> Iterator[tuple[Path, int | None]]:
    """A folder and a uid that is not root to run make as: the current user when not root, else
    nobody (by setpriv); the folder is outside pytest's root-only temp folders."""
    if os.geteuid() != 0:
        folder = Path(tempfile.mkdtemp())
        yield folder, None
    else:
        if SETPRIV is None:
            pytest.skip("running as root without setpriv: cannot run make as another user")
        folder = Path(tempfile.mkdtemp(dir="/tmp"))
        folder.chmod(0o755)
        yield folder, NOBODY
    shutil.rmtree(folder)


def test_the_minimum_python_is_pyproject_s() -> None:
    required = re.search(r'requires-python = ">=([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert required and f"MIN_PYTHON := {required.group(1)}\n" in (ROOT / "Makefile").read_text()


@pytest.mark.parametrize("target", ["install", "demo", "test"])
def test_a_too_old_python_is_named_before_anything_is_made(project: Path, target: str) -> None:
    log = project / "python3.9.log"
    old = fake_python(project / "python3.9", log, version=(3, 9, 18))
    result = make(project, target, f"PYTHON={old}")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (f"make: osaid-audit needs Python 3.11 or newer, and {old} is "
                                             "Python 3.9.18: run make PYTHON=python3.11 (or newer)")
    assert not (project / ".venv").exists()
    assert not [call for call in calls(log) if call.startswith("-m")]


def test_a_missing_python_is_named(project: Path) -> None:
    result = make(project, "install", "PYTHON=python3-that-is-not-installed")
    assert result.returncode != 0 and "python3-that-is-not-installed is not found" in result.stderr
    assert not (project / ".venv").exists()


def test_a_failed_venv_is_removed(project: Path) -> None:
    python = fake_python(project / "python3", project / "python.log", version=(3, 12, 1), venv="half-made")
    result = make(project, "install", f"PYTHON={python}")
    assert result.returncode != 0
    assert f"make: {python} -m venv failed; removed the half-made .venv" in result.stderr.splitlines()
    assert not (project / ".venv").exists()


def test_a_failed_install_is_removed_and_the_next_run_starts_clean(project: Path) -> None:
    log = project / "python.log"
    python = fake_python(project / "python3", log, version=(3, 12, 1), venv="pip-fails")
    for _ in range(2):
        result = make(project, "install", f"PYTHON={python}")
        assert result.returncode != 0
        assert "make: installing into .venv failed; removed it so the next run starts clean" in result.stderr
        assert not (project / ".venv").exists()
    assert [call for call in calls(log) if call.startswith("-m venv")] == ["-m venv .venv"] * 2


def test_make_test_needs_no_root(unprivileged: tuple[Path, int | None]) -> None:
    folder, uid = unprivileged
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, folder / name)
    pytest_log = ready_venv(folder)
    bin_dir, apt_log = system_bin(folder)
    if uid is not None:
        for path in [folder, *folder.rglob("*")]:
            os.lchown(path, uid, uid)
    result = make(folder, "test", env={"PATH": str(bin_dir), "CI": "true", "HOME": str(folder)}, as_user=uid)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("make: no chromium on PATH: the browser test will be skipped "
                                             "(as root, INSTALL_BROWSER=1 installs Debian's)")
    assert calls(pytest_log) == ["-m pytest -q"] and not apt_log.exists()


@pytest.mark.parametrize(("env", "installs"), [({}, False), ({"CI": "true"}, True),
                                               ({"INSTALL_BROWSER": "1"}, True)])
def test_chromium_is_installed_only_as_root_and_when_asked(project: Path, env: dict[str, str],
                                                           installs: bool) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root installs chromium; test_make_test_needs_no_root covers this user")
    bin_dir, apt_log = system_bin(project)
    result = make(project, "browser", env={"PATH": str(bin_dir), **env})
    assert result.returncode == 0, result.stderr
    assert calls(apt_log) == (["update -qq", "install -y -qq chromium"] if installs else [])


def test_make_demo_audits_every_example(project: Path) -> None:
    shutil.copytree(ROOT / "fixtures" / "releases", project / "fixtures" / "releases")
    ready_venv(project)
    (project / ".venv" / "bin" / "audit").symlink_to(Path(sys.executable).parent / "audit")
    result = make(project, "demo")
    assert result.returncode == 0, result.stderr
    releases = sorted(p.name for p in (ROOT / "fixtures" / "releases").iterdir() if p.is_dir())
    assert re.findall(r"^Target: fixtures/releases/(.+)/  ", result.stdout, re.MULTILINE) == releases
    assert result.stdout.count("Verdict: ") == len(releases)
    # It ends with one summary row per release, on one screen.
    table = result.stdout[result.stdout.rindex("Summary of "):].splitlines()
    assert [row.split()[0] for row in table[-len(releases):]] == [f"fixtures/releases/{r}/" for r in releases]
    assert len(table) <= 24

