"""Layouts met when a new user tried releases the authors had not seen (regressions)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from support import statuses


def weights(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"w": np.zeros((2, 2), dtype=np.float32)}, str(path))


def component(report: dict, component_id: str) -> dict:
    return next(c for c in report["components"] if c["id"] == component_id)


def test_olmo_stage_checkpoints_are_intermediate(tmp_path: Path, audit_json) -> None:
    weights(tmp_path / "model.safetensors")
    weights(tmp_path / "stage1-step1000" / "model.safetensors")
    weights(tmp_path / "stage1-step2000" / "model.safetensors")
    report = audit_json(tmp_path)
    assert component(report, "model-parameters-intermediate")["status"] != "missing"


def test_versioned_sentencepiece_tokenizer_counts(tmp_path: Path, audit_json) -> None:
    (tmp_path / "tokenizer.model.v3").write_bytes(b"\x0a\x0b\x0a\x05<unk>\x15\x00\x00\x00\x00\x18\x02" * 4)
    assert statuses(audit_json(tmp_path))["supporting-libraries"] != "missing"


def test_stable_diffusion_style_sampling_script_is_inference(tmp_path: Path, audit_json) -> None:
    (tmp_path / "txt2img.py").write_text(
        "import torch\n\ndef load_model(cfg, ckpt):\n    sd = torch.load(ckpt)['state_dict']\n"
        "    model = build(cfg)\n    model.load_state_dict(sd)\n    return model\n\n"
        "def main():\n    model = load_model('v1.yaml', 'model.ckpt')\n"
        "    samples, _ = sampler.sample(S=50, conditioning=c)\n    return model.decode_first_stage(samples)\n")
    assert statuses(audit_json(tmp_path))["inference-code"] == "partial"  # present, no licence


def test_a_data_cards_own_license_speaks_for_it(tmp_path: Path, audit_json) -> None:
    (tmp_path / "LICENSE").write_text("SPDX-License-Identifier: Apache-2.0\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "DATA_CARD.md").write_text("---\nlicense: cc-by-4.0\n---\n# Data\n\n## Sources\n"
                                                   + "text " * 60 + "\n\n## Size\n" + "more " * 30 + "\n")
    report = audit_json(tmp_path)
    assert component(report, "data-card")["license"]["label"] == "CC-BY-4.0"


def test_out_of_scope_uses_are_not_the_scope_of_the_data(tmp_path: Path, audit_json) -> None:
    (tmp_path / "README.md").write_text("# Model\n\n## Out-of-Scope Use\n" + "Do not use it for medical advice. " * 5)
    data = next(r for r in audit_json(tmp_path)["requirements"] if r["id"] == "data-information")
    assert all(i["status"] == "not-found" for i in data["items"])


def test_broken_front_matter_is_a_finding(tmp_path: Path, audit_json) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: [apache-2.0\n---\n# Model Details\n")
    report = audit_json(tmp_path)
    assert any(f["code"] == "OSAID-A012" and f["path"] == "README.md" for f in report["findings"])
