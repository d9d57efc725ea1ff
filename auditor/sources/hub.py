"""A release as a Hugging Face Hub repository, read without downloading weights.

The listing (names, sizes, LFS hashes) comes from one repository-info request; small text files
(cards, licences, configs, code) are fetched whole within a download budget; anything larger is
read by HTTP range requests, so a weight shard costs only the bytes of its header. Branches and
tags are listed (Pythia keeps training steps as branches), and datasets named by the model card
are looked up so their cards and licences can feed data information.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpx2
from huggingface_hub import HfApi, get_session, hf_hub_url
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import build_hf_headers

from auditor.artifacts.markdown_document import parse_markdown
from auditor.errors import BadTargetError, SourceUnavailableError
from auditor.escape import printable
from auditor.findings import Finding
from auditor.sources.hub_target import HubTarget
from auditor.sources.interface import Artifact, Inventory, Source, Target

DEFAULT_ENDPOINT = "https://huggingface.co"
WHOLE_FILE_LIMIT = 512 * 1024
"""Files up to this size are fetched whole (cards, licences, configs, code): they are read as text."""
DOWNLOAD_BUDGET = 8 * 1024 * 1024
"""Whole-file fetches stop at this total; beyond it files are read by range only."""
DATASET_CARD_PREFIX = "hf-datasets/"
MAX_DATASETS = 10
RETRIES = 3
BACKOFF_SECONDS = 1.0
TIMEOUT_SECONDS = 30.0
_RETRIED = (429, 500, 502, 503, 504)
T = TypeVar("T")


class HubSource(Source):
    def __init__(self, target: HubTarget, token: str | None = None) -> None:
        self._target = target
        self._endpoint = (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self._token = token if token is not None else os.environ.get("HF_TOKEN") or None
        self._api = HfApi(endpoint=self._endpoint, token=self._token or False)
        self._commit: str | None = None
        # path -> (repo type, repo id, revision) for files read from another repo (dataset cards)
        self._origin: dict[str, tuple[str, str, str]] = {}
        self._cache: dict[str, bytes] = {}
        self.downloaded = 0
        self._readable: set[str] = set()

    def target(self) -> Target:
        return Target(kind="hub", location=str(self._target), revision=self._target.revision or "main",
                      commit=self._commit)

    def inventory(self) -> Inventory:
        info = self._call(lambda: self._repo_info(self._target.repo_type, self._target.repo_id,
                                                  self._target.revision), what="repository")
        self._commit = info.sha
        if info.gated:
            self._check_gated_access(info)
        artifacts = [Artifact(s.rfilename, int(s.size or 0), self, digest=s.lfs.sha256 if s.lfs else None)
                     for s in info.siblings or []]
        findings: list[Finding] = []
        self._readable = _files_to_read(artifacts)
        unread = sum(1 for a in artifacts if a.size <= WHOLE_FILE_LIMIT and a.path not in self._readable
                     and not _is_binary_name(a.path))
        if unread:
            findings.append(Finding("", "OSAID-A014", f"{unread} small files were not read: a Hub audit reads at "
                                                      f"most {MAX_FILES_READ} whole files (cards, licences, "
                                                      "configs, then code named for what it does)"))
        revisions = self._revisions(findings)
        inventory = Inventory(self.target(), artifacts, findings, revisions=revisions)
        self._add_dataset_cards(inventory)
        return inventory

    def _check_gated_access(self, info) -> None:  # noqa: ANN001 - the client's RepoInfo
        """A gated repo lists its files to anyone but serves them only to accepted tokens: say so
        once, up front, rather than failing on every file."""
        shown = str(self._target)
        if not self._token:
            raise SourceUnavailableError(f"{shown}: gated repository; set HF_TOKEN after accepting its terms "
                                         "on the Hub")
        first = next((s.rfilename for s in info.siblings or [] if s.rfilename), None)
        if first is not None:
            try:
                self._get(first, 0, 1)
            except OSError as error:
                raise SourceUnavailableError(f"{shown}: gated repository; the token has no access "
                                             f"({error.strerror or error})") from None

    def _repo_info(self, repo_type: str, repo_id: str, revision: str | None):  # noqa: ANN202 - client type
        fetch = self._api.dataset_info if repo_type == "dataset" else self._api.model_info
        return fetch(repo_id, revision=revision, files_metadata=True, timeout=TIMEOUT_SECONDS)

    def _revisions(self, findings: list[Finding]) -> list[str]:
        try:
            refs = self._call(lambda: self._api.list_repo_refs(self._target.repo_id,
                                                               repo_type=self._target.repo_type), what="refs")
        except SourceUnavailableError as error:
            findings.append(Finding("", "OSAID-A014", f"branches and tags not read: {error}"))
            return []
        names = [b.name for b in refs.branches if b.name != "main"] + [t.name for t in refs.tags]
        return sorted(set(names))

    def _add_dataset_cards(self, inventory: Inventory) -> None:
        """Cards of the datasets the model card names, as documents under `hf-datasets/ID/`."""
        card = inventory.get("README.md")
        if self._target.repo_type != "model" or card is None or card.text is None:
            return
        names = parse_markdown(card.text).front_matter.get("datasets")
        names = [names] if isinstance(names, str) else names if isinstance(names, list) else []
        for name in sorted({n for n in names if isinstance(n, str)})[:MAX_DATASETS]:
            try:
                info = self._call(lambda n=name: self._repo_info("dataset", n, None), what=f"dataset {name}")
            except (SourceUnavailableError, BadTargetError) as error:
                inventory.findings.append(Finding("README.md", "OSAID-A014", f"dataset {name} not read: {error}"))
                continue
            for sibling in info.siblings or []:
                if sibling.rfilename == "README.md":
                    path = f"{DATASET_CARD_PREFIX}{name}/README.md"
                    self._origin[path] = ("dataset", name, info.sha or "main")
                    self._readable.add(path)
                    inventory.artifacts.append(Artifact(path, int(sibling.size or 0), self))
        inventory.__post_init__()

    def _file_url(self, path: str) -> str:
        repo_type, repo_id, revision = self._origin.get(
            path, (self._target.repo_type, self._target.repo_id, self._commit or self._target.revision or "main"))
        real_path = path.split("/", 3)[3] if path in self._origin else path
        return hf_hub_url(repo_id, real_path, repo_type=repo_type, revision=revision, endpoint=self._endpoint)

    def url(self, artifact: Artifact) -> str | None:
        repo_type, repo_id, revision = self._origin.get(
            artifact.path, (self._target.repo_type, self._target.repo_id, self._commit or "main"))
        prefix = "datasets/" if repo_type == "dataset" else ""
        real_path = artifact.path.split("/", 3)[3] if artifact.path in self._origin else artifact.path
        return f"{self._endpoint}/{prefix}{repo_id}/blob/{revision}/{real_path}"

    def can_stream(self, artifact: Artifact) -> bool:
        return False  # hashing a remote file would download it: the listing's sha256 is used instead

    def read(self, artifact: Artifact, offset: int, length: int) -> bytes:
        if artifact.path in self._cache:
            return self._cache[artifact.path][offset:offset + length]
        if artifact.size <= WHOLE_FILE_LIMIT and not _is_binary_name(artifact.path) \
                and artifact.path not in self._readable:
            return b""  # beyond the request budget: counted once in an OSAID-A014 finding
        if artifact.size <= WHOLE_FILE_LIMIT and self.downloaded + artifact.size <= DOWNLOAD_BUDGET:
            data = self._get(artifact.path, 0, max(artifact.size, 1))
            self._cache[artifact.path] = data
            return data[offset:offset + length]
        return self._get(artifact.path, offset, length)

    def _get(self, path: str, offset: int, length: int) -> bytes:
        """Bytes [offset, offset+length) by a ranged GET; never more than asked, even if the server
        ignores the range and starts sending the whole file."""
        url = self._file_url(path)
        headers = {**build_hf_headers(token=self._token or False),
                   "Range": f"bytes={offset}-{offset + length - 1}"}

        def fetch() -> bytes:
            with get_session().stream("GET", url, headers=headers, timeout=TIMEOUT_SECONDS,
                                      follow_redirects=True) as response:
                if response.status_code in _RETRIED:
                    raise _Retry(response.status_code)
                if response.status_code >= 400:
                    raise OSError(0, f"HTTP {response.status_code} for {printable(path)}")
                chunks, received = [], 0
                skip = offset if response.status_code == 200 else 0  # range ignored: skip to it
                for chunk in response.iter_bytes():
                    if skip:
                        dropped = min(skip, len(chunk))
                        chunk, skip = chunk[dropped:], skip - dropped
                    chunks.append(chunk[:length - received])
                    received += len(chunks[-1])
                    if received >= length:
                        break
                return b"".join(chunks)

        try:
            data = _with_retries(fetch)
        except _Retry as retry:
            raise OSError(0, f"HTTP {retry.status} for {printable(path)} after {RETRIES} tries") from None
        except (httpx2.TimeoutException, httpx2.NetworkError) as error:
            raise OSError(0, f"{type(error).__name__} reading {printable(path)}") from None
        self.downloaded += len(data)
        return data

    def _call(self, call: Callable[[], T], what: str) -> T:
        """A client call with retries on 429/5xx, and every failure as one clear line."""
        shown = str(self._target)
        try:
            with _hub_errors(shown, what, self._endpoint, bool(self._token)):
                return _with_retries(call)
        except _Retry as retry:
            raise SourceUnavailableError(_status_message(shown, what, retry.status)) from None


MAX_FILES_READ = 64
"""Whole files fetched per Hub audit: the requests stay a small constant whatever the repo's size."""
_FIRST = re.compile(r"^(readme|model[_-]?card|data[_-]?card|datasheet|licen[cs]e|copying|notice|use[_-]?policy|"
                    r"release\.yaml|\.osaid-waivers\.yaml|\.gitmodules|config\.json|generation_config\.json|"
                    r"tokenizer_config\.json|requirements.*\.txt|pyproject\.toml|setup\.(py|cfg)|environment\.ya?ml)"
                    r"|\.index\.json$", re.IGNORECASE)
