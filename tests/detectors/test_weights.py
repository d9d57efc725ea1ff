from __future__ import annotations

import json
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from auditor.description import describe_release
from auditor.detectors.interface import Detection, Evidence
from auditor.detectors.weights import WeightsDetector
from auditor.sources.interface import Artifact
from auditor.sources.local import LocalFolderSource

OID = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
LFS = f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize 4000000000\n"


class _Payload:
    """Unpickling this creates `marker`: proof that a file was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def evil_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker), protocol=4)


def torch_like_zip(path: Path, marker: Path) -> None:
    """The layout torch.save writes since PyTorch 1.6, with a malicious data.pkl."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", evil_pickle(marker))
        archive.writestr("archive/data/0", b"\0" * 64)
        archive.writestr("archive/version", b"3\n")


def safetensors(path: Path, **shapes: tuple[int, ...]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({name: np.zeros(shape, np.float32) for name, shape in (shapes or {"w": (2, 3)}).items()}, str(path))


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data)
    else:
        path.write_bytes(data)


def gguf_with_licence(licence: str) -> bytes:
    """A GGUF v3 file: one string key-value, one F32 tensor of 4 values, padding, data."""
    def string(text: str) -> bytes:
        return struct.pack("<Q", len(text)) + text.encode()

    out = b"GGUF" + struct.pack("<IQQ", 3, 1, 1) + string("general.license") + struct.pack("<I", 8) + string(licence)
    out += string("w") + struct.pack("<IQIQ", 1, 4, 0, 0)
    return out + b"\0" * (-len(out) % 32) + b"\0" * 16


def detect(root: Path) -> Detection:
    inventory = LocalFolderSource(root).inventory()
    return WeightsDetector().detect(inventory, describe_release(inventory))


def evidence(detection: Detection, component: str) -> list[tuple[str | None, str]]:
    return [(e.path, e.strength) for e in detection.evidence if e.component == component]


def codes(detection: Detection) -> list[tuple[str, str]]:
    return [(f.path, f.code) for f in detection.findings]


def only(detection: Detection, component: str = "model-parameters") -> Evidence:
    [found] = [e for e in detection.evidence if e.component == component]
    return found


def test_safetensors_file(tmp_path: Path) -> None:
    safetensors(tmp_path / "model.safetensors", a=(1000, 1000), b=(234, 567), c=(10,))
    write(tmp_path / "README.md", "# model\n")
    detection = detect(tmp_path)
    found = only(detection)
    assert found.reason == "safetensors: 3 tensors, F32, 1,132,688 parameters"
    assert (found.path, found.strength, found.detector) == ("model.safetensors", "present", "weights")
    assert dict(found.details) == {"format": "safetensors", "tensor_count": "3", "dtypes": "F32",
                                   "parameter_count": "1132688"}
    assert detection.findings == []


def test_gguf_file_with_licence(tmp_path: Path) -> None:
    write(tmp_path / "model-q4.gguf", gguf_with_licence("apache-2.0"))
    found = only(detect(tmp_path))
    assert found.reason == "GGUF v3: 1 tensor, 1 metadata key, licence apache-2.0"
    assert dict(found.details)["general.license"] == "apache-2.0"


def test_the_malicious_pickle_fixture_is_armed(tmp_path: Path) -> None:
    marker = tmp_path / "armed"
    pickle.loads(evil_pickle(marker))  # our own payload, built above: loading it is the point
    assert marker.exists()


def test_pickles_are_reported_and_never_loaded(tmp_path: Path) -> None:
    marker = tmp_path.parent / f"{tmp_path.name}-loaded"
    release = tmp_path / "release"
    torch_like_zip(release / "pytorch_model.bin", marker)
    write(release / "legacy.pt", evil_pickle(marker))
    detection = detect(release)
    assert not marker.exists()
    assert codes(detection) == [("legacy.pt", "OSAID-A008"), ("pytorch_model.bin", "OSAID-A008")]
    assert [(e.path, dict(e.details)["format"]) for e in detection.evidence] == [
        ("legacy.pt", "pickle"), ("pytorch_model.bin", "pytorch-zip")]


@pytest.mark.parametrize(("data", "message"), [
    (struct.pack("<Q", 2**60) + b"{}", "exceeds the limit"),
    (struct.pack("<Q", 500) + b'{"w": {"dtype"', "exceeds the file size"),
    (struct.pack("<Q", 10) + b"not json!!", "start with '{'"),
    (struct.pack("<Q", 10) + b"{not json}", "not valid JSON"),
    (b"\x01\x02", "truncated"),
    (b"", "truncated"),
], ids=["huge-length", "truncated", "not-object", "non-json", "short", "empty"])
def test_malformed_safetensors(tmp_path: Path, data: bytes, message: str) -> None:
    write(tmp_path / "model.safetensors", data)
    detection = detect(tmp_path)
    assert detection.evidence == []
    [finding] = detection.findings
    assert (finding.path, finding.code) == ("model.safetensors", "OSAID-A006")
    assert message in finding.message


