"""A hostile release through the whole command: findings, never a crash, nothing executed or written."""

from __future__ import annotations

import os
import pickle
import struct
from pathlib import Path

from support import tree_digest


class _RunsCommand:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def build_hostile_release(root: Path, marker: Path) -> None:
    root.mkdir()
    (root / "pytorch_model.bin").write_bytes(pickle.dumps(_RunsCommand(marker), protocol=4))
    (root / "huge.safetensors").write_bytes(struct.pack("<Q", 2**60) + b"{}")
    (root / "notjson.safetensors").write_bytes(struct.pack("<Q", 8) + b"not json")
    (root / "README.md").write_bytes(os.urandom(2048).replace(b"\x00", b"\x01") + b"\x00")
    (root / "card.md").write_text("---\na: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n"
                                  "c: [*b,*b,*b,*b,*b,*b,*b,*b]\n---\n# Card\n")
    (root / "MODEL_CARD.md").write_text("---\nlicense: !!python/object/apply:os.system ['touch "
                                        f"{marker}']\n---\n# Model Details\n")
    os.symlink("/etc/passwd", root / "LICENSE")
    os.mkfifo(root / "weights.fifo")
    os.close(os.open(os.path.join(os.fsencode(root), b"\xff\xfe\x1b[31m.md"), os.O_CREAT | os.O_WRONLY))


def test_hostile_release_gives_findings_not_crashes(tmp_path: Path, run_cli) -> None:
    marker = tmp_path / "pwned"
    release = tmp_path / "release"
    build_hostile_release(release, marker)
    before = tree_digest(release)
    result = run_cli(release, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert not marker.exists()
    assert tree_digest(release) == before
    codes = {(f["code"], f["path"]) for f in report["findings"]}
    assert ("OSAID-A008", "pytorch_model.bin") in codes
    assert ("OSAID-A006", "huge.safetensors") in codes and ("OSAID-A006", "notjson.safetensors") in codes
    assert ("OSAID-A007", "README.md") in codes
    assert ("OSAID-A001", "LICENSE") in codes
    assert ("OSAID-A003", "weights.fifo") in codes
    assert ("OSAID-A005", "\\xff\\xfe\\x1b[31m.md") in codes
    assert "root:" not in result.stdout
    text = run_cli(release, "--fail-on", "never")
    assert "\x1b" not in text.stdout and text.exit_code == 0
