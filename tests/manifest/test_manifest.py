"""release.yaml held against the release: swapped bytes, broken promises, licence conflicts, init."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from support import RELEASES, statuses

from auditor.errors import BadManifestError
from auditor.manifest.model import read_manifest


@pytest.fixture
def release(tmp_path: Path, run_cli) -> Path:
    copy = tmp_path / "release"
    shutil.copytree(RELEASES / "open-release", copy)
    result = run_cli("init", copy)
    assert result.exit_code == 0 and (copy / "release.yaml").is_file()
    return copy


def findings(report: dict, code: str) -> list[dict]:
    return [f for f in report["findings"] if f["code"] == code]


def test_init_then_audit_round_trips(release: Path, run_cli) -> None:
    before = run_cli(RELEASES / "open-release", "--format", "json").json()
    after = run_cli(release, "--format", "json", "--verify-hashes").json()
    assert statuses(after) == statuses(before) and after["verdict"] == "open-source-ai"
    assert not [f for f in after["findings"] if f["code"].startswith("OSAID-M")]
    params = next(r for r in after["requirements"] if r["id"] == "model-parameters")
    assert any(e["detector"] == "manifest" and "declared in release.yaml:" in e["reason"] for e in params["evidence"])


def test_init_never_overwrites_without_force(release: Path, run_cli) -> None:
    refused = run_cli("init", release)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert run_cli("init", release, "--force").exit_code == 0


def test_swapped_weights_fail_with_both_hashes(release: Path, run_cli) -> None:
    declared = yaml.safe_load((release / "release.yaml").read_text())["components"]["model-parameters"][0]["sha256"]
    weights = release / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))  # same size, other bytes
    result = run_cli(release, "--format", "json", "--verify-hashes")
    assert result.exit_code == 1
    report = result.json()
    assert statuses(report)["model-parameters"] == "blocked"
    (mismatch,) = findings(report, "OSAID-M005")
    import hashlib
    actual = hashlib.sha256(weights.read_bytes()).hexdigest()
    assert declared in mismatch["message"] and actual in mismatch["message"]
    assert run_cli(release, "--format", "json").json()["verdict"] == "open-source-ai"  # unchecked without the flag


def test_promised_training_code_that_is_absent(release: Path, run_cli) -> None:
    for path in ("src/train.py", "scripts/train.sh"):
        (release / path).unlink()
    report = run_cli(release, "--format", "json", "--fail-on", "never").json()
    assert statuses(report)["training-code"] == "missing"
    broken = findings(report, "OSAID-M001")
    line = next(n for n, text in enumerate((release / "release.yaml").read_text().splitlines(), 1)
                if "path: 'src/train.py'" in text)
    assert any(f["path"] == "release.yaml" and f["line"] == line and "src/train.py" in f["message"] for f in broken)
    training = next(r for r in report["requirements"] if r["id"] == "training-code")
    assert any(f"declared in release.yaml:{line - 0}" in reason or "declared in release.yaml:" in reason
               for reason in training["reasons"])


def test_declared_licence_conflict_and_undeclared_component(release: Path, run_cli) -> None:
    text = (release / "release.yaml").read_text()
    text = text.replace("    - path: 'model.safetensors'\n      license: 'Apache-2.0'",
                        "    - path: 'model.safetensors'\n      license: 'MIT'")
    start = text.index("  sample-outputs:\n")
    end = text.index("\n  training-code:", start)
    (release / "release.yaml").write_text(text[:start] + text[end + 1:])  # sample outputs left undeclared
    report = run_cli(release, "--format", "json", "--fail-on", "never").json()
    (conflict,) = findings(report, "OSAID-M004")
    assert "declares MIT" in conflict["message"] and "Apache-2.0" in conflict["message"]
    (undeclared,) = findings(report, "OSAID-M002")
    assert undeclared["path"] == "samples/outputs.md" and undeclared["level"] == "note"


def test_external_locations_are_referenced() -> None:
    manifest = read_manifest("name: x\ncomponents:\n  datasets:\n    - hf: hf://datasets/org/corpus\n"
                             "      notes: web crawl; the raw pages cannot be shared\n"
                             "    - git: {url: https://github.com/org/data, commit: abcdef1}\n", "release.yaml")
    assert [(d.url, d.line) for d in manifest.declarations] == [
        ("hf://datasets/org/corpus", 4), ("https://github.com/org/data@abcdef1", 6)]


@pytest.mark.parametrize(("text", "field"), [
    ("components: {}\n", "(top level)"),
    ("name: x\ncomponents:\n  weights:\n    - path: a\n", "components"),
    ("name: x\ncomponents:\n  model-parameters:\n    - path: ../outside\n", "components/model-parameters/0"),
    ("name: x\ncomponents:\n  model-parameters:\n    - path: a\n      sha256: nothex\n", "sha256"),
    ("name: x\ncomponents:\n  model-parameters:\n    - path: a\n      url: https://x\n", "model-parameters/0"),
])
def test_invalid_manifests_name_the_field(text: str, field: str) -> None:
    with pytest.raises(BadManifestError, match=field.replace("(", r"\(").replace(")", r"\)")):
        read_manifest(text, "release.yaml")


def test_hub_and_lfs_hashes_are_compared_without_downloading(run_cli, tmp_path: Path, monkeypatch) -> None:
    from hub_server import FakeFile, FakeRepo, HubServer

    weights = FakeFile(b"\x08" + b"\x00" * 2047, size=50 * 1024 * 1024, lfs=True)
    pointer = ("version https://git-lfs.github.com/spec/v1\noid sha256:" + "c" * 64 + "\nsize 123\n").encode()
    repo = FakeRepo("org/m", {"model.onnx": weights, "LICENSE": FakeFile(b"SPDX-License-Identifier: MIT\n"),
                              "extra.safetensors": FakeFile(pointer)})
    manifest = tmp_path / "release.yaml"
    manifest.write_text("name: m\ncomponents:\n  model-parameters:\n"
                        f"    - path: model.onnx\n      sha256: {weights.sha256}\n"
                        f"    - path: extra.safetensors\n      sha256: {'d' * 64}\n")
    with HubServer([repo]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        report = run_cli("hf://org/m", "--manifest", manifest, "--verify-hashes", "--format", "json",
                         "--fail-on", "never").json()
        served = hub.bytes_served("model.onnx")
    assert served < 64 * 1024
    (mismatch,) = findings(report, "OSAID-M005")
    assert mismatch["path"] == "extra.safetensors"
    assert "c" * 64 in mismatch["message"] and "d" * 64 in mismatch["message"]
