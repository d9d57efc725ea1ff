"""Targets files: one target per line, relative folders, git revisions, duplicates collapsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import BadTargetError
from auditor.fleet.targets import FleetTarget, read_targets_file


def test_targets_file_resolves_and_collapses(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    listed = tmp_path / "targets.txt"
    listed.write_text("# a census\n\na\n./a/\nhf://org/model\nhf://models/org/model\nhf://org/model@main\nhf://org/model@v1\n"
                      "'repo dir' --rev main\n  \n")
    assert read_targets_file(listed) == [
        FleetTarget(str(tmp_path / "a")), FleetTarget("hf://org/model"), FleetTarget("hf://org/model@v1"),
        FleetTarget(str(tmp_path / "repo dir"), "main")]
    assert str(FleetTarget("/x", "main")) == "/x --rev main"


@pytest.mark.parametrize("line", ["a b", "hf://org/model --rev main", "hf://bad", "'open"])
def test_a_bad_line_names_its_file_and_line(tmp_path: Path, line: str) -> None:
    listed = tmp_path / "targets.txt"
    listed.write_text(f"ok\n{line}\n")
    with pytest.raises(BadTargetError, match=r"targets.txt:2"):
        read_targets_file(listed)
