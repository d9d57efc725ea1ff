"""A release judged as a whole, as an OSI reviewer would: one test per kind of misjudgement met on
real repositories (bench/real_releases.py), on small releases written for it in fixtures/reviewer/."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT, statuses, tree_digest

REVIEWER = ROOT / "fixtures" / "reviewer"


@pytest.fixture
def audit_fixture(audit_json):
    def run(name: str) -> dict:
        release = REVIEWER / name
        before = tree_digest(release)
        report = audit_json(release)
        assert tree_digest(release) == before
        return report
    return run


def requirement(report: dict, requirement_id: str) -> dict:
    return next(r for r in report["requirements"] if r["id"] == requirement_id)


def urls(result: dict) -> set[str]:
    return {e["url"] for e in result["evidence"] if e.get("url")}


def test_the_model_licence_reaches_weights_that_are_only_linked(audit_fixture) -> None:
    report = audit_fixture("linked-weights-restricted")
    parameters = requirement(report, "model-parameters")
    assert parameters["status"] == "blocked"
    assert urls(parameters) == {"https://huggingface.co/example-lab/orca-chat-6b"}
    (reason,) = parameters["reasons"]
    # The terms stated for the model, cited at the lines of its clauses: not the code's Apache-2.0.
    assert "(MODEL_LICENSE:1)" in reason
    assert "field-of-use (line 14)" in reason and "user-threshold (line 15)" in reason
    assert [s["path"] for s in parameters["license"]["sources"]] == ["MODEL_LICENSE"]


def test_an_open_model_licence_leaves_linked_weights_referenced(tmp_path: Path, audit_json) -> None:
    (tmp_path / "README.md").write_text("# Tern\n\n| Model | Link |\n|---|---|\n"
                                        "| Tern 1B | [Hub](https://huggingface.co/example-lab/tern-1b) |\n")
    (tmp_path / "LICENSE").write_text((ROOT / "fixtures" / "licenses" / "apache-2.0.txt").read_text())
    assert statuses(audit_json(tmp_path))["model-parameters"] == "referenced"


def test_fine_tuning_scripts_and_framework_links_are_not_the_models_training_code(audit_fixture) -> None:
    report = audit_fixture("fine-tuning-only")
    assert requirement(report, "training-code")["status"] == "missing"
    set_aside = [f for f in report["findings"] if f["code"] == "OSAID-A018"]
    assert [(f["path"], f["message"].split(" of ")[0]) for f in set_aside] == [("finetune/", "2 files")]
    # A library's examples are no component of this model at all.
    every_url = {e.get("url") for r in report["requirements"] for e in r["evidence"]}
    assert "https://github.com/example/trainkit/blob/main/examples/train/sft.py" not in every_url
    # "The weights are on the Hub:" wraps before its link; the line before still says what it is.
    assert urls(requirement(report, "model-parameters")) == {"https://huggingface.co/example-lab/wren-7b"}


def test_weights_linked_from_tables_files_torrents_and_buckets(audit_fixture) -> None:
    report = audit_fixture("weights-links")
    parameters = requirement(report, "model-parameters")
    assert parameters["status"] == "referenced"
    assert urls(parameters) == {
        "https://huggingface.co/example-lab/heron-s", "https://huggingface.co/example-lab/heron-b",
        "https://dl.example.org/heron/heron_vit_b.pth",
        "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=heron-xl",
        "gs://heron-public/checkpoints/xl"}
    datasets = next(c for c in report["components"] if c["id"] == "datasets")
    assert datasets["status"] == "missing"  # the torrent is the weights, not a dataset


def test_a_config_of_an_open_training_library_is_the_recipe(audit_fixture) -> None:
    report = audit_fixture("library-config")
    for requirement_id in ("training-code", "model-architecture"):
        result = requirement(report, requirement_id)
        assert result["status"] == "referenced"
        config = [e for e in result["evidence"] if e["path"] == "models/tiny/finch-tiny.yml"]
        assert [e["url"] for e in config] == ["https://github.com/EleutherAI/gpt-neox"]
    metadata = next(c for c in report["components"] if c["id"] == "model-metadata")
    assert metadata["status"] == "satisfied"


def test_jax_runners_tensorflow_1_graphs_and_greedy_decoding_are_code(audit_fixture) -> None:
    report = audit_fixture("frameworks")
    inference = {e["path"] for e in requirement(report, "inference-code")["evidence"]}
    assert inference == {"run.py", "decoding.py"}
    architecture = {e["path"] for e in requirement(report, "model-architecture")["evidence"]}
    assert architecture == {"tf_model.py"}


def test_tests_templates_changelogs_and_data_arrays_are_never_evidence(audit_fixture) -> None:
    report = audit_fixture("false-evidence")
    found = statuses(report)
    assert found["training-code"] == "missing"      # tests/test_loss.py calls backward()
    assert found["model-parameters"] == "missing"   # assets/mel_filters.npz is a data array
    assert found["data-information"] == "missing"   # "Resource management" is no data source
    components = {c["id"]: c for c in report["components"]}
    assert components["technical-report"]["status"] == "missing"  # the issue template's heading
    # A benchmark's dataset is evaluation data, not training data.
    assert components["datasets"]["status"] == "missing"
    assert urls(components["evaluation-data"]) == {"https://huggingface.co/datasets/example-org/speech-bench"}
