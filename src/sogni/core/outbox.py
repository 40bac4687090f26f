"""The outbox: socket requests the network has not confirmed yet.

A request stays here from the moment a plan sends it until the network's first answer
for it arrives (any event carrying its job id, or the answer its type expects). Nothing
here does I/O or locking; :class:`sogni._runtime.delivery.Delivery` writes the requests and
reconciles them after a reconnection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from sogni.core.errors import SogniError

__all__ = ["Outbox", "Outgoing"]

#: Events that carry a job id (``jobID``): the first one for a request's id confirms it.
JOB_EVENTS = frozenset(
    {
        "jobState",
        "jobProgress",
        "jobETA",
        "jobResult",
        "jobError",
        "jobTokens",
        "llmJobResult",
        "llmJobError",
    }
)

#: What confirms each request type: events matched by job id, or a fixed answer event.
_ANSWERS: dict[str, tuple[frozenset[str], bool]] = {
    "jobRequest": (JOB_EVENTS, True),
    "llmJobRequest": (JOB_EVENTS, True),
    "jobError": (frozenset({"artistCancelConfirmation"}), True),
    "changeNetwork": (frozenset({"changeNetwork"}), False),
    "setSocketEventSubscriptions": (frozenset({"socketEventSubscriptionsUpdated"}), False),
}


def _job_id(payload: Any) -> str | None:
    if isinstance(payload, Mapping):
        value = payload.get("jobID")
        if isinstance(value, str) and value:
            return value.upper()
    return None


@attrs.define(eq=False)
class Outgoing:
    """One socket request on its way to the network.

    ``written_on`` is the number of the connection it was last written to (0: never
    written), ``written_at`` when (a monotonic clock); ``resends`` counts writes after
    the first. ``on_fail`` is called once if
    the request is given up (the client closed before the network confirmed it).
    """

    type: str
    payload: Any
    job_id: str | None = None
    written_on: int = 0
    written_at: float = 0.0
    resends: int = 0
    on_fail: Callable[[SogniError], None] | None = attrs.field(default=None, repr=False)

    @classmethod
    def of(
        cls,
        message_type: str,
        payload: Any,
        on_fail: Callable[[SogniError], None] | None = None,
    ) -> Outgoing:
        """A request of ``message_type``; its job id is read from the payload."""
        return cls(message_type, payload, _job_id(payload), on_fail=on_fail)

    @property
    def confirmable(self) -> bool:
        """Whether the network answers this type at all (unknown types are fire-and-forget)."""
        return self.type in _ANSWERS

    def confirmed_by(self, event_type: str, payload: Any) -> bool:
        """Whether an incoming event is the network's answer to this request."""
        answers, by_id = _ANSWERS.get(self.type, (frozenset(), False))
        if event_type not in answers:
            return False
        return not by_id or (self.job_id is not None and _job_id(payload) == self.job_id)


class Outbox:
    """Unconfirmed requests, oldest first, indexed by what confirms them: an event costs
    one lookup by its job id (or by its type, for fixed answers), however many requests
    wait."""

    def __init__(self) -> None:
        self._entries: dict[Outgoing, None] = {}  # insertion order: oldest first
        self._by_id: dict[str, list[Outgoing]] = {}
        self._by_answer: dict[str, list[Outgoing]] = {}

    def __repr__(self) -> str:
        return f"<Outbox {len(self._entries)} unconfirmed>"

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Outgoing]:
        return iter(list(self._entries))

    def add(self, entry: Outgoing) -> None:
        """Hold ``entry`` until it is confirmed or given up."""
        if entry in self._entries:
            return
        self._entries[entry] = None
        if entry.job_id is not None:
            self._by_id.setdefault(entry.job_id, []).append(entry)
        answers, by_id = _ANSWERS.get(entry.type, (frozenset(), False))
        if not by_id:
            for answer in answers:
                self._by_answer.setdefault(answer, []).append(entry)

    def remove(self, entry: Outgoing) -> bool:
        """Drop ``entry``; False if it was no longer held."""
        if self._entries.pop(entry, False) is False:
            return False
        if entry.job_id is not None:
            _unlist(self._by_id, entry.job_id, entry)
        answers, by_id = _ANSWERS.get(entry.type, (frozenset(), False))
        if not by_id:
            for answer in answers:
                _unlist(self._by_answer, answer, entry)
        return True

    def confirm(self, event_type: str, payload: Any) -> list[Outgoing]:
        """Drop and return the requests this event answers.

        An id-matched event confirms every request with that id; a fixed answer (a
        subscription update, a network change) confirms the oldest request waiting for it.
        """
        confirmed: list[Outgoing] = []
        fixed = self._by_answer.get(event_type)
        if fixed:
            for entry in fixed:
                confirmed.append(entry)
                if entry.job_id is None:
                    break
        else:
            job_id = _job_id(payload)
            for entry in self._by_id.get(job_id, ()) if job_id is not None else ():
                if entry.confirmed_by(event_type, payload):
                    confirmed.append(entry)
        for entry in confirmed:
            self.remove(entry)
        return confirmed

    def find(self, message_type: str, job_id: str) -> list[Outgoing]:
        """The unconfirmed requests of this type and id, oldest first."""
        return [e for e in self._by_id.get(job_id.upper(), ()) if e.type == message_type]

    def holds(self, message_type: str, job_id: str) -> bool:
        """Whether a request of this type and id is still unconfirmed."""
        return bool(self.find(message_type, job_id))

    def take_all(self) -> list[Outgoing]:
        """Remove and return every request (the client is giving up on them)."""
        entries = list(self._entries)
        self._entries.clear()
        self._by_id.clear()
        self._by_answer.clear()
        return entries


def _unlist(index: dict[str, list[Outgoing]], key: str, entry: Outgoing) -> None:
    entries = index.get(key)
    if entries is None:
        return
    for i, held in enumerate(entries):
        if held is entry:
            del entries[i]
            break
    if not entries:
        del index[key]
