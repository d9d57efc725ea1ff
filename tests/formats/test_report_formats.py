"""The human and machine formats: what each shows, and that nothing from the release reaches a
terminal raw."""

from __future__ import annotations

import json
from pathlib import Path

from support import RELEASES

from auditor.audit import run_audit
from auditor.evaluation.checklist import load_checklist
from auditor.formats import FORMATS
from auditor.sources.local import LocalFolderSource


def render(path: Path, fmt: str, **options) -> str:
    report = run_audit(LocalFolderSource(path), load_checklist("osaid-1.0"))
    return FORMATS[fmt]().render(report, **options)


def test_text_groups_requirements_by_osaid_element_in_80_columns() -> None:
    text = render(RELEASES / "llama-style", "text")
    assert text.index("Data information") < text.index("Code") < text.index("Parameters")
    assert text.index("Verdict: NOT OPEN SOURCE AI") == 0
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "LICENSE:" in text and "user-threshold" in text and "What to do" in text
    assert "\x1b[" not in text


def test_text_uses_colour_only_when_asked() -> None:
    assert "\x1b[" in render(RELEASES / "grok-style", "text", color=True)


def test_markdown_is_a_to_do_list_for_the_lab() -> None:
    markdown = render(RELEASES / "split-license", "markdown")
    assert "## To do" in markdown
    assert "- [ ] **model-parameters** [blocked]" in markdown
    assert "| DI-1a provenance of the training data | not-found |" in markdown
    assert "LICENSE-MODEL" in markdown


def test_json_carries_evidence_and_licences() -> None:
    report = json.loads(render(RELEASES / "open-release", "json"))
    params = next(r for r in report["requirements"] if r["id"] == "model-parameters")
    weights = next(e for e in params["evidence"] if e["path"] == "model.safetensors")
    assert weights["detector"] == "weights" and weights["details"]["format"] == "safetensors"
    assert {"path": "LICENSE", "id": "Apache-2.0", "class": "osi-approved"}.items() <= next(
        d for d in report["licenses"] if d["path"] == "LICENSE").items()


def test_hostile_names_are_escaped_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "LICENSE\x1b]0;pwned\x07").write_text("MIT License\n\nPermission is hereby granted, free of "
                                                    "charge, ... without restriction ...\n")
    (tmp_path / "train\x1b[2J.py").write_text("import torch\nopt = torch.optim.AdamW([])\nloss.backward()\n"
                                             "opt.step()\n")
    for fmt in ("text", "json", "markdown"):
        output = render(tmp_path, fmt)
        assert "\x1b" not in output and "\x07" not in output
        assert "\\x1b" in output
