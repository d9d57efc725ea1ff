"""Where the Model Openness Tool's verdict on a MOT manifest and the audit's evidence disagree.

MOT reads declarations as written (exact licence strings, no files); the audit reads the files. Both
results go in the report, and each component on which they differ gets a note saying why.
"""

from __future__ import annotations

from dataclasses import replace

from auditor.findings import Finding
from auditor.mot.evaluator import classify, component_verdicts
from auditor.mot.names import mot_name_for_component
from auditor.mot.release import MotRelease
from auditor.report import PASSING, Report


def compare_with_mot(report: Report, release: MotRelease) -> Report:
    verdicts = component_verdicts(release)
    ours = {c.id: c for c in report.components}
    notes = []
    for component, verdict in sorted(verdicts.items()):
        result = ours.get(component)
        if result is None:
            continue
        audit_counts = result.status in PASSING
        if verdict.counts == audit_counts:
            continue
        name = mot_name_for_component(component)
        found = (f"the audit finds it {result.status}"
                 + (f" under {result.license.label}" if result.license and result.license.declarations else "")
                 + (f" ({result.reasons[0].message})" if result.reasons else ""))
        why = (f"MOT counts {name} (licence {verdict.license!r} is open to MOT), but {found}" if verdict.counts
               else f"MOT does not count {name}: licence {verdict.license!r} is not an open licence id MOT "
                    f"knows (it matches exact SPDX ids), but {found}")
        notes.append(Finding("", "OSAID-M007", why))
    findings = tuple(sorted(report.findings + tuple(notes), key=Finding.sort_key))
    return replace(report, mot=classify(release), findings=findings)
