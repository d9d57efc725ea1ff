"""`audit TARGET --db DB` records single audits; `audit history DB TARGET` shows them and what changed."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from support import RELEASES


def test_a_ci_gate_keeps_its_release_history(run_cli, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "open-release", release)
    db = tmp_path / "history.sqlite"
    assert run_cli(release, "--db", db, "-q").exit_code == 0
    assert run_cli(release, "--db", db, "-q").exit_code == 0  # the same revision: kept once
    (release / "LICENSE").write_text((RELEASES / "llama-style" / "LICENSE").read_text())
    assert run_cli(release, "--db", db, "-q").exit_code == 1
    (release / "LICENSE").write_text((RELEASES / "open-release" / "LICENSE").read_text())
    assert run_cli(release, "--db", db, "-q").exit_code == 0  # back as it was: a new state in the history

    shown = run_cli("history", db, release)
    assert shown.exit_code == 0, shown.stderr
    blocks = shown.stdout.strip().split("\n\n")
    assert len(blocks) == 3 and "open-source-ai, MOF class I" in blocks[2] and "Result: not worse" in blocks[2]
    assert "open-source-ai, MOF class I" in blocks[0] and "content:" in blocks[0]
    assert "not-open-source-ai" in blocks[1]
    assert "changes since the audit before:" in blocks[1] and "Verdict: open-source-ai -> not-open-source-ai" \
        in blocks[1] and "satisfied -> blocked" in blocks[1] and "Result: worse" in blocks[1]

    audits = json.loads(run_cli("history", db, release, "--format", "json").stdout)["audits"]
    assert [a["verdict"] for a in audits] == ["open-source-ai", "not-open-source-ai", "open-source-ai"]
    assert audits[0]["revision"] != audits[1]["revision"] and audits[0]["changes"] is None
    assert audits[2]["revision"] == audits[0]["revision"]
    census = json.loads(run_cli("fleet", "report", db, "--format", "json").stdout)
    assert [row["verdict"] for row in census["rows"]] == ["open-source-ai"]  # the newest state, not a stale one


def test_an_unknown_target_database_or_option_is_one_line(run_cli, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    run_cli(RELEASES / "open-release", "--db", db, "-q")
    unknown = run_cli("history", db, "hf://org/other")
    assert unknown.exit_code == 2 and unknown.stderr.count("\n") == 1 and "no audit of hf://org/other" in unknown.stderr
    absent = run_cli("history", tmp_path / "absent.sqlite", "x")
    assert absent.exit_code == 2 and "no such census database" in absent.stderr
    report = run_cli("fleet", "report", tmp_path / "absent.sqlite")
    assert report.exit_code == 2 and report.stderr.count("\n") == 1
    nothing = run_cli("fleet", "--db", db)
    assert nothing.exit_code == 2 and "--hub-top" in nothing.stderr
    listed = tmp_path / "targets.txt"
    listed.write_text(f"{RELEASES / 'open-release'}\n")
    for option in (["--timeout", "0"], ["--hub-rate", "-1"], ["--workers", "0"], ["--hub-top", "x"],
                   ["--dask", "garbage://x"], ["--dask", ""]):
        bad = run_cli("fleet", listed, "--db", tmp_path / "new.sqlite", *option)
        assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and option[0] in bad.stderr, bad.stderr
    assert not (tmp_path / "new.sqlite").exists()
    (tmp_path / "out").mkdir()
    folder = run_cli("fleet", "report", db, "--format", "html", "--output", tmp_path / "out")
    assert folder.exit_code == 2 and "folder" in folder.stderr and not (tmp_path / "out-reports").exists()
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(db.read_bytes())
    sqlite3.connect(damaged).execute("DROP TABLE licence_restrictions")
    for command in (["fleet", "report", damaged], ["history", damaged, RELEASES / "open-release"]):
        broken = run_cli(*command)
        assert broken.exit_code == 2 and broken.stderr.count("\n") == 1 and "cannot be used" in broken.stderr
