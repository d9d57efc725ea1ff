"""A Model Openness Tool YAML as the declaration: MOT's own class beside the audit's, and notes
where they disagree."""

from __future__ import annotations

from pathlib import Path

from support import RELEASES, ROOT

from auditor.mot.evaluator import classify
from auditor.mot.release import read_mot_release

MOT_YAML = """framework:
  name: Model Openness Framework
  version: '1.0'
  date: '2024-12-15'
release:
  name: tiny-neox
  version: 1B
  producer: Example Lab
  license:
    distribution:
      name: Apache 2.0
      path: LICENSE
  components:
    - name: Model parameters (Final)
      description: final weights
      component_path: model.safetensors
    - name: Training code
      description: the training loop
      license: Apache-2.0
      component_path: src/train.py
    - name: Inference code
      description: generation script
      license: Apache-2.0
      component_path: src/serve.py
"""


def test_mot_manifest_adds_mots_class_and_explains_disagreements(run_cli, tmp_path: Path) -> None:
    manifest = tmp_path / "model.yml"
    manifest.write_text(MOT_YAML)
    report = run_cli(RELEASES / "open-release", "--manifest", manifest, "--format", "json",
                     "--fail-on", "never").json()
    expected = classify(read_mot_release(MOT_YAML, "model.yml"))
    assert report["mot"] == {"class": expected.mof_class, "progress": expected.progress}
    notes = [f["message"] for f in report["findings"] if f["code"] == "OSAID-M007"]
    assert any("Model parameters (Final)" in n and "'Apache 2.0'" in n and "satisfied" in n for n in notes)
    broken = [f for f in report["findings"] if f["code"] == "OSAID-M001"]
    assert [f["line"] for f in broken] == [MOT_YAML.splitlines().index("    - name: Inference code") + 1]
    assert "src/serve.py" in broken[0]["message"]


def test_mot_output_reads_back_as_a_manifest(run_cli, tmp_path: Path) -> None:
    written = tmp_path / "mot.yml"
    assert run_cli(RELEASES / "open-release", "--format", "mot", "--output", written,
                   "--fail-on", "never").exit_code == 0
    report = run_cli(RELEASES / "open-release", "--manifest", written, "--format", "json").json()
    assert report["verdict"] == "open-source-ai" and "mot" in report
    assert not [f for f in report["findings"] if f["code"] in ("OSAID-M001", "OSAID-M004")]


def test_all_mot_test_cases_read_as_manifests(run_cli) -> None:
    for case in sorted((ROOT / "fixtures" / "mot").glob("*.yml")):
        result = run_cli(RELEASES / "empty", "--manifest", case, "--format", "json", "--fail-on", "never")
        assert result.exit_code == 0, (case.name, result.stderr)
        assert result.json()["mot"]["class"] in (0, 1, 2, 3)
