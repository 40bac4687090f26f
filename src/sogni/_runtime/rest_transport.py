"""What both REST transports share: request arguments, the failures they map and how.

The transports are one text: ``sogni_async._rest.AsyncRest``, and ``SyncRest`` written
from it by ``python -m codegen``; what they decide (URLs, headers, errors, retries,
redirects) is in :mod:`sogni._runtime.rest`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from sogni.core.effects import RestCall

from sogni._runtime.rest import (
    DEFAULT_MAX_RETRIES,
    RETRY_STATUSES,
    RetryableStatus,
    describe_error,
    detached,
    response_error,
    secret_values,
    socket_http_base,
)
from sogni.core.errors import APIConnectionError, ApiError, ClientClosed, SogniError

__all__ = ["RestBase", "connect_timeout", "mapped_errors"]


def _final(exc: RetryableStatus) -> ApiError:
    return response_error(exc.response)


def connect_timeout(timeout: float | httpx.Timeout | None) -> float | None:
    """The connect part of a client's ``timeout`` (a number is the connect limit too)."""
    if timeout is None or isinstance(timeout, (int, float)):
        return timeout
    return timeout.connect


class RestBase:
    """The settings of a REST transport and what it does with them without waiting."""

    def __init__(
        self,
        *,
        rest_url: str,
        socket_url: str,
        headers: Mapping[str, str],
        timeout: float | httpx.Timeout,
        max_retries: int = DEFAULT_MAX_RETRIES,
        query: Mapping[str, str] | None = None,
    ) -> None:
        self._bases = {"rest": rest_url.rstrip("/"), "socket": socket_http_base(socket_url)}
        self._headers = dict(headers)
        self._timeout = timeout
        self._retries = max_retries
        self._query = dict(query or {})

    def _request_args(self, call: RestCall) -> dict[str, Any]:
        args: dict[str, Any] = {
            "method": call.method,
            "url": self._bases[call.host] + call.path,
            "headers": {**self._headers, **(call.headers or {})},
            "timeout": self._timeout if call.timeout == "client" else call.timeout,
        }
        if call.query or self._query:
            given = {k: str(v) for k, v in (call.query or {}).items() if v is not None}
            args["params"] = {**self._query, **given}
        if call.method != "GET" and not call.no_body:
            args["json"] = {} if call.json is None else call.json
        return args

    def _stream_args(self, call: RestCall) -> dict[str, Any]:
        args = self._request_args(call)
        # ``timeout`` of a stream bounds the wait for each chunk (an idle timeout).
        if call.timeout != "client":
            import httpx

            args["timeout"] = httpx.Timeout(call.timeout, connect=connect_timeout(self._timeout))
        return args

    def _secrets(self, call: RestCall) -> tuple[str, ...]:
        return secret_values({**self._headers, **(call.headers or {})})

    @staticmethod
    def _check(response: httpx.Response) -> httpx.Response:
        if response.status_code in RETRY_STATUSES:
            raise RetryableStatus(response)
        return response

    def _typed(
        self,
        call: RestCall,
        exc: Exception,
        *,
        closed: bool,
        transport_error: type[SogniError] = APIConnectionError,
    ) -> SogniError:
        """The SDK error for a failed call (re-raises what is not a transport failure)."""
        import httpx

        if isinstance(exc, SogniError):
            error = exc
        elif isinstance(exc, RetryableStatus):
            error = _final(exc)
        elif closed and isinstance(exc, RuntimeError):
            error = ClientClosed()
        elif isinstance(exc, httpx.TransportError):
            where = f"{self._bases[call.host]}{call.path}"
            error = transport_error(f"{call.method} {where} failed: {describe_error(exc)}")
        elif isinstance(exc, (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL)):
            error = ApiError(f"{call.method} {call.path} failed: {describe_error(exc)}")
        else:
            raise exc
        return detached(error, self._secrets(call))


@functools.cache
def mapped_errors() -> tuple[type[Exception], ...]:
    """The failures ``_typed`` maps; anything else is a bug and propagates as it is."""
    import httpx

    return (
        SogniError,
        RetryableStatus,
        httpx.HTTPError,
        httpx.StreamError,
        httpx.InvalidURL,
        RuntimeError,
    )
