"""Injected HTTP failures: answer matching requests with an error status (and Retry-After)."""

from __future__ import annotations

import threading

import attrs
from aiohttp import web

from . import envelope

__all__ = ["Fault", "FaultPlan", "Injected"]


@attrs.define
class Fault:
    """Fail the next ``times`` requests (every one, when ``times`` is ``None``) whose path
    starts with (or, ``exact``, equals) ``path`` and whose method matches, after waiting
    ``delay`` seconds."""

    path: str
    status: int
    times: int | None
    method: str | None = None
    retry_after: float | None = None
    message: str = "Injected failure"
    exact: bool = False
    delay: float = 0.0

    def matches(self, request: web.Request) -> bool:
        """Whether this fault applies to ``request``."""
        path_ok = request.path == self.path if self.exact else request.path.startswith(self.path)
        return (
            self.armed
            and path_ok
            and (self.method is None or self.method.upper() == request.method)
        )

    @property
    def armed(self) -> bool:
        """Whether the fault has failures left to give."""
        return self.times is None or self.times > 0

    def fire(self) -> None:
        """Use up one failure."""
        if self.times is not None:
            self.times -= 1


@attrs.frozen
class Injected:
    """A failure to answer with, after ``delay`` seconds."""

    response: web.Response
    delay: float


class FaultPlan:
    """The faults waiting to fire; safe to change from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Queue a fault."""
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Forget every pending fault."""
        with self._lock:
            self._faults.clear()

    def take(self, request: web.Request) -> Injected | None:
        """The failure for ``request`` if a fault fires, else ``None``."""
        with self._lock:
            fault = next((f for f in self._faults if f.matches(request)), None)
            if fault is None:
                return None
            fault.fire()
            if not fault.armed:
                self._faults.remove(fault)
        return Injected(response=_failure_response(fault), delay=fault.delay)


def _failure_response(fault: Fault) -> web.Response:
    response = envelope.error(fault.status, fault.message)
    if fault.retry_after is not None:
        seconds = fault.retry_after
        response.headers["Retry-After"] = str(int(seconds) if seconds == int(seconds) else seconds)
    return response
