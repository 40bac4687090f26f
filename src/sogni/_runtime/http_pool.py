"""A client's httpx pool, made at its first request.

Neither importing ``sogni`` nor constructing a client loads httpx or builds an SSL context;
the first REST call, upload or download does, once, however many threads ask at the same
time. A pool the caller passed in (``http_client=``) is used as it is and left open.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["HttpPool", "is_httpx_timeout"]

C = TypeVar("C")


class HttpPool(Generic[C]):
    """Makes the pool with ``make()`` on first use, unless one was ``injected``."""

    __slots__ = ("_client", "_lock", "_make", "owned")

    def __init__(self, make: Callable[[], C], injected: C | None = None) -> None:
        self._make = make
        self._client = injected
        self._lock = threading.Lock()
        #: Whether closing the client closes this pool (not one the caller passed in).
        self.owned = injected is None

    def get(self) -> C:
        """The pool, made now if this is its first use."""
        client = self._client
        if client is None:
            with self._lock:
                client = self._client
                if client is None:
                    client = self._client = self._make()
        return client

    @classmethod
    def of(cls, client: C) -> HttpPool[C]:
        """A pool that is ``client``, made elsewhere (and closed there)."""
        return cls(lambda: client, client)

    @property
    def made(self) -> C | None:
        """The pool if it exists already, without making it."""
        return self._client


def is_httpx_timeout(value: Any) -> bool:
    """Whether ``value`` is an ``httpx.Timeout``, without importing httpx (a caller who
    made one has imported it already)."""
    httpx = sys.modules.get("httpx")
    return httpx is not None and isinstance(value, httpx.Timeout)
