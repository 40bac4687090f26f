"""Background work (result URLs, catch-up checks) runs at most BACKGROUND_WORKERS plans at
once on both clients, however many are asked for: more would only queue on the HTTP pool."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Generator
from typing import Any

from sogni import SogniClient
from sogni._runtime.settings import BACKGROUND_WORKERS
from sogni.core.effects import Sleep
from sogni_async import AsyncSogniClient


class Gauge:
    def __init__(self) -> None:
        self.now = self.peak = self.done = 0
        self.lock = threading.Lock()
        self.finished = threading.Event()

    def plan(self, total: int) -> Generator[Any, Any, None]:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        yield Sleep(0.02)
        with self.lock:
            self.now -= 1
            self.done += 1
            if self.done == total:
                self.finished.set()


def test_the_sync_client_runs_background_plans_on_its_workers() -> None:
    gauge = Gauge()
    with SogniClient(api_key="k", rest_endpoint="http://127.0.0.1:9", connect=False) as client:
        for _ in range(40):
            client._spawn(gauge.plan(40))
        assert gauge.finished.wait(30)
    assert 1 < gauge.peak <= BACKGROUND_WORKERS


def test_the_async_client_caps_its_background_tasks() -> None:
    gauge = Gauge()

    async def run() -> None:
        async with AsyncSogniClient(
            api_key="k", rest_endpoint="http://127.0.0.1:9", connect=False
        ) as client:
            client._bind()
            for _ in range(40):
                client._spawn(gauge.plan(40))
            assert await asyncio.to_thread(gauge.finished.wait, 30)

    asyncio.run(run())
    assert 1 < gauge.peak <= BACKGROUND_WORKERS
