"""REST transport on httpx: one request builder, one error mapping, one retry policy.

:class:`SyncRest` and :class:`AsyncRest` differ only in how they wait; everything they
decide (URLs, headers, envelopes, errors, what to retry) lives in shared functions here.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import tenacity

from sogni.core.effects import RestCall
from sogni.errors import ApiError, AuthenticationError, ConnectionLost

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_ATTEMPTS = 3
MAX_RETRY_AFTER = 30.0


def socket_http_base(socket_endpoint: str) -> str:
    """The HTTP base URL of the socket host: ``ws``/``http`` -> ``http``, else ``https``."""
    parts = urlsplit(socket_endpoint)
    scheme = "http" if parts.scheme in ("ws", "http") else "https"
    return urlunsplit((scheme, parts.netloc, "", "", ""))


class RetryableStatus(Exception):
    """An answer worth retrying (429 or a gateway error), kept for the final error."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        super().__init__(f"HTTP {response.status_code}")


def api_error(status: int, body: bytes, reason: str = "") -> ApiError:
    """Map an error answer to a typed error; the body's message and errorCode are kept."""
    message, code = reason or f"HTTP {status}", 0
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        inner = payload if payload.get("status") == "error" else payload.get("data", payload)
        if isinstance(inner, dict):
            if isinstance(inner.get("message"), str):
                message = inner["message"]
            if isinstance(inner.get("errorCode"), int):
                code = inner["errorCode"]
    elif body and len(body) < 500:
        message = body.decode("utf-8", "replace").strip() or message
    cls = AuthenticationError if status == 401 else ApiError
    return cls(message, status=status, error_code=code)


def decode(call: RestCall, response: httpx.Response) -> Any:
    """The payload of a successful answer, or raise the mapped error."""
    if response.status_code >= 400:
        raise api_error(response.status_code, response.content, response.reason_phrase)
    try:
        payload = response.json()
    except ValueError:
        raise ApiError(
            f"{call.method} {call.path} answered with non-JSON content",
            status=response.status_code,
        ) from None
    if not call.envelope:
        return payload
    if not isinstance(payload, dict) or payload.get("status") == "error":
        raise api_error(response.status_code or 500, response.content)
    return payload.get("data")


# tenacity renamed ``initial`` to ``multiplier`` (and warns about the old name).
_FIRST_WAIT = (
    "multiplier"
    if "multiplier" in inspect.signature(tenacity.wait_exponential_jitter).parameters
    else "initial"
)
_BACKOFF = tenacity.wait_exponential_jitter(**{_FIRST_WAIT: 0.2}, max=4.0)


def _retry_wait(state: tenacity.RetryCallState) -> float:
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    if isinstance(exc, RetryableStatus):
        header = exc.response.headers.get("retry-after", "")
        try:
            return min(max(float(header), 0.0), MAX_RETRY_AFTER)
        except ValueError:
            pass
    return float(_BACKOFF(state))


def _should_retry(call: RestCall) -> tenacity.retry_base:
    if not call.idempotent:
        return tenacity.retry_if_exception(
            lambda exc: isinstance(exc, RetryableStatus) and exc.response.status_code == 429
        )
    return tenacity.retry_if_exception_type((RetryableStatus, httpx.TransportError))


def retry_policy(call: RestCall) -> dict[str, Any]:
    """Tenacity arguments: idempotent calls retry transport errors, 429 and 5xx gateways;
    other calls retry only a 429 (the request was not processed). Retry-After is honoured."""
    return {
        "retry": _should_retry(call),
        "wait": _retry_wait,
        "stop": tenacity.stop_after_attempt(MAX_ATTEMPTS),
        "reraise": True,
    }


def _final(exc: RetryableStatus) -> ApiError:
    response = exc.response
    return api_error(response.status_code, response.content, response.reason_phrase)


class _Base:
    def __init__(
        self,
        *,
        rest_url: str,
        socket_url: str,
        headers: Mapping[str, str],
        timeout: float,
    ) -> None:
        self._bases = {"rest": rest_url.rstrip("/"), "socket": socket_http_base(socket_url)}
        self._headers = dict(headers)
        self._timeout = timeout

    def _request_args(self, call: RestCall) -> dict[str, Any]:
        args: dict[str, Any] = {
            "method": call.method,
            "url": self._bases[call.host] + call.path,
            "headers": {**self._headers, **(call.headers or {})},
            "timeout": call.timeout if call.timeout is not None else None,
        }
        if call.query:
            args["params"] = {k: str(v) for k, v in call.query.items() if v is not None}
        if call.method != "GET" and not call.no_body:
            args["json"] = {} if call.json is None else call.json
        return args

    def _stream_args(self, call: RestCall) -> dict[str, Any]:
        args = self._request_args(call)
        # ``timeout`` of a stream bounds the wait for each chunk (an idle timeout).
        args["timeout"] = httpx.Timeout(call.timeout, connect=self._timeout)
        return args

    @staticmethod
    def _check(response: httpx.Response) -> httpx.Response:
        if response.status_code in RETRY_STATUSES:
            raise RetryableStatus(response)
        return response


class SyncRest(_Base):
    """Blocking REST calls for :class:`sogni.SogniClient`."""

    def __init__(self, client: httpx.Client, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.http = client

    def call(self, call: RestCall) -> Any:
        """Carry out a :class:`RestCall` and return its payload."""
        args = self._request_args(call)
        try:
            for attempt in tenacity.Retrying(**retry_policy(call)):
                with attempt:
                    response = self._check(self.http.request(**args))
        except RetryableStatus as exc:
            raise _final(exc) from None
        except httpx.TransportError as exc:
            raise ApiError(f"{call.method} {call.path} failed: {exc!r}") from None
        return decode(call, response)

    def open_stream(self, call: RestCall) -> httpx.Response:
        """Send a streaming request; a non-2xx answer raises the mapped error."""
        args = self._stream_args(call)
        try:
            response = self.http.send(self.http.build_request(**args), stream=True)
        except httpx.TransportError as exc:
            raise ConnectionLost(f"{call.method} {call.path} failed: {exc!r}") from None
        if response.status_code >= 400:
            body = response.read()
            response.close()
            raise api_error(response.status_code, body, response.reason_phrase)
        return response


class AsyncRest(_Base):
    """Awaitable REST calls for :class:`sogni_async.AsyncSogniClient`."""

    def __init__(self, client: httpx.AsyncClient, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.http = client

    async def call(self, call: RestCall) -> Any:
        """Carry out a :class:`RestCall` and return its payload."""
        args = self._request_args(call)
        try:
            async for attempt in tenacity.AsyncRetrying(**retry_policy(call)):
                with attempt:
                    response = self._check(await self.http.request(**args))
        except RetryableStatus as exc:
            raise _final(exc) from None
        except httpx.TransportError as exc:
            raise ApiError(f"{call.method} {call.path} failed: {exc!r}") from None
        return decode(call, response)

    async def open_stream(self, call: RestCall) -> httpx.Response:
        """Send a streaming request; a non-2xx answer raises the mapped error."""
        args = self._stream_args(call)
        try:
            response = await self.http.send(self.http.build_request(**args), stream=True)
        except httpx.TransportError as exc:
            raise ConnectionLost(f"{call.method} {call.path} failed: {exc!r}") from None
        if response.status_code >= 400:
            body = await response.aread()
            await response.aclose()
            raise api_error(response.status_code, body, response.reason_phrase)
        return response
