"""A release as a Hugging Face Hub repository, read without downloading weights.

The listing (names, sizes, LFS hashes) comes from one repository-info request; small text files
(cards, licences, configs, code) are fetched whole within a download budget; anything larger is
read by HTTP range requests, so a weight shard costs only the bytes of its header. Branches and
tags are listed (Pythia keeps training steps as branches), and datasets named by the model card
are looked up so their cards and licences can feed data information.

Whatever the Hub (or a server posing as it) answers, an audit ends: every request has a wall-clock
deadline, and requests, whole-file bytes and ranged bytes each have a budget for the whole audit.
An answer that breaks (cut short, reset, malformed, too large) is a finding for the part it was
for, or one line and exit 2 when it is the listing itself.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable
from typing import TypeVar

import httpx2
from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.errors import HfHubHTTPError, HFValidationError, RepositoryNotFoundError
from huggingface_hub.utils import build_hf_headers, validate_repo_id

from auditor.artifacts.markdown_document import parse_markdown
from auditor.errors import AuditorError, BadTargetError, SourceUnavailableError
from auditor.escape import printable
from auditor.findings import Finding
from auditor.sources.hub_answers import (
    BudgetSpent,
    checked_info,
    checked_refs,
    hub_errors,
    status_message,
    transport_failure,
)
from auditor.sources.hub_http import IDENTITY, bounded, bounded_session
from auditor.sources.hub_pacing import pace, rate_limited
from auditor.sources.hub_target import HubTarget
from auditor.sources.interface import Artifact, Inventory, Source, Target

DEFAULT_ENDPOINT = "https://huggingface.co"
DATASET_CARD_PREFIX = "hf-datasets/"
MiB = 1024 * 1024

# The bounds of one Hub audit, all here. Each holds against any answer: a server that drips, floods,
# lies about sizes or never ends cannot make the audit wait, download or hold more than these.
TIMEOUT_SECONDS = 30.0
"""Wall-clock limit of one request, body included: the Hub answers in well under a second; a server
sending a byte a second is cut off here. OSAID_AUDIT_HUB_TIMEOUT overrides it."""
TIMEOUT_ENV = "OSAID_AUDIT_HUB_TIMEOUT"
AUDIT_DEADLINES = 10
"""The whole Hub audit may take ten request deadlines (300 s by default): many slow answers, each within
its own deadline, must not add up to hours. Past it, what is left unread becomes findings; ranged
reads stop a third earlier, so slow weight shards never starve the documents."""
MAX_REQUESTS = 500
"""Requests per audit, retries included. The listing, refs, datasets and whole files are bounded in
number (below); ranged reads grow with the repository and get the rest (see `_ranged_share`): two
ranges (first bytes, header) per shard of a checkpoint of about 200 shards."""
WHOLE_FILE_LIMIT = 512 * 1024
"""Files up to this size are fetched whole (cards, licences, configs, code): they are read as text."""
MAX_FILES_READ = 64
"""Whole files fetched per Hub audit: the requests stay a small constant whatever the repo's size."""
WHOLE_FILE_BUDGET = 8 * MiB
"""Bytes of whole-file fetches in all: cards, licences and configs take kilobytes each."""
RANGED_BUDGET = 64 * MiB
"""Bytes read by range in all (first bytes of binaries, weight headers, large texts): the headers of a
200-shard checkpoint take a few MB; 20 shards each claiming the largest header the safetensors parser
accepts would take 2 GB."""
ANSWER_LIMIT = 32 * MiB
"""Bytes of one API answer (a listing, refs): a repository of 100,000 files lists in about 25 MB."""
RANGE_SLACK = 256 * 1024
"""What a ranged answer may bring besides the bytes asked: status line, headers, one read ahead."""
MAX_DATASETS = 10
"""Datasets named by the model card that are looked up, each one request."""
RETRIES = 3
BACKOFF_SECONDS = 1.0
_RETRIED = (429, 500, 502, 503, 504)
T = TypeVar("T")


