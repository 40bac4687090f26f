"""Settings every client shares: how long it waits, how much it runs at once, and the
REST settings of a ``with_options`` copy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sogni._runtime.http_pool import is_httpx_timeout
from sogni.core.errors import ValidationError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "BACKGROUND_WORKERS",
    "FIRST_CONNECT_TIMEOUT",
    "FLUSH_TIMEOUT",
    "RestOptions",
    "rest_options",
]

#: How long ``close()`` waits for the network to confirm requests still in the outbox.
FLUSH_TIMEOUT = 5.0
#: Background requests (result URLs, catch-up checks) a client runs at once: more only
#: queue on the HTTP pool, whose cost grows with its queue.
BACKGROUND_WORKERS = 4
#: How long the first request waits for the first connection (later ones never wait:
#: during a reconnection they are held in the outbox).
FIRST_CONNECT_TIMEOUT = 10.0


RestOptions = dict[str, Any]
"""REST settings of a ``with_options`` copy: ``timeout``, ``max_retries``, ``headers``,
``query``."""


def rest_options(
    base: RestOptions,
    *,
    timeout: float | httpx.Timeout | None,
    max_retries: int | None,
    default_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, str] | None = None,
) -> RestOptions:
    """``base`` with the given ``with_options`` values on top, each checked first."""
    options = dict(base)
    if timeout is not None:
        if not is_httpx_timeout(timeout) and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise ValidationError(
                "timeout must be a positive number of seconds or an httpx.Timeout",
                field="timeout",
            )
        options["timeout"] = timeout
    if max_retries is not None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValidationError("max_retries must be an integer >= 0", field="max_retries")
        options["max_retries"] = max_retries
    if default_headers is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in default_headers.items()):
            raise ValidationError(
                "default_headers must map header names to strings", field="default_headers"
            )
        options["headers"] = {**options.get("headers", {}), **default_headers}
    if extra_query is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in extra_query.items()):
            raise ValidationError(
                "extra_query must map parameter names to strings", field="extra_query"
            )
        options["query"] = {**options.get("query", {}), **extra_query}
    return options
