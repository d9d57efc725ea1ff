"""The 17 component ids of the Model Openness Framework (DOMAIN.md section 2) and their content types.

Content types decide which licence classes fit a component; the classes a checklist needs live in
the checklists themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ContentType = Literal["code", "data", "document"]


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    content: ContentType


COMPONENTS: dict[str, Component] = {
    c.id: c
    for c in (
        Component("model-architecture", "Model architecture", "code"),
        Component("model-parameters", "Model parameters (final)", "data"),
        Component("model-card", "Model card", "document"),
        Component("data-card", "Data card", "document"),
        Component("technical-report", "Technical report", "document"),
        Component("evaluation-results", "Evaluation results", "document"),
        Component("sample-outputs", "Sample model outputs", "document"),
        Component("training-code", "Training code (training, validation, testing)", "code"),
        Component("inference-code", "Inference code", "code"),
        Component("evaluation-code", "Evaluation code", "code"),
        Component("evaluation-data", "Evaluation data", "data"),
        Component("supporting-libraries", "Supporting libraries and tools", "code"),
        Component("data-preprocessing-code", "Data preprocessing code", "code"),
        Component("model-parameters-intermediate", "Model parameters (intermediate)", "data"),
        Component("datasets", "Datasets", "data"),
        Component("research-paper", "Research paper", "document"),
        Component("model-metadata", "Model metadata (training configuration, optimizer state)", "data"),
    )
}

STAND_INS: dict[str, tuple[str, ...]] = {"technical-report": ("research-paper",)}
"""MOF: a research paper may stand in for the technical report."""
