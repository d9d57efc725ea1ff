"""The `audit run` command: each release audited, its reports rendered and written, its gate applied.

Flags left unset take the release's own settings (`project_config`), then the defaults; several
targets are audited in turn and the exit code is the worst.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import AuditorError, UsageError
from auditor.escape import printable
from auditor.formats import FORMATS
from auditor.output_file import OutputError, check_destination, path_inside, refuse_release_file, write_output

if TYPE_CHECKING:
    from auditor.formats.target_summary import TargetOutcome
    from auditor.sources import Inventory, Source

OUTPUT_FORMATS = tuple(FORMATS)
FAIL_ON = ("blocked", "missing", "partial", "never")
EXTRA_OUTPUTS = tuple(name for name in FORMATS if name != "text")
"""Formats that may be written beside the main report in the same run (`--sarif FILE --json FILE`)."""


def run(target: list[str], output: Path | None, format: str, quiet: bool, **options: Any) -> None:
    """Audit each release; with several, each is reported in turn and the exit code is the worst."""
    several = len(target) > 1
    if several and (output is not None or any(options[f"{name}_output"] for name in EXTRA_OUTPUTS)):
        raise UsageError("several targets write to standard output only: drop --output/--json/--sarif/... or "
                         "audit one target per run")
    if several and not quiet and format not in (None, "text", "markdown"):
        raise UsageError(f"several targets need --format text or markdown (or -q), not {format}: "
                         "audit one target per run for the others")
    from auditor.formats.target_summary import TargetOutcome, summary_table_markdown, summary_table_text

    codes, outcomes = [], []
    for position, one in enumerate(target):
        if several and position and not quiet:
            sys.stdout.write("\n")
        try:
            outcome = _run_one(one, output=output, format=format, quiet=quiet, **options)
            codes.append(1 if outcome.failing else 0)
        except AuditorError as error:
            if not several:
                raise
            print(f"audit: error: {printable(str(error))}", file=sys.stderr)
            codes.append(error.exit_code)
            outcome = TargetOutcome(one, None, error=str(error))
        outcomes.append(outcome)
    if several and not quiet:
        sys.stdout.write("\n" + (summary_table_markdown if format == "markdown" else summary_table_text)(outcomes))
    if max(codes) != 0:
        raise SystemExit(max(codes))


def _run_one(target: str, rev: str | None, offline: bool, checklist: str | None, format: str | None,
             output: Path | None, fail_on: str | None, color: bool | None, waivers: Path | None,
             no_release_waivers: bool, manifest: Path | None, verify_hashes: bool, no_cache: bool, jobs: int | None,
             quiet: bool = False, verbose: bool = False, isolated: bool = False, db: Path | None = None,
             **extra_outputs: Path | None) -> TargetOutcome:
    """Audit one release and apply its gate. Flags left unset take the release's own settings
    (`project_config`), then the defaults."""
    from auditor.audit import run_audit
    from auditor.detectors.interface import DetectorSettings
    from auditor.detectors.python_batch import available_cores
    from auditor.evaluation.checklist import bundled_checklists, load_checklist
    from auditor.formats.target_summary import TargetOutcome
    from auditor.gate import failing_requirements, waiver_gate_note
    from auditor.manifest.model import read_manifest_file
    from auditor.project_config import ProjectConfig, read_project_config
    from auditor.result_cache import default_cache_folder
    from auditor.sources import open_source
    from auditor.waivers import read_waivers_file, shipped_waivers

    cache_folder = None if no_cache else default_cache_folder()
    source = open_source(target, rev, offline)
    if output is not None and str(output) == "-":
        output = None
    outputs = [(name.removesuffix("_output"), path) for name, path in sorted(extra_outputs.items()) if path]
    if any(str(path) == "-" for _, path in outputs):
        raise UsageError("only --output may be '-' (standard output); give --json, --sarif, ... a file")
    inside = _output_inside(output, target)
    inside_extra = [_output_inside(path, target) for _, path in outputs]
    inventory = _revision_listing(source, output, inside) if rev is not None and output and inside else \
        source.inventory()
    config = ProjectConfig() if isolated else read_project_config(inventory, bundled_checklists(), OUTPUT_FORMATS,
                                                                    FAIL_ON)
    checklist = checklist or config.checklist or "osaid-1.0"
    format = format or config.format or "text"
    fail_on = fail_on or config.fail_on or "missing"
    loaded = load_checklist(checklist, cache_folder)
    waiver_list = read_waivers_file(waivers) if waivers is not None else None
    if waiver_list is None and config.waivers is not None and not no_release_waivers:
        waiver_list = shipped_waivers(inventory, config.waivers)
    if config.described() and not quiet:
        print(f"audit: settings from {printable(config.described())} (flags win; --isolated ignores them)",
              file=sys.stderr)
    declared = read_manifest_file(manifest) if manifest is not None else None
    exclude = frozenset(path for path in (inside, *inside_extra) if path is not None)
    clock = _StageClock() if verbose else None
    with _progress(enabled=format in ("text", "markdown", "html") and not quiet) as (progress, hash_progress):
        report = run_audit(source, loaded, waivers=waiver_list, progress=_both(progress, clock), manifest=declared,
                           inventory=inventory, exclude=exclude, verify_hashes=verify_hashes,
                           hash_progress=hash_progress, release_waivers=not no_release_waivers,
                           settings=DetectorSettings(cache_folder, jobs or available_cores()))
    if clock is not None:
        clock.report()
    if db is not None:
        from auditor.fleet.commands import record_single_audit

        record_single_audit(db, target, rev, inventory, report)
    use_color = color if color is not None else (output is None and sys.stdout.isatty()
                                                 and "NO_COLOR" not in os.environ)
    width = 80 if not sys.stdout.isatty() or output is not None else min(os.get_terminal_size().columns, 120)
    for (name, path), path_inside_target in zip(outputs, inside_extra, strict=True):
        extra = FORMATS[name](fail_on=fail_on, verbose=verbose).render(report, color=False, width=80)
        write_output(path, extra, may_replace=refuse_release_file if path_inside_target is not None else None)
    failing = tuple(failing_requirements(report, fail_on))
    outcome = TargetOutcome(target, report, failing, fail_on)
    if quiet:
        count = len(failing)
        gate = f"gate failed on {count} requirement{'s' if count > 1 else ''}" if failing else "gate passed"
        print(f"{printable(report.target.location)}: {report.verdict}, MOF class {report.mof_class}, {gate}")
    else:
        rendered = FORMATS[format](fail_on=fail_on, verbose=verbose).render(report, color=use_color, width=width)
        if output is None:
            sys.stdout.write(rendered)
        else:
            write_output(output, rendered, may_replace=refuse_release_file if inside is not None else None)
    if failing:
        if not quiet:
            print(f"audit: gate failed (--fail-on {fail_on}): {', '.join(failing)}", file=sys.stderr)
        return outcome
    note = waiver_gate_note(report, fail_on)
    if note and not quiet:
        print(f"audit: {printable(note)}", file=sys.stderr)
    return outcome


class _StageClock:
    """`-v`: how long each stage the audit reports took, printed on stderr at the end."""

    def __init__(self) -> None:
        self._marks: list[tuple[str, float]] = [("opening the release", time.perf_counter())]

    def __call__(self, stage: str) -> None:
        self._marks.append((stage, time.perf_counter()))

    def report(self) -> None:
        self._marks.append(("done", time.perf_counter()))
        for (stage, start), (_, end) in itertools.pairwise(self._marks):
            print(f"audit: {end - start:7.3f} s  {printable(stage)}", file=sys.stderr)


def _both(first: Callable[[str], None] | None, second: Callable[[str], None] | None) -> Callable[[str], None] | None:
    if first is None or second is None:
        return first or second

    def tell(stage: str) -> None:
        first(stage)
        second(stage)
    return tell


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[tuple[Callable[[str], None] | None,
                                               Callable[[int], Callable[[int], None]] | None]]:
    """Progress on stderr while a long audit runs (a status line, and a bar while hashing), only
    when both ends are terminals and the output is for people."""
    if not (enabled and sys.stderr.isatty() and sys.stdout.isatty()):
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    console = Console(stderr=True)
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=console, transient=True) as bars:
        stage = bars.add_task("auditing", total=None)

        def hashing(total: int) -> Callable[[int], None]:
            task = bars.add_task("hashing", total=total)
            return lambda done: bars.advance(task, done)

        yield (lambda text: bars.update(stage, description=f"auditing: {text}")), hashing


def _output_inside(output: Path | None, target: str) -> str | None:
    """The report's path inside the audited folder (the release folder, or the repository's work
    tree for --rev; a Hub repo has none), or None. Refuses, before the audit starts, a destination
    nothing may be written to, and a release file: inside, only a new file or an earlier report."""
    from auditor.sources.hub_target import is_hub_target

    if output is None:
        return None
    exists = check_destination(output)
    inside = None if is_hub_target(target) else path_inside(output, target)
    if inside is not None and exists:
        refuse_release_file(output)
    return inside


def _revision_listing(source: Source, output: Path, inside: str) -> Inventory:
    """For --rev with a report inside the work tree: the revision's files, after refusing a report
    path committed in it (its work-tree copy is a release file even if this tool wrote it)."""
    inventory = source.inventory()
    if inventory.get(inside) is not None:
        raise OutputError(f"refusing to write {printable(str(output))}: it is committed in the audited revision")
    return inventory
