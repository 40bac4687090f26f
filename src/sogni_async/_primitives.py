"""The asyncio primitives the async twins wait and call back with.

``sogni._sync.primitives`` offers the same names with blocking bodies. The sync
``Project``, ``ChatStream`` and driver are generated from their async sources
(``python -m codegen``), so these two modules are where the twins differ.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import asyncio

    from sogni._runtime.socket_engine import SocketEngine
    from sogni._runtime.socket_reading import Reading

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


_READS_PER_WAKE_UP = 4
#: How long the loop waits for the engine's thread to finish a read (microseconds, as a
#: rule) to take the turn; a wait that begins mid-read would otherwise only try again
#: when woken, and ``wait_for_completion()`` is woken by the project's end alone.
_TAKE_TURN_TIMEOUT = 0.002
#: When the turn could not be had within that, the next try (seconds).
_TAKE_TURN_RETRY = 0.005


class LoopReader:
    """Reads a client's connection in its event loop while tasks of that loop wait for
    what it brings, so an event is handled where its waiter runs, with no hand-over from
    the engine's thread (see :meth:`~sogni._runtime.socket_engine.SocketEngine.take_turn`).

    The loop keeps the turn until no task waits at the end of a loop iteration, so a
    waiter returns before the turn goes back, and back-to-back waits keep it. A loop that
    cannot watch sockets (Windows' proactor loop), and a TLS connection, leave the reading
    to the engine's thread.
    """

    __slots__ = (
        "_engine",
        "_fd",
        "_loop",
        "_reading",
        "_releasing",
        "_retry",
        "_timer",
        "_unable",
        "_users",
        "woke",
    )

    def __init__(self, engine: SocketEngine, loop: asyncio.AbstractEventLoop) -> None:
        self._engine = engine
        self._loop = loop
        self._users = 0
        self._reading: Reading | None = None
        self._fd = -1
        self._timer: asyncio.TimerHandle | None = None
        self._releasing = False
        self._retry: asyncio.TimerHandle | None = None
        self._unable = False  # the loop cannot watch the socket, or the socket is TLS
        #: Set by a :class:`Signal` that woke a task while this reader handled events.
        self.woke = False

    def join(self) -> None:
        """A task starts waiting: read the connection here from now on, if possible."""
        self._users += 1
        self.read_here()

    def leave(self) -> None:
        """A task stopped waiting; once none waits, the turn goes back (soon)."""
        self._users -= 1
        if self._users == 0 and self._reading is not None and not self._releasing:
            self._releasing = True
            self._loop.call_soon(self._release_if_unused)

    def read_here(self) -> None:
        """Take the turn, unless the loop has it or cannot have it now (the engine's thread
        in a long read, no open connection: a later wake-up tries again)."""
        if self._reading is not None or self._unable:
            return
        reading = self._engine.take_turn(_TAKE_TURN_TIMEOUT)
        if reading is None:
            if self._users and self._retry is None and self._engine.state == "open":
                # The engine's thread is in a long read (descheduled, say): try again soon.
                self._retry = self._loop.call_later(_TAKE_TURN_RETRY, self._read_again)
            return
        from sogni._runtime.socket_reading import is_tls

        try:
            if is_tls(reading.raw):
                # A TLS read blocks until its whole record is in, which would stall the
                # loop on a slow link: the engine's thread reads TLS connections.
                raise NotImplementedError("TLS")
            fd = reading.raw.fileno()
            self._loop.add_reader(fd, self._readable)
        except (NotImplementedError, OSError, ValueError) as exc:
            self._unable = isinstance(exc, NotImplementedError)
            self._engine.give_turn_back(reading)
            return
        self._reading, self._fd = reading, fd
        self._timer = self._loop.call_later(reading.seconds_to_ping(), self._keep_alive)

    def _read_again(self) -> None:
        self._retry = None
        if self._users:
            self.read_here()

    def _readable(self) -> None:
        reading = self._reading
        if reading is None:
            return
        # Frames that came while this one was handled are read now rather than after a
        # loop iteration (a burst ends a project: result, balance, completion), unless a
        # task was woken (it runs first); a few reads at most, so other tasks are not kept
        # waiting by a busy connection.
        for _ in range(_READS_PER_WAKE_UP):
            self.woke = False
            reading.step(True)
            if reading.ended:
                self._release()
                return
            if self.woke or not reading.ready(0):
                return

    def _keep_alive(self) -> None:
        reading = self._reading
        if reading is None:
            return
        reading.step(False)
        if reading.ended:
            self._release()
        else:
            self._timer = self._loop.call_later(reading.seconds_to_ping(), self._keep_alive)

    def _release_if_unused(self) -> None:
        self._releasing = False
        if self._users == 0:
            self._release()

    def abandon(self) -> None:
        """Give the turn back if this reader's loop closed while holding it (the loop can
        no longer do it)."""
        if self._reading is not None and self._loop.is_closed():
            reading, self._reading = self._reading, None
            self._engine.give_turn_back(reading)

    def _release(self) -> None:
        reading = self._reading
        if reading is None:
            return
        self._reading = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            self._loop.remove_reader(self._fd)
        except (OSError, ValueError):  # the socket closed under us
            pass
        self._engine.give_turn_back(reading)


def loop_reader(engine: SocketEngine, loop: asyncio.AbstractEventLoop) -> LoopReader:
    """The :class:`LoopReader` of ``engine`` in ``loop`` (one per client and loop)."""
    reader = engine.loop_reader
    if isinstance(reader, LoopReader):
        if reader._loop is loop:
            return reader
        reader.abandon()
    reader = engine.loop_reader = LoopReader(engine, loop)
    return reader


class Signal:
    """Wakes the tasks waiting for one thing (a project, a chat stream, the connection)
    to change.

    :meth:`notify` is called from any thread after the change; waiting happens in the event
    loop the signal was made in. A notify while nobody waits costs nothing, and notifies
    that arrive faster than the loop runs share one wake-up. With the connection that
    brings the changes (``reader``), the loop reads it while tasks wait (see
    :class:`LoopReader`).
    """

    __slots__ = ("_event", "_loop", "_loop_reader", "_pending", "_reader", "_thread", "_waiters")

    def __init__(self, reader: SocketEngine | None = None) -> None:
        import asyncio

        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._event = asyncio.Event()
        self._reader = reader
        self._loop_reader: LoopReader | None = None  # made by the first wait
        self._waiters = 0
        self._pending = False

    def notify(self) -> None:
        """Wake the waiters to look again (any thread)."""
        if not self._waiters:
            return
        if threading.get_ident() == self._thread:  # the loop reads: no hand-over needed
            self._event.set()
            if self._loop_reader is not None:
                self._loop_reader.woke = True
        elif not self._pending:
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
        reader = None if self._reader is None else loop_reader(self._reader, loop)
        if reader is not None:
            self._loop_reader = reader
            reader.join()
        self._waiters += 1
        try:
            while True:
                self._event.clear()
                if predicate():
                    return True
                if deadline is not None and loop.time() >= deadline:
                    return False
                if reader is not None:
                    reader.read_here()  # the turn may have been busy, or the connection new
                timer = None if deadline is None else loop.call_at(deadline, self._event.set)
                try:
                    await self._event.wait()
                finally:
                    if timer is not None:
                        timer.cancel()
        finally:
            self._waiters -= 1
            if reader is not None:
                reader.leave()


class CallbackRunner:
    """Runs user callbacks in the event loop it was made in; an ``async def`` callback is
    scheduled there as a task (its failure is logged).

    :meth:`submit` may be called from any thread; calls submitted faster than the loop runs
    share one wake-up and keep their order.
    """

    __slots__ = ("_loop", "_queue", "_scheduled", "_tasks", "_thread")

    def __init__(self) -> None:
        import asyncio

        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
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
            if threading.get_ident() == self._thread:  # the loop reads the connection
                self._loop.call_soon(self._drain)
                return
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
