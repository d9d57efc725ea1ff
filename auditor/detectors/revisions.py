"""Intermediate checkpoints published as revisions: Pythia keeps each training step as a branch."""

from __future__ import annotations

from typing import ClassVar

from auditor.description.interface import ReleaseDescription
from auditor.detectors.interface import Detection, Detector, Evidence
from auditor.detectors.weights import step_in_name
from auditor.sources.interface import Inventory

MIN_STEPS = 2
SHOWN = 5


class RevisionsDetector(Detector):
    name: ClassVar[str] = "revisions"

    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection:
        steps = sorted((step, name) for name in inventory.revisions
                       if (step := step_in_name(name)) is not None)
        if len(steps) < MIN_STEPS:
            return Detection()
        names = ", ".join(name for _, name in steps[:SHOWN]) + (", ..." if len(steps) > SHOWN else "")
        base = inventory.target.location
        return Detection(evidence=[Evidence(
            "model-parameters-intermediate", self.name,
            f"{len(steps)} revisions named like training steps ({names}): checkpoints kept as branches or tags",
            url=f"{base}@{steps[0][1]}", strength="referenced",
            details=(("revisions", str(len(steps))),))])
