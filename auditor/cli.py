"""The `audit` command: parses arguments, wires the stages together, maps errors to exit codes.

Exit codes: 0 the gate passes, 1 the gate fails, 2 a usage error, an unreadable target or an
invalid checklist. Every error is one line on stderr, never a traceback. The parser is the
standard library's `argparse`: a pre-commit hook pays for no framework's imports.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from auditor import __version__
from auditor.errors import AuditorError, UsageError
from auditor.escape import printable
from auditor.output_file import OutputError, check_destination, write_output
from auditor.run_command import EXTRA_OUTPUTS, FAIL_ON, OUTPUT_FORMATS, run

SCHEMAS = {"report": "report.schema.json", "manifest": "manifest.schema.json", "waivers": "waivers.schema.json",
           "checklist": "checklist.schema.json", "mot": "mot-mof.schema.json", "census": "census-schema.sql"}
"""The published schemas `audit schema NAME` prints (what a wheel user has no repository for): JSON
schemas, and the census database's SQL."""
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _environment_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in TRUE_WORDS


def _ranged(convert: Callable[[str], float], low: float, high: float, *,
            above_low: bool = False) -> Callable[[str], float]:
    """An argparse type: `convert(value)` (int or float), from `low` (or above it) to `high`."""
    def parse(value: str) -> float:
        try:
            number = convert(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
        if not (low < number if above_low else low <= number) or not number <= high:
            bound = f"above {low:g} and at most {high:g}" if above_low else f"between {low:g} and {high:g}"
            raise argparse.ArgumentTypeError(f"{value} is not {bound}")
        return number
    return parse


_jobs = _ranged(int, 1, 256)


USAGE = """audit [run] TARGET... [options]   audit releases (run is the default command)
       audit explain CODE|all           what a finding code means and how to fix it
       audit license FILE...            identify licence texts and cite their restrictions
       audit diff OLD.json NEW.json     what got worse or better between two reports
       audit badge REPORT.json [-o SVG] an SVG badge of the verdict and the MOF class
       audit init TARGET [--force]      write a draft release.yaml to complete
       audit schema report|manifest|waivers|checklist|mot|census   print a published schema
       audit fleet TARGETS.txt --db DB  audit many releases into a database (or --hub-top N)
       audit fleet report DB [-f html]  the census of a fleet database
       audit history DB TARGET          one target's audits over time, and what changed"""
EPILOG = """exit codes:
  0  the gate passes (every required requirement has a status --fail-on accepts)
  1  the gate fails; for 'license', a restricted or unknown text; for 'diff', something got worse
  2  a usage error, an unreadable or missing target, an invalid checklist, manifest or waivers file

environment:
  HF_TOKEN                        token for gated or private Hub repositories (hf:// targets)
  HF_ENDPOINT, HF_HUB_OFFLINE     another Hub endpoint; read only the local Hugging Face cache
  OSAID_AUDIT_CACHE               the cache folder (default: $XDG_CACHE_HOME/osaid-audit or ~/.cache/osaid-audit)
  OSAID_AUDIT_NO_CACHE=1          as --no-cache
  OSAID_AUDIT_NO_RELEASE_WAIVERS=1  as --no-release-waivers
  OSAID_AUDIT_HUB_TIMEOUT         seconds a Hub request may take
  DASK_*                          the Dask client's settings, for 'audit fleet --dask'
  NO_COLOR                        no colour in the text report

'audit CMD --help' shows a command's own options; 'audit explain all' lists every finding code."""
DESCRIPTION = "Audit an AI model release against the Open Source AI Definition (or another checklist)."


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="audit", usage=USAGE, description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    # prog: a command's own help says "usage: audit history ...", not the top-level usage glued to it.
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, required=True, prog="audit")
    run = commands.add_parser("run", help="audit a release (the default command)", usage=USAGE,
                              description=DESCRIPTION, epilog=EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("target", metavar="TARGET", nargs="+",
                     help="The release: a folder, a git repository (with --rev), or hf://OWNER/NAME[@REV] "
                          "(hf://datasets/OWNER/NAME for a dataset). Several are audited in turn.")
    run.add_argument("--rev", help="Audit this commit, tag or branch of a git repository (read from the object "
                                   "store).")
    run.add_argument("--offline", action="store_true",
                     help="For hf:// targets, read only the local Hugging Face cache (also HF_HUB_OFFLINE=1).")
    run.add_argument("--checklist",
                     help="A bundled checklist (osaid-1.0, mof-1.0) or a checklist file (default: osaid-1.0, or the "
                          "release's own setting).")
    run.add_argument("--format", "-f", choices=OUTPUT_FORMATS, help="Report format (default: text).")
    run.add_argument("--output", "-o", type=Path, help="Write the report to this file ('-': standard output).")
    for name in EXTRA_OUTPUTS:
        run.add_argument(f"--{name}", type=Path, metavar="FILE", dest=f"{name}_output",
                         help=f"Also write the {name.upper() if name in ('json', 'html') else name.capitalize()} "
                              "report to FILE.")
    loudness = run.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", "-q", action="store_true",
                          help="Print only the verdict line (the exit code is unchanged).")
    loudness.add_argument("--verbose", "-v", action="store_true",
                          help="Every piece of evidence under each requirement, and the time of each stage on "
                               "stderr.")
    run.add_argument("--fail-on", choices=FAIL_ON,
                     help="Fail (exit 1) when a required requirement has this status or a worse one "
                          "(default: missing).")
    run.add_argument("--color", action=argparse.BooleanOptionalAction, default=None,
                     help="Colour the text report (default: on a terminal).")
    run.add_argument("--waivers", type=Path,
                     help="Waivers file (default: .osaid-waivers.yaml in the release, if present).")
    run.add_argument("--no-release-waivers", action="store_true",
                     help="Ignore a .osaid-waivers.yaml shipped inside the audited release (when auditing "
                          "someone else's release; also OSAID_AUDIT_NO_RELEASE_WAIVERS=1).")
    run.add_argument("--manifest", type=Path,
                     help="The declared release: a release.yaml or a Model Openness Tool YAML (default: "
                          "release.yaml in the release, if present).")
    run.add_argument("--verify-hashes", action="store_true",
                     help="Check the sha256 of every file the manifest declares.")
    run.add_argument("--no-cache", action="store_true",
                     help="Neither read nor write the cache of per-file results (also OSAID_AUDIT_NO_CACHE=1; "
                          "see README: Speed and the cache).")
    run.add_argument("--jobs", "-j", type=_jobs,
                     help="Worker processes for analysing files (default: one per core).")
    run.add_argument("--isolated", action="store_true",
                     help="Ignore the release's own settings (.osaid-audit.toml, [tool.osaid-audit] in its "
                          "pyproject.toml).")
    run.add_argument("--db", type=Path, metavar="DB",
                     help="Also record the audit in this fleet database (audit history DB TARGET shows it).")
    run.add_argument("--version", action="version", version=f"osaid-audit {__version__}")

    explain = commands.add_parser("explain", help="explain a finding code",
                                  description="Explain a finding code: what it means, why OSAID cares, how to fix it.")
    explain.add_argument("code", metavar="CODE", help="A finding code, e.g. OSAID-L001, or 'all'.")

    license_ = commands.add_parser(
        "license", help="identify licence texts and cite their restrictions",
        description="Identify licence texts and cite every clause that restricts use, study, modification or "
                    "sharing. Exit 0 when every file is an open licence, 1 when any is restricted or unknown.")
    license_.add_argument("files", metavar="FILE", nargs="+", type=Path, help="Licence files to analyse.")
    license_.add_argument("--format", "-f", choices=("text", "json"), default="text", help="Report format.")

    diff = commands.add_parser("diff", help="compare two JSON reports",
                               description="Show what got worse or better between two JSON reports; exit 1 when "
                                           "anything got worse.")
    diff.add_argument("old", metavar="OLD", type=Path, help="The earlier JSON report.")
    diff.add_argument("new", metavar="NEW", type=Path, help="The later JSON report.")

    badge = commands.add_parser("badge", help="make an SVG badge from a JSON report",
                                description="Make an SVG badge with the verdict and the MOF class from a JSON report.")
    badge.add_argument("report", metavar="REPORT", type=Path, help="A JSON report.")
    badge.add_argument("--output", "-o", type=Path, help="Write the SVG here.")

    init = commands.add_parser("init", help="write a draft release.yaml",
                               description="Write a draft release.yaml from what the audit finds, for the lab to "
                                           "complete.")
    init.add_argument("target", metavar="TARGET", help="The release folder.")
    init.add_argument("--checklist", default="osaid-1.0", help="The checklist whose components to list.")
    init.add_argument("--output", "-o", type=Path,
                      help="Where to write (default: release.yaml in the release).")
    init.add_argument("--force", action="store_true", help="Overwrite an existing manifest.")
    schema = commands.add_parser("schema", help="print a published JSON schema",
                                 description="Print the JSON schema of a report, a release manifest, a waivers "
                                             "file, a checklist or a Model Openness Tool YAML, or the SQL "
                                             "schema of a census database (census).")
    schema.add_argument("name", metavar="NAME", choices=sorted(SCHEMAS), help=", ".join(sorted(SCHEMAS)))
    _fleet_parsers(commands)
    return parser


