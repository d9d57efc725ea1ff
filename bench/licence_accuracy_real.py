"""Side-by-side licence identification on real licence files: `audit license` and ScanCode (issue 11).

    .venv/bin/python bench/licence_accuracy_real.py [--ecosystem pypi|npm] [--cache DIR] [--batch 200]
        [--scancode-venv DIR | --no-scancode] [--audit .venv/bin/audit]

Reads the corpus bench/licence_corpus.py built (<cache>/<ecosystem>/manifest.json) and runs, each
as a child process timed with time.perf_counter() and measured by its own ru_maxrss (os.wait4;
the largest process of its tree, workers included, not their sum):
1. `audit license --format json FILE...` over every file, in batches (one untimed-apart first run
   on one file shows the start-up and the reference index build when the cache is cold);
2. when ScanCode is installed in its venv (bench/licence_corpus.py --install-scancode):
   `scancode-reindex-licenses` (the licence index build, reported apart), then
   `scancode --license --license-references --json-pp - --processes 2 --strip-root DIR`
   over a folder of hard links to exactly the manifest's files.
Then prints, for both tools and by the rule in bench/licence_scoring.py: files identified as
declared, open licences shown as not open, restrictions reported on open licences, files per
second and peak memory. Misses go to <cache>/<ecosystem>/misses.tsv, each tool's readings to
results-audit.json and results-scancode.json (ScanCode's raw output) beside it; --scancode-cached
scores that output again without running ScanCode (for work on the matcher, which only changes
audit's side).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from licence_corpus import DEFAULT_CACHE, DEFAULT_SCANCODE_VENV
from licence_scoring import Reading, Score, audit_reading, scancode_reading, score
from licence_truth import Truth
from spdx_expressions import canonical_id

ROOT = Path(__file__).resolve().parent.parent
SCANCODE_OUTPUT = "results-scancode.json"
SCANCODE_TIMING = "results-scancode-timing.json"


@dataclass(frozen=True)
class Run:
    seconds: float
    max_rss_mb: float
    exit_code: int
    stderr_tail: str


@dataclass(frozen=True)
class ToolResult:
    name: str
    readings: dict[str, Reading]  # by the manifest's `file`
    seconds: float  # identification only
    max_rss_mb: float
    setup: str  # start-up or index build, measured apart


def run_measured(command: list[str], stdout: IO[bytes]) -> Run:
    """Run once with stdout to a file; wall time and the peak RSS of this child's process tree."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here; tell Popen
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace").strip()
    return Run(seconds, usage.ru_maxrss / 1024, child.returncode, tail)


def _last_line(run: Run) -> str:
    return (run.stderr_tail.splitlines() or [f"exit {run.exit_code}"])[-1]


def _audit_batch(audit: str, paths: list[Path]) -> tuple[Run, list[dict] | None]:
    with tempfile.TemporaryFile() as out:
        run = run_measured([audit, "license", "--format", "json", *map(str, paths)], out)
        out.seek(0)
        try:
            files = json.loads(out.read())["files"] if run.exit_code in (0, 1) else None
        except (ValueError, KeyError, TypeError):
            files = None
    return run, files if files is not None and len(files) == len(paths) else None


def run_audit(audit: str, corpus: Path, names: list[str], batch: int) -> ToolResult:
    first, _ = _audit_batch(audit, [corpus / names[0]])
    readings: dict[str, Reading] = {}
    seconds = peak = 0.0
    for start in range(0, len(names), batch):
        chunk = names[start:start + batch]
        run, entries = _audit_batch(audit, [corpus / n for n in chunk])
        seconds += run.seconds
        peak = max(peak, run.max_rss_mb)
        if entries is None:  # a file the command refuses (exit 2) spoils its batch: one at a time
            for name in chunk:
                run, one = _audit_batch(audit, [corpus / name])
                seconds += run.seconds
                peak = max(peak, run.max_rss_mb)
                readings[name] = audit_reading(one[0]) if one else Reading(
                    None, True, True, False, f"error: {_last_line(run)}")
            continue
        readings.update(zip(chunk, map(audit_reading, entries), strict=True))
    setup = f"first run on one file (start-up, index if cold): {first.seconds:.2f} s, {first.max_rss_mb:.0f} MB"
    return ToolResult("audit license", readings, seconds, peak, setup)