class HubSource(Source):
    def __init__(self, target: HubTarget, token: str | None = None, endpoint: str | None = None) -> None:
        self._target = target
        self._endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self._token = token if token is not None else os.environ.get("HF_TOKEN") or None
        self._seconds = request_seconds()
        self._api = HfApi(endpoint=self._endpoint, token=self._token or False, headers=IDENTITY)
        self._commit: str | None = None
        # path -> (repo type, repo id, revision, path there) for files read from another repo (dataset cards)
        self._origin: dict[str, tuple[str, str, str, str]] = {}
        self._cache: dict[str, bytes] = {}
        self._failed: dict[str, OSError] = {}
        self._readable: set[str] = set()
        self._requests = 0
        self._audit_deadline = time.monotonic() + self._seconds * AUDIT_DEADLINES
        self._ranged_requests = 0
        self._whole_bytes = 0
        self._ranged_bytes = 0

    def target(self) -> Target:
        return Target(kind="hub", location=str(self._target), revision=self._target.revision or "main",
                      commit=self._commit)

    def inventory(self) -> Inventory:
        info = self._call(lambda: checked_info(self._repo_info(self._target.repo_type, self._target.repo_id,
                                                               self._target.revision)), what="repository")
        self._commit = info.sha
        if info.gated:
            self._check_gated_access(info)
        listed: dict[str, Artifact] = {}  # a name listed twice is one file
        for s in info.siblings or []:
            if s.rfilename not in listed:
                listed[s.rfilename] = Artifact(s.rfilename, s.size or 0, self, digest=s.lfs.sha256 if s.lfs else None)
        artifacts = list(listed.values())
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
        first = next((s.rfilename for s in info.siblings or [] if s.size), None)
        if first is not None:
            try:
                self._get(first, 0, 1, ranged=False)
            except OSError as error:
                raise SourceUnavailableError(f"{shown}: gated repository; the token has no access "
                                             f"({error.strerror or error})") from None

    def _repo_info(self, repo_type: str, repo_id: str, revision: str | None):  # noqa: ANN202 - client type
        fetch = self._api.dataset_info if repo_type == "dataset" else self._api.model_info
        return fetch(repo_id, revision=revision, files_metadata=True, timeout=self._seconds)

    def _revisions(self, findings: list[Finding]) -> list[str]:
        try:
            refs = self._call(lambda: checked_refs(self._api.list_repo_refs(
                self._target.repo_id, repo_type=self._target.repo_type)), what="refs")
        except SourceUnavailableError as error:
            findings.append(Finding("", "OSAID-A014", f"branches and tags not read: {error}"))
            return []
        names = [b.name for b in refs.branches if b.name != "main"] + [t.name for t in refs.tags]
        return sorted(set(names))

    def _add_dataset_cards(self, inventory: Inventory) -> None:
        """Cards of the datasets the model card names, as documents under `hf-datasets/ID/`. An id is
        `owner/name` or one word (`wikitext`), as the Hub's canonical datasets are named."""
        card = inventory.get("README.md")
        if self._target.repo_type != "model" or card is None or card.text is None:
            return
        names = parse_markdown(card.text).front_matter.get("datasets")
        names = [names] if isinstance(names, str) else names if isinstance(names, list) else []
        names = sorted({n for n in names if isinstance(n, str)})
        if len(names) > MAX_DATASETS:
            inventory.findings.append(Finding("README.md", "OSAID-A014", (
                f"{len(names) - MAX_DATASETS} datasets named by the card were not looked up: a Hub audit looks "
                f"up at most {MAX_DATASETS}")))
        for name in names[:MAX_DATASETS]:
            try:
                validate_repo_id(name)
                info = self._call(lambda n=name: checked_info(self._repo_info("dataset", n, None)),
                                  what=f"dataset {name}")
            except HFValidationError:
                inventory.findings.append(Finding("README.md", "OSAID-A014", (
                    f"dataset {name} not read: not a Hub repository id")))
                continue
            except (SourceUnavailableError, BadTargetError) as error:
                inventory.findings.append(Finding("README.md", "OSAID-A014", f"dataset {name} not read: {error}"))
                continue
            path = f"{DATASET_CARD_PREFIX}{name}/README.md"
            sibling = next((s for s in info.siblings or [] if s.rfilename == "README.md"), None)
            if sibling is not None and inventory.get(path) is None:
                self._origin[path] = ("dataset", name, info.sha or "main", "README.md")
                self._readable.add(path)
                inventory.artifacts.append(Artifact(path, sibling.size or 0, self))
        inventory.__post_init__()

    def _where(self, path: str, default_revision: str) -> tuple[str, str, str, str]:
        """(repo type, repo id, revision, path there) of a listed path."""
        return self._origin.get(path, (self._target.repo_type, self._target.repo_id,
                                       self._commit or default_revision, path))

    def _file_url(self, path: str) -> str:
        repo_type, repo_id, revision, real_path = self._where(path, self._target.revision or "main")
        return hf_hub_url(repo_id, real_path, repo_type=repo_type, revision=revision, endpoint=self._endpoint)

    def url(self, artifact: Artifact) -> str | None:
        repo_type, repo_id, revision, real_path = self._where(artifact.path, "main")
        prefix = "datasets/" if repo_type == "dataset" else ""
        return f"{self._endpoint}/{prefix}{repo_id}/blob/{revision}/{real_path}"

    def can_stream(self, artifact: Artifact) -> bool:
        return False  # hashing a remote file would download it: the listing's sha256 is used instead

    def read(self, artifact: Artifact, offset: int, length: int) -> bytes:
        if artifact.path in self._cache:
            return self._cache[artifact.path][offset:offset + length]
        if artifact.path in self._failed:
            raise self._failed[artifact.path]  # one failure per file: a file that timed out costs one deadline
        length = min(length, artifact.size - offset)  # the listing's size: nothing past it is asked for
        if length <= 0:
            return b""
        if artifact.size <= WHOLE_FILE_LIMIT and not _is_binary_name(artifact.path) \
                and artifact.path not in self._readable:
            return b""  # beyond MAX_FILES_READ: counted once in an OSAID-A014 finding
        try:
            if artifact.path in self._readable:
                self._whole_bytes = _spend(self._whole_bytes, artifact.size, WHOLE_FILE_BUDGET, "of whole files")
                self._cache[artifact.path] = self._get(artifact.path, 0, artifact.size, ranged=False)
                return self._cache[artifact.path][offset:offset + length]
            self._ranged_bytes = _spend(self._ranged_bytes, length, RANGED_BUDGET, "by range")
            return self._get(artifact.path, offset, length, ranged=True)
        except OSError as error:
            self._failed[artifact.path] = error
            raise

    def _get(self, path: str, offset: int, length: int, ranged: bool) -> bytes:
        """Bytes [offset, offset+length) by a ranged GET: never more than asked, even if the server
        ignores the range and starts sending the whole file; fewer is an error (a truncated answer)."""
        url = self._file_url(path)
        headers = {**build_hf_headers(token=self._token or False), **IDENTITY,
                   "Range": f"bytes={offset}-{offset + length - 1}"}

        def fetch() -> bytes:
            with bounded_session().stream("GET", url, headers=headers, timeout=self._seconds,
                                          follow_redirects=True) as response:
                if response.status_code in _RETRIED:
                    raise _Retry(response.status_code)
                if response.status_code >= 400:
                    raise OSError(0, f"HTTP {response.status_code} for {printable(path)}")
                chunks, received = [], 0
                skip = offset if response.status_code == 200 else 0  # range ignored: skip to it
                for chunk in response.iter_raw():
                    if skip:
                        dropped = min(skip, len(chunk))
                        chunk, skip = chunk[dropped:], skip - dropped
                    chunks.append(chunk[:length - received])
                    received += len(chunks[-1])
                    if received >= length:
                        break
            if received < length:
                raise OSError(0, f"the Hub sent {received:,} of the {length:,} bytes asked for {printable(path)}")
            return b"".join(chunks)

        try:
            return _with_retries(lambda: self._attempt(fetch, length + RANGE_SLACK, ranged))
        except _Retry as retry:
            raise OSError(0, f"HTTP {retry.status} for {printable(path)} after {RETRIES} tries") from None
        except httpx2.TimeoutException:
            raise OSError(0, f"no answer within {self._seconds:g} s for {printable(path)}") from None
        except httpx2.RequestError as error:
            raise OSError(0, f"{transport_failure(error)} reading {printable(path)}") from None

    def _attempt(self, request: Callable[[], T], byte_limit: int, ranged: bool) -> T:
        """One request: counted against MAX_REQUESTS (ranged ones against their share of it), ended
        at the deadline, and cut off past `byte_limit` bytes received."""
        share = _ranged_share()
        if self._requests >= MAX_REQUESTS or (ranged and self._ranged_requests >= share):
            raise BudgetSpent(f"budget spent (a Hub audit makes at most {MAX_REQUESTS} requests, "
                              f"{share} of them by range)")
        left = self._audit_deadline - time.monotonic()
        # Ranged reads (weights, large files) leave the last third of the time to cards, licences and configs.
        if left <= (self._seconds * AUDIT_DEADLINES / 3 if ranged else 0):
            raise BudgetSpent(f"time budget spent (a Hub audit takes at most "
                              f"{self._seconds * AUDIT_DEADLINES:g} s)")
        self._requests += 1
        self._ranged_requests += ranged
        pace()
        bounded_session()
        with bounded(min(self._seconds, left), byte_limit):
            return request()

    def _call(self, call: Callable[[], T], what: str) -> T:
        """A client call with retries on 429/5xx, and every failure as one clear line."""
        shown = str(self._target)
        try:
            with hub_errors(shown, what, self._endpoint, bool(self._token), self._seconds):
                return _with_retries(lambda: self._attempt(call, ANSWER_LIMIT, ranged=False))
        except _Retry as retry:
            raise SourceUnavailableError(status_message(shown, what, retry.status, RETRIES)) from None


