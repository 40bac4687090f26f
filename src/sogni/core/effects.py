"""Effects: the I/O requests that plans yield and drivers carry out.

A plan is a generator that yields effects and receives their results. The sync driver
carries them out with blocking calls, the async driver with awaitables; the plan itself is
written once and never touches I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

__all__ = [
    "ChecksumUpload",
    "CloseStream",
    "Download",
    "Effect",
    "Emit",
    "Invoke",
    "OpenStream",
    "PrepareAsset",
    "ReadStream",
    "RemoteAsset",
    "RestCall",
    "Sleep",
    "SocketSend",
    "Upload",
    "WaitForModels",
    "WaitUntil",
    "forget_stream",
    "track_stream",
]

Host = Literal["rest", "socket"]


@attrs.frozen
class RestCall:
    """An HTTP call to the REST host or the socket host's HTTP side.

    ``envelope`` says whether the answer is wrapped in ``{"status", "data"}``; its ``data``
    is what the driver returns then. Only ``idempotent`` calls are retried.
    ``authorize`` attaches the client's credentials (renewing an expiring access token
    first, and renewing once more and retrying after a 401); login, nonce and token
    refresh calls turn it off. ``no_body`` sends a POST without any body. ``timeout`` is
    seconds, ``None`` for no limit, or ``"client"`` for the client's own ``timeout``.
    ``shared`` calls are single-flight: callers asking for the same one while it is under
    way wait for its answer instead of sending their own (cache fills).
    """

    method: str
    path: str
    host: Host = "rest"
    query: Mapping[str, Any] | None = None
    json: Any = None
    envelope: bool = True
    idempotent: bool = True
    timeout: float | Literal["client"] | None = "client"
    headers: Mapping[str, str] | None = None
    authorize: bool = True
    no_body: bool = False
    shared: bool = False

    def flight_key(self) -> tuple[Any, ...]:
        """What makes two shared calls the same call."""
        query = tuple(sorted((self.query or {}).items()))
        return (self.method, self.host, self.path, query)


@attrs.frozen
class SocketSend:
    """Send one message over the socket, connecting first if needed."""

    type: str
    payload: Any


@attrs.frozen
class Sleep:
    """Pause the plan for ``seconds`` (e.g. a reconnect backoff delay)."""

    seconds: float


@attrs.frozen
class WaitForModels:
    """Wait until the network has announced a non-empty list of available models."""

    timeout: float


@attrs.frozen
class RemoteAsset:
    """An asset to fetch from ``url`` before uploading it (e.g. a result to enhance)."""

    url: str


@attrs.frozen
class PrepareAsset:
    """Open an asset for upload and sniff its content type from its first bytes.

    ``source`` is a path, bytes, a binary file object or a :class:`RemoteAsset`; ``asset``
    names the parameter for errors. The driver returns an object with ``content_type``
    (``str | None``) and ``size`` (``int | None``) to pass to :class:`Upload` as its
    ``source``. An unreadable source raises :class:`~sogni.errors.ValidationError`.
    """

    source: Any
    asset: str


@attrs.frozen
class Upload:
    """PUT an asset to a presigned URL, streaming it from its prepared source.

    No credentials are sent; a failure raises :class:`~sogni.errors.UploadError` naming
    ``asset``.
    """

    url: str
    source: Any
    content_type: str | None
    asset: str


@attrs.frozen
class Download:
    """Stream a URL to a file; the driver returns the path it wrote."""

    url: str
    path: Path


@attrs.frozen
class WaitUntil:
    """Wait until ``predicate()`` is true; it is re-checked whenever the socket delivers
    something. ``what`` names the wait in the timeout error."""

    predicate: Callable[[], bool]
    timeout: float | None
    what: str


@attrs.frozen
class Emit:
    """Hand one item to the caller of an iterating operation; the plan then continues."""

    value: Any


@attrs.frozen
class Invoke:
    """Call a user-supplied callback and return what it returns.

    The async driver awaits the result when it is awaitable, so async clients accept
    ``async def`` callbacks; exceptions raised by the callback go back into the plan.
    """

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()


@attrs.frozen
class ChecksumUpload:
    """Read a file for the saved-upload library once; the driver answers with a
    :class:`~sogni.core.assets.HashedUpload` (its body, SHA-256, size and content type)."""

    source: Any


@attrs.frozen
class OpenStream:
    """Start a streaming HTTP request; the driver returns a handle for :class:`ReadStream`.

    The call's ``timeout`` bounds the wait for each chunk (``None``: wait forever); a
    stream that stays silent longer counts as a dropped connection.
    """

    call: RestCall


@attrs.frozen
class ReadStream:
    """Read the next chunk of an open stream: ``bytes``, or ``None`` at the end of the body.

    A dropped connection raises :class:`~sogni.errors.ConnectionLost` into the plan.
    """

    handle: Any


@attrs.frozen
class CloseStream:
    """Close an open stream (safe to repeat)."""

    handle: Any


Effect = (
    RestCall
    | SocketSend
    | Sleep
    | WaitForModels
    | WaitUntil
    | PrepareAsset
    | ChecksumUpload
    | Upload
    | Download
    | Emit
    | Invoke
    | OpenStream
    | ReadStream
    | CloseStream
)


def track_stream(streams: list[Any], effect: object, value: Any) -> None:
    """Keep the list of a plan's open streams current (drivers close leftovers)."""
    if isinstance(effect, OpenStream):
        streams.append(value)
    elif isinstance(effect, CloseStream) and effect.handle in streams:
        streams.remove(effect.handle)


def forget_stream(streams: list[Any], value: Any) -> None:
    """A plan returned an open stream to its caller: it is no longer the plan's to close."""
    for index, handle in enumerate(streams):
        if handle is value:
            del streams[index]
            return
