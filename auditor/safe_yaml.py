"""YAML loading for untrusted input: safe types only, no aliases, bounded size, dates as strings.

`yaml.safe_load` already refuses Python-object tags, but aliases let a few hundred bytes of nested
anchors stand for gigabytes once anything walks the result ("billion laughs"). Releases are
hostile input, so a document with an alias is refused outright. libyaml does the parsing when
PyYAML has it (ten times faster than the pure-Python parser), the pure-Python one otherwise.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_YAML_BYTES = 1024 * 1024
_BASE: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    """The text is not acceptable YAML; the message says why, with a line when known."""


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    # Dates stay strings: callers validate them against JSON schemas, which know no date objects.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


MAX_INT_BITS = 4096


def _bounded_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """An integer of at most MAX_INT_BITS bits: a 100,000-digit literal costs quadratic time to
    build and cannot even be printed in an error message."""
    value = yaml.SafeLoader.construct_yaml_int(loader, node)
    if abs(value).bit_length() > MAX_INT_BITS:
        raise YamlError(f"line {node.start_mark.line + 1}: integer too large")
    return value


_Loader.add_constructor("tag:yaml.org,2002:int", _bounded_int)


def load_yaml(text: str) -> Any:
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(f"YAML larger than {MAX_YAML_BYTES} bytes")
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                line = f"line {event.start_mark.line + 1}: " if event.start_mark else ""
                raise YamlError(f"{line}YAML aliases are not accepted")
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except YamlError:
        raise
    except yaml.MarkedYAMLError as error:
        line = f"line {error.problem_mark.line + 1}: " if error.problem_mark else ""
        raise YamlError(f"{line}{error.problem or error.context or 'invalid YAML'}") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, IndexError, KeyError, AttributeError,
            OverflowError) as error:
        # PyYAML's constructors raise plain Python errors on some malformed tagged scalars.
        raise YamlError(f"invalid YAML: {type(error).__name__}") from None
