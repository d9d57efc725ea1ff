"""The git source reads a revision from the object store: tags, LFS pointers, submodules, links,
damaged repositories; and a working tree audited as a folder warns about what is not committed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file
from support import statuses, tree_digest

from auditor.errors import BadTargetError
from auditor.sources.git import GitRevisionSource

POINTER = ("version https://git-lfs.github.com/spec/v1\n"
           "oid sha256:" + "a" * 64 + "\nsize 13476249600\n")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "LICENSE").write_text("SPDX-License-Identifier: Apache-2.0\n")
    (root / "model.safetensors").write_text(POINTER)
    (root / ".gitmodules").write_text('[submodule "tokenizer"]\n\tpath = vendor/tokenizer\n'
                                      '\turl = https://github.com/example/tokenizer\n')
    os.symlink("LICENSE", root / "LICENSE-MODEL")
    os.symlink("/etc/passwd", root / "escape")
    git(root, "add", "-A")
    git(root, "update-index", "--add", "--cacheinfo", "160000," + "b" * 40 + ",vendor/tokenizer")
    git(root, "commit", "-qm", "v1")
    git(root, "tag", "v1.0")
    return root


def test_a_tag_is_read_from_the_object_store_not_the_working_tree(repo: Path, run_cli) -> None:
    (repo / "model.safetensors").unlink()  # the working tree no longer matches the tag
    (repo / "LICENSE").write_text("Use for non-commercial research only.\n")
    before = tree_digest(repo)
    report = run_cli(repo, "--rev", "v1.0", "--format", "json", "--fail-on", "never").json()
    assert tree_digest(repo) == before
    commit = git(repo, "rev-parse", "v1.0^{commit}").strip()
    assert report["target"] == {"kind": "git", "location": str(repo), "revision": "v1.0", "commit": commit}
    params = next(r for r in report["requirements"] if r["id"] == "model-parameters")
    assert params["status"] == "referenced"  # an LFS pointer: present by reference
    assert "13,476,249,600" in params["evidence"][0]["reason"] or "13476249600" in str(params["evidence"][0])
    assert params["license"]["label"] == "Apache-2.0"
    codes = {(f["code"], f["path"]) for f in report["findings"]}
    assert ("OSAID-A009", "model.safetensors") in codes and ("OSAID-A001", "escape") in codes
    submodule = next(e for c in report["components"] for e in c["evidence"] if "submodule" in e["reason"])
    assert submodule["url"] == "https://github.com/example/tokenizer" and submodule["details"]["commit"] == "b" * 40


def test_real_weights_in_a_later_commit(repo: Path, run_cli) -> None:
    save_file({"w": np.zeros((4, 4), dtype=np.float32)}, str(repo / "model.safetensors"))
    git(repo, "commit", "-qam", "real weights")
    report = run_cli(repo, "--rev", "main", "--format", "json", "--fail-on", "never").json()
    assert statuses(report)["model-parameters"] == "satisfied"
    old = run_cli(repo, "--rev", "v1.0", "--format", "json", "--fail-on", "never").json()
    assert statuses(old)["model-parameters"] == "referenced"


def test_large_blob_is_read_by_its_header_only(tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    git(root, "init", "-q")
    save_file({"w": np.zeros((1024, 1024, 2), dtype=np.float32)}, str(root / "model.safetensors"))  # 8 MiB
    git(root, "add", "-A")
    git(root, "commit", "-qm", "weights")
    source = GitRevisionSource(root, "HEAD")
    artifact = source.inventory().get("model.safetensors")
    assert artifact.size > 8 * 1024 * 1024
    assert artifact.read(8, 8).startswith(b'{"')
    assert len(artifact.head) == 4096


@pytest.mark.parametrize(("target", "revision", "message"), [
    ("missing", "HEAD", "no such file"),
    ("plain", "HEAD", "not a git repository"),
    ("repo", "no-such-tag", "revision 'no-such-tag' not found"),
])
def test_bad_git_targets(tmp_path: Path, repo: Path, target: str, revision: str, message: str) -> None:
    (tmp_path / "plain").mkdir()
    path = repo if target == "repo" else tmp_path / target
    with pytest.raises(BadTargetError, match=message):
        GitRevisionSource(path, revision)


def test_a_missing_object_is_a_finding(repo: Path) -> None:
    blob = git(repo, "rev-parse", "v1.0:LICENSE").strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    inventory = GitRevisionSource(repo, "v1.0").inventory()
    assert ("OSAID-A004", "LICENSE") in {(f.code, f.path) for f in inventory.findings}


def test_working_tree_warns_about_what_is_not_committed(repo: Path, run_cli) -> None:
    (repo / "pytorch_model.bin").write_bytes(b"\x80\x04N.")
    (repo / ".gitignore").write_text("*.ckpt\n")
    (repo / "final.ckpt").write_bytes(b"\x80\x04N.")
    (repo / "LICENSE").write_text("changed\n")
    report = run_cli(repo, "--format", "json", "--fail-on", "never").json()
    warned = {f["path"]: f["message"] for f in report["findings"] if f["code"] == "OSAID-A013"}
    assert warned["pytorch_model.bin"].startswith("untracked")
    assert warned["final.ckpt"].startswith("ignored")
    assert warned["LICENSE"].startswith("modified")
    assert not any(path.startswith(".git/") for path in (e["path"] for c in report["components"]
                                                           for e in c["evidence"] if e["path"]))


def _commit_of(repo: Path, revision: str) -> str:
    return git(repo, "rev-parse", f"{revision}^{{commit}}").strip()


def test_tags_and_branches_resolve_from_packed_refs_alone(repo: Path, run_cli) -> None:
    git(repo, "tag", "-a", "v1.0-annotated", "-m", "an annotated tag")
    git(repo, "pack-refs", "--all")
    git(repo, "gc", "-q")
    assert not any((repo / ".git" / "refs" / "tags").iterdir())
    assert not list((repo / ".git" / "objects").glob("??/*"))  # every object is in a pack
    for revision in ("v1.0", "v1.0-annotated", "main", "refs/tags/v1.0", "HEAD"):
        report = run_cli(repo, "--rev", revision, "--format", "json", "--fail-on", "never").json()
        assert report["target"]["commit"] == _commit_of(repo, "v1.0"), revision
        assert statuses(report)["model-parameters"] == "referenced"


def test_revisions_by_abbreviated_id_and_ancestry(repo: Path, run_cli) -> None:
    (repo / "NOTES.md").write_text("# Notes\n")
    git(repo, "add", "NOTES.md")
    git(repo, "commit", "-qm", "notes")
    first = _commit_of(repo, "HEAD~1")
    for revision in (first[:7], first, "HEAD~1", "HEAD^", "main~1", f"{_commit_of(repo, 'HEAD')[:12]}^"):
        target = run_cli(repo, "--rev", revision, "--format", "json", "--fail-on", "never").json()["target"]
        assert target == {"kind": "git", "location": str(repo), "revision": revision, "commit": first}


@pytest.mark.parametrize("revision", ["HEAD~5", "../../etc/passwd", "refs/../../config", "/etc/passwd", "v1.0^{tree}",
                                      "abc", ""])
def test_revisions_that_name_nothing(repo: Path, run_cli, revision: str) -> None:
    result = run_cli(repo, "--rev", revision)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "not found" in result.stderr


def test_a_bare_repository_is_a_target(repo: Path, tmp_path: Path, run_cli) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    report = run_cli(bare, "--rev", "v1.0", "--format", "json", "--fail-on", "never").json()
    assert report["target"]["commit"] == _commit_of(repo, "v1.0")
    assert statuses(report)["model-parameters"] == "referenced"


def _status_states(repo: Path) -> dict[str, str]:
    """path -> the state `git status` gives it, in the auditor's words (git run on a copy: it writes the index)."""
    copy = repo.parent / "status-copy"
    subprocess.run(["cp", "-a", str(repo), str(copy)], check=True)
    words = {"??": "untracked", "!!": "ignored", "M": "modified", "D": "deleted", "A": "added"}
    porcelain = git(copy, "status", "--porcelain", "--ignored", "--untracked-files=normal")
    subprocess.run(["rm", "-rf", str(copy)], check=True)
    return {line[3:].rstrip("/"): words.get(line[:2]) or words[line[:2].strip()] for line in porcelain.splitlines()}


