"""The fake Hub (hub_server.py) answers the real huggingface_hub client the way huggingface.co does."""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from pathlib import Path

import httpx2
import pytest
from hub_server import FakeFile, FakeRepo, HubServer, safetensors_file
from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.hf_api import RepoFile, RepoFolder
from huggingface_hub.utils import get_session, http_backoff

GB10 = 10 * 1024**3


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


CONFIG = b'{"model_type": "llama"}'
CARD = {"license": "apache-2.0", "library_name": "transformers", "datasets": ["org/corpus"]}


def model_repo(**kwargs) -> FakeRepo:
    files = {
        "config.json": FakeFile(CONFIG),
        "README.md": FakeFile(b"---\nlicense: apache-2.0\n---\n# Model\n"),
        "model.safetensors": safetensors_file({"w": ("F32", [2, 3]), "b": ("F32", [3])}),
    }
    kwargs.setdefault("card_data", CARD)
    return FakeRepo(
        "org/model",
        files,
        revisions={"step1000": {"config.json": FakeFile(b"{}")}, "v1/x": {"a.txt": FakeFile(b"a")}},
        tags=["v1.0"],
        **kwargs,
    )


def test_model_info_with_files_metadata_and_revisions() -> None:
    repo = model_repo()
    with HubServer([repo]) as hub:
        api = HfApi(endpoint=hub.url)
        info = api.model_info("org/model", files_metadata=True)
        assert info.id == "org/model" and info.sha == repo.commit_sha("main")
        assert info.private is False and info.gated is False
        assert info.card_data["license"] == "apache-2.0"
        assert "license:apache-2.0" in info.tags and "dataset:org/corpus" in info.tags
        assert info.safetensors is not None and info.safetensors.total == 9
        siblings = {s.rfilename: s for s in info.siblings}
        assert set(siblings) == {"config.json", "README.md", "model.safetensors"}
        assert siblings["config.json"].size == len(CONFIG)
        assert siblings["config.json"].blob_id == git_blob_oid(CONFIG)
        assert siblings["config.json"].lfs is None
        shard = repo.files["model.safetensors"]
        lfs = siblings["model.safetensors"].lfs
        assert lfs is not None and lfs.size == shard.length == siblings["model.safetensors"].size
        assert lfs.sha256 == hashlib.sha256(shard.read()).hexdigest()
        assert lfs.pointer_size == len(shard.pointer)
        assert hub.requests[-1].path == "/api/models/org/model"
        assert hub.requests[-1].query == {"blobs": ["true"]}

        # without files_metadata: names only
        assert api.model_info("org/model").siblings[0].size is None
        # branch, slashed branch (sent as v1%2Fx), tag and commit sha
        assert api.model_info("org/model", revision="step1000").sha == repo.commit_sha("step1000")
        assert [s.rfilename for s in api.model_info("org/model", revision="v1/x").siblings] == ["a.txt"]
        assert hub.requests[-1].path == "/api/models/org/model/revision/v1/x"
        assert api.model_info("org/model", revision="v1.0").sha == repo.commit_sha("main")
        sha = repo.commit_sha("step1000")
        assert api.model_info("org/model", revision=sha).sha == sha

        # expand keeps only the asked properties
        expanded = api.model_info("org/model", expand=["cardData", "gated", "sha"])
        assert expanded.sha == repo.commit_sha() and expanded.gated is False and expanded.siblings is None
        assert hub.requests[-1].query == {"expand": ["cardData", "gated", "sha"]}


def test_dataset_info_gated_metadata_is_public() -> None:
    repo = FakeRepo(
        "org/corpus",
        {"data/train.csv": FakeFile(b"a,b\n1,2\n"), "README.md": FakeFile(b"# Corpus")},
        repo_type="dataset",
        gated=True,
        card_data={"license": "cc-by-4.0"},
    )
    with HubServer([repo]) as hub:
        info = HfApi(endpoint=hub.url).dataset_info("org/corpus", files_metadata=True)
        assert info.id == "org/corpus" and info.gated == "auto" and info.sha == repo.commit_sha()
        assert info.card_data["license"] == "cc-by-4.0"
        assert {s.rfilename: s.size for s in info.siblings} == {"data/train.csv": 8, "README.md": 8}
        assert hub.requests[-1].path == "/api/datasets/org/corpus"
        with pytest.raises(RepositoryNotFoundError):  # the model namespace is separate
            HfApi(endpoint=hub.url).model_info("org/corpus")


