"""Discovery of every licence a release states: names, licences folders, PDFs, README terms sections,
pointer files and attribution notices."""

from __future__ import annotations

import json
import time
import zlib
from pathlib import Path

import pytest
from standard_texts import MIT
from support import tree_digest

from auditor.artifacts import pdf_text as pdf_module
from auditor.licenses.discovery import discover_licenses
from auditor.licenses.file_names import PARAMETER_COMPONENTS
from auditor.licenses.resolve import resolve_component_license
from auditor.sources.local import LocalFolderSource

APACHE = (Path(__file__).resolve().parents[2] / "fixtures" / "licenses" / "apache-2.0.txt").read_text()
NON_COMMERCIAL = ("Acme Weights Terms\n\nYou may use the weights for non-commercial research purposes only.\n"
                  "Any commercial use of the weights is prohibited.\n")
POINTER = ("This work is offered under the terms of *either* of the licenses found in\n"
           "LICENSE.APACHE or LICENSE.MIT, at your choice.\n")


def declarations(root: Path):
    return discover_licenses(LocalFolderSource(root).inventory()).declarations


def by_path(root: Path) -> dict:
    return {d.path: d for d in declarations(root)}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def pdf(lines: list[str], deflated: bytes | None = None) -> bytes:
    """A one-page PDF showing `lines` in Helvetica (or whose page is the `deflated` content stream),
    written by hand: objects, xref, trailer."""
    def escaped(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    ops = ("BT /F1 10 Tf 14 TL 50 780 Td " + " ".join(f"({escaped(line)}) Tj T*" for line in lines) + " ET").encode()
    content = ops if deflated is None else deflated
    flate = b"" if deflated is None else b" /Filter /FlateDecode"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(content), flate, content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


@pytest.mark.parametrize(("name", "components"), [
    ("MODEL_LICENSE", PARAMETER_COMPONENTS),
    ("WEIGHT_DIFF_LICENSE", PARAMETER_COMPONENTS),
    ("LICENSE-MODEL", PARAMETER_COMPONENTS),
    ("LICENSE-SVD", PARAMETER_COMPONENTS),
    ("LLAMA2_LICENSE", PARAMETER_COMPONENTS),
    ("LICENSE.APACHE", ()),
    ("LICENSE-MIT", ()),
    ("LICENCE.md", ()),
    ("COPYING.LESSER", ()),
    ("LICENSE-2.0.txt", ()),
])
def test_licence_files_under_any_name_are_found_and_scoped(tmp_path: Path, name: str,
                                                            components: tuple[str, ...]) -> None:
    write(tmp_path, {name: NON_COMMERCIAL})
    (declaration,) = declarations(tmp_path)
    assert (declaration.path, declaration.origin, declaration.scope) == (name, "file", "")
    assert declaration.components == components and declaration.license_class == "restricted"


def test_code_licence_and_named_model_licence_split_the_release(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE-CODE": MIT, "LICENSE-SVD": NON_COMMERCIAL})
    found = declarations(tmp_path)
    code = resolve_component_license("inference-code", ["sample.py"], found)
    weights = resolve_component_license("model-parameters", ["svd.safetensors"], found)
    assert (code.label, code.license_class) == ("MIT", "osi-approved")
    assert [d.path for d in weights.declarations] == ["LICENSE-SVD"] and weights.license_class == "restricted"


def test_code_and_bundled_lists_named_like_licences_are_not_licence_files(tmp_path: Path) -> None:
    write(tmp_path, {"license.py": "LICENSE = 'non-commercial use only'\n", "THIRD_PARTY_LICENSES": NON_COMMERCIAL,
                     "licenses/__init__.py": "", "LICENSE": MIT})
    assert [d.path for d in declarations(tmp_path)] == ["LICENSE"]


def test_licences_folders_speak_for_their_parent(tmp_path: Path) -> None:
    write(tmp_path, {"model_licenses/LICENSE-SDXL1.0": NON_COMMERCIAL,
                     "LICENSES/MIT.txt": "Put the licence text here.\n",  # REUSE: the name says MIT
                     "src/licenses/LICENSE-numpy.txt": MIT})
    found = by_path(tmp_path)
    model = found["model_licenses/LICENSE-SDXL1.0"]
    assert (model.scope, model.components, model.license_class) == ("", PARAMETER_COMPONENTS, "restricted")
    reuse = found["LICENSES/MIT.txt"]
    assert (reuse.scope, reuse.id, reuse.license_class, reuse.components) == ("", "MIT", "osi-approved", ())
    bundled = found["src/licenses/LICENSE-numpy.txt"]
    assert (bundled.scope, bundled.id, bundled.components) == ("src", "MIT", ())
    weights = resolve_component_license("model-parameters", ["model.safetensors"], list(found.values()))
    assert weights.license_class == "restricted"


def test_a_pdf_licence_is_read_as_text(tmp_path: Path) -> None:
    write(tmp_path, {"Acme Model License Agreement.pdf": pdf(NON_COMMERCIAL.splitlines()),
                     "LICENSE.pdf": pdf(MIT.splitlines())})
    found = by_path(tmp_path)
    terms = found["Acme Model License Agreement.pdf"]
    assert terms.license_class == "restricted" and terms.components == PARAMETER_COMPONENTS
    assert {r.kind for r in terms.restrictions} == {"non-commercial"}
    assert (found["LICENSE.pdf"].id, found["LICENSE.pdf"].license_class) == ("MIT", "osi-approved")


def test_a_pdf_not_named_as_terms_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"docs/paper.pdf": pdf(NON_COMMERCIAL.splitlines()),
                     "privacy_policy.pdf": pdf(NON_COMMERCIAL.splitlines())})
    assert declarations(tmp_path) == []


