"""Warnings for a git working tree audited as a folder: what would not be in the release.

A release is what is committed. Files that are untracked, modified since the last commit or
ignored are on disk but would not ship, so the folder audit warns about each (weights that were
never committed are the classic case).
"""

from __future__ import annotations

import git

from auditor.escape import printable
from auditor.findings import Finding

MAX_LISTED = 50
_STATES = {"??": "untracked", "!!": "ignored by .gitignore", "A": "added but not committed",
           "M": "modified since the last commit", "D": "deleted but still committed", "R": "renamed, not committed"}


def uncommitted_findings(root: str) -> list[Finding]:
    try:
        repo = git.Repo(root)
        raw = repo.git.status("--porcelain=v1", "-z", "--ignored", "--untracked-files=normal")
    except (git.GitError, OSError, ValueError) as error:
        return [Finding("", "OSAID-A013", f"a .git folder is present but git status failed: {error}")]
    findings = []
    entries = [e for e in raw.split("\0") if e]
    for entry in entries[:MAX_LISTED]:
        code, path = entry[:2], entry[3:]
        state = _STATES.get(code) or _STATES.get(code.strip()[:1], f"git status {code.strip()}")
        findings.append(Finding(path.rstrip("/"), "OSAID-A013",
                                f"{state}: not in the committed release"))
    if len(entries) > MAX_LISTED:
        findings.append(Finding("", "OSAID-A013", f"{len(entries) - MAX_LISTED} more paths not in the committed "
                                                  f"release (run 'git status --ignored' in {printable(root)})"))
    return findings
