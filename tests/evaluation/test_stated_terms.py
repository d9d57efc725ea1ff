"""Terms a release states outside a LICENSE file, judged through the real command: a model card's
"Terms of use" section, and a NOTICE beside an open licence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from support import statuses

APACHE = (Path(__file__).resolve().parents[2] / "fixtures" / "licenses" / "apache-2.0.txt").read_text()


def weights(root: Path) -> None:
    save_file({"w": np.zeros((2, 2), dtype=np.float32)}, str(root / "model.safetensors"))


def component(report: dict, component_id: str) -> dict:
    return next(c for c in report["components"] if c["id"] == component_id)


def test_restrictive_terms_only_in_the_cards_terms_section_block_the_parameters(tmp_path: Path, audit_json) -> None:
    weights(tmp_path)
    (tmp_path / "README.md").write_text(
        "---\nlicense: other\nlicense_name: acme-terms\n---\n# Acme 7B\n\nA chat model.\n\n"
        "## Terms of use\n\nYou may use the model for non-commercial research purposes only.\n"
        "Companies with more than 1,000 employees must request a license from Acme.\n\n## Citation\n\nNone.\n")
    report = audit_json(tmp_path)
    assert statuses(report)["model-parameters"] == "blocked"
    assert {"path": "README.md", "line": 9} in component(report, "model-parameters")["license"]["sources"]
    cited = {(f["code"], f["path"], f["line"]) for f in report["findings"] if f["code"].startswith("OSAID-L")}
    assert {("OSAID-L005", "README.md", 11), ("OSAID-L006", "README.md", 12)} <= cited


def test_a_notice_beside_an_open_licence_is_attribution(tmp_path: Path, audit_json, run_cli) -> None:
    weights(tmp_path)
    (tmp_path / "LICENSE").write_text(APACHE)
    (tmp_path / "NOTICE").write_text("Acme 7B\nCopyright 2024 Example Lab\n\n"
                                     "This product includes software developed at Example Lab.\n")
    report = audit_json(tmp_path)
    assert statuses(report)["model-parameters"] == "satisfied"
    assert component(report, "model-parameters")["license"]["label"] == "Apache-2.0"
    notice = next(d for d in report["licenses"] if d["path"] == "NOTICE")
    assert notice["class"] == "notice"
    assert "NOTICE" in run_cli(tmp_path, "--fail-on", "never").stdout