def test_list_repo_tree_recursive_across_three_pages() -> None:
    files = {f"shards/part-{i:03d}.bin": FakeFile(b"x" * i) for i in range(115)}
    files["config.json"] = FakeFile(CONFIG)
    files["weights/big.safetensors"] = FakeFile(b"\0" * 8, size=GB10)
    repo = FakeRepo("org/many", files)
    with HubServer([repo], page_size=50) as hub:
        api = HfApi(endpoint=hub.url)
        entries = list(api.list_repo_tree("org/many", recursive=True))
        tree_requests = hub.requests_to(r"/tree/")
        assert len(tree_requests) == 3
        assert tree_requests[0].query == {"recursive": ["true"], "expand": ["false"]}
        assert tree_requests[1].query["cursor"] == ["50"] and tree_requests[2].query["cursor"] == ["100"]
        folders = sorted(e.path for e in entries if isinstance(e, RepoFolder))
        assert folders == ["shards", "weights"]
        by_path = {e.path: e for e in entries if isinstance(e, RepoFile)}
        assert set(by_path) == set(files)
        assert by_path["shards/part-007.bin"].size == 7 and by_path["shards/part-007.bin"].lfs is None
        big = by_path["weights/big.safetensors"]
        assert big.size == GB10 and big.lfs is not None and big.lfs.size == GB10
        assert big.blob_id == files["weights/big.safetensors"].git_oid

        # a sub-folder, not recursive (path sent quoted), and list_repo_files
        sub = list(api.list_repo_tree("org/many", path_in_repo="weights"))
        assert [e.path for e in sub] == ["weights/big.safetensors"]
        top = {e.path for e in api.list_repo_tree("org/many")}
        assert top == {"config.json", "shards", "weights"}
        assert len(api.list_repo_files("org/many")) == len(files)
        with pytest.raises(EntryNotFoundError):
            list(api.list_repo_tree("org/many", path_in_repo="nope"))
        # expand=True adds last commit and security status
        expanded = list(api.list_repo_tree("org/many", path_in_repo="weights", expand=True))
        assert expanded[0].last_commit.oid == repo.commit_sha() and expanded[0].security.safe
        assert hub.bytes_served("big.safetensors") == 0


def test_list_repo_refs_and_paths_info() -> None:
    repo = model_repo()
    with HubServer([repo]) as hub:
        api = HfApi(endpoint=hub.url)
        refs = api.list_repo_refs("org/model")
        branches = {b.name: b for b in refs.branches}
        assert set(branches) == {"main", "step1000", "v1/x"}
        assert branches["step1000"].ref == "refs/heads/step1000"
        assert branches["step1000"].target_commit == repo.commit_sha("step1000")
        assert [(t.name, t.ref, t.target_commit) for t in refs.tags] == [
            ("v1.0", "refs/tags/v1.0", repo.commit_sha("main"))
        ]
        assert refs.converts == [] and refs.pull_requests is None
        assert api.list_repo_refs("org/model", include_pull_requests=True).pull_requests == []
        assert hub.requests[-1].path == "/api/models/org/model/refs"

        infos = api.get_paths_info("org/model", ["config.json", "missing.txt"], revision="step1000")
        assert [(i.path, i.size) for i in infos] == [("config.json", 2)]


def test_hf_hub_download_into_cache_dir(tmp_path: Path) -> None:
    repo = model_repo()
    dataset = FakeRepo("org/corpus", {"data/train.csv": FakeFile(b"a,b\n1,2\n")}, repo_type="dataset", private=True)
    cache = tmp_path / "cache"
    with HubServer([repo, dataset]) as hub:
        path = hf_hub_download("org/model", "config.json", cache_dir=cache, endpoint=hub.url)
        assert Path(path).read_bytes() == CONFIG
        assert Path(path) == cache / "models--org--model" / "snapshots" / repo.commit_sha() / "config.json"
        assert [(r.method, r.path, r.status) for r in hub.requests] == [
            ("HEAD", "/org/model/resolve/main/config.json", 200),
            ("GET", "/org/model/resolve/main/config.json", 200),
        ]
        assert hub.requests[0].headers["accept-encoding"] == "identity"
        assert "authorization" not in hub.requests[0].headers

        # an LFS file is cached under its sha256 (from X-Linked-Etag)
        shard = hf_hub_download("org/model", "model.safetensors", cache_dir=cache, endpoint=hub.url)
        assert Path(shard).read_bytes() == repo.files["model.safetensors"].read()
        assert Path(shard).resolve().name == repo.files["model.safetensors"].sha256

        # a private dataset, with the token
        csv = hf_hub_download(
            "org/corpus", "data/train.csv", repo_type="dataset", cache_dir=cache, endpoint=hub.url, token="hf_test"
        )
        assert Path(csv).read_bytes() == b"a,b\n1,2\n"
        assert hub.requests[-1].path == "/datasets/org/corpus/resolve/main/data/train.csv"
        assert hub.requests[-1].headers["authorization"] == "Bearer hf_test"


