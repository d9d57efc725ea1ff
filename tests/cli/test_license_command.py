"""`audit license FILE...`: identification, restrictions with lines, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from support import RELEASES

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_open_licence_exits_0(run_cli) -> None:
    result = run_cli("license", FIXTURES / "licenses" / "apache-2.0.txt")
    assert result.exit_code == 0
    assert "Apache-2.0 (Apache License 2.0) [osi-approved, 100.0% match]" in result.stdout


def test_restricted_licence_exits_1_with_cited_lines(run_cli) -> None:
    result = run_cli("license", RELEASES / "llama-style" / "LICENSE", "--format", "json")
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["id"] == "llama-2-community" and entry["class"] == "restricted" and entry["match"] == 1.0
    kinds = {r["kind"] for r in entry["restrictions"]}
    assert {"user-threshold", "field-of-use", "no-improving-other-models"} <= kinds
    assert set(entry["restrictions"][0]) == {"kind", "line_start", "line_end", "text", "freedom", "osd", "code"}


def test_unknown_text_exits_1(run_cli, tmp_path: Path) -> None:
    terms = tmp_path / "TERMS"
    terms.write_text("Be nice.\n")
    assert run_cli("license", terms).exit_code == 1


def test_bad_input_exits_2(run_cli, tmp_path: Path) -> None:
    (tmp_path / "blob").write_bytes(b"\x00\x01\x02")
    for args in (["license", tmp_path / "missing"], ["license", tmp_path], ["license", tmp_path / "blob"],
                 ["license"]):
        result = run_cli(*args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
