"""Hostile git repositories through the real command: metadata that makes git run a program, read or
list files outside the release, or write into it.

Each repository is made with the git CLI, then made hostile. Where git itself can be shown to fall for
the attack, `armed` first runs git on a copy and sees the marker appear (or the outside path listed),
so that a passing test means the auditor resisted a live attack. Then the release is audited with the
common contract of `audit` (no marker, not one byte changed, `.git/index` included, no traceback), and
no path or content from outside the release may appear in the report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import CliResult
from test_hostile_releases import APACHE, SENTINEL, Hostile, audit, findings

GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}


def git(repo: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org",
                           "-c", "commit.gpgsign=false", *args], check=check, capture_output=True, text=True,
                          env=GIT_ENV, timeout=30).stdout.strip()


def make_repository(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "LICENSE").write_bytes(APACHE)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Model Details\nweights: model.bin\n")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "release")
    git(folder, "tag", "v1")
    return folder


@pytest.fixture
def hostile(tmp_path: Path) -> Hostile:
    return Hostile(tmp_path)


@pytest.fixture
def repo(hostile: Hostile) -> Hostile:
    make_repository(hostile.release)
    return hostile


def armed(hostile: Hostile, *git_args: str) -> str:
    """Runs git on a copy of the release and checks that the attack works on git: the marker appears.
    Returns git's output."""
    copy = hostile.release.parent / "armed-copy"
    shutil.copytree(hostile.release, copy, symlinks=True)
    try:
        done = subprocess.run(["git", "-C", str(copy), *git_args], capture_output=True, text=True, env=GIT_ENV,
                              timeout=30)
    finally:
        shutil.rmtree(copy)
    assert hostile.marker.exists(), f"the attack does not work on git either: {done.stderr}"
    hostile.marker.unlink()
    return done.stdout


def audited(run_cli, hostile: Hostile, *args: str, exit_code: int = 0) -> CliResult:
    """The audit, checked for the common contract and for anything from outside the release."""
    index = hostile.release / ".git" / "index"
    index_before = index.read_bytes() if index.is_file() else None
    result = audit(run_cli, hostile, *args, exit_code=exit_code)
    assert (index.read_bytes() if index.is_file() else None) == index_before
    assert SENTINEL not in result.stdout + result.stderr, "something from outside the release was reported"
    assert str(hostile.outside) not in result.stdout + result.stderr
    return result


def touch(hostile: Hostile) -> str:
    return f"touch {hostile.marker}"


def same_size_edit(path: Path) -> None:
    """Changes a tracked file without changing its size, so git must compare contents (and filter)."""
    data = path.read_bytes()
    path.write_bytes(data[:-2] + (b"X\n" if data[-2:] != b"X\n" else b"Y\n"))


# ------------------------------------------------------------------------------- configuration that runs


def test_fsmonitor_command_is_not_run(repo: Hostile, run_cli) -> None:
    git(repo.release, "config", "core.fsmonitor", f"{touch(repo)}; false")
    same_size_edit(repo.release / "README.md")
    armed(repo, "status", "--porcelain")
    report = audited(run_cli, repo, "--format", "json").json()
    assert findings(report, "OSAID-A013")["README.md"].startswith("modified")


def test_clean_and_smudge_filters_are_not_run(repo: Hostile, run_cli) -> None:
    (repo.release / ".gitattributes").write_text("*.md filter=evil\nLICENSE filter=evil\n")
    git(repo.release, "add", ".gitattributes")
    git(repo.release, "commit", "-qm", "attributes")
    for key in ("clean", "smudge", "process"):
        git(repo.release, "config", f"filter.evil.{key}", f"{touch(repo)}; cat")
    git(repo.release, "config", "filter.evil.required", "true")
    same_size_edit(repo.release / "README.md")
    armed(repo, "status", "--porcelain")
    warned = findings(audited(run_cli, repo, "--format", "json").json(), "OSAID-A013")
    assert warned["README.md"].startswith("modified") and "LICENSE" not in warned
    assert audited(run_cli, repo, "--format", "json", "--rev", "HEAD").json()["target"]["kind"] == "git"


