"""How a failed command is reported: one ``sogni: error: ...`` line, with the hint."""

from __future__ import annotations

from sogni.cli._session import Session, host_of
from sogni.errors import (
    APIConnectionError,
    ClientClosed,
    ConnectionLost,
    SogniError,
    SogniTimeoutError,
)

__all__ = ["UsageError", "error_line"]


class UsageError(Exception):
    """The command line was wrong in a way the parser cannot see (exit status 2)."""


def error_line(exc: SogniError, session: Session | None) -> str:
    """The one line that reports ``exc``; connection failures name the host tried."""
    message = exc.message
    rest = host_of(session.rest_endpoint) if session and session.rest_endpoint else None
    socket = host_of(session.socket_endpoint) if session and session.socket_endpoint else None
    if isinstance(exc, APIConnectionError) and rest:
        message = f"could not reach {rest}: {message}"
    elif isinstance(exc, ConnectionLost) and not isinstance(exc, ClientClosed) and socket:
        message = f"lost the connection to {socket}: {message}"
    elif isinstance(exc, SogniTimeoutError) and socket and exc.hint:
        message = f"{message} from {socket}"  # the hint says why the socket did not connect
    if exc.hint:
        message = f"{message} ({exc.hint})"
    return "sogni: error: " + " ".join(message.split())
