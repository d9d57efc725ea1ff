"""A small in-memory fake of the Hugging Face Hub API, for tests (standard library only).

The real ``huggingface_hub`` client can be pointed at it (``HfApi(endpoint=hub.url)``,
``hf_hub_url(..., endpoint=hub.url)``, ``hf_hub_download(..., endpoint=hub.url)``, ``get_session()``)::

    with HubServer([FakeRepo("org/model", {"config.json": FakeFile(b"{}")})]) as hub:
        HfApi(endpoint=hub.url).model_info("org/model", files_metadata=True)

It listens on 127.0.0.1 (port 0), records every request in ``hub.requests`` and can inject faults
(``fail``, ``delay``, ``malformed_json``, ``endless_pagination``, and the hostile ``drip``, ``truncate``,
``reset``, ``compress`` and ``answer``). Every fault ends: a dripping answer stops when the client goes or
the server closes, and nothing is ever sent that was not generated within a bounded size.

Served (``{type}`` is ``models`` or ``datasets``; revisions and tree paths may be URL-quoted with ``%2F``):

- ``GET /api/models?search=&sort=downloads&limit=`` (models by ``FakeRepo.downloads``, paged).
- ``GET /api/{type}/{repo_id}[/revision/{rev}]`` (``?blobs=true`` adds ``size``, ``blobId``, ``lfs``; ``?expand=x``
  keeps only ``_id``, ``id`` and the listed properties).
- ``GET /api/{type}/{repo_id}/tree/{rev}[/{path}]?recursive=&expand=&cursor=`` paged by ``page_size`` with a
  ``Link: <...>; rel="next"`` header.
- ``GET /api/{type}/{repo_id}/refs[?include_prs=1]`` and ``POST /api/{type}/{repo_id}/paths-info/{rev}``.
- ``HEAD|GET /{repo_id}/resolve/{rev}/{path}`` and ``/datasets/{repo_id}/resolve/{rev}/{path}`` with
  ``Range: bytes=a-b | a- | -n`` answered by ``206`` and only those bytes, generated on the fly.

Determinism (so tests can compute expected values):

- commit sha of a branch: ``sha1(f"{repo_id}@{branch}")`` (``FakeRepo.commit_sha``); a tag points at ``main``.
  A revision may be a branch name, a tag or one of those shas.
- git blob oid of a regular file: the real git blob sha1 of its (virtual) bytes; of an LFS file: the git blob
  sha1 of its LFS pointer text (whose length is ``pointerSize``).
- LFS sha256: the real sha256 of the virtual bytes when ``size <= 64 MiB``, otherwise
  ``sha256(b"osaid-fake-lfs\\0" + str(size).encode() + b"\\0" + content)`` (a big virtual shard is never hashed).

Access rules follow what huggingface.co answers (errors carry ``X-Error-Code``/``X-Error-Message`` and a JSON
``{"error": ...}`` body):

- an ``Authorization`` header whose bearer token is not ``token`` -> ``401`` without ``X-Error-Code`` and
  ``X-Error-Message: Invalid credentials in Authorization header`` (when ``token`` is None any bearer is valid);
- unknown repo, or private repo without a valid token -> ``RepoNotFound``, ``401`` when anonymous, ``404`` when
  authenticated (the Hub never tells an anonymous caller whether a repo exists);
- unknown revision -> ``404 RevisionNotFound``; unknown file or tree path -> ``404 EntryNotFound``;
- gated repo: metadata (info, tree, refs, paths-info) is public, as on the Hub; file contents (``resolve``)
  need a valid token -> otherwise ``401 GatedRepo``. A valid token counts as having accepted the conditions.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import socket
import struct
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

__all__ = ["FakeFile", "FakeRepo", "HubServer", "Request", "loopback_only", "LFS_THRESHOLD"]

LFS_THRESHOLD = 10 * 1024 * 1024  # files above 10 MiB are always reported as LFS files
_REAL_SHA256_LIMIT = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
_ZEROS = bytes(_CHUNK)
_DATE = "2024-01-01T00:00:00.000Z"
_DTYPE_OK = re.compile(r"^[A-Z0-9_]+$")


# --------------------------------------------------------------------------------------------------- data model


@dataclass(eq=False)
class FakeFile:
    """A file: ``content`` followed by zero bytes up to ``size`` (``size`` defaults to ``len(content)``)."""

    content: bytes = b""
    size: int | None = None
    lfs: bool = False

    def __post_init__(self) -> None:
        if self.size is None:
            self.size = len(self.content)
        if self.size < len(self.content):
            raise ValueError(f"size {self.size} is smaller than the content ({len(self.content)} bytes)")

    @property
    def length(self) -> int:
        return self.size if self.size is not None else len(self.content)

    @property
    def is_lfs(self) -> bool:
        return self.lfs or self.length > LFS_THRESHOLD

    def iter_bytes(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The bytes ``[start, stop)``, in chunks of at most 1 MiB; padding is generated, never stored."""
        stop = self.length if stop is None else min(stop, self.length)
        pos = max(start, 0)
        while pos < stop:
            if pos < len(self.content):
                end = min(stop, len(self.content), pos + _CHUNK)
                yield self.content[pos:end]
            else:
                end = min(stop, pos + _CHUNK)
                yield _ZEROS[: end - pos]
            pos = end

    def read(self, start: int = 0, stop: int | None = None) -> bytes:
        return b"".join(self.iter_bytes(start, stop))

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        if self.length <= _REAL_SHA256_LIMIT:
            for chunk in self.iter_bytes():
                digest.update(chunk)
        else:
            digest.update(b"osaid-fake-lfs\0" + str(self.length).encode() + b"\0" + self.content)
        return digest.hexdigest()

    @cached_property
    def pointer(self) -> bytes:
        """The git-lfs pointer text committed in place of an LFS file."""
        return f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.sha256}\nsize {self.length}\n".encode()

    @cached_property
    def git_oid(self) -> str:
        if self.is_lfs:
            return _git_blob_sha1([self.pointer], len(self.pointer))
        return _git_blob_sha1(self.iter_bytes(), self.length)