HOOKS = ("post-checkout", "post-index-change", "fsmonitor-watchman", "reference-transaction")


def test_hooks_are_not_run(repo: Hostile, run_cli) -> None:
    for name in HOOKS:
        hook = repo.release / ".git" / "hooks" / name
        hook.write_text(f"#!/bin/sh\n{touch(repo)}\nexit 0\n")
        hook.chmod(0o755)
    git(repo.release, "config", "core.fsmonitor", ".git/hooks/fsmonitor-watchman")
    same_size_edit(repo.release / "LICENSE")
    armed(repo, "checkout", "-q", "-b", "other")  # post-checkout and reference-transaction
    assert findings(audited(run_cli, repo, "--format", "json").json(), "OSAID-A013")["LICENSE"]
    audited(run_cli, repo, "--format", "json", "--rev", "v1")


@pytest.mark.parametrize("key", ["core.pager", "diff.external", "core.editor", "core.sshCommand",
                                 "credential.helper", "gpg.program", "core.askPass"])
def test_configured_programs_are_not_run(repo: Hostile, run_cli, key: str) -> None:
    git(repo.release, "config", key, f"{touch(repo)}; true")
    git(repo.release, "config", "pager.status", "true")
    same_size_edit(repo.release / "README.md")
    if key == "diff.external":
        armed(repo, "diff")
    audited(run_cli, repo, "--format", "json")
    audited(run_cli, repo, "--format", "json", "--rev", "main")


# ------------------------------------------------------------------------- metadata that points outside


def test_config_includes_outside_the_release_are_not_read(repo: Hostile, run_cli) -> None:
    elsewhere = repo.outside / f"{SENTINEL}-worktree"
    elsewhere.mkdir()
    (elsewhere / f"{SENTINEL}.bin").write_bytes(b"\x80\x04N.")
    evil = repo.outside / "evil.cfg"
    evil.write_text(f"[core]\n\tfsmonitor = {touch(repo)}; false\n\tworktree = {elsewhere}\n")
    git(repo.release, "config", "include.path", str(evil))
    git(repo.release, "config", "includeIf.gitdir:/.path", str(evil))
    armed(repo, "status", "--porcelain")
    report = audited(run_cli, repo, "--format", "json").json()
    assert "README.md" in {e["path"] for c in report["components"] for e in c["evidence"]}
    audited(run_cli, repo, "--format", "json", "--rev", "v1")


def test_core_worktree_outside_the_release_is_not_listed(repo: Hostile, run_cli) -> None:
    elsewhere = repo.outside / "worktree"
    elsewhere.mkdir()
    (elsewhere / f"{SENTINEL}.bin").write_bytes(b"\x80\x04N.")
    git(repo.release, "config", "core.worktree", str(elsewhere))
    assert SENTINEL in subprocess.run(["git", "-C", str(repo.release), "status", "--porcelain"], env=GIT_ENV,
                                      capture_output=True, text=True, check=True).stdout  # git lists it
    report = audited(run_cli, repo, "--format", "json").json()
    assert not findings(report, "OSAID-A013")  # the release itself is clean


def test_git_file_pointing_outside_is_not_followed(hostile: Hostile, run_cli) -> None:
    other = make_repository(hostile.outside / "repo")
    (other / f"{SENTINEL}.bin").write_bytes(b"\x80\x04N.")
    git(other, "add", "-A")
    git(other, "commit", "-qm", "sentinel")
    git(other, "config", "core.fsmonitor", f"{touch(hostile)}; false")
    (hostile.release / "README.md").write_text("# Model Details\n")
    (hostile.release / ".git").write_text(f"gitdir: {other / '.git'}\n")
    assert SENTINEL in armed(hostile, "status", "--porcelain")  # git lists the other repository's files
    report = audited(run_cli, hostile, "--format", "json").json()
    assert "not followed" in findings(report, "OSAID-A016")[".git"]
    assert not findings(report, "OSAID-A013")
    assert ".git" not in {e["path"] for c in report["components"] for e in c["evidence"]}
    error = audited(run_cli, hostile, "--rev", "HEAD", exit_code=2).stderr
    assert ".git is a file" in error and "not followed" in error