_ROLE_NAME = re.compile(r"train|tune|generat|infer|serv|eval|model|preprocess|dedup|filter|tokeni|data|run|main",
                        re.IGNORECASE)
_CODE = (".py", ".sh", ".ipynb", ".yaml", ".yml", ".toml", ".json", ".md", ".txt")
_BINARY = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx", ".h5", ".hdf5", ".npy", ".npz",
           ".msgpack", ".tflite", ".parquet", ".arrow", ".pdf", ".model", ".pkl", ".pickle", ".zip")


def _is_binary_name(path: str) -> bool:
    """Weights, data and other binaries are read by range (their first bytes), never whole."""
    return path.lower().endswith(_BINARY)


def _files_to_read(artifacts: list[Artifact]) -> set[str]:
    """The whole files worth fetching, best first: cards, licences and configs; then code whose name
    says what it does, shallow before deep; then other code and configs."""
    def rank(artifact: Artifact) -> tuple[int, int, str]:
        name = artifact.name
        if _FIRST.search(name) and artifact.folder.count("/") < 2:
            group = 0
        elif name.endswith(_CODE) and _ROLE_NAME.search(name):
            group = 1
        elif name.endswith(_CODE):
            group = 2
        else:
            group = 3
        return (group, artifact.path.count("/"), artifact.path)

    small = [a for a in artifacts if a.size <= WHOLE_FILE_LIMIT and not _is_binary_name(a.path)]
    return {a.path for a in sorted(small, key=rank)[:MAX_FILES_READ]}


