"""Documents are recognised by content, not by name alone."""

from __future__ import annotations

from pathlib import Path

from auditor.description import describe_release
from auditor.detectors.datasets import DatasetsDetector
from auditor.detectors.documents import DocumentsDetector
from auditor.detectors.references import ReferencesDetector
from auditor.sources.local import LocalFolderSource

CARD = """---
license: apache-2.0
datasets:
- allenai/dolma
model-index:
- name: tiny
  results:
  - dataset: {type: hellaswag, name: HellaSwag}
    metrics: [{type: accuracy, value: 0.5}]
---
# Tiny

## Model Details
Small.

## Training Data
See the [paper](https://arxiv.org/abs/2402.00838).

## Training
The training code is at https://github.com/allenai/OLMo and the weights at
https://huggingface.co/allenai/OLMo-7B (download the checkpoints there).

## Evaluation
| task | score |
|---|---|
| hellaswag | 0.51 |
"""


def detect(tmp_path: Path, *detectors):
    inventory = LocalFolderSource(tmp_path).inventory()
    evidence = []
    for detector in detectors:
        evidence += detector().detect(inventory, describe_release(inventory)).evidence
    return {(e.component, e.path, e.strength) for e in evidence}, evidence


def test_model_card_needs_content(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD)
    found, _ = detect(tmp_path, DocumentsDetector)
    assert ("model-card", "README.md", "present") in found
    assert ("evaluation-results", "README.md", "present") in found
    assert ("research-paper", "README.md", "referenced") in found


def test_a_bare_readme_is_only_a_partial_model_card(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Weights\n\nDownload and run.\n")
    found, _ = detect(tmp_path, DocumentsDetector)
    assert found == {("model-card", "README.md", "partial")}


def test_pdf_needs_the_pdf_signature(tmp_path: Path) -> None:
    (tmp_path / "technical_report.pdf").write_bytes(b"%PDF-1.7\n...")
    (tmp_path / "paper.pdf").write_bytes(b"not a pdf at all")
    found, _ = detect(tmp_path, DocumentsDetector)
    assert found == {("technical-report", "technical_report.pdf", "present")}


def test_data_card_and_sample_outputs(tmp_path: Path) -> None:
    (tmp_path / "DATA_CARD.md").write_text("# Data\n\n## Sources\n" + "word " * 40 + "\n\n## Filtering\n" + "x " * 20)
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "chat.md").write_text("Q: hi\nA: hello\n")
    found, _ = detect(tmp_path, DocumentsDetector)
    assert ("data-card", "DATA_CARD.md", "present") in found
    assert ("sample-outputs", "samples/chat.md", "present") in found


def test_datasets_files_and_references(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.parquet").write_bytes(b"PAR1....")
    (tmp_path / "data" / "fake.parquet").write_bytes(b"nope")
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "heldout.jsonl").write_text('{"text": "x"}\n')
    found, evidence = detect(tmp_path, DatasetsDetector)
    assert ("datasets", "data/train.parquet", "present") in found
    assert ("evaluation-data", "eval/heldout.jsonl", "present") in found
    assert not any(e.path == "data/fake.parquet" for e in evidence)
    named = next(e for e in evidence if e.url == "https://huggingface.co/datasets/allenai/dolma")
    assert named.strength == "referenced" and named.line == 3
    assert any(e.component == "evaluation-data" and (e.url or "").endswith("/hellaswag") for e in evidence)


def test_links_are_referenced_by_their_context(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(CARD)
    (tmp_path / ".gitmodules").write_text('[submodule "tokenizer"]\n\tpath = third_party/tokenizer\n'
                                          '\turl = https://github.com/example/tokenizer\n')
    found, evidence = detect(tmp_path, ReferencesDetector)
    assert ("training-code", "README.md", "referenced") in found
    assert ("model-parameters", "README.md", "referenced") in found
    assert ("supporting-libraries", ".gitmodules", "referenced") in found
    assert all(e.strength == "referenced" and e.url for e in evidence)