def _link_tree(corpus: Path, names: list[str], folder: Path) -> None:
    """Exactly the manifest's files, under their corpus paths (older versions left in files/ stay out)."""
    shutil.rmtree(folder, ignore_errors=True)
    for name in names:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(corpus / name, target)
        except OSError:
            shutil.copyfile(corpus / name, target)


def run_scancode(venv: Path, corpus: Path, names: list[str]) -> ToolResult:
    bin_dir = venv / "bin"
    index = "not measured"
    if (bin_dir / "scancode-reindex-licenses").is_file():
        with open(os.devnull, "wb") as devnull:
            built = run_measured([str(bin_dir / "scancode-reindex-licenses")], devnull)
        index = f"licence index build: {built.seconds:.1f} s, {built.max_rss_mb:.0f} MB"
    folder = corpus / "scan-input"
    _link_tree(corpus, names, folder)
    with (corpus / SCANCODE_OUTPUT).open("wb") as out:
        run = run_measured([str(bin_dir / "scancode"), "--license", "--license-references", "--json-pp", "-",
                            "--processes", "2", "--strip-root", str(folder)], out)
    if run.exit_code != 0:
        print(f"scancode: {_last_line(run)}", file=sys.stderr)
    # ScanCode's closing summary on stderr splits its run into setup (loading the index) and scan.
    own = dict(re.findall(r"^\s*(setup|scan): ([\d.]+)s$", run.stderr_tail, re.MULTILINE))
    if own.keys() == {"setup", "scan"}:
        index += f"; its own timings: setup (index load) {own['setup']} s, scan {own['scan']} s"
    timing = {"seconds": run.seconds, "max_rss_mb": run.max_rss_mb, "setup": index}
    (corpus / SCANCODE_TIMING).write_text(json.dumps(timing, indent=1) + "\n", encoding="utf-8")
    return read_scancode(corpus, names)


def read_scancode(corpus: Path, names: list[str]) -> ToolResult:
    """ScanCode's readings from its last output in the corpus folder, with that run's figures."""
    report = json.loads((corpus / SCANCODE_OUTPUT).read_text(encoding="utf-8"))
    timing = json.loads((corpus / SCANCODE_TIMING).read_text(encoding="utf-8"))
    categories = {canonical_id(r["spdx_license_key"]): r.get("category", "")
                  for r in report.get("license_references", []) if r.get("spdx_license_key")}
    by_path = {f["path"]: f for f in report.get("files", []) if f.get("type") == "file"}
    readings = {n: scancode_reading(by_path[n], categories) if n in by_path
                else Reading(None, False, True, False, "not in ScanCode's output") for n in names}
    return ToolResult("ScanCode", readings, timing["seconds"], timing["max_rss_mb"], timing["setup"])


@dataclass(frozen=True)
class Counts:
    """Scores over one group of files, all with a known declared licence."""

    files: int
    identified: int
    exact: int
    open_declared: int
    not_open: int
    restrictive: int


Scored = tuple[dict, Score, Reading]


def count(scored: list[Scored]) -> Counts:
    open_declared = [s for f, s, _ in scored if Truth(tuple(f["declared"]), f["truth_source"]).open]
    return Counts(len(scored), sum(s.identified for _, s, _ in scored), sum(s.exact for _, s, _ in scored),
                  len(open_declared), sum(s.not_open for s in open_declared), sum(s.restrictive for s in open_declared))


def scored_files(result: ToolResult, files: list[dict]) -> list[Scored]:
    return [(f, score(result.readings[f["file"]], tuple(f["declared"]), f["role"]), result.readings[f["file"]])
            for f in files if f["declared"]]


def _share(part: int, whole: int) -> str:
    return f"{part} / {whole} ({part / whole:.1%})" if whole else "-"


@dataclass(frozen=True)
class Groups:
    own: Counts  # the package's own licence and notice files
    texts: Counts  # the own files that are licence texts (NOTICE/AUTHORS apart)
    bundled: Counts  # bundled code's licence files (in a sub-folder)


def groups(scored: list[Scored]) -> Groups:
    own = [x for x in scored if not x[0]["bundled"]]
    return Groups(count(own), count([x for x in own if x[0]["role"] == "licence"]),
                  count([x for x in scored if x[0]["bundled"]]))


