"""The audit loop: source -> inventory -> release description -> detectors -> licences -> evaluation
-> report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from auditor.description import describe_release
from auditor.detectors import ALL_DETECTORS, Detection, Evidence
from auditor.detectors.admissible import admissible_evidence
from auditor.detectors.interface import DetectorSettings
from auditor.errors import BadManifestError
from auditor.evaluation.checklist import Checklist
from auditor.evaluation.evaluate import evaluate
from auditor.findings import Finding
from auditor.licenses.discovery import discover_licenses
from auditor.manifest.crosscheck import check_manifest
from auditor.manifest.hashes import to_hash
from auditor.manifest.hashes import verify_hashes as verify_hashes_of
from auditor.manifest.model import MANIFEST_FILE, Manifest, read_manifest
from auditor.mot.compare import compare_with_mot
from auditor.report import Report
from auditor.report_cache import cached_report, keep_report, report_key
from auditor.result_cache import caching_in, flush_results
from auditor.sources.interface import TEXT_LIMIT, Artifact, Inventory, Source
from auditor.waivers import DEFAULT_WAIVERS_FILE, Waiver, apply_waivers, shipped_waivers

BINARY_TEXT_NAMES = ("readme", "license", "licence", "copying", "notice", "model_card", "data_card")


Progress = Callable[[str], None]
HashProgress = Callable[[int], Callable[[int], None]]
"""Given the total bytes to hash, returns what to tell as bytes are hashed."""


def run_audit(source: Source, checklist: Checklist, *, waivers: list[Waiver] | None = None,
              today: dt.date | None = None, progress: Progress | None = None,
              manifest: Manifest | None = None, verify_hashes: bool = False,
              hash_progress: HashProgress | None = None, inventory: Inventory | None = None,
              release_files: bool = True, release_waivers: bool = True,
              exclude: frozenset[str] = frozenset(), settings: DetectorSettings | None = None) -> Report:
    """Audit a release. `waivers` and `manifest` default to the release's own `.osaid-waivers.yaml`
    and `release.yaml`, if it has them; `progress` is told each stage (the CLI shows it on a
    terminal); `hash_progress` gets the files to hash and then the bytes hashed. `inventory` reuses
    a listing already made; `release_files=False` ignores the release's own manifest and waivers,
    `release_waivers=False` only its waivers (an adopter's audit of someone else's release);
    `exclude` names paths left out of the audit (this run's own outputs inside the release);
    `settings` say where per-file results are cached and how many worker processes may analyse
    files (default: no cache, this process only)."""
    report_progress = progress or (lambda _stage: None)
    settings = settings or DetectorSettings()
    report_progress("listing files")
    inventory = _without(inventory or source.inventory(), exclude)
    today = today or dt.date.today()
    key = None
    if settings.cache_folder is not None and not verify_hashes:
        # Only what changes the report: the manifest and waivers as given, and whether the release's own count.
        key = report_key(source, inventory, (checklist, waivers, manifest, release_files, release_waivers), today)
        cached = cached_report(settings.cache_folder, key) if key is not None else None
        if cached is not None:
            return cached
    report = _audited(source, checklist, inventory, waivers, today, report_progress, manifest, verify_hashes,
                      hash_progress, release_files, release_waivers, settings)
    if key is not None:
        keep_report(settings.cache_folder, key, report)
        flush_results()
    return report


def _audited(source: Source, checklist: Checklist, inventory: Inventory, waivers: list[Waiver] | None,
             today: dt.date, report_progress: Progress, manifest: Manifest | None, verify_hashes: bool,
             hash_progress: HashProgress | None, release_files: bool, release_waivers: bool,
             settings: DetectorSettings) -> Report:
    report_progress("reading the documents")
    description = describe_release(inventory)
    detection = Detection()
    detectors = [detector(settings) for detector in ALL_DETECTORS]
    try:
        for detector in detectors:  # workers start on Python files while the other detectors run
            detector.prepare(inventory)
        for detector in detectors:
            report_progress(f"{len(inventory.artifacts):,} files: {detector.name}")
            detection.extend(detector.detect(inventory, description))
    finally:
        for detector in detectors:
            detector.close()
    detection.evidence, set_aside = admissible_evidence([_with_url(e, inventory) for e in detection.evidence],
                                                        description)
    detection.findings += set_aside
    report_progress("reading licences")
    with caching_in(settings.cache_folder):
        licenses = discover_licenses(inventory)
    detection.findings += licenses.findings + _content_findings(inventory.files())
    if release_files and not release_waivers and inventory.get(DEFAULT_WAIVERS_FILE) is not None:
        detection.findings.append(_ignored_waivers_finding())
    if manifest is None and release_files:
        manifest = _release_manifest(inventory)
    outcome = None
    if manifest is not None:
        report_progress("checking the manifest")
        outcome = check_manifest(manifest, inventory, detection.evidence, licenses.declarations)
        detection.evidence += outcome.evidence
        if verify_hashes:
            pairs = to_hash(manifest, inventory)
            advance = hash_progress(sum(a.size for _, a in pairs)) if hash_progress else None
            verify_hashes_of(pairs, outcome, advance)
    report_progress("evaluating")
    with caching_in(settings.cache_folder):
        report = evaluate(checklist, inventory, detection, licenses.declarations, outcome)
    if manifest is not None and manifest.mot is not None:
        report = compare_with_mot(report, manifest.mot)
    flush_results()
    if waivers is None:
        waivers = shipped_waivers(inventory) if release_files and release_waivers else []
    return apply_waivers(report, waivers, today) if waivers else report


def _without(inventory: Inventory, exclude: frozenset[str]) -> Inventory:
    """The inventory without the excluded files, nor the findings about them or about a folder
    that holds nothing else (git's "untracked" for a folder made for a report)."""
    if not exclude:
        return inventory
    artifacts = [a for a in inventory.artifacts if a.path not in exclude]

    def about_excluded(finding: Finding) -> bool:
        if finding.path in exclude:
            return True
        folder = finding.path.rstrip("/") + "/"
        return (folder != "/" and any(path.startswith(folder) for path in exclude)
                and not any(a.path.startswith(folder) for a in artifacts))

    return replace(inventory, artifacts=artifacts,
                   findings=[f for f in inventory.findings if not about_excluded(f)])


def _release_manifest(inventory: Inventory) -> Manifest | None:
    artifact = inventory.get(MANIFEST_FILE)
    if artifact is None:
        return None
    if artifact.text is None:
        raise BadManifestError(f"manifest {MANIFEST_FILE}: not a readable text file")
    return read_manifest(artifact.text, MANIFEST_FILE)


def _ignored_waivers_finding() -> Finding:
    return Finding(DEFAULT_WAIVERS_FILE, "OSAID-W003",
                   "the release ships its own waivers; ignored (--no-release-waivers)")


def _with_url(evidence: Evidence, inventory: Inventory) -> Evidence:
    """Evidence about a remote file carries the file's URL, so a reader can open what was seen."""
    if evidence.url is not None or evidence.path is None or evidence.strength == "referenced":
        return evidence
    artifact = inventory.get(evidence.path)
    url = artifact.url if artifact is not None else None
    return replace(evidence, url=url) if url else evidence


def _content_findings(artifacts: list[Artifact]) -> list[Finding]:
    """Problems met while reading content: I/O errors, and binary data where text was promised."""
    findings = []
    for artifact in artifacts:
        if artifact.read_error:
            findings.append(Finding(artifact.path, "OSAID-A004", f"cannot read: {artifact.read_error}"))
        elif (artifact.name.lower().startswith(BINARY_TEXT_NAMES) and artifact.size
              and artifact.suffix in ("", ".md", ".txt", ".rst")):
            if artifact.size > TEXT_LIMIT:
                findings.append(Finding(artifact.path, "OSAID-A011",
                                        f"{artifact.size:,} bytes: too large to read as a document"))
            elif artifact.text is None:
                findings.append(Finding(artifact.path, "OSAID-A007",
                                        "named like a text document but holds binary data"))
    return findings
