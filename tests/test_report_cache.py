"""Whole reports from the cache: a repeat audit of an unchanged release answers without auditing,
with the same bytes; any change to the files, the checklist, the waivers or the day is a miss."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import RELEASES

from auditor import audit as audit_module
from auditor.evaluation.checklist import load_checklist
from auditor.report_cache import report_key
from auditor.sources.git import GitRevisionSource
from auditor.sources.local import LocalFolderSource


def json_report(run_cli, release: Path, *args: str) -> tuple[int, str]:
    result = run_cli(release, "--format", "json", *args)
    return result.exit_code, result.stdout


def test_a_repeat_audit_answers_from_the_cache_with_the_same_bytes(run_cli, cached: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "open-release", release)
    first = json_report(run_cli, release)
    monkeypatch.setenv("OSAID_AUDIT_NO_CACHE", "1")
    assert json_report(run_cli, release) == first  # the same bytes as an audit without any cache
    monkeypatch.delenv("OSAID_AUDIT_NO_CACHE")

    def no_audit(*args: object, **kwargs: object) -> None:
        raise AssertionError("audited again")

    with monkeypatch.context() as patched:
        patched.setattr(audit_module, "_audited", no_audit)
        assert json_report(run_cli, release) == first
        other = run_cli(release, "--format", "json", "--checklist", "mof-1.0")  # another key: a miss, audited
        assert other.exit_code == 2 and "audited again" in other.stderr
    assert run_cli(release, "--verify-hashes", "-q").exit_code == 0  # hashes are always verified, not cached
    # One small file changed: the report follows it.
    (release / "LICENSE").write_text((RELEASES / "llama-style" / "LICENSE").read_text())
    changed = json_report(run_cli, release)
    assert changed != first and changed[0] == 1


def test_every_input_of_the_report_is_in_its_key(tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "open-release", release)
    shard = release / "big.bin"
    shard.write_bytes(b"\0" * (5 * 1024 * 1024))  # past the whole-content limit: known by its identity
    checklist = load_checklist("osaid-1.0")
    today = dt.date(2026, 12, 2)

    def key(given: tuple = (checklist, None, None, True, True), day: dt.date = today) -> str | None:
        source = LocalFolderSource(release)
        return report_key(source, source.inventory(), given, day)

    first = key()
    assert first is not None and key() == first
    assert key(day=today + dt.timedelta(days=1)) != first  # waivers expire
    assert key((load_checklist("mof-1.0"), None, None, True, True)) != first
    assert key((checklist, [], None, True, True)) != first
    assert key((checklist, None, None, True, False)) != first
    before = shard.stat()
    with shard.open("r+b") as file:  # same size, same modification time: only the change time moves
        file.seek(3 * 1024 * 1024)
        file.write(b"\1")
    os.utime(shard, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert key() != first
    second = key()
    (release / "README.md").write_text((release / "README.md").read_text() + "\n")
    assert key() != second


def test_a_release_of_many_files_is_not_kept_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.report_cache as report_cache

    source = LocalFolderSource(RELEASES / "open-release")
    inventory = source.inventory()
    given = (load_checklist("osaid-1.0"), None, None, True, True)
    assert report_key(source, inventory, given, dt.date(2026, 12, 2)) is not None
    monkeypatch.setattr(report_cache, "MAX_FILES", len(inventory.artifacts) - 1)
    assert report_key(source, inventory, given, dt.date(2026, 12, 2)) is None


def test_a_git_revision_is_keyed_by_its_commit(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    shutil.copytree(RELEASES / "open-release", repository)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repository)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repository)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    given = (load_checklist("osaid-1.0"), None, None, True, True)
    source = GitRevisionSource(str(repository), "main")
    first = report_key(source, source.inventory(), given, dt.date(2026, 12, 2))
    (repository / "LICENSE").write_text("changed\n")
    subprocess.run([*git, "commit", "-q", "-am", "two"], check=True)
    source = GitRevisionSource(str(repository), "main")
    assert first is not None and report_key(source, source.inventory(), given, dt.date(2026, 12, 2)) != first
