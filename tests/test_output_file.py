"""The one writer every output goes through: atomic, never through a link, a hard link or onto a
special file, and nothing left behind when it fails."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from auditor import output_file
from auditor.errors import AuditorError
from auditor.output_file import OutputError, check_destination, path_inside, refuse_release_file, write_output


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_writes_a_new_file_with_the_umask(tmp_path: Path) -> None:
    destination = tmp_path / "report.json"
    umask = os.umask(0o027)
    try:
        write_output(destination, "caf\u00e9\n")
    finally:
        os.umask(umask)
    assert destination.read_bytes() == "caf\u00e9\n".encode()
    assert stat.S_IMODE(destination.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_replaces_a_file_keeping_its_permissions(tmp_path: Path) -> None:
    destination = tmp_path / "report.json"
    destination.write_text("old, and longer than the new text\n")
    destination.chmod(0o600)
    inode = destination.stat().st_ino
    write_output(destination, "new\n")
    assert destination.read_text() == "new\n"
    assert stat.S_IMODE(destination.stat().st_mode) == 0o600
    assert destination.stat().st_ino != inode, "renamed over, never written in place"


@pytest.mark.parametrize("dangling", [False, True])
def test_never_writes_through_a_symbolic_link(tmp_path: Path, dangling: bool) -> None:
    outside = tmp_path / "outside.txt"
    if not dangling:
        outside.write_text("keep me\n")
    link = tmp_path / "report.sarif"
    link.symlink_to(outside)
    with pytest.raises(OutputError, match="report.sarif: it is a symbolic link"):
        write_output(link, "report\n")
    assert link.is_symlink() and os.readlink(link) == str(outside)
    assert (outside.read_text() == "keep me\n") if not dangling else not outside.exists()
    assert leftovers(tmp_path) == []


def test_never_writes_into_a_hard_linked_file(tmp_path: Path) -> None:
    release_file = tmp_path / "LICENSE"
    release_file.write_text("Apache License\n")
    other_name = tmp_path / "report.json"
    os.link(release_file, other_name)
    with pytest.raises(OutputError, match="other hard links"):
        write_output(other_name, "report\n")
    assert release_file.read_text() == "Apache License\n" and other_name.read_text() == "Apache License\n"


def test_folders_and_special_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    for path, reason in ((tmp_path / "folder", "it is a folder"), (tmp_path / "fifo", "not a regular file"),
                         (Path("/dev/null"), "not a regular file")):
        with pytest.raises(OutputError, match=reason):
            check_destination(path)
        with pytest.raises(OutputError, match=reason):
            write_output(path, "report\n")
    assert leftovers(tmp_path) == []


def test_check_destination_says_whether_it_exists(tmp_path: Path) -> None:
    assert check_destination(tmp_path / "new.json") is False
    (tmp_path / "old.json").write_text("{}")
    assert check_destination(tmp_path / "old.json") is True


def test_missing_folder_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"^cannot write .*nowhere/report.json: No such file or directory$"):
        write_output(tmp_path / "nowhere" / "report.json", "report\n")


def test_may_replace_decides_for_an_existing_file_only(tmp_path: Path) -> None:
    asked: list[Path] = []

    def keep(path: Path) -> None:
        asked.append(path)
        raise OutputError("kept")

    write_output(tmp_path / "new.json", "new\n", may_replace=keep)
    assert asked == [] and (tmp_path / "new.json").read_text() == "new\n"
    with pytest.raises(OutputError, match="kept"):
        write_output(tmp_path / "new.json", "newer\n", may_replace=keep)
    assert asked == [tmp_path / "new.json"] and (tmp_path / "new.json").read_text() == "new\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             failing: str) -> None:
    destination = tmp_path / "report.json"
    destination.write_text("old\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_file.os, failing, fail)
    with pytest.raises(OutputError, match=r"^cannot write .*report.json: No space left on device$"):
        write_output(destination, "new\n")
    monkeypatch.undo()
    assert destination.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output_file.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_output(tmp_path / "report.json", "new\n")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match=r"^cannot write .*report.json: Permission denied$"):
            write_output(folder / "report.json", "report\n")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


def test_errors_are_auditor_errors_with_escaped_names(tmp_path: Path) -> None:
    link = tmp_path / "evil\x1b[2Jname"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(AuditorError) as refused:
        write_output(link, "report\n")
    assert refused.value.exit_code == 2
    assert "\x1b" not in str(refused.value) and "evil\\x1b[2Jname" in str(refused.value)


# ------------------------------------------------------------------------------ inside the audited folder


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    release, outside = tmp_path / "release", tmp_path / "outside"
    (release / "docs").mkdir(parents=True)
    outside.mkdir()
    return release, outside


def test_path_inside_by_real_paths(places: tuple[Path, Path], tmp_path: Path) -> None:
    release, outside = places
    assert path_inside(release / "report.sarif", release) == "report.sarif"
    assert path_inside(release / "docs" / "report.sarif", release) == "docs/report.sarif"
    assert path_inside(outside / "report.sarif", release) is None
    (outside / "into").symlink_to(release / "docs")  # a parent outside that is a link into the release
    assert path_inside(outside / "into" / "report.sarif", release) == "docs/report.sarif"
    (tmp_path / "release-link").symlink_to(release)  # the release named through a link
    assert path_inside(release / "report.sarif", tmp_path / "release-link") == "report.sarif"
    assert path_inside(tmp_path / "release-link" / "x.json", release) == "x.json"


def test_a_folder_linked_out_of_the_release_is_refused(places: tuple[Path, Path]) -> None:
    release, outside = places
    (release / "reports").symlink_to(outside)
    with pytest.raises(OutputError, match="its folder is a symbolic link out of the audited release"):
        path_inside(release / "reports" / "report.sarif", release)


def test_refuse_release_file_keeps_what_this_tool_did_not_write(places: tuple[Path, Path]) -> None:
    release, _ = places
    (release / "README.md").write_text("# A model\n")
    with pytest.raises(OutputError, match="README.md: it is a file of the audited release"):
        refuse_release_file(release / "README.md")
    (release / "report.json").write_text('{"schema_version": "1", "tool": {"name": "osaid-audit"}}\n')
    refuse_release_file(release / "report.json")