@pytest.mark.parametrize("data", [
    b"GGUF" + struct.pack("<IQQ", 3, 2**62, 2**62) + b"\0" * 64,
    b"GGUF" + struct.pack("<IQQ", 3, 0, 3),
    b"not a gguf file at all",
], ids=["absurd-counts", "truncated", "garbage"])
def test_malformed_gguf(tmp_path: Path, data: bytes) -> None:
    write(tmp_path / "model.gguf", data)
    detection = detect(tmp_path)
    assert (detection.evidence, codes(detection)) == ([], [("model.gguf", "OSAID-A006")])


def test_pickle_disguised_as_safetensors(tmp_path: Path) -> None:
    marker = tmp_path.parent / f"{tmp_path.name}-loaded"
    write(tmp_path / "model.safetensors", evil_pickle(marker))
    detection = detect(tmp_path)
    assert not marker.exists()
    assert codes(detection) == [("model.safetensors", "OSAID-A006"), ("model.safetensors", "OSAID-A008")]
    assert "content is pickle" in detection.findings[0].message


def test_weights_are_found_by_content_not_name(tmp_path: Path) -> None:
    safetensors(tmp_path / "weights.dat")
    write(tmp_path / "model.pt", b"plain text, not weights")
    assert evidence(detect(tmp_path), "model-parameters") == [("weights.dat", "present")]


def test_lfs_pointers(tmp_path: Path) -> None:
    write(tmp_path / "model.safetensors", LFS)
    write(tmp_path / "data" / "train.jsonl", LFS)  # not a weight file: another detector's business
    detection = detect(tmp_path)
    found = only(detection)
    assert found.strength == "referenced"
    assert dict(found.details) == {"format": "lfs-pointer", "oid": OID, "size": "4000000000"}
    [finding] = detection.findings
    assert (finding.path, finding.code) == ("model.safetensors", "OSAID-A009")
    assert "content not in this folder" in finding.message


def sharded(root: Path, shards: int, present: int) -> None:
    names = [f"model-{i:05d}-of-{shards:05d}.safetensors" for i in range(1, shards + 1)]
    index = {"metadata": {"total_size": 48}, "weight_map": {f"t{i}": name for i, name in enumerate(names)}}
    write(root / "model.safetensors.index.json", json.dumps(index))
    for name in names[:present]:
        safetensors(root / name)


def test_complete_sharded_index(tmp_path: Path) -> None:
    sharded(tmp_path, shards=2, present=2)
    detection = detect(tmp_path)
    assert detection.findings == []
    index = [e for e in detection.evidence if e.path == "model.safetensors.index.json"]
    assert [(e.strength, e.reason) for e in index] == [("present", "sharded index: 2 shards, all present")]


def test_sharded_index_with_a_missing_shard(tmp_path: Path) -> None:
    sharded(tmp_path, shards=3, present=2)
    detection = detect(tmp_path)
    [finding] = detection.findings
    assert (finding.path, finding.code) == ("model.safetensors.index.json", "OSAID-A010")
    assert "model-00003-of-00003.safetensors" in finding.message
    assert evidence(detection, "model-parameters") == [
        ("model-00001-of-00003.safetensors", "present"), ("model-00002-of-00003.safetensors", "present"),
        ("model.safetensors.index.json", "partial")]


def test_sharded_index_with_a_malformed_shard(tmp_path: Path) -> None:
    write(tmp_path / "pytorch_model.bin.index.json", json.dumps({"weight_map": {"a": "p.bin", "b": "q.bin"}}))
    write(tmp_path / "p.bin", pickle.dumps({"a": 1}, protocol=2))
    write(tmp_path / "q.bin", b"garbage")
    found = [e for e in detect(tmp_path).evidence if e.path == "pytorch_model.bin.index.json"]
    assert [(e.strength, e.reason) for e in found] == [
        ("partial", "sharded index: 2 shards, 1 malformed or not weights")]


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"weight_map": {}}', '{"weight_map": {"a": 1}}',
                                  "[" * 100_000])
def test_malformed_index(tmp_path: Path, text: str) -> None:
    write(tmp_path / "model.safetensors.index.json", text)
    detection = detect(tmp_path)
    assert (detection.evidence, codes(detection)) == ([], [("model.safetensors.index.json", "OSAID-A012")])


def test_checkpoint_folders_beside_final_weights(tmp_path: Path) -> None:
    safetensors(tmp_path / "model.safetensors")
    for folder in ("checkpoints/step-1000", "checkpoints/step_2000", "checkpoint-500", "global_step30", "iter_40",
                   "ckpt-7", "step9"):
        safetensors(tmp_path / folder / "model.safetensors")
    write(tmp_path / "step-3" / "notes.txt", "no weights here")
    detection = detect(tmp_path)
    assert evidence(detection, "model-parameters") == [("model.safetensors", "present")]
    intermediate = [e for e in detection.evidence if e.component == "model-parameters-intermediate"]
    assert [e.path for e in intermediate] == [
        "checkpoint-500/model.safetensors", "checkpoints/step-1000/model.safetensors",
        "checkpoints/step_2000/model.safetensors", "ckpt-7/model.safetensors", "global_step30/model.safetensors",
        "iter_40/model.safetensors", "step9/model.safetensors"]
    assert intermediate[1].reason.startswith("checkpoint step 1000: safetensors: 1 tensor")
    assert ("checkpoint_step", "1000") in intermediate[1].details