def test_git_symlink_pointing_outside_is_not_followed(hostile: Hostile, run_cli) -> None:
    other = make_repository(hostile.outside / f"{SENTINEL}-repo")
    os.symlink(other / ".git", hostile.release / ".git")
    report = audited(run_cli, hostile, "--format", "json").json()
    assert "symbolic link" in findings(report, "OSAID-A016")[".git"]
    assert "OSAID-A001" not in {f["code"] for f in report["findings"]}  # one finding, not two
    assert "not followed" in audited(run_cli, hostile, "--rev", "HEAD", exit_code=2).stderr


# --------------------------------------------------------------------------------- the object store (--rev)


def test_promisor_remote_is_never_asked_for_a_missing_blob(repo: Hostile, run_cli) -> None:
    blob = git(repo.release, "rev-parse", "HEAD:LICENSE")
    (repo.release / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    for key, value in (("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                       ("remote.origin.promisor", "true"), ("remote.origin.url", f"ext::sh -c touch% {repo.marker}"),
                       ("remote.origin.uploadpack", f"{touch(repo)};"), ("protocol.ext.allow", "always"),
                       ("protocol.allow", "always")):
        git(repo.release, "config", key, value)
    armed(repo, "cat-file", "-p", blob)
    report = audited(run_cli, repo, "--format", "json", "--rev", "v1").json()
    assert "missing from the object store" in findings(report, "OSAID-A004")["LICENSE"]
    assert "README.md" not in findings(report, "OSAID-A004")


def test_alternates_are_ignored(repo: Hostile, run_cli) -> None:
    other = make_repository(repo.outside / "other")
    secret = other / "NOTICE"
    secret.write_text(f"{SENTINEL}: text that lives in another repository\n")
    git(other, "add", "NOTICE")
    git(other, "commit", "-qm", "notice")
    alternates = repo.release / ".git" / "objects" / "info" / "alternates"
    alternates.write_text(f"{other / '.git' / 'objects'}\n")
    blob = git(other, "rev-parse", "HEAD:NOTICE")
    git(repo.release, "update-index", "--add", "--cacheinfo", f"100644,{blob},NOTICE")
    git(repo.release, "commit", "-qm", "borrowed notice")
    assert SENTINEL in git(repo.release, "cat-file", "-p", "HEAD:NOTICE")  # git reads the other repository
    report = audited(run_cli, repo, "--format", "json", "--rev", "HEAD").json()
    assert "missing from the object store" in findings(report, "OSAID-A004")["NOTICE"]
    assert "alternates" in findings(report, "OSAID-A016")[".git/objects/info/alternates"]
    assert "LICENSE" not in findings(report, "OSAID-A004")  # the release's own objects were read


def test_pack_folder_linked_outside_is_not_read(repo: Hostile, run_cli) -> None:
    git(repo.release, "gc", "-q")
    pack = repo.release / ".git" / "objects" / "pack"
    shutil.move(pack, repo.outside / "pack")
    os.symlink(repo.outside / "pack", pack)
    assert git(repo.release, "cat-file", "-t", "v1") == "commit"  # git follows the link
    error = audited(run_cli, repo, "--rev", "v1", exit_code=2).stderr
    assert "revision 'v1' not found" in error and "not followed" in error
    report = audited(run_cli, repo, "--format", "json").json()
    assert ".git/objects/pack" in findings(report, "OSAID-A016")


def test_pack_files_linked_outside_are_not_read(repo: Hostile, run_cli) -> None:
    git(repo.release, "gc", "-q")
    pack = repo.release / ".git" / "objects" / "pack"
    for path in sorted(pack.iterdir()):
        shutil.move(path, repo.outside / path.name)
        os.symlink(repo.outside / path.name, path)
    error = audited(run_cli, repo, "--rev", "v1", exit_code=2).stderr
    assert "a link in the pack folder; not followed" in error
