"""Status of one component from its evidence and the licences that cover where it was found."""

from __future__ import annotations

from dataclasses import replace

from auditor.components import COMPONENTS
from auditor.detectors.interface import Evidence
from auditor.licenses.interface import LicenseDeclaration
from auditor.licenses.resolve import ResolvedLicense, resolve_component_license
from auditor.report import ComponentResult, Reason, Status

STATED_TERMS_REACH = frozenset({"model-parameters"})
"""Components whose terms are the ones the release states for the model even when they live elsewhere:
weights on the Hub are under the MODEL_LICENSE (or the README's terms) of the repository that
publishes them, wherever the files are."""


def local_paths(evidence: list[Evidence]) -> list[str | None]:
    """Paths whose licence governs the component: files of the release (local or remote), not
    links out of it. A referenced item with a path but no URL is a pointer in the release (LFS)."""
    strongest = [e for e in evidence if e.strength == "present"] or evidence
    return sorted({e.path for e in strongest
                   if e.path is not None and (e.strength != "referenced" or e.url is None)})


def evaluate_component(component: str, evidence: list[Evidence],
                       declarations: list[LicenseDeclaration], acceptable: tuple[str, ...],
                       broken: list[Reason] | None = None, mismatched: list[Reason] | None = None) -> ComponentResult:
    """`broken`: manifest declarations the release lacks; `mismatched`: declared files whose bytes
    differ from the declared sha256 (the component is blocked until that is resolved)."""
    result = _evaluate(component, evidence, declarations, acceptable)
    if mismatched:
        return replace(result, status="blocked", reasons=tuple(mismatched) + result.reasons)
    if broken:
        located = any(e.strength != "referenced" for e in result.evidence)
        return replace(result, status=result.status if located else "missing",
                       reasons=tuple(broken) + (result.reasons if located else ()))
    return result


def _evaluate(component: str, evidence: list[Evidence], declarations: list[LicenseDeclaration],
              acceptable: tuple[str, ...]) -> ComponentResult:
    name = COMPONENTS[component].name
    evidence = sorted(evidence, key=Evidence.sort_key)
    if not evidence:
        return ComponentResult(component, name, "missing", (), None,
                               (Reason("OSAID-R001", "no evidence found in the release"),))
    strengths = {e.strength for e in evidence}
    base: Status = ("satisfied" if "present" in strengths else
                    "partial" if "partial" in strengths else "referenced")
    reasons: list[Reason] = []
    if base == "partial":
        reasons += [Reason("OSAID-R003", f"{e.reason}", e.path, e.line)
                    for e in evidence if e.strength == "partial"][:3]
    paths = local_paths(evidence)
    if not paths and component in STATED_TERMS_REACH:
        terms = resolve_component_license(component, [None], declarations)
        if terms.license_class == "restricted":
            return ComponentResult(component, name, "blocked", tuple(evidence), terms, tuple(
                Reason("OSAID-R007", f"linked, and the terms stated for the model reach it: {restriction_summary(d)}",
                       d.path, d.line)
                for d in terms.declarations if d.license_class == "restricted"))
    if not paths:
        reasons.append(Reason("OSAID-R004", f"only referenced ({evidence[0].url or evidence[0].reason}); "
                                            "content and terms not verified", evidence[0].path, evidence[0].line))
        return ComponentResult(component, name, "referenced", tuple(evidence), None, tuple(reasons))
    resolved = resolve_component_license(component, paths, declarations)
    status, license_reasons = _apply_license(base, resolved, acceptable, paths)
    if status == "referenced":
        first = next(e for e in evidence if e.strength == "referenced")
        license_reasons.append(Reason("OSAID-R004", f"only referenced: {first.reason}",
                                      first.path, first.line))
    return ComponentResult(component, name, status, tuple(evidence), resolved,
                           tuple(reasons + license_reasons))


def _apply_license(base: Status, resolved: ResolvedLicense, acceptable: tuple[str, ...],
                   paths: list[str | None]) -> tuple[Status, list[Reason]]:
    klass = resolved.license_class
    if not resolved.declarations:
        where = paths[0] if paths else "the release"
        return _downgrade(base), [Reason("OSAID-R003", f"no licence covers {where}", paths[0])]
    if klass == "restricted":
        restricted = [d for d in resolved.declarations if d.license_class == "restricted"]
        reasons = [Reason("OSAID-R002", restriction_summary(d), d.path, d.line) for d in restricted]
        return "blocked", reasons
    if klass == "unknown":
        unknown = [d for d in resolved.declarations if d.license_class == "unknown"]
        return _downgrade(base), [Reason("OSAID-R003", f"licence not identified: {d.name} ({d.path})", d.path, d.line)
                                  for d in unknown]
    if klass not in acceptable:
        d = resolved.declarations[0]
        return _downgrade(base), [Reason(
            "OSAID-R006", f"licence {resolved.label} is {klass}; accepted here: {', '.join(acceptable)}",
            d.path, d.line)]
    return base, []


def restriction_summary(d: LicenseDeclaration) -> str:
    """One line naming the licence and the lines where each kind of restriction stands in it."""
    where = f"{d.path}:{d.line}" if d.line else d.path
    lines: dict[str, dict[int, None]] = {}  # kind -> its lines, each once (two clauses may share a line)
    for c in d.restrictions:
        lines.setdefault(c.kind, {})[c.line_start] = None
    clauses = ", ".join(f"{kind} (line{'s' if len(at) > 1 else ''} {', '.join(map(str, list(at)[:4]))})"
                        for kind, at in lines.items())
    return f"restricted by {d.name} ({where})" + (f": {clauses}" if clauses else "")


def _downgrade(status: Status) -> Status:
    return "partial" if status == "satisfied" else status