def _git_blob_sha1(chunks: Any, length: int) -> str:
    digest = hashlib.sha1(f"blob {length}\0".encode())
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


@dataclass(eq=False)
class FakeRepo:
    """A repo: ``files`` is the ``main`` branch, ``revisions`` other branches, ``tags`` git tags on ``main``."""

    repo_id: str
    files: dict[str, FakeFile]
    repo_type: Literal["model", "dataset"] = "model"
    revisions: dict[str, dict[str, FakeFile]] | None = None
    tags: list[str] = field(default_factory=list)
    gated: bool = False
    private: bool = False
    card_data: dict[str, Any] | None = None
    downloads: int = 0

    def __post_init__(self) -> None:
        if self.repo_type not in ("model", "dataset"):
            raise ValueError(f"unsupported repo_type {self.repo_type!r}")
        if "main" in (self.revisions or {}):
            raise ValueError("the main branch is `files`, not revisions['main']")

    @property
    def branches(self) -> dict[str, dict[str, FakeFile]]:
        return {"main": self.files, **(self.revisions or {})}

    def commit_sha(self, revision: str = "main") -> str:
        """The commit sha of a branch (or of ``main`` for a tag)."""
        branch = "main" if revision in self.tags else revision
        return hashlib.sha1(f"{self.repo_id}@{branch}".encode()).hexdigest()

    def resolve(self, revision: str) -> tuple[str, dict[str, FakeFile]] | None:
        """(commit sha, files) of a branch, tag or commit sha; None when unknown."""
        branches = self.branches
        if revision in branches:
            return self.commit_sha(revision), branches[revision]
        if revision in self.tags:
            return self.commit_sha("main"), self.files
        for name, files in branches.items():
            if self.commit_sha(name) == revision:
                return revision, files
        return None


@dataclass
class Request:
    """One request as the server saw it; ``status`` and ``bytes_sent`` (body bytes) are filled while answering."""

    method: str
    path: str  # URL-decoded path, without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case keys
    range: str | None
    status: int = 0
    bytes_sent: int = 0


