"""Shows names from a release safely: never a raw control character or terminal escape sequence."""

from __future__ import annotations

import re
import unicodedata

# Categories never shown raw: controls, format characters (bidi overrides such as U+202E, zero-width
# joiners), surrogates, private use, unassigned, and the line and paragraph separators.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_NOT_ASCII = re.compile("[^\x00-\x7e]")


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
        elif _is_control(code):
            out.append(f"\\x{code:02x}")
        elif unicodedata.category(char) in _ESCAPED_CATEGORIES:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def is_unusual(name: str) -> bool:
    """True when `printable` would have to escape something."""
    return not name.isprintable()


def json_safe(document: str) -> str:
    """JSON text (as `json.dumps` writes it) with every character `printable` would escape written as a
    `\\u` escape: the data parses back unchanged, and the bytes carry no C1 control, bidi override or
    lone surrogate to a terminal (`json.dumps` itself escapes only C0 controls)."""
    return _NOT_ASCII.sub(_json_escape, document)


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if not _is_control(code) and unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    if code > 0xFFFF:  # JSON spells a character outside the BMP as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _is_control(code: int) -> bool:
    """C0, DEL and C1: a terminal acts on these (U+009B alone starts a CSI sequence)."""
    return code < 0x20 or 0x7F <= code < 0xA0
