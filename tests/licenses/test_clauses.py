"""Restrictive clauses are found with their lines in real model licences, and never in open ones."""

from __future__ import annotations

from pathlib import Path

from auditor.licenses.clauses import find_restrictions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def kinds(text: str) -> set[str]:
    return {r.kind for r in find_restrictions(text)}


def test_llama_2_licence_clauses_are_cited_by_line() -> None:
    text = (FIXTURES / "releases" / "llama-style" / "LICENSE").read_text()
    found = find_restrictions(text)
    assert {"user-threshold", "field-of-use", "no-improving-other-models", "permission-required"} <= {
        r.kind for r in found}
    lines = text.splitlines()
    for restriction in found:
        cited = " ".join(lines[restriction.line_start - 1:restriction.line_end])
        assert restriction.text.split()[0] in cited
        assert restriction.code.startswith("OSAID-L")


def test_openrail_use_restrictions() -> None:
    text = (FIXTURES / "licenses" / "creativeml-openrail-m.txt").read_text()
    assert {"field-of-use", "downstream-restrictions", "remote-restriction"} <= kinds(text)


def test_a_licence_in_other_words() -> None:
    text = """Model Terms

You may use these weights only for non-commercial research. Companies whose products have
more than 2,000,000 users must obtain a separate licence from us, which we may refuse in our
sole discretion.
"""
    assert {"non-commercial", "user-threshold", "permission-required"} <= kinds(text)


def test_apache_text_has_no_restriction() -> None:
    assert find_restrictions((FIXTURES / "licenses" / "apache-2.0.txt").read_text()) == ()


NEW_WORDS = """Tern Model Licence

1. "Derivatives" means any model trained on the Tern weights, including on their output patterns.
2. An Eligible Entity is one whose gross receipts in the prior year did not exceed one million U.S. dollars.
3. Any other entity must register and obtain a basic commercial license before any use.
4. No further rights exist unless and until the Licensor has, by written instrument, extended the licence.
5. If you share the weights, you may only do so under the terms of this Agreement.
6. You will not use, copy, modify, merge, publish or distribute the weights for any military or illegal purposes.
7. Tern reserves the right to update this Acceptable Use Policy from time to time.

You agree not to use the model or its outputs for:

- the generation of spam;
- the tracking of a person without consent.

您不得将本模型用于任何军事目的。
"""


def test_a_licence_in_new_words_is_cited_at_each_restriction() -> None:
    found = {(r.kind, r.line_start) for r in find_restrictions(NEW_WORDS)}
    expected = {("revenue-threshold", 4), ("permission-required", 5), ("permission-required", 6),
                ("downstream-restrictions", 7), ("field-of-use", 8), ("remote-restriction", 9),
                ("field-of-use", 11), ("field-of-use", 13), ("field-of-use", 14), ("field-of-use", 16)}
    assert expected <= found
    assert not any(line == 3 for _, line in found)  # a definition, however it mentions outputs


def test_a_prohibited_use_item_is_quoted_after_its_lead_in() -> None:
    item = next(r for r in find_restrictions(NEW_WORDS) if r.line_start == 13)
    assert item.text == "You agree not to use the model or its outputs for: - the generation of spam;"


def test_a_grant_of_a_licence_is_not_a_ban_on_commercial_use() -> None:
    assert "non-commercial" not in kinds(
        "We grant You a non-exclusive, worldwide, non-transferable and royalty-free limited license to use, "
        "reproduce and distribute the Materials.")
    assert "non-commercial" not in kinds(
        "Once approved, the Licensor will grant you a non-exclusive, revocable commercial copyright license.")
    assert "non-commercial" not in kinds("审核通过后，许可方将授予您一个非排他性、可撤销的商用版权许可。")
    # A grant that a purpose limits is one.
    assert "non-commercial" in kinds(
        "The Licensor grants you a non-exclusive, revocable license to reproduce the Software Products "
        "for purposes other than commercial or production use.")


def test_the_way_to_a_commercial_licence_is_permission_not_a_ban() -> None:
    found = kinds("If you plan to use the Models for Commercial Purposes, please refer to the Registration "
                  "Form and send it to us to obtain a commercial license.")
    assert "non-commercial" not in found
    assert "permission-required" in found


def test_a_ban_that_says_nothing_of_commerce_is_not_non_commercial() -> None:
    found = kinds("You may not use the model or its derivatives for designated restricted uses.")
    assert "non-commercial" not in found
    # 商业秘密 is a trade secret, not commerce.
    assert "non-commercial" not in kinds("您对本模型的使用不得侵犯任何第三方的商业秘密。")


def test_a_threshold_of_users_and_revenue_together_is_both() -> None:
    found = kinds("If the Software is used for any of your commercial products that have more than 100 million "
                  "monthly active users, or more than 20 million US dollars in monthly revenue, you shall "
                  "display the model's name on the user interface.")
    assert {"user-threshold", "revenue-threshold"} <= found


def test_a_request_binds_no_one() -> None:
    assert "field-of-use" not in kinds("We only ask that you use the Model responsibly and clearly indicate "
                                       "that your content was created using the Model.")
    assert "field-of-use" in kinds("You must not use the Model for military purposes.")
