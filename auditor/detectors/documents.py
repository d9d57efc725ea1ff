"""Documents: model card, data card, technical report, research paper, evaluation results, samples.

A document counts when its content looks like what its name says: a README is a model card only
with Hub front matter or the usual model-card sections; a PDF only with the PDF signature.
"""

from __future__ import annotations

import re
from typing import ClassVar

from auditor.artifacts.markdown_document import MarkdownDocument
from auditor.description.documents import DATA_CARD_NAME, EVAL_NAME, MODEL_CARD_NAME, PAPER_NAME, REPORT_NAME
from auditor.description.interface import DescribedDocument, ReleaseDescription
from auditor.detectors.interface import Detection, Detector, DetectorSettings, Evidence
from auditor.findings import Finding
from auditor.sources.interface import Artifact, Inventory

MODEL_CARD_KEYS = frozenset({"license", "license_name", "datasets", "base_model", "library_name",
                             "pipeline_tag", "model-index", "tags", "language", "model_name", "widget"})
MODEL_CARD_SECTION = re.compile(
    r"model (details|description|summary|overview|architecture)|intended use|^uses?$|out-of-scope|"
    r"training (data|procedure|details)|evaluation|limitations|bias|risks|how to (get started|use)|"
    r"citation|environmental impact|hardware", re.IGNORECASE)

DATA_CARD_KEYS = frozenset({"source_datasets", "annotations_creators", "size_categories",
                            "task_categories", "configs", "dataset_info", "language_creators"})

EVAL_SUFFIXES = frozenset({".json", ".jsonl", ".csv", ".tsv", ".md", ".yaml", ".yml", ".txt"})
EVAL_SECTION = re.compile(r"evaluation|results|benchmark|performance", re.IGNORECASE)
NUMBER = re.compile(r"(?<!\d)\d+(?:\.\d+|%)")  # anchored: no quadratic retries along a run of digits

SAMPLE_PATH = re.compile(r"(^|/)(samples|generations?|sample[_-]?outputs?|example[_-]?outputs?)(/|\.|$)|"
                         r"sample[_-]?outputs?|generations", re.IGNORECASE)


class DocumentsDetector(Detector):
    name: ClassVar[str] = "documents"

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        super().__init__(settings)
        self._malformed: list[Finding] = []

    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection:
        detection = Detection()
        for artifact in inventory.files():
            for evidence in self._classify(artifact, description.document(artifact.path)):
                detection.evidence.append(evidence)
        detection.findings += self._malformed
        return detection

    def _classify(self, artifact: Artifact, described: DescribedDocument | None) -> list[Evidence]:
        found: list[Evidence] = []
        is_pdf = artifact.suffix == ".pdf" and artifact.head.startswith(b"%PDF")
        document = described.document if described is not None else None
        if document is not None:
            if document.front_matter_error:
                self._malformed.append(Finding(artifact.path, "OSAID-A012",
                                               f"front matter ignored: {document.front_matter_error}", line=1))
            found += _model_card(artifact, document)
            found += _data_card(artifact, document)
            found += _evaluation_sections(artifact, document)
        if document is not None or is_pdf:
            kind = "PDF" if is_pdf else "document"
            if REPORT_NAME.search(artifact.name) or (document and _titled(document, REPORT_NAME)):
                found.append(Evidence("technical-report", self.name, f"technical report ({kind})",
                                      path=artifact.path))
            elif PAPER_NAME.search(artifact.name):
                found.append(Evidence("research-paper", self.name, f"research paper ({kind})",
                                      path=artifact.path))
        if described is not None:
            found += _papers_linked(described)
        if (artifact.suffix in EVAL_SUFFIXES and EVAL_NAME.search(artifact.path)
                and not MODEL_CARD_NAME.match(artifact.name) and _has_numbers(artifact)):
            found.append(Evidence("evaluation-results", self.name, "evaluation results file",
                                  path=artifact.path))
        if SAMPLE_PATH.search(artifact.path) and artifact.size > 0:
            found.append(Evidence("sample-outputs", self.name, "sample model outputs", path=artifact.path))
        return found


def _papers_linked(described: DescribedDocument) -> list[Evidence]:
    found = []
    for link in described.links:
        if "research-paper" in link.roles:
            # The section tells whether the paper is cited for its data (see data_information).
            holder = described.document.section_at(link.link.line)
            found.append(Evidence("research-paper", DocumentsDetector.name, f"paper linked: {link.link.url}",
                                  path=described.path, line=link.link.line, url=link.link.url,
                                  strength="referenced",
                                  details=(("section", holder.title if holder else ""),
                                           ("level", str(holder.level if holder else 0)))))
    return found


def _model_card(artifact: Artifact, document: MarkdownDocument) -> list[Evidence]:
    if not MODEL_CARD_NAME.match(artifact.name) or _is_dataset_card(document):
        return []
    keys = sorted(MODEL_CARD_KEYS & document.front_matter.keys())
    sections = [s.title for s in document.sections if MODEL_CARD_SECTION.search(s.title)]
    if (keys and sections) or len(sections) >= 3:
        reason = "model card: " + ", ".join(
            ([f"front matter ({', '.join(keys)})"] if keys else []) + [f"{len(sections)} card sections"])
        return [Evidence("model-card", DocumentsDetector.name, reason, path=artifact.path)]
    if artifact.folder == "":
        found = f"front matter ({', '.join(keys)}) but " if keys else "no model-card front matter and "
        return [Evidence("model-card", DocumentsDetector.name,
                         f"README with {found}{len(sections)} of the usual model-card sections "
                         "(model details, uses, training data, evaluation, limitations, ...)",
                         path=artifact.path, strength="partial")]
    return []


def _is_dataset_card(document: MarkdownDocument) -> bool:
    return bool(DATA_CARD_KEYS & document.front_matter.keys())


def _data_card(artifact: Artifact, document: MarkdownDocument) -> list[Evidence]:
    named = DATA_CARD_NAME.search(artifact.name) is not None
    if not (named or (MODEL_CARD_NAME.match(artifact.name) and _is_dataset_card(document))):
        return []
    titled = [s for s in document.sections if s.title]
    words = sum(len(s.body.split()) for s in document.sections)
    if len(titled) >= 2 and words >= 50:
        return [Evidence("data-card", DocumentsDetector.name,
                         f"data card: {len(titled)} sections, {words} words", path=artifact.path)]
    return [Evidence("data-card", DocumentsDetector.name, "data card with little content",
                     path=artifact.path, strength="partial")]


def _evaluation_sections(artifact: Artifact, document: MarkdownDocument) -> list[Evidence]:
    found: list[Evidence] = []
    if "model-index" in document.front_matter:
        found.append(Evidence("evaluation-results", DocumentsDetector.name,
                              "model-index in the model card front matter", path=artifact.path,
                              line=document.front_matter_lines.get("model-index")))
    for section in document.sections:
        if EVAL_SECTION.search(section.title) and _has_results_table(section.body):
            found.append(Evidence("evaluation-results", DocumentsDetector.name,
                                  f"results table in section '{section.title}'", path=artifact.path,
                                  line=section.line_start))
    return found


def _has_results_table(body: str) -> bool:
    rows = [line for line in body.splitlines() if line.strip().startswith("|")]
    return len(rows) >= 3 and any(NUMBER.search(row) for row in rows)


def _titled(document: MarkdownDocument, pattern: re.Pattern[str]) -> bool:
    return any(s.level == 1 and pattern.search(s.title) for s in document.sections)


def _has_numbers(artifact: Artifact) -> bool:
    text = artifact.text
    return text is not None and NUMBER.search(text[:65536]) is not None