def _fleet_parsers(commands: argparse._SubParsersAction) -> None:
    from auditor.fleet.commands import CENSUS_FORMATS, DEFAULT_HUB_RATE
    from auditor.fleet.engine import DEFAULT_TIMEOUT

    fleet = commands.add_parser(
        "fleet", help="audit many releases into a database",
        usage="audit fleet [TARGETS.txt] --db DB [--hub-top N] [--hub-search QUERY] [options]\n"
              "       audit fleet report DB [--format html|json|csv|markdown] [--output FILE]",
        description="Audit every target of a file (one per line: a folder, hf://OWNER/NAME[@REV], or a git "
                    "repository and --rev REV) and/or the Hub's most-downloaded models, on local worker "
                    "processes or a Dask cluster, keeping each audit in a SQLite database. A rerun skips "
                    "targets already audited at the same revision with this tool version. Exit 1 when "
                    "any target's audit failed (each failure is a row too).")
    fleet.add_argument("targets_file", metavar="TARGETS.txt", nargs="?", type=Path, help="The targets file.")
    fleet.add_argument("--db", type=Path, required=True, help="The census database (created when absent).")
    fleet.add_argument("--hub-top", type=_ranged(int, 1, 100_000), metavar="N",
                       help="Also audit the Hub's N most-downloaded models (with --hub-search: the N most "
                            "downloaded of those that match).")
    fleet.add_argument("--hub-search", metavar="QUERY",
                       help="Also audit the Hub's models matching QUERY, most downloaded first (the first "
                            "--hub-top of them, default 1000).")
    fleet.add_argument("--workers", "-w", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                       help="Local worker processes (default: one per core).")
    fleet.add_argument("--dask", metavar="ADDRESS",
                       help="Run each audit as a task on this Dask scheduler (tcp://HOST:8786); needs "
                            "pip install 'osaid-audit[fleet]'.")
    fleet.add_argument("--timeout", type=_ranged(float, 0, 86_400, above_low=True), default=DEFAULT_TIMEOUT,
                       metavar="SECONDS",
                       help=f"Seconds one audit may take before it is recorded as an error (default: "
                            f"{DEFAULT_TIMEOUT:g}).")
    fleet.add_argument("--hub-rate", type=_ranged(float, 0, 100_000), default=DEFAULT_HUB_RATE, metavar="RATE",
                       help=f"Hub requests per second for all workers together (default: {DEFAULT_HUB_RATE:g}; "
                            "0: no limit); on a 429 every worker pauses.")
    fleet.add_argument("--refresh", action="store_true", help="Audit every target again, even one already audited.")
    fleet.add_argument("--checklist", default="osaid-1.0", help="The checklist (default: osaid-1.0).")
    fleet.add_argument("--no-cache", action="store_true", help="Neither read nor write the cache of per-file results.")

    report = commands.add_parser("fleet-report", help=argparse.SUPPRESS, prog="audit fleet report",
                                 description="The census of a fleet database: counts by verdict and MOF class, "
                                             "the commonest blockers, and a table of targets.")
    report.add_argument("db", metavar="DB", type=Path, help="The census database.")
    report.add_argument("--format", "-f", choices=CENSUS_FORMATS, default="markdown",
                        help="html (charts, a sortable table, each target's JSON report beside it), json, csv "
                             "or markdown (default).")
    report.add_argument("--output", "-o", type=Path, help="Write the census to this file ('-': standard output).")

    history = commands.add_parser("history", help="one target's audits over time",
                                  description="Each audit of TARGET in a fleet database (or recorded with "
                                              "audit TARGET --db DB), and what changed between them.")
    history.add_argument("db", metavar="DB", type=Path, help="The census database.")
    history.add_argument("target", metavar="TARGET", help="The target, as audited (a folder, hf://OWNER/NAME).")
    history.add_argument("--rev", help="The git revision the target was audited at (as in the targets file).")
    history.add_argument("--format", "-f", choices=("text", "json"), default="text", help="Output format.")


