"""The asyncio primitives the async twins wait and call back with.

``sogni._sync.primitives`` offers the same names with blocking bodies. The sync
``Project``, ``ChatStream`` and driver are generated from their async sources
(``python -m codegen``), so these two modules are where the twins differ.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import asyncio

    from sogni._runtime.socket_engine import SocketEngine

__all__ = ["CallbackRunner", "Flights", "Handler", "Signal", "resolve", "run_sync", "sleep"]

T = TypeVar("T")
log = logging.getLogger("sogni")

Handler = Callable[[Any, Any], Awaitable[Any]]
"""An effect handler of the driver: ``await handler(client, effect)``."""


async def sleep(seconds: float) -> None:
    """Pause the calling task for ``seconds``."""
    import asyncio

    await asyncio.sleep(seconds)


async def run_sync(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking ``function`` (file I/O) in a worker thread, off the event loop."""
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


async def resolve(value: Any) -> Any:
    """What a user callback returned, awaited when it is awaitable (``async def``)."""
    import inspect

    return await value if inspect.isawaitable(value) else value


class Signal:
    """Wakes the tasks waiting for one thing (a project, a chat stream, the connection)
    to change.

    :meth:`notify` is called from any thread after the change; waiting happens in the event
    loop the signal was made in. A notify while nobody waits costs nothing, and notifies
    that arrive faster than the loop runs share one wake-up. ``reader`` (the connection
    that brings the changes) is what the sync twin reads while it waits; the loop is
    woken by the engine's thread instead.
    """

    __slots__ = ("_event", "_loop", "_pending", "_waiters")

    def __init__(self, reader: SocketEngine | None = None) -> None:
        import asyncio

        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self._waiters = 0
        self._pending = False

    def notify(self) -> None:
        """Wake the waiters to look again (any thread)."""
        if self._waiters and not self._pending:
            self._pending = True
            try:
                self._loop.call_soon_threadsafe(self._wake)
            except RuntimeError:  # the loop is closed; nobody is waiting any more
                self._pending = False

    def _wake(self) -> None:
        self._pending = False
        self._event.set()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until ``predicate()`` is true; ``False`` when ``timeout`` seconds pass first."""
        if predicate():
            return True
        # Waits in the calling task (no task per wait, as asyncio.wait_for would start): a
        # timer sets the event at the deadline, and every waiter looks again.
        loop = self._loop
        deadline = None if timeout is None else loop.time() + timeout
        self._waiters += 1
        try:
            while True:
                self._event.clear()
                if predicate():
                    return True
                if deadline is not None and loop.time() >= deadline:
                    return False
                timer = None if deadline is None else loop.call_at(deadline, self._event.set)
                try:
                    await self._event.wait()
                finally:
                    if timer is not None:
                        timer.cancel()
        finally:
            self._waiters -= 1


class CallbackRunner:
    """Runs user callbacks in the event loop it was made in; an ``async def`` callback is
    scheduled there as a task (its failure is logged).

    :meth:`submit` may be called from any thread; calls submitted faster than the loop runs
    share one wake-up and keep their order.
    """

    __slots__ = ("_loop", "_queue", "_scheduled", "_tasks")

    def __init__(self) -> None:
        import asyncio

        self._loop = asyncio.get_running_loop()
        self._queue: collections.deque[tuple[Callable[..., Any], tuple[Any, ...]]] = (
            collections.deque()
        )
        self._scheduled = False
        self._tasks: set[asyncio.Future[Any]] = set()

    def submit(self, function: Callable[..., Any], *args: Any) -> None:
        """Call ``function(*args)`` in the loop, soon (any thread)."""
        self._queue.append((function, args))
        if not self._scheduled:
            self._scheduled = True
            try:
                self._loop.call_soon_threadsafe(self._drain)
            except RuntimeError:  # the loop is closed; nobody is listening any more
                self._queue.clear()

    def _drain(self) -> None:
        self._scheduled = False  # first: a call queued from now on schedules another drain
        queue = self._queue
        while queue:
            function, args = queue.popleft()
            function(*args)

    def call(self, function: Callable[..., Any], *args: Any) -> None:
        """Call ``function(*args)`` now (in the loop), scheduling what it returns if that
        is awaitable."""
        import asyncio
        import inspect

        result = function(*args)
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a callback raised", exc_info=task.exception())


class Flights:
    """Single flight: while one call of a key runs, other callers of :meth:`share` with
    that key wait for its outcome instead of calling again. One event loop drives it, so
    it needs no lock.

    A caller whose own task is cancelled stops waiting; when the task running the call is
    the one cancelled, a waiting caller runs the call itself, so nobody inherits a
    cancellation they did not ask for.
    """

    __slots__ = ("_flights",)

    def __init__(self) -> None:
        self._flights: dict[Hashable, asyncio.Future[Any]] = {}

    async def share(self, key: Hashable, function: Callable[..., Any], *args: Any) -> Any:
        """``await function(*args)``, or the outcome of the call of ``key`` under way."""
        import asyncio

        while (flight := self._flights.get(key)) is not None:
            try:
                return await asyncio.shield(flight)
            except asyncio.CancelledError:
                if not flight.cancelled():
                    raise  # this caller was cancelled
        flight = self._flights[key] = asyncio.get_running_loop().create_future()
        try:
            result = await function(*args)
        except asyncio.CancelledError:
            flight.cancel()
            raise
        except BaseException as exc:
            flight.set_exception(exc)
            flight.exception()  # marked as retrieved: nobody may be waiting
            raise
        else:
            flight.set_result(result)
            return result
        finally:
            del self._flights[key]
