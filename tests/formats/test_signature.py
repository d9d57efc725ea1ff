"""A report this tool wrote is recognised in every format (so `--output` may replace it inside the
release); anything else is not (so a release file is never replaced)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support import RELEASES

from auditor.audit import run_audit
from auditor.badge import render_badge
from auditor.evaluation.checklist import load_checklist
from auditor.formats import FORMATS, signature
from auditor.formats.json import JsonFormat
from auditor.formats.signature import is_own_report
from auditor.sources.local import LocalFolderSource


@pytest.fixture(scope="module")
def reports() -> dict[str, object]:
    return {name: run_audit(LocalFolderSource(RELEASES / name), load_checklist(checklist))
            for name, checklist in (("llama-style", "osaid-1.0"), ("open-release", "mof-1.0"), ("empty", "osaid-1.0"))}


def written(tmp_path: Path, text: str | bytes, name: str = "report") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("color", [False, True])
def test_every_format_is_recognised(reports: dict, tmp_path: Path, fmt: str, color: bool) -> None:
    for name, report in reports.items():
        document = FORMATS[fmt](fail_on="partial").render(report, color=color, width=120)
        assert is_own_report(written(tmp_path, document, name)), f"{fmt} report of {name} not recognised"


NOT_REPORTS = {
    "licence": (RELEASES / "llama-style" / "LICENSE").read_text(),
    "model card": (RELEASES / "open-release" / "README.md").read_text(),
    "config": (RELEASES / "llama-style" / "config.json").read_text(),
    "other tool's SARIF": json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "CodeQL"}}}]}),
    "SARIF with one of our runs only": json.dumps({"version": "2.1.0", "runs": [
        {"tool": {"driver": {"name": "osaid-audit"}}}, {"tool": {"driver": {"name": "other"}}}]}),
    "JSON naming the tool without being a report": json.dumps({"tool": {"name": "osaid-audit"}}),
    "JSON list": "[1, 2]",
    "deeply nested JSON": "{" + '"a":[' * 100_000 + "]" * 100_000 + "}",
    "truncated JSON": '{"schema_version": "1", "tool": {"name": "osaid-audit"',
    "notes that start like a text report": "Verdict: we ship it\n\nOpen weights: yes\n",
    "other HTML": "<!DOCTYPE html>\n<html><head><title>osaid-audit</title></head></html>\n",
    "other MOT YAML": "framework:\n  name: Model Openness Framework\nrelease:\n  name: x\n",
    # A badge is an asset a release shows in its README, not a report: never replaced by one.
    "badge": render_badge({"schema_version": "1", "verdict": "open-source-ai", "open_weights": True,
                           "mof_class": "I"}),
    "binary": b"\x00\xff" * 1000,
    "empty": "",
}


@pytest.mark.parametrize("kind", sorted(NOT_REPORTS))
def test_anything_else_is_not_recognised(tmp_path: Path, kind: str) -> None:
    assert not is_own_report(written(tmp_path, NOT_REPORTS[kind]))


def test_a_link_to_a_report_is_not_followed(reports: dict, tmp_path: Path) -> None:
    report = written(tmp_path, JsonFormat().render(reports["empty"]))
    (tmp_path / "link").symlink_to(report)
    assert is_own_report(report) and not is_own_report(tmp_path / "link")


def test_fifo_and_missing_file_are_not_reports(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")  # opened non-blocking and refused: never waits for a writer
    assert not is_own_report(tmp_path / "fifo")
    assert not is_own_report(tmp_path / "missing")


def test_a_json_report_larger_than_the_parse_limit_is_not_recognised(reports: dict, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    document = JsonFormat().render(reports["llama-style"])
    path = written(tmp_path, document)
    monkeypatch.setattr(signature, "PARSE_LIMIT", len(document.encode()) - 1)
    assert not is_own_report(path)
    monkeypatch.setattr(signature, "PARSE_LIMIT", len(document.encode()))
    assert is_own_report(path)
