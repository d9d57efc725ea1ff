"""The Hub source with the real huggingface_hub client against the fake Hub: what it reads, what it
never downloads, and how every failure reads."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hub_server import FakeFile, FakeRepo, HubServer, safetensors_file
from support import RELEASES, statuses

from auditor.sources import hub as hub_module

GB10 = 10 * 1024**3


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "BACKOFF_SECONDS", 0.01)


def release_files(name: str) -> dict[str, FakeFile]:
    root = RELEASES / name
    return {str(p.relative_to(root)): FakeFile(p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()}


def big_model(**kwargs) -> FakeRepo:
    files = {
        "README.md": FakeFile(b"---\nlicense: apache-2.0\ndatasets:\n- org/corpus\n---\n# Tiny\n\n## Model Details\n"
                              b"x\n\n## Uses\ny\n\n## Training Data\nSee the dataset card.\n"),
        "LICENSE": FakeFile((Path(__file__).resolve().parents[2] / "fixtures/licenses/apache-2.0.txt").read_bytes()),
        "config.json": FakeFile(b'{"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox"}'),
        "model-00001-of-00002.safetensors": safetensors_file({"a": ("BF16", [1024, 1024, 2560])}),
        "model-00002-of-00002.safetensors": safetensors_file({"b": ("BF16", [1024, 1024, 2560])}),
        "model.safetensors.index.json": FakeFile(json.dumps({
            "metadata": {"total_size": 2 * 2 * 1024 * 1024 * 2560},
            "weight_map": {"a": "model-00001-of-00002.safetensors",
                           "b": "model-00002-of-00002.safetensors"}}).encode()),
    }
    return FakeRepo("org/model", files, **kwargs)


CORPUS = FakeRepo("org/corpus", {"README.md": FakeFile(
    b"---\nlicense: cc-by-4.0\nsource_datasets: [original]\nsize_categories: [1B<n<10B]\n---\n# Corpus\n\n"
    b"## Provenance\nThe corpus comes from public web pages and public-domain books, listed below with their "
    b"origin and the date of each snapshot taken by the crawler.\n")}, repo_type="dataset")


def test_hub_audit_reads_headers_only(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = big_model(revisions={"step1000": {}, "step2000": {}}, tags=["v1.0"])
    with HubServer([repo, CORPUS]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        result = run_cli("hf://org/model", "--format", "json", "--fail-on", "never")
        assert result.exit_code == 0, result.stderr
        report = result.json()
        shard_bytes = sum(hub.bytes_served(f"model-0000{i}-of-00002.safetensors") for i in (1, 2))
        total = sum(r.bytes_sent for r in hub.requests)
        endpoint = hub.url
    assert report["target"] == {"kind": "hub", "location": "hf://org/model", "revision": "main",
                                "commit": repo.commit_sha()}
    assert shard_bytes < 64 * 1024 and total < 3 * 1024 * 1024  # two 10 GB shards, a few KB read
    params = next(r for r in report["requirements"] if r["id"] == "model-parameters")
    assert params["status"] == "satisfied"
    shard = next(e for e in params["evidence"] if e["path"] == "model-00001-of-00002.safetensors")
    assert "2,684,354,560 parameters" in shard["reason"]
    assert shard["url"] == f"{endpoint}/org/model/blob/{repo.commit_sha()}/model-00001-of-00002.safetensors"
    intermediate = next(c for c in report["components"] if c["id"] == "model-parameters-intermediate")
    assert intermediate["status"] == "referenced" and "step1000" in intermediate["evidence"][0]["reason"]
    data_card = next(c for c in report["components"] if c["id"] == "data-card")
    assert data_card["evidence"][0]["path"] == "hf-datasets/org/corpus/README.md"
    assert data_card["license"]["label"] == "CC-BY-4.0"


def test_revision_and_dataset_targets(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = big_model(revisions={"step1000": {"README.md": FakeFile(b"# old\n"), "config.json": FakeFile(b"{}")}})
    with HubServer([repo, CORPUS]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        old = run_cli("hf://org/model@step1000", "--format", "json", "--fail-on", "never").json()
        dataset = run_cli("hf://datasets/org/corpus", "--format", "json", "--fail-on", "never").json()
    assert old["target"]["revision"] == "step1000" and old["target"]["commit"] == repo.commit_sha("step1000")
    assert statuses(old)["model-parameters"] == "missing"
    assert dataset["target"]["location"] == "hf://datasets/org/corpus"
    assert next(c for c in dataset["components"] if c["id"] == "data-card")["status"] == "satisfied"


@pytest.mark.parametrize(("target", "setup", "message"), [
    ("hf://org/nope", None, "not found"),
    ("hf://org/model@nope", None, "revision not found"),
    ("hf://org/gated", None, "gated repository; set HF_TOKEN"),
    ("hf://org/model", lambda hub: hub.fail(r"/api/models/org/model", [429], times=5), "rate-limiting"),
    ("hf://org/model", lambda hub: hub.fail(r"/api/models/org/model", [503], times=5), "answered 503"),
    ("hf://org/model", lambda hub: hub.malformed_json(r"/api/models/org/model$"), "malformed answer"),
    ("hf://org/model", lambda hub: hub.delay(r"/api/models/org/model", 3), "did not answer within"),
    ("hf://org/model", lambda hub: hub.fail(r"/api/models/org/model", [403], times=1), "access denied (403)"),
    ("hf://bad name", None, "expected hf://OWNER/NAME"),
])
def test_hub_failures_are_one_line_exit_2(run_cli, monkeypatch: pytest.MonkeyPatch, target, setup, message) -> None:
    monkeypatch.setattr(hub_module, "TIMEOUT_SECONDS", 0.5)
    with HubServer([big_model(), big_model().__class__("org/gated", {"README.md": FakeFile(b"# g\n")},
                                                       gated=True)]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        if setup:
            setup(hub)
        result = run_cli(target)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_unreachable_hub(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    result = run_cli("hf://org/model")
    assert result.exit_code == 2 and "cannot reach" in result.stderr and "--offline" in result.stderr


def test_transient_errors_are_retried(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with HubServer([big_model()]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        hub.fail(r"/api/models/org/model", [429, 502])
        hub.fail(r"/resolve/.*/config.json", [500])
        result = run_cli("hf://org/model", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert "GPTNeoXForCausalLM" in json.dumps(result.json())


def test_gated_repo_with_a_token(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with HubServer([big_model(gated=True)], token="hf_test") as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_TOKEN", "hf_wrong")
        denied = run_cli("hf://org/model")
        monkeypatch.setenv("HF_TOKEN", "hf_test")
        allowed = run_cli("hf://org/model", "--format", "json", "--fail-on", "never")
    assert denied.exit_code == 2 and "401" in denied.stderr
    assert allowed.exit_code == 0 and statuses(allowed.json())["model-parameters"] == "satisfied"


def test_unreadable_dataset_is_named_not_fatal(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with HubServer([big_model()]) as hub:  # the card names org/corpus, which this Hub lacks
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        report = run_cli("hf://org/model", "--format", "json", "--fail-on", "never").json()
    assert any(f["code"] == "OSAID-A014" and "org/corpus" in f["message"] for f in report["findings"])


def test_offline_reads_only_the_cache(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import hf_hub_download
    missing = run_cli("hf://org/model", "--offline")
    assert missing.exit_code == 2 and "not in the local Hugging Face cache" in missing.stderr
    with HubServer([big_model()]) as hub:
        for name in ("README.md", "LICENSE", "config.json"):
            hf_hub_download("org/model", name, endpoint=hub.url)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    report = run_cli("hf://org/model", "--format", "json", "--fail-on", "never").json()
    assert report["target"]["kind"] == "hub-cache"
    assert statuses(report)["model-architecture"] == "referenced"
    assert any(f["code"] == "OSAID-A014" and "offline" in f["message"] for f in report["findings"])


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def test_same_release_as_folder_git_tag_and_hub(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "release"
    shutil.copytree(RELEASES / "open-release", folder)
    git(folder, "init", "-q")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@e", "add", "-A")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "release")
    git(folder, "tag", "v1.0")
    as_folder = run_cli(folder, "--format", "json").json()
    as_tag = run_cli(folder, "--rev", "v1.0", "--format", "json").json()
    repo = FakeRepo("org/open", release_files("open-release"), revisions={"step-1000": {}, "step-2000": {}})
    with HubServer([repo]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        as_hub = run_cli("hf://org/open", "--format", "json").json()
    assert statuses(as_folder) == statuses(as_tag) == statuses(as_hub)
    assert as_folder["verdict"] == as_tag["verdict"] == as_hub["verdict"] == "open-source-ai"
    assert as_tag["target"]["kind"] == "git" and as_tag["target"]["revision"] == "v1.0"
    assert len(as_tag["target"]["commit"]) == 40


def test_requests_stay_a_small_constant_plus_the_shards(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"src/module_{i:04d}.py": FakeFile(b"import torch\nx = 1\n") for i in range(990)}
    files.update({f"model-{i:05d}-of-00008.safetensors": safetensors_file({f"w{i}": ("BF16", [4096, 4096])})
                  for i in range(8)})
    files["README.md"] = FakeFile(b"---\nlicense: apache-2.0\n---\n# Model Details\n")
    files["config.json"] = FakeFile(b'{"architectures": ["LlamaForCausalLM"]}')
    with HubServer([FakeRepo("org/many", files)]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        report = run_cli("hf://org/many", "--format", "json", "--fail-on", "never").json()
        requests = len(hub.requests)
        shard_requests = len(hub.requests_to(r"\.safetensors$"))
    assert requests <= 2 + hub_module.MAX_FILES_READ + 2 * 8  # info, refs, whole files, two ranges per shard
    assert shard_requests <= 2 * 8
    assert any(f["code"] == "OSAID-A014" and "not read" in f["message"] for f in report["findings"])
    assert statuses(report)["model-parameters"] == "satisfied"


def test_one_word_dataset_id_is_looked_up_as_a_canonical_dataset(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    card = b"---\nlicense: apache-2.0\ndatasets: [wikitext, ../../etc]\n---\n# Tiny\n\n## Model Details\nx\n"
    wikitext = FakeRepo("wikitext", {"README.md": FakeFile(CORPUS.files["README.md"].content.replace(
        b"cc-by-4.0", b"cc-by-sa-3.0"))}, repo_type="dataset")
    model = FakeRepo("org/model", {**big_model().files, "README.md": FakeFile(card)})
    with HubServer([model, wikitext]) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        result = run_cli("hf://org/model", "--format", "json", "--fail-on", "never")
        endpoint = hub.url
        asked = [r.path for r in hub.requests_to(r"^/(api/)?datasets/")]
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert {"/api/datasets/wikitext", f"/datasets/wikitext/resolve/{wikitext.commit_sha()}/README.md"} <= set(asked)
    card_urls = {e["url"] for c in report["components"] for e in c["evidence"]
                 if e["path"] == "hf-datasets/wikitext/README.md"}
    assert card_urls == {f"{endpoint}/datasets/wikitext/blob/{wikitext.commit_sha()}/README.md"}
    assert {(d["path"], d["id"]) for d in report["licenses"]} >= {("hf-datasets/wikitext/README.md", "CC-BY-SA-3.0")}
    named = {e["reason"] for r in report["requirements"] for e in r["evidence"]}
    assert "model card names dataset wikitext" in named
    unread = {f["message"] for f in report["findings"] if f["code"] == "OSAID-A014"}
    assert "dataset ../../etc not read: not a Hub repository id" in unread
