"""Builds the corpus of real-world licence files for bench/licence_accuracy_real.py (issue 11).

    .venv/bin/python bench/licence_corpus.py [--ecosystem pypi|npm] [--cache DIR] [--limit N] [--jobs 4]
    .venv/bin/python bench/licence_corpus.py --install-scancode [--scancode-venv DIR]

PyPI: for each name in bench/pypi-top-packages.txt, `pip download --no-deps --only-binary=:all:`
fetches the wheel this interpreter would install; every licence file of its `.dist-info` (all of
`licenses/`, every `License-File:` of METADATA, and any LICENSE*, LICENCE*, COPYING*, NOTICE*,
AUTHORS* in it) is copied to <cache>/pypi/files/<name>-<version>/<path in wheel>, and METADATA
gives the declared licence (bench/licence_truth.py). npm (bench/npm-top-packages.txt): `npm pack
NAME --ignore-scripts` fetches the tarball; the licence files at the package's root are copied, and
package.json's `license` is the truth.

Each package's result is kept in <cache>/<ecosystem>/packages/<name>.json, so a second run fetches
only what is missing (failures are tried again). manifest.json and manifest.tsv list every file:
package, version, path in the archive, sha256, role (licence or notice), declared expression(s) and
where the truth comes from. Archives are deleted once read unless --keep-archives. Nothing from a
package is run or imported: wheels and tarballs are only read as archives.

--install-scancode puts ScanCode Toolkit in a venv of its own (never a project dependency):
`python3 -m venv`, then `pip install scancode-toolkit-mini`, or scancode-toolkit if the mini one
cannot be downloaded here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from licence_truth import Truth, load_classifier_map, npm_truth, read_metadata

BENCH = Path(__file__).resolve().parent
BENCH_CACHE = Path.home() / ".cache" / "osaid-audit-bench"
DEFAULT_CACHE = BENCH_CACHE / "licence-corpus"
DEFAULT_SCANCODE_VENV = BENCH_CACHE / "scancode-venv"
NAME_LISTS = {"pypi": BENCH / "pypi-top-packages.txt", "npm": BENCH / "npm-top-packages.txt"}
LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|notice|authors)", re.IGNORECASE)
NOTICE_NAME = re.compile(r"^(notice|authors|contributors)", re.IGNORECASE)
MAX_FILE_BYTES = 1 << 20  # a licence file is a few KB; anything past 1 MiB is not one
MANIFEST_COLUMNS = ("package", "version", "path", "sha256", "role", "bundled", "declared", "truth_source", "truth",
                    "file")


@dataclass(frozen=True)
class LicenceFile:
    package: str
    version: str
    path: str  # inside the wheel or tarball
    file: str  # under the ecosystem's corpus folder
    sha256: str
    role: str  # "licence", or "notice" for NOTICE/AUTHORS files (attribution, not a licence)
    declared: tuple[str, ...]  # alternative SPDX expressions; empty when the truth is unknown
    truth_source: str | None

    @property
    def truth(self) -> str:
        return "known" if self.declared else "unknown"

    @property
    def bundled(self) -> bool:
        return is_bundled(self.path)


@dataclass(frozen=True)
class PackageRecord:
    name: str
    status: str  # "ok", "no archive" (e.g. no wheel for this platform) or "error"
    version: str = ""
    detail: str = ""
    files: tuple[LicenceFile, ...] = ()


def names(ecosystem: str) -> list[str]:
    lines = NAME_LISTS[ecosystem].read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def is_bundled(path: str) -> bool:
    """Below a sub-folder of the licence folder (`licenses/src/pip/_vendor/idna/LICENSE.md`,
    `licenses/third_party/...`): the licence of bundled code, not the package's own file."""
    parts = path.split("/")[1:]  # below .dist-info/ or the tarball's root
    return len(parts[1:] if parts[:1] == ["licenses"] else parts) > 1


def file_role(path: str) -> str:
    return "notice" if NOTICE_NAME.match(PurePosixPath(path).name) else "licence"


def wheel_licence_members(members: list[str], license_files: list[str]) -> list[str]:
    """The licence files of a wheel's .dist-info, by folder, by `License-File:` and by name."""
    dist_infos = sorted({m.split("/", 1)[0] for m in members if "/" in m and m.split("/", 1)[0].endswith(".dist-info")})
    if not dist_infos:
        return []
    prefix = dist_infos[0] + "/"
    listed = {prefix + "licenses/" + f for f in license_files} | {prefix + f for f in license_files}
    return [m for m in members if m.startswith(prefix) and not m.endswith("/") and (
        m.startswith(prefix + "licenses/") or m in listed or LICENCE_NAME.match(PurePosixPath(m).name))]


def npm_licence_members(members: list[str]) -> list[str]:
    """The licence files at an npm tarball's package root (`package/LICENSE`, ...)."""
    return [m for m in members if m.count("/") == 1 and LICENCE_NAME.match(PurePosixPath(m).name)]


