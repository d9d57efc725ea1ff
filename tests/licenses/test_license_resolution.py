"""Licences found in a release and resolved per component."""

from __future__ import annotations

from pathlib import Path

from auditor.licenses.discovery import discover_licenses
from auditor.licenses.resolve import resolve_component_license
from auditor.sources.local import LocalFolderSource

APACHE = (Path(__file__).resolve().parents[2] / "fixtures" / "licenses" / "apache-2.0.txt").read_text()
MIT = "SPDX-License-Identifier: MIT\n"


def declarations(tmp_path: Path):
    return discover_licenses(LocalFolderSource(tmp_path).inventory()).declarations


def test_files_card_and_spdx_headers_are_found(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(APACHE)
    (tmp_path / "README.md").write_text("---\nlicense: cc-by-nc-4.0\n---\n# Card\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("# SPDX-License-Identifier: MIT OR Apache-2.0\n")
    (tmp_path / "TERMS.md").write_text("# Acme Model License Agreement\n\nResearch purposes only.\n")
    found = {(d.path, d.origin, d.id, d.license_class) for d in declarations(tmp_path)}
    assert found == {
        ("LICENSE", "file", "Apache-2.0", "osi-approved"),
        ("README.md", "model-card", "CC-BY-NC-4.0", "restricted"),
        ("src/a.py", "spdx-header", "MIT OR Apache-2.0", "osi-approved"),
        ("TERMS.md", "file", None, "restricted"),
    }


def test_nearest_folder_and_named_files_win(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(APACHE)
    (tmp_path / "LICENSE-MODEL").write_text("Weights may be used for non-commercial purposes only.\n")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "COPYING").write_text("SPDX-License-Identifier: GPL-3.0-or-later\n")
    found = declarations(tmp_path)
    code = resolve_component_license("training-code", ["train.py", "vendor/lib.py"], found)
    assert code.license_class == "osi-approved"
    assert {d.path for d in code.declarations} == {"LICENSE", "vendor/COPYING"}
    weights = resolve_component_license("model-parameters", ["model.safetensors"], found)
    assert weights.license_class == "restricted" and [d.path for d in weights.declarations] == ["LICENSE-MODEL"]


def test_an_open_card_tag_cannot_hide_a_restrictive_licence_file(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("Use of the model for any commercial purpose is not permitted.\n"
                                      "Companies with more than 1,000 employees must request a license from us.\n")
    (tmp_path / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Card\n")
    resolved = resolve_component_license("model-parameters", ["model.safetensors"], declarations(tmp_path))
    assert resolved.license_class == "restricted"


def test_license_other_follows_license_link(tmp_path: Path) -> None:
    (tmp_path / "MODEL_TERMS.txt").write_text("You agree not to use the Model for surveillance.\n")
    (tmp_path / "README.md").write_text("---\nlicense: other\nlicense_name: acme\nlicense_link: MODEL_TERMS.txt\n---\n")
    card = next(d for d in declarations(tmp_path) if d.origin == "model-card")
    assert card.license_class == "restricted" and "MODEL_TERMS.txt" in card.name


def test_resolution_order_own_then_named_then_nearest_then_card(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# Card\n")
    only_card = declarations(tmp_path)
    assert resolve_component_license("training-code", ["train.py"], only_card).label == "MIT"
    (tmp_path / "LICENSE").write_text(APACHE)
    (tmp_path / "LICENSE-CODE").write_text("SPDX-License-Identifier: BSD-3-Clause\n")
    (tmp_path / "train.py").write_text("# SPDX-License-Identifier: GPL-3.0-or-later\n")
    found = declarations(tmp_path)
    assert resolve_component_license("training-code", ["train.py"], found).label == "GPL-3.0-or-later"
    assert resolve_component_license("inference-code", ["infer.py"], found).label == "BSD-3-Clause"
    assert resolve_component_license("model-parameters", ["model.safetensors"], found).label == "Apache-2.0"


def test_card_conflicts_and_unlinked_other_are_findings(tmp_path: Path) -> None:
    llama = Path(__file__).resolve().parents[2] / "fixtures" / "releases" / "llama-style" / "LICENSE"
    (tmp_path / "LICENSE").write_text(llama.read_text())
    (tmp_path / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Card\n")
    discovery = discover_licenses(LocalFolderSource(tmp_path).inventory())
    (conflict,) = discovery.findings
    assert conflict.code == "OSAID-L010" and conflict.line == 2 and "llama-2-community" in conflict.message
    weights = resolve_component_license("model-parameters", ["model.safetensors"], discovery.declarations)
    assert weights.license_class == "restricted"
    (tmp_path / "LICENSE").unlink()
    (tmp_path / "README.md").write_text("---\nlicense: other\n---\n# Card\n")
    (unlinked,) = discover_licenses(LocalFolderSource(tmp_path).inventory()).findings
    assert unlinked.code == "OSAID-L011"


def test_a_licence_file_in_the_folder_speaks_before_its_licenses_folder(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(MIT)
    (tmp_path / "licenses").mkdir()
    (tmp_path / "licenses" / "LICENSE.vendored").write_text("Shared for non-commercial purposes only.\n")
    code = resolve_component_license("training-code", ["train.py"], declarations(tmp_path))
    assert (code.label, code.license_class) == ("MIT", "osi-approved")
    (tmp_path / "LICENSE").unlink()
    assert resolve_component_license("training-code", ["train.py"], declarations(tmp_path)).license_class \
        == "restricted"


def test_a_notice_file_is_kept_as_attribution_and_never_decides(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(APACHE)
    (tmp_path / "NOTICE").write_text("Acme Coder\nCopyright 2024 Example Lab\n\n"
                                     "This product includes software developed at Example Lab.\n")
    found = declarations(tmp_path)
    assert {d.path: d.license_class for d in found} == {"LICENSE": "osi-approved", "NOTICE": "notice"}
    code = resolve_component_license("training-code", ["train.py"], found)
    assert (code.label, code.license_class) == ("Apache-2.0", "osi-approved")
