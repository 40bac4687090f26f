"""The REST transport of :class:`sogni_async.AsyncSogniClient`: sends a ``RestCall``,
retries it on the schedule of ``sogni._runtime.rest``, follows redirects within its origin
and maps every failure to a typed error.

Both clients' transports are this one text, the sync one written from it by
``python -m codegen``; how they wait and share a call under way is in their
``primitives`` modules.
"""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING, Any

from sogni._runtime.rest import (
    api_error,
    decode,
    detached,
    log_answer,
    log_retry,
    redirect_target,
    request_id_of,
    retry_after_seconds,
    retry_delay,
)
from sogni._runtime.rest_transport import RestBase, mapped_errors
from sogni.core.errors import ConnectionLost, SogniError
from sogni_async._primitives import Flights, sleep

if TYPE_CHECKING:
    import httpx

    from sogni._runtime.http_pool import HttpPool
    from sogni.core.effects import RestCall

__all__ = ["AsyncRest"]


class AsyncRest(RestBase):
    """REST calls for :class:`sogni_async.AsyncSogniClient`."""

    def __init__(self, pool: HttpPool[httpx.AsyncClient], **settings: Any) -> None:
        super().__init__(**settings)
        self._pool = pool
        self._flights = Flights()

    @property
    def http(self) -> httpx.AsyncClient:
        """The client's pool (made at the first request)."""
        return self._pool.get()

    async def call(self, call: RestCall) -> Any:
        """Carry out a :class:`RestCall` and return its payload (once for all the callers
        of a ``shared`` call under way)."""
        if call.shared:
            return await self._flights.share(call.flight_key(), self._answer, call)
        return await self._answer(call)

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
                await sleep(wait)
            return decode(call, response), None
        except mapped_errors() as exc:
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
        except mapped_errors() as exc:
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