def test_a_decompression_bomb_pdf_is_read_within_bounds(tmp_path: Path) -> None:
    packer = zlib.compressobj(1)
    page = b"".join(packer.compress(b"0" * (1 << 20)) for _ in range(256)) + packer.flush()  # 256 MiB in 1 MB
    write(tmp_path, {"MODEL_LICENSE.pdf": pdf([], deflated=page)})
    started = time.monotonic()
    (declaration,) = declarations(tmp_path)
    assert declaration.license_class == "unknown" and time.monotonic() - started < pdf_module.WALL_SECONDS


@pytest.mark.parametrize(("content", "problem"), [
    (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R", "malformed PDF"),
    (b"%PDF-1.4\n1 0 obj\n" + b"[" * 200_000 + b"\nendobj\n", "malformed PDF"),
    (b"%PDF-1.4\n" + b"\0" * (9 * 1024 * 1024), "larger than 8 MiB"),
    (pdf([]), "no extractable text"),
])
def test_a_bad_pdf_licence_is_a_finding_not_a_traceback(tmp_path: Path, audit_json, content: bytes,
                                                        problem: str) -> None:
    release = tmp_path / "release"
    write(release, {"LICENSE.pdf": content})
    before = tree_digest(release)
    report = audit_json(release)
    (finding,) = [f for f in report["findings"] if f["code"] == "OSAID-A017"]
    assert finding["path"] == "LICENSE.pdf" and problem in finding["message"]
    (declaration,) = report["licenses"]
    assert declaration["class"] == "unknown" and problem in declaration["name"]
    assert tree_digest(release) == before


def test_an_encrypted_pdf_licence_is_a_finding(tmp_path: Path, audit_json) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    with (tmp_path / "MODEL_LICENSE.pdf").open("wb") as file:
        writer.write(file)
    (finding,) = [f for f in audit_json(tmp_path)["findings"] if f["code"] == "OSAID-A017"]
    assert "encrypted" in finding["message"]


def test_pdf_extraction_that_runs_too_long_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "WALL_SECONDS", 0.01)
    result = pdf_module.pdf_text(pdf(MIT.splitlines()))
    assert result.text is None and "longer than" in (result.problem or "")


def test_a_readme_licence_section_is_a_declaration_at_its_line(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "# Acme coder\n\nA model.\n\n## License\n\n" + APACHE + "\n## Citation\n\nNone.\n"})
    (section,) = declarations(tmp_path)
    assert (section.origin, section.id, section.license_class, section.line) == \
        ("readme-section", "Apache-2.0", "osi-approved", 5)
    assert section.restrictions == ()


