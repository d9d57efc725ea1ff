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


REPO = Path(__file__).resolve().parents[2]


def test_a_readme_is_a_document_that_points_to_its_licence(run_cli, tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text((FIXTURES / "licenses" / "apache-2.0.txt").read_text())
    (tmp_path / "README.md").write_text(
        "# Tool\n\nInstall it.\n\n## Licence\n\nApache-2.0, see the LICENSE file.\n\n"
        "Other models say: you may not use the model for commercial purposes.\n")
    result = run_cli("license", tmp_path / "README.md", "--format", "json")
    assert result.exit_code == 0
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["id"] is None and entry["class"] == "notice" and entry["restrictions"] == []
    document = entry["document"]
    assert "README.md" in document["why"]
    pointer = next(m for m in document["mentions"] if m["kind"] == "pointer")
    assert pointer["files"] == ["LICENSE"] and pointer["resolved"]["id"] == "Apache-2.0"
    assert document["term_lines"] == [9]  # the described non-commercial clause is cited, not applied
    text = run_cli("license", tmp_path / "README.md").stdout
    assert "not a licence text" in text and "points to LICENSE: Apache-2.0 [osi-approved]" in text
    assert "line 9: read like restrictive terms" in text


def test_a_guide_with_code_blocks_is_a_document(run_cli, tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text("Run it:\n\n```\naudit .\n```\n\nThe code is released under the MIT License.\n")
    (entry,) = json.loads(run_cli("license", guide, "--format", "json").stdout)["files"]
    assert entry["document"]["why"] == "it holds code blocks"
    assert [m["expression"] for m in entry["document"]["mentions"]] == ["MIT"]


def test_a_licence_in_markdown_keeps_its_licence_reading(run_cli, tmp_path: Path) -> None:
    # A use policy is prose in Markdown too, but its name says it is terms: its restrictions stand.
    policy = tmp_path / "USE_POLICY.md"
    policy.write_text("# Acceptable use\n\n```\nv1\n```\n\nYou may not use the model for military purposes.\n")
    result = run_cli("license", policy, "--format", "json")
    (entry,) = json.loads(result.stdout)["files"]
    assert result.exit_code == 1 and entry["document"] is None
    assert [r["kind"] for r in entry["restrictions"]] == ["field-of-use"]
    # A README that is a licence text (the whole Apache licence) is read as that licence.
    readme = tmp_path / "README"
    readme.write_text((FIXTURES / "licenses" / "apache-2.0.txt").read_text())
    (entry,) = json.loads(run_cli("license", readme, "--format", "json").stdout)["files"]
    assert entry["id"] == "Apache-2.0" and entry["document"] is None


def test_the_projects_own_readme_is_not_called_a_licence(run_cli) -> None:
    result = run_cli("license", REPO / "README.md")
    first = result.stdout.splitlines()[0]
    assert result.exit_code == 0 and "not a licence text" in first and "restricted" not in first
    assert "points to LICENSE: Apache-2.0 [osi-approved]" in result.stdout
