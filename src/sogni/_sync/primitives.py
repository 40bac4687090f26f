"""The blocking primitives the sync twins wait and call back with.

Each name matches one in ``sogni_async._primitives`` (a test holds them to the same
signatures): the sync ``Project``, ``ChatStream`` and driver are generated from the async
sources by ``python -m codegen``, and these calls are where the two differ.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sogni._runtime.socket_engine import SocketEngine

__all__ = ["CallbackRunner", "Flights", "Handler", "Signal", "resolve", "run_sync", "sleep"]

T = TypeVar("T")

Handler = Callable[[Any, Any], Any]
"""An effect handler of the driver: ``handler(client, effect)``."""


def sleep(seconds: float) -> None:
    """Block the calling thread for ``seconds``."""
    time.sleep(seconds)


def run_sync(function: Callable[..., T], *args: Any) -> T:
    """Run ``function`` here: the caller already blocks."""
    return function(*args)


def resolve(value: Any) -> Any:
    """What a user callback returned (a sync callback's value is final)."""
    return value


class Signal:
    """Wakes the threads waiting for one thing (a project, a chat stream, the connection)
    to change.

    :meth:`notify` is called from any thread after the change; a notify while nobody waits
    costs no lock. With the connection that brings the changes (``reader``), a waiting
    thread reads it itself while no other thread does (see
    :meth:`~sogni._runtime.socket_engine.SocketEngine.read_until`), and sees the change
    it waits for without being woken by another thread.
    """

    __slots__ = ("_changed", "_lock", "_reader", "_reading", "_waiters")

    def __init__(self, reader: SocketEngine | None = None) -> None:
        self._lock = threading.Lock()  # the Condition's, taken directly to count readers
        self._changed = threading.Condition(self._lock)
        self._reader = reader
        self._reading = 0  # waiters reading the connection
        self._waiters = 0

    def notify(self) -> None:
        """Wake the waiters to look again (any thread)."""
        if self._reading:
            assert self._reader is not None
            self._reader.wake_reader()
        # A waiter counts itself under the lock before it first looks, so a change made
        # before this read is seen by its first look, and one made after it is notified.
        if self._waiters:
            with self._changed:
                self._changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Block until ``predicate()`` is true; ``False`` when ``timeout`` seconds pass first."""
        if predicate():
            return True
        if self._reader is not None:
            deadline = None if timeout is None else time.monotonic() + timeout
            with self._lock:
                self._reading += 1
            try:
                read = self._reader.read_until(predicate, deadline)
            finally:
                with self._lock:
                    self._reading -= 1
            if read:
                if predicate():
                    return True
                if deadline is not None:  # the connection ended, or the time is up
                    timeout = max(0.0, deadline - time.monotonic())
        reader = self._reader
        if reader is not None:
            reader.await_events(1)
        try:
            with self._changed:
                self._waiters += 1
                try:
                    return self._changed.wait_for(predicate, timeout)
                finally:
                    self._waiters -= 1
        finally:
            if reader is not None:
                reader.await_events(-1)


class CallbackRunner:
    """Runs user callbacks on the thread that reports the change (for network events the
    thread reading the socket: the SDK's background thread, or a caller's while it
    waits): keep them short."""

    __slots__ = ()

    def submit(self, function: Callable[..., Any], *args: Any) -> None:
        """Call ``function(*args)`` now, on this thread."""
        function(*args)

    def call(self, function: Callable[..., Any], *args: Any) -> None:
        """Call ``function(*args)`` now."""
        function(*args)


class Flights:
    """Single flight: while one call of a key runs, other callers of :meth:`share` with
    that key wait for its outcome instead of calling again (any thread)."""

    __slots__ = ("_flights", "_lock")

    def __init__(self) -> None:
        self._flights: dict[Hashable, concurrent.futures.Future[Any]] = {}
        self._lock = threading.Lock()

    def share(self, key: Hashable, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)``, or the outcome of the call of ``key`` already under way."""
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = concurrent.futures.Future()
        if not leader:
            return flight.result()
        try:
            result = function(*args)
        except BaseException as exc:
            flight.set_exception(exc)
            raise
        else:
            flight.set_result(result)
            return result
        finally:
            with self._lock:
                del self._flights[key]
