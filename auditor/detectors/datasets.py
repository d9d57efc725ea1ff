"""Datasets and evaluation data: data files in the release, and datasets it names or links to."""

from __future__ import annotations

import re
from typing import ClassVar

from auditor.description.interface import DescribedDocument, ReleaseDescription
from auditor.detectors.interface import Detection, Detector, Evidence
from auditor.sources.interface import Artifact, Inventory

DATA_SUFFIXES = frozenset({".jsonl", ".parquet", ".arrow", ".csv", ".tsv", ".tfrecord", ".ndjson"})
COMPRESSED = re.compile(r"\.(jsonl|json|csv|tsv|txt)\.(gz|zst|xz|bz2)$", re.IGNORECASE)
DATA_FOLDER = re.compile(r"(^|/)(data|datasets?|corpus|corpora|shards?)(/|$)", re.IGNORECASE)
EVAL_FOLDER = re.compile(r"(^|/)(eval|evals|evaluation|test|tests|benchmarks?|validation|dev)(/|$)",
                         re.IGNORECASE)
HUB_DATASET_URL = "https://huggingface.co/datasets/"
DATASET_ROLES = frozenset({"datasets", "evaluation-data"})


class DatasetsDetector(Detector):
    name: ClassVar[str] = "datasets"

    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection:
        detection = Detection()
        for artifact in inventory.files():
            evidence = self._data_file(artifact)
            if evidence is not None:
                detection.evidence.append(evidence)
        for described in description.documents:
            if described.links_are_evidence:
                detection.evidence += self._named(described)
        for described, link, component in description.links_for(DATASET_ROLES):
            detection.evidence.append(Evidence(component, self.name, f"dataset linked: {link.link.url}",
                                               path=described.path, line=link.link.line, url=link.link.url,
                                               strength="referenced"))
        return detection

    def _data_file(self, artifact: Artifact) -> Evidence | None:
        kind = _data_format(artifact)
        if kind is None:
            return None
        component = "evaluation-data" if EVAL_FOLDER.search(artifact.folder + "/") else "datasets"
        return Evidence(component, self.name, f"{kind} data file", path=artifact.path)

    def _named(self, described: DescribedDocument) -> list[Evidence]:
        """Datasets the card's front matter names: trained on (`datasets:`), measured on (`model-index`)."""
        document = described.document
        found: list[Evidence] = []
        names = document.front_matter.get("datasets")
        if isinstance(names, str):
            names = [names]
        if isinstance(names, list):
            line = document.front_matter_lines.get("datasets")
            for name in sorted({str(n) for n in names if isinstance(n, (str, int))}):
                found.append(Evidence("datasets", self.name, f"model card names dataset {name}",
                                      path=described.path, line=line, url=HUB_DATASET_URL + name,
                                      strength="referenced"))
        found += self._evaluation_datasets(described.path, document.front_matter,
                                           document.front_matter_lines.get("model-index"))
        return found

    def _evaluation_datasets(self, path: str, front_matter: dict, line: int | None) -> list[Evidence]:
        """Datasets that `model-index` results were measured on: the evaluation data, by reference."""
        names: set[str] = set()
        index = front_matter.get("model-index")
        for model in index if isinstance(index, list) else []:
            for result in (model.get("results") or []) if isinstance(model, dict) else []:
                dataset = result.get("dataset") if isinstance(result, dict) else None
                if isinstance(dataset, dict) and isinstance(dataset.get("type"), str):
                    names.add(dataset["type"])
        return [Evidence("evaluation-data", self.name, f"model-index evaluates on dataset {name}", path=path,
                         line=line, url=HUB_DATASET_URL + name, strength="referenced")
                for name in sorted(names)]


def _data_format(artifact: Artifact) -> str | None:
    head = artifact.head
    if artifact.suffix == ".parquet":
        return "Parquet" if head.startswith(b"PAR1") else None
    if artifact.suffix == ".arrow":
        return "Arrow" if head.startswith(b"ARROW1") or head.startswith(b"\xff\xff\xff\xff") else None
    if artifact.suffix in DATA_SUFFIXES or COMPRESSED.search(artifact.name):
        return artifact.suffix.lstrip(".") or "data"
    if artifact.suffix in (".txt", ".json") and DATA_FOLDER.search(artifact.folder + "/"):
        return artifact.suffix.lstrip(".")
    return None
