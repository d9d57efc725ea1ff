from __future__ import annotations

import pytest

from auditor.artifacts.lfs_pointer import LfsPointer, parse_lfs_pointer

OID = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"


def pointer(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


VALID = pointer("version https://git-lfs.github.com/spec/v1", f"oid sha256:{OID}", "size 12345")


def test_pointer_as_git_lfs_writes_it() -> None:
    assert parse_lfs_pointer(VALID) == LfsPointer(oid=OID, size=12345)


@pytest.mark.parametrize("data", [
    VALID.replace(b"\n", b"\r\n"),
    VALID.rstrip(b"\n"),
    pointer("version https://git-lfs.github.com/spec/v1", "ext-0-foo sha256:" + "0" * 64, f"oid sha256:{OID}",
            "size 0"),
    pointer("version https://hawser.github.com/spec/v1", f"oid sha256:{OID}", "size 1"),
], ids=["crlf", "no-final-newline", "extension", "pre-release-version"])
def test_tolerated_variants(data: bytes) -> None:
    assert parse_lfs_pointer(data) is not None


@pytest.mark.parametrize("data", [
    b"",
    b"hello world\n",
    b"\x80\x04\x95" + b"\0" * 40,
    pointer("version https://example.com/spec/v1", f"oid sha256:{OID}", "size 1"),
    pointer(f"oid sha256:{OID}", "version https://git-lfs.github.com/spec/v1", "size 1"),
    pointer("version https://git-lfs.github.com/spec/v1", f"oid sha256:{OID[:-1]}", "size 1"),
    pointer("version https://git-lfs.github.com/spec/v1", f"oid sha256:{OID.upper()}", "size 1"),
    pointer("version https://git-lfs.github.com/spec/v1", f"oid md5:{OID}", "size 1"),
    pointer("version https://git-lfs.github.com/spec/v1", f"oid sha256:{OID}"),
    pointer("version https://git-lfs.github.com/spec/v1", f"oid sha256:{OID}", "size -1"),
    pointer("version https://git-lfs.github.com/spec/v1", f"oid sha256:{OID}", "size 12abc"),
    pointer("version https://git-lfs.github.com/spec/v1", f"oid sha256:{OID}", "size 1", "size 2"),
    VALID.replace(b"size", "s\u00efze".encode()),
    VALID + b"x" * 1024,
], ids=["empty", "text", "pickle", "other-version", "version-not-first", "short-oid", "uppercase-oid",
        "md5", "no-size", "negative-size", "bad-size", "duplicate-key", "non-ascii", "too-long"])
def test_not_pointers(data: bytes) -> None:
    assert parse_lfs_pointer(data) is None