class _Retry(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _with_retries(call: Callable[[], T]) -> T:
    for attempt in range(RETRIES):
        try:
            return call()
        except HfHubHTTPError as error:
            status = error.response.status_code if error.response is not None else 0
            if status not in _RETRIED or isinstance(error, RepositoryNotFoundError):
                raise
            if attempt == RETRIES - 1:
                raise _Retry(status) from None
        except _Retry:
            if attempt == RETRIES - 1:
                raise
        time.sleep(BACKOFF_SECONDS * 2 ** attempt)
    raise AssertionError("unreachable")


def _status_message(shown: str, what: str, status: int) -> str:
    if status == 429:
        return (f"{shown}: the Hub is rate-limiting requests (429) for the {what}, still after {RETRIES} tries; "
                "try later")
    return f"{shown}: the Hub answered {status} for the {what}, still after {RETRIES} tries"


@contextmanager
def _hub_errors(shown: str, what: str, endpoint: str, has_token: bool) -> Iterator[None]:
    try:
        yield
    except GatedRepoError:
        hint = "your token has no access: accept the terms on the Hub" if has_token else \
            "set HF_TOKEN after accepting its terms on the Hub"
        raise SourceUnavailableError(f"{shown}: gated repository; {hint}") from None
    except RepositoryNotFoundError:
        raise BadTargetError(f"{shown}: {what} not found on {endpoint} (or private: set HF_TOKEN)") from None
    except RevisionNotFoundError:
        raise BadTargetError(f"{shown}: revision not found") from None
    except EntryNotFoundError:
        raise BadTargetError(f"{shown}: {what} not found") from None
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else 0
        if status == 401:
            raise SourceUnavailableError(f"{shown}: authentication failed (401): check HF_TOKEN") from None
        if status == 403:
            raise SourceUnavailableError(f"{shown}: access denied (403) to the {what}") from None
        raise SourceUnavailableError(_status_message(shown, what, status).replace(
            f", still after {RETRIES} tries", "")) from None
    except httpx2.TimeoutException:
        raise SourceUnavailableError(f"{shown}: the Hub did not answer within {TIMEOUT_SECONDS:.0f} s "
                                     f"({what})") from None
    except (httpx2.NetworkError, OSError) as error:
        raise SourceUnavailableError(f"{shown}: cannot reach {endpoint} ({type(error).__name__}); "
                                     "use --offline to audit the local cache") from None
    except (ValueError, KeyError, TypeError) as error:
        raise SourceUnavailableError(f"{shown}: the Hub sent a malformed answer for the {what} "
                                     f"({type(error).__name__})") from None
