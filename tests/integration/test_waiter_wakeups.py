"""``wait_for_completion()`` is woken by the project's end, not by each of its events:
every needless wake-up takes the GIL (or the event loop) from the socket thread. Counted
wake-ups, not timings."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from sogni import SogniClient
from sogni._sync import primitives as sync_primitives
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient
from sogni_async import _primitives as async_primitives

STEPS = 40
WAIT = 30.0


@pytest.fixture
def steady_net() -> Iterator[LocalSupernet]:
    """Progress events 10 ms apart: the wait begins while most are still to come."""
    with LocalSupernet(api_key="test-key", steps=STEPS, step_delay=0.01) as server:
        yield server


def count_notifies(monkeypatch: pytest.MonkeyPatch, module: Any) -> Counter[str]:
    """Count every notify of the module's ``Signal``, and those that found a waiter."""
    counts: Counter[str] = Counter()
    notify = module.Signal.notify

    def counted(self: Any) -> None:
        counts["notified"] += 1
        if self._waiters:
            counts["woke"] += 1
        notify(self)

    monkeypatch.setattr(module.Signal, "notify", counted)
    return counts


def test_sync_wait_is_woken_by_the_end_only(
    steady_net: LocalSupernet, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SogniClient(
        api_key=steady_net.api_key,
        rest_endpoint=steady_net.rest_url,
        socket_endpoint=steady_net.socket_url,
    ) as client:
        project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        started = threading.Event()
        project.on("progress", lambda _event: started.set())
        assert started.wait(WAIT)
        counts = count_notifies(monkeypatch, sync_primitives)
        assert project.wait_for_completion(timeout=WAIT)
    assert counts["notified"] >= 10  # events kept coming while it waited
    assert counts["woke"] <= 2


def test_async_wait_is_woken_by_the_end_only(
    steady_net: LocalSupernet, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def main() -> Counter[str]:
        async with AsyncSogniClient(
            api_key=steady_net.api_key,
            rest_endpoint=steady_net.rest_url,
            socket_endpoint=steady_net.socket_url,
        ) as client:
            project = await client.projects.create(
                model_id="flux1-schnell-fp8", positive_prompt="x"
            )
            started = asyncio.Event()
            project.on("progress", lambda _event: started.set())
            await asyncio.wait_for(started.wait(), WAIT)
            counts = count_notifies(monkeypatch, async_primitives)
            assert await project.wait_for_completion(timeout=WAIT)
            return counts

    counts = asyncio.run(main())
    assert counts["notified"] >= 10
    assert counts["woke"] <= 2
