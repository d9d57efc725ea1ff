"""Agreement with a reviewer's expectations on real release repositories (issue 13).

    .venv/bin/python bench/real_releases.py [MIRRORS] [--set dev|held-out|all] [--only ID ...]
                                            [--jobs N] [--show-held-out]

MIRRORS (default /work/.mirror) holds one bare clone per repository, as the workplace's `fetch`
leaves them: MIRRORS/OWNER+NAME/repo. Each release of bench/real_releases.yaml (the development
set) and bench/real_releases_heldout.yaml (never tuned on) is audited at its commit through the
tool's own git source (`audit MIRROR --rev COMMIT`: blobs read from the object store, nothing of
the mirror runs), and each requirement's status is compared with the set of statuses the labels
accept. Printed: agreement per requirement and overall, verdicts, the OSI validation set's
verdicts against OSI's, and each disagreement with the evidence the tool cited (for the
held-out set only with --show-held-out, so that nobody tunes on it by accident).

A repository whose mirror is absent gives one `skipped:` line (fetch github:OWNER/NAME brings it);
with no mirror at all the script prints one line and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.audit import run_audit  # noqa: E402
from auditor.errors import AuditorError  # noqa: E402
from auditor.evaluation.checklist import load_checklist  # noqa: E402
from auditor.report import Report  # noqa: E402
from auditor.sources.git import GitRevisionSource  # noqa: E402

SETS = {"dev": ROOT / "bench" / "real_releases.yaml", "held-out": ROOT / "bench" / "real_releases_heldout.yaml"}
REQUIREMENTS = ("data-information", "data-preprocessing-code", "training-code", "inference-code",
                "supporting-libraries", "model-architecture", "model-parameters")
DEFAULT_MIRRORS = Path("/work/.mirror")


@dataclass(frozen=True)
class Expectation:
    id: str
    repo: str
    commit: str
    verdict: str
    osi: str | None
    statuses: dict[str, tuple[str, ...]]
    held_out: bool


@dataclass(frozen=True)
class Outcome:
    expectation: Expectation
    verdict: str
    statuses: dict[str, str]
    cited: dict[str, str]
    error: str | None = None


def load_expectations(sets: Sequence[str]) -> list[Expectation]:
    found = []
    for name in sets:
        for entry in yaml.safe_load(SETS[name].read_text(encoding="utf-8")):
            found.append(Expectation(entry["id"], entry["repo"], entry["commit"], entry["verdict"],
                                     entry.get("osi_validation"),
                                     {req: tuple(entry["expect"][req]["status"]) for req in REQUIREMENTS},
                                     name == "held-out"))
    return found


def mirror_of(mirrors: Path, repo: str) -> Path:
    return mirrors / repo.replace("/", "+") / "repo"


def _cited(report: Report, requirement: str) -> str:
    """What the tool cited for a requirement, in one line: its first reasons and evidence."""
    result = next(r for r in report.requirements if r.id == requirement)
    parts = [f"{e.path or e.url}:{e.line or ''} {e.reason}"[:110] for e in result.evidence[:2]]
    parts += [f"{r.code} {r.message}"[:110] for r in result.reasons[:2]]
    return " | ".join(parts) or "nothing"


def audit_one(job: tuple[Expectation, Path]) -> Outcome:
    expectation, mirror = job
    try:
        report = run_audit(GitRevisionSource(mirror, expectation.commit), load_checklist("osaid-1.0"),
                           release_files=False)
    except AuditorError as error:
        return Outcome(expectation, "error", {}, {}, str(error))
    statuses = {r.id: r.status for r in report.requirements}
    return Outcome(expectation, report.verdict, statuses, {req: _cited(report, req) for req in REQUIREMENTS})


def _percent(agree: int, total: int) -> str:
    return f"{agree}/{total} ({agree / total:.1%})" if total else "-"


def print_figures(title: str, outcomes: list[Outcome], show: bool) -> None:
    ran = [o for o in outcomes if o.error is None]
    errors = len(outcomes) - len(ran)
    print(f"\n## {title}: {len(ran)} releases audited" + (f", {errors} errors" if errors else ""))
    per_requirement: Counter[str] = Counter()
    for o in ran:
        for req in REQUIREMENTS:
            per_requirement[req] += o.statuses[req] in o.expectation.statuses[req]
    print("\n| requirement | agree |\n|---|---:|")
    for req in REQUIREMENTS:
        print(f"| {req} | {_percent(per_requirement[req], len(ran))} |")
    total = sum(per_requirement.values())
    verdicts = sum(o.verdict == o.expectation.verdict for o in ran)
    print(f"| **all requirements** | {_percent(total, len(ran) * len(REQUIREMENTS))} |")
    print(f"| verdict | {_percent(verdicts, len(ran))} |")
    osi = [o for o in ran if o.expectation.osi is not None]
    if osi:
        print("\nOSI 2024 validation set (OSI's verdict, then ours when it differs): " + ", ".join(
            o.expectation.id + " " + o.expectation.verdict
            + ("" if o.verdict == o.expectation.verdict else f" -> {o.verdict}") for o in osi))
    for o in outcomes:
        if o.error is not None:
            print(f"  {o.expectation.id}: error: {o.error}")
    if not show:
        return
    print()
    for o in ran:
        wrong = [req for req in REQUIREMENTS if o.statuses[req] not in o.expectation.statuses[req]]
        if o.verdict != o.expectation.verdict:
            print(f"  {o.expectation.id}: verdict {o.verdict}, expected {o.expectation.verdict}")
        for req in wrong:
            print(f"  {o.expectation.id} {req}: {o.statuses[req]}, expected {'/'.join(o.expectation.statuses[req])}"
                  f"\n      cited: {o.cited[req]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mirrors", nargs="?", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--set", choices=("dev", "held-out", "all"), default="all")
    parser.add_argument("--only", nargs="*", default=None, help="release ids to audit")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show-held-out", action="store_true", help="print the held-out set's disagreements")
    args = parser.parse_args(argv)
    expectations = load_expectations(("dev", "held-out") if args.set == "all" else (args.set,))
    if args.only:
        expectations = [e for e in expectations if e.id in args.only]
    if not args.mirrors.is_dir():
        print(f"skipped: no mirror folder {args.mirrors} (fetch the repositories of bench/real_releases*.yaml)")
        return 0
    jobs = []
    for e in expectations:
        mirror = mirror_of(args.mirrors, e.repo)
        if mirror.is_dir():
            jobs.append((e, mirror))
        else:
            print(f"skipped: {e.id}: mirror absent (fetch github:{e.repo})")
    with ProcessPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(audit_one, jobs))
    for name, held_out in (("development set", False), ("held-out set", True)):
        chosen = [o for o in outcomes if o.expectation.held_out == held_out]
        if chosen:
            print_figures(name, chosen, show=not held_out or args.show_held_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
