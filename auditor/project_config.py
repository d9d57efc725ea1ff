"""A release's own settings for its audit: `.osaid-audit.toml`, else the `[tool.osaid-audit]` table of
its `pyproject.toml`, at the top of the release.

A lab gating its release in CI keeps the gate's settings with the code: the checklist, the
`fail-on` level, the report format and a waivers file. Command-line flags win over them, and
`--isolated` ignores them. What a release may set is kept to what cannot reach outside it: a
bundled checklist by name (not a file path), a waivers file inside the release, a format name
(not an output path), so a hostile release can lower its own gate, which the report then says, but
never make the auditor read or write elsewhere.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from auditor.errors import BadProjectConfigError
from auditor.escape import printable
from auditor.sources.interface import Inventory

CONFIG_FILE = ".osaid-audit.toml"
PYPROJECT = "pyproject.toml"
KEYS = ("checklist", "fail-on", "format", "waivers")


@dataclass(frozen=True)
class ProjectConfig:
    where: str | None = None
    """The file (and table) the settings came from; None when the release has none."""
    checklist: str | None = None
    fail_on: str | None = None
    format: str | None = None
    waivers: str | None = None
    """A path inside the release."""

    def described(self) -> str:
        settings = [f"{key}={value}" for key, value in (("checklist", self.checklist), ("fail-on", self.fail_on),
                                                         ("format", self.format), ("waivers", self.waivers))
                    if value is not None]
        return f"{self.where}: {', '.join(settings)}" if settings else ""


def read_project_config(inventory: Inventory, checklists: list[str], formats: tuple[str, ...],
                        fail_on: tuple[str, ...]) -> ProjectConfig:
    """The release's settings; each value checked against what the command line would accept."""
    own = inventory.get(CONFIG_FILE)
    pyproject = inventory.get(PYPROJECT)
    if own is not None:
        table, where = _toml(own.text, CONFIG_FILE), CONFIG_FILE
    elif pyproject is not None:
        tool = _toml(pyproject.text, PYPROJECT).get("tool")
        table = tool.get("osaid-audit") if isinstance(tool, dict) else None
        if table is None:
            return ProjectConfig()
        where = f"{PYPROJECT} [tool.osaid-audit]"
    else:
        return ProjectConfig()
    if not isinstance(table, dict):
        raise BadProjectConfigError(f"{where}: not a table of settings")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise BadProjectConfigError(f"{where}: unknown setting {printable(unknown[0])!r} "
                                    f"(known: {', '.join(KEYS)})")
    config = ProjectConfig(where, _choice(table, "checklist", checklists, where),
                           _choice(table, "fail-on", list(fail_on), where),
                           _choice(table, "format", list(formats), where), _string(table, "waivers", where))
    if config.waivers is not None and inventory.get(config.waivers) is None:
        raise BadProjectConfigError(f"{where}: waivers {printable(config.waivers)!r} is not a file of the release")
    return config


def _toml(text: str | None, shown: str) -> dict[str, Any]:
    if text is None:
        raise BadProjectConfigError(f"{shown}: not a readable text file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadProjectConfigError(f"{shown}: not TOML ({printable(str(error))})") from None


def _string(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise BadProjectConfigError(f"{where}: {key} must be a string")
    return value


def _choice(table: dict[str, Any], key: str, allowed: list[str], where: str) -> str | None:
    value = _string(table, key, where)
    if value is not None and value not in allowed:
        raise BadProjectConfigError(f"{where}: {key} {printable(value)!r} is not one of {', '.join(allowed)}")
    return value
