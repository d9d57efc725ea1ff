"""Helpers shared by the tests: the bundled example releases, CLI results, tree digests.

Kept out of conftest.py so that tests import them by a name no nested conftest can shadow.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

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


CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0"]
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium on PATH nor /usr/bin/chromium (as "
                                    "root, 'make browser INSTALL_BROWSER=1' installs Debian's)")


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with its own profile, its log on stderr."""
    return subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=60, check=False)


def console_errors(stderr: str) -> list[str]:
    """The page's console errors (a script error, a Content-Security-Policy refusal) in Chromium's log."""
    return [line for line in stderr.splitlines()
            if ("CONSOLE" in line and ("ERROR" in line or "Content Security Policy" in line)) or "Uncaught" in line]
