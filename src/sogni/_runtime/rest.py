"""What the REST transports decide: error mapping, envelopes, the retry schedule, redirects.

The transports themselves (``sogni_async._rest.AsyncRest`` and its generated sync twin)
differ only in how they wait. Two rules keep credentials in: the httpx clients never follow
redirects themselves (httpx would carry the ``api-key`` header to any host); this module follows
redirects within the request's origin only. And every error it raises is built fresh,
raised outside any ``except`` block and scrubbed of credential values, so no httpx
exception (whose request holds the headers) is reachable from it.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import httpx

    from sogni.core.effects import RestCall

from sogni._runtime.log import rest_log
from sogni.core import json_depth
from sogni.core.errors import (
    ApiError,
    SogniError,
    status_error_class,
)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: Retries after the first attempt, unless the client says otherwise (``max_retries``).
DEFAULT_MAX_RETRIES = 2
MAX_RETRY_AFTER = 30.0
MAX_REDIRECTS = 5
MAX_MESSAGE = 500
"""Characters of a server's error message kept in an :class:`~sogni.ApiError`."""

SECRET_HEADERS = frozenset({"api-key", "authorization"})


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


# -- error texts -----------------------------------------------------------------------------
def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters (marked with an ellipsis when cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_NOT_JSON: Any = object()


def _parse_json(body: bytes) -> Any:
    """The JSON value of ``body``, or ``_NOT_JSON`` (also for invalid UTF-8 and for nesting
    deeper than :data:`sogni.core.json_depth.MAX_JSON_DEPTH`)."""
    try:
        return json_depth.loads(body)
    except ValueError:
        return _NOT_JSON


def api_error(
    status: int,
    body: bytes,
    reason: str = "",
    *,
    retry_after: float | None = None,
    request_id: str | None = None,
) -> ApiError:
    """Map an error answer to its typed error (:func:`~sogni.errors.status_error_class`);
    the body's message, errorCode and details object are kept."""
    message, code = reason or f"HTTP {status}", 0
    details: dict[str, Any] | None = None
    payload = _parse_json(body)
    if isinstance(payload, dict):
        inner = payload if payload.get("status") == "error" else payload.get("data", payload)
        if isinstance(inner, dict):
            if isinstance(inner.get("message"), str):
                message = inner["message"]
            if isinstance(inner.get("errorCode"), int):
                code = inner["errorCode"]
            if isinstance(inner.get("details"), dict):
                details = inner["details"]
    elif body and len(body) < MAX_MESSAGE:
        message = body.decode("utf-8", "replace").strip() or message
    cls = status_error_class(status)
    return cls(
        shorten(message),
        status=status,
        error_code=code,
        retry_after=retry_after,
        request_id=request_id,
        details=details,
    )


def response_error(response: httpx.Response) -> ApiError:
    """The typed error of an error answer, with the wait its Retry-After asks for."""
    return api_error(
        response.status_code,
        response.content,
        response.reason_phrase,
        retry_after=retry_after_seconds(response.headers.get("retry-after")),
        request_id=request_id_of(response),
    )


def request_id_of(response: httpx.Response) -> str | None:
    """The id the server gave a request, when it sent one (short enough to show)."""
    value = response.headers.get("x-request-id") or response.headers.get("request-id")
    return shorten(value, 128) if value else None


def secret_values(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The credential values among ``headers``: they must never show up in an error."""
    return tuple(
        value for name, value in headers.items() if name.lower() in SECRET_HEADERS and value
    )


def redact(text: str, secrets: Collection[str]) -> str:
    """``text`` with every occurrence of a secret replaced by ``***``."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def detached(error: SogniError, secrets: Collection[str]) -> SogniError:
    """``error`` scrubbed of ``secrets`` and cut loose from the exceptions it was raised
    among (those hold httpx requests, and so the headers)."""
    if secrets:
        error.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in error.args)
        for name, value in list(vars(error).items()):
            if isinstance(value, str):
                setattr(error, name, redact(value, secrets))
    error.__cause__ = None
    error.__context__ = None
    return error


def describe_error(exc: BaseException) -> str:
    return shorten(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


def decode(call: RestCall, response: httpx.Response) -> Any:
    """The payload of a successful answer, or raise the mapped error."""
    if response.status_code >= 400:
        raise response_error(response)
    payload = _parse_json(response.content)
    if payload is _NOT_JSON:
        raise ApiError(
            f"{call.method} {call.path} answered with non-JSON content",
            status=response.status_code,
        )
    if not call.envelope:
        return payload
    if not isinstance(payload, dict) or payload.get("status") == "error":
        raise api_error(response.status_code or 500, response.content)
    return payload.get("data")


# -- retries ---------------------------------------------------------------------------------
#: Exponential backoff between retries: ``BACKOFF_FIRST * 2**(n-1)`` seconds plus up to
#: ``BACKOFF_JITTER`` of random jitter, never more than ``BACKOFF_MAX``.
BACKOFF_FIRST = 0.2
BACKOFF_JITTER = 1.0
BACKOFF_MAX = 4.0


def backoff_seconds(retry: int) -> float:
    """Seconds to wait before retry number ``retry`` (1 for the first)."""
    return min(BACKOFF_FIRST * 2.0 ** (retry - 1) + random.uniform(0, BACKOFF_JITTER), BACKOFF_MAX)


def _delay_seconds(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _http_date_delay(value: str, now: float) -> float | None:
    import email.utils  # only a Retry-After given as a date needs it

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    try:
        return max(moment.timestamp() - now, 0.0)
    except (OverflowError, OSError, ValueError):
        return None


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait, at most :data:`MAX_RETRY_AFTER`.

    Both forms are read: delay seconds and an HTTP date (``now`` is the current Unix
    time, by default the clock's). ``None`` when the header is absent or unreadable,
    including ``nan``, ``inf`` and negative delays.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    seconds = _delay_seconds(text)
    if seconds is None:
        seconds = _http_date_delay(text, time.time() if now is None else now)
    return None if seconds is None else min(seconds, MAX_RETRY_AFTER)


def _retryable(call: RestCall, error: BaseException) -> bool:
    # A 429 was not processed, so any call may go again; transport errors and gateway
    # answers only for idempotent calls.
    if isinstance(error, RetryableStatus) and error.response.status_code == 429:
        return True
    if not call.idempotent:
        return False
    import httpx

    return isinstance(error, (RetryableStatus, httpx.TransportError))


def retry_delay(call: RestCall, error: BaseException, retry: int, retries: int) -> float | None:
    """Seconds to wait before retry number ``retry`` of ``call`` after ``error``, or
    ``None`` when it must not be retried: idempotent calls retry transport errors, 429 and
    5xx gateways, other calls only a 429, at most ``retries`` times. A Retry-After header
    is honoured; otherwise the wait is :func:`backoff_seconds`."""
    if retry > retries or not _retryable(call, error):
        return None
    if isinstance(error, RetryableStatus):
        seconds = retry_after_seconds(error.response.headers.get("retry-after"))
        if seconds is not None:
            return seconds
    return backoff_seconds(retry)


def log_retry(call: RestCall, error: BaseException, retry: int, retries: int, wait: float) -> None:
    """Log that ``call`` failed with ``error`` and goes again after ``wait`` seconds."""
    cause = (
        f"HTTP {error.response.status_code}"
        if isinstance(error, RetryableStatus)
        else describe_error(error)
    )
    rest_log.info(
        "%s %s: %s; retry %d of %d in %.2f s", call.method, call.path, cause, retry, retries, wait
    )


def log_answer(call: RestCall, response: httpx.Response, started: float) -> None:
    if rest_log.isEnabledFor(logging.DEBUG):
        rest_log.debug(
            "%s %s -> %d in %.0f ms",
            call.method,
            call.path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )


# -- redirects -------------------------------------------------------------------------------
def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default when omitted) of ``url``."""
    port = url.port if url.port is not None else {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, port


def same_origin(url: httpx.URL, target: httpx.URL) -> bool:
    """Whether a redirect from ``url`` to ``target`` stays with the same server (an upgrade
    from ``http`` to ``https`` on the default ports counts)."""
    if origin(url) == origin(target):
        return True
    return origin(url) == ("http", target.host, 80) and origin(target) == ("https", url.host, 443)


def _origin_text(url: httpx.URL) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"


def redirect_target(call: RestCall, response: httpx.Response, hops: int) -> httpx.Request:
    """The request a redirect answer leads to; refuses another origin and long chains."""
    target = response.next_request
    assert target is not None
    if not same_origin(response.request.url, target.url):
        raise ApiError(
            f"{call.method} {call.path} was redirected to another origin "
            f"({_origin_text(target.url)}); not followed, so credentials stay with "
            f"{_origin_text(response.request.url)}",
            status=response.status_code,
        )
    if hops > MAX_REDIRECTS:
        raise ApiError(
            f"{call.method} {call.path} was redirected more than {MAX_REDIRECTS} times",
            status=response.status_code,
        )
    return target