def explain(code: str) -> None:
    """Explain a finding code: what it means, why OSAID cares, how to fix it."""
    from auditor.findings import finding_codes

    codes = finding_codes()
    wanted = sorted(codes) if code.lower() == "all" else [code.upper()]
    for name in wanted:
        entry = codes.get(name)
        if entry is None:
            raise AuditorError(f"unknown finding code {printable(code)!r} (try 'audit explain all')")
        print(f"{entry.code} ({entry.name}, {entry.level}): {entry.summary}\n\n{entry.explanation}\n")


def license_(files: list[Path], format: str) -> None:
    """Identify licence texts and cite every clause that restricts use, study, modification or sharing."""
    from auditor.formats.license_files import render_license_json, render_license_text
    from auditor.licenses.local_files import analyse_license_file

    analysed = [analyse_license_file(path) for path in files]
    render = render_license_json if format == "json" else render_license_text
    sys.stdout.write(render(analysed))
    if any(f.analysis.license_class in ("restricted", "unknown") for f in analysed):
        raise SystemExit(1)


def diff(old: Path, new: Path) -> None:
    """Show what got worse or better between two JSON reports; exit 1 when anything got worse."""
    from auditor.report_diff import diff_reports, read_report, render_diff

    result = diff_reports(read_report(old), read_report(new))
    sys.stdout.write(render_diff(result))
    if result.got_worse:
        raise SystemExit(1)


