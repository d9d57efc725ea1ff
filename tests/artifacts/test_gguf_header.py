from __future__ import annotations

import math
import random
import struct
from collections.abc import Callable

import pytest

from auditor.artifacts.errors import MalformedHeaderError
from auditor.artifacts.gguf_header import (
    READ_LIMIT,
    GgufHeader,
    MalformedGgufError,
    parse_gguf_header,
)

# GGUF value types, as numbered in ggml/docs/gguf.md.
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
_PACK = {U8: "B", I8: "b", U16: "H", I16: "h", U32: "I", I32: "i", F32: "f", BOOL: "?", U64: "Q", I64: "q",
         F64: "d"}
ALIGNMENT = 32

Pair = tuple[str, int, object]


def gguf_file(pairs: list[Pair], tensors: list[tuple[str, tuple[int, ...]]] | None = None, *, version: int = 3,
              endian: str = "<", tensor_count: int | None = None, metadata_count: int | None = None) -> bytes:
    """A GGUF file as ggml writes it: header, key-values, tensor infos, padding, F32 tensor data."""
    tensors = [("weight", (2, 3))] if tensors is None else tensors
    size = "I" if version == 1 else "Q"

    def pack(code: str, value: object) -> bytes:
        return struct.pack(endian + code, value)

    def string(text: str | bytes) -> bytes:
        raw = text.encode() if isinstance(text, str) else text
        return pack(size, len(raw)) + raw

    def value(kind: int, item: object) -> bytes:
        if kind == STRING:
            assert isinstance(item, (str, bytes))
            return string(item)
        if kind == ARRAY:
            assert isinstance(item, tuple)
            item_kind, items = item
            return pack("I", item_kind) + pack(size, len(items)) + b"".join(value(item_kind, i) for i in items)
        return pack(_PACK[kind], item)

    out = bytearray(b"GGUF" + pack("I", version))
    out += pack(size, len(tensors) if tensor_count is None else tensor_count)
    out += pack(size, len(pairs) if metadata_count is None else metadata_count)
    for key, kind, item in pairs:
        out += string(key) + pack("I", kind) + value(kind, item)
    offset = 0
    for name, shape in tensors:
        out += string(name) + pack("I", len(shape)) + b"".join(pack(size, d) for d in shape)
        out += pack("I", 0) + pack("Q", offset)  # ggml type 0 is F32
        offset += -(-4 * math.prod(shape) // ALIGNMENT) * ALIGNMENT
    out += b"\0" * (-len(out) % ALIGNMENT) + b"\0" * offset
    return bytes(out)


LICENCE_PAIRS: list[Pair] = [
    ("general.architecture", STRING, "llama"),
    ("general.name", STRING, "Tiny"),
    ("general.license", STRING, "apache-2.0"),
    ("general.license.name", STRING, "Apache License 2.0"),
    ("general.license.link", STRING, "https://www.apache.org/licenses/LICENSE-2.0"),
]
EVERY_TYPE: list[Pair] = [
    ("t.u8", U8, 1), ("t.i8", I8, -1), ("t.u16", U16, 2), ("t.i16", I16, -2), ("t.u32", U32, 3),
    ("t.i32", I32, -3), ("t.f32", F32, 0.5), ("t.bool", BOOL, True), ("t.u64", U64, 2**40),
    ("t.i64", I64, -(2**40)), ("t.f64", F64, 0.25), ("t.string", STRING, "hello"),
    ("t.ints", ARRAY, (I32, [1, 2, 3])), ("t.strings", ARRAY, (STRING, ["a", "bc", ""])),
    ("t.nested", ARRAY, (ARRAY, [(U8, [1, 2]), (STRING, ["x"])])),
]


def reader(data: bytes, calls: list[tuple[int, int]] | None = None) -> Callable[[int, int], bytes]:
    def read(offset: int, length: int) -> bytes:
        if calls is not None:
            calls.append((offset, length))
        return data[offset:offset + length]

    return read


def parse(data: bytes) -> GgufHeader:
    return parse_gguf_header(reader(data), len(data))


def test_licence_keys_after_values_of_every_type() -> None:
    header = parse(gguf_file(EVERY_TYPE + LICENCE_PAIRS))
    assert (header.version, header.tensor_count, header.metadata_count) == (3, 1, len(EVERY_TYPE) + 5)
    assert header.metadata == tuple(sorted((key, value) for key, _, value in LICENCE_PAIRS))
    assert header.get("general.license") == "apache-2.0"
    assert header.get("general.file_type") is None


@pytest.mark.parametrize(("version", "endian"), [(1, "<"), (2, "<"), (3, ">")])
def test_older_versions_and_big_endian_files(version: int, endian: str) -> None:
    header = parse(gguf_file(EVERY_TYPE + LICENCE_PAIRS, version=version, endian=endian))
    assert header.version == version
    assert header.get("general.license.name") == "Apache License 2.0"


def test_unknown_keys_and_non_string_licence_values_are_not_kept() -> None:
    header = parse(gguf_file([("general.license", U32, 7), ("custom.key", STRING, "x")]))
    assert header.metadata == ()


def test_invalid_utf8_in_a_kept_value_is_replaced() -> None:
    assert parse(gguf_file([("general.name", STRING, b"bad \xff")])).get("general.name") == "bad \ufffd"


def test_reads_once_and_stops_at_the_bound() -> None:
    # A 2 MiB vocabulary before the licence, as some writers order keys: the licence is not seen,
    # and that is not an error.
    vocabulary = ["t" * 100] * 20_000
    data = gguf_file([("tokenizer.ggml.tokens", ARRAY, (STRING, vocabulary)), *LICENCE_PAIRS])
    assert len(data) > 2 * READ_LIMIT
    calls: list[tuple[int, int]] = []
    header = parse_gguf_header(reader(data, calls), len(data))
    assert calls == [(0, READ_LIMIT)]
    assert header.metadata_count == 6
    assert header.metadata == ()


def test_large_fixed_size_arrays_are_skipped_in_one_step() -> None:
    data = gguf_file([("scores", ARRAY, (F32, [0.0] * 100_000)), *LICENCE_PAIRS])
    assert parse(data).get("general.license") == "apache-2.0"


@pytest.mark.parametrize(("tensors", "pairs", "message"), [
    (10**7 + 1, 0, "implausible tensor count"),
    (1, 10**6 + 1, "implausible metadata count"),
    (2**64 - 1, 2**64 - 1, "implausible tensor count"),
    (100_000, 0, "cannot fit"),
    (0, 100_000, "cannot fit"),
])
def test_absurd_counts(tensors: int, pairs: int, message: str) -> None:
    with pytest.raises(MalformedGgufError, match=message):
        parse(gguf_file([], [], tensor_count=tensors, metadata_count=pairs))


def test_absurd_counts_without_a_known_size() -> None:
    data = gguf_file([], [], tensor_count=2**40)
    with pytest.raises(MalformedGgufError, match="implausible"):
        parse_gguf_header(reader(data), None)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "magic"),
    (b"GGML" + b"\0" * 100, "magic"),
    (b"GGUF\x03", "truncated before the version"),
    (b"GGUF" + struct.pack("<I", 4) + b"\0" * 100, "unsupported GGUF version 4"),
    (b"GGUF" + struct.pack("<I", 0) + b"\0" * 100, "unsupported GGUF version 0"),
    (b"GGUF" + struct.pack("<IQ", 3, 1), "truncated before the tensor and metadata counts"),
])
def test_bad_prefixes(data: bytes, message: str) -> None:
    with pytest.raises(MalformedGgufError, match=message):
        parse(data)


