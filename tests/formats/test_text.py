"""The text report a person reads: tokens never cut at 80 or 120 columns, each restricting licence
explained once, to-dos grouped by their cause, jargon explained where it first appears."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support import RELEASES

from auditor.audit import run_audit
from auditor.evaluation.checklist import load_checklist
from auditor.formats.text import TextFormat
from auditor.formats.text_layout import line_ranges, short_url, wrap
from auditor.manifest.model import read_manifest_file
from auditor.report import Report
from auditor.sources.local import LocalFolderSource

LONG_HOME = "src/training/memorization_experiments/long_horizon_runs"
LONG_NAME = "eval_memorization_and_the_training_loop_that_made_it.py"
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


def audit(path: Path, manifest: Path | None = None) -> Report:
    return run_audit(LocalFolderSource(path), load_checklist("osaid-1.0"), verify_hashes=manifest is not None,
                     manifest=read_manifest_file(manifest) if manifest else None)


@pytest.fixture
def long_named_release(tmp_path: Path, run_cli) -> tuple[Path, Path]:
    """The open example with its training script deep under a long path, a manifest made by `audit init`,
    then the weights changed: a report with long paths, line numbers and two sha256 values."""
    release = tmp_path / "release"
    shutil.copytree(RELEASES / "open-release", release)
    (release / LONG_HOME).mkdir(parents=True)
    (release / "src" / "train.py").rename(release / LONG_HOME / LONG_NAME)
    manifest = tmp_path / "release.yaml"
    assert run_cli("init", release, "--output", manifest).exit_code == 0
    weights = release / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    return release, manifest


@pytest.mark.parametrize("width", [80, 120])
def test_paths_with_lines_and_hashes_are_never_cut(long_named_release: tuple[Path, Path], width: int) -> None:
    report = audit(*long_named_release)
    text = TextFormat(verbose=True).render(report, width=width)
    lines = text.splitlines()
    training = next(r for r in report.requirements if r.id == "training-code")
    cited = {f"{e.path}:{e.line}" if e.line else e.path for e in training.evidence}
    assert any(LONG_NAME in token for token in cited), cited
    hashes = {h for r in report.requirements for x in r.reasons for h in SHA256.findall(x.message)}
    assert len(hashes) == 2, hashes
    for token in cited | hashes:
        assert any(token in line for line in lines), token
    # A line is longer than the width only to keep a word whole, and then it holds that word alone.
    assert all(len(line) <= width or len(line.split()) == 1 for line in lines)
    assert max(len(line) for line in lines) > 60  # the width is used, not a narrow column


def test_a_hash_mismatch_is_told_to_republish_not_to_relicense(long_named_release: tuple[Path, Path]) -> None:
    text = TextFormat().render(audit(*long_named_release))
    todo = text[text.index("What to do"):]
    assert "Republish or fix the manifest" in todo
    step = re.split(r"\n +[0-9]+\. ", todo[todo.index("model-parameters [blocked]"):])[0]
    assert "republish the file with the declared bytes, or correct the sha256 at" in " ".join(step.split())
    assert "Relicense" not in todo and "Change or relicense" not in todo


def test_one_licence_blocking_five_requirements_is_explained_once() -> None:
    text = TextFormat().render(audit(RELEASES / "llama-style"))
    blockers = text[text.index("Blockers:"):text.index("\nData information")]
    assert blockers.count("Llama 2 Community License Agreement") == 1
    blocks = " ".join(blockers[blockers.index("blocks:"):].split("    - ")[0].split())
    assert blocks == ("blocks: data-information, inference-code, supporting-libraries, model-architecture, "
                      "model-parameters")
    # The clause about monthly active users is quoted once in the whole report (two kinds share it).
    assert " ".join(text.split()).count("the monthly active users") == 1
    assert "LICENSE:65-71 (quoted above)" in blockers
    requirements = text[text.index("\nData information"):text.index("\nLicences")]
    assert requirements.count("(see Blockers)") == 10  # five requirements, two licences each
    assert "user-threshold" not in requirements


def test_todos_follow_the_cause() -> None:
    text = TextFormat().render(audit(RELEASES / "llama-style"))
    todo = " ".join(text[text.index("What to do"):].split())
    relicense, publish = todo.index("Change or relicense"), todo.index("Publish what is missing")
    assert relicense < publish
    assert "Publish code that loads the parameters" not in todo  # the code is there; its terms are not
    assert "Release the weights" not in todo
    assert re.search(r"3\. data-information \[blocked\]: cover DI-1a, DI-1c", todo)
    assert todo.index("training-code [missing]: Publish the training code") > publish


def test_jargon_is_explained_once_where_it_first_appears() -> None:
    lines = TextFormat().render(audit(RELEASES / "llama-style")).splitlines()
    mof = [i for i, line in enumerate(lines) if "Model Openness Framework" in line]
    assert len(mof) == 1 and "MOF class reached" in lines[mof[0] - 1]
    osd = [i for i, line in enumerate(lines) if "OSD is the Open Source Definition" in line]
    assert len(osd) == 1 and osd[0] > next(i for i, line in enumerate(lines) if "(OSD " in line)
    flat = " ".join(" ".join(lines).split())
    assert flat.count("DI-1a provenance of the training data") == 1


def test_wrapping_keeps_words_whole_and_urls_shorten_to_their_host_and_name() -> None:
    token = "a/" * 50 + "model.py:12"
    assert wrap(f"see {token} then more words", 40, indent=2, hanging=4) == [
        "  see", f"    {token}", "    then more words"]
    url = "https://huggingface.co/datasets/allenai/dolma/blob/main/urls/v1_6-sample.txt"
    assert short_url(url) == "https://huggingface.co/\u2026/v1_6-sample.txt"
    assert short_url("https://x.org/a") == "https://x.org/a"
    assert line_ranges([3, 6, 8, 9, 10, 6, 25]) == "3, 6, 8-10, 25"


def test_a_term_in_the_verdict_line_is_explained_under_it() -> None:
    report = run_audit(LocalFolderSource(RELEASES / "open-release"), load_checklist("mof-1.0"))
    lines = TextFormat().render(report).splitlines()
    assert lines[0] == "Verdict: MOF Class I (open science)"
    assert "MOF is the Model Openness Framework" in lines[1]
