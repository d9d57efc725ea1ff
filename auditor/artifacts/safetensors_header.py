"""Reads a safetensors header without touching the tensor data.

Layout (huggingface/safetensors): a u64 little-endian length N, then N bytes of JSON mapping tensor
names to `{dtype, shape, data_offsets}` plus an optional `__metadata__` of strings, then the data.
"""

from __future__ import annotations

import json
import math
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from auditor.artifacts.errors import MalformedHeaderError

MAX_HEADER_LENGTH = 100_000_000
"""The reference implementation's limit on N; anything larger is refused before it is read."""
MAX_RANK = 64
"""NumPy's own limit on dimensions; also keeps the parameter count's arithmetic small."""
MAX_DIMENSION = 2**64 - 1
"""The reference implementation stores dimensions as usize."""
_DTYPE = re.compile(r"[A-Za-z0-9_]{1,32}")
"""Every dtype the format defines (F32, BF16, F8_E4M3, ...) fits; keeps hostile text out of reports."""


class MalformedSafetensorsError(MalformedHeaderError):
    """The bytes are not a well-formed safetensors header."""


@dataclass(frozen=True)
class SafetensorsHeader:
    tensor_count: int
    dtypes: tuple[str, ...]
    parameter_count: int
    metadata: tuple[tuple[str, str], ...]
    header_length: int


def parse_safetensors_header(read: Callable[[int, int], bytes], file_size: int | None) -> SafetensorsHeader:
    """Parses the header through `read(offset, length)`; reads at most 8 + MAX_HEADER_LENGTH bytes."""
    prefix = read(0, 8)
    if len(prefix) < 8:
        raise MalformedSafetensorsError("truncated: fewer than 8 bytes for the header length")
    (length,) = struct.unpack("<Q", prefix)
    if length < 2:
        raise MalformedSafetensorsError(f"header length {length} is too small for a JSON object")
    if length > MAX_HEADER_LENGTH:
        raise MalformedSafetensorsError(f"header length {length:,} exceeds the limit of {MAX_HEADER_LENGTH:,} bytes")
    if file_size is not None and length > file_size - 8:
        raise MalformedSafetensorsError(f"header length {length:,} exceeds the file size ({file_size:,} bytes)")
    raw = read(8, length)
    if len(raw) < length:
        raise MalformedSafetensorsError(f"truncated: header declares {length:,} bytes, {len(raw):,} present")
    if raw[:1] != b"{":
        raise MalformedSafetensorsError("header does not start with '{'")
    try:
        document = json.loads(raw.decode("utf-8"))
    # RecursionError: deeply nested JSON; ValueError covers bad UTF-8, bad JSON and huge integers.
    except (ValueError, RecursionError) as error:
        raise MalformedSafetensorsError(f"header is not valid JSON: {_first_line(error)}") from None
    if not isinstance(document, dict):
        raise MalformedSafetensorsError("header is not a JSON object")
    data_size = None if file_size is None else file_size - 8 - length
    return _interpret(document, data_size, length)


def _interpret(document: dict[str, object], data_size: int | None, length: int) -> SafetensorsHeader:
    metadata: tuple[tuple[str, str], ...] = ()
    dtypes: set[str] = set()
    parameters = 0
    tensors = 0
    for name, entry in document.items():
        if name == "__metadata__":
            metadata = _metadata(entry)
            continue
        if not isinstance(entry, dict):
            raise MalformedSafetensorsError(f"tensor {_shown(name)}: entry is not an object")
        dtype, shape = entry.get("dtype"), entry.get("shape")
        if not isinstance(dtype, str) or not _DTYPE.fullmatch(dtype):
            raise MalformedSafetensorsError(f"tensor {_shown(name)}: dtype is not a dtype name")
        if not isinstance(shape, list) or len(shape) > MAX_RANK or not all(_is_count(d) for d in shape):
            raise MalformedSafetensorsError(f"tensor {_shown(name)}: shape is not a list of dimensions")
        _check_offsets(name, entry.get("data_offsets"), data_size)
        dtypes.add(dtype)
        parameters += math.prod(shape)
        tensors += 1
    return SafetensorsHeader(tensor_count=tensors, dtypes=tuple(sorted(dtypes)), parameter_count=parameters,
                             metadata=metadata, header_length=length)


def _metadata(entry: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
        raise MalformedSafetensorsError("__metadata__ is not an object of strings")
    return tuple(sorted(entry.items()))


def _check_offsets(name: str, offsets: object, data_size: int | None) -> None:
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(o) for o in offsets)):
        raise MalformedSafetensorsError(f"tensor {_shown(name)}: data_offsets is not two non-negative integers")
    begin, end = offsets
    if begin > end:
        raise MalformedSafetensorsError(f"tensor {_shown(name)}: data_offsets begin after they end")
    if data_size is not None and end > data_size:
        raise MalformedSafetensorsError(f"tensor {_shown(name)}: data_offsets end at {end:,}, "
                                        f"past the data ({data_size:,} bytes)")


def _is_count(value: object) -> bool:
    # bool is a subclass of int in Python, but `true` is not a dimension.
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DIMENSION


def _shown(name: str) -> str:
    # Names come from the file: cut long ones, and repr() escapes control characters.
    return repr(name if len(name) <= 80 else name[:80] + "...")


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
