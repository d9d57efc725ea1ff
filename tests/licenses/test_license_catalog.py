"""Licence classes, Hub ids, SPDX expressions and text identification."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.licenses.catalog import (
    HUB_OPEN_ENDED,
    expression_class,
    from_hub_id,
    hub_license_class,
    identify_by_title,
    license_class,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(("license_id", "expected"), [
    ("Apache-2.0", "osi-approved"), ("MIT", "osi-approved"), ("GPL-3.0-only", "osi-approved"),
    ("CC-BY-4.0", "open-content"), ("CC-BY-SA-4.0", "open-content"), ("CC0-1.0", "open-data"),
    ("CDLA-Permissive-2.0", "open-data"), ("ODbL-1.0", "open-data"), ("OpenMDW-1.0", "open-data"),
    ("CC-BY-NC-4.0", "restricted"), ("CC-BY-NC-SA-4.0", "restricted"), ("BUSL-1.1", "restricted"),
    ("llama-2-community", "restricted"), ("gemma-terms", "restricted"), (None, "unknown"),
    ("no-such-licence", "unknown"),
])
def test_license_classes(license_id: str | None, expected: str) -> None:
    assert license_class(license_id) == expected


@pytest.mark.parametrize(("hub_id", "expected"), [
    ("apache-2.0", "Apache-2.0"), ("mit", "MIT"), ("cc-by-nc-4.0", "CC-BY-NC-4.0"), ("llama2", "llama-2-community"),
    ("llama3.1", "llama-3.1-community"), ("gemma", "gemma-terms"), ("openrail", "openrail"),
    ("odc-by", "ODC-By-1.0"), ("other", None), ("unknown", None),
])
def test_hub_ids(hub_id: str, expected: str | None) -> None:
    assert from_hub_id(hub_id) == expected


def test_every_hub_license_id_is_mapped_to_a_class() -> None:
    tsv = Path(__file__).resolve().parents[2] / "auditor" / "data" / "hf-license-ids.tsv"
    ids = [line.split("\t")[0] for line in tsv.read_text().splitlines() if line and not line.startswith("#")]
    assert len(ids) == 83
    classes = {hub_id: hub_license_class(hub_id) for hub_id in ids}
    unknown = {hub_id for hub_id, klass in classes.items() if klass == "unknown"}
    # Besides the open-ended ids, two licences that are neither OSI-approved nor open data licences.
    assert unknown == HUB_OPEN_ENDED | {"apple-ascl", "lgpl-lr"}
    assert {hub_id for hub_id in ids if from_hub_id(hub_id) is None} == HUB_OPEN_ENDED
    restricted = {hub_id for hub_id, klass in classes.items() if klass == "restricted"}
    assert {"llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "openrail",
            "creativeml-openrail-m", "bigscience-bloom-rail-1.0", "cc-by-nc-4.0", "grok2-community"} <= restricted
    assert classes["apache-2.0"] == "osi-approved" and classes["cc-by-4.0"] == "open-content"
    assert classes["cdla-permissive-2.0"] == "open-data" and classes["openmdw-1.0"] == "open-data"


@pytest.mark.parametrize(("expression", "expected"), [
    ("MIT OR Apache-2.0", "osi-approved"), ("MIT AND CC-BY-NC-4.0", "restricted"),
    ("(CC-BY-NC-4.0 OR MIT)", "osi-approved"), ("Apache-2.0 WITH LLVM-exception", "osi-approved"),
    ("LicenseRef-custom", "unknown"),
])
def test_expressions(expression: str, expected: str) -> None:
    assert expression_class(expression)[1] == expected


def test_known_model_licences_are_named_by_their_wording() -> None:
    llama = FIXTURES / "releases" / "llama-style"
    assert identify_by_title((llama / "USE_POLICY.md").read_text()) == "llama-acceptable-use-policy"
    assert identify_by_title("GEMMA TERMS OF USE\n\nLast modified: ...") == "gemma-terms"
    assert identify_by_title("You may do anything you like with this.") is None
