"""The REST transports: :class:`SyncRest` for the sync client, :class:`AsyncRest` for the
async one. They differ only in how they wait; what they decide (URLs, headers, errors,
retries, redirects) is in :mod:`sogni._runtime.rest`.
"""

from __future__ import annotations

import concurrent.futures
import functools
import itertools
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

    import httpx

    from sogni.core.effects import RestCall

from sogni._runtime.http_pool import HttpPool
from sogni._runtime.rest import (
    DEFAULT_MAX_RETRIES,
    RETRY_STATUSES,
    RetryableStatus,
    api_error,
    decode,
    describe_error,
    detached,
    log_answer,
    log_retry,
    redirect_target,
    request_id_of,
    response_error,
    retry_after_seconds,
    retry_delay,
    secret_values,
    socket_http_base,
)
from sogni.core.errors import APIConnectionError, ApiError, ClientClosed, ConnectionLost, SogniError

__all__ = ["AsyncRest", "SyncRest", "connect_timeout"]


def _final(exc: RetryableStatus) -> ApiError:
    return response_error(exc.response)


def connect_timeout(timeout: float | httpx.Timeout | None) -> float | None:
    """The connect part of a client's ``timeout`` (a number is the connect limit too)."""
    if timeout is None or isinstance(timeout, (int, float)):
        return timeout
    return timeout.connect


class _Base:
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
def _mapped() -> tuple[type[Exception], ...]:
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


