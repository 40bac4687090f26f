"""Reading one body of a server-sent event stream, shared by chat runs and workflows.

:func:`read_body` opens the stream, emits every event the stream's parser delivers and
closes it again, then says how the body ended. A dropped connection and an answer worth
retrying come back as :attr:`Body.lost` for the caller to reconnect after; any other
failure is raised once the stream is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import attrs

from sogni.core.effects import CloseStream, Emit, OpenStream, ReadStream, RestCall
from sogni.core.errors import ApiError, ConnectionLost
from sogni.core.plans import Plan
from sogni.core.reconnect import Backoff

__all__ = ["RETRY_STATUSES", "Body", "EventParser", "read_body"]

#: Stream answers worth retrying: rate limiting and gateway trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

E = TypeVar("E")


class EventParser(Protocol[E]):
    """The resumable parser of a stream: events out of chunks, ``done`` after the last."""

    @property
    def done(self) -> bool: ...

    def feed(self, chunk: str | bytes) -> list[E]: ...

    def end_of_body(self) -> list[E]: ...

    def connection_lost(self) -> None: ...


@attrs.frozen
class Body(Generic[E]):
    """How one body of the stream ended."""

    #: The body ran to its end (the server closed it cleanly).
    ended: bool
    #: Events emitted from this body.
    delivered: int
    #: Why the body broke off, when it is worth reconnecting.
    lost: Exception | None


def read_body(
    call: RestCall,
    stream: EventParser[E],
    backoff: Backoff,
    convert: Callable[[E], Any],
) -> Plan[Body[E]]:
    """Emit ``convert(event)`` for every event of one body of the stream at ``call``."""
    handle: Any = None
    lost: Exception | None = None
    fatal: Exception | None = None
    ended = False
    delivered = 0
    # No ``finally`` here: a consumer that stops early closes this generator, and the
    # driver then closes the stream itself.
    try:
        handle = yield OpenStream(call)
        while not stream.done:
            chunk = yield ReadStream(handle)
            events = stream.end_of_body() if chunk is None else stream.feed(chunk)
            for event in events:
                backoff.reset()
                delivered += 1
                yield Emit(convert(event))
            if chunk is None:
                ended = True
                break
    except ConnectionLost as exc:
        stream.connection_lost()
        lost = exc
    except ApiError as exc:
        if exc.status in RETRY_STATUSES:
            lost = exc
        else:
            fatal = exc
    except Exception as exc:  # noqa: BLE001 - re-raised once the stream is closed
        fatal = exc
    if handle is not None:
        yield CloseStream(handle)
    if fatal is not None:
        raise fatal
    return Body(ended, delivered, lost)
