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
