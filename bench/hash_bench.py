"""`--verify-hashes` throughput against `sha256sum` on the same files.

    .venv/bin/python bench/hash_bench.py [DIR] [--files 8] [--mb 128]

Writes FILES files of MB MiB of random bytes (a release of weight shards) with a release.yaml
declaring their sha256, then times, each in its own process and with a warm page cache:
`sha256sum` over the files; `audit DIR --verify-hashes`; and `audit DIR` (the same audit without
hashing, to subtract). Prints MB/s for each and the ratio of the audit's hashing throughput to
sha256sum's.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / ".venv" / "bin" / "audit"


def make_release(folder: Path, files: int, megabytes: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    lines = ["name: hash-bench", "components:", "  model-parameters:"]
    for index in range(files):
        path = folder / f"model-{index + 1:05d}-of-{files:05d}.bin"
        digest = hashlib.sha256()
        with path.open("wb") as handle:
            for _ in range(megabytes):
                block = os.urandom(1 << 20)
                digest.update(block)
                handle.write(block)
        lines += [f"    - path: {path.name}", f"      sha256: {digest.hexdigest()}"]
        paths.append(path)
    (folder / "release.yaml").write_text("\n".join(lines) + "\n")
    return paths


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--mb", type=int, default=128)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="hash-bench-")) / "release"
    paths = make_release(folder, args.files, args.mb)
    total_mb = args.files * args.mb
    audit = [str(AUDIT), str(folder), "--format", "json", "--output", os.devnull, "--fail-on", "never"]
    timed(["cat", *map(str, paths)])  # warm the page cache for every run alike
    sha = timed(["sha256sum", *map(str, paths)])
    base = timed(audit)
    verify = timed([*audit, "--verify-hashes"])
    hashing = max(verify - base, 1e-9)
    print(f"files: {args.files} x {args.mb} MiB = {total_mb} MiB, {os.cpu_count()} cores")
    print(f"sha256sum: {sha:.2f} s ({total_mb / sha:.0f} MiB/s)")
    print(f"audit: {base:.2f} s; with --verify-hashes: {verify:.2f} s; hashing {hashing:.2f} s "
          f"({total_mb / hashing:.0f} MiB/s)")
    print(f"ratio (audit hashing throughput / sha256sum): {sha / hashing:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
