"""Where the data files shipped with the auditor live (checklists, schemas, licence and finding data)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def bundled_dir(name: str) -> Path:
    """The folder of a top-level data directory (`checklists`, `schemas`).

    In a source checkout or editable install they sit beside the package; in a wheel they are
    copied under `auditor/_bundled/`.
    """
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_bundled" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled data folder {name!r} not found next to {_PACKAGE}")


def package_data(name: str) -> Path:
    """A data file that lives inside the package (`auditor/data/`)."""
    return _PACKAGE / "data" / name
