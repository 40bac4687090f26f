"""A client's httpx pool, made at its first request.

Neither importing ``sogni`` nor constructing a client loads httpx or builds an SSL context;
the first REST call, upload or download does, once, however many threads ask at the same
time. A pool the caller passed in (``http_client=``) is used as it is and left open.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from sogni.core.errors import ValidationError

if TYPE_CHECKING:
    from sogni.core._generated.models import ClientConfig

__all__ = ["HttpPool", "client_pool", "is_httpx_timeout"]

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


def client_pool(
    config: ClientConfig, kind: Literal["Client", "AsyncClient"], owner: str
) -> HttpPool[Any]:
    """The pool of ``owner`` (a client): the ``httpx.<kind>`` its config passes in, checked,
    else one made at the first request with the config's timeout."""
    injected = config.http_client
    if injected is not None:
        import httpx  # the caller made the pool: httpx is loaded already

        if not isinstance(injected, getattr(httpx, kind)):
            raise ValidationError(
                f"http_client of {owner} must be an httpx.{kind}, got {type(injected).__name__}",
                field="http_client",
            )
    return HttpPool(functools.partial(_new_pool, kind, config.timeout), injected)


def _new_pool(kind: str, timeout: Any) -> Any:
    import httpx

    return getattr(httpx, kind)(timeout=timeout, follow_redirects=False)


def is_httpx_timeout(value: Any) -> bool:
    """Whether ``value`` is an ``httpx.Timeout``, without importing httpx (a caller who
    made one has imported it already)."""
    httpx = sys.modules.get("httpx")
    return httpx is not None and isinstance(value, httpx.Timeout)