def print_table(results: list[tuple[ToolResult, list[Scored]]], files: int) -> None:
    columns = [(r, groups(s)) for r, s in results]
    rows = [
        ("licence identified as declared: the package's own files", lambda r, g: _share(g.own.identified, g.own.files)),
        ("... its licence texts (NOTICE/AUTHORS files apart)", lambda r, g: _share(g.texts.identified, g.texts.files)),
        ("... detected expression exactly the declared one", lambda r, g: _share(g.own.exact, g.own.files)),
        ("open licence shown as not open (own files)", lambda r, g: _share(g.own.not_open, g.own.open_declared)),
        ("restrictions reported on an open licence (own files)",
         lambda r, g: _share(g.own.restrictive, g.own.open_declared)),
        ("bundled code's licence files: identified as the package's declaration",
         lambda r, g: _share(g.bundled.identified, g.bundled.files)),
        ("bundled code's licence files: shown as not open",
         lambda r, g: _share(g.bundled.not_open, g.bundled.open_declared)),
        ("files per second (identification only, every file)",
         lambda r, g: f"{files / r.seconds:.1f} ({r.seconds:.1f} s)"),
        ("peak memory", lambda r, g: f"{r.max_rss_mb:.0f} MB"),
        ("measured apart", lambda r, g: r.setup),
    ]
    print("| | " + " | ".join(r.name for r, _ in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for label, cell in rows:
        print(f"| {label} | " + " | ".join(cell(r, g) for r, g in columns) + " |")


def write_misses(path: Path, scored: dict[str, list[Scored]]) -> int:
    rows = ["tool\tpackage\tversion\tpath\trole\tbundled\tdeclared\tdetected\twhy"]
    for tool, items in scored.items():
        for f, s, reading in items:
            why = [w for w, bad in (("not identified", not s.identified), ("not open", s.not_open),
                                    ("restriction", s.restrictive)) if bad]
            if why:
                rows.append("\t".join((tool, f["package"], f["version"], f["path"], f["role"],
                                       "yes" if f["bundled"] else "no", " | ".join(f["declared"]), reading.detail,
                                       ", ".join(why))))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ecosystem", choices=("pypi", "npm"), default="pypi")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"corpus folder (default {DEFAULT_CACHE})")
    parser.add_argument("--batch", type=int, default=200, help="files per `audit license` run")
    parser.add_argument("--audit", default=str(ROOT / ".venv" / "bin" / "audit"))
    parser.add_argument("--scancode-venv", type=Path, default=DEFAULT_SCANCODE_VENV)
    parser.add_argument("--no-scancode", action="store_true")
    parser.add_argument("--scancode-cached", action="store_true",
                        help="score ScanCode's last output again instead of running it (same corpus)")
    args = parser.parse_args(argv)
    corpus = args.cache / args.ecosystem
    manifest_path = corpus / "manifest.json"
    if not manifest_path.is_file():
        print(f"skipped: no licence corpus at {corpus} (build it with bench/licence_corpus.py --ecosystem "
              f"{args.ecosystem} --cache {args.cache})", file=sys.stderr)
        return 0
    start = time.perf_counter()
    files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    names = [f["file"] for f in files]
    if not names:
        print(f"skipped: the corpus at {corpus} holds no file", file=sys.stderr)
        return 0
    results = [run_audit(args.audit, corpus, names, args.batch)]
    (corpus / "results-audit.json").write_text(json.dumps({n: asdict(r) for n, r in results[0].readings.items()},
                                                          indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.no_scancode:
        pass
    elif args.scancode_cached and (corpus / SCANCODE_TIMING).is_file():
        results.append(read_scancode(corpus, names))
    elif (args.scancode_venv / "bin" / "scancode").is_file():
        results.append(run_scancode(args.scancode_venv, corpus, names))
    else:
        print(f"ScanCode not installed at {args.scancode_venv} (bench/licence_corpus.py --install-scancode): "
              "only audit is measured", file=sys.stderr)
    scored = [(r, scored_files(r, files)) for r in results]
    print(f"{args.ecosystem}: {len(files)} licence files ({sum(f['bundled'] for f in files)} of bundled code) of "
          f"{len({f['package'] for f in files})} packages, {len(scored[0][1])} with a known declared licence")
    print()
    print_table(scored, len(files))
    misses = write_misses(corpus / "misses.tsv", {r.name: s for r, s in scored})
    print()
    print(f"{misses} misses listed in {corpus / 'misses.tsv'}; {time.perf_counter() - start:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
