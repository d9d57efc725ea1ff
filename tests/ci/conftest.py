"""Fixtures for the CI tests: a runner's environment, and `pip install` of this project that works
without a package index.

A runner installs osaid-audit's dependencies from the index; the tests may not leave the loopback
interface, so a fresh virtual environment gets them (and the build backend) from the project's own
venv on PYTHONPATH, and pip is told not to resolve dependencies nor build in isolation. The tool
itself is still built and installed from source by the step under test.
"""

from __future__ import annotations

import os
import sysconfig
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_python import REAL_PYTHON
from gha_runner import Job
from release_checkout import copy_of_this_project

# The project itself (its editable install) and pip stay out: each venv uses its own pip.
NOT_DEPENDENCIES = ("auditor", "osaid_audit", "_editable_impl_osaid_audit", "__editable__", "pip", "__pycache__")


@pytest.fixture(scope="session")
def offline_pip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    purelib = Path(sysconfig.get_paths()["purelib"])
    assert (purelib / "hatchling").is_dir(), "the project's venv lacks hatchling (a test dependency): make install"
    dependencies = tmp_path_factory.mktemp("venv-dependencies")
    for entry in purelib.iterdir():
        if not entry.name.startswith(NOT_DEPENDENCIES):
            (dependencies / entry.name).symlink_to(entry)
    # pip reads a --no-X option's variable inverted: PIP_NO_BUILD_ISOLATION=0 is --no-build-isolation.
    return {"PYTHONPATH": str(dependencies), "PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1",
            "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="session")
def tool_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project's tree as a checkout of it would be: what OSAID_AUDIT_SOURCE names."""
    return copy_of_this_project(tmp_path_factory.mktemp("osaid-audit"))


def runner_bin(folder: Path) -> Path:
    """The runner's own tools that come first on PATH: a python3 of the required version."""
    folder.mkdir(exist_ok=True)
    if not (folder / "python3").exists():
        (folder / "python3").symlink_to(REAL_PYTHON)
    return folder


@pytest.fixture
def runner_env(tmp_path: Path, offline_pip: dict[str, str]) -> Callable[[Path | None], dict[str, str]]:
    """The environment a job's steps start from, with `bin_dir` (default: a python3 of the required
    version) first on PATH and no `audit` anywhere on it (the project's venv is not the runner's)."""
    def make(bin_dir: Path | None = None) -> dict[str, str]:
        bin_dir = bin_dir or runner_bin(tmp_path / "runner-bin")
        path = [d for d in os.environ["PATH"].split(os.pathsep) if d and not Path(d, "audit").exists()]
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
        return {**env, **offline_pip, "PATH": os.pathsep.join([str(bin_dir), *path])}
    return make


@pytest.fixture(scope="session")
def shared_runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A $RUNNER_TEMP kept across tests, as across the uses of the action in one job: the action's
    venv is made once and the tool reinstalled into it each time."""
    return tmp_path_factory.mktemp("shared-runner-temp")


@pytest.fixture
def new_job(tmp_path: Path, runner_env: Callable[[Path | None], dict[str, str]]) -> Callable[..., Job]:
    def make(workspace: Path, *, bin_dir: Path | None = None, temp: Path | None = None) -> Job:
        return Job(workspace=workspace, temp=temp or Path(tempfile.mkdtemp(prefix="runner-temp-", dir=tmp_path)),
                   env=runner_env(bin_dir), checkout_path=copy_of_this_project)
    return make
