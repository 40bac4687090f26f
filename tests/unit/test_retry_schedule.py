"""The REST retry schedule: what is retried, how often, and how long each wait is."""

from __future__ import annotations

import httpx
from hypothesis import given
from hypothesis import strategies as st

from sogni._runtime.rest import (
    BACKOFF_FIRST,
    BACKOFF_JITTER,
    BACKOFF_MAX,
    RetryableStatus,
    backoff_seconds,
    retry_delay,
)
from sogni.core.effects import RestCall

GET = RestCall("GET", "/v1/thing")
POST = RestCall("POST", "/v1/thing", idempotent=False)


def status(code: int, **headers: str) -> RetryableStatus:
    return RetryableStatus(httpx.Response(code, headers=headers))


def test_idempotent_calls_retry_gateways_429_and_transport_errors() -> None:
    for error in (status(429), status(502), status(503), status(504), httpx.ConnectError("x")):
        assert retry_delay(GET, error, 1, 2) is not None, error


def test_other_calls_retry_only_a_429() -> None:
    assert retry_delay(POST, status(429), 1, 2) is not None
    for error in (status(502), status(503), httpx.ReadTimeout("x")):
        assert retry_delay(POST, error, 1, 2) is None, error


def test_other_errors_are_never_retried() -> None:
    assert retry_delay(GET, ValueError("bug"), 1, 2) is None


def test_no_retry_after_the_last_one() -> None:
    assert retry_delay(GET, status(503), 2, 2) is not None
    assert retry_delay(GET, status(503), 3, 2) is None
    assert retry_delay(GET, status(503), 1, 0) is None


def test_a_retry_after_header_sets_the_wait() -> None:
    assert retry_delay(GET, status(503, **{"Retry-After": "7"}), 1, 2) == 7.0
    assert retry_delay(POST, status(429, **{"Retry-After": "0"}), 1, 2) == 0.0


@given(st.integers(min_value=1, max_value=60))
def test_the_backoff_grows_and_stays_bounded(retry: int) -> None:
    wait = backoff_seconds(retry)
    floor = min(BACKOFF_FIRST * 2.0 ** (retry - 1), BACKOFF_MAX)
    assert floor <= wait <= min(floor + BACKOFF_JITTER, BACKOFF_MAX)


@given(st.sampled_from(["nan", "inf", "-1", "soon"]))
def test_an_unreadable_retry_after_falls_back_to_the_backoff(value: str) -> None:
    wait = retry_delay(GET, status(503, **{"Retry-After": value}), 1, 2)
    assert wait is not None and BACKOFF_FIRST <= wait <= BACKOFF_FIRST + BACKOFF_JITTER