@pytest.mark.parametrize("index_version", [2, 3, 4])
def test_working_tree_states_are_the_ones_git_status_gives(repo: Path, run_cli, index_version: int) -> None:
    (repo / ".gitignore").write_text("build/\n*.ckpt\n!keep.ckpt\n__pycache__/\n")
    (repo / "src" / "sub").mkdir(parents=True)
    (repo / "src" / "a.py").write_text("a\n")
    (repo / "src" / "sub" / "b.py").write_text("b\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "code")
    git(repo, "update-index", "--index-version", str(index_version))
    (repo / ".git" / "info" / "exclude").write_text("secret*\n")
    (repo / "src" / "a.py").write_text("A\n")  # same size: only its content tells
    (repo / "src" / "sub" / "b.py").unlink()
    for path, content in (("new.txt", "n"), ("build/out.o", "o"), ("final.ckpt", "c"), ("keep.ckpt", "k"),
                          ("untracked/deep/u.txt", "u"), ("ignored/x.ckpt", "i"), ("src/__pycache__/a.pyc", "p"),
                          ("secret.key", "s"), ("staged.txt", "s")):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(content)
    git(repo, "add", "staged.txt")
    if index_version == 3:
        git(repo, "add", "-N", "new.txt")  # intent to add: an extended flag
    index = (repo / ".git" / "index").read_bytes()
    assert int.from_bytes(index[4:8], "big") == index_version
    report = run_cli(repo, "--format", "json", "--fail-on", "never").json()
    warned = {f["path"]: f["message"].split(":")[0].split(" ")[0] for f in report["findings"]
              if f["code"] == "OSAID-A013"}
    assert warned == _status_states(repo)
    assert (repo / ".git" / "index").read_bytes() == index


def test_a_git_lfs_file_is_compared_by_its_pointer_size_never_hashed(tmp_path: Path, monkeypatch) -> None:
    from auditor.sources import git_worktree

    root = tmp_path / "lfs"
    root.mkdir()
    git(root, "init", "-q")
    big = 10 * 1024 ** 3
    for name, size in (("model.safetensors", big), ("other.safetensors", big + 1)):
        (root / name).write_text(POINTER.replace("13476249600", str(size)))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "pointers")
    for name in ("model.safetensors", "other.safetensors"):
        with open(root / name, "wb") as file:
            file.truncate(big)  # what `git lfs pull` leaves: the content, 10 GiB (sparse here)
    hashed: list[int] = []
    monkeypatch.setattr(git_worktree, "blob_sha", lambda size, chunks: hashed.append(size) or b"")
    warned = {f.path: f.message for f in git_worktree.uncommitted_findings(str(root))}
    assert warned == {"other.safetensors": "modified since the last commit: not in the committed release"}
    assert hashed == []
