"""`hf://owner/name[@revision]` and `hf://datasets/owner/name[@revision]` targets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from auditor.errors import BadTargetError
from auditor.escape import printable

SCHEME = "hf://"
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")


@dataclass(frozen=True)
class HubTarget:
    repo_type: Literal["model", "dataset"]
    repo_id: str
    revision: str | None

    def __str__(self) -> str:
        prefix = "datasets/" if self.repo_type == "dataset" else ""
        return f"{SCHEME}{prefix}{self.repo_id}" + (f"@{self.revision}" if self.revision else "")

    @property
    def url_prefix(self) -> str:
        """The path segment before the repo id in Hub URLs (`datasets/` for datasets)."""
        return "datasets/" if self.repo_type == "dataset" else ""


def is_hub_target(target: str) -> bool:
    return target.startswith(SCHEME)


def parse_hub_target(target: str) -> HubTarget:
    rest = target[len(SCHEME):]
    repo_type: Literal["model", "dataset"] = "model"
    if rest.startswith("datasets/"):
        repo_type, rest = "dataset", rest[len("datasets/"):]
    elif rest.startswith("models/"):
        rest = rest[len("models/"):]
    repo_id, _, revision = rest.partition("@")
    if not _REPO_ID.match(repo_id):
        raise BadTargetError(f"{printable(target)}: expected hf://OWNER/NAME[@REVISION] or "
                             "hf://datasets/OWNER/NAME[@REVISION]")
    if "@" in rest and not revision:
        raise BadTargetError(f"{printable(target)}: empty revision after '@'")
    return HubTarget(repo_type, repo_id, revision or None)