def request_seconds() -> float:
    """The deadline of one request: TIMEOUT_SECONDS, or OSAID_AUDIT_HUB_TIMEOUT when set."""
    raw = os.environ.get(TIMEOUT_ENV)
    if raw is None:
        return TIMEOUT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise AuditorError(f"{TIMEOUT_ENV}={printable(raw)!r}: expected a number of seconds above 0")
    return seconds


def _ranged_share() -> int:
    """The requests ranged reads may make: what the listing, refs, datasets and whole files cannot
    take, so that many weight shards never keep the cards and licences from being read."""
    return max(MAX_REQUESTS - 2 - MAX_DATASETS - MAX_FILES_READ, 0)


def _spend(spent: int, amount: int, budget: int, what: str) -> int:
    """`spent + amount`, or BudgetSpent when that is over `budget`."""
    if spent + amount > budget:
        raise BudgetSpent(f"budget spent (a Hub audit reads at most {budget // MiB} MiB {what})")
    return spent + amount


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
            if status == 429:
                rate_limited(_retry_after(error.response) or BACKOFF_SECONDS * 2 ** attempt)
        except _Retry as retry:
            if attempt == RETRIES - 1:
                raise
            if retry.status == 429:
                rate_limited(BACKOFF_SECONDS * 2 ** attempt)
        time.sleep(BACKOFF_SECONDS * 2 ** attempt)
    raise AssertionError("unreachable")


def _retry_after(response: httpx2.Response | None) -> float | None:
    """The seconds of a Retry-After header (its date form is not read: the back-off applies)."""
    raw = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None
