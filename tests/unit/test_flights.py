"""The twins' ``Flights``: callers of a key under way share one call, and in the async
twin nobody inherits a cancellation they did not ask for."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from sogni._sync.primitives import Flights as SyncFlights
from sogni_async._primitives import Flights as AsyncFlights

WAIT = 5.0


def test_sync_callers_of_a_key_under_way_share_one_call() -> None:
    flights, started, release = SyncFlights(), threading.Event(), threading.Event()
    calls: list[int] = []

    def fetch() -> str:
        calls.append(1)
        started.set()
        assert release.wait(WAIT)
        return "answer"

    results: list[str] = []
    leader = threading.Thread(target=lambda: results.append(flights.share("k", fetch)))
    leader.start()
    assert started.wait(WAIT)
    follower = threading.Thread(target=lambda: results.append(flights.share("k", fetch)))
    follower.start()
    release.set()
    leader.join(WAIT)
    follower.join(WAIT)
    assert results == ["answer", "answer"] and calls == [1]
    assert flights.share("k", lambda: "again") == "again"  # the finished flight is gone


def test_sync_a_failed_call_fails_its_followers_and_is_not_kept() -> None:
    flights = SyncFlights()

    def boom() -> None:
        raise ValueError("down")

    with pytest.raises(ValueError):
        flights.share("k", boom)
    assert flights.share("k", lambda: 1) == 1


def test_async_callers_share_one_call() -> None:
    async def main() -> None:
        flights, calls = AsyncFlights(), []
        release = asyncio.Event()

        async def fetch() -> str:
            calls.append(1)
            await release.wait()
            return "answer"

        tasks = [asyncio.ensure_future(flights.share("k", fetch)) for _ in range(3)]
        await asyncio.sleep(0)
        release.set()
        assert await asyncio.gather(*tasks) == ["answer"] * 3
        assert calls == [1]

    asyncio.run(main())


def test_async_a_cancelled_leader_leaves_its_follower_to_call_itself() -> None:
    async def main() -> None:
        flights, calls = AsyncFlights(), []
        first_running = asyncio.Event()

        async def fetch() -> str:
            calls.append(1)
            if len(calls) == 1:
                first_running.set()
                await asyncio.Event().wait()  # the first call hangs until cancelled
            return "answer"

        leader = asyncio.ensure_future(flights.share("k", fetch))
        await first_running.wait()
        follower = asyncio.ensure_future(flights.share("k", fetch))
        await asyncio.sleep(0)  # the follower waits on the leader's flight
        leader.cancel()
        assert await asyncio.wait_for(follower, WAIT) == "answer"
        assert leader.cancelled() and calls == [1, 1]

    asyncio.run(main())


def test_async_a_cancelled_follower_leaves_the_leader_running() -> None:
    async def main() -> None:
        flights = AsyncFlights()
        release = asyncio.Event()

        async def fetch() -> str:
            await release.wait()
            return "answer"

        leader = asyncio.ensure_future(flights.share("k", fetch))
        await asyncio.sleep(0)
        follower: asyncio.Future[Any] = asyncio.ensure_future(flights.share("k", fetch))
        await asyncio.sleep(0)
        follower.cancel()
        await asyncio.sleep(0)
        release.set()
        assert await asyncio.wait_for(leader, WAIT) == "answer"
        assert follower.cancelled()

    asyncio.run(main())