def test_ranged_get_returns_206_and_only_those_bytes() -> None:
    repo = model_repo()
    with HubServer([repo]) as hub:
        url = hf_hub_url("org/model", "config.json", endpoint=hub.url)
        response = get_session().get(url, headers={"Range": "bytes=2-11"})
        assert response.status_code == 206
        assert response.content == CONFIG[2:12]
        assert response.headers["Content-Range"] == f"bytes 2-11/{len(CONFIG)}"
        assert response.headers["X-Repo-Commit"] == repo.commit_sha()
        assert response.headers["ETag"] == f'"{git_blob_oid(CONFIG)}"'
        assert hub.requests[-1].range == "bytes=2-11" and hub.requests[-1].bytes_sent == 10

        tail = get_session().get(url, headers={"Range": "bytes=20-"})
        assert tail.status_code == 206 and tail.content == CONFIG[20:]
        suffix = get_session().get(url, headers={"Range": "bytes=-3"})
        assert suffix.status_code == 206 and suffix.content == CONFIG[-3:]
        assert hub.bytes_served("config.json") == 10 + len(CONFIG[20:]) + 3
        beyond = get_session().get(url, headers={"Range": f"bytes={len(CONFIG)}-"})
        assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(CONFIG)}"


def test_client_errors_are_mapped_from_error_codes(tmp_path: Path) -> None:
    private = FakeRepo("org/secret", {"a.txt": FakeFile(b"a")}, private=True)
    gated = FakeRepo("org/gated", {"weights.bin": FakeFile(b"w")}, gated=True)
    with HubServer([model_repo(), private, gated]) as hub:
        api = HfApi(endpoint=hub.url)
        cache = tmp_path / "cache"

        with pytest.raises(RepositoryNotFoundError) as missing:
            api.model_info("org/nothing")
        assert missing.value.response.status_code == 401  # anonymous callers get 401 as on the Hub
        with pytest.raises(RepositoryNotFoundError) as missing_authed:
            api.model_info("org/nothing", token="hf_test")
        assert missing_authed.value.response.status_code == 404
        with pytest.raises(RepositoryNotFoundError):
            hf_hub_download("org/nothing", "config.json", cache_dir=cache, endpoint=hub.url)

        with pytest.raises(RepositoryNotFoundError) as hidden:
            api.model_info("org/secret")
        assert hidden.value.response.headers["X-Error-Code"] == "RepoNotFound"
        assert api.model_info("org/secret", token="hf_test").private is True

        with pytest.raises(RevisionNotFoundError):
            api.model_info("org/model", revision="nope")
        with pytest.raises(RevisionNotFoundError):
            hf_hub_download("org/model", "config.json", revision="nope", cache_dir=cache, endpoint=hub.url)

        with pytest.raises(EntryNotFoundError):
            hf_hub_download("org/model", "missing.json", cache_dir=cache, endpoint=hub.url)
        with pytest.raises(EntryNotFoundError):
            get_hf_file_metadata(hf_hub_url("org/model", "missing.json", endpoint=hub.url))
        assert api.file_exists("org/model", "config.json") and not api.file_exists("org/model", "x")

        assert api.model_info("org/gated").gated == "auto"  # metadata is public
        with pytest.raises(GatedRepoError) as gate:
            hf_hub_download("org/gated", "weights.bin", cache_dir=cache, endpoint=hub.url)
        assert gate.value.response.status_code == 401
        ok = hf_hub_download("org/gated", "weights.bin", cache_dir=cache, endpoint=hub.url, token="hf_test")
        assert Path(ok).read_bytes() == b"w"

        with pytest.raises(HfHubHTTPError) as wrong:
            api.model_info("org/model", token="hf_wrong")
        assert wrong.value.response.status_code == 401
        assert not isinstance(wrong.value, RepositoryNotFoundError)
        assert "X-Error-Code" not in wrong.value.response.headers


