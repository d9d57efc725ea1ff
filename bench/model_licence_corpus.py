"""Exports the labelled model licence corpus (issue 12) from local git mirrors into a cache.

    .venv/bin/python bench/model_licence_corpus.py [--labels FILE] [--mirrors DIR] [--cache DIR]

Every text listed in bench/model_licence_labels.yaml names a public repository, a commit and a path
(and, for terms stated in a README, the `excerpt` line range of that file). The text is read from
the repository's mirror, a bare git directory at <mirrors>/<owner>+<name>/repo as `fetch
github:<owner>/<name>` leaves it, with `git cat-file blob COMMIT:PATH` (no work tree, no filters,
no hooks: nothing from the mirror runs), decoded as UTF-8, its line endings normalised to "\\n",
and written to <cache>/<id>.txt. The labels' line numbers count "\\n" only, in that exported text;
its sha256 must be the one the labels record, or the labels would point at the wrong lines.

The texts are other parties' licences: they stay in the cache, outside git, and are never committed.
A text whose mirror is absent is skipped with one `skipped: <id>: mirror absent (fetch
github:OWNER/NAME)` line; the exit code is then still 0. A run writes only the files whose content
changed, so running it again changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
DEFAULT_LABELS = BENCH / "model_licence_labels.yaml"
DEFAULT_MIRRORS = Path("/work/.mirror")
DEFAULT_CACHE = Path.home() / ".cache" / "osaid-audit-bench" / "model-licences"
MAX_TEXT_BYTES = 1 << 20  # the longest model licence is about 40 KB
COMMIT = re.compile(r"^[0-9a-f]{40}$")
REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
# git reads no system or global configuration and asks for nothing: only the blob is wanted.
GIT_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0", "GIT_NO_REPLACE_OBJECTS": "1",
           "LC_ALL": "C"}


@dataclass(frozen=True)
class Source:
    """Where one labelled text comes from."""

    id: str
    repo: str
    commit: str
    path: str
    sha256: str
    excerpt: tuple[int, int] | None  # 1-based inclusive line range of the file, for README terms

    def mirror(self, mirrors: Path) -> Path:
        return mirrors / self.repo.replace("/", "+") / "repo"


class ExportError(Exception):
    """A mirror that is present but does not give the labelled text."""


def load_sources(labels: Path) -> list[Source]:
    document = yaml.safe_load(labels.read_text(encoding="utf-8"))
    sources = []
    for text in document["texts"]:
        excerpt = text.get("excerpt")
        source = Source(text["id"], text["repo"], text["commit"], text["path"], text["sha256"],
                        (int(excerpt[0]), int(excerpt[1])) if excerpt else None)
        if not (COMMIT.match(source.commit) and REPO.match(source.repo) and re.fullmatch(r"[a-z0-9.+-]+", source.id)):
            raise ExportError(f"{source.id}: malformed id, repo or commit in {labels}")
        sources.append(source)
    return sources


def normalise(data: bytes) -> str:
    """UTF-8 text (a leading BOM dropped) with "\\r\\n" and lone "\\r" turned into "\\n"."""
    return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def line_count(text: str) -> int:
    """Lines counted the way the labels count them: "\\n" ends a line, a last unterminated line counts."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def excerpt_lines(text: str, first: int, last: int) -> str:
    lines = text.split("\n")
    if not 1 <= first <= last <= len(lines):
        raise ExportError(f"excerpt {first}-{last} is outside the file's {len(lines)} lines")
    return "\n".join(lines[first - 1:last]) + "\n"


def read_blob(source: Source, mirror: Path) -> bytes:
    spec = f"{source.commit}:{source.path}"
    size = subprocess.run(["git", "--git-dir", str(mirror), "cat-file", "-s", spec], capture_output=True,
                          env=GIT_ENV, timeout=60)
    if size.returncode != 0:
        raise ExportError(f"{spec} not in the mirror (fetch github:{source.repo} again)")
    if int(size.stdout) > MAX_TEXT_BYTES:
        raise ExportError(f"{spec} is {int(size.stdout)} bytes, more than a licence text")
    blob = subprocess.run(["git", "--git-dir", str(mirror), "cat-file", "blob", spec], capture_output=True,
                          env=GIT_ENV, timeout=60)
    if blob.returncode != 0:
        raise ExportError(f"{spec} could not be read: {blob.stderr.decode(errors='replace').strip()}")
    return blob.stdout


def export_text(source: Source, mirror: Path) -> str:
    try:
        text = normalise(read_blob(source, mirror))
    except UnicodeDecodeError as error:
        raise ExportError(f"{source.commit}:{source.path} is not UTF-8 ({error.reason})") from None
    return excerpt_lines(text, *source.excerpt) if source.excerpt else text


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as temporary:
        temporary.write(data)
    os.replace(temporary.name, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS,
                        help="folder of <owner>+<name>/repo git directories (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="default: %(default)s")
    args = parser.parse_args(argv)
    try:
        sources = load_sources(args.labels)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ExportError) as error:
        print(f"error: cannot read {args.labels}: {error}", file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    written = unchanged = skipped = failed = 0
    for source in sources:
        mirror = source.mirror(args.mirrors)
        if not mirror.is_dir():
            print(f"skipped: {source.id}: mirror absent (fetch github:{source.repo})")
            skipped += 1
            continue
        try:
            text = export_text(source, mirror)
        except (ExportError, subprocess.TimeoutExpired) as error:
            print(f"error: {source.id}: {error}", file=sys.stderr)
            failed += 1
            continue
        if sha256(text) != source.sha256:
            print(f"error: {source.id}: the exported text has sha256 {sha256(text)}, the labels were made on "
                  f"{source.sha256}", file=sys.stderr)
            failed += 1
            continue
        if write_if_changed(args.cache / f"{source.id}.txt", text):
            written += 1
        else:
            unchanged += 1
    print(f"model licences: {len(sources)} texts, {written} written, {unchanged} unchanged, {skipped} skipped, "
          f"{failed} failed; cache: {args.cache}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
