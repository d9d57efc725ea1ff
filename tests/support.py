"""Helpers shared by the tests: the bundled example releases, CLI results, tree digests.

Kept out of conftest.py so that tests import them by a name no nested conftest can shadow.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import jsonschema

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
