"""Client-level events (``client.on("connected", fn)``) and the records they carry.

The thread reading the socket reports what happened; each client decides where callbacks
run: the sync client calls them on that thread (the background one, or a caller's thread
while it waits for the network and reads meanwhile), the async client schedules them on
its event loop (and awaits ``async def`` callbacks there).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Literal, get_args

import attrs

from sogni.core.errors import ValidationError

log = logging.getLogger("sogni")

__all__ = [
    "CLIENT_EVENTS",
    "PROJECTS_EVENTS",
    "ClientEvent",
    "ConnectionEvent",
    "EventEmitter",
    "ProjectsEvent",
]

ClientEvent = Literal["connected", "disconnected", "balance", "tokens"]

CLIENT_EVENTS: tuple[str, ...] = ("connected", "disconnected", "balance", "tokens")
"""Event names accepted by ``client.on``:

* ``connected`` — the socket opened (again): a :class:`ConnectionEvent`;
* ``disconnected`` — an open socket dropped, or the client stopped trying to reconnect:
  a :class:`ConnectionEvent` with the close ``code`` and ``reason``;
* ``balance`` — the network reported a new balance: a
  :class:`~sogni.core._generated.models.Balances`;
* ``tokens`` — a login or a refresh produced a new token pair (store it to resume the
  session later): a :class:`~sogni.core.auth.TokenPair`.
"""


@attrs.frozen
class ConnectionEvent:
    """What a ``connected`` or ``disconnected`` callback receives.

    Attributes:
        type: ``connected`` or ``disconnected``.
        network: The network the socket is on (``fast``/``relaxed``), when known.
        code: The WebSocket close code (``disconnected`` only; ``None`` when the connection
            dropped without a close frame).
        reason: The close reason, or a description of what happened.
        will_reconnect: ``disconnected`` only: whether the client is about to reconnect.
        reconnected: ``connected`` only: whether this is a reconnection.
    """

    type: Literal["connected", "disconnected"]
    network: str | None = None
    code: int | None = None
    reason: str = ""
    will_reconnect: bool = False
    reconnected: bool = False


ProjectsEvent = Literal["project", "job", "available_models", "availableModels"]

#: Other spellings of event names, accepted for familiarity.
EVENT_ALIASES = {"availableModels": "available_models"}

PROJECTS_EVENTS: tuple[str, ...] = tuple(
    name for name in get_args(ProjectsEvent) if name not in EVENT_ALIASES
)
"""Event names accepted by ``client.projects.on`` (``availableModels`` is accepted too, the
name the network's other clients use):

* ``project`` — an event of a whole project the client follows (``queued``, ``completed``,
  ``failed``, ``canceled``): a :class:`~sogni.core.projects.ProjectEvent` without ``job_id``;
* ``job`` — an event of one of its jobs (``job_started``, ``progress``, ``preview``, ``eta``,
  ``job_completed``, ``job_failed``): a :class:`~sogni.core.projects.ProjectEvent` with
  ``job_id``;
* ``available_models`` — the network announced the models available now (an empty list
  when it switched networks): a ``list`` of :class:`~sogni.core._generated.models.ModelInfo`.
"""

Dispatch = Callable[[Callable[[Any], Any], Any], None]


class EventEmitter:
    """Callbacks by event name; ``dispatch(callback, value)`` decides where they run.

    ``names`` are the events it accepts (the client's events unless told otherwise); a
    callback registered with its own ``dispatch`` runs through that one instead.
    """

    def __init__(
        self, dispatch: Dispatch | None = None, *, names: tuple[str, ...] = CLIENT_EVENTS
    ) -> None:
        self._lock = threading.Lock()
        # Tuples, replaced on every change: emit reads them without the lock or a copy.
        self._listeners: dict[str, tuple[Callable[[Any], Any], ...]] = {}
        self.dispatch: Dispatch = dispatch or _call_now
        self.names = names

    def on(
        self, event: str, callback: Callable[[Any], Any], *, dispatch: Dispatch | None = None
    ) -> Callable[[], None]:
        """Call ``callback(value)`` on every ``event``; returns a function that removes it."""
        name = event if event in self.names else EVENT_ALIASES.get(event, event)
        if name not in self.names:
            kind = "client" if self.names is CLIENT_EVENTS else "projects"
            raise ValidationError(
                f"unknown {kind} event {event!r}", field="event", allowed=list(self.names)
            )
        event = name
        if not callable(callback):
            raise ValidationError("callback must be callable", field="callback")
        if dispatch is not None:
            callback = _Routed(dispatch, callback)
        with self._lock:
            self._listeners[event] = (*self._listeners.get(event, ()), callback)

        def off() -> None:
            with self._lock:
                listeners = list(self._listeners.get(event, ()))
                if callback in listeners:
                    listeners.remove(callback)
                    self._listeners[event] = tuple(listeners)

        return off

    def copy(self, *, dispatch: Dispatch) -> EventEmitter:
        """A new emitter with the same callbacks and a lock of its own (a forked child's:
        the parent's lock may have been held at the fork)."""
        clone = EventEmitter(dispatch, names=self.names)
        clone._listeners = dict(self._listeners)
        return clone

    def has_listeners(self, event: str) -> bool:
        """Whether ``event`` has a callback (so its value is worth making)."""
        return bool(self._listeners.get(event))

    def emit(self, event: str, value: Any) -> None:
        """Hand ``value`` to every callback of ``event``."""
        for callback in self._listeners.get(event, ()):
            try:
                self.dispatch(callback, value)
            except Exception:
                log.exception("dispatching a %s event failed", event)


class _Routed:
    """A callback that runs through a dispatch of its own (e.g. the async client's event
    loop), whatever the emitter's dispatch is."""

    __slots__ = ("_dispatch", "_callback")

    def __init__(self, dispatch: Dispatch, callback: Callable[[Any], Any]) -> None:
        self._dispatch = dispatch
        self._callback = callback

    def __call__(self, value: Any) -> None:
        self._dispatch(self._callback, value)


def _call_now(callback: Callable[[Any], Any], value: Any) -> None:
    try:
        callback(value)
    except Exception:
        log.exception("a sogni event callback raised")
