"""Frozen dataclasses to JSON and back, strictly: what the cache stores and how an entry is checked.

Decoding rebuilds the declared types (tuples, optional values, literals, nested dataclasses) and
refuses anything else with `ValueError`, so an entry the cache did not write, or wrote for other
code, is never taken for a result.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, Literal, get_args, get_origin

_SCALARS = (str, int, float, bool)


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if value is None or isinstance(value, _SCALARS):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(kind: Any, raw: Any) -> Any:
    """`raw` as a value of type `kind`; ValueError when it is not one."""
    origin = get_origin(kind)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        fields = _fields(kind)
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise ValueError(f"not a {kind.__name__}")
        return kind(*(decode(hint, item) for (_, hint), item in zip(fields, raw, strict=True)))
    if origin is tuple or origin is list:
        arguments = get_args(kind)
        if not isinstance(raw, list):
            raise ValueError("not a sequence")
        if origin is list or (len(arguments) == 2 and arguments[1] is Ellipsis):
            items = [decode(arguments[0], item) for item in raw]
        elif len(arguments) == len(raw):
            items = [decode(hint, item) for hint, item in zip(arguments, raw, strict=True)]
        else:
            raise ValueError("wrong length")
        return tuple(items) if origin is tuple else items
    if origin in (typing.Union, types.UnionType):
        for option in get_args(kind):
            try:
                return decode(option, raw)
            except ValueError:
                continue
        raise ValueError("no option fits")
    if origin is Literal:
        if raw not in get_args(kind) or isinstance(raw, bool):
            raise ValueError("not an allowed value")
        return raw
    if kind is type(None):
        if raw is not None:
            raise ValueError("not None")
        return None
    if kind is float:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ValueError("not a number")
        return float(raw)
    if kind in (str, int, bool):
        if type(raw) is not kind:
            raise ValueError(f"not a {kind.__name__}")
        return raw
    raise ValueError(f"cannot decode {kind!r}")


@cache
def _fields(kind: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(kind)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(kind))
