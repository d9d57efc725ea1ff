"""The release manifest (`release.yaml`): per component, where it is, its licence, its sha256.

Read from the release itself or from `--manifest FILE`; validated by `schemas/manifest.schema.json`.
Every declaration keeps its line in the file, so findings can say "declared in release.yaml:12".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import BadManifestError
from auditor.escape import printable
from auditor.mot.release import MotRelease, read_mot_release
from auditor.schema_check import load_checked_yaml

MANIFEST_FILE = "release.yaml"


@dataclass(frozen=True)
class Declaration:
    """One declared location of a component."""

    component: str
    manifest: str
    line: int | None
    path: str | None = None
    url: str | None = None
    license: str | None = None
    sha256: str | None = None
    notes: str | None = None

    @property
    def where(self) -> str:
        return f"{self.manifest}:{self.line}" if self.line else self.manifest


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    producer: str
    file: str
    declarations: tuple[Declaration, ...]
    declared_components: frozenset[str]
    mot: MotRelease | None = None
    """The Model Openness Tool YAML this manifest was read from, when it was one."""


def read_manifest(text: str, shown: str) -> Manifest:
    data = load_checked_yaml(text, "manifest.schema.json", f"manifest {shown}", BadManifestError)
    lines = _location_lines(text)
    declarations = []
    for component, locations in sorted(data["components"].items()):
        for index, location in enumerate(locations or []):
            declarations.append(_declaration(component, location, shown, lines.get((component, index))))
    return Manifest(str(data["name"]), str(data.get("version", "")), str(data.get("producer", "")), shown,
                    tuple(declarations), frozenset(data["components"]))


def _declaration(component: str, location: dict[str, Any], shown: str, line: int | None) -> Declaration:
    url = location.get("url") or location.get("hf")
    if "git" in location:
        git = location["git"]
        url = git["url"] + (f"@{git['commit']}" if git.get("commit") else "")
    return Declaration(component, shown, line, path=location.get("path"), url=url,
                       license=location.get("license"), sha256=location.get("sha256"), notes=location.get("notes"))


_COMPONENT_KEY = re.compile(r"^  ([a-z-]+):\s*(#.*)?$")
_ITEM = re.compile(r"^    - ")


def _location_lines(text: str) -> dict[tuple[str, int], int]:
    """Line of each list item under `components:`, by (component, index), for citations."""
    lines: dict[tuple[str, int], int] = {}
    component, index = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        key = _COMPONENT_KEY.match(line)
        if key:
            component, index = key.group(1), 0
        elif component and _ITEM.match(line):
            lines[(component, index)] = number
            index += 1
    return lines


def read_manifest_file(path: Path) -> Manifest:
    """A manifest file given with --manifest: a release.yaml, or a Model Openness Tool YAML."""
    shown = printable(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadManifestError(f"manifest {shown}: cannot read ({error})") from None
    if _MOT_MARKER.search(text):
        return manifest_from_mot(read_mot_release(text, shown), text, shown)
    return read_manifest(text, shown)


_MOT_MARKER = re.compile(r"^framework:\s*$", re.MULTILINE)


def manifest_from_mot(release: MotRelease, text: str, shown: str) -> Manifest:
    """A MOT YAML as declarations: each component where `component_path` says, with its licence."""
    lines = text.splitlines()
    declarations = []
    for component in release.components:
        line = next((n for n, t in enumerate(lines, start=1) if re.search(
            r"name:\s*['\"]?" + re.escape(component.name) + r"['\"]?\s*$", t)), None)
        location = component.component_path or ""
        remote = "://" in location or location.startswith("magnet:")
        licence = component.license if component.license not in (None, "", "unlicensed") else None
        declarations.append(Declaration(
            component.component, shown, line, path=None if remote or not location else location,
            url=location if remote else None, license=licence, notes=component.description))
    return Manifest(release.name, release.version or "", release.producer, shown,
                    tuple(declarations),
                    frozenset(c.component for c in release.components), mot=release)
