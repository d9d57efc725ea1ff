"""The census of a fleet database in each format, and its HTML in a real headless browser."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import NEEDS_CHROMIUM, RELEASES, chromium, console_errors

HOSTILE = "=cmd|'<script>alert(1)<'"


@pytest.fixture(scope="module")
def census_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("census")
    hostile = folder / HOSTILE
    hostile.mkdir()
    (hostile / "README.md").write_text("# A model\n")
    listed = folder / "targets.txt"
    listed.write_text("".join(f"{RELEASES / name}\n" for name in ("open-release", "llama-style", "grok-style",
                                                                   "split-license"))
                      + f"{json.dumps(str(hostile))}\n{folder / 'absent'}\n")
    db = folder / "census.sqlite"
    result = subprocess.run([sys.executable, "-m", "auditor", "fleet", str(listed), "--db", str(db), "--workers", "2"],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1 and "5 audited, 0 already in the database, 1 failed" in result.stderr, result.stderr
    return db


def report(db: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "auditor", "fleet", "report", str(db), *args],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_json_census_counts_verdicts_classes_and_blockers(census_db: Path) -> None:
    census = json.loads(report(census_db, "--format", "json"))
    assert census["targets"] == 6
    verdicts = {v["name"]: v["targets"] for v in census["verdicts"]}
    assert verdicts["open-source-ai"] == 1 and verdicts["error"] == 1 and sum(verdicts.values()) == 6
    licences = {b["name"] for b in census["blockers"]["licences"]}
    assert {"llama-2-community", "llama-2-acceptable-use-policy"} <= licences
    kinds = {b["name"] for b in census["blockers"]["clause_kinds"]}
    assert {"user-threshold", "field-of-use"} <= kinds
    assert census["blockers"]["missing"] and census["blockers"]["blocked"]


def test_csv_and_markdown_escape_what_a_release_named(census_db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(report(census_db, "--format", "csv"))))
    assert len(rows) == 6
    hostile = next(r for r in rows if HOSTILE in r["target"])
    assert not hostile["target"].startswith("=")  # a path is never a spreadsheet formula
    markdown = report(census_db, "--format", "markdown")
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "| error: " in markdown


@NEEDS_CHROMIUM
def test_the_html_census_opens_in_a_browser_with_counts_charts_and_links(census_db: Path, tmp_path: Path) -> None:
    page = tmp_path / "census.html"
    report(census_db, "--format", "html", "--output", str(page))
    html = page.read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;" in html
    assert "src=" not in html  # nothing loaded from anywhere
    links = re.findall(r'href="(census-reports/\d+\.json)"', html)
    assert len(links) == 5 and all(json.loads((tmp_path / link).read_text())["verdict"] for link in links)
    dump = chromium(["--dump-dom", page.as_uri()], tmp_path / "profile")
    assert dump.returncode == 0, dump.stderr[-2000:]
    dom = dump.stdout
    assert re.search(r'<strong id="target-count">6</strong>', dom)
    assert dom.count("<svg") == 6 and dom.count("<rect") >= 12  # a chart per count, a bar per value
    assert dom.count("<tr>") >= 6
    assert not console_errors(dump.stderr), console_errors(dump.stderr)  # the script runs under the page's CSP
