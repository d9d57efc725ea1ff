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