def test_fail_429_then_success_with_http_backoff() -> None:
    with HubServer([model_repo()]) as hub:
        hub.fail(r"^/api/models/org/model$", statuses=[429, 429])
        response = http_backoff("GET", f"{hub.url}/api/models/org/model", base_wait_time=0.01, max_wait_time=0.02)
        assert response.status_code == 200 and response.json()["id"] == "org/model"
        assert [r.status for r in hub.requests] == [429, 429, 200]

        hub.fail(r"/refs$", statuses=[503], times=2)
        with pytest.raises(HfHubHTTPError):  # HfApi's info/refs calls are not retried
            HfApi(endpoint=hub.url).list_repo_refs("org/model")
        response = http_backoff("GET", f"{hub.url}/api/models/org/model/refs", base_wait_time=0.01)
        assert response.status_code == 200 and [r.status for r in hub.requests[-2:]] == [503, 200]


def test_virtual_10gb_shard_is_listed_whole_but_read_by_range() -> None:
    shard = safetensors_file({"embed": ("BF16", [GB10 // 2])})
    repo = FakeRepo("org/huge", {"model.safetensors": shard})
    with HubServer([repo]) as hub:
        api = HfApi(endpoint=hub.url)
        (entry,) = api.list_repo_tree("org/huge")
        assert entry.size == shard.length > GB10 and entry.lfs.size == shard.length
        assert api.model_info("org/huge", files_metadata=True).siblings[0].size == shard.length
        meta = get_hf_file_metadata(hf_hub_url("org/huge", "model.safetensors", endpoint=hub.url))
        assert meta.size == shard.length and meta.etag == shard.sha256 and meta.commit_hash == repo.commit_sha()

        parsed = api.get_safetensors_metadata("org/huge")
        assert parsed.files_metadata["model.safetensors"].parameter_count == {"BF16": GB10 // 2}
        ranges = [r.range for r in hub.requests_to(r"/resolve/", method="GET")]
        assert ranges == ["bytes=0-100000"]
        assert hub.bytes_served("model.safetensors") == 100_001


def test_delay_malformed_json_and_endless_pagination() -> None:
    files = {f"f{i:02d}.txt": FakeFile(b"x") for i in range(30)}
    with HubServer([FakeRepo("org/loop", files)], page_size=10) as hub:
        api = HfApi(endpoint=hub.url)
        hub.endless_pagination(r"/tree/")
        paths = [e.path for e in itertools.islice(api.list_repo_tree("org/loop"), 75)]
        assert len(paths) == 75 and paths[30] == "f00.txt"  # wrapped around, still going
        assert len(hub.requests_to(r"/tree/")) == 8

        hub.malformed_json(r"^/api/models/org/loop$")
        with pytest.raises(json.JSONDecodeError):
            api.model_info("org/loop")

        hub.delay(r"/resolve/", 2.0)
        with pytest.raises(httpx2.TimeoutException):
            get_session().get(hf_hub_url("org/loop", "f00.txt", endpoint=hub.url), timeout=0.2)


def test_drip_truncate_reset_compress_and_answer() -> None:
    with HubServer([model_repo()]) as hub, httpx2.Client(timeout=5.0) as client:
        url = hub.url + "/api/models/org/model"
        hub.drip(r"/refs$", interval=0.005)
        start = time.monotonic()
        assert client.get(url + "/refs").json()["branches"]  # every byte arrives, one per 5 ms
        assert time.monotonic() - start > 0.005 * 200  # status line and headers alone are over 200 bytes

        hub.truncate(r"^/api/models/org/model$", fraction=0.5)
        with pytest.raises(httpx2.RemoteProtocolError, match="incomplete|complete message body"):
            client.get(url)
        assert 0 < hub.requests[-1].bytes_sent < len(client.get(url + "/revision/main").content)

        hub.reset(r"/revision/v1\.0$")
        with pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
            client.get(url + "/revision/v1.0")

        hub.compress(r"/revision/step1000$")
        answer = client.get(url + "/revision/step1000")
        assert answer.headers["content-encoding"] == "gzip" and answer.json()["sha"]

        hub.answer(r"/paths-info/", b"<html>login</html>", "text/html")
        page = client.post(url + "/paths-info/main", data={"paths": "config.json"})
        assert page.status_code == 200 and page.headers["content-type"] == "text/html" and page.text.endswith("</html>")
