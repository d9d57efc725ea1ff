from __future__ import annotations

import json
import random
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from auditor.artifacts.errors import MalformedHeaderError
from auditor.artifacts.safetensors_header import (
    MAX_HEADER_LENGTH,
    MalformedSafetensorsError,
    SafetensorsHeader,
    parse_safetensors_header,
)

Reader = Callable[[int, int], bytes]


def reader(data: bytes, calls: list[tuple[int, int]] | None = None) -> Reader:
    def read(offset: int, length: int) -> bytes:
        if calls is not None:
            calls.append((offset, length))
        return data[offset:offset + length]

    return read


def raw_file(header: bytes, data: bytes = b"", length: int | None = None) -> bytes:
    return struct.pack("<Q", len(header) if length is None else length) + header + data


def json_file(document: object, data_size: int = 16) -> bytes:
    return raw_file(json.dumps(document).encode(), b"\0" * data_size)


def parse(data: bytes, known_size: bool = True) -> SafetensorsHeader:
    return parse_safetensors_header(reader(data), len(data) if known_size else None)


def test_real_file_written_by_the_reference_library(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    save_file({"a": np.zeros((3, 4), np.float32), "b": np.zeros(5, np.int64), "c": np.zeros((2, 2), np.float32)},
              str(path), metadata={"format": "pt", "licence": "apache-2.0"})
    data = path.read_bytes()
    header = parse(data)
    assert header == SafetensorsHeader(tensor_count=3, dtypes=("F32", "I64"), parameter_count=12 + 5 + 4,
                                       metadata=(("format", "pt"), ("licence", "apache-2.0")),
                                       header_length=struct.unpack("<Q", data[:8])[0])
    assert parse(data, known_size=False) == header


def test_scalars_count_one_parameter_and_metadata_is_optional() -> None:
    header = parse(json_file({"s": {"dtype": "BF16", "shape": [], "data_offsets": [0, 2]}}))
    assert (header.tensor_count, header.parameter_count, header.metadata) == (1, 1, ())


def test_empty_header_is_valid() -> None:
    assert parse(raw_file(b"{}")).tensor_count == 0


def test_header_padded_with_spaces_is_valid() -> None:
    assert parse(raw_file(b'{"__metadata__": {"k": "v"}}    ')).metadata == (("k", "v"),)


def test_huge_declared_length_is_refused_without_reading_it() -> None:
    calls: list[tuple[int, int]] = []
    data = raw_file(b"{}", length=2**60)
    with pytest.raises(MalformedSafetensorsError, match="exceeds the limit"):
        parse_safetensors_header(reader(data, calls), None)
    assert calls == [(0, 8)]


def test_length_beyond_the_file_is_refused_before_reading() -> None:
    calls: list[tuple[int, int]] = []
    data = raw_file(b"{}", length=MAX_HEADER_LENGTH)
    with pytest.raises(MalformedSafetensorsError, match="exceeds the file size"):
        parse_safetensors_header(reader(data, calls), len(data))
    assert calls == [(0, 8)]


@pytest.mark.parametrize("data", [b"", b"\x02\x00\x00"], ids=["empty", "short-length"])
def test_truncated_length(data: bytes) -> None:
    with pytest.raises(MalformedSafetensorsError, match="truncated"):
        parse(data)


def test_truncated_header_with_unknown_size() -> None:
    with pytest.raises(MalformedSafetensorsError, match="truncated"):
        parse(raw_file(b'{"a": 1', length=500), known_size=False)


@pytest.mark.parametrize(("header", "message"), [
    (b"{not json}", "not valid JSON"),
    (b"[1, 2, 3]", "start with '{'"),
    (b'{"a": "\xff\xfe"}', "not valid JSON"),
    (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not valid JSON"),
    (b'{"a": ' + b"9" * 5000 + b"}", "not valid JSON"),
    (b"\x00", "too small"),
], ids=["garbage", "array", "bad-utf8", "deep-nesting", "huge-integer", "one-byte"])
def test_non_json_headers(header: bytes, message: str) -> None:
    with pytest.raises(MalformedSafetensorsError, match=message):
        parse(raw_file(header))


@pytest.mark.parametrize("entry", [
    "not an object",
    {"shape": [1], "data_offsets": [0, 4]},
    {"dtype": 7, "shape": [1], "data_offsets": [0, 4]},
    {"dtype": "F32\x1b[31m", "shape": [1], "data_offsets": [0, 4]},
    {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]},
    {"dtype": "F32", "shape": [True], "data_offsets": [0, 4]},
    {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]},
    {"dtype": "F32", "shape": [2**64], "data_offsets": [0, 4]},
    {"dtype": "F32", "shape": [1] * 65, "data_offsets": [0, 4]},
    {"dtype": "F32", "shape": "4", "data_offsets": [0, 4]},
    {"dtype": "F32", "shape": [1], "data_offsets": [0]},
    {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]},
    {"dtype": "F32", "shape": [1], "data_offsets": [0, 17]},
    {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]},
], ids=["not-object", "no-dtype", "int-dtype", "escape-dtype", "negative-dim", "bool-dim", "float-dim",
        "huge-dim", "rank-65", "string-shape", "one-offset", "reversed-offsets", "past-data", "negative-offset"])
def test_invalid_tensor_entries(entry: object) -> None:
    with pytest.raises(MalformedSafetensorsError, match="tensor 'w'"):
        parse(json_file({"w": entry}, data_size=16))


@pytest.mark.parametrize("metadata", [["a"], {"k": 1}, {"k": None}])
def test_invalid_metadata(metadata: object) -> None:
    with pytest.raises(MalformedSafetensorsError, match="__metadata__"):
        parse(json_file({"__metadata__": metadata}))


def test_offsets_are_only_bounded_when_the_size_is_known() -> None:
    data = json_file({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 10**9]}})
    assert parse(data, known_size=False).parameter_count == 1


def test_long_hostile_tensor_names_are_cut_in_messages() -> None:
    with pytest.raises(MalformedSafetensorsError) as caught:
        parse(json_file({"x" * 10_000: {"dtype": 1}}))
    assert len(str(caught.value)) < 200


def test_errors_share_the_parser_error_base() -> None:
    assert issubclass(MalformedSafetensorsError, MalformedHeaderError)
    assert issubclass(MalformedHeaderError, ValueError)


def mutations(data: bytes, seed: int, count: int) -> list[bytes]:
    """`count` copies of `data`, each with a few random bytes changed, inserted or cut."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        copy = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(copy))
            choice = rng.random()
            if choice < 0.6:
                copy[at] = rng.randrange(256)
            elif choice < 0.8:
                copy[at:at] = rng.randbytes(rng.randint(1, 8))
            else:
                del copy[at:at + rng.randint(1, 8)]
        out.append(bytes(copy))
    return out


def test_mutated_headers_raise_only_the_parser_error() -> None:
    valid = json_file({"__metadata__": {"format": "pt"},
                       "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}})
    for data in mutations(valid, seed=7, count=3000):
        try:
            parse(data, known_size=len(data) % 2 == 0)
        except MalformedSafetensorsError:
            pass
