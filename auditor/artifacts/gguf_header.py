"""Reads a GGUF header (ggml's format for llama.cpp and friends) from a bounded prefix of the file.

Layout (ggml/docs/gguf.md): `GGUF`, u32 version, tensor count, metadata count, then `count`
key-value pairs: a string key, a u32 value type, the value. Counts, string lengths and array
lengths are u64 (u32 in version 1). Files are little-endian unless written for a big-endian host.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from auditor.artifacts.errors import MalformedHeaderError

READ_LIMIT = 1 << 20
"""Only this much is read; the `general.*` keys writers put first fit well within it."""
MAX_TENSORS = 10**7
MAX_METADATA = 10**6
MAX_NESTING = 8
"""Arrays of arrays deeper than this appear in no real file and would only cost recursion."""
VERSIONS = (1, 2, 3)
KNOWN_KEYS = ("general.architecture", "general.license", "general.license.link", "general.license.name",
              "general.name")
"""The string keys the auditor keeps; everything else is skipped without being decoded."""
_KNOWN_RAW = frozenset(key.encode("ascii") for key in KNOWN_KEYS)

_FIXED_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
"""Value type -> size: uint8, int8, uint16, int16, uint32, int32, float32, bool, uint64, int64, float64."""
_STRING, _ARRAY = 8, 9
# The smallest a key-value pair (4-byte key length, type, 1-byte value) or a tensor description
# (name length, dimension count, type, offset) can be: counts that cannot fit in the file are lies.
_MIN_PAIR_SIZE = 9
_MIN_TENSOR_SIZE = 16


class MalformedGgufError(MalformedHeaderError):
    """The bytes are not a well-formed GGUF header."""


@dataclass(frozen=True)
class GgufHeader:
    version: int
    tensor_count: int
    metadata_count: int
    metadata: tuple[tuple[str, str], ...]
    """The KNOWN_KEYS found as strings within the bounded read, sorted by key."""

    def get(self, key: str) -> str | None:
        return dict(self.metadata).get(key)


class _OutOfBytes(Exception):
    """The bounded buffer ended before the structure did."""


class _Cursor:
    def __init__(self, data: bytes, endian: str, size_format: str, file_size: int | None) -> None:
        self.data = data
        self.position = 8
        self.endian = endian
        self.size_format = size_format
        self.file_size = file_size

    def take(self, length: int) -> bytes:
        end = self.position + length
        if end > len(self.data):
            if self.file_size is not None and len(self.data) < self.file_size < end:
                # Past the end of the file itself, not just of the bounded prefix read: a lie.
                raise MalformedGgufError(f"a length of {length:,} bytes runs past the end of the file")
            raise _OutOfBytes
        chunk = self.data[self.position:end]
        self.position = end
        return chunk

    def number(self, code: str) -> int:
        chunk = self.take(struct.calcsize(code))
        (value,) = struct.unpack(self.endian + code, chunk)
        return int(value)

    def size(self) -> int:
        return self.number(self.size_format)

    def string(self) -> bytes:
        return self.take(self.size())


def parse_gguf_header(read: Callable[[int, int], bytes], file_size: int | None = None) -> GgufHeader:
    """Parses the header through `read(offset, length)`; reads at most READ_LIMIT bytes, once."""
    data = read(0, READ_LIMIT)
    if data[:4] != b"GGUF":
        raise MalformedGgufError("does not start with the GGUF magic")
    if len(data) < 8:
        raise MalformedGgufError("truncated before the version")
    endian = _endianness(data[4:8])
    version = struct.unpack(endian + "I", data[4:8])[0]
    cursor = _Cursor(data, endian, "I" if version == 1 else "Q", file_size)
    # When the read returned the whole file, running out of bytes means the file is cut short;
    # otherwise it only means the bounded prefix ended.
    whole = len(data) < READ_LIMIT or (file_size is not None and file_size <= READ_LIMIT)
    try:
        tensor_count, metadata_count = cursor.size(), cursor.size()
    except _OutOfBytes:
        raise MalformedGgufError("truncated before the tensor and metadata counts") from None
    _check_counts(tensor_count, metadata_count, file_size)
    found: dict[str, str] = {}
    try:
        for _ in range(metadata_count):
            key = cursor.string()
            value = _value(cursor, cursor.number("I"), keep=key in _KNOWN_RAW, depth=0)
            if value is not None:
                found.setdefault(key.decode("ascii"), value)
    except _OutOfBytes:
        if whole:
            raise MalformedGgufError("truncated inside the metadata") from None
    return GgufHeader(version=version, tensor_count=tensor_count, metadata_count=metadata_count,
                      metadata=tuple(sorted(found.items())))


def _endianness(version: bytes) -> str:
    if struct.unpack("<I", version)[0] in VERSIONS:
        return "<"
    if struct.unpack(">I", version)[0] in VERSIONS:
        return ">"
    raise MalformedGgufError(f"unsupported GGUF version {struct.unpack('<I', version)[0]}")


def _check_counts(tensor_count: int, metadata_count: int, file_size: int | None) -> None:
    if tensor_count > MAX_TENSORS:
        raise MalformedGgufError(f"implausible tensor count {tensor_count:,} (limit {MAX_TENSORS:,})")
    if metadata_count > MAX_METADATA:
        raise MalformedGgufError(f"implausible metadata count {metadata_count:,} (limit {MAX_METADATA:,})")
    needed = 8 + tensor_count * _MIN_TENSOR_SIZE + metadata_count * _MIN_PAIR_SIZE
    if file_size is not None and needed > file_size:
        raise MalformedGgufError(f"{tensor_count:,} tensors and {metadata_count:,} metadata keys "
                                 f"cannot fit in {file_size:,} bytes")


def _value(cursor: _Cursor, value_type: int, keep: bool, depth: int) -> str | None:
    """Skips one value; returns it only when it is a string the caller wants to keep."""
    if value_type in _FIXED_SIZES:
        cursor.take(_FIXED_SIZES[value_type])
        return None
    if value_type == _STRING:
        raw = cursor.string()
        return raw.decode("utf-8", errors="replace") if keep else None
    if value_type == _ARRAY:
        if depth >= MAX_NESTING:
            raise MalformedGgufError(f"arrays nested deeper than {MAX_NESTING}")
        item_type, count = cursor.number("I"), cursor.size()
        if item_type in _FIXED_SIZES:
            # One bounds-checked skip, however large the count.
            cursor.take(count * _FIXED_SIZES[item_type])
        else:
            # Strings and arrays take at least 4 bytes each, so this loop ends with the buffer.
            for _ in range(count):
                _value(cursor, item_type, keep=False, depth=depth + 1)
        return None
    raise MalformedGgufError(f"unknown metadata value type {value_type}")
