"""`auditor.mot.evaluator.classify` reproduces the Model Openness Tool exactly on MOT's own 27 test
releases (fixtures/mot, with the classes MOT's API returned for them), and keeps MOT's quirks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.components import COMPONENTS
from auditor.errors import BadManifestError
from auditor.mot import (
    MOT_COMPONENTS,
    MotClassification,
    classify,
    component_for_mot_name,
    is_open_license,
    mot_name_for_component,
    read_mot_release,
)

MOT_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "mot"
CASES = sorted(MOT_DIR.glob("*.yml"))


def load_expected() -> dict[str, dict]:
    """expected_results.json is an API dump with trailing commas: drop them, then parse."""
    text = (MOT_DIR / "expected_results.json").read_text(encoding="utf-8")
    data = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))
    by_name: dict[str, dict] = {}
    for model in data["models"]:
        assert model["release"]["name"] not in by_name, "release names are unique"
        by_name[model["release"]["name"]] = model["classification"]
    return by_name


EXPECTED = load_expected()


def read(path: Path):
    return read_mot_release(path.read_text(encoding="utf-8"), path.name)


def test_every_case_has_exactly_one_expected_result() -> None:
    assert len(CASES) == 27
    names = [read(path).name for path in CASES]
    assert sorted(names) == sorted(EXPECTED)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_class_and_progress_equal_mot(path: Path) -> None:
    release = read(path)
    expected = EXPECTED[release.name]
    result = classify(release)
    assert result.mof_class == expected["class"]
    assert set(result.progress) == {"1", "2", "3"}
    for mof_class, value in expected["progress"].items():
        assert result.progress[mof_class] == float(value), f"class {mof_class}"


# --- names --------------------------------------------------------------------------------------------

def test_names_cover_every_component_both_ways() -> None:
    assert {c.component for c in MOT_COMPONENTS} == set(COMPONENTS)
    assert len({c.name for c in MOT_COMPONENTS}) == len(COMPONENTS)
    for info in MOT_COMPONENTS:
        assert component_for_mot_name(info.name) == info.component
        assert mot_name_for_component(info.component) == info.name
        assert COMPONENTS[info.component].content == info.content


def test_names_as_mot_spells_them() -> None:
    assert mot_name_for_component("model-parameters") == "Model parameters (Final)"
    assert mot_name_for_component("training-code") == "Training code"
    assert component_for_mot_name("Model metadata") == "model-metadata"
    assert component_for_mot_name("Sample model outputs") == "sample-outputs"


@pytest.mark.parametrize("name", ["Model parameters (final)", "Training code (training, validation, testing)",
                                  "model card", "Weights"])
def test_unknown_mot_name_fails(name: str) -> None:
    with pytest.raises(KeyError):
        component_for_mot_name(name)


def test_unknown_component_id_fails() -> None:
    with pytest.raises(KeyError):
        mot_name_for_component("weights")


def test_every_name_in_the_test_data_is_known() -> None:
    for path in CASES:
        for component in read(path).components:
            assert component_for_mot_name(component.name) == component.component


# --- reading ------------------------------------------------------------------------------------------

HEAD = "framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}\n"


def release_yaml(components: str, license: str = "{}") -> str:
    body = f"  components:\n{components}" if components else "  components: []\n"
    return HEAD + f"release:\n  name: test\n  producer: ''\n  license: {license}\n" + body


def test_read_release_fields() -> None:
    release = read(CASES[0])
    assert release.framework_name == "Model Openness Framework"
    assert release.framework_version == "1.0"
    assert release.framework_date == "2024-12-15"
    assert release.producer == "Test"
    assert release.components and all(c.component in COMPONENTS for c in release.components)


def test_unknown_component_name_is_a_manifest_error() -> None:
    text = release_yaml("  - {name: Weights, license: MIT}\n")
    with pytest.raises(BadManifestError, match=r"^x\.yml: field release/components/0/name: 'Weights' is not"):
        read_mot_release(text, "x.yml")


@pytest.mark.parametrize(("text", "message"), [
    (HEAD + "release: {name: test, license: {}, components: []}\n",
     r"^x\.yml: field release: 'producer' is a required property$"),
    (HEAD.replace("2024-12-15", "15/12/2024") + "release: {name: t, producer: '', license: {}, components: []}\n",
     r"^x\.yml: field framework/date: '15/12/2024' is not a 'date'$"),
    (HEAD + "release: {name: t, producer: '', license: {}, components: [{name: Datasets, license: 3}]}\n",
     r"^x\.yml: field release/components/0/license: 3 is not of type 'string'$"),
    ("framework: [\n", r"^x\.yml: line \d+: "),
    ("", r"^x\.yml: field \(top level\): None is not of type 'object'$"),
])
def test_schema_errors_name_file_and_field(text: str, message: str) -> None:
    with pytest.raises(BadManifestError, match=message):
        read_mot_release(text, "x.yml")


# --- MOT's rules and quirks ---------------------------------------------------------------------------

CLASS_3 = ["Model architecture", "Model parameters (Final)", "Model card", "Data card", "Technical report",
           "Evaluation results"]
CLASS_2 = ["Training code", "Inference code", "Evaluation code", "Evaluation data"]
CLASS_1 = ["Data preprocessing code", "Model parameters (Intermediate)", "Datasets", "Research paper"]


def classify_yaml(names: list[str], license: str | None = "MIT", global_license: str = "{}") -> MotClassification:
    key = "" if license is None else f", license: '{license}'"
    components = "".join(f"  - {{name: '{name}'{key}}}\n" for name in names)
    return classify(read_mot_release(release_yaml(components, global_license), "t.yml"))


def test_licences_match_as_exact_strings() -> None:
    assert is_open_license("Apache-2.0")
    assert not is_open_license("Apache 2.0")
    assert not is_open_license("apache-2.0")
    assert classify_yaml(CLASS_3, "Apache-2.0").mof_class == 3
    assert classify_yaml(CLASS_3, "Apache 2.0").mof_class == 0


def test_open_means_osi_fsf_or_mot_open_data() -> None:
    assert is_open_license("CC-BY-4.0") and is_open_license("CDLA-Permissive-2.0") and is_open_license("ODbL-1.0")
    assert is_open_license("Apache-1.0")  # FSF-libre, not OSI-approved
    assert not is_open_license("CC-BY-NC-4.0")
    assert not is_open_license("llama-2-community")
    # mof-licenses.json carries no flags for these, and MOT's open-data list names ODC-PDDL-1.0 instead.
    assert not is_open_license("OpenMDW-1.0")
    assert not is_open_license("PDDL-1.0")


def test_content_type_does_not_matter_for_the_class() -> None:
    # A code licence on documents and data still counts: MOT only warns ("not type-appropriate").
    assert classify_yaml(CLASS_3 + CLASS_2 + CLASS_1, "MIT").mof_class == 1


def test_progress_of_a_lower_class_is_zero_until_the_higher_one_is_complete() -> None:
    result = classify_yaml(CLASS_3[:5] + CLASS_2 + CLASS_1)
    assert result.mof_class == 0
    assert result.progress == {"1": 0.0, "2": 0.0, "3": 5 / 6 * 100}
    result = classify_yaml(CLASS_3 + CLASS_2[:3])
    assert result.mof_class == 3
    assert result.progress == {"1": 0.0, "2": 90.0, "3": 100.0}


def test_optional_components_do_not_count() -> None:
    optional = ["Sample model outputs", "Supporting libraries and tools", "Model metadata"]
    assert classify_yaml(CLASS_3 + CLASS_2 + CLASS_1 + optional).progress == {"1": 100.0, "2": 100.0, "3": 100.0}
    assert classify_yaml(optional).progress == {"1": 0.0, "2": 0.0, "3": 0.0}


def test_research_paper_stands_in_for_technical_report() -> None:
    names = [n for n in CLASS_3 + CLASS_2 + CLASS_1 if n != "Technical report"]
    result = classify_yaml(names)
    assert result.mof_class == 1
    assert result.progress == {"1": 100.0, "2": 100.0, "3": 100.0}
    # Without class I complete, the paper still completes class III and II; class I counts 13, not 14.
    result = classify_yaml([n for n in names if n != "Datasets"])
    assert result.progress == {"1": 12 / 13 * 100, "2": 100.0, "3": 100.0}


def test_global_licences_apply_by_content_type_then_distribution() -> None:
    by_type = "{code: {name: MIT}, data: {name: CC-BY-4.0}, document: {name: CC-BY-4.0}}"
    assert classify_yaml(CLASS_3, None, by_type).mof_class == 3
    assert classify_yaml(CLASS_3, None, "{distribution: {name: Apache-2.0}}").mof_class == 3
    # A type-specific licence wins over the distribution licence, even when it is not open.
    mixed = "{distribution: {name: Apache-2.0}, data: {name: CC-BY-NC-4.0}}"
    assert classify_yaml(CLASS_3, None, mixed).progress["3"] == 5 / 6 * 100
    assert classify_yaml(CLASS_3, None, "{}").progress["3"] == 0.0


def test_component_licence_wins_and_unlicensed_blocks_the_fallback() -> None:
    distribution = "{distribution: {name: Apache-2.0}}"
    assert classify_yaml(CLASS_3, "unlicensed", distribution).progress["3"] == 0.0
    assert classify_yaml(CLASS_3, "", distribution).progress["3"] == 0.0
    assert classify_yaml(CLASS_3, "CC-BY-NC-4.0", distribution).progress["3"] == 0.0
