"""Frozen dataclasses to JSON and back, strictly: what the cache stores and how an entry is checked.

Decoding rebuilds the declared types (tuples, optional values, literals, nested dataclasses) and
refuses anything else with `ValueError`, so an entry the cache did not write, or wrote for other
code, is never taken for a result.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, get_args, get_origin

_SCALARS = (str, int, float, bool)


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if isinstance(value, dict) and all(type(key) is str for key in value):
        return {key: encode(item) for key, item in value.items()}
    if value is None or isinstance(value, _SCALARS):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(kind: Any, raw: Any) -> Any:
    """`raw` as a value of type `kind`; ValueError when it is not one."""
    return _decoder(kind)(raw)


@cache
def _decoder(kind: Any) -> Callable[[Any], Any]:
    """A function decoding `kind`, built once per type: a warm audit decodes thousands of entries."""
    origin = get_origin(kind)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = [_decoder(hints[f.name]) for f in dataclasses.fields(kind)]

        def dataclass_value(raw: Any) -> Any:
            if type(raw) is not list or len(raw) != len(fields):
                raise ValueError(f"not a {kind.__name__}")
            return kind(*[field(item) for field, item in zip(fields, raw, strict=True)])
        return dataclass_value
    if origin is tuple or origin is list:
        arguments = get_args(kind)
        make = tuple if origin is tuple else list
        if origin is list or (len(arguments) == 2 and arguments[1] is Ellipsis):
            item_decoder = _decoder(arguments[0])

            def sequence(raw: Any) -> Any:
                if type(raw) is not list:
                    raise ValueError("not a sequence")
                return make([item_decoder(item) for item in raw])
            return sequence
        positions = [_decoder(hint) for hint in arguments]

        def fixed(raw: Any) -> Any:
            if type(raw) is not list or len(raw) != len(positions):
                raise ValueError("wrong length")
            return make([decoder(item) for decoder, item in zip(positions, raw, strict=True)])
        return fixed
    if origin is dict and get_args(kind)[0] is str:
        value_decoder = _decoder(get_args(kind)[1])

        def mapping(raw: Any) -> Any:
            if type(raw) is not dict:
                raise ValueError("not a mapping")
            return {key: value_decoder(item) for key, item in raw.items()}
        return mapping
    if origin in (typing.Union, types.UnionType):
        options = [_decoder(option) for option in get_args(kind)]

        def union(raw: Any) -> Any:
            for option in options:
                try:
                    return option(raw)
                except ValueError:
                    continue
            raise ValueError("no option fits")
        return union
    if origin is Literal:
        allowed = frozenset(get_args(kind))

        def literal(raw: Any) -> Any:
            if isinstance(raw, bool) or not isinstance(raw, (str, int)) or raw not in allowed:
                raise ValueError("not an allowed value")
            return raw
        return literal
    if kind is type(None):
        def none(raw: Any) -> Any:
            if raw is not None:
                raise ValueError("not None")
            return None
        return none
    if kind is float:
        def number(raw: Any) -> Any:
            if type(raw) not in (int, float):
                raise ValueError("not a number")
            return float(raw)
        return number
    if kind in (str, int, bool):
        def scalar(raw: Any) -> Any:
            if type(raw) is not kind:
                raise ValueError(f"not a {kind.__name__}")
            return raw
        return scalar
    raise TypeError(f"cannot decode {kind!r}")
