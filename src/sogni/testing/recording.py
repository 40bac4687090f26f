"""Thread-safe log of everything the local Supernet received and sent."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["RecordedMessage", "RecordedRequest", "Recorder"]


@attrs.frozen
class RecordedRequest:
    """One HTTP request as the server saw it (WebSocket handshakes included).

    ``headers`` has lower-cased names; ``json`` is the decoded JSON body, or ``None``
    when the body was empty, not JSON, or streamed to storage (uploads).
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    time: float = attrs.field(factory=time.time)


@attrs.frozen
class RecordedMessage:
    """One decoded socket message. ``direction`` is ``"in"`` (from a client) or ``"out"``."""

    type: str
    data: Any
    app_id: str
    direction: str
    time: float = attrs.field(factory=time.time)


class Recorder:
    """Collects requests and socket messages; every method may be called from any thread.

    Keeps the newest ``limit`` entries of each kind, so a long-running server stays bounded.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self._cond = threading.Condition()
        self._requests: deque[RecordedRequest] = deque(maxlen=limit)
        self._messages: deque[RecordedMessage] = deque(maxlen=limit)

    def add_request(self, request: RecordedRequest) -> None:
        """Append an HTTP request."""
        with self._cond:
            self._requests.append(request)
            self._cond.notify_all()

    def add_message(self, message: RecordedMessage) -> None:
        """Append a socket message."""
        with self._cond:
            self._messages.append(message)
            self._cond.notify_all()

    def requests(self) -> list[RecordedRequest]:
        """A copy of all recorded requests, oldest first."""
        with self._cond:
            return list(self._requests)

    def messages(self, direction: str | None = None) -> list[RecordedMessage]:
        """A copy of recorded socket messages, optionally of one direction."""
        with self._cond:
            return [m for m in self._messages if direction is None or m.direction == direction]

    def clear(self) -> None:
        """Forget everything recorded so far."""
        with self._cond:
            self._requests.clear()
            self._messages.clear()

    def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Block until ``predicate()`` is true (re-checked on every new record) or time runs out."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True
