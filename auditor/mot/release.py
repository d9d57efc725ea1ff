"""A Model Openness Tool release YAML, read and checked against MOT's own schema.

The schema is a copy of MOT's (`schemas/mot-mof.schema.json`, from lfai/model_openness_tool @ 8b5d30e,
`schema/`, MIT). On top of it, component names must be MOT's exact names (`auditor.mot.names`):
MOT itself silently files an unknown name under its first configured component, which would make
any classification of such a file meaningless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema

from auditor.errors import BadManifestError
from auditor.mot.names import BY_NAME
from auditor.resources import bundled_dir
from auditor.safe_yaml import YamlError, load_yaml


@dataclass(frozen=True)
class MotLicense:
    """One entry of `release.license`: `kind` is distribution, code, data, document (or another key)."""

    kind: str
    name: str | None
    path: str | None


@dataclass(frozen=True)
class MotComponent:
    name: str
    """MOT's component name, exactly as written."""
    component: str
    """Our component id for that name."""
    description: str | None = None
    license: str | None = None
    """As written: None when the key is absent (MOT then uses the release's licences); `unlicensed`
    and the empty string both mean 'no licence' to MOT."""
    license_path: str | None = None
    component_path: str | None = None


@dataclass(frozen=True)
class MotRelease:
    name: str
    version: str | None
    producer: str
    date: str | None
    framework_name: str
    framework_version: str
    framework_date: str
    licenses: tuple[MotLicense, ...]
    components: tuple[MotComponent, ...]

    def license(self, kind: str) -> MotLicense | None:
        """The release-wide licence of that kind, if the release names one."""
        return next((entry for entry in self.licenses if entry.kind == kind), None)


@cache
def mot_schema() -> dict[str, Any]:
    return json.loads((bundled_dir("schemas") / "mot-mof.schema.json").read_text(encoding="utf-8"))


def _validator() -> jsonschema.protocols.Validator:
    schema = mot_schema()
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    # MOT validates with Opis, which checks `format: date`; jsonschema checks it only when asked.
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate_mot(data: Any, shown: str) -> None:
    """Raise BadManifestError ("FILE: field X: message") unless `data` fits MOT's schema."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = jsonschema.exceptions.best_match(errors) or errors[0]
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise BadManifestError(f"{shown}: field {where}: {error.message}")


def read_mot_release(text: str, shown: str) -> MotRelease:
    """A MOT release from YAML text; `shown` names the file in errors."""
    try:
        data = load_yaml(text)
    except YamlError as error:
        raise BadManifestError(f"{shown}: {error}") from None
    validate_mot(data, shown)
    framework, release = data["framework"], data["release"]

    licenses = []
    for kind, entry in release["license"].items():
        if not isinstance(entry, dict):
            raise BadManifestError(f"{shown}: field release/license/{kind}: {entry!r} is not of type 'object'")
        for key in ("name", "path"):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                raise BadManifestError(f"{shown}: field release/license/{kind}/{key}: "
                                       f"{entry[key]!r} is not of type 'string', 'null'")
        licenses.append(MotLicense(str(kind), entry.get("name"), entry.get("path")))

    components = []
    for index, entry in enumerate(release["components"]):
        name = entry.get("name")
        if name not in BY_NAME:
            raise BadManifestError(f"{shown}: field release/components/{index}/name: "
                                   f"{name!r} is not a MOT component name")
        components.append(MotComponent(name, BY_NAME[name].component, entry.get("description"),
                                       entry.get("license"), entry.get("license_path"),
                                       entry.get("component_path")))

    return MotRelease(name=release["name"], version=release.get("version"), producer=release["producer"],
                      date=release.get("date"), framework_name=framework["name"],
                      framework_version=framework["version"], framework_date=framework["date"],
                      licenses=tuple(licenses), components=tuple(components))
