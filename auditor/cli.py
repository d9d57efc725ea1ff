"""The `audit` command: parses arguments, wires the stages together, maps errors to exit codes.

Exit codes: 0 the gate passes, 1 the gate fails, 2 a usage error, an unreadable target or an
invalid checklist. Every error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor import __version__
from auditor.errors import AuditorError
from auditor.escape import printable
from auditor.output_file import OutputError, check_destination, path_inside, refuse_release_file, write_output

if TYPE_CHECKING:
    from auditor.sources import Inventory, Source

SUBCOMMANDS = ("explain", "license", "diff", "badge", "init")

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    sarif = "sarif"
    junit = "junit"
    mot = "mot"


class FailOn(StrEnum):
    blocked = "blocked"
    missing = "missing"
    partial = "partial"
    never = "never"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"osaid-audit {__version__}")
        raise typer.Exit()


@app.command("run", epilog="Other commands: 'audit license FILE...' analyses licence texts; "
                         "'audit explain CODE' explains a finding code.")
def run(
    target: Annotated[str, typer.Argument(
        help="The release: a folder, a git repository (with --rev), or hf://OWNER/NAME[@REV] "
             "(hf://datasets/OWNER/NAME for a dataset).", show_default=False)],
    rev: Annotated[str | None, typer.Option(
        "--rev", help="Audit this commit, tag or branch of a git repository (read from the object store).")] = None,
    offline: Annotated[bool, typer.Option(
        help="For hf:// targets, read only the local Hugging Face cache (also HF_HUB_OFFLINE=1).")] = False,
    checklist: Annotated[str, typer.Option(
        help="A bundled checklist (osaid-1.0, mof-1.0) or a checklist file.")] = "osaid-1.0",
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[FailOn, typer.Option(
        help="Fail (exit 1) when a required requirement has this status or a worse one.")] = FailOn.missing,
    color: Annotated[bool | None, typer.Option(
        "--color/--no-color", help="Colour the text report (default: on a terminal).")] = None,
    waivers: Annotated[Path | None, typer.Option(
        help="Waivers file (default: .osaid-waivers.yaml in the release, if present).")] = None,
    no_release_waivers: Annotated[bool, typer.Option(
        "--no-release-waivers", envvar="OSAID_AUDIT_NO_RELEASE_WAIVERS",
        help="Ignore a .osaid-waivers.yaml shipped inside the audited release (when auditing someone "
             "else's release).")] = False,
    manifest: Annotated[Path | None, typer.Option(
        help="The declared release: a release.yaml or a Model Openness Tool YAML "
             "(default: release.yaml in the release, if present).")] = None,
    verify_hashes: Annotated[bool, typer.Option(
        "--verify-hashes", help="Check the sha256 of every file the manifest declares.")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", envvar="OSAID_AUDIT_NO_CACHE",
        help="Neither read nor write the cache of per-file results (see README: Cache).")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, max=256, help="Worker processes for analysing files (default: one per core).")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Audit an AI model release against the Open Source AI Definition (or another checklist)."""
    from auditor.audit import run_audit
    from auditor.detectors.interface import DetectorSettings
    from auditor.detectors.python_batch import available_cores
    from auditor.evaluation.checklist import load_checklist
    from auditor.formats import FORMATS
    from auditor.gate import failing_requirements, waiver_gate_note
    from auditor.result_cache import default_cache_folder
    from auditor.sources import open_source

    cache_folder = None if no_cache else default_cache_folder()
    source = open_source(target, rev, offline)
    loaded = load_checklist(checklist, cache_folder)
    inside = _output_inside(output, target)
    from auditor.manifest.model import read_manifest_file
    from auditor.waivers import read_waivers_file

    waiver_list = read_waivers_file(waivers) if waivers is not None else None
    declared = read_manifest_file(manifest) if manifest is not None else None
    with _progress(enabled=format.value in ("text", "markdown", "html")) as (progress, hash_progress):
        inventory = _revision_listing(source, output, inside) if rev is not None and output and inside else None
        report = run_audit(source, loaded, waivers=waiver_list, progress=progress, manifest=declared,
                           inventory=inventory, exclude=frozenset({inside} if inside is not None else ()),
                           verify_hashes=verify_hashes, hash_progress=hash_progress,
                           release_waivers=not no_release_waivers,
                           settings=DetectorSettings(cache_folder, jobs or available_cores()))
    use_color = color if color is not None else (output is None and sys.stdout.isatty()
                                                 and "NO_COLOR" not in os.environ)
    width = 80 if not sys.stdout.isatty() or output is not None else min(os.get_terminal_size().columns, 120)
    rendered = FORMATS[format.value](fail_on=fail_on.value).render(report, color=use_color, width=width)
    if output is None:
        sys.stdout.write(rendered)
    else:
        write_output(output, rendered, may_replace=refuse_release_file if inside is not None else None)
    failing = failing_requirements(report, fail_on.value)
    if failing:
        typer.echo(f"audit: gate failed (--fail-on {fail_on.value}): {', '.join(failing)}", err=True)
        raise typer.Exit(1)
    note = waiver_gate_note(report, fail_on.value)
    if note:
        typer.echo(f"audit: {printable(note)}", err=True)


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


