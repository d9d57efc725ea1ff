"""The local folder source: what it lists, what it refuses to follow or open."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from auditor.errors import BadTargetError
from auditor.sources.interface import ArtifactKind
from auditor.sources.local import LocalFolderSource


def codes(inventory) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in inventory.findings:
        found.setdefault(finding.code, set()).add(finding.path)
    return found


def test_lists_files_sorted_with_sizes_and_lazy_content(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("hello\n")
    (tmp_path / "a.bin").write_bytes(b"\x00\x01" * 5000)
    inventory = LocalFolderSource(tmp_path).inventory()
    assert [(a.path, a.size) for a in inventory.artifacts] == [("a.bin", 10000), ("b/x.txt", 6)]
    text_file = inventory.get("b/x.txt")
    assert text_file.text == "hello\n" and text_file.folder == "b" and text_file.suffix == ".txt"
    binary = inventory.get("a.bin")
    assert binary.text is None and len(binary.head) == 4096 and binary.read(9998, 10) == b"\x00\x01"


def test_symlinks_out_of_the_root_and_loops_are_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("do not read")
    release = tmp_path / "release"
    release.mkdir()
    (release / "real.txt").write_text("inside")
    os.symlink(outside / "secret.txt", release / "escape.txt")
    os.symlink("../outside", release / "escape-dir")
    os.symlink("loop-b", release / "loop-a")
    os.symlink("loop-a", release / "loop-b")
    os.symlink("missing-target", release / "broken")
    os.symlink("real.txt", release / "alias.txt")
    inventory = LocalFolderSource(release).inventory()
    found = codes(inventory)
    assert found["OSAID-A001"] == {"escape.txt", "escape-dir"}
    assert found["OSAID-A002"] == {"loop-a", "loop-b", "broken"}
    assert [a.path for a in inventory.artifacts] == ["alias.txt", "real.txt"]
    assert inventory.get("alias.txt").text == "inside"


def test_fifo_and_device_nodes_are_listed_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    try:
        os.mknod(tmp_path / "null-device", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        has_device = True
    except PermissionError:
        has_device = False
    inventory = LocalFolderSource(tmp_path).inventory()
    pipe = inventory.get("pipe")
    assert pipe.kind is ArtifactKind.SPECIAL
    # Opening a FIFO with no writer would block forever: reading must not even try.
    assert pipe.head == b"" and pipe.text is None
    expected = {"pipe", "null-device"} if has_device else {"pipe"}
    assert codes(inventory)["OSAID-A003"] == expected


def test_unusual_names_are_escaped(tmp_path: Path) -> None:
    os.close(os.open(os.path.join(os.fsencode(tmp_path), b"bad-\xff-name.md"), os.O_CREAT | os.O_WRONLY))
    (tmp_path / "evil\x1b[31mred.txt").write_text("x")
    inventory = LocalFolderSource(tmp_path).inventory()
    assert codes(inventory)["OSAID-A005"] == {"bad-\\xff-name.md", "evil\\x1b[31mred.txt"}
    assert all("\x1b" not in f.path for f in inventory.findings)


def test_read_errors_are_recorded_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "LICENSE").write_text("MIT")
    source = LocalFolderSource(tmp_path)
    inventory = source.inventory()

    def denied(*_args: object) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(source, "read", denied)
    artifact = inventory.get("LICENSE")
    assert artifact.text is None and artifact.read_error == "Permission denied"


def test_deep_folders_do_not_recurse(tmp_path: Path) -> None:
    folder = tmp_path
    for _ in range(600):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "leaf.txt").write_text("deep")
    inventory = LocalFolderSource(tmp_path).inventory()
    assert inventory.artifacts[0].path.endswith("/d/leaf.txt")


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_bad_targets(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "x"
    if kind == "file":
        target.write_text("not a folder")
    with pytest.raises(BadTargetError):
        LocalFolderSource(target)
