"""A Model Openness Tool release YAML, read and checked against MOT's own schema.

The schema is a copy of MOT's (`schemas/mot-mof.schema.json`, from lfai/model_openness_tool @ 8b5d30e,
`schema/`, MIT). On top of it, component names must be MOT's exact names (`auditor.mot.names`):
MOT itself silently files an unknown name under its first configured component, which would make
any classification of such a file meaningless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.errors import BadManifestError
from auditor.mot.names import BY_NAME
from auditor.schema_check import check, load_checked_yaml


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


def validate_mot(data: Any, shown: str) -> None:
    """Raise BadManifestError ("FILE: field X: message") unless `data` fits MOT's schema (dates
    checked as MOT's validator checks them)."""
    check(data, "mot-mof.schema.json", shown, BadManifestError)


def read_mot_release(text: str, shown: str) -> MotRelease:
    """A MOT release from YAML text; `shown` names the file in errors."""
    data = load_checked_yaml(text, "mot-mof.schema.json", shown, BadManifestError)
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