@app.command("explain")
def explain(code: Annotated[str, typer.Argument(help="A finding code, e.g. OSAID-L001, or 'all'.")]) -> None:
    """Explain a finding code: what it means, why OSAID cares, how to fix it."""
    from auditor.findings import finding_codes

    codes = finding_codes()
    wanted = sorted(codes) if code.lower() == "all" else [code.upper()]
    for name in wanted:
        entry = codes.get(name)
        if entry is None:
            raise AuditorError(f"unknown finding code {printable(code)!r} (try 'audit explain all')")
        typer.echo(f"{entry.code} ({entry.name}, {entry.level}): {entry.summary}\n\n{entry.explanation}\n")


class LicenseFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("license")
def license_(
    files: Annotated[list[Path], typer.Argument(help="Licence files to analyse.", show_default=False)],
    format: Annotated[LicenseFormat, typer.Option("--format", "-f", help="Report format.")] = LicenseFormat.text,
) -> None:
    """Identify licence texts and cite every clause that restricts use, study, modification or sharing.

    Exit 0 when every file is an open licence, 1 when any is restricted or unknown.
    """
    from auditor.formats.license_files import AnalysedFile, render_license_json, render_license_text
    from auditor.licenses.local_files import analyse_license_file

    analysed = [AnalysedFile(str(path), analyse_license_file(path)) for path in files]
    render = render_license_json if format is LicenseFormat.json else render_license_text
    sys.stdout.write(render(analysed))
    if any(f.analysis.license_class in ("restricted", "unknown") for f in analysed):
        raise typer.Exit(1)


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier JSON report.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later JSON report.", show_default=False)],
) -> None:
    """Show what got worse or better between two JSON reports; exit 1 when anything got worse."""
    from auditor.report_diff import diff_reports, read_report, render_diff

    result = diff_reports(read_report(old), read_report(new))
    sys.stdout.write(render_diff(result))
    if result.got_worse:
        raise typer.Exit(1)


@app.command("badge")
def badge(
    report: Annotated[Path, typer.Argument(help="A JSON report.", show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the SVG here.")] = None,
) -> None:
    """Make an SVG badge with the verdict and the MOF class from a JSON report."""
    from auditor.badge import render_badge
    from auditor.report_diff import read_report

    svg = render_badge(read_report(report))
    if output is None:
        sys.stdout.write(svg)
        return
    write_output(output, svg)


@app.command("init")
def init(
    target: Annotated[str, typer.Argument(help="The release folder.", show_default=False)],
    checklist: Annotated[str, typer.Option(help="The checklist whose components to list.")] = "osaid-1.0",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Where to write (default: release.yaml in the release).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing manifest.")] = False,
) -> None:
    """Write a draft release.yaml from what the audit finds, for the lab to complete."""
    from auditor.audit import run_audit
    from auditor.evaluation.checklist import load_checklist
    from auditor.manifest.draft import draft_manifest
    from auditor.manifest.model import MANIFEST_FILE
    from auditor.sources.local import LocalFolderSource

    source = LocalFolderSource(target)
    path = output or Path(target) / MANIFEST_FILE

    def refuse_existing(_path: Path) -> None:
        if not force:
            raise OutputError(f"{printable(str(path))} exists; use --force to overwrite it")

    if check_destination(path):
        refuse_existing(path)
    loaded = load_checklist(checklist)
    inventory = source.inventory()
    report = run_audit(source, loaded, inventory=inventory, release_files=False)
    write_output(path, draft_manifest(report, loaded, inventory), may_replace=refuse_existing)
    typer.echo(f"wrote {printable(str(path))}: complete it, then run 'audit {printable(target)}'")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in SUBCOMMANDS:
        args.insert(0, "run")
    try:
        result = app(args=args, prog_name="audit", standalone_mode=False)
    except AuditorError as error:
        typer.echo(f"audit: error: {printable(str(error))}", err=True)
        raise SystemExit(error.exit_code) from None
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("audit: interrupted", err=True)
        raise SystemExit(130) from None
    except typer.TyperException as error:  # usage errors: bad option, missing argument
        typer.echo(f"audit: error: {printable(error.format_message())}", err=True)
        raise SystemExit(2) from None
    except Exception as error:  # noqa: BLE001 - the contract is one line, never a traceback
        typer.echo(f"audit: internal error: {type(error).__name__}: {printable(str(error))} "
                   "(please report this)", err=True)
        raise SystemExit(2) from None
    raise SystemExit(result if isinstance(result, int) else 0)
