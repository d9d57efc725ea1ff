"""A Hub repository as far as the local Hugging Face cache holds it (`--offline`, HF_HUB_OFFLINE=1)."""

from __future__ import annotations

import os

from huggingface_hub import snapshot_download
from huggingface_hub.errors import LocalEntryNotFoundError

from auditor.errors import BadTargetError
from auditor.findings import Finding
from auditor.sources.hub_target import HubTarget
from auditor.sources.interface import Inventory, Target
from auditor.sources.local import LocalFolderSource


class HubCacheSource(LocalFolderSource):
    def __init__(self, hub_target: HubTarget) -> None:
        try:
            snapshot = snapshot_download(hub_target.repo_id, repo_type=hub_target.repo_type,
                                         revision=hub_target.revision, local_files_only=True)
        except (LocalEntryNotFoundError, FileNotFoundError, ValueError, OSError):
            raise BadTargetError(f"{hub_target}: not in the local Hugging Face cache, and offline mode "
                                 "forbids asking the Hub") from None
        # Snapshot files are links into the repo's blobs/ folder: two levels up holds both.
        repo_cache = os.path.dirname(os.path.dirname(snapshot))
        super().__init__(snapshot, link_root=repo_cache,
                         target=Target(kind="hub-cache", location=str(hub_target),
                                       revision=hub_target.revision or "main",
                                       commit=os.path.basename(snapshot)))

    def inventory(self) -> Inventory:
        inventory = super().inventory()
        inventory.findings.append(Finding(
            "", "OSAID-A014", "offline: only the files in the local cache were read; the Hub's full file "
                              "list, its branches and tags, and the datasets the card names were not checked"))
        return inventory
