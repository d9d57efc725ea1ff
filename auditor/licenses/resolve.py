"""Which licence applies to a component, from where its evidence lies in the release.

For each place the component was found, the licences that cover it are those of the nearest
folder (an SPDX header in the file itself is nearest of all); a licence named for the component's
kind (LICENSE-MODEL) beats a general licence file in the same folder. When several apply, the
worst class decides: an auditor must not let an open LICENSE hide a restrictive one beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.licenses.interface import FILE_SCOPED, LicenseClass, LicenseDeclaration, worst_class


@dataclass(frozen=True)
class ResolvedLicense:
    license_class: LicenseClass
    declarations: tuple[LicenseDeclaration, ...]

    @property
    def label(self) -> str:
        names = sorted({d.id or d.name for d in self.declarations})
        return " + ".join(names) if names else "none found"


def _depth(declaration: LicenseDeclaration) -> int:
    if declaration.origin in FILE_SCOPED:
        return 10_000  # the file itself: nearer than any folder
    return 0 if declaration.scope == "" else declaration.scope.count("/") + 1


def licenses_for_path(component: str, path: str | None,
                      declarations: list[LicenseDeclaration]) -> list[LicenseDeclaration]:
    applicable = [d for d in declarations
                  if d.covers(path) and (not d.components or component in d.components)]
    if not applicable:
        return []
    nearest = max(_depth(d) for d in applicable)
    at_nearest = [d for d in applicable if _depth(d) == nearest]
    if any(d.origin == "file" and d.components for d in at_nearest):
        # LICENSE-MODEL beside LICENSE: the named file speaks for this component. The model
        # card's licence is always kept, so an open card tag cannot hide a restrictive file.
        return [d for d in at_nearest if d.components or d.origin != "file"]
    return at_nearest


def resolve_component_license(component: str, paths: list[str | None],
                              declarations: list[LicenseDeclaration]) -> ResolvedLicense:
    """The licences governing `component` where it was found (`None`: not at a path, e.g. a link)."""
    chosen: dict[tuple[str, int | None, str | None], LicenseDeclaration] = {}
    for path in paths or [None]:
        for declaration in licenses_for_path(component, path, declarations):
            chosen[(declaration.path, declaration.line, declaration.id)] = declaration
    ordered = tuple(chosen[key] for key in sorted(chosen, key=lambda k: (k[0], k[1] or 0, k[2] or "")))
    return ResolvedLicense(worst_class([d.license_class for d in ordered]), ordered)
