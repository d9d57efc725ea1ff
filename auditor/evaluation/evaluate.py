"""Evaluation: evidence and licences against a checklist, giving statuses, findings and a verdict."""

from __future__ import annotations

import functools
from collections import defaultdict

from auditor import __version__
from auditor.components import STAND_INS
from auditor.detectors.interface import Detection, Evidence
from auditor.evaluation.checklist import Checklist, Requirement, load_checklist
from auditor.evaluation.components import evaluate_component, restriction_summary
from auditor.evaluation.data_information import (
    assess_items,
    covering_paths,
)
from auditor.findings import Finding
from auditor.licenses.interface import LicenseDeclaration
from auditor.licenses.resolve import resolve_component_license
from auditor.manifest.crosscheck import ManifestOutcome
from auditor.report import (
    PASSING,
    ChecklistInfo,
    ComponentResult,
    Reason,
    Report,
    RequirementResult,
    Verdict,
    best,
    worst,
)
from auditor.sources.interface import Inventory

MOF_CHECKLIST = "mof-1.0"
ROMAN = {1: "I", 2: "II", 3: "III"}


def evaluate(checklist: Checklist, inventory: Inventory, detection: Detection,
             declarations: list[LicenseDeclaration], manifest: ManifestOutcome | None = None) -> Report:
    manifest = manifest or ManifestOutcome()
    by_component: dict[str, list[Evidence]] = defaultdict(list)
    for evidence in detection.evidence:
        by_component[evidence.component].append(evidence)
    for component, stand_ins in STAND_INS.items():
        if not by_component[component]:
            by_component[component] = [e for s in stand_ins for e in by_component[s]]

    mof = checklist if checklist.verdict == "mof-class" else _bundled_mof_checklist()
    components = tuple(
        evaluate_component(r.components[0], by_component[r.components[0]], declarations, r.licenses,
                           manifest.broken.get(r.components[0]), manifest.mismatched.get(r.components[0]))
        for r in mof.requirements)
    mof_class = _mof_class(mof, {c.id: c for c in components})

    requirements = tuple(_requirement(r, by_component, declarations, inventory, manifest)
                         for r in checklist.requirements)
    if checklist.verdict == "osaid":
        passed = all(r.status in PASSING for r in requirements if r.required)
        verdict: Verdict = "open-source-ai" if passed else "not-open-source-ai"
    else:
        verdict = f"mof-class-{mof_class.lower()}"  # type: ignore[assignment]
    open_weights = any(e.strength in ("present", "referenced") for e in by_component["model-parameters"])

    findings = set(inventory.findings) | set(detection.findings) | set(manifest.findings)
    findings |= _requirement_findings(requirements, _anchor(components))
    findings |= _restriction_findings(requirements)
    return Report(
        tool_version=__version__,
        checklist=ChecklistInfo(checklist.id, checklist.title, checklist.version, checklist.path, checklist.groups),
        target=inventory.target, verdict=verdict, open_weights=open_weights, mof_class=mof_class,
        requirements=requirements, components=components, licenses=tuple(declarations),
        findings=tuple(sorted(findings, key=Finding.sort_key)))