def _safe_relative(path: str) -> PurePosixPath | None:
    """A member path that stays under its folder when joined (no absolute path, no `..`)."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return pure


def _keep(folder: Path, corpus: Path, package: str, version: str, path: str, data: bytes,
          truth: Truth) -> LicenceFile | None:
    relative = _safe_relative(path)
    if relative is None or b"\x00" in data[:8192]:
        return None  # not a name that can be written safely, or not a text
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return LicenceFile(package, version, path, str(target.relative_to(corpus)), hashlib.sha256(data).hexdigest(),
                       file_role(path), truth.declared, truth.source)


def _slug(name: str) -> str:
    return name.replace("/", "+")


def _fetch(command: list[str], folder: Path, suffix: str) -> tuple[Path | None, str]:
    done = subprocess.run(command, cwd=folder, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=900)
    archives = sorted(folder.glob(f"*{suffix}"))
    if done.returncode != 0 or len(archives) != 1:
        tail = (done.stderr.strip().splitlines() or ["no archive"])[-1]
        return None, tail[:300]
    return archives[0], ""


def pypi_package(name: str, corpus: Path, classifiers: dict[str, tuple[str, ...]],
                 keep_archives: bool) -> PackageRecord:
    with tempfile.TemporaryDirectory(dir=corpus) as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
                   "--disable-pip-version-check", "--dest", tmp, name]
        wheel, detail = _fetch(command, Path(tmp), ".whl")
        if wheel is None:
            return PackageRecord(name, "no archive", detail=detail)
        record = read_wheel(wheel, name, corpus, classifiers)
        if keep_archives:
            shutil.move(wheel, corpus / "archives" / wheel.name)
    return record


def read_wheel(wheel: Path, name: str, corpus: Path, classifiers: dict[str, tuple[str, ...]]) -> PackageRecord:
    with zipfile.ZipFile(wheel) as archive:
        members = archive.namelist()
        metadata_name = next((m for m in members if m.count("/") == 1 and m.endswith(".dist-info/METADATA")), None)
        if metadata_name is None:
            return PackageRecord(name, "error", detail="wheel without .dist-info/METADATA")
        metadata = read_metadata(archive.read(metadata_name).decode("utf-8", "replace"), classifiers)
        folder = corpus / "files" / f"{_slug(name)}-{metadata.version}"
        files = [_keep(folder, corpus, name, metadata.version, m, archive.read(m), metadata.truth)
                 for m in wheel_licence_members(members, metadata.license_files)
                 if archive.getinfo(m).file_size <= MAX_FILE_BYTES]
    return PackageRecord(name, "ok", metadata.version, wheel.name, tuple(f for f in files if f is not None))


def npm_package(name: str, corpus: Path, keep_archives: bool) -> PackageRecord:
    with tempfile.TemporaryDirectory(dir=corpus) as tmp:
        tarball, detail = _fetch(["npm", "pack", name, "--ignore-scripts", "--silent"], Path(tmp), ".tgz")
        if tarball is None:
            return PackageRecord(name, "no archive", detail=detail)
        record = read_npm_tarball(tarball, name, corpus)
        if keep_archives:
            shutil.move(tarball, corpus / "archives" / tarball.name)
    return record


def read_npm_tarball(tarball: Path, name: str, corpus: Path) -> PackageRecord:
    with tarfile.open(tarball, "r:gz") as archive:
        regular = {m.name.removeprefix("./"): m for m in archive.getmembers()
                   if m.isfile() and m.size <= MAX_FILE_BYTES}
        # The root is "package/" for almost every tarball; a few older ones use another name.
        root = min((m.split("/")[0] for m in regular if m.count("/") == 1 and m.endswith("/package.json")),
                   default="package")
        package_json = regular.get(f"{root}/package.json")
        try:
            manifest = json.loads(archive.extractfile(package_json).read()) if package_json else {}
        except (ValueError, UnicodeDecodeError):
            manifest = {}
        if not isinstance(manifest, dict):
            manifest = {}
        truth, version = npm_truth(manifest), str(manifest.get("version", "0"))
        folder = corpus / "files" / f"{_slug(name)}-{version}"
        files = [_keep(folder, corpus, name, version, m, archive.extractfile(regular[m]).read(), truth)
                 for m in npm_licence_members(sorted(m for m in regular if m.startswith(root + "/")))]
    return PackageRecord(name, "ok", version, tarball.name, tuple(f for f in files if f is not None))


def _record_path(corpus: Path, name: str) -> Path:
    return corpus / "packages" / f"{_slug(name)}.json"


def _load_record(path: Path) -> PackageRecord | None:
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = tuple(LicenceFile(**{**f, "declared": tuple(f["declared"])}) for f in raw.pop("files"))
        return PackageRecord(**raw, files=files)
    except (ValueError, TypeError, KeyError):
        return None  # not a record this script wrote: fetch the package again


def _save_record(path: Path, record: PackageRecord) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(record), indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)  # a run stopped half-way leaves no half-written record


def build(ecosystem: str, corpus: Path, limit: int, jobs: int, keep_archives: bool) -> list[PackageRecord]:
    for folder in ("packages", "files", "archives"):
        (corpus / folder).mkdir(parents=True, exist_ok=True)
    classifiers = load_classifier_map()
    wanted = names(ecosystem)[:limit]

    def one(name: str) -> PackageRecord:
        path = _record_path(corpus, name)
        cached = _load_record(path)
        if cached is not None and cached.status == "ok" and all((corpus / f.file).is_file() for f in cached.files):
            return cached
        try:
            record = (pypi_package(name, corpus, classifiers, keep_archives) if ecosystem == "pypi"
                      else npm_package(name, corpus, keep_archives))
        except (OSError, ValueError, zipfile.BadZipFile, tarfile.TarError, subprocess.TimeoutExpired) as error:
            record = PackageRecord(name, "error", detail=f"{type(error).__name__}: {error}"[:300])
        _save_record(path, record)
        print(f"{name}: {record.status} {record.version} {len(record.files)} files {record.detail}".rstrip(),
              file=sys.stderr, flush=True)
        return record

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, wanted))


def write_manifest(ecosystem: str, corpus: Path, records: list[PackageRecord]) -> list[LicenceFile]:
    files = [f for r in records for f in sorted(r.files, key=lambda f: f.path)]
    manifest = {"ecosystem": ecosystem, "name_list": str(NAME_LISTS[ecosystem].relative_to(BENCH.parent)),
                "packages": [{"name": r.name, "status": r.status, "version": r.version, "detail": r.detail,
                              "files": len(r.files)} for r in records],
                "files": [{**asdict(f), "truth": f.truth, "bundled": f.bundled} for f in files]}
    (corpus / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    rows = ["\t".join(MANIFEST_COLUMNS)]
    for f in files:
        values = {**asdict(f), "declared": " | ".join(f.declared), "truth_source": f.truth_source or "",
                  "truth": f.truth, "bundled": "yes" if f.bundled else "no"}
        rows.append("\t".join(str(values[c]) for c in MANIFEST_COLUMNS))
    (corpus / "manifest.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return files


def _scancode_runs(scancode: Path) -> bool:
    return scancode.is_file() and subprocess.run([str(scancode), "--version"], stdin=subprocess.DEVNULL,
                                                 capture_output=True).returncode == 0


def install_scancode(venv: Path) -> int:
    scancode = venv / "bin" / "scancode"
    if _scancode_runs(scancode):
        print(f"ScanCode already installed: {scancode}")
        return 0
    python3 = shutil.which("python3") or sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        available = [p for p in ("scancode-toolkit-mini", "scancode-toolkit") if subprocess.run(
            [python3, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", tmp, p],
            stdin=subprocess.DEVNULL, capture_output=True).returncode == 0]
    if not available:
        print("neither scancode-toolkit-mini nor scancode-toolkit can be downloaded here", file=sys.stderr)
        return 2
    venv.parent.mkdir(parents=True, exist_ok=True)
    # ScanCode 32.5 declares its plugin hookspecs on classes, which pluggy 1.6 and later no longer find.
    for command in ([python3, "-m", "venv", str(venv)],
                    [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", available[0], "pluggy<1.6"]):
        if subprocess.run(command, stdin=subprocess.DEVNULL).returncode != 0:
            print(f"failed: {' '.join(command)}", file=sys.stderr)
            return 2
    if not _scancode_runs(scancode):
        print(f"installed, but `{scancode} --version` fails", file=sys.stderr)
        return 2
    print(f"ScanCode installed ({available[0]}): {scancode}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ecosystem", choices=sorted(NAME_LISTS), default="pypi")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"corpus folder (default {DEFAULT_CACHE})")
    parser.add_argument("--limit", type=int, default=400, help="the first N names of the list")
    parser.add_argument("--jobs", type=int, default=4, help="downloads at once")
    parser.add_argument("--keep-archives", action="store_true", help="keep the wheels/tarballs under archives/")
    parser.add_argument("--install-scancode", action="store_true", help="install ScanCode in its own venv and exit")
    parser.add_argument("--scancode-venv", type=Path, default=DEFAULT_SCANCODE_VENV)
    args = parser.parse_args(argv)
    if args.install_scancode:
        return install_scancode(args.scancode_venv)
    corpus = args.cache / args.ecosystem
    start = time.perf_counter()
    records = build(args.ecosystem, corpus, args.limit, args.jobs, args.keep_archives)
    files = write_manifest(args.ecosystem, corpus, records)
    statuses = {s: sum(r.status == s for r in records) for s in ("ok", "no archive", "error")}
    print(f"{args.ecosystem}: {len(records)} packages ({statuses['ok']} fetched, {statuses['no archive']} without "
          f"an archive, {statuses['error']} errors); {len(files)} licence files ({len({f.sha256 for f in files})} "
          f"distinct), {sum(f.truth == 'known' for f in files)} with a known declared licence; "
          f"{sum(f.role == 'notice' for f in files)} notice files, {sum(f.bundled for f in files)} of bundled code; "
          f"manifest: {corpus / 'manifest.tsv'}; "
          f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