def test_only_checkpoints_the_latest_is_final_too(tmp_path: Path) -> None:
    for step in (1000, 20000, 3000):
        safetensors(tmp_path / f"step{step}" / "model.safetensors")
    detection = detect(tmp_path)
    final = only(detection)
    assert final.path == "step20000/model.safetensors"
    assert final.reason.endswith("(latest checkpoint, step 20000; no weights outside checkpoints)")
    assert len(evidence(detection, "model-parameters-intermediate")) == 3


def test_a_lone_checkpoint_is_the_final_model_only(tmp_path: Path) -> None:
    safetensors(tmp_path / "checkpoint-100" / "model.safetensors")
    detection = detect(tmp_path)
    assert evidence(detection, "model-parameters") == [("checkpoint-100/model.safetensors", "present")]
    assert evidence(detection, "model-parameters-intermediate") == []


def test_step_numbers_in_file_names(tmp_path: Path) -> None:
    for name in ("model_step1000.safetensors", "model_step2000.safetensors", "epoch=3-step=500.ckpt"):
        safetensors(tmp_path / name)
    detection = detect(tmp_path)
    assert evidence(detection, "model-parameters") == [("model_step2000.safetensors", "present")]
    assert [e.path for e in detection.evidence if e.component == "model-parameters-intermediate"] == [
        "epoch=3-step=500.ckpt", "model_step1000.safetensors", "model_step2000.safetensors"]


def test_one_step_numbered_file_is_just_the_final_model(tmp_path: Path) -> None:
    safetensors(tmp_path / "model_step1000.safetensors")
    assert evidence(detect(tmp_path), "model-parameters-intermediate") == []


def test_optimizer_and_trainer_state_are_metadata(tmp_path: Path) -> None:
    marker = tmp_path.parent / f"{tmp_path.name}-loaded"
    safetensors(tmp_path / "model.safetensors")
    torch_like_zip(tmp_path / "optimizer.pt", marker)
    write(tmp_path / "checkpoint-10" / "optim_states.bin", pickle.dumps({}, protocol=2))
    write(tmp_path / "checkpoint-10" / "training_args.bin", pickle.dumps({}, protocol=2))
    safetensors(tmp_path / "checkpoint-10" / "model.safetensors")
    detection = detect(tmp_path)
    assert not marker.exists()
    assert [(e.path, e.reason.split(":")[0]) for e in detection.evidence if e.component == "model-metadata"] == [
        ("checkpoint-10/optim_states.bin", "optimizer state"), ("checkpoint-10/training_args.bin", "training state"),
        ("optimizer.pt", "optimizer state")]
    assert evidence(detection, "model-parameters") == [("model.safetensors", "present")]
    assert evidence(detection, "model-parameters-intermediate") == [("checkpoint-10/model.safetensors", "present")]
    assert [code for _, code in codes(detection)] == ["OSAID-A008"] * 3


def test_tensorflow_saved_model(tmp_path: Path) -> None:
    write(tmp_path / "tf" / "saved_model.pb", b"\x08\x01\x12\x00")
    write(tmp_path / "tf" / "variables" / "variables.index", b"\0\1")
    write(tmp_path / "tf" / "variables" / "variables.data-00000-of-00001", b"\0" * 32)
    write(tmp_path / "lonely" / "saved_model.pb", b"\x08\x01")
    found = only(detect(tmp_path))
    assert (found.path, found.reason) == ("tf/saved_model.pb", "TensorFlow SavedModel: saved_model.pb and "
                                                               "2 variable files")


def test_headers_only_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    safetensors(tmp_path / "big.safetensors", w=(2048, 1024))
    write(tmp_path / "big.gguf", gguf_with_licence("mit") + b"\0" * (3 << 20))
    reads: list[tuple[str, int, int]] = []
    original = LocalFolderSource.read

    def spy(self: LocalFolderSource, artifact: Artifact, offset: int, length: int) -> bytes:
        reads.append((artifact.path, offset, length))
        return original(self, artifact, offset, length)

    monkeypatch.setattr(LocalFolderSource, "read", spy)
    detection = detect(tmp_path)
    assert len(detection.evidence) == 2
    assert max(length for _, _, length in reads) <= 1 << 20
    assert {path for path, _, _ in reads} == {"big.gguf", "big.safetensors"}


def test_output_is_sorted_and_deterministic(tmp_path: Path) -> None:
    sharded(tmp_path / "b", shards=3, present=1)
    for folder in ("step-2", "step-1", "a"):
        safetensors(tmp_path / folder / "model.safetensors")
    write(tmp_path / "z.safetensors", LFS)
    first, second = detect(tmp_path), detect(tmp_path)
    assert first == second
    assert first.evidence == sorted(first.evidence, key=Evidence.sort_key)
    assert [f.sort_key() for f in first.findings] == sorted(f.sort_key() for f in first.findings)