def _requirement(requirement: Requirement, by_component: dict[str, list[Evidence]],
                 declarations: list[LicenseDeclaration], inventory: Inventory,
                 manifest: ManifestOutcome) -> RequirementResult:
    evidence = sorted((e for c in requirement.components for e in by_component[c]), key=Evidence.sort_key)
    common = dict(id=requirement.id, title=requirement.title, group=requirement.group,
                  required=requirement.required, remediation=requirement.remediation,
                  source=requirement.source_document, mof_class=requirement.mof_class)
    if requirement.rule == "data-information":
        items, status = assess_items(requirement.items, evidence, inventory)
        reasons = [Reason("OSAID-R005", f"{i.id} {i.title}: not found in any document") for i in items
                   if i.status == "not-found"]
        linked = [i for i in items if i.status == "referenced"]
        if linked:
            reasons.append(Reason("OSAID-R004", f"{', '.join(i.id for i in linked)}: only in what is linked "
                                  f"({linked[0].url}); not verified", linked[0].path, linked[0].line))
        if status == "missing":
            reasons = [Reason("OSAID-R001",
                              f"no document describes the training data; expected {requirement.complete}")]
        license_ = None
        paths = covering_paths(items)
        if paths:
            license_ = resolve_component_license("data-card", paths, declarations)
            restricted = [d for d in license_.declarations if d.license_class == "restricted"]
            if restricted:
                status = "blocked"
                reasons = [Reason("OSAID-R002", restriction_summary(d), d.path, d.line)
                           for d in restricted] + reasons
        mismatched = [r for c in requirement.components for r in manifest.mismatched.get(c, [])]
        broken = [r for c in requirement.components for r in manifest.broken.get(c, [])]
        return RequirementResult(status="blocked" if mismatched else status, evidence=tuple(evidence),
                                 license=license_, reasons=tuple(mismatched + broken + reasons), items=items,
                                 **common)
    results = [evaluate_component(c, by_component[c], declarations, requirement.licenses,
                                  manifest.broken.get(c), manifest.mismatched.get(c))
               for c in requirement.components]
    status = (best if requirement.rule == "any" else worst)([r.status for r in results])
    chosen = [r for r in results if r.status == status]
    reasons = [reason for r in chosen for reason in r.reasons]
    if status == "missing" and not any(reason.code == "OSAID-M001" for reason in reasons):
        reasons = [Reason("OSAID-R001", f"not found: {requirement.complete}")]
    license_ = next((r.license for r in chosen if r.license is not None), None)
    return RequirementResult(status=status, evidence=tuple(evidence), license=license_,
                             reasons=tuple(reasons), **common)


def _mof_class(mof: Checklist, components: dict[str, ComponentResult]) -> str:
    reached = "none"
    for level in (3, 2, 1):
        needed = [r for r in mof.requirements if r.mof_class == level and r.required]
        if not all(components[r.components[0]].status in PASSING for r in needed):
            break
        reached = ROMAN[level]
    return reached


def _anchor(components: tuple[ComponentResult, ...]) -> str:
    """Where a finding about something missing is shown: the model card if there is one."""
    card = next((c for c in components if c.id == "model-card"), None)
    paths = [e.path for e in card.evidence if e.path] if card else []
    return paths[0] if paths else ""


def _requirement_findings(requirements: tuple[RequirementResult, ...], anchor: str) -> set[Finding]:
    findings: set[Finding] = set()
    for requirement in requirements:
        if requirement.status == "satisfied":
            continue
        for reason in requirement.reasons:
            if reason.code.startswith("OSAID-M"):
                continue  # the manifest check reported it already, at the manifest line
            findings.add(Finding(reason.path or anchor, reason.code, f"{requirement.id}: {reason.message}",
                                 line=reason.line if reason.path else None))
    return findings


def _restriction_findings(requirements: tuple[RequirementResult, ...]) -> set[Finding]:
    findings: set[Finding] = set()
    for requirement in requirements:
        if requirement.license is None:
            continue
        for declaration in requirement.license.declarations:
            for r in declaration.restrictions:
                findings.add(Finding(declaration.path, r.code,
                                     f"{r.kind}: \"{r.text}\" (takes away the freedom to {r.freedom}; OSD {r.osd})",
                                     line=r.line_start, line_end=r.line_end))
            for reason in declaration.reasons:
                findings.add(Finding(declaration.path, reason.code, f"{declaration.name}: {reason.text}",
                                     line=reason.line_start, line_end=reason.line_end))
    return findings


@functools.cache
def _bundled_mof_checklist() -> Checklist:
    """Read once per process: a fleet's worker evaluates thousands of releases against it."""
    return load_checklist(MOF_CHECKLIST)
