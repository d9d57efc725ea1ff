"""HTTP to the Hub within bounds: each request gets a wall-clock deadline and a byte limit.

The client's timeouts are per socket operation, so a server that sends a byte a second never trips
them. Inside `bounded(...)` every socket operation (connect, TLS handshake, each send and receive,
for the status line and headers as for the body) is given only the time left until the deadline,
and every byte received counts against the limit, whichever code makes the request: the
huggingface_hub client's own calls or the auditor's ranged reads. Outside `bounded(...)` nothing
changes. Compressed answers are refused: a few bytes on the wire could inflate to any size.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import httpcore2
import httpx2
from httpcore2 import NetworkBackend, NetworkStream
from huggingface_hub import close_session, get_session

from auditor.errors import AuditorError

IDENTITY = {"Accept-Encoding": "identity"}
"""Asks for answers as they are, so that their size on the wire is their size in memory."""


class AnswerRefused(httpx2.TransportError):
    """An answer larger than its limit, or compressed although no compression was asked for."""


@dataclass
class _Bounds:
    deadline: float
    """time.monotonic() by which the request, body included, must be done."""
    byte_limit: int
    received: int = 0

    def time_left(self, timeout: float | None, expired: type[Exception]) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise expired("the deadline of the request has passed")
        return left if timeout is None else min(timeout, left)


_CURRENT: ContextVar[_Bounds | None] = ContextVar("osaid_hub_request_bounds", default=None)


@contextmanager
def bounded(seconds: float, byte_limit: int) -> Iterator[None]:
    """Requests made inside end within `seconds` and receive at most `byte_limit` bytes in all."""
    token = _CURRENT.set(_Bounds(time.monotonic() + seconds, byte_limit))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def bounded_session() -> httpx2.Client:
    """The client's shared session, its sockets made by the bounding network backend.

    httpx2 takes no network backend, so the one of each connection pool is wrapped in place, on a
    fresh session (connections already pooled were made without it); this runs before every request
    since the client may close and recreate its session. Without the wrapper the deadline would not
    hold: better no audit than one that can hang.
    """
    client = get_session()
    if _backends_are(_pools(client), _BoundedBackend):
        return client
    close_session()
    client = get_session()
    pools = _pools(client)
    if not _backends_are(pools, NetworkBackend):
        raise AuditorError("this version of httpx2 does not let the auditor bound Hub requests in time; "
                           "install the versions osaid-audit is tested with")
    for pool in pools:
        pool._network_backend = _BoundedBackend(pool._network_backend)
    client.event_hooks = {**client.event_hooks, "response": [*client.event_hooks["response"], _refuse_compressed]}
    return client


def _pools(client: httpx2.Client) -> list[object]:
    """The connection pool of each of the session's transports (None where a transport has none)."""
    transports = (client._transport, *client._mounts.values())
    return [getattr(t, "_pool", None) for t in transports if t is not None]


def _backends_are(pools: list[object], kind: type[NetworkBackend]) -> bool:
    return bool(pools) and all(isinstance(getattr(p, "_network_backend", None), kind) for p in pools)


def _refuse_compressed(response: httpx2.Response) -> None:
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if _CURRENT.get() is not None and encoding not in ("", "identity"):
        raise AnswerRefused(f"the answer is {encoding}-compressed although none was asked for")


def _left(timeout: float | None, expired: type[Exception]) -> float | None:
    bounds = _CURRENT.get()
    return timeout if bounds is None else bounds.time_left(timeout, expired)


class _BoundedStream(NetworkStream):
    def __init__(self, stream: NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._stream.read(max_bytes, _left(timeout, httpcore2.ReadTimeout))
        bounds = _CURRENT.get()
        if bounds is not None:
            bounds.received += len(data)
            if bounds.received > bounds.byte_limit:
                raise AnswerRefused(f"the answer is larger than {bounds.byte_limit:,} bytes")
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> NetworkStream:
        return _BoundedStream(self._stream.start_tls(ssl_context, server_hostname,
                                                     _left(timeout, httpcore2.ConnectTimeout)))

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class _BoundedBackend(NetworkBackend):
    def __init__(self, backend: NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None) -> NetworkStream:
        return _BoundedStream(self._backend.connect_tcp(host, port, _left(timeout, httpcore2.ConnectTimeout),
                                                        local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None) -> NetworkStream:
        return _BoundedStream(self._backend.connect_unix_socket(path, _left(timeout, httpcore2.ConnectTimeout),
                                                                socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
