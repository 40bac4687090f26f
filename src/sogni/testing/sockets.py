"""Live connections: one socket per ``appId``, SSE streams, framed sends, abrupt drops."""

from __future__ import annotations

import asyncio
import struct
from typing import Any

import attrs
from aiohttp import web

from .auth import Account
from .frames import encode_frame
from .recording import RecordedMessage, Recorder
from .subscriptions import Subscriptions

__all__ = ["Broadcaster", "ClientSocket", "WriteCounts"]

#: Bytes the transport may hold unsent before sends fall back to aiohttp's own writes,
#: which wait for a slow reader to catch up.
BACKLOG_LIMIT = 1 << 20


def text_frame(body: bytes) -> bytes:
    """One unmasked, unfragmented WebSocket text frame (a server's) carrying ``body``."""
    size = len(body)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + body


@attrs.define
class WriteCounts:
    """Socket frames sent and the transport writes that carried them, over every
    connection (``socket_frames`` and ``socket_writes`` of ``LocalSupernet.stats()``)."""

    frames: int = 0
    writes: int = 0


class ClientSocket:
    """The server's end of one accepted, authenticated artist socket."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        request: web.Request,
        app_id: str,
        network: str,
        subscriptions: Subscriptions,
        account: Account,
        counts: WriteCounts,
    ) -> None:
        self.ws = ws
        self.account = account
        self.request = request
        self.app_id = app_id
        self.network = network
        self.subscriptions = subscriptions
        self._send_lock = asyncio.Lock()
        self._outbox: list[bytes] = []
        self._queued = 0  # bytes in the outbox
        self._counts = counts

    @property
    def open(self) -> bool:
        """Whether frames can still be sent."""
        return not self.ws.closed

    async def send(self, recorder: Recorder, message_type: str, payload: Any) -> bool:
        """Send one framed event if subscribed and open; returns whether it was sent.

        The frames sent in one turn of the event loop go out in one write at its end (as a
        busy server's do), unless the client has fallen behind: then each waits for
        aiohttp's flow control.
        """
        if not self.open or not self.subscriptions.wants(message_type):
            return False
        text = encode_frame(message_type, payload)
        transport = self.request.transport
        if transport is None or transport.is_closing():
            return False
        backlog = self._queued + transport.get_write_buffer_size()
        if self._send_lock.locked() or backlog > BACKLOG_LIMIT:
            if not await self.send_raw(text):
                return False
        else:
            if not self._outbox:
                asyncio.get_running_loop().call_soon(self.flush)
            frame = text_frame(text.encode())
            self._outbox.append(frame)
            self._queued += len(frame)
        recorder.add_message(
            RecordedMessage(type=message_type, data=payload, app_id=self.app_id, direction="out")
        )
        return True

    async def send_raw(self, data: str | bytes) -> bool:
        """Send one text (``str``) or binary (``bytes``) frame through aiohttp, after the
        frames queued before it; returns whether it was sent."""
        self.flush()
        async with self._send_lock:
            try:
                if isinstance(data, bytes):
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(data)
            except (ConnectionError, RuntimeError):
                return False
        self._counts.frames += 1
        self._counts.writes += 1
        return True

    def flush(self) -> None:
        """Write the queued frames now, in one write."""
        if not self._outbox:
            return
        frames = len(self._outbox)
        data = b"".join(self._outbox)
        self._outbox.clear()
        self._queued = 0
        transport = self.request.transport
        if transport is not None and not transport.is_closing() and not self.ws.closed:
            transport.write(data)
            self._counts.frames += frames
            self._counts.writes += 1

    async def close(self, code: int, reason: str) -> None:
        """Close with a close frame, after the frames queued before it."""
        self.flush()
        await self.ws.close(code=code, message=reason.encode("utf-8"))

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (the client sees code 1006)."""
        self._outbox.clear()
        self._queued = 0
        transport = self.request.transport
        if transport is not None:
            transport.abort()


class Broadcaster:
    """Sends events to the live client sockets (one per ``appId``) and keeps the open SSE
    streams, so a fault can cut every live connection at once."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.counts = WriteCounts()
        self._by_app: dict[str, ClientSocket] = {}
        self._streams: dict[int, web.Request] = {}

    def track_stream(self, request: web.Request) -> None:
        """Remember a live streaming (SSE) response so faults can cut it."""
        self._streams[id(request)] = request

    def untrack_stream(self, request: web.Request) -> None:
        """Forget a finished streaming response."""
        self._streams.pop(id(request), None)

    def clients(self) -> list[ClientSocket]:
        """Every live connection."""
        return list(self._by_app.values())

    def register(self, client: ClientSocket) -> ClientSocket | None:
        """Add ``client``; returns the older connection of the same ``appId`` it replaces."""
        older = self._by_app.get(client.app_id)
        self._by_app[client.app_id] = client
        return older if older is not client else None

    def unregister(self, client: ClientSocket) -> None:
        """Forget ``client`` if it is still the current one for its ``appId``."""
        if self._by_app.get(client.app_id) is client:
            del self._by_app[client.app_id]

    async def send_to_app(self, app_id: str, message_type: str, payload: Any) -> None:
        """Deliver an event to the current connection of ``app_id`` (dropped if none)."""
        client = self._by_app.get(app_id)
        if client is not None:
            await client.send(self.recorder, message_type, payload)

    async def broadcast(self, message_type: str, payload: Any) -> None:
        """Deliver an event to every live connection."""
        for client in self.clients():
            await client.send(self.recorder, message_type, payload)

    def drop_all(self) -> int:
        """Abort every live socket and SSE stream abruptly; returns how many were cut."""
        clients = self.clients()
        streams = list(self._streams.values())
        self._by_app.clear()
        self._streams.clear()
        for client in clients:
            client.abort()
        for request in streams:
            if request.transport is not None:
                request.transport.abort()
        return len(clients) + len(streams)

    async def close_all(self, code: int = 1001, reason: str = "Server shutting down") -> None:
        """Close every live connection cleanly."""
        clients = self.clients()
        self._by_app.clear()
        await asyncio.gather(*(c.close(code, reason) for c in clients), return_exceptions=True)