def badge(report: Path, output: Path | None) -> None:
    """Make an SVG badge with the verdict and the MOF class from a JSON report."""
    from auditor.badge import render_badge
    from auditor.report_diff import read_report

    svg = render_badge(read_report(report))
    if output is None:
        sys.stdout.write(svg)
        return
    write_output(output, svg)


def init(target: str, checklist: str, output: Path | None, force: bool) -> None:
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
    print(f"wrote {printable(str(path))}: complete it, then run 'audit {printable(target)}'")


def schema(name: str) -> None:
    """Print a published JSON schema, or the census database's SQL schema."""
    from auditor.resources import bundled_dir, package_data

    path = package_data(SCHEMAS[name]) if name == "census" else bundled_dir("schemas") / SCHEMAS[name]
    sys.stdout.write(path.read_text(encoding="utf-8"))


def fleet(**options: object) -> None:
    from auditor.fleet.commands import fleet as run_fleet

    run_fleet(**options)


def fleet_report(**options: object) -> None:
    from auditor.fleet.commands import fleet_report as report

    report(**options)


def history(**options: object) -> None:
    from auditor.fleet.commands import history as show

    show(**options)


COMMANDS: dict[str, Callable[..., None]] = {"run": run, "explain": explain, "license": license_, "diff": diff,
                                            "badge": badge, "init": init, "schema": schema, "fleet": fleet,
                                            "fleet-report": fleet_report, "history": history}
SUBCOMMANDS = tuple(name.replace("-", " ") for name in COMMANDS if name != "run")
"""As the usage line spells them (`fleet-report` is typed `audit fleet report`)."""


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("audit: error: no release given: 'audit TARGET' audits a folder, a git repository (with --rev) "
              "or hf://OWNER/NAME; 'audit --help' lists the commands and options", file=sys.stderr)
        raise SystemExit(2)
    if args[:2] == ["fleet", "report"]:
        args[:2] = ["fleet-report"]
    elif args[0] not in COMMANDS:
        args.insert(0, "run")
    try:
        options = vars(_parser().parse_args(args))
        command = COMMANDS[options.pop("command")]
        if command in (run, fleet):
            options["no_cache"] |= _environment_flag("OSAID_AUDIT_NO_CACHE")
        if command is run:
            options["no_release_waivers"] |= _environment_flag("OSAID_AUDIT_NO_RELEASE_WAIVERS")
        command(**options)
    except AuditorError as error:
        print(f"audit: error: {printable(str(error))}", file=sys.stderr)
        raise SystemExit(error.exit_code) from None
    except KeyboardInterrupt:
        print("audit: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 - the contract is one line, never a traceback
        print(f"audit: internal error: {type(error).__name__}: {printable(str(error))} (please report this)",
              file=sys.stderr)
        raise SystemExit(2) from None
    raise SystemExit(0)
