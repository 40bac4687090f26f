"""The twins' ``Signal``: a notify from another thread wakes the waiter, a timeout ends the
wait with ``False``, and the async wait runs in the waiting task (no task per wait)."""

from __future__ import annotations

import asyncio
import threading

from sogni._sync.primitives import Signal as SyncSignal
from sogni_async._primitives import Signal as AsyncSignal

WAIT = 5.0


def test_sync_notify_from_another_thread_wakes_the_waiter() -> None:
    signal, done = SyncSignal(), threading.Event()

    def change() -> None:
        done.set()
        signal.notify()

    timer = threading.Timer(0.01, change)
    timer.start()
    assert signal.wait_for(done.is_set, WAIT)
    timer.join()


def test_sync_timeout_returns_false() -> None:
    assert SyncSignal().wait_for(lambda: False, 0.01) is False


def test_async_notify_from_another_thread_wakes_the_waiter() -> None:
    async def main() -> None:
        signal, done = AsyncSignal(), threading.Event()

        def change() -> None:
            done.set()
            signal.notify()

        timer = threading.Timer(0.01, change)
        timer.start()
        assert await signal.wait_for(done.is_set, WAIT)
        timer.join()

    asyncio.run(main())


def test_async_timeout_returns_false_and_leaves_no_timer() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        assert await AsyncSignal().wait_for(lambda: False, 0.01) is False
        assert not [h for h in loop._scheduled if not h.cancelled()]  # type: ignore[attr-defined]

    asyncio.run(main())


def test_async_wait_starts_no_task_and_cancels_cleanly() -> None:
    async def main() -> None:
        signal = AsyncSignal()
        waiter = asyncio.ensure_future(signal.wait_for(lambda: False, WAIT))
        await asyncio.sleep(0)
        assert asyncio.all_tasks() == {asyncio.current_task(), waiter}
        waiter.cancel()
        try:
            await waiter
        except asyncio.CancelledError:
            pass
        assert waiter.cancelled()
        loop = asyncio.get_running_loop()
        assert not [h for h in loop._scheduled if not h.cancelled()]  # type: ignore[attr-defined]
        signal.notify()  # nobody waits: nothing is scheduled
        assert not loop._ready  # type: ignore[attr-defined]

    asyncio.run(main())
