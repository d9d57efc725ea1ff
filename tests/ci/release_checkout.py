"""A CI job's working copy, built for the tests: a bundled example release committed to a fresh git
repository (the release is the checkout), and copies of this project's own tree (what
`actions/checkout` of osaid-audit, or a clone of it, would put on the runner)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from support import RELEASES, ROOT

# The developer's own git configuration (hooks, templates, signing) stays out of the tests' repositories.
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "ci", "GIT_AUTHOR_EMAIL": "ci@localhost",
           "GIT_COMMITTER_NAME": "ci", "GIT_COMMITTER_EMAIL": "ci@localhost"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], env=GIT_ENV, check=True,
                          capture_output=True, text=True).stdout


def release_checkout(release: str, dest: Path, extra_files: dict[str, str] | None = None) -> Path:
    """`dest` as a CI checkout of the bundled release `release` (plus `extra_files`): a shallow
    clone of a repository that commits it, as `actions/checkout` or GitLab's runner makes one."""
    origin = dest.with_name(dest.name + ".origin")
    shutil.copytree(RELEASES / release, origin)
    for name, text in (extra_files or {}).items():
        (origin / name).write_text(text, encoding="utf-8")
    git(origin, "-c", "init.defaultBranch=main", "init", "-q")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", f"release {release}")
    git(origin.parent, "clone", "-q", "--depth", "1", origin.as_uri(), dest.name)
    return dest


def copy_of_this_project(dest: Path) -> Path:
    """This working tree's files as git would check them out (tracked and new, not ignored)."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree is still listed as cached
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def files_outside_git(root: Path) -> dict[str, str]:
    """The sha256 of every file of a checkout but its .git folder (which `git status` may refresh)."""
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*"))
            if path.is_file() and ".git" not in path.relative_to(root).parts}
