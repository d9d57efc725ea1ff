"""Sources turn an audit target into an inventory of artifacts: a folder, a git revision, a Hub repo."""

from __future__ import annotations

import os

from auditor.errors import BadTargetError
from auditor.sources.interface import Artifact, ArtifactKind, Inventory, Source, Target


def open_source(target: str, revision: str | None = None, offline: bool = False,
                hub_endpoint: str | None = None) -> Source:
    """The source for a command-line target: `hf://...`, a git repository with `revision`, or a folder.
    `hub_endpoint` replaces HF_ENDPOINT (a fleet's workers use the endpoint of the fleet)."""
    from auditor.sources.hub_target import is_hub_target, parse_hub_target

    if is_hub_target(target):
        hub_target = parse_hub_target(target)
        if revision is not None:
            raise BadTargetError("give the Hub revision as hf://OWNER/NAME@REVISION, not --rev")
        if offline or os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
            from auditor.sources.hub_cache import HubCacheSource
            return HubCacheSource(hub_target)
        from auditor.sources.hub import HubSource
        return HubSource(hub_target, endpoint=hub_endpoint)
    if revision is not None:
        from auditor.sources.git import GitRevisionSource
        return GitRevisionSource(target, revision)
    from auditor.sources.local import LocalFolderSource
    return LocalFolderSource(target)


__all__ = ["Artifact", "ArtifactKind", "Inventory", "Source", "Target", "open_source"]
