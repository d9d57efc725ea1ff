"""Identification and clause analysis on real licence texts, modified texts and unseen wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.licenses.analysis import analyse_license_text
from auditor.licenses.clauses import find_restrictions
from auditor.licenses.reference_texts import reference_licenses

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LLAMA = FIXTURES / "releases" / "llama-style"
OPEN_REFERENCES = [r for r in reference_licenses() if r.license_class in ("osi-approved", "open-data", "open-content")]


def test_the_open_reference_set_is_the_whole_spdx_open_set() -> None:
    ids = {r.id for r in OPEN_REFERENCES}
    assert len(ids) > 200
    assert {"Apache-2.0", "MIT", "GPL-3.0-only", "MPL-2.0", "CC-BY-4.0", "CC0-1.0", "ODbL-1.0",
            "CDLA-Permissive-2.0", "PDDL-1.0", "ODC-By-1.0"} <= ids


@pytest.mark.parametrize("reference", OPEN_REFERENCES, ids=lambda r: r.id)
def test_no_open_licence_text_yields_a_restriction(reference) -> None:
    text = reference.text()
    assert find_restrictions(text) == ()
    analysis = analyse_license_text(text)
    assert analysis.restrictions == ()
    assert analysis.license_class == reference.license_class


def cited(path: Path, restriction) -> str:
    lines = path.read_text().splitlines()[restriction.line_start - 1:restriction.line_end]
    return " ".join(" ".join(lines).split())


def test_llama_2_licence_clauses_are_identified_and_cited() -> None:
    analysis = analyse_license_text((LLAMA / "LICENSE").read_text())
    assert (analysis.id, analysis.license_class, analysis.match) == ("llama-2-community", "restricted", 1.0)
    by_kind = {r.kind: r for r in analysis.restrictions}
    assert "700 million monthly active users" in cited(LLAMA / "LICENSE", by_kind["user-threshold"])
    assert "Acceptable Use Policy" in cited(LLAMA / "LICENSE", by_kind["field-of-use"])
    assert "improve any other large language model" in cited(LLAMA / "LICENSE", by_kind["no-improving-other-models"])
    assert by_kind["user-threshold"].code == "OSAID-L001" and by_kind["user-threshold"].osd == 5


def test_openrail_use_based_restrictions() -> None:
    analysis = analyse_license_text((FIXTURES / "licenses" / "creativeml-openrail-m.txt").read_text())
    assert analysis.id == "creativeml-openrail-m" and analysis.license_class == "restricted"
    assert {"field-of-use", "downstream-restrictions", "remote-restriction"} <= {r.kind for r in analysis.restrictions}


def test_apache_yields_nothing() -> None:
    analysis = analyse_license_text((FIXTURES / "licenses" / "apache-2.0.txt").read_text())
    assert (analysis.id, analysis.license_class, analysis.restrictions) == ("Apache-2.0", "osi-approved", ())


def test_a_modified_apache_is_named_and_only_its_addition_is_read() -> None:
    text = (FIXTURES / "licenses" / "apache-2.0.txt").read_text().replace(
        "   END OF TERMS AND CONDITIONS",
        "   10. Field of use. You may use the Work solely for non-commercial research purposes.\n\n"
        "   END OF TERMS AND CONDITIONS")
    analysis = analyse_license_text(text)
    assert analysis.id == "Apache-2.0" and analysis.license_class == "restricted"
    assert analysis.name.startswith("Apache License 2.0, modified:") and analysis.match < 1
    assert [r.kind for r in analysis.restrictions] == ["non-commercial"]
    assert "non-commercial research" in analysis.restrictions[0].text


UNSEEN = """NORTHWIND MODEL TERMS

1. Grant. Northwind lets you run and adapt the Weights, provided you keep to these terms.

2. Big platforms. Where your services reach over 50 million registered users, these terms do not
cover you; you must first obtain a licence from Northwind, which we may grant or refuse.

3. Money. Organisations whose annual revenue exceeds USD 5,000,000 may not rely on this grant.

4. Uses we forbid. The Weights must not be used for military purposes, for surveillance, or to
give medical advice.

5. Outputs. Text produced by the Weights may not be used to train a competing model.

6. Research only. You may use the Weights only for academic purposes.

7. Passing it on. Anyone you share the Weights with must comply with the prohibited use list in
section 4, and your own terms must include these use restrictions.

8. Ending. Northwind may terminate this licence at any time and for any reason.
"""


def test_a_licence_in_words_never_seen() -> None:
    analysis = analyse_license_text(UNSEEN)
    assert analysis.id is None and analysis.license_class == "restricted"
    kinds = {r.kind for r in analysis.restrictions}
    assert kinds >= {"user-threshold", "permission-required", "revenue-threshold", "field-of-use",
                     "no-improving-other-models", "non-commercial", "downstream-restrictions",
                     "remote-restriction"}
    threshold = next(r for r in analysis.restrictions if r.kind == "user-threshold")
    assert (threshold.line_start, threshold.line_end) == (5, 6)


def test_an_unrecognised_text_without_restrictions_is_unknown() -> None:
    analysis = analyse_license_text("You can do what you want with this, but please be nice.\n")
    assert (analysis.id, analysis.license_class, analysis.restrictions) == (None, "unknown", ())
