"""The labelled model licence corpus (issue 12): bench/model_licence_labels.yaml and its exporter.

The labels must validate without any mirror or network: kinds are exactly the analysis's nine,
line ranges are ordered, ids unique, every text has a family, and there are enough texts and open
controls. When the exported texts are in the cache, every labelled range must lie inside its text
and the text must be the one the labels were made on. The exporter itself is run on a git mirror
made here.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from model_licence_corpus import DEFAULT_CACHE, line_count, normalise  # noqa: E402

LABELS = ROOT / "bench" / "model_licence_labels.yaml"
TEXTS = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["texts"]
KINDS = set(yaml.safe_load((ROOT / "auditor" / "data" / "restrictive_clauses.yaml").read_text(encoding="utf-8")))
BUNDLED = [ROOT / "auditor" / "data" / "license-texts", ROOT / "fixtures" / "licenses",
           ROOT.parent / "shared" / "corpus" / "licenses"]
FIELDS = {"id", "title", "repo", "commit", "path", "sha256", "family", "language", "open", "form", "clauses"}
OPTIONAL = {"excerpt", "borrows", "not_operative"}


def valid_range(lines: object) -> bool:
    return (isinstance(lines, list) and len(lines) == 2 and all(type(n) is int for n in lines)
            and 1 <= lines[0] <= lines[1])


def test_the_nine_kinds_are_the_analysis_kinds() -> None:
    assert KINDS == {"user-threshold", "revenue-threshold", "field-of-use", "no-improving-other-models",
                     "non-commercial", "permission-required", "remote-restriction", "downstream-restrictions",
                     "naming"}


@pytest.mark.parametrize("text", TEXTS, ids=[t["id"] for t in TEXTS])
def test_each_text_validates(text: dict) -> None:
    assert FIELDS <= set(text) <= FIELDS | OPTIONAL
    assert re.fullmatch(r"[a-z0-9.+-]+", text["id"])
    assert re.fullmatch(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*", text["repo"])
    assert re.fullmatch(r"[0-9a-f]{40}", text["commit"]) and re.fullmatch(r"[0-9a-f]{64}", text["sha256"])
    assert isinstance(text["path"], str) and text["path"] and isinstance(text["title"], str) and text["title"]
    assert isinstance(text["family"], str) and re.fullmatch(r"[a-z0-9.-]+", text["family"])
    assert all(isinstance(f, str) and f for f in text.get("borrows", []))
    assert text["language"] in {"en", "zh", "en+zh"} and text["form"] in {"licence", "use-policy", "readme-terms"}
    assert type(text["open"]) is bool
    assert "excerpt" not in text or valid_range(text["excerpt"])
    for clause in text["clauses"]:
        assert set(clause) == {"kind", "lines", "note"} and clause["kind"] in KINDS, clause
        assert valid_range(clause["lines"]), clause
        assert isinstance(clause["note"], str) and 0 < len(clause["note"].split()) <= 15, clause
    assert len(text["clauses"]) == len({(c["kind"], tuple(c["lines"])) for c in text["clauses"]})
    # An open control has no restrictive clause; every other text cites at least one.
    assert bool(text["clauses"]) is not text["open"]
    labelled = {n for c in text["clauses"] for n in range(c["lines"][0], c["lines"][1] + 1)}
    for negative in text.get("not_operative", []):
        assert set(negative) == {"lines", "note"} and valid_range(negative["lines"]), negative
        assert isinstance(negative["note"], str) and 0 < len(negative["note"].split()) <= 15, negative
        assert not labelled & set(range(negative["lines"][0], negative["lines"][1] + 1)), negative


def test_the_corpus_as_a_whole() -> None:
    ids = [t["id"] for t in TEXTS]
    assert len(ids) == len(set(ids)) >= 40
    assert sum(t["open"] for t in TEXTS) >= 5
    assert len({(t["repo"], t["commit"], t["path"], str(t.get("excerpt"))) for t in TEXTS}) == len(TEXTS)
    assert len({t["sha256"] for t in TEXTS}) == len(TEXTS)
    families = {t["family"] for t in TEXTS}
    assert len(families) >= 15 and any(sum(t["family"] == f for t in TEXTS) > 1 for f in families)
    assert {k for t in TEXTS for c in t["clauses"] for k in [c["kind"]]} >= KINDS - {"revenue-threshold"}
    assert any(t["language"] != "en" for t in TEXTS)


def test_no_text_is_one_already_bundled() -> None:
    bundled = {hashlib.sha256(normalise(p.read_bytes()).encode()).hexdigest()
               for folder in BUNDLED if folder.is_dir() for p in folder.iterdir() if p.suffix in {".txt", ".md"}}
    assert bundled and not bundled & {t["sha256"] for t in TEXTS}


def test_labelled_lines_lie_inside_the_exported_texts() -> None:
    exported = {t["id"]: DEFAULT_CACHE / f"{t['id']}.txt" for t in TEXTS}
    exported = {key: path for key, path in exported.items() if path.is_file()}
    if not exported:
        pytest.skip(f"no exported text in {DEFAULT_CACHE}; run bench/model_licence_corpus.py")
    for text in (t for t in TEXTS if t["id"] in exported):
        content = exported[text["id"]].read_text(encoding="utf-8")
        assert hashlib.sha256(content.encode()).hexdigest() == text["sha256"], text["id"]
        lines = content.split("\n")
        for labelled in [*text["clauses"], *text.get("not_operative", [])]:
            first, last = labelled["lines"]
            assert last <= line_count(content), (text["id"], labelled)
            assert lines[first - 1].strip() and lines[last - 1].strip(), (text["id"], labelled)


# --- the exporter, on a mirror made here ------------------------------------------------------

def git(*args: str, cwd: Path) -> str:
    env = {"PATH": os.environ["PATH"], "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=cwd,
                          env=env, check=True, capture_output=True, text=True).stdout.strip()


def export(labels: Path, mirrors: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "bench" / "model_licence_corpus.py"), "--labels", str(labels),
                           "--mirrors", str(mirrors), "--cache", str(cache)], capture_output=True, text=True,
                          timeout=120)


def write_labels(path: Path, entries: list[dict]) -> None:
    path.write_text(yaml.safe_dump({"texts": entries}), encoding="utf-8")


def test_exporter_normalises_checks_and_is_idempotent(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    git("init", "-q", cwd=work)
    (work / "MODEL_LICENSE").write_bytes("\ufeffTerms\r\nNo military use.\rLast line".encode())
    (work / "README.md").write_bytes(b"# Model\n\n## Licence\nResearch only.\n\n## Citation\n")
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "terms", cwd=work)
    commit = git("rev-parse", "HEAD", cwd=work)
    mirrors = tmp_path / "mirrors"
    (mirrors / "lab+model").mkdir(parents=True)
    (mirrors / "lab+model" / "repo").symlink_to(work / ".git")
    licence, card = "Terms\nNo military use.\nLast line", "## Licence\nResearch only.\n"
    base = {"repo": "lab/model", "commit": commit, "family": "lab", "clauses": []}
    write_labels(tmp_path / "labels.yaml", [
        {**base, "id": "lab-licence", "path": "MODEL_LICENSE", "sha256": hashlib.sha256(licence.encode()).hexdigest()},
        {**base, "id": "lab-card", "path": "README.md", "excerpt": [3, 4],
         "sha256": hashlib.sha256(card.encode()).hexdigest()},
        {**base, "id": "other", "repo": "elsewhere/absent", "path": "LICENSE", "sha256": "0" * 64}])
    cache = tmp_path / "cache"
    first = export(tmp_path / "labels.yaml", mirrors, cache)
    assert first.returncode == 0, first.stderr
    assert "skipped: other: mirror absent (fetch github:elsewhere/absent)\n" in first.stdout
    assert "2 written, 0 unchanged, 1 skipped, 0 failed" in first.stdout
    assert (cache / "lab-licence.txt").read_bytes() == licence.encode()
    assert line_count((cache / "lab-licence.txt").read_text()) == 3
    assert (cache / "lab-card.txt").read_text() == card
    stamp = (cache / "lab-licence.txt").stat().st_mtime_ns
    again = export(tmp_path / "labels.yaml", mirrors, cache)
    assert again.returncode == 0 and "0 written, 2 unchanged, 1 skipped" in again.stdout
    assert (cache / "lab-licence.txt").stat().st_mtime_ns == stamp
    assert sorted(p.name for p in cache.iterdir()) == ["lab-card.txt", "lab-licence.txt"]


def test_exporter_refuses_a_text_other_than_the_labelled_one(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    git("init", "-q", cwd=work)
    (work / "LICENSE").write_text("Changed terms\n")
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "terms", cwd=work)
    mirrors = tmp_path / "mirrors"
    (mirrors / "lab+model").mkdir(parents=True)
    (mirrors / "lab+model" / "repo").symlink_to(work / ".git")
    entry = {"id": "lab", "repo": "lab/model", "commit": git("rev-parse", "HEAD", cwd=work), "path": "LICENSE",
             "sha256": "0" * 64}
    write_labels(tmp_path / "labels.yaml", [entry, {**entry, "id": "gone", "path": "NO_SUCH_FILE"}])
    done = export(tmp_path / "labels.yaml", mirrors, tmp_path / "cache")
    assert done.returncode == 1 and done.stdout.endswith("0 written, 0 unchanged, 0 skipped, 2 failed; cache: "
                                                         f"{tmp_path / 'cache'}\n")
    assert "error: lab: the exported text has sha256" in done.stderr
    assert "error: gone: " in done.stderr and "not in the mirror" in done.stderr
    assert not list((tmp_path / "cache").iterdir())
