"""Outputs that cannot be turned against the user, through the real command.

A report, badge or drafted manifest never goes through a symbolic link, into a hard-linked file or
over a release file; inside the audited folder only a new file or a report this tool wrote earlier
may be written, and that report is left out of the next audit, so running the same command twice
from a release checkout gives the same bytes. Every refusal is exit 2 with one line naming the file.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import RELEASES, CliResult, tree_digest


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org",
                           "-c", "commit.gpgsign=false", *args], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A release whose gate fails (exit 1), so that a changed exit code would show."""
    copy = tmp_path / "release"
    shutil.copytree(RELEASES / "llama-style", copy)
    return copy


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SENTINEL outside the release\n")
    return secret


@pytest.fixture
def checkout(release: Path) -> Path:
    git(release, "init", "-q")
    git(release, "add", "-A")
    git(release, "commit", "-q", "-m", "release")
    git(release, "tag", "v1")
    return release


def refused(result: CliResult, *names: str) -> None:
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("audit: error: "), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for name in names:
        assert name in result.stderr


def temp_files(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


# ------------------------------------------------------------------------------------------ --output


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_output_at_a_hard_link_of_a_release_file_is_refused(run_cli, release: Path, outside: Path,
                                                            where: str) -> None:
    link = (release if where == "inside" else outside.parent) / "report.sarif"
    os.link(release / "LICENSE", link)
    before = tree_digest(release)
    refused(run_cli(release, "--format", "sarif", "--output", link), str(link), "hard links")
    assert tree_digest(release) == before
    assert (release / "LICENSE").read_bytes() == (RELEASES / "llama-style" / "LICENSE").read_bytes()


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_output_at_a_symbolic_link_to_a_file_outside_is_refused(run_cli, release: Path, outside: Path,
                                                                where: str) -> None:
    link = (release if where == "inside" else outside.parent) / "report.sarif"
    link.symlink_to(outside)
    before = tree_digest(release)
    refused(run_cli(release, "--format", "sarif", "--output", link), str(link), "symbolic link")
    assert tree_digest(release) == before
    assert outside.read_text() == "SENTINEL outside the release\n"


def test_output_in_a_folder_linked_out_of_the_release_is_refused(run_cli, release: Path, outside: Path) -> None:
    (release / "reports").symlink_to(outside.parent)
    before = tree_digest(release)
    refused(run_cli(release, "--format", "json", "--output", release / "reports" / "report.json"),
            "its folder is a symbolic link out of the audited release")
    assert tree_digest(release) == before and os.listdir(outside.parent) == ["secret.txt"]


@pytest.mark.parametrize("name", ["README.md", "config.json", "llama/model.py"])
def test_output_at_an_existing_release_file_is_refused(run_cli, release: Path, name: str) -> None:
    before = tree_digest(release)
    refused(run_cli(release, "--format", "json", "--output", release / name),
            f"{release / name}: it is a file of the audited release")
    assert tree_digest(release) == before


def test_output_at_a_release_file_through_a_parent_linked_into_the_release(run_cli, release: Path,
                                                                           tmp_path: Path) -> None:
    (tmp_path / "into").symlink_to(release / "llama")
    before = tree_digest(release)
    refused(run_cli(release, "--format", "json", "--output", tmp_path / "into" / "model.py"),
            "it is a file of the audited release")
    assert tree_digest(release) == before


@pytest.mark.parametrize(("fmt", "name"), [("sarif", "osaid-audit.sarif"), ("json", "report.json"),
                                           ("html", "reports/report.html")])
def test_report_inside_a_checkout_is_left_out_of_the_next_audit(run_cli, checkout: Path, fmt: str, name: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The GitHub Action's defaults, run twice in the same workspace: target `.`, report inside it."""
    (checkout / name).parent.mkdir(exist_ok=True)  # an empty folder made for the report
    monkeypatch.chdir(checkout)
    first = run_cli(".", "--format", fmt, "--output", name)
    assert first.exit_code == 1 and "gate failed" in first.stderr, first.stderr
    written = (checkout / name).read_bytes()
    # git now sees the report: were it audited, the next report would list it as untracked.
    assert git(checkout, "status", "--porcelain", "--untracked-files=all") == f"?? {name}\n"
    second = run_cli(".", "--format", fmt, "--output", name)
    assert (second.exit_code, second.stderr) == (first.exit_code, first.stderr)
    assert (checkout / name).read_bytes() == written
    assert temp_files(checkout) == [] and temp_files((checkout / name).parent) == []


def test_report_inside_a_folder_target_is_not_audited(run_cli, release: Path) -> None:
    report = release / "results.json"  # a name the detectors take for evaluation results
    assert run_cli(release, "--format", "json", "--output", report, "--fail-on", "never").exit_code == 0
    first = report.read_text()
    assert run_cli(release, "--format", "json", "--output", report, "--fail-on", "never").exit_code == 0
    assert report.read_text() == first and "results.json" not in first
    # Audited by a run that does not write it, the same file is part of the release.
    assert '"path": "results.json"' in run_cli(release, "--format", "json", "--fail-on", "never").stdout


def test_a_report_replaces_an_earlier_report_of_another_format(run_cli, release: Path) -> None:
    report = release / "osaid-audit.out"
    assert run_cli(release, "--format", "markdown", "--output", report, "--fail-on", "never").exit_code == 0
    assert run_cli(release, "--format", "junit", "--output", report, "--fail-on", "never").exit_code == 0
    assert report.read_text().startswith("<?xml")


# ------------------------------------------------------------------------------------------------ --rev


def test_rev_output_at_a_tracked_work_tree_file_is_refused(run_cli, checkout: Path) -> None:
    before = tree_digest(checkout)
    refused(run_cli(checkout, "--rev", "v1", "--format", "sarif", "--output", checkout / "README.md"),
            f"{checkout / 'README.md'}: it is a file of the audited release")
    assert tree_digest(checkout) == before


def test_rev_output_at_a_new_work_tree_file_is_written(run_cli, checkout: Path) -> None:
    report = checkout / "new.sarif"
    result = run_cli(checkout, "--rev", "v1", "--format", "sarif", "--output", report)
    assert result.exit_code == 1 and report.read_text().startswith("{")
    assert git(checkout, "status", "--porcelain") == "?? new.sarif\n"
    first = report.read_bytes()
    second = run_cli(checkout, "--rev", "v1", "--format", "sarif", "--output", report)
    assert second.exit_code == 1 and report.read_bytes() == first


def test_rev_output_at_a_committed_report_is_refused(run_cli, checkout: Path) -> None:
    report = checkout / "osaid-audit.sarif"
    assert run_cli(checkout, "--rev", "v1", "--format", "sarif", "--output", report).exit_code == 1
    git(checkout, "add", "osaid-audit.sarif")
    git(checkout, "commit", "-q", "-m", "keep the report")
    committed = report.read_bytes()
    refused(run_cli(checkout, "--rev", "HEAD", "--format", "sarif", "--output", report),
            str(report), "committed in the audited revision")
    assert report.read_bytes() == committed


# ------------------------------------------------------------------------------------------ init, badge


@pytest.mark.parametrize("force", [False, True])
def test_init_never_writes_through_a_release_yaml_link(run_cli, release: Path, outside: Path, force: bool) -> None:
    (release / "release.yaml").symlink_to(outside)
    before = tree_digest(release)
    refused(run_cli("init", release, *(["--force"] if force else [])), "release.yaml: it is a symbolic link")
    assert tree_digest(release) == before
    assert outside.read_text() == "SENTINEL outside the release\n"


def test_init_never_writes_through_a_link_inside_the_release(run_cli, release: Path) -> None:
    (release / "release.yaml").symlink_to("README.md")
    before = tree_digest(release)
    refused(run_cli("init", release, "--force"), "release.yaml: it is a symbolic link")
    assert tree_digest(release) == before


def test_badge_never_writes_through_a_link(run_cli, release: Path, outside: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    assert run_cli(release, "--format", "json", "--output", report, "--fail-on", "never").exit_code == 0
    link = tmp_path / "badge.svg"
    link.symlink_to(outside)
    refused(run_cli("badge", report, "-o", link), str(link), "symbolic link")
    assert outside.read_text() == "SENTINEL outside the release\n"
    assert run_cli("badge", report, "-o", tmp_path / "real.svg").exit_code == 0
    assert (tmp_path / "real.svg").read_text().startswith("<svg")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_failed_write_is_one_line_and_leaves_no_temp_file(run_cli, release: Path, tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        refused(run_cli(release, "--format", "sarif", "--output", folder / "report.sarif"),
                "report.sarif: Permission denied")
        refused(run_cli("init", release, "--output", folder / "release.yaml"), "Permission denied")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


def test_a_write_that_fails_midway_keeps_the_old_report_and_no_temp_file(run_cli, release: Path) -> None:
    """The installed command with a 4 KiB file-size limit (which binds root too): the temp file
    fails once it is partly written, and is removed; the earlier report stays whole."""
    report = release / "osaid-audit.sarif"
    assert run_cli(release, "--format", "sarif", "--output", report).exit_code == 1
    earlier = report.read_bytes()
    assert len(earlier) > 4096
    (release / "NOTES.md").write_text("# Notes\n\nA change since the earlier report.\n")

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    done = subprocess.run([str(Path(sys.executable).parent / "audit"), str(release), "--format", "sarif",
                           "--output", str(report)], capture_output=True, text=True, timeout=120,
                          preexec_fn=limit_file_size, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    refused(CliResult(done.returncode, done.stdout, done.stderr), str(report), "File too large")
    assert report.read_bytes() == earlier
    assert temp_files(release) == []
