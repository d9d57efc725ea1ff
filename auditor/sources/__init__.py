"""Sources turn an audit target into an inventory of artifacts."""

from auditor.sources.interface import Artifact, ArtifactKind, Inventory, Source, Target

__all__ = ["Artifact", "ArtifactKind", "Inventory", "Source", "Target"]
