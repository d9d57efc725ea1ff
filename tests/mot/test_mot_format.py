"""`--format mot`: a Model Openness Tool release YAML that MOT's schema accepts, that reads back with
`read_mot_release`, and that MOT's classification can score."""

from __future__ import annotations

from dataclasses import replace

import jsonschema
import pytest
import yaml
from support import RELEASES

from auditor.audit import run_audit
from auditor.evaluation.checklist import load_checklist
from auditor.formats import FORMATS
from auditor.formats.mot import FRAMEWORK_DATE, MotFormat
from auditor.mot import classify, component_for_mot_name, read_mot_release
from auditor.report import PASSING, Report
from auditor.schema_check import schema
from auditor.sources.interface import Target
from auditor.sources.local import LocalFolderSource

RELEASE_NAMES = sorted(p.name for p in RELEASES.iterdir() if p.is_dir())
SCHEMA = schema("mot-mof.schema.json")
VALIDATOR_CLASS = jsonschema.validators.validator_for(SCHEMA, default=jsonschema.Draft202012Validator)
VALIDATOR = VALIDATOR_CLASS(SCHEMA, format_checker=VALIDATOR_CLASS.FORMAT_CHECKER)


def audit(name: str) -> Report:
    return run_audit(LocalFolderSource(RELEASES / name), load_checklist("osaid-1.0"))


def test_registered() -> None:
    assert FORMATS["mot"] is MotFormat


@pytest.mark.parametrize("name", RELEASE_NAMES)
def test_cli_output_validates_reads_back_and_classifies(name: str, run_cli) -> None:
    result = run_cli(RELEASES / name, "--format", "mot", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    VALIDATOR.validate(yaml.safe_load(result.stdout))
    release = read_mot_release(result.stdout, f"{name}.yaml")
    assert release.name == name
    assert release.framework_date == FRAMEWORK_DATE
    classification = classify(release)
    assert isinstance(classification.mof_class, int) and 0 <= classification.mof_class <= 3
    assert set(classification.progress) == {"1", "2", "3"}
    if name == "llama-style":
        assert classification.mof_class == 0


@pytest.mark.parametrize("name", RELEASE_NAMES)
def test_lists_exactly_the_components_found(name: str) -> None:
    report = audit(name)
    document = yaml.safe_load(MotFormat().render(report))
    listed = [component_for_mot_name(c["name"]) for c in document["release"]["components"]]
    assert sorted(listed) == sorted(c.id for c in report.components if c.status in PASSING)
    assert len(set(listed)) == len(listed)


def test_deterministic() -> None:
    report = audit("open-release")
    assert MotFormat().render(report) == MotFormat().render(audit("open-release"))


def test_open_release_licences_follow_mot_conventions() -> None:
    document = yaml.safe_load(MotFormat().render(audit("open-release")))
    release = document["release"]
    assert release["version"] == "" and release["producer"] == ""
    assert release["license"]["distribution"] == {"name": "Apache-2.0", "path": "LICENSE"}
    components = {c["name"]: c for c in release["components"]}
    assert components["Model parameters (Final)"] == {
        "name": "Model parameters (Final)", "description": "Trained model parameters, weights and biases",
        "license": "Apache-2.0", "license_path": "LICENSE", "component_path": "model.safetensors"}
    assert components["Data card"]["license"] == "CC-BY-4.0"
    # Referenced elsewhere, no licence found: MOT's "unlicensed", and the link as the component's path.
    assert components["Evaluation data"]["license"] == "unlicensed"
    assert "license_path" not in components["Evaluation data"]
    assert components["Research paper"]["component_path"].startswith("https://arxiv.org/")


def test_llama_style_restricted_licence_is_not_open_to_mot() -> None:
    document = yaml.safe_load(MotFormat().render(audit("llama-style")))
    assert "distribution" not in document["release"]["license"]  # not an SPDX id
    assert classify(read_mot_release(MotFormat().render(audit("llama-style")), "x")).mof_class == 0


def test_hub_target_names_the_repo() -> None:
    report = replace(audit("open-release"), target=Target(kind="hub", location="hf://example-org/tiny-neox@main",
                                                          revision="main"))
    release = yaml.safe_load(MotFormat().render(report))["release"]
    assert release["name"] == "example-org/tiny-neox"
    assert release["huggingface"] == "https://huggingface.co/example-org/tiny-neox"
