#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Time `audit` on a large release against `find`, and on a small release from process start.

    .venv/bin/python bench/run_bench.py /tmp/synth [--repeat 3] [--json results.json]

Runs, each as a separate child process, with wall time from time.perf_counter() around the run:
1. `find DIR -type f -printf '%s %p\\n' > /dev/null`: the floor for listing the release;
2. `audit DIR --format json --fail-on never --no-cache` (stdout discarded; no per-file cache, so
   repeated runs stay cold);
3. `audit fixtures/releases/open-release --fail-on never` (stdout discarded): small-release wall
   time, interpreter start-up included.
Peak memory is the child's own ru_maxrss, read with os.wait4() on that child's pid (Linux: KiB).

Only the command line is used, never the auditor's internals. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx", ".h5", ".npz", ".npy")


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    exit_code: int
    stderr_tail: str


def run(cmd: list[str], stdout_to_devnull: bool = True) -> Run:
    """Run cmd once; wall time and the peak RSS of that very child (not of earlier children)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL if stdout_to_devnull else None, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # we reaped it; tell Popen
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    rss_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return Run(seconds, rss_kib / 1024, proc.returncode, tail)


def best(cmd: list[str], repeat: int) -> tuple[Run, list[float]]:
    """Run repeat times; return the run with the median time and all times."""
    runs = [run(cmd) for _ in range(repeat)]
    times = [r.seconds for r in runs]
    median = statistics.median(times)
    chosen = min(runs, key=lambda r: abs(r.seconds - median))
    chosen.max_rss_mb = max(r.max_rss_mb for r in runs)
    return chosen, times


def survey(root: Path) -> tuple[int, int]:
    """Number of regular files and apparent bytes of weight files (not timed)."""
    files = weights = 0
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files += 1
                    if entry.name.endswith(WEIGHT_SUFFIXES):
                        weights += entry.stat(follow_symlinks=False).st_size
    return files, weights


def check(name: str, r: Run) -> None:
    if r.exit_code != 0:
        print(f"warning: {name} exited with {r.exit_code}; stderr ends with:\n{r.stderr_tail}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir", type=Path, help="a large release, e.g. from bench/make_synthetic_release.py")
    p.add_argument("--audit", default=str(REPO / ".venv/bin/audit"), help="the audit executable")
    p.add_argument("--small", type=Path, default=REPO / "fixtures/releases/open-release",
                   help="the small release timed from process start")
    p.add_argument("--repeat", type=int, default=1, help="runs of find and the large audit (median kept)")
    p.add_argument("--small-repeat", type=int, default=5, help="runs of the small audit (median kept)")
    p.add_argument("--no-warmup", action="store_true", help="skip the untimed find that warms the cache")
    p.add_argument("--json", type=Path, help="also write the figures here")
    args = p.parse_args(argv)

    if not args.dir.is_dir():
        p.error(f"{args.dir} is not a folder")
    if not Path(args.audit).exists():
        p.error(f"{args.audit} not found (install the project into .venv, or pass --audit)")

    files, weight_bytes = survey(args.dir)
    find_cmd = ["find", str(args.dir), "-type", "f", "-printf", "%s %p\\n"]
    audit_cmd = [args.audit, str(args.dir), "--format", "json", "--fail-on", "never", "--no-cache"]
    small_cmd = [args.audit, str(args.small), "--fail-on", "never"]

    if not args.no_warmup:  # both timed commands then see the same warm dentry and page cache
        run(find_cmd)
    find_run, find_times = best(find_cmd, args.repeat)
    audit_run, audit_times = best(audit_cmd, args.repeat)
    small_run, small_times = best(small_cmd, args.small_repeat)
    check("find", find_run)
    check("audit (large)", audit_run)
    check("audit (small)", small_run)

    ratio = audit_run.seconds / find_run.seconds if find_run.seconds > 0 else float("inf")
    header = ["files", "weights GB", "find s", "audit s", "ratio", "audit peak RSS MB", "small audit s"]
    row = [f"{files}", f"{weight_bytes / 1e9:.2f}", f"{find_run.seconds:.3f}", f"{audit_run.seconds:.3f}",
           f"{ratio:.1f}", f"{audit_run.max_rss_mb:.1f}", f"{small_run.seconds:.3f}"]
    widths = [max(len(h), len(c)) for h, c in zip(header, row, strict=False)]
    print("| " + " | ".join(h.rjust(w) for h, w in zip(header, widths, strict=False)) + " |")
    print("|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    print("| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=False)) + " |")
    print(f"\nsmall release: {args.small} (median of {args.small_repeat}, "
          f"peak RSS {small_run.max_rss_mb:.1f} MB); find/audit runs: {args.repeat}")

    if args.json:
        args.json.write_text(json.dumps({
            "dir": str(args.dir), "files": files, "weights_bytes": weight_bytes,
            "find": {**asdict(find_run), "all_seconds": find_times},
            "audit": {**asdict(audit_run), "all_seconds": audit_times, "command": audit_cmd},
            "small_audit": {**asdict(small_run), "all_seconds": small_times, "command": small_cmd},
            "ratio": ratio, "python": sys.version.split()[0], "platform": sys.platform,
            "cpu_count": os.cpu_count(),
        }, indent=2) + "\n")
    return 0 if all(r.exit_code == 0 for r in (find_run, audit_run, small_run)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