def test_truncated_metadata() -> None:
    data = gguf_file(LICENCE_PAIRS)
    with pytest.raises(MalformedGgufError, match="truncated inside the metadata"):
        parse(data[:150])


def test_string_longer_than_the_file() -> None:
    data = gguf_file([("general.name", STRING, "x")], [])
    broken = data.replace(struct.pack("<Q", 1) + b"x", struct.pack("<Q", 2**63) + b"x")
    with pytest.raises(MalformedGgufError, match="truncated"):
        parse(broken)


def test_array_with_an_absurd_length_ends_with_the_bytes() -> None:
    data = gguf_file([("a", ARRAY, (STRING, ["x"]))], [])
    broken = data.replace(struct.pack("<IQ", STRING, 1), struct.pack("<IQ", STRING, 2**63))
    with pytest.raises(MalformedGgufError, match="truncated"):
        parse(broken)


def test_unknown_value_type() -> None:
    with pytest.raises(MalformedGgufError, match="unknown metadata value type 13"):
        parse(gguf_file([("a", U8, 1)]).replace(b"a" + struct.pack("<I", U8), b"a" + struct.pack("<I", 13)))


def test_arrays_nested_too_deep() -> None:
    nested: object = (U8, [])
    for _ in range(20):
        nested = (ARRAY, [nested])
    with pytest.raises(MalformedGgufError, match="nested deeper"):
        parse(gguf_file([("deep", ARRAY, nested)]))


def test_errors_share_the_parser_error_base() -> None:
    assert issubclass(MalformedGgufError, MalformedHeaderError)


def test_mutated_headers_raise_only_the_parser_error() -> None:
    rng = random.Random(11)
    valid = gguf_file(EVERY_TYPE + LICENCE_PAIRS)
    for _ in range(3000):
        data = bytearray(valid)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            if rng.random() < 0.7:
                data[at] = rng.randrange(256)
            else:
                del data[at:at + rng.randint(1, 8)]
        try:
            parse_gguf_header(reader(bytes(data)), len(data) if rng.random() < 0.5 else None)
        except MalformedGgufError:
            pass
