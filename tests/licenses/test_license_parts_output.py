"""`audit license` shows a multi-licence file's parts, in text and in (backwards-compatible) JSON."""

from __future__ import annotations

import json
from pathlib import Path

from standard_texts import BSD_3, MIT


def test_json_keeps_its_fields_and_adds_the_parts(run_cli, tmp_path: Path) -> None:
    licence = tmp_path / "LICENSE"
    licence.write_text(MIT + "\n\nBundled: lantern/_vendor/tiny.py\n\n" + BSD_3)
    result = run_cli("license", licence, "--format", "json")
    assert result.exit_code == 0
    (entry,) = json.loads(result.stdout)["files"]
    assert {"path", "id", "name", "class", "match", "restrictions"} <= set(entry)
    assert (entry["id"], entry["class"], entry["pointer_files"], entry["pointer_operator"]) == (
        "MIT AND BSD-3-Clause", "osi-approved", [], None)
    assert [(p["id"], p["class"]) for p in entry["parts"]] == [("MIT", "osi-approved"),
                                                                ("BSD-3-Clause", "osi-approved")]
    assert all(p["match"] >= 0.99 for p in entry["parts"])
    assert entry["parts"][0]["line_start"] == 5 and entry["parts"][1]["line_start"] > entry["parts"][0]["line_end"]


def test_text_lists_the_parts_with_their_lines(run_cli, tmp_path: Path) -> None:
    licence = tmp_path / "LICENSE"
    licence.write_text(MIT + "\n\n" + BSD_3)
    out = run_cli("license", licence).stdout
    assert "MIT AND BSD-3-Clause" in out
    assert "  lines 5-21: MIT (MIT License) [osi-approved, 100.0% match]" in out
    assert "BSD-3-Clause (BSD 3-Clause \"New\" or \"Revised\" License) [osi-approved, 99.9% match]" in out


def test_an_attribution_file_is_a_notice_not_an_unknown_licence(run_cli, tmp_path: Path) -> None:
    authors = tmp_path / "AUTHORS"
    authors.write_text("Lantern is written and maintained by:\n\n- Ada Example <ada@example.org>\n"
                       "- Bob Example <bob@example.org>\n")
    result = run_cli("license", authors, "--format", "json")
    (entry,) = json.loads(result.stdout)["files"]
    assert (entry["id"], entry["class"]) == (None, "notice") and result.exit_code == 0
