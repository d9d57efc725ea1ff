"""The fleet's commands: `audit fleet`, `audit fleet report`, `audit history`, and what
`audit TARGET --db DB` records."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from auditor.errors import UsageError
from auditor.escape import printable
from auditor.output_file import check_destination, write_output

CENSUS_FORMATS = ("html", "json", "csv", "markdown")
DEFAULT_HUB_RATE = 5.0
"""Hub requests per second for the whole fleet: 1,500 per five minutes. The Hub counts its limits over
five-minute windows, in buckets (API calls, file resolves) that depend on the account
(huggingface.co/docs/hub/rate-limits); whatever the rate, a 429 pauses every worker."""


def fleet(targets_file: Path | None, db: Path, hub_top: int | None, hub_search: str | None, workers: int,
          dask: str | None, timeout: float, refresh: bool, checklist: str, hub_rate: float, no_cache: bool) -> None:
    """Audit many releases, keep each audit in the database, resume where an earlier run stopped."""
    from auditor import __version__
    from auditor.evaluation.checklist import load_checklist
    from auditor.fleet.run import run_fleet, stderr_line
    from auditor.fleet.store import census_store
    from auditor.fleet.targets import collapse, read_targets_file

    if targets_file is None and hub_top is None and hub_search is None:
        raise UsageError("give a targets file, --hub-top N or --hub-search QUERY")
    targets = read_targets_file(targets_file) if targets_file is not None else []
    if hub_top is not None or hub_search is not None:
        from auditor.fleet.hub_listing import hub_models

        listed = hub_models(hub_top or 1000, hub_search)
        if not listed:
            matching = f" matching {printable(hub_search)!r}" if hub_search else ""
            print(f"audit fleet: the Hub listed no models{matching}", file=sys.stderr)
        targets = collapse(targets + listed)
    loaded = load_checklist(checklist)
    # The engine first: an unreachable cluster leaves no new database behind.
    with _engine(dask, workers, hub_rate, timeout) as engine, census_store(db) as store:
        tally = run_fleet(targets, store, engine, checklist_id=loaded.id, checklist=checklist,
                          tool_version=__version__, refresh=refresh, use_cache=not no_cache,
                          hub_endpoint=os.environ.get("HF_ENDPOINT") or None,
                          tell=stderr_line if sys.stderr.isatty() else None)
    print(tally.line(), file=sys.stderr)
    if tally.interrupted:
        print("audit fleet: interrupted: every finished audit is kept; run the same command again to go on",
              file=sys.stderr)
        raise SystemExit(130)
    for target, error in tally.errors[:20]:
        said = error if error.startswith(target) else f"{target}: {error}"
        print(f"audit fleet: {printable(said)}", file=sys.stderr)
    print(f"audit fleet: the census: audit fleet report {printable(str(db))} --format html -o census.html",
          file=sys.stderr)
    if tally.errors:
        raise SystemExit(1)


def fleet_report(db: Path, format: str, output: Path | None) -> None:
    """Print or write the census of a fleet database."""
    from auditor.fleet.census import census
    from auditor.fleet.census_formats import census_csv, census_json, census_markdown
    from auditor.fleet.census_html import census_html
    from auditor.fleet.store import census_store
    from auditor.sources.hub import DEFAULT_ENDPOINT

    if output is not None and str(output) == "-":
        output = None
    if output is not None:
        check_destination(output)  # a folder or an unwritable place is refused before anything is written
    with census_store(db, create=False) as store:
        counted = census(store)
        links = _write_reports(store, counted, output) if format == "html" and output is not None else None
    hub = os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT
    rendered = {"json": census_json, "csv": census_csv, "markdown": census_markdown}[format](counted) \
        if format != "html" else census_html(counted, links, hub)
    if output is None:
        sys.stdout.write(rendered)
    else:
        write_output(output, rendered)


def history(db: Path, target: str, rev: str | None, format: str) -> None:
    """Each audit of one target in a fleet database, and what changed between them."""
    from auditor.fleet.history import history_json, history_text, target_history
    from auditor.fleet.store import census_store

    with census_store(db, create=False) as store:
        found = target_history(store, stored_target_name(target, rev))
    sys.stdout.write(history_json(found) if format == "json" else history_text(found))


def record_single_audit(db: Path, target: str, rev: str | None, inventory, report) -> None:  # noqa: ANN001
    """`audit TARGET --db DB`: the audit kept as a fleet would keep it, so `audit history` shows it."""
    from auditor.fleet.revision import release_revision
    from auditor.fleet.store import census_store
    from auditor.fleet.task import record_from_report

    name = stored_target_name(target, rev)
    revision = release_revision(inventory)
    with census_store(db) as store:
        store.record(name, record_from_report(name, rev, revision, report))


def stored_target_name(target: str, rev: str | None = None) -> str:
    """A target as the database names it: the same text a targets file resolves it to."""
    from auditor.fleet.targets import FleetTarget
    from auditor.sources.hub_target import is_hub_target, parse_hub_target

    if is_hub_target(target):
        return str(FleetTarget(str(parse_hub_target(target)).removesuffix("@main")))
    return str(FleetTarget(str(Path(target).resolve()), rev))


def _engine(dask: str | None, workers: int, hub_rate: float, timeout: float):  # noqa: ANN202
    if dask is not None:
        from auditor.fleet.dask_engine import DaskEngine

        return DaskEngine(dask, hub_rate, timeout)
    from auditor.fleet.local_pool import LocalPool

    return LocalPool(workers, hub_rate, timeout)


def _write_reports(store, counted, output: Path) -> dict[int, str]:  # noqa: ANN001
    """Each row's JSON report beside the page, in OUTPUT-reports/, linked from it."""
    folder = output.with_name(output.stem + "-reports")
    os.makedirs(folder, exist_ok=True)
    links = {}
    for row in counted.rows:
        raw = store.report_json(row.audit_id)
        if raw is not None:
            write_output(folder / f"{row.audit_id}.json", raw)
            links[row.audit_id] = f"{folder.name}/{row.audit_id}.json"
    # Reports an earlier census wrote here and this one does not link (rows replaced since) go.
    for stale in folder.glob("*.json"):
        if stale.stem.isdigit() and int(stale.stem) not in links and not stale.is_symlink():
            stale.unlink()
    return links
