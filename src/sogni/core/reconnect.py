"""What to do when a connection closes, and how long to wait before trying again.

:func:`classify_close` turns a WebSocket close code into a decision; :class:`Backoff` is
the delay schedule shared by the socket engine and the workflow event stream.
"""

from __future__ import annotations

import enum
import random

import attrs

__all__ = ["Backoff", "CloseCode", "CloseDecision", "CloseKind", "classify_close"]


class CloseCode(enum.IntEnum):
    """Close codes with a meaning in the Sogni socket protocol."""

    NORMAL = 1000
    """Either side ended the connection on purpose."""
    APP_ID_BLOCKED = 4010
    """The server refuses connections for this app id."""
    SWITCHED_CONNECTION = 4015
    """A newer connection with the same app id replaced this one."""
    AUTH_ERROR = 4021
    """The credentials sent with the handshake were rejected."""


class CloseKind(enum.Enum):
    """How a close is handled."""

    NORMAL = "normal"
    """Stop, keep the credentials, do not reconnect."""
    FATAL = "fatal"
    """Stop, drop the credentials, do not reconnect: retrying cannot succeed."""
    TRANSIENT = "transient"
    """Reconnect after a backoff delay."""


_DESCRIPTIONS: dict[int, str] = {
    CloseCode.NORMAL: "connection closed normally",
    CloseCode.APP_ID_BLOCKED: "this app id is blocked from connecting",
    CloseCode.SWITCHED_CONNECTION: "a newer connection with the same app id replaced this one",
    CloseCode.AUTH_ERROR: "the server rejected the credentials",
}


@attrs.frozen
class CloseDecision:
    """The outcome of :func:`classify_close`: the kind, the code and a readable reason."""

    kind: CloseKind
    code: int | None
    reason: str

    @property
    def reconnect(self) -> bool:
        """Whether the connection should be re-established."""
        return self.kind is CloseKind.TRANSIENT

    @property
    def clear_auth(self) -> bool:
        """Whether the credentials must be dropped (the server will not take them back).

        ``4015`` is the exception: another connection took over this app id, but the
        credentials are still good for REST calls and a later connection.
        """
        return self.kind is CloseKind.FATAL and self.code != CloseCode.SWITCHED_CONNECTION


def classify_close(code: int | None, *, authenticated: bool = True) -> CloseDecision:
    """Decide what a close with ``code`` means.

    * ``1000``: a normal close, nothing to retry.
    * ``4000``–``4999``: the server ended the session for a reason a retry cannot fix
      (``4010`` blocked app id, ``4015`` replaced by a newer connection, ``4021``
      authentication error, others unnamed). Credentials are dropped, except after
      ``4015``: reconnecting with the same app id would only knock the newer connection
      off in turn, but nothing is wrong with the credentials.
    * anything else (``1001``, ``1006``, ``1011``, …): transient, reconnect with backoff.
    * no code at all (``None`` or ``0``): transient as well. The network's own client treats
      this as fatal and logs the user out, but a close without a code is what a dropped TCP
      connection, a sleeping laptop or a proxy timeout look like; nothing was said by the
      server, so the credentials are still good and reconnecting is the useful answer.

    A client that is not authenticated has nothing to resume and never reconnects (the
    codes above still win, so a ``4021`` keeps its explanation).
    """
    if code is not None and code != 0:
        if code == CloseCode.NORMAL:
            return CloseDecision(CloseKind.NORMAL, code, _DESCRIPTIONS[CloseCode.NORMAL])
        if 4000 <= code <= 4999:
            reason = _DESCRIPTIONS.get(code, f"the server ended the session (code {code})")
            return CloseDecision(CloseKind.FATAL, code, reason)
    normalized = None if code in (None, 0) else code
    reason = (
        "connection lost without a close code"
        if normalized is None
        else f"connection closed with code {normalized}"
    )
    if not authenticated:
        return CloseDecision(CloseKind.NORMAL, normalized, f"{reason} (not authenticated)")
    return CloseDecision(CloseKind.TRANSIENT, normalized, reason)


def _positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive, got {value!r}")


@attrs.define
class Backoff:
    """Exponential backoff with full jitter and a capped number of attempts.

    The ``n``-th delay (counting from 0) is drawn uniformly from
    ``[0, min(cap, base * factor ** n)]``, so many clients dropped at once do not come back
    in lock-step. :meth:`next_delay` returns ``None`` once ``max_attempts`` delays were
    handed out (``max_attempts=None`` never gives up). Call :meth:`reset` after a
    successful connection. Pass ``rng=random.Random(seed)`` for repeatable delays.
    """

    base: float = attrs.field(default=1.0, validator=_positive)
    factor: float = attrs.field(default=2.0, validator=_positive)
    cap: float = attrs.field(default=30.0, validator=_positive)
    max_attempts: int | None = 6
    rng: random.Random = attrs.field(factory=random.Random, repr=False)
    attempts: int = attrs.field(default=0, init=False)
    """How many delays were handed out since the last reset."""

    @property
    def exhausted(self) -> bool:
        """True once every allowed attempt was used."""
        return self.max_attempts is not None and self.attempts >= self.max_attempts

    def ceiling(self, attempt: int) -> float:
        """The largest delay the given attempt (counting from 0) can get."""
        try:
            grown = self.base * self.factor**attempt
        except OverflowError:
            return self.cap
        return min(self.cap, grown)

    def next_delay(self) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` when it is time to give up."""
        if self.exhausted:
            return None
        delay = self.rng.uniform(0.0, self.ceiling(self.attempts))
        self.attempts += 1
        return delay

    def reset(self) -> None:
        """Start over (after a successful connection or progress on a stream)."""
        self.attempts = 0
