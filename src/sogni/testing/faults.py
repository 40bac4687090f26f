"""Injected HTTP failures: answer matching requests with an error status (and Retry-After)."""

from __future__ import annotations

import threading

import attrs
from aiohttp import web

from . import envelope

__all__ = ["Fault", "FaultPlan"]


@attrs.define
class Fault:
    """Fail the next ``times`` requests whose path starts with (or, ``exact``, equals)
    ``path`` and whose method matches."""

    path: str
    status: int
    times: int
    method: str | None = None
    retry_after: float | None = None
    message: str = "Injected failure"
    exact: bool = False

    def matches(self, request: web.Request) -> bool:
        """Whether this fault applies to ``request``."""
        path_ok = request.path == self.path if self.exact else request.path.startswith(self.path)
        return self.times > 0 and path_ok and (
            self.method is None or self.method.upper() == request.method)


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

    def take(self, request: web.Request) -> web.Response | None:
        """The failure response for ``request`` if a fault fires, else ``None``."""
        with self._lock:
            fault = next((f for f in self._faults if f.matches(request)), None)
            if fault is None:
                return None
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
        response = envelope.error(fault.status, fault.message)
        if fault.retry_after is not None:
            seconds = fault.retry_after
            response.headers["Retry-After"] = str(int(seconds) if seconds == int(seconds)
                                                  else seconds)
        return response
