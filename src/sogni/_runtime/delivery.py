"""Delivery of socket requests: written once, confirmed by the network, never lost.

Every request a plan sends goes through :class:`Delivery`. It is held in the
:class:`~sogni.core.outbox.Outbox` until the network's first answer for it arrives, and
written to whichever connection is open — now, or after the next reconnection. A
request written to a connection that then dropped is not written again blindly: the
network may have received it. Media projects are looked up first
(:func:`sogni.core.plans.projects.check_project` calls :meth:`Delivery.resend_request`
only when the network has no record of them); chat requests are checked against the
``authenticated`` snapshot's active jobs; cancels, network switches and subscription
changes are idempotent and are simply written again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sogni._runtime.socket_engine import SocketEngine
from sogni.core.errors import ConnectionLost, NotDelivered, SogniError
from sogni.core.outbox import Outbox, Outgoing

log = logging.getLogger("sogni")

__all__ = ["Delivery"]

#: A request written this recently on the current connection may simply not have been
#: processed yet, so a lookup that misses it is no reason to write it again.
RESEND_GRACE = 60.0
#: Writes of one request after the first. Each follows the network's word that it has
#: none (so none can double it); the bound only stops a request the network keeps losing.
MAX_RESENDS = 25
#: Requests whose delivery is settled by looking the project up on the network.
_LOOKED_UP = "jobRequest"
#: Requests settled by the ``authenticated`` snapshot after a reconnection.
_SNAPSHOT_CHECKED = "llmJobRequest"


def _active_ids(snapshot: Any) -> set[str]:
    """Job ids the network lists as running in an ``authenticated`` payload."""
    active = snapshot.get("activeProjects") if isinstance(snapshot, Mapping) else None
    ids: set[str] = set()
    for item in active if isinstance(active, list) else ():
        value = item.get("id") or item.get("jobID") if isinstance(item, Mapping) else item
        if isinstance(value, str):
            ids.add(value.upper())
    return ids


class Delivery:
    """The client's outbox and the rules for (re)writing it; thread-safe."""

    def __init__(self, engine: SocketEngine, *, clock: Callable[[], float] = time.monotonic):
        self._engine = engine
        self._clock = clock
        self._outbox = Outbox()
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()  # writes leave in the order they were submitted
        self._due: list[Outgoing] = []  # to be written to the open connection
        self._awaiting_snapshot: list[Outgoing] = []

    def __repr__(self) -> str:
        return f"<Delivery pending={len(self._outbox)}>"

    def __len__(self) -> int:
        with self._cond:
            return len(self._outbox)

    # -- sending ------------------------------------------------------------------------
    def submit(
        self,
        message_type: str,
        payload: Any,
        *,
        on_fail: Callable[[SogniError], None] | None = None,
    ) -> Outgoing:
        """Hold a request until it is confirmed, and write it now if the socket is open."""
        entry = Outgoing.of(message_type, payload, on_fail)
        with self._cond:
            if entry.confirmable:
                self._outbox.add(entry)
            self._due.append(entry)
        self.flush()
        return entry

    def flush(self) -> None:
        """Write every due request to the open connection, oldest first."""
        with self._write_lock:
            while True:
                with self._cond:
                    if not self._due or self._engine.state != "open":
                        return
                    entry = self._due[0]
                try:
                    connection = self._engine.send(entry.type, entry.payload)
                except ConnectionLost:
                    return  # still due: written after the next reconnection
                with self._cond:
                    if self._due and self._due[0] is entry:
                        self._due.pop(0)
                    if entry.written_on:
                        entry.resends += 1
                    entry.written_on = connection
                    entry.written_at = self._clock()

    # -- answers ------------------------------------------------------------------------
    def on_event(self, message_type: str, payload: Any) -> None:
        """Confirm the requests an incoming event answers (socket thread, every event)."""
        if not self._outbox:  # the usual case: nothing to confirm, no lock taken
            return
        with self._cond:
            confirmed = self._outbox.confirm(message_type, payload)
            if confirmed:
                self._forget(confirmed)
                self._cond.notify_all()

    def on_open(self, connection: int) -> None:
        """A (re)connection opened: decide what to write again, then write (socket thread)."""
        with self._cond:
            for entry in self._outbox:
                if not entry.written_on or entry.written_on == connection or entry in self._due:
                    continue
                if entry.type == _LOOKED_UP:
                    continue  # settled by looking the project up (check_project)
                if entry.type == _SNAPSHOT_CHECKED:
                    self._awaiting_snapshot.append(entry)
                else:
                    self._due.append(entry)
        self.flush()

    def on_snapshot(self, snapshot: Any) -> None:
        """The ``authenticated`` snapshot arrived: chat requests it does not list as
        running never reached the network and are written again (socket thread)."""
        active = _active_ids(snapshot)
        with self._cond:
            waiting, self._awaiting_snapshot = self._awaiting_snapshot, []
            for entry in waiting:
                if entry.job_id in active:
                    self._outbox.remove(entry)
                    self._forget([entry])
                elif self._can_resend(entry):
                    self._due.append(entry)
            self._cond.notify_all()
        self.flush()

    # -- lookups (from plans) -----------------------------------------------------------
    def pending_request(self, message_type: str, job_id: str) -> bool:
        """Whether a request of this type and id still waits for the network's answer."""
        with self._cond:
            return self._outbox.holds(message_type, job_id)

    def confirm_request(self, message_type: str, job_id: str) -> None:
        """The network showed it has this request (e.g. its project record exists)."""
        with self._cond:
            entries = self._outbox.find(message_type, job_id)
            for entry in entries:
                self._outbox.remove(entry)
            self._forget(entries)
            self._cond.notify_all()

    def resend_request(self, message_type: str, job_id: str, *, abandon: bool = False) -> bool:
        """The network has no record of this request: write it again, with the same id.

        Returns False only when it gives up (the request was already written
        ``MAX_RESENDS`` more times); True when it was written again, is too fresh to judge,
        or was confirmed meanwhile (the lookup raced with the network's answer).
        ``abandon`` drops it instead of writing (the user canceled the project before the
        network ever had it).
        """
        job_id = job_id.upper()
        with self._cond:
            entry = next(iter(self._outbox.find(message_type, job_id)), None)
            if entry is None:
                return True
            if abandon:
                self._outbox.remove(entry)
                self._forget([entry])
                return True
            if entry in self._due:
                return True
            fresh = entry.written_on == self._engine.connections and (
                self._clock() - entry.written_at < RESEND_GRACE
            )
            if fresh:
                return True
            if not self._can_resend(entry):
                self._outbox.remove(entry)
                self._forget([entry])
                return False
            self._due.append(entry)
        log.info("the network has no record of %s %s; sending it again", message_type, job_id)
        self.flush()
        return True

    # -- closing ------------------------------------------------------------------------
    def drain(self, timeout: float) -> bool:
        """Wait until every request was confirmed; False when ``timeout`` passed first or
        the socket closed for good."""
        self._engine.wake_engine()  # the confirmations are read even if nobody waits
        with self._cond:
            return (
                self._cond.wait_for(
                    lambda: not self._outbox or self._engine.state == "closed", timeout
                )
                and not self._outbox
            )

    def wake(self) -> None:
        """Re-evaluate :meth:`drain` (the socket state changed)."""
        with self._cond:
            self._cond.notify_all()

    def give_up(self, why: str) -> list[Outgoing]:
        """Drop every unconfirmed request, telling each one's owner it was not delivered."""
        with self._cond:
            entries = self._outbox.take_all()
            self._due.clear()
            self._awaiting_snapshot.clear()
        for entry in entries:
            _notify_failed(entry, why)
        return entries

    # -- helpers ------------------------------------------------------------------------
    def _can_resend(self, entry: Outgoing) -> bool:
        return entry.resends < MAX_RESENDS

    def _forget(self, entries: Iterable[Outgoing]) -> None:
        # Called with self._cond held.
        for entry in entries:
            if entry in self._due:
                self._due.remove(entry)
            if entry in self._awaiting_snapshot:
                self._awaiting_snapshot.remove(entry)


def _notify_failed(entry: Outgoing, why: str) -> None:
    if entry.on_fail is None:
        return
    what = f"{entry.type} {entry.job_id}" if entry.job_id else entry.type
    error = NotDelivered(
        f"{why} before the network confirmed {what}",
        request_type=entry.type,
        request_id=entry.job_id,
    )
    try:
        entry.on_fail(error)
    except Exception:
        log.exception("handling an undelivered %s failed", entry.type)
