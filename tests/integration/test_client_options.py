"""Client options as the best SDKs have them: max_retries, timeout as seconds or an
httpx.Timeout, default_headers, an injected http_client, and with_options copies — on both
clients, against the local Supernet."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

import sogni
from sogni import SogniClient
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

PATH = "/v1/account/me"


def _client(net: LocalSupernet, **options: object) -> SogniClient:
    return SogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        **options,  # type: ignore[arg-type]
    )


def _hits(net: LocalSupernet) -> int:
    return sum(1 for r in net.requests() if r.path == PATH)


@pytest.mark.parametrize(("max_retries", "attempts"), [(0, 1), (1, 2), (2, 3)])
def test_max_retries_bounds_the_attempts(
    net: LocalSupernet, max_retries: int, attempts: int
) -> None:
    with _client(net, max_retries=max_retries, connect=False) as client:
        net.fail_requests(PATH, 503, times=None, retry_after=0.01)
        before = _hits(net)
        with pytest.raises(sogni.InternalServerError):
            client.account.me()
        assert _hits(net) - before == attempts


def test_timeout_applies_to_every_request(net: LocalSupernet) -> None:
    net.fail_requests(PATH, 503, delay=2.0)
    with _client(net, timeout=httpx.Timeout(0.3), max_retries=0, connect=False) as client:
        started = time.monotonic()
        with pytest.raises(sogni.APIConnectionError) as info:
            client.account.me()
        assert time.monotonic() - started < 1.5
    assert "Timeout" in info.value.message and net.rest_url in info.value.message


def test_default_headers_reach_the_network_and_stay_out_of_reprs(net: LocalSupernet) -> None:
    with _client(net, default_headers={"X-Trace": "t-42"}, connect=False) as client:
        client.account.me()
        assert "t-42" not in repr(client._conn.config)
    assert next(r for r in reversed(net.requests()) if r.path == PATH).headers["x-trace"] == "t-42"


def test_an_injected_http_client_is_used_and_left_open(net: LocalSupernet) -> None:
    seen: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda request: seen.append(request.url.path)]})
    with _client(net, http_client=http, connect=False) as client:
        client.account.me()
    assert PATH in seen and not http.is_closed
    http.close()
    with pytest.raises(sogni.ValidationError) as info:
        _client(net, http_client=httpx.AsyncClient(), connect=False)
    assert info.value.field == "http_client"


def test_with_options_makes_a_cheap_copy_with_its_own_settings(net: LocalSupernet) -> None:
    with _client(net, connect=False) as client:
        strict = client.with_options(
            max_retries=0, default_headers={"X-Copy": "1"}, extra_query={"trace": "t9"}
        )
        net.fail_requests(PATH, 503, times=1)
        with pytest.raises(sogni.InternalServerError):
            strict.account.me()
        net.fail_requests(PATH, 503, times=1)
        assert client.account.me().username  # the original still retries
        copied = [r for r in net.requests() if r.path == PATH and "x-copy" in r.headers]
        assert copied and all(r.query.get("trace") == "t9" for r in copied)
        assert all("trace" not in r.query for r in net.requests() if "x-copy" not in r.headers)
        strict.close()  # the copy does not own the connection
        assert client.projects.get_supported_models()
        assert strict._conn is client._conn
        with pytest.raises(sogni.ValidationError):
            client.with_options(max_retries=-1)
        with pytest.raises(sogni.ValidationError):
            client.with_options(timeout=0)
        with pytest.raises(sogni.ValidationError):
            client.with_options(extra_query={"n": 1})  # type: ignore[dict-item]


def test_the_async_client_takes_the_same_options(net: LocalSupernet) -> None:
    async def run() -> tuple[int, bool]:
        seen: list[str] = []

        async def hook(request: httpx.Request) -> None:
            seen.append(request.url.path)

        http = httpx.AsyncClient(event_hooks={"request": [hook]})
        async with AsyncSogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            http_client=http,
            max_retries=0,
            connect=False,
        ) as client:
            net.fail_requests(PATH, 503, times=1)
            with pytest.raises(sogni.InternalServerError):
                await client.account.me()
            patient = client.with_options(max_retries=2)
            net.fail_requests(PATH, 503, times=1, retry_after=0.01)
            assert (await patient.account.me()).username
        closed = http.is_closed
        await http.aclose()
        return seen.count(PATH), closed

    count, closed = asyncio.run(run())
    assert count == 3 and not closed
