"""Checklists: requirements as data (`checklists/*.yaml`), validated against their JSON schema.

A checklist is named (`osaid-1.0`, `mof-1.0`: files bundled with the auditor) or given as a path.
Anything wrong is a `BadChecklistError` naming the file and the failing field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import BadChecklistError
from auditor.escape import printable
from auditor.resources import bundled_dir
from auditor.result_cache import active_cache_folder
from auditor.safe_yaml import YamlError, load_yaml
from auditor.schema_check import check_cached

DEFAULT_CHECKLIST = "osaid-1.0"


@dataclass(frozen=True)
class DataInformationItem:
    id: str
    title: str
    headings: re.Pattern[str]
    phrases: re.Pattern[str]
    needs_link: bool


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    group: str
    components: tuple[str, ...]
    required: bool
    licenses: tuple[str, ...]
    rule: str
    complete: str
    source_document: str
    source_text: str
    source_url: str | None
    remediation: str
    mof_class: int | None
    items: tuple[DataInformationItem, ...]


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    version: str
    verdict: str
    groups: tuple[tuple[str, str], ...]
    requirements: tuple[Requirement, ...]
    path: str


def bundled_checklists() -> list[str]:
    return sorted(p.stem for p in bundled_dir("checklists").glob("*.yaml"))


def load_checklist(name_or_path: str, cache_folder: Path | None = None) -> Checklist:
    """A bundled checklist by name, or a checklist file; its validation is remembered in
    `cache_folder` (the cache of per-file results), else in the one an audit is using."""
    bundled = bundled_dir("checklists") / f"{name_or_path}.yaml"
    path = bundled if "/" not in name_or_path and bundled.is_file() else Path(name_or_path)
    shown = printable(str(path)) if path != bundled else name_or_path
    if path.is_dir():
        raise BadChecklistError(f"checklist {shown}: is a folder, not a checklist file")
    if not path.is_file():
        raise BadChecklistError(
            f"checklist {printable(name_or_path)}: no such file and not a bundled checklist "
            f"(bundled: {', '.join(bundled_checklists())})")
    try:
        text = path.read_text(encoding="utf-8")
        data = load_yaml(text)
    except (OSError, UnicodeDecodeError) as error:
        raise BadChecklistError(f"checklist {shown}: cannot read ({error})") from None
    except YamlError as error:
        raise BadChecklistError(f"checklist {shown}: {error}") from None
    check_cached(data, text, "checklist.schema.json", f"checklist {shown}", BadChecklistError,
                 cache_folder or active_cache_folder())
    return _parse(data, shown)


def _parse(data: object, shown: str) -> Checklist:
    assert isinstance(data, dict)
    groups = tuple((g["id"], g["title"]) for g in data["groups"])
    group_ids = {g for g, _ in groups}
    seen: set[str] = set()
    requirements = []
    for index, raw in enumerate(data["requirements"]):
        where = f"requirements/{index}"
        if raw["id"] in seen:
            raise BadChecklistError(f"checklist {shown}: field {where}/id: duplicate id {raw['id']!r}")
        seen.add(raw["id"])
        if raw["group"] not in group_ids:
            raise BadChecklistError(f"checklist {shown}: field {where}/group: unknown group {raw['group']!r}")
        requirements.append(_requirement(raw, f"{shown}: field {where}"))
    return Checklist(data["id"], data["title"], data["version"], data["verdict"], groups,
                     tuple(requirements), shown)


def whole_words(pattern: str) -> re.Pattern[str]:
    """A checklist's heading or phrase pattern, matched only as whole words: `sources?` is a
    heading about data in "Data sources", not in "resource-management" or inside a URL."""
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)


def _requirement(raw: dict, where: str) -> Requirement:
    items = []
    for index, item in enumerate(raw.get("items", [])):
        try:
            items.append(DataInformationItem(
                item["id"], item["title"], whole_words(item["headings"]), whole_words(item["phrases"]),
                bool(item.get("needs_link", False))))
        except re.error as error:
            raise BadChecklistError(f"checklist {where}/items/{index}: invalid regex: {error}") from None
    source = raw["source"]
    return Requirement(
        id=raw["id"], title=raw["title"], group=raw["group"], components=tuple(raw["components"]),
        required=raw["required"], licenses=tuple(raw["licenses"]), rule=raw["complete"]["rule"],
        complete=raw["complete"]["description"].strip(), source_document=source["document"],
        source_text=source["text"].strip(), source_url=source.get("url"),
        remediation=raw["remediation"].strip(), mof_class=raw.get("mof_class"), items=tuple(items))