@pytest.mark.parametrize("body", ["See LICENSE.", "See [the LICENSE file](LICENSE) for details.", ""])
def test_a_section_that_points_to_the_licence_file_adds_nothing(tmp_path: Path, body: str) -> None:
    write(tmp_path, {"LICENSE": MIT, "README.md": f"# Acme\n\n## 7. **Licence**\n\n{body}\n"})
    assert [d.path for d in declarations(tmp_path)] == ["LICENSE"]
    assert resolve_component_license("training-code", ["train.py"], declarations(tmp_path)).label == "MIT"


def test_terms_in_a_readme_section_are_cited_at_the_cards_lines(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": MIT, "README.md": "# Acme\n\nIntro.\n\n### Terms of use\n\n" + NON_COMMERCIAL})
    found = by_path(tmp_path)
    section = found["README.md"]
    assert section.components == PARAMETER_COMPONENTS and section.line == 5
    assert [(r.kind, r.line_start) for r in section.restrictions][0] == ("non-commercial", 9)
    weights = resolve_component_license("model-parameters", ["model.safetensors"], list(found.values()))
    assert weights.license_class == "restricted"  # the card's terms add to the licence file, never hide
    code = resolve_component_license("training-code", ["train.py"], list(found.values()))
    assert code.license_class == "osi-approved"


def test_a_pointer_resolves_to_the_files_it_names(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": POINTER, "LICENSE.APACHE": APACHE, "LICENSE.MIT": MIT})
    (pointer,) = declarations(tmp_path)  # the named files are the pointer's alternatives, not licences of their own
    assert (pointer.path, pointer.id, pointer.license_class) == ("LICENSE", "Apache-2.0 OR MIT", "osi-approved")
    assert "LICENSE.APACHE" in pointer.name and pointer.line == 1


def test_a_pointer_to_an_absent_file_stays_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": POINTER, "LICENSE.APACHE": APACHE})
    found = by_path(tmp_path)
    assert found["LICENSE"].id is None and found["LICENSE"].license_class == "unknown"
    assert found["LICENSE"].name == "points to LICENSE.MIT, which is absent"
    assert found["LICENSE.APACHE"].id == "Apache-2.0"


def test_a_pointer_whose_alternatives_are_not_open_keeps_their_clauses(tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": POINTER, "LICENSE.APACHE": NON_COMMERCIAL, "LICENSE.MIT": NON_COMMERCIAL})
    found = by_path(tmp_path)
    assert found["LICENSE"].license_class == "restricted" and found["LICENSE"].restrictions == ()
    assert found["LICENSE.MIT"].restrictions  # cited in the file that says them


def test_the_license_command_resolves_a_pointer_from_its_folder(run_cli, tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE": POINTER, "LICENSE.APACHE": APACHE, "LICENSE.MIT": MIT})
    result = run_cli("license", tmp_path / "LICENSE", "--format", "json")
    assert result.exit_code == 0
    (entry,) = json.loads(result.stdout)["files"]
    assert (entry["id"], entry["class"]) == ("Apache-2.0 OR MIT", "osi-approved")


def test_the_license_command_never_follows_a_named_link(run_cli, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"MIT": MIT})
    release = tmp_path / "release"
    write(release, {"LICENSE": POINTER, "LICENSE.APACHE": APACHE})
    (release / "LICENSE.MIT").symlink_to(outside / "MIT")
    result = run_cli("license", release / "LICENSE")
    assert result.exit_code == 1 and "points to LICENSE.MIT, which is absent" in result.stdout


def test_the_license_command_reads_a_pdf_and_refuses_a_bad_one(run_cli, tmp_path: Path) -> None:
    write(tmp_path, {"LICENSE.pdf": pdf(MIT.splitlines()), "broken.pdf": b"%PDF-1.4\ntrailer <<"})
    assert run_cli("license", tmp_path / "LICENSE.pdf").exit_code == 0
    result = run_cli("license", tmp_path / "broken.pdf")
    assert result.exit_code == 2 and "PDF not read" in result.stderr and result.stderr.count("\n") == 1
