from __future__ import annotations

import io
import json
import pickle
import random
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from auditor.artifacts.magic import WEIGHT_FORMATS, identify_weight_format

LFS = (b"version https://git-lfs.github.com/spec/v1\n"
       b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")


def head_of(data: bytes) -> bytes:
    return data[:4096]


def zip_bytes(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in names:
            archive.writestr(name, b"\x80\x02}q\x00." if name.endswith(".pkl") else b"x" * 100)
    return buffer.getvalue()


def safetensors_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "w.safetensors"
    save_file({"w": np.zeros((2, 2), np.float32)}, str(path))
    return path.read_bytes()


def test_real_safetensors_whatever_the_name(tmp_path: Path) -> None:
    data = safetensors_bytes(tmp_path)
    assert identify_weight_format(head_of(data), "model.safetensors") == "safetensors"
    assert identify_weight_format(head_of(data), "weights.bin") == "safetensors"


def test_name_alone_identifies_nothing() -> None:
    assert identify_weight_format(b"garbage, not weights", "model.safetensors") is None
    assert identify_weight_format(b"", "model.gguf") is None
    assert identify_weight_format(b"\x08\x07\x12\x04", "model.bin") is None


def test_safetensors_header_length_that_starts_like_a_pickle() -> None:
    # 640 = 0x280: the length's first bytes are 0x80 0x02, a pickle's protocol-2 opening.
    header = json.dumps({"__metadata__": {"pad": ""}}).encode()
    header = header[:-2] + b" " * (640 - len(header)) + b"}}"
    data = struct.pack("<Q", 640) + header
    assert data[:2] == b"\x80\x02"
    assert identify_weight_format(head_of(data), "model.safetensors") == "safetensors"


@pytest.mark.parametrize("data", [
    struct.pack("<Q", 2**60) + b'{"a": 1}',
    struct.pack("<Q", 1) + b'{"',
    struct.pack("<Q", 10) + b"[1, 2]    ",
    struct.pack("<Q", 10) + b"{abc}     ",
], ids=["huge-length", "tiny-length", "not-object", "no-key"])
def test_implausible_safetensors(data: bytes) -> None:
    assert identify_weight_format(data, "model.safetensors") is None


@pytest.mark.parametrize(("names", "file_name", "expected"), [
    (["archive/data.pkl", "archive/data/0", "archive/version"], "model.whatever", "pytorch-zip"),
    (["data.pkl"], "x", "pytorch-zip"),
    (["readme.txt"], "pytorch_model.bin", "pytorch-zip"),
    (["readme.txt"], "model.PT", "pytorch-zip"),
    (["readme.txt"], "archive.zip", None),
    (["arr_0.npy", "arr_1.npy"], "arrays", "numpy-zip"),
    (["readme.txt"], "arrays.npz", "numpy-zip"),
])
def test_zip_archives(names: list[str], file_name: str, expected: str | None) -> None:
    assert identify_weight_format(head_of(zip_bytes(names)), file_name) == expected


def test_data_pkl_past_the_first_member_is_found() -> None:
    data = zip_bytes(["archive/.format_version", "archive/data.pkl"])
    assert identify_weight_format(head_of(data), "x") == "pytorch-zip"


def test_npz_written_by_numpy_savez() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, a=np.zeros(3))
    assert identify_weight_format(head_of(buffer.getvalue()), "weights") == "numpy-zip"


def test_numpy_array() -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    assert identify_weight_format(head_of(buffer.getvalue()), "a.npy") == "numpy"


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_pickles(protocol: int) -> None:
    assert identify_weight_format(pickle.dumps({"w": [1.0]}, protocol=protocol), "model.pkl") == "pickle"


@pytest.mark.parametrize("protocol", [0, 1])
def test_old_pickle_protocols_have_no_magic(protocol: int) -> None:
    assert identify_weight_format(pickle.dumps({"w": 1}, protocol=protocol), "model.pkl") is None


def test_onnx_needs_its_extension_and_first_byte() -> None:
    data = b"\x08\x07\x12\x07pytorch"
    assert identify_weight_format(data, "model.onnx") == "onnx"
    assert identify_weight_format(b"\x0a\x07", "model.onnx") is None


def test_hdf5_gguf_and_lfs_pointer() -> None:
    assert identify_weight_format(b"\x89HDF\r\n\x1a\n" + b"\0" * 100, "tf_model.h5") == "hdf5"
    assert identify_weight_format(b"GGUF\x03\0\0\0", "model") == "gguf"
    assert identify_weight_format(LFS, "model.safetensors") == "lfs-pointer"


def test_every_answer_is_a_known_format(tmp_path: Path) -> None:
    samples = [safetensors_bytes(tmp_path), zip_bytes(["data.pkl"]), pickle.dumps(1, protocol=4), LFS,
               b"GGUF", b"\x89HDF\r\n\x1a\n", b"\x93NUMPY"]
    assert {identify_weight_format(head_of(s), "f.onnx") for s in samples} <= set(WEIGHT_FORMATS)


def test_random_bytes_never_raise() -> None:
    rng = random.Random(3)
    prefixes = [b"", b"PK\x03\x04", b"GGUF", b"\x80\x04", b"version https://git-lfs.github.com/spec/v1\n"]
    for _ in range(2000):
        data = rng.choice(prefixes) + rng.randbytes(rng.randint(0, 200))
        assert identify_weight_format(data, rng.choice(["a.bin", "b.onnx", "c"])) in (*WEIGHT_FORMATS, None)
