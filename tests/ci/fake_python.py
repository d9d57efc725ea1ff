"""Interpreters a CI machine may have instead of a usable Python: one too old, one whose system pip
is externally managed (PEP 668), one whose `venv` or `pip` fails. Each logs its arguments, one call
a line, so a test sees what was asked of it."""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from typing import Literal

# The interpreter the project's venv was made from: a fresh venv made with it is a real one.
REAL_PYTHON = Path(getattr(sys, "_base_executable", sys.executable))

VenvBehaviour = Literal["refused", "half-made", "pip-fails"]

_FAKE = '''#!{real}
"""Python {version} to a version check; `-m venv`: {venv}. Anything else is refused."""
import collections, os, sys
args = sys.argv[1:]
with open({log!r}, "a") as log:
    log.write(" ".join(args) + "\\n")
if args[:1] in (["--version"], ["-V"]):
    print("Python {version}")
elif args[:1] == ["-c"]:
    sys.version_info = collections.namedtuple("version_info", "major minor micro releaselevel serial")(
        {major}, {minor}, {micro}, "final", 0)
    sys.version = "{version} (fake)"
    exec(compile(args[1], "<string>", "exec"), {{"__name__": "__main__"}})
elif args[:2] == ["-m", "venv"] and {venv!r} == "half-made":
    os.makedirs(os.path.join(args[-1], "bin"))
    sys.exit("Error: ensurepip is not available (fake)")
elif args[:2] == ["-m", "venv"] and {venv!r} == "pip-fails":
    os.makedirs(os.path.join(args[-1], "bin"))
    fake = open(__file__).read().replace("'pip-fails'", "'refused'")
    with open(os.path.join(args[-1], "bin", "python"), "w") as python:
        python.write(fake)
    os.chmod(os.path.join(args[-1], "bin", "python"), 0o755)
else:
    sys.exit("fake python {version}: refused: " + " ".join(args))
'''

_EXTERNALLY_MANAGED = '''#!/bin/sh
# The system Python of a PEP 668 distribution: runs everything but installing into itself.
printf '%s %s\\n' "${{0##*/}}" "$*" >> '{log}'
if [ "$1" = -m ] && [ "$2" = pip ] || [ "${{0##*/}}" != python3 ]; then
  echo "error: externally-managed-environment (this is the system Python: use a virtual environment)" >&2
  exit 1
fi
exec '{real}' "$@"
'''


def _executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_python(path: Path, log: Path, *, version: tuple[int, int, int] = (3, 9, 18),
                venv: VenvBehaviour = "refused") -> Path:
    """An interpreter at `path` that reports `version`; what its `-m venv` does is `venv`:
    refused, a half-made folder and an error, or a venv whose own `-m pip` is refused."""
    major, minor, micro = version
    return _executable(path, _FAKE.format(real=REAL_PYTHON, log=str(log), version=f"{major}.{minor}.{micro}",
                                          major=major, minor=minor, micro=micro, venv=venv))


def externally_managed_python(bin_dir: Path, log: Path) -> None:
    """`python3`, `pip` and `pip3` in `bin_dir` as on an externally managed system: python3 runs
    the real interpreter (so `python3 -m venv` works) but refuses `-m pip`; pip refuses always."""
    for name in ("python3", "pip", "pip3"):
        _executable(bin_dir / name, _EXTERNALLY_MANAGED.format(log=log, real=REAL_PYTHON))


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []
