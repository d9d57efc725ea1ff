#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Issue 14's figures: a real 3,000-file training repository cold and warm, a small release from
process start, and (optionally) the synthetic 100k-file tree against `find`.

    .venv/bin/python bench/speed_bench.py [MIRRORS] [--repeat 5] [--synthetic /tmp/synth]

MIRRORS (default /work/.mirror) holds NVIDIA+Megatron-LM/repo, a bare clone (`fetch
github:NVIDIA/Megatron-LM`); commit d98e8a64 is exported into a temporary folder with the
auditor's own git reader (nothing of the clone runs) and deleted afterwards. Without the mirror
that part prints one `skipped:` line.

Every audit is a child process, timed from its start (interpreter and imports included), with its
peak RSS from os.wait4, its report to /dev/null. Cold: a new cache folder per run
(OSAID_AUDIT_CACHE) holding only the licence reference index, built once per install and not a
per-file result; "first run" also starts without it. Warm: the same release again with the cache
one cold run filled. One untimed run first writes the .pyc files
(PYTHONDONTWRITEBYTECODE is unset for the children: an installed tool has its bytecode). Medians
are printed; the reports of a serial uncached run, a parallel cold run and a warm run are compared
byte for byte.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
MEGATRON = ("NVIDIA+Megatron-LM", "d98e8a64ddf34856e74b24714e3bedb2f5a39553")


def timed(cmd: list[str], cache: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, exit code) of one child run with `cache` as its cache folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "OSAID_AUDIT_NO_CACHE")}
    env["OSAID_AUDIT_CACHE"] = str(cache)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def fresh_cache(work: Path, name: str) -> Path:
    """A cache folder with no per-file results: only the licence reference index, copied."""
    folder = work / name
    folder.mkdir()
    for index in (work / "warmup-cache").glob("reference-index-*.json"):
        shutil.copy(index, folder / index.name)
    return folder


def median_of(runs: list[tuple[float, float, int]]) -> str:
    seconds = statistics.median(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    failed = [r[2] for r in runs if r[2] not in (0, 1)]
    return f"{seconds:.3f} s (peak {rss:.0f} MB{', exit ' + str(failed) if failed else ''})"


def cold_and_warm(audit: list[str], release: Path, repeat: int, work: Path, label: str) -> None:
    cmd = [*audit, str(release), "--format", "json", "--fail-on", "never"]
    cold = [timed(cmd, fresh_cache(work, f"cold-{label}-{n}")) for n in range(repeat)]
    warm_cache = work / f"cold-{label}-0"
    warm = [timed(cmd, warm_cache) for _ in range(repeat)]
    serial = [timed([*cmd, "--jobs", "1", "--no-cache"], work / "unused") for _ in range(max(1, repeat // 2))]
    print(f"{label}: cold {median_of(cold)}; warm {median_of(warm)}; cold serial, no cache {median_of(serial)}")


def identical_reports(audit: list[str], release: Path, work: Path) -> bool:
    outputs = []
    for n, extra in enumerate((["--jobs", "1", "--no-cache"], ["--jobs", "2"], ["--jobs", "2"])):
        out = work / f"report-{n}.json"
        timed([*audit, str(release), "--format", "json", "--output", str(out), "--fail-on", "never", *extra],
              work / "identity-cache")
        outputs.append(out.read_bytes())
    return outputs[0] == outputs[1] == outputs[2]


def export_revision(mirror: Path, commit: str, into: Path) -> int:
    """Write the revision's files under `into` with the auditor's own reader of git objects."""
    from auditor.sources.git import GitRevisionSource

    count = 0
    source = GitRevisionSource(mirror, commit)
    for artifact in source.inventory().files():
        target = into / artifact.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read(artifact, 0, artifact.size))
        count += 1
    return count


def find_seconds(tree: Path, repeat: int) -> float:
    cmd = ["find", str(tree), "-type", "f", "-printf", "%s %p\\n"]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mirrors", nargs="?", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--audit", default=str(REPO / ".venv" / "bin" / "audit"))
    parser.add_argument("--small", type=Path, default=REPO / "fixtures" / "releases" / "open-release")
    parser.add_argument("--synthetic", type=Path, help="also time this tree (bench/make_synthetic_release.py)")
    args = parser.parse_args(argv)
    audit = [args.audit]
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, commit {commit}")
    with tempfile.TemporaryDirectory(prefix="osaid-speed-") as scratch:
        work = Path(scratch)
        small = [*audit, str(args.small), "--fail-on", "never"]
        first = timed(small, work / "warmup-cache")  # also writes the .pyc files
        small_cold = [timed(small, fresh_cache(work, f"small-cold-{n}")) for n in range(args.repeat)]
        small_warm = [timed(small, work / "small-cold-0") for _ in range(args.repeat)]
        print(f"small release ({args.small.name}), from process start: first run {first[0]:.3f} s; "
              f"cold {median_of(small_cold)}; warm {median_of(small_warm)}")
        mirror = args.mirrors / MEGATRON[0] / "repo"
        if not mirror.is_dir():
            print(f"skipped: Megatron-LM: mirror absent ({mirror}; fetch github:NVIDIA/Megatron-LM)")
        else:
            tree = work / "megatron"
            files = export_revision(mirror, MEGATRON[1], tree)
            print(f"Megatron-LM at {MEGATRON[1][:8]}: {files:,} files, "
                  f"{sum(1 for _ in tree.rglob('*.py')):,} Python; find {find_seconds(tree, args.repeat):.3f} s")
            cold_and_warm(audit, tree, args.repeat, work, "Megatron-LM")
            print(f"Megatron-LM reports identical serial / parallel / cached: {identical_reports(audit, tree, work)}")
        if args.synthetic is not None:
            floor = find_seconds(args.synthetic, 3)
            cmd = [*audit, str(args.synthetic), "--format", "json", "--fail-on", "never"]
            cold = timed(cmd, fresh_cache(work, "synthetic-cold"))
            warm = timed(cmd, work / "synthetic-cold")
            print(f"synthetic {args.synthetic}: find {floor:.3f} s; cold {cold[0]:.2f} s ({cold[0] / floor:.0f}x, "
                  f"peak {cold[1]:.0f} MB); warm {warm[0]:.2f} s ({warm[0] / floor:.0f}x, peak {warm[1]:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
