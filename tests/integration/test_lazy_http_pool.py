"""A client makes its HTTP pool at its first request, once, and closes only what it made."""

from __future__ import annotations

import asyncio
import threading

import httpx

from sogni import SogniClient
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient


def _endpoints(net: LocalSupernet) -> dict[str, str]:
    return {
        "api_key": net.api_key,
        "rest_endpoint": net.rest_url,
        "socket_endpoint": net.socket_url,
    }


def test_the_sync_pool_is_made_at_the_first_request_and_shared_by_copies(
    net: LocalSupernet,
) -> None:
    with SogniClient(connect=False, **_endpoints(net)) as client:  # type: ignore[arg-type]
        copy = client.with_options(timeout=7)
        assert client._pool.made is None
        copy.account.me()
        pool = client._pool.made
        assert isinstance(pool, httpx.Client)
        client.account.me()
        assert client._pool.made is pool is copy._pool.made
    assert pool.is_closed


def test_threads_asking_at_once_share_one_pool(net: LocalSupernet) -> None:
    with SogniClient(connect=False, **_endpoints(net)) as client:  # type: ignore[arg-type]
        start = threading.Barrier(8)
        seen: list[object] = []

        def first_request() -> None:
            start.wait(timeout=10)
            seen.append(client._pool.get())

        threads = [threading.Thread(target=first_request) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert len(seen) == 8 and len({id(pool) for pool in seen}) == 1


def test_the_async_pool_is_made_at_the_first_request(net: LocalSupernet) -> None:
    async def main() -> httpx.AsyncClient:
        async with AsyncSogniClient(connect=False, **_endpoints(net)) as client:  # type: ignore[arg-type]
            assert client._pool.made is None
            await client.account.me()
            pool = client._pool.made
            assert isinstance(pool, httpx.AsyncClient)
            return pool

    assert asyncio.run(main()).is_closed


def test_an_injected_pool_is_used_and_left_open(net: LocalSupernet) -> None:
    with httpx.Client() as mine:
        with SogniClient(connect=False, http_client=mine, **_endpoints(net)) as client:  # type: ignore[arg-type]
            assert client._pool.made is mine
            client.account.me()
        assert not mine.is_closed
