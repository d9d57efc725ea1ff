"""Shows names from a release safely: never a raw control character or terminal escape sequence."""

from __future__ import annotations

import unicodedata


def printable(name: str) -> str:
    """`name` with control characters, format characters and undecodable bytes escaped.

    Names from disk are decoded with `surrogateescape`, so undecodable bytes arrive as lone
    surrogates; they become `\\xNN` like the control characters do. Backslashes are left alone so
    that escaping twice changes nothing: every stage may escape what it shows.
    """
    if name.isprintable():
        return name
    out: list[str] = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F or (0x80 <= code < 0xA0):
            out.append(f"\\x{code:02x}")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def is_unusual(name: str) -> bool:
    """True when `printable` would have to escape something."""
    return not name.isprintable()
