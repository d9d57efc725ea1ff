"""How a component's status and its reasons are worded."""

from __future__ import annotations


def test_a_restriction_summary_cites_each_line_once() -> None:
    from auditor.evaluation.components import restriction_summary
    from auditor.licenses.interface import LicenseDeclaration, Restriction

    def clause(line: int) -> Restriction:
        return Restriction("field-of-use", "OSAID-L002", line, line, "you may not ...", "use", 6)

    declaration = LicenseDeclaration("USE_POLICY.md", "file", None, "A policy", "restricted", "",
                                     line=1, restrictions=tuple(clause(n) for n in (3, 3, 6, 6, 8)))
    assert restriction_summary(declaration) == "restricted by A policy (USE_POLICY.md:1): field-of-use (lines 3, 6, 8)"
