"""Validation of data files against the JSON schemas in `schemas/`, with one-line errors.

Checklists, manifests, waivers, MOT YAMLs and reports given as input all fail the same way: the
file, the first failing field as a path, and what is wrong with it.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from auditor.errors import AuditorError
from auditor.resources import bundled_dir
from auditor.safe_yaml import YamlError, load_yaml


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((bundled_dir("schemas") / name).read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    loaded = schema(name)
    cls = jsonschema.validators.validator_for(loaded, default=jsonschema.Draft202012Validator)
    return cls(loaded, format_checker=cls.FORMAT_CHECKER)


def check(data: Any, schema_name: str, prefix: str, error: type[AuditorError]) -> None:
    """Raise `error("PREFIX: field A/B: message")` unless `data` fits the schema."""
    errors = sorted(_validator(schema_name).iter_errors(data),
                    key=lambda e: ([str(p) for p in e.absolute_path], e.message))
    if errors:
        first = jsonschema.exceptions.best_match(errors) or errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise error(f"{prefix}: field {where}: {first.message}")


def load_checked_yaml(text: str, schema_name: str, prefix: str, error: type[AuditorError]) -> Any:
    """YAML text (safely loaded) that fits the schema, or `error` naming what does not."""
    try:
        data = load_yaml(text)
    except YamlError as problem:
        raise error(f"{prefix}: {problem}") from None
    check(data, schema_name, prefix, error)
    return data