class SyncRest(_Base):
    """Blocking REST calls for :class:`sogni.SogniClient`."""

    @property
    def http(self) -> httpx.Client:
        """The client's pool (made at the first request)."""
        return self._pool.get()

    def __init__(self, pool: HttpPool[httpx.Client], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pool = pool
        self._flights: dict[tuple[Any, ...], concurrent.futures.Future[Any]] = {}
        self._flights_lock = threading.Lock()

    def call(self, call: RestCall) -> Any:
        """Carry out a :class:`RestCall` and return its payload (once for all the callers
        of a ``shared`` call under way)."""
        if not call.shared:
            return self._answer(call)
        key = call.flight_key()
        with self._flights_lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = concurrent.futures.Future()
        if not leader:
            return flight.result()
        try:
            payload = self._answer(call)
        except BaseException as exc:
            flight.set_exception(exc)
            raise
        else:
            flight.set_result(payload)
            return payload
        finally:
            with self._flights_lock:
                del self._flights[key]

    def _answer(self, call: RestCall) -> Any:
        payload, error = self._call(call)
        if error is not None:
            raise error  # outside any ``except``: nothing httpx holds is chained to it
        return payload

    def open_stream(self, call: RestCall) -> httpx.Response:
        """Send a streaming request; a non-2xx answer raises the mapped error."""
        response, error = self._open_stream(call)
        if error is not None:
            raise error
        assert response is not None
        return response

    def _call(self, call: RestCall) -> tuple[Any, SogniError | None]:
        try:
            request = self.http.build_request(**self._request_args(call))
            for retry in itertools.count(1):
                try:
                    response = self._check(self._send(call, request, stream=False))
                    break
                except Exception as exc:
                    wait = retry_delay(call, exc, retry, self._retries)
                    if wait is None:
                        raise
                    log_retry(call, exc, retry, self._retries, wait)
                time.sleep(wait)
            return decode(call, response), None
        except _mapped() as exc:
            return None, self._typed(call, exc, closed=self.http.is_closed)

    def _open_stream(self, call: RestCall) -> tuple[httpx.Response | None, SogniError | None]:
        try:
            request = self.http.build_request(**self._stream_args(call))
            response = self._send(call, request, stream=True)
            if response.status_code < 400:
                return response, None
            try:
                body = response.read()
            finally:
                response.close()
            return None, detached(
                api_error(
                    response.status_code,
                    body,
                    response.reason_phrase,
                    retry_after=retry_after_seconds(response.headers.get("retry-after")),
                    request_id=request_id_of(response),
                ),
                self._secrets(call),
            )
        except _mapped() as exc:
            closed = self.http.is_closed
            return None, self._typed(call, exc, closed=closed, transport_error=ConnectionLost)

    def _send(self, call: RestCall, request: httpx.Request, *, stream: bool) -> httpx.Response:
        """Send ``request``, following redirects within its origin (with its headers)."""
        hops = 0
        while True:
            started = time.monotonic()
            response = self.http.send(request, stream=stream, follow_redirects=False)
            log_answer(call, response, started)
            if response.next_request is None:
                return response
            response.close()
            hops += 1
            request = redirect_target(call, response, hops)


class AsyncRest(_Base):
    """Awaitable REST calls for :class:`sogni_async.AsyncSogniClient`."""

    @property
    def http(self) -> httpx.AsyncClient:
        """The client's pool (made at the first request)."""
        return self._pool.get()

    def __init__(self, pool: HttpPool[httpx.AsyncClient], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pool = pool
        # One event loop drives an AsyncRest, so its flights need no lock.
        self._flights: dict[tuple[Any, ...], asyncio.Future[Any]] = {}

    async def call(self, call: RestCall) -> Any:
        """Carry out a :class:`RestCall` and return its payload (once for all the callers
        of a ``shared`` call under way)."""
        if not call.shared:
            return await self._answer(call)
        key = call.flight_key()
        flight = self._flights.get(key)
        import asyncio  # here, not at the top: the sync client never loads asyncio

        if flight is not None:
            return await asyncio.shield(flight)
        flight = self._flights[key] = asyncio.get_running_loop().create_future()
        try:
            payload = await self._answer(call)
        except BaseException as exc:
            flight.set_exception(exc)
            flight.exception()  # marked as retrieved: nobody may be waiting
            raise
        else:
            flight.set_result(payload)
            return payload
        finally:
            del self._flights[key]

    async def _answer(self, call: RestCall) -> Any:
        payload, error = await self._call(call)
        if error is not None:
            raise error  # outside any ``except``: nothing httpx holds is chained to it
        return payload

    async def open_stream(self, call: RestCall) -> httpx.Response:
        """Send a streaming request; a non-2xx answer raises the mapped error."""
        response, error = await self._open_stream(call)
        if error is not None:
            raise error
        assert response is not None
        return response

    async def _call(self, call: RestCall) -> tuple[Any, SogniError | None]:
        try:
            request = self.http.build_request(**self._request_args(call))
            for retry in itertools.count(1):
                try:
                    response = self._check(await self._send(call, request, stream=False))
                    break
                except Exception as exc:
                    wait = retry_delay(call, exc, retry, self._retries)
                    if wait is None:
                        raise
                    log_retry(call, exc, retry, self._retries, wait)
                import asyncio  # the sync client never loads asyncio

                await asyncio.sleep(wait)
            return decode(call, response), None
        except _mapped() as exc:
            return None, self._typed(call, exc, closed=self.http.is_closed)

    async def _open_stream(self, call: RestCall) -> tuple[httpx.Response | None, SogniError | None]:
        try:
            request = self.http.build_request(**self._stream_args(call))
            response = await self._send(call, request, stream=True)
            if response.status_code < 400:
                return response, None
            try:
                body = await response.aread()
            finally:
                await response.aclose()
            return None, detached(
                api_error(
                    response.status_code,
                    body,
                    response.reason_phrase,
                    retry_after=retry_after_seconds(response.headers.get("retry-after")),
                    request_id=request_id_of(response),
                ),
                self._secrets(call),
            )
        except _mapped() as exc:
            closed = self.http.is_closed
            return None, self._typed(call, exc, closed=closed, transport_error=ConnectionLost)

    async def _send(
        self, call: RestCall, request: httpx.Request, *, stream: bool
    ) -> httpx.Response:
        """Send ``request``, following redirects within its origin (with its headers)."""
        hops = 0
        while True:
            started = time.monotonic()
            response = await self.http.send(request, stream=stream, follow_redirects=False)
            log_answer(call, response, started)
            if response.next_request is None:
                return response
            await response.aclose()
            hops += 1
            request = redirect_target(call, response, hops)
