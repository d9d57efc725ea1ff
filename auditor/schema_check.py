"""Validation of data files against the JSON schemas in `schemas/`, with one-line errors.

Checklists, manifests, waivers, MOT YAMLs and reports given as input all fail the same way: the
file, the first failing field as a path, and what is wrong with it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import AuditorError
from auditor.resources import bundled_dir
from auditor.safe_yaml import YamlError, load_yaml

if TYPE_CHECKING:
    import jsonschema.protocols


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((bundled_dir("schemas") / name).read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema  # only when something is validated: a cached checklist never needs it

    loaded = schema(name)
    cls = jsonschema.validators.validator_for(loaded, default=jsonschema.Draft202012Validator)
    return cls(loaded, format_checker=cls.FORMAT_CHECKER)


def check(data: Any, schema_name: str, prefix: str, error: type[AuditorError]) -> None:
    """Raise `error("PREFIX: field A/B: message")` unless `data` fits the schema."""
    errors = sorted(_validator(schema_name).iter_errors(data),
                    key=lambda e: ([str(p) for p in e.absolute_path], e.message))
    if errors:
        import jsonschema.exceptions

        first = jsonschema.exceptions.best_match(errors) or errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise error(f"{prefix}: field {where}: {first.message}")


def load_checked_yaml(text: str, schema_name: str, prefix: str, error: type[AuditorError]) -> Any:
    """YAML text (safely loaded) that fits the schema, or `error` naming what does not; a text
    validated before is not validated again while an audit uses the cache (`caching_in`)."""
    from auditor.result_cache import active_cache_folder

    try:
        data = load_yaml(text)
    except YamlError as problem:
        raise error(f"{prefix}: {problem}") from None
    check_cached(data, text, schema_name, prefix, error, active_cache_folder())
    return data


def check_cached(data: Any, text: str, schema_name: str, prefix: str, error: type[AuditorError],
                 cache_folder: Path | None) -> None:
    """`check`, skipped when this very text was found valid against this very schema before (the
    bundled checklists, validated on every run otherwise). Only success is remembered."""
    from auditor.result_cache import ResultCache

    if cache_folder is None:
        check(data, schema_name, prefix, error)
        return
    schema_text = (bundled_dir("schemas") / schema_name).read_bytes()
    cache: ResultCache[bool] = ResultCache(cache_folder, "valid-" + schema_name.split(".")[0], bool)
    key = cache.key(text, hashlib.sha256(schema_text).hexdigest())
    found, valid = cache.get(key)
    if not (found and valid):
        check(data, schema_name, prefix, error)
        cache.put(key, True)
