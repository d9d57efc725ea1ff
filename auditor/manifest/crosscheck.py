"""Holds a release to its manifest: what was declared against what the audit found.

Declared and found agree: the evidence gets stronger (a `manifest` line beside the detector's).
Declared but absent: the component is `missing` with the manifest line. Declared but not
recognised: `partial` at best. Found but not declared: a note. A declared licence that differs from
the licence that applies: a conflict. External locations are `referenced` and listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from auditor.detectors.interface import Evidence
from auditor.findings import Finding
from auditor.licenses.catalog import canonical_id, from_hub_id
from auditor.licenses.interface import LicenseDeclaration
from auditor.licenses.resolve import resolve_component_license
from auditor.manifest.model import Declaration, Manifest
from auditor.report import Reason
from auditor.sources.interface import Inventory

DETECTOR = "manifest"


@dataclass
class ManifestOutcome:
    """What the manifest adds to an audit; `broken` and `mismatched` decide statuses in evaluation."""

    evidence: list[Evidence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    broken: dict[str, list[Reason]] = field(default_factory=lambda: defaultdict(list))
    """Component -> declarations that promise something the release lacks."""
    mismatched: dict[str, list[Reason]] = field(default_factory=lambda: defaultdict(list))
    """Component -> files whose bytes are not the ones declared (filled by hash verification)."""


def check_manifest(manifest: Manifest, inventory: Inventory, evidence: list[Evidence],
                   licenses: list[LicenseDeclaration]) -> ManifestOutcome:
    outcome = ManifestOutcome()
    found = defaultdict(list)
    for e in evidence:
        if e.path is not None and e.strength != "referenced":
            found[e.component].append(e.path)
    for declaration in manifest.declarations:
        if declaration.path is not None:
            _check_path(declaration, inventory, found, licenses, outcome)
        elif declaration.url is not None:
            outcome.evidence.append(Evidence(
                declaration.component, DETECTOR, f"declared in {declaration.where}: {declaration.url}",
                path=declaration.manifest, line=declaration.line, url=declaration.url, strength="referenced",
                details=(("notes", declaration.notes),) if declaration.notes else ()))
    for component in sorted(found.keys() - manifest.declared_components):
        outcome.findings.append(Finding(
            sorted(found[component])[0], "OSAID-M002",
            f"{component} found here but {manifest.file} does not declare it"))
    return outcome


def _check_path(declaration: Declaration, inventory: Inventory, found: dict[str, list[str]],
                licenses: list[LicenseDeclaration], outcome: ManifestOutcome) -> None:
    path = declaration.path.rstrip("/")
    component = declaration.component
    present = inventory.get(path) is not None or any(a.path.startswith(path + "/") for a in inventory.artifacts)
    if not present:
        message = f"{component}: declared in {declaration.where} but not in the release: {path}"
        outcome.broken[component].append(Reason("OSAID-M001", message, declaration.manifest, declaration.line))
        outcome.findings.append(Finding(declaration.manifest, "OSAID-M001", message, line=declaration.line))
        return
    recognised = any(p == path or p.startswith(path + "/") for p in found[component])
    outcome.evidence.append(Evidence(
        component, DETECTOR,
        f"declared in {declaration.where}" + ("" if recognised else "; content not recognised as this component"),
        path=path, strength="present" if recognised else "partial",
        details=(("notes", declaration.notes),) if declaration.notes else ()))
    if not recognised:
        outcome.findings.append(Finding(path, "OSAID-M003",
                                        f"declared as {component} in {declaration.where}, but its content was "
                                        f"not recognised as {component}"))
    if declaration.license:
        _check_license(declaration, path, licenses, outcome)


def _check_license(declaration: Declaration, path: str, licenses: list[LicenseDeclaration],
                   outcome: ManifestOutcome) -> None:
    applied = resolve_component_license(declaration.component, [path], licenses).declarations
    declared = declaration.license or ""
    wanted = canonical_id(declared) or from_hub_id(declared) or declared
    if any(d.path == declared or d.id == wanted for d in applied):
        return
    actual = ", ".join(f"{d.id or d.name} ({d.path})" for d in applied) or "no licence"
    outcome.findings.append(Finding(declaration.manifest, "OSAID-M004",
                                    f"{declaration.component}: {declaration.where} declares {declared} for {path}, "
                                    f"but {actual} applies", line=declaration.line))
