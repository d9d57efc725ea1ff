"""Names a weight file's format from its first bytes (DOMAIN.md section 4).

Content decides; the file name only breaks ties the bytes cannot (a zip without a visible
`data.pkl`, ONNX's protobuf that has no magic number). A name alone never identifies a format.
"""

from __future__ import annotations

import posixpath
import struct

from auditor.artifacts.lfs_pointer import parse_lfs_pointer
from auditor.artifacts.safetensors_header import MAX_HEADER_LENGTH

WEIGHT_FORMATS = ("safetensors", "gguf", "pytorch-zip", "pickle", "onnx", "hdf5", "numpy", "numpy-zip",
                  "lfs-pointer")
PICKLE_FORMATS = frozenset({"pickle", "pytorch-zip"})
"""Formats whose loading runs code chosen by the file's author."""

_HDF5 = b"\x89HDF\r\n\x1a\n"
_NUMPY = b"\x93NUMPY"
_ZIP = b"PK\x03\x04"
_ZIP_HEADER = struct.Struct("<4sHHHHHIIIHH")
"""A zip local file header: signature, version, flags, method, time, date, crc, sizes, name and extra lengths."""
_TORCH_ZIP_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt"})


def identify_weight_format(head: bytes, name: str) -> str | None:
    """One of WEIGHT_FORMATS for a file starting with `head`, or None when it is not a weight file."""
    suffix = posixpath.splitext(name)[1].lower()
    if parse_lfs_pointer(head) is not None:
        return "lfs-pointer"
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(_HDF5):
        return "hdf5"
    if head.startswith(_NUMPY):
        return "numpy"
    if head.startswith(_ZIP):
        return _zip_format(head, suffix)
    # Before pickle: a safetensors header of 640 bytes starts with the bytes 0x80 0x02 too.
    if _looks_like_safetensors(head):
        return "safetensors"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "pickle"
    if suffix == ".onnx" and head[:1] == b"\x08":
        return "onnx"
    return None


def _looks_like_safetensors(head: bytes) -> bool:
    if len(head) < 10:
        return False
    (length,) = struct.unpack("<Q", head[:8])
    if not 2 <= length <= MAX_HEADER_LENGTH or head[8:9] != b"{":
        return False
    # The JSON object's first token: a key or the closing brace.
    rest = head[9:].lstrip(b" \t\r\n")
    return rest[:1] in (b'"', b"}")


def _zip_format(head: bytes, suffix: str) -> str | None:
    names = _zip_member_names(head)
    if any(n == b"data.pkl" or n.endswith(b"/data.pkl") for n in names):
        return "pytorch-zip"
    if names and all(n.endswith(b".npy") for n in names):
        return "numpy-zip"
    if suffix in _TORCH_ZIP_SUFFIXES:
        return "pytorch-zip"
    if suffix == ".npz":
        return "numpy-zip"
    return None


def _zip_member_names(head: bytes) -> list[bytes]:
    """Names of the zip members whose local headers lie within `head`."""
    names: list[bytes] = []
    position = 0
    while position + _ZIP_HEADER.size <= len(head):
        signature, _, flags, _, _, _, _, compressed, _, name_length, extra_length = _ZIP_HEADER.unpack_from(
            head, position)
        if signature != _ZIP:
            break
        start = position + _ZIP_HEADER.size
        if start + name_length > len(head):
            break
        names.append(head[start:start + name_length])
        # A data descriptor (flag bit 3) or a zip64 size leaves the next header's place unknown.
        if flags & 0x08 or compressed == 0xFFFFFFFF:
            break
        position = start + name_length + extra_length + compressed
    return names
