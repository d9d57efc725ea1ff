"""YAML loading for untrusted input: safe types only, no aliases, bounded size.

`yaml.safe_load` already refuses Python-object tags, but it expands aliases, so a few hundred bytes
of nested anchors can grow into gigabytes ("billion laughs"). Releases are hostile input, so
aliases are refused outright.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_YAML_BYTES = 1024 * 1024


class YamlError(ValueError):
    """The text is not acceptable YAML; the message says why, with a line when known."""


class _NoAliasSafeLoader(yaml.SafeLoader):
    # Dates stay strings: callers validate them against JSON schemas, which know no date objects.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise YamlError(f"line {mark.line + 1}: YAML aliases are not accepted")
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(f"YAML larger than {MAX_YAML_BYTES} bytes")
    try:
        return yaml.load(text, Loader=_NoAliasSafeLoader)  # noqa: S506 - the loader is a SafeLoader
    except YamlError:
        raise
    except yaml.MarkedYAMLError as error:
        line = f"line {error.problem_mark.line + 1}: " if error.problem_mark else ""
        raise YamlError(f"{line}{error.problem or error.context or 'invalid YAML'}") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        raise YamlError(f"invalid YAML: {type(error).__name__}") from None
