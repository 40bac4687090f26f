"""Pure parts of the REST transport: Retry-After, origins, error texts and scrubbing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from email.utils import format_datetime

import httpx
import pytest

from sogni._runtime.http_pool import HttpPool
from sogni._runtime.rest import (
    MAX_MESSAGE,
    MAX_RETRY_AFTER,
    api_error,
    detached,
    retry_after_seconds,
    same_origin,
    secret_values,
)
from sogni._sync._generated.rest import SyncRest
from sogni.core.effects import RestCall
from sogni.core.json_depth import MAX_JSON_DEPTH, too_deep
from sogni.errors import ApiError, AuthenticationError

NOW = datetime(2030, 5, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp()
KEY = "sk-unit-0123456789abcdef"


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("3600", MAX_RETRY_AFTER),
        (format_datetime(datetime(2030, 5, 1, 12, 0, 4, tzinfo=timezone.utc), usegmt=True), 4.0),
        ("Wed, 01 May 2030 12:00:10 GMT", 10.0),
        ("Wed, 01 May 2030 11:00:00 GMT", 0.0),  # already past: retry now
        ("Sun, 01 May 2050 12:00:00 GMT", MAX_RETRY_AFTER),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(header: str, seconds: float) -> None:
    assert retry_after_seconds(header, now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "  ",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e999",
        "-5",
        "soon",
        "0x10",
        "Wed, 99 Foo 2015 07:28:00 GMT",
        "Mon, 01 Jan 99999 00:00:00 GMT",
        "\x00",
    ],
)
def test_unreadable_retry_after_is_treated_as_absent(header: str | None) -> None:
    assert retry_after_seconds(header, now=NOW) is None


@pytest.mark.parametrize(
    ("url", "target", "same"),
    [
        ("https://api.sogni.ai/v1/a", "https://api.sogni.ai/v2/b?x=1", True),
        ("https://api.sogni.ai/v1/a", "https://api.sogni.ai:443/v1/b", True),
        ("http://api.sogni.ai/v1/a", "https://api.sogni.ai/v1/a", True),  # upgrade
        ("https://api.sogni.ai/v1/a", "http://api.sogni.ai/v1/a", False),  # downgrade
        ("https://api.sogni.ai/v1/a", "https://evil.example/v1/a", False),
        ("https://api.sogni.ai/v1/a", "https://api.sogni.ai.evil.example/", False),
        ("https://api.sogni.ai/v1/a", "https://api.sogni.ai:8443/v1/a", False),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8001/a", False),
        ("http://127.0.0.1:8000/a", "http://localhost:8000/a", False),
    ],
)
def test_same_origin(url: str, target: str, same: bool) -> None:
    assert same_origin(httpx.URL(url), httpx.URL(target)) is same


def test_huge_error_messages_are_cut() -> None:
    body = json.dumps({"status": "error", "message": "x" * 1_000_000, "errorCode": 7})
    error = api_error(400, body.encode())
    assert len(error.message) == MAX_MESSAGE and error.message.endswith("…")
    assert error.error_code == 7
    assert len(repr(error)) < MAX_MESSAGE + 100


def test_large_non_json_bodies_fall_back_to_the_reason() -> None:
    assert api_error(502, b"<html>" + b"x" * 10_000, "Bad Gateway").message == "Bad Gateway"


def test_deeply_nested_error_bodies_are_not_a_crash() -> None:
    error = api_error(401, b"[" * 100_000 + b"]" * 100_000, "Unauthorized")
    assert isinstance(error, AuthenticationError) and error.message == "Unauthorized"


@pytest.mark.parametrize(
    ("body", "deep"),
    [
        (b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, False),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), True),
        (b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1), True),
        (b"[" * 100_000, True),
        (json.dumps(["[" * 10_000, {"k": "{" * 10_000}]).encode(), False),  # inside strings
        (json.dumps([r"\"[[[", "]]]"] * 1_000).encode(), False),  # escaped quotes
        (json.dumps([[i] for i in range(10_000)]).encode(), False),  # many, but shallow
    ],
)
def test_too_deep(body: bytes, deep: bool) -> None:
    assert too_deep(body) is deep


def test_deep_json_is_refused_even_under_a_raised_recursion_limit() -> None:
    """Some libraries raise the recursion limit; the C JSON parser then crashes the
    process on a deep enough document instead of raising RecursionError."""
    script = (
        "import sys; sys.setrecursionlimit(1_000_000)\n"
        "from sogni._runtime.rest import api_error\n"
        "body = b'[' * 1_000_000 + b']' * 1_000_000\n"
        "print(api_error(400, body, 'Bad Request').message)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "Bad Request"


def test_secret_values_are_the_credential_headers() -> None:
    headers = {"API-Key": KEY, "authorization": "jwt", "Content-Type": "json", "x": ""}
    assert secret_values(headers) == (KEY, "jwt")


def test_detached_scrubs_text_and_drops_the_chain() -> None:
    try:
        try:
            raise httpx.ConnectError("boom")
        except httpx.ConnectError:
            raise ApiError(f"refused {KEY}", status=400, hint=f"key {KEY}") from None
    except ApiError as caught:
        error = caught
    assert error.__context__ is not None
    detached(error, (KEY,))
    assert error.__context__ is None and error.__cause__ is None
    assert KEY not in str(error) + repr(error) + error.message + str(error.hint)
    assert error.message == "refused ***" and error.status == 400


def test_an_httpx_error_quoting_a_header_is_scrubbed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot send api-key={request.headers['api-key']}")

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        rest = SyncRest(
            HttpPool.of(http),
            rest_url="http://rest.test",
            socket_url="ws://s.test",
            headers={},
            timeout=5,
        )
        call = RestCall("POST", "/v1/x", headers={"api-key": KEY}, idempotent=False)
        with pytest.raises(ApiError) as caught:
            rest.call(call)
    error = caught.value
    assert "api-key=***" in error.message
    assert KEY not in str(error) + repr(error)
    assert error.__context__ is None and error.__cause__ is None