@dataclass
class _Rule:
    pattern: re.Pattern[str]
    method: str | None = None
    statuses: list[int] = field(default_factory=list)
    seconds: float = 0.0
    retry_after: int | None = None
    fraction: float = 1.0
    after_headers: bool = False
    body: bytes = b""
    content_type: str = ""

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and self.pattern.search(path) is not None


class _CutShort(Exception):
    """The truncated answer has sent all it will: the connection is closed."""


class _DripWriter:
    """Writes one byte every ``interval`` seconds; gives up when the server closes."""

    def __init__(self, writer: Any, interval: float, stopping: threading.Event) -> None:
        self._writer, self._interval, self._stopping = writer, interval, stopping

    def write(self, data: bytes) -> int:
        for i in range(len(data)):
            if self._stopping.wait(self._interval):
                raise ConnectionAbortedError("server closing")
            self._writer.write(data[i : i + 1])
        return len(data)

    def flush(self) -> None:
        self._writer.flush()


class _HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, headers or {}


# ------------------------------------------------------------------------------------------------------- server


class HubServer:
    """A fake Hub on ``http://127.0.0.1:<port>``; use as a context manager (or ``start()``/``close()``)."""

    def __init__(self, repos: Sequence[FakeRepo] = (), token: str | None = "hf_test", page_size: int = 50):
        self.token = token
        self.page_size = page_size
        self.requests: list[Request] = []
        self._repos: dict[tuple[str, str], FakeRepo] = {}
        for repo in repos:
            self.add_repo(repo)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._failures: list[_Rule] = []
        self._delays: list[_Rule] = []
        self._malformed: list[_Rule] = []
        self._endless: list[_Rule] = []
        self._drips: list[_Rule] = []
        self._truncations: list[_Rule] = []
        self._resets: list[_Rule] = []
        self._compressed: list[_Rule] = []
        self._answers: list[_Rule] = []
        self._connections: set[socket.socket] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> HubServer:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        httpd.daemon_threads = True
        httpd.hub = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # end keep-alive handler threads
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("HubServer is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # set-up ---------------------------------------------------------------------------------------------------

    def add_repo(self, repo: FakeRepo) -> None:
        self._repos[(repo.repo_type, repo.repo_id)] = repo

    def fail(
        self,
        path_regex: str,
        statuses: Sequence[int] = (429, 429),
        *,
        times: int = 1,
        method: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next matching requests with ``statuses`` (repeated ``times`` times), then normally.

        ``path_regex`` is searched in the URL-decoded path; ``retry_after`` adds a ``Retry-After`` header (the client
        then sleeps that long + 1 s, so leave it None in fast tests).
        """
        rule = _Rule(re.compile(path_regex), method, list(statuses) * times, retry_after=retry_after)
        with self._lock:
            self._failures.append(rule)

    def delay(self, path_regex: str, seconds: float, *, method: str | None = None) -> None:
        """Sleep ``seconds`` before answering every matching request (cut short when the server closes)."""
        with self._lock:
            self._delays.append(_Rule(re.compile(path_regex), method, seconds=seconds))

    def malformed_json(self, path_regex: str) -> None:
        """Truncate the JSON body of every successful matching response (status and headers unchanged)."""
        with self._lock:
            self._malformed.append(_Rule(re.compile(path_regex)))

    def endless_pagination(self, path_regex: str) -> None:
        """Matching tree listings always carry a ``rel="next"`` link; past the end the pages wrap around."""
        with self._lock:
            self._endless.append(_Rule(re.compile(path_regex)))

    def drip(self, path_regex: str, interval: float = 1.0, *, after_headers: bool = False) -> None:
        """Send matching answers one byte every ``interval`` seconds, from the status line on (or from the
        body on, with ``after_headers``); the connection is not reused."""
        with self._lock:
            self._drips.append(_Rule(re.compile(path_regex), seconds=interval, after_headers=after_headers))

    def truncate(self, path_regex: str, fraction: float = 0.5) -> None:
        """Send only ``fraction`` of each matching answer's body (its Content-Length unchanged), then close."""
        with self._lock:
            self._truncations.append(_Rule(re.compile(path_regex), fraction=fraction))

    def reset(self, path_regex: str) -> None:
        """Read each matching request, then reset the connection (TCP RST) without answering."""
        with self._lock:
            self._resets.append(_Rule(re.compile(path_regex)))

    def compress(self, path_regex: str) -> None:
        """Send matching JSON answers gzip-compressed (``Content-Encoding: gzip``), asked for or not."""
        with self._lock:
            self._compressed.append(_Rule(re.compile(path_regex)))

    def answer(self, path_regex: str, body: bytes, content_type: str = "application/json") -> None:
        """Answer matching requests with ``200`` and this body (an HTML page, JSON of the wrong shape, ...)."""
        with self._lock:
            self._answers.append(_Rule(re.compile(path_regex), body=body, content_type=content_type))

    # inspection -----------------------------------------------------------------------------------------------

    def bytes_served(self, path_suffix: str = "") -> int:
        """Body bytes sent for requests whose decoded path ends with ``path_suffix``."""
        with self._lock:
            return sum(r.bytes_sent for r in self.requests if r.path.endswith(path_suffix))

    def requests_to(self, path_regex: str, method: str | None = None) -> list[Request]:
        pattern = re.compile(path_regex)
        with self._lock:
            return [r for r in self.requests if pattern.search(r.path) and (method is None or r.method == method)]

    # internals used by the handler ----------------------------------------------------------------------------

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_failure(self, method: str, path: str) -> tuple[int, int | None] | None:
        with self._lock:
            for rule in self._failures:
                if rule.statuses and rule.matches(method, path):
                    return rule.statuses.pop(0), rule.retry_after
        return None

    def _delay_for(self, method: str, path: str) -> float:
        with self._lock:
            return sum(rule.seconds for rule in self._delays if rule.matches(method, path))

    def _flagged(self, rules: list[_Rule], method: str, path: str) -> bool:
        return self._rule_for(rules, method, path) is not None

    def _rule_for(self, rules: list[_Rule], method: str, path: str) -> _Rule | None:
        with self._lock:
            return next((rule for rule in rules if rule.matches(method, path)), None)

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            (self._connections.add if add else self._connections.discard)(conn)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in separate writes: no delayed-ACK stall between
    server_version = "FakeHub/1.0"
    sys_version = ""

    @property
    def hub(self) -> HubServer:
        return self.server.hub  # type: ignore[attr-defined]

    def setup(self) -> None:
        super().setup()
        self.hub._track(self.connection, True)

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
            pass  # the client went away between requests (as a client that refuses an answer does)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.hub._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr logging
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # dispatch -------------------------------------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        split = urlsplit(self.path)
        self._method = method
        self._raw_path = split.path
        self._query = parse_qs(split.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        self._body = self.rfile.read(length) if length else b""
        self._rec = Request(method, unquote(split.path), self._query, headers, headers.get("range"))
        self.hub._record(self._rec)
        self._drip = self.hub._rule_for(self.hub._drips, method, self._rec.path)
        self._cut: int | None = None
        socket_writer = self.wfile
        if self._drip is not None:
            self.close_connection = True
            if not self._drip.after_headers:
                self.wfile = _DripWriter(socket_writer, self._drip.seconds, self.hub._stopping)
        try:
            seconds = self.hub._delay_for(method, self._rec.path)
            if seconds:
                self.hub._stopping.wait(seconds)
            if self.hub._flagged(self.hub._resets, method, self._rec.path):
                return self._reset_connection()
            failure = self.hub._take_failure(method, self._rec.path)
            answer = self.hub._rule_for(self.hub._answers, method, self._rec.path)
            try:
                if failure is not None:
                    status, retry_after = failure
                    extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                    raise _HubError(status, f"Injected failure ({status})", headers=extra)
                if answer is not None:
                    self._start(200, {"Content-Type": answer.content_type, "Content-Length": str(len(answer.body))})
                    return self._write(answer.body)
                self._route(headers)
            except _HubError as err:
                self._send_error(err)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, _CutShort):
            self.close_connection = True
        except Exception as exc:  # a bug in the fake: answer 500 rather than dropping the connection
            if self._rec.status:
                self.close_connection = True
            else:
                self._send_error(_HubError(500, f"fake hub error: {exc!r}"))
        finally:
            self.wfile = socket_writer

    def _route(self, headers: dict[str, str]) -> None:
        authed = self._authenticate(headers.get("authorization"))
        segs = self._raw_path.split("/")[1:]
        if segs == ["api", "models"] and self._method == "GET":
            return self._list_models(authed)
        if len(segs) >= 3 and segs[0] == "api" and segs[1] in ("models", "datasets"):
            repo_type = segs[1][:-1]
            repo, rest = self._find_repo(repo_type, segs[2:], authed)
            if self._method == "GET" and not rest:
                return self._info(repo, "main")
            if self._method == "GET" and len(rest) == 2 and rest[0] == "revision":
                return self._info(repo, unquote(rest[1]))
            if self._method == "GET" and len(rest) >= 2 and rest[0] == "tree":
                tree_path = "/".join(unquote(s) for s in rest[2:]).strip("/")
                return self._tree(repo, unquote(rest[1]), tree_path)
            if self._method == "GET" and rest == ["refs"]:
                return self._refs(repo)
            if self._method == "POST" and len(rest) == 2 and rest[0] == "paths-info":
                return self._paths_info(repo, unquote(rest[1]))
        elif "resolve" in segs and self._method in ("GET", "HEAD"):
            at = segs.index("resolve")
            prefix, repo_type = segs[:at], "model"
            if prefix and prefix[0] == "datasets":
                prefix, repo_type = prefix[1:], "dataset"
            if prefix and len(segs) > at + 2:
                repo, _ = self._find_repo(repo_type, prefix, authed, whole=True)
                return self._resolve(repo, unquote(segs[at + 1]), unquote("/".join(segs[at + 2 :])), authed)
        raise _HubError(404, "Sorry, we can't find the page you are looking for.")

    def _authenticate(self, authorization: str | None) -> bool:
        if authorization is None:
            return False
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or (self.hub.token is not None and token != self.hub.token):
            raise _HubError(401, "Invalid credentials in Authorization header")
        return True

    def _find_repo(
        self, repo_type: str, segs: list[str], authed: bool, whole: bool = False
    ) -> tuple[FakeRepo, list[str]]:
        names = [unquote(s) for s in segs]
        candidates = [len(names)] if whole else [n for n in (2, 1) if len(names) >= n]
        for n in candidates:
            repo = self.hub._repos.get((repo_type, "/".join(names[:n])))
            if repo is not None and (authed or not repo.private):
                return repo, segs[n:]
        raise _HubError(404 if authed else 401, "Repository not found", "RepoNotFound")

    def _revision(self, repo: FakeRepo, revision: str) -> tuple[str, dict[str, FakeFile]]:
        resolved = repo.resolve(revision)
        if resolved is None:
            raise _HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return resolved

    # endpoints ------------------------------------------------------------------------------------------------

    def _info(self, repo: FakeRepo, revision: str) -> None:
        sha, files = self._revision(repo, revision)
        blobs = _truthy(self._query.get("blobs"))
        expand = self._query.get("expand", []) + self._query.get("expand[]", [])
        siblings = []
        for path in sorted(files):
            sibling: dict[str, Any] = {"rfilename": path}
            if blobs and not expand:
                f = files[path]
                sibling.update(size=f.length, blobId=f.git_oid)
                if f.is_lfs:
                    sibling["lfs"] = {"sha256": f.sha256, "size": f.length, "pointerSize": len(f.pointer)}
            siblings.append(sibling)
        card = repo.card_data or {}
        data: dict[str, Any] = {
            "_id": hashlib.sha1(f"{repo.repo_type}:{repo.repo_id}".encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0] if "/" in repo.repo_id else None,
            "sha": sha,
            "lastModified": _DATE,
            "createdAt": _DATE,
            "private": repo.private,
            "gated": "auto" if repo.gated else False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": _hub_tags(card),
            "siblings": siblings,
            "usedStorage": sum(f.length for f in files.values()),
        }
        if repo.card_data is not None:
            data["cardData"] = repo.card_data
        if repo.repo_type == "model":
            data["modelId"] = repo.repo_id
            for key in ("library_name", "pipeline_tag"):
                if key in card:
                    data[key] = card[key]
            safetensors = _safetensors_summary(files)
            if safetensors is not None:
                data["safetensors"] = safetensors
        if expand:
            data = {k: v for k, v in data.items() if k in ("_id", "id") or k in expand}
        self._send_json(200, data)

    def _tree(self, repo: FakeRepo, revision: str, tree_path: str) -> None:
        sha, files = self._revision(repo, revision)
        recursive = _truthy(self._query.get("recursive"))
        expand = _truthy(self._query.get("expand"))
        dirs = {"/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)}
        if tree_path and tree_path not in dirs:
            raise _HubError(404, f"{tree_path} does not exist on {revision}", "EntryNotFound", {"X-Repo-Commit": sha})
        prefix = f"{tree_path}/" if tree_path else ""

        def wanted(path: str) -> bool:
            return path.startswith(prefix) and (recursive or "/" not in path[len(prefix) :])

        entries = [self._dir_entry(sha, d, expand) for d in dirs if wanted(d)]
        entries += [self._file_entry(sha, p, files[p], expand) for p in files if wanted(p)]
        entries.sort(key=lambda e: e["path"])

        cursor = _int(self._query.get("cursor"), 0)
        endless = self.hub._flagged(self.hub._endless, self._method, self._rec.path)
        start = cursor % len(entries) if endless and entries else cursor
        page = entries[start : start + self.hub.page_size]
        headers = {}
        if endless or cursor + self.hub.page_size < len(entries):
            quoted_path = "/" + quote(tree_path, safe="") if tree_path else ""
            params = {
                "recursive": str(recursive).lower(),
                "expand": str(expand).lower(),
                "cursor": str(cursor + self.hub.page_size),
            }
            next_url = (
                f"{self.hub.url}/api/{repo.repo_type}s/{repo.repo_id}/tree/{quote(revision, safe='')}"
                f"{quoted_path}?{urlencode(params)}"
            )
            headers["Link"] = f'<{next_url}>; rel="next"'
        self._send_json(200, page, headers)

    def _list_models(self, authed: bool) -> None:
        """``GET /api/models?search=&sort=downloads&limit=&cursor=``: public models (private ones only
        with a token), most downloaded first when sorted so, paged by ``page_size`` (or ``limit``)."""
        search = (self._query.get("search") or [""])[0].lower()
        models = [r for r in self.hub._repos.values()
                  if r.repo_type == "model" and (authed or not r.private) and search in r.repo_id.lower()]
        if (self._query.get("sort") or [""])[0] == "downloads":
            models.sort(key=lambda r: (-r.downloads, r.repo_id))
        size = min(_int(self._query.get("limit"), self.hub.page_size), self.hub.page_size)
        cursor = _int(self._query.get("cursor"), 0)
        page = models[cursor : cursor + size]
        headers = {}
        if cursor + size < len(models):
            params = {k: v[0] for k, v in self._query.items() if k != "cursor"}
            params["cursor"] = str(cursor + size)
            headers["Link"] = f'<{self.hub.url}/api/models?{urlencode(params)}>; rel="next"'
        self._send_json(200, [{"_id": r.repo_id, "id": r.repo_id, "modelId": r.repo_id, "downloads": r.downloads,
                               "private": r.private, "sha": r.commit_sha()} for r in page], headers)

    def _file_entry(self, sha: str, path: str, f: FakeFile, expand: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": "file", "oid": f.git_oid, "size": f.length, "path": path}
        if f.is_lfs:
            entry["lfs"] = {"oid": f.sha256, "size": f.length, "pointerSize": len(f.pointer)}
        if expand:
            entry["lastCommit"] = {"id": sha, "title": "Fake commit", "date": _DATE}
            entry["securityFileStatus"] = {
                "status": "safe",
                "avScan": {"virusFound": False, "virusNames": None},
                "pickleImportScan": None,
            }
        return entry

    def _dir_entry(self, sha: str, path: str, expand: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "type": "directory",
            "oid": hashlib.sha1(f"tree\0{sha}\0{path}".encode()).hexdigest(),
            "size": 0,
            "path": path,
        }
        if expand:
            entry["lastCommit"] = {"id": sha, "title": "Fake commit", "date": _DATE}
        return entry

    def _refs(self, repo: FakeRepo) -> None:
        def ref(name: str, kind: str) -> dict[str, str]:
            return {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": repo.commit_sha(name)}

        data: dict[str, Any] = {
            "branches": [ref(name, "heads") for name in repo.branches],
            "converts": [],
            "tags": [ref(name, "tags") for name in repo.tags],
        }
        if _truthy(self._query.get("include_prs")):
            data["pullRequests"] = []
        self._send_json(200, data)

    def _paths_info(self, repo: FakeRepo, revision: str) -> None:
        sha, files = self._revision(repo, revision)
        form = parse_qs(self._body.decode("utf-8", "replace"), keep_blank_values=True)
        expand = _truthy(form.get("expand"))
        dirs = {"/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)}
        out = []
        for path in form.get("paths", []):
            path = path.strip("/")
            if path in files:
                out.append(self._file_entry(sha, path, files[path], expand))
            elif path in dirs:
                out.append(self._dir_entry(sha, path, expand))
        self._send_json(200, out)

    def _resolve(self, repo: FakeRepo, revision: str, path: str, authed: bool) -> None:
        sha, files = self._revision(repo, revision)
        if repo.gated and not authed:
            raise _HubError(
                401,
                f"Access to {repo.repo_type} {repo.repo_id} is restricted. You must have access to it and be "
                "authenticated to access it. Please log in.",
                "GatedRepo",
            )
        f = files.get(path)
        if f is None:
            raise _HubError(404, "Entry not found", "EntryNotFound", {"X-Repo-Commit": sha})
        headers = {
            "X-Repo-Commit": sha,
            "ETag": f'"{f.git_oid}"',
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        if f.is_lfs:
            headers["X-Linked-Etag"] = f'"{f.sha256}"'
            headers["X-Linked-Size"] = str(f.length)
        size = f.length
        start, stop, status = 0, size, 200
        match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", self._rec.range or "", re.IGNORECASE)
        if match and (match.group(1) or match.group(2)):
            first, last = match.groups()
            if first:
                start, stop = int(first), (min(int(last) + 1, size) if last else size)
            else:  # suffix range: the last n bytes
                start, stop = max(size - int(last), 0), size
            if start >= size or stop <= start:
                raise _HubError(416, "Requested Range Not Satisfiable", headers={"Content-Range": f"bytes */{size}"})
            status = 206
            headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
        headers["Content-Length"] = str(stop - start)
        self._start(status, headers)
        if self._method == "GET":
            for chunk in f.iter_bytes(start, stop):
                self._write(chunk)

    # responses ------------------------------------------------------------------------------------------------

    def _start(self, status: int, headers: dict[str, str]) -> None:
        self._rec.status = status
        truncation = self.hub._rule_for(self.hub._truncations, self._method, self._rec.path)
        if truncation is not None and status < 400 and "Content-Length" in headers:
            self._cut = int(int(headers["Content-Length"]) * truncation.fraction)
        self.send_response(status)
        self.send_header("X-Request-Id", f"fake-{id(self._rec):x}")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self._drip is not None and self._drip.after_headers:
            self.wfile = _DripWriter(self.wfile, self._drip.seconds, self.hub._stopping)

    def _write(self, data: bytes) -> None:
        if self._cut is not None:
            data = data[: max(self._cut - self._rec.bytes_sent, 0)]
        self._rec.bytes_sent += len(data)  # counted first: the client may see the bytes before write() returns
        self.wfile.write(data)
        if self._cut is not None and self._rec.bytes_sent >= self._cut:
            raise _CutShort

    def _reset_connection(self) -> None:
        """Close with SO_LINGER 0: the client gets a TCP RST instead of an answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _send_json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data).encode()
        if status < 400 and self.hub._flagged(self.hub._malformed, self._method, self._rec.path):
            body = body[: max(1, len(body) // 2)]
        base = {"Content-Type": "application/json; charset=utf-8"}
        if self.hub._flagged(self.hub._compressed, self._method, self._rec.path):
            body = gzip.compress(body, mtime=0)
            base["Content-Encoding"] = "gzip"
        base["Content-Length"] = str(len(body))
        self._start(status, {**base, **(headers or {})})
        if self._method != "HEAD":
            self._write(body)

    def _send_error(self, err: _HubError) -> None:
        header_safe = re.sub(r"[\r\n]+", " ", err.message).encode("ascii", "replace").decode()
        headers = {"X-Error-Message": header_safe, **err.headers}
        if err.code is not None:
            headers["X-Error-Code"] = err.code
        self._send_json(err.status, {"error": err.message}, headers)


# ------------------------------------------------------------------------------------------------------ helpers


def _truthy(values: list[str] | None) -> bool:
    return bool(values and values[-1].strip().lower() in ("1", "true", "yes"))


def _int(values: list[str] | None, default: int) -> int:
    try:
        return max(int(values[-1]), 0) if values else default
    except ValueError:
        return default


def _hub_tags(card: dict[str, Any]) -> list[str]:
    """The Hub's repo tags, derived from card metadata the way the Hub does (a subset)."""

    def as_list(value: Any) -> list[str]:
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    tags = as_list(card.get("tags")) + as_list(card.get("library_name"))
    tags += as_list(card.get("language"))
    tags += [f"dataset:{d}" for d in as_list(card.get("datasets"))]
    tags += [f"base_model:{m}" for m in as_list(card.get("base_model"))]
    tags += [f"license:{lic}" for lic in as_list(card.get("license"))]
    return list(dict.fromkeys(tags))


def _safetensors_summary(files: dict[str, FakeFile]) -> dict[str, Any] | None:
    """``{"parameters": {dtype: n}, "total": n}`` from the headers of ``*.safetensors`` files, as the Hub computes."""
    parameters: dict[str, int] = {}
    for path, f in files.items():
        if not path.endswith(".safetensors") or len(f.content) < 8:
            continue
        size = int.from_bytes(f.content[:8], "little")
        if 8 + size > len(f.content):
            continue
        try:
            header = json.loads(f.content[8 : 8 + size])
        except ValueError:
            continue
        if not isinstance(header, dict):
            continue
        for name, info in header.items():
            if name == "__metadata__" or not isinstance(info, dict):
                continue
            dtype, shape = info.get("dtype"), info.get("shape")
            if not isinstance(dtype, str) or not _DTYPE_OK.match(dtype) or not isinstance(shape, list):
                continue
            if not all(isinstance(dim, int) and dim >= 0 for dim in shape):
                continue
            count = 1
            for dim in shape:
                count *= dim
            parameters[dtype] = parameters.get(dtype, 0) + count
    if not parameters:
        return None
    return {"parameters": parameters, "total": sum(parameters.values())}


@contextmanager
def loopback_only() -> Iterator[None]:
    """Within the block, any socket connection to a non-loopback address raises ``ConnectionRefusedError``."""
    original = socket.socket.connect
    original_ex = socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if not (host == "localhost" or host == "::1" or str(host).startswith("127.")):
                raise ConnectionRefusedError(f"test blocked a connection to {address!r} (loopback only)")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        return original(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return original_ex(sock, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]
        socket.socket.connect_ex = original_ex  # type: ignore[method-assign]


def safetensors_file(tensors: dict[str, tuple[str, list[int]]], lfs: bool = True) -> FakeFile:
    """A safetensors file whose header is real and whose tensor data is virtual zero padding."""
    widths = {"F32": 4, "BF16": 2, "F16": 2, "U8": 1, "I64": 8}
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = widths[dtype]
        for dim in shape:
            n *= dim
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    content = struct.pack("<Q", len(raw)) + raw
    return FakeFile(content, size=len(content) + offset, lfs=lfs)
