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


# A licence file as an expression, honest near-matches, SPDX identifiers in prose (issue 11).

from standard_texts import BSD_3, ISC, MIT  # noqa: E402

THIRD_PARTY = "\n\nThird-party licences\n--------------------\n\nlantern/_vendor/tiny.py:\n\n"


def test_mit_then_bundled_bsd_3_and_apache_is_an_expression_with_the_own_licence_first() -> None:
    apache = (FIXTURES / "licenses" / "apache-2.0.txt").read_text()
    text = MIT + THIRD_PARTY + BSD_3 + "\n\nlantern/_vendor/big/:\n\n" + apache
    analysis = analyse_license_text(text)
    assert (analysis.id, analysis.license_class, analysis.restrictions) == (
        "MIT AND BSD-3-Clause AND Apache-2.0", "osi-approved", ())
    assert [p.id for p in analysis.parts] == ["MIT", "BSD-3-Clause", "Apache-2.0"]
    lines = text.split("\n")
    assert lines[analysis.parts[0].line_start - 1].startswith("Permission is hereby granted")
    assert lines[analysis.parts[1].line_start - 1].startswith("Redistribution and use")
    assert all(p.score >= 0.99 and p.license_class == "osi-approved" for p in analysis.parts)


def test_a_standard_text_with_a_credit_before_and_a_vendoring_note_after_is_that_licence() -> None:
    text = ("Lantern was started by Ada Example in 2015 and is now looked after by a small team\n"
            "of volunteers; thank you to everyone who sent a patch.\n\n" + ISC
            + "\n\nThe files under lantern/_vendor/ were copied from the upstream project at tag 2.1.\n")
    analysis = analyse_license_text(text)
    assert (analysis.id, analysis.name, analysis.license_class, analysis.match) == ("ISC", "ISC License",
                                                                                   "osi-approved", 1.0)


def test_a_bundled_licence_does_not_hide_the_own_one_nor_make_the_file_unknown() -> None:
    analysis = analyse_license_text(BSD_3 + THIRD_PARTY + MIT)
    assert analysis.id == "BSD-3-Clause AND MIT" and analysis.license_class == "osi-approved"
    assert analysis.parts[0].id == "BSD-3-Clause"


HALF_MIT = MIT.split("The above copyright")[0] + (
    "The Software may be used only for non-commercial purposes. Any person who sells") + """
copies of the Software, or who uses it in a product offered for a charge, must first obtain
a separate licence from the authors.

THE SOFTWARE IS PROVIDED WITHOUT WARRANTY. THE AUTHORS ARE NOT LIABLE FOR ANY CLAIM.
"""


def test_a_text_half_like_a_standard_licence_is_unrecognised_never_modified() -> None:
    analysis = analyse_license_text(HALF_MIT)
    assert analysis.id is None and analysis.license_class == "restricted" and analysis.match is None
    assert "modified" not in analysis.name
    assert analysis.name.startswith("unrecognised licence text with use restrictions, closest: MIT")
    assert {r.kind for r in analysis.restrictions} >= {"non-commercial"}
    assert all(r.line_start == 12 for r in analysis.restrictions)


def test_a_text_half_like_a_standard_licence_without_restrictions_is_unknown() -> None:
    text = HALF_MIT.replace("The Software may be used only for non-commercial purposes.", "Be nice.").replace(
        "must first obtain\na separate licence from the authors.", "should say thanks.")
    analysis = analyse_license_text(text)
    assert (analysis.id, analysis.license_class, analysis.restrictions) == (None, "unknown", ())
    assert "modified" not in analysis.name


def test_a_restricted_near_match_is_read_whole_and_cited_at_its_own_lines() -> None:
    llama = (LLAMA / "LICENSE").read_text()
    preamble = ("NORTHWIND RESEARCH MODEL LICENCE\n\nThis licence is adapted from another one; the parts we\n"
                "changed are ours, and so are any mistakes in them.\n\n")
    paragraphs = llama.replace("Llama 2", "Northwind-7B").replace("Meta", "Northwind").split("\n\n")
    # Every ninth paragraph left out: a research licence about 86% like Llama 2's.
    rewritten = [p if i % 9 or "700 million" in p else "This paragraph is left out." for i, p in enumerate(paragraphs)]
    text = preamble + "\n\n".join(rewritten)
    analysis = analyse_license_text(text)
    assert analysis.license_class == "restricted" and analysis.id == "llama-2-community"
    assert "modified" in analysis.name and analysis.match < 0.9
    by_kind = {r.kind: r for r in analysis.restrictions}
    threshold = by_kind["user-threshold"]
    cited_text = " ".join(text.split("\n")[threshold.line_start - 1:threshold.line_end])
    assert "700 million monthly active users" in " ".join(cited_text.split())


@pytest.mark.parametrize(("line", "expression"), [
    ("``SPDX-License-Identifier: BSD-2-Clause`` for the BSD license below", "BSD-2-Clause"),
    ("SPDX-License-Identifier: MIT OR Apache-2.0 (see the files named below)", "MIT OR Apache-2.0"),
    ("/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) */", "(GPL-2.0-only WITH Linux-syscall-note)"),
    ("# SPDX-License-Identifier: GPL-2.0+ and more words", "GPL-2.0+"),
])
def test_an_spdx_identifier_in_prose_is_the_expression_only(line: str, expression: str) -> None:
    from auditor.licenses.analysis import SPDX_IDENTIFIER

    match = SPDX_IDENTIFIER.search(line)
    assert match is not None and match.group(1) == expression


def test_an_spdx_identifier_in_prose_names_only_its_licence() -> None:
    analysis = analyse_license_text(
        "The code is ``SPDX-License-Identifier: BSD-2-Clause`` for the BSD license below.\n")
    assert (analysis.id, analysis.license_class) == ("BSD-2-Clause", "osi-approved")
