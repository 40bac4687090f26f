"""Cache fills are single-flight: however many callers ask for the models or the tier table
at once, the network sees one request for each — on both clients."""

from __future__ import annotations

import asyncio
import threading

from sogni import SogniClient
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

PATHS = ("/api/v1/models/list", "/api/v2/models/tiers")


def _count(net: LocalSupernet, path: str) -> int:
    return sum(1 for r in net.requests() if r.path == path)


def test_sync_callers_share_one_request_per_cache(net: LocalSupernet) -> None:
    with SogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        connect=False,
    ) as client:
        start = threading.Barrier(16)
        errors: list[BaseException] = []

        def ask() -> None:
            try:
                start.wait(10)
                client.projects.get_model_options("flux1-schnell-fp8")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=ask) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors
    assert [_count(net, path) for path in PATHS] == [1, 1]


def test_async_callers_share_one_request_per_cache(net: LocalSupernet) -> None:
    async def run() -> None:
        async with AsyncSogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            connect=False,
        ) as client:
            await asyncio.gather(
                *(client.projects.get_model_options("flux1-schnell-fp8") for _ in range(200))
            )

    asyncio.run(run())
    assert [_count(net, path) for path in PATHS] == [1, 1]
