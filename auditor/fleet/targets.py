"""The targets of a fleet audit: a targets file, or the Hub's models listed by downloads.

A targets file holds one target per line, as on the command line: a folder, `hf://OWNER/NAME[@REV]`,
or a git repository followed by `--rev REV`. Blank lines and lines starting with `#` are skipped. A
folder is read relative to the file's own folder. Targets that name the same release (the same
folder however spelled, the same Hub repo and revision, `@main` or not) collapse to the first.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import BadTargetError
from auditor.escape import printable
from auditor.sources.hub_target import is_hub_target, parse_hub_target

MAX_TARGETS = 1_000_000
"""Lines read from a targets file: a census of the whole Hub fits, a runaway file does not."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""A million targets of a hundred characters each, with room to spare."""


@dataclass(frozen=True, order=True)
class FleetTarget:
    location: str
    """A resolved folder path or an `hf://` target, as stored in the database."""
    rev: str | None = None
    """A git revision (`--rev`); a Hub revision is part of `location`."""
    listed_revision: str | None = field(default=None, compare=False)
    """The commit the Hub listed it at (`--hub-top`): a rerun skips it without asking again."""

    def __str__(self) -> str:
        return self.location + (f" --rev {self.rev}" if self.rev else "")


def read_targets_file(path: Path) -> list[FleetTarget]:
    shown = printable(str(path))
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise BadTargetError(f"{shown}: cannot read the targets file ({error.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise BadTargetError(f"{shown}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    lines = data.decode("utf-8", errors="replace").splitlines()
    if len(lines) > MAX_TARGETS:
        raise BadTargetError(f"{shown}: more than {MAX_TARGETS:,} lines")
    targets = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            targets.append(_parse_line(line, path.parent, f"{shown}:{number}"))
    return collapse(targets)


def collapse(targets: list[FleetTarget]) -> list[FleetTarget]:
    """The targets in order, each release once."""
    return list(dict.fromkeys(targets))


def hub_target(repo_id: str, commit: str | None = None) -> FleetTarget:
    return FleetTarget(f"hf://{repo_id}", listed_revision=commit if isinstance(commit, str) else None)


def _parse_line(line: str, base: Path, where: str) -> FleetTarget:
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise BadTargetError(f"{where}: {error}") from None
    rev = None
    if len(words) == 3 and words[1] == "--rev":
        rev = words[2]
    elif len(words) != 1:
        raise BadTargetError(f"{where}: expected TARGET or TARGET --rev REV, got {printable(line.strip())!r}")
    spec = words[0]
    if is_hub_target(spec):
        if rev is not None:
            raise BadTargetError(f"{where}: give the Hub revision as hf://OWNER/NAME@REVISION, not --rev")
        try:
            return FleetTarget(_without_main(str(parse_hub_target(spec))))
        except BadTargetError as error:
            raise BadTargetError(f"{where}: {error}") from None
    return FleetTarget(str((base / spec).resolve()), rev)


def _without_main(target: str) -> str:
    """`hf://x/y@main` is `hf://x/y`: a Hub repo's default branch is `main`."""
    return target.removesuffix("@main")
