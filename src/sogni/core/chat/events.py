"""The parts of ``client.chat`` that run in the client itself, without I/O: its events.

``client.chat.on(event, callback)`` is a plain call in both clients (never a coroutine).
The events are those of the client's own chat jobs, streamed or not, and of the
network's LLM model list; the socket thread emits them (see ``ChatJobTable``) and each
client runs the callbacks where it runs its other callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args

import attrs

from sogni.core.errors import SogniError, ValidationError

__all__ = [
    "CHAT_EVENT_ALIASES",
    "CHAT_EVENT_NAMES",
    "ChatErrorEvent",
    "ChatEvent",
    "chat_event_name",
    "on",
]

ChatEvent = Literal[
    "token", "job_state", "completed", "error", "models_updated", "jobState", "modelsUpdated"
]

#: The reference client's spellings, accepted for familiarity.
CHAT_EVENT_ALIASES = {"jobState": "job_state", "modelsUpdated": "models_updated"}

CHAT_EVENT_NAMES: tuple[str, ...] = tuple(
    name for name in get_args(ChatEvent) if name not in CHAT_EVENT_ALIASES
)
"""Event names accepted by ``client.chat.on`` (``jobState`` and ``modelsUpdated`` too):

* ``token`` — each chunk of a chat job's answer, as it arrives: a
  :class:`~sogni.core.chat.ChatChunk`;
* ``job_state`` — a job was ``pending``, ``queued``, ``assigned``, ``jobStarted``: a
  :class:`~sogni.core.chat.results.ChatJobState`;
* ``completed`` — a job's whole answer: a :class:`~sogni.core.chat.ChatCompletion`;
* ``error`` — a job failed (the network's error, a timeout, a lost connection): a
  :class:`ChatErrorEvent`;
* ``models_updated`` — the network announced its LLM models: a ``dict`` of model id to
  :class:`~sogni.core.chat.LLMModelInfo`.
"""


@attrs.frozen
class ChatErrorEvent:
    """What an ``error`` callback of ``client.chat.on`` receives.

    Attributes:
        job_id: The failed chat job.
        message: Why it failed.
        code: The network's error code or name (e.g. ``workerError``), when the network
            failed the job; ``None`` for a local reason (timeout, lost connection).
        worker_name: The worker that served the job, when one was assigned.
        error: The exception a waiter of the job gets (``ChatJobError``,
            ``SogniTimeoutError``, ``ConnectionLost``...).
    """

    job_id: str
    message: str
    code: str | int | None
    worker_name: str | None
    error: SogniError = attrs.field(eq=False)


def chat_event_name(event: object) -> str:
    """The event name ``event`` stands for; :class:`ValidationError` when unknown."""
    name = CHAT_EVENT_ALIASES.get(event, event) if isinstance(event, str) else event
    if name not in CHAT_EVENT_NAMES:
        raise ValidationError(
            f"unknown chat event {event!r}", field="event", allowed=CHAT_EVENT_NAMES
        )
    return str(name)


def on(client: Any, event: str, callback: Callable[[Any], Any]) -> Callable[[], None]:
    """Register a ``client.chat.on`` callback; returns a function that removes it.

    Callbacks run where the client runs its other callbacks: for the sync client on the
    thread reading the network's events (the SDK's background thread, or a thread of
    yours while it waits for the network), in the event loop for the async one.
    """
    name = chat_event_name(event)
    client._ctx  # noqa: B018 - in a forked child this builds the child's own connection
    conn = client._conn
    remove: Callable[[], None] = conn.chat.events.on(name, callback, dispatch=conn.events.dispatch)
    return remove
