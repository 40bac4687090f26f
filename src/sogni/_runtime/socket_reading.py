"""Reading one open WebSocket connection, on whichever thread has the turn.

The engine's thread reads while nobody waits. A thread blocked in a sync wait (a project's
``wait_for_completion()``, a chat stream) takes the turn and reads the connection itself:
the event it waits for is then received, decoded, dispatched and seen on one thread, with
no hand-over between threads in between (a Condition, and the GIL changing hands, cost
more than handling the event). Whoever reads runs the same :meth:`Reading.step`.
"""

from __future__ import annotations

import logging
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeGuard

from sogni.core.reconnect import CloseCode
from sogni.core.ws_frames import (
    OPCODE_BINARY,
    OPCODE_CLOSE,
    OPCODE_PING,
    OPCODE_PONG,
    OPCODE_TEXT,
    FrameReader,
    ProtocolError,
    parse_close,
)

if TYPE_CHECKING:
    import signal as signals
    import ssl

    import websocket
else:
    try:  # signal's own functions: the public wrappers turn handlers into enums (10 µs)
        import _signal as signals
    except ImportError:  # pragma: no cover - an interpreter without it
        import signal as signals

log = logging.getLogger("sogni.socket")

__all__ = ["Bell", "HeldInterrupts", "Reading", "is_tls"]

PING_INTERVAL = 15.0
PING_TIMEOUT = 10.0
NORMAL_CLOSE = int(CloseCode.NORMAL)
PROTOCOL_ERROR = 1002
#: Bytes asked of the socket per read: many frames come out of one read. They are read
#: into one buffer kept for the connection: a fresh 256 KiB bytes object per read costs
#: ~14 µs of allocation (64 KiB and less, ~1 µs), more than handling a frame.
RECV_SIZE = 256 * 1024


def send_close_code(ws: websocket.WebSocket, code: int, reason: bytes = b"") -> None:
    """Send a close frame with ``code``, if the connection still takes one."""
    try:
        ws.send_close(code, reason)
    except Exception:  # noqa: BLE001 - the connection may already be gone
        pass


def is_tls(raw: socket.socket) -> TypeGuard[ssl.SSLSocket]:
    """Whether ``raw`` is a TLS socket (it may hold decrypted bytes its descriptor no
    longer shows, and a read of it blocks until a whole record is in)."""
    return getattr(raw, "pending", None) is not None


class Bell:
    """Wakes a thread waiting in :meth:`Reading.ready` (a byte on a socket pair)."""

    __slots__ = ("_ear", "_rope")

    def __init__(self) -> None:
        self._rope, self._ear = socket.socketpair()
        self._rope.setblocking(False)
        self._ear.setblocking(False)

    def fileno(self) -> int:
        """What ``select`` watches."""
        return self._ear.fileno()

    def ring(self) -> None:
        """Wake the thread waiting on this bell (any thread)."""
        try:
            self._rope.send(b"\0")
        except OSError:  # already rung (the buffer is full), or closed
            pass

    def hush(self) -> None:
        """Forget the rings so far."""
        try:
            self._ear.recv(4096)
        except OSError:
            pass

    def close(self) -> None:
        """Release the socket pair."""
        self._rope.close()
        self._ear.close()


class Reading:
    """The state of reading one open connection: its frame splitter, ping deadlines, how
    it ended (``outcome``: the close code and reason), and whether it has.

    Only the thread holding the engine's turn calls :meth:`step`.
    """

    __slots__ = (
        "_pending",
        "_source",
        "buffer",
        "ended",
        "engine_bell",
        "frames",
        "handle",
        "next_ping",
        "outcome",
        "pong_due",
        "raw",
        "waiter_bell",
        "ws",
    )

    def __init__(
        self, ws: websocket.WebSocket, outcome: dict[str, Any], handle: Callable[[bytes], None]
    ) -> None:
        raw = ws.sock
        assert raw is not None  # set by the handshake
        self.ws = ws
        self.raw: socket.socket = raw
        self.buffer = memoryview(bytearray(RECV_SIZE))
        # TLS: what tells the decrypted bytes the socket no longer shows (None otherwise).
        self._pending: Callable[[], int] | None = raw.pending if is_tls(raw) else None
        self._source = raw if self._pending is not None else _nonblocking_twin(raw)
        self.outcome = outcome
        self.handle = handle
        self.frames = FrameReader()
        self.next_ping = time.monotonic() + PING_INTERVAL
        self.pong_due: float | None = None
        self.ended = False
        # A waiting thread that reads is woken when what it waits for changed on another
        # thread (a result fetched over REST, close()); the engine's thread when a waiting
        # thread takes the turn, so that only one thread waits for the connection's bytes.
        self.waiter_bell = Bell()
        self.engine_bell = Bell()

    def close(self) -> None:
        """Release what the reading held besides the connection."""
        self.waiter_bell.close()
        self.engine_bell.close()
        if self._source is not self.raw:
            self._source.close()

    def seconds_to_ping(self) -> float:
        """How long a reader may block before the ping deadlines need looking at."""
        due = self.next_ping if self.pong_due is None else min(self.next_ping, self.pong_due)
        return max(0.0, due - time.monotonic())

    def ready(self, timeout: float, bell: Bell | None = None) -> bool:
        """Whether bytes can be read, waiting up to ``timeout`` seconds for some, or until
        ``bell`` rings. TLS may hold decrypted bytes the socket no longer shows; those
        count."""
        if self.buffered():
            return True
        watched: list[Any] = [self.raw] if bell is None else [self.raw, bell]
        try:
            readable, _, _ = select.select(watched, [], [], timeout)
        except (OSError, ValueError):  # closed under us (drop(), close())
            return True  # the read that follows sees the end
        if bell is not None and bell in readable:
            bell.hush()
        return self.raw in readable

    def buffered(self) -> bool:
        """Whether TLS holds decrypted bytes (which the socket no longer shows as readable)."""
        pending = self._pending
        return pending is not None and pending() > 0

    def step(self, ready: bool) -> None:
        """Read what arrived (when ``ready``) and handle every frame in it, then send the
        ping that is due; sets :attr:`ended` when the connection is over (a failure on
        the way included: it ends the connection, as any broken connection ends)."""
        try:
            self._step(ready)
        except Exception as exc:  # noqa: BLE001 - reported as a lost connection
            log.warning("socket loop failed: %r", exc)
            self.ended = True

    def _step(self, ready: bool) -> None:
        if ready:
            try:
                data = bytes(self.buffer[: self._source.recv_into(self.buffer)])
            except (TimeoutError, BlockingIOError):  # nothing to read after all
                data = None
            except OSError:
                data = b""  # dropped (or cut by drop() / close())
            if data is not None:
                self._received(data)
        if not self.ended:
            self._keep_alive()

    def wake_other_readers(self) -> None:
        """Shut the ended connection down, so a thread waiting for its bytes returns."""
        try:
            self.raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _received(self, data: bytes) -> None:
        if not data:
            self.ended = True
            return
        try:
            received = self.frames.feed(data)
        except ProtocolError as exc:
            log.warning("the server broke the WebSocket framing: %s", exc)
            send_close_code(self.ws, PROTOCOL_ERROR)
            self.ended = True
            return
        handle = self.handle
        for opcode, payload in received:
            if opcode == OPCODE_TEXT or opcode == OPCODE_BINARY:
                handle(payload)
            elif opcode == OPCODE_PING:
                self.ws.pong(payload)
            elif opcode == OPCODE_PONG:
                self.pong_due = None
            elif opcode == OPCODE_CLOSE:
                code, reason = parse_close(payload)
                self.outcome.update(code=code, reason=reason)
                if self.ws.connected:  # the server began the closing handshake: answer
                    send_close_code(self.ws, NORMAL_CLOSE)
                self.ended = True
                return

    def _keep_alive(self) -> None:
        now = time.monotonic()
        if self.pong_due is not None and now >= self.pong_due:
            log.info("no pong within %g s; giving the connection up", PING_TIMEOUT)
            self.ended = True
            return
        if now >= self.next_ping:
            self.ws.ping()
            self.next_ping = now + PING_INTERVAL
            if self.pong_due is None:
                self.pong_due = now + PING_TIMEOUT


def _nonblocking_twin(raw: socket.socket) -> socket.socket:
    """A non-blocking socket object on its own descriptor of ``raw``'s connection, to read
    from: ``raw`` keeps its timeout for the sends, and a read through a socket with a
    timeout polls before every receive. ``raw`` itself when it cannot be had."""
    try:
        twin = raw.dup()
        twin.setblocking(False)
    except OSError:
        return raw
    return twin


class HeldInterrupts:
    """Ctrl-C while the main thread reads: raised at once while it waits for bytes, held
    back while it handles them (a half-handled frame would leave a project's state or the
    frame splitter half-updated) and raised by :meth:`raise_held` after.

    As a ``with`` block it puts itself in place of Python's own Ctrl-C handler on the main
    thread, and back at its end; elsewhere (a signal only interrupts the main thread) or
    under an application's own handler, it changes nothing.
    """

    __slots__ = ("_installed", "handling", "pending")

    def __init__(self) -> None:
        self.handling = False  # set around the handling of frames
        self.pending = False
        self._installed = False

    def __enter__(self) -> HeldInterrupts:
        if threading.current_thread() is threading.main_thread() and (
            signals.getsignal(signals.SIGINT) is signals.default_int_handler
        ):
            signals.signal(signals.SIGINT, self)
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed and signals.getsignal(signals.SIGINT) is self:  # not replaced
            signals.signal(signals.SIGINT, signals.default_int_handler)

    def __call__(self, signum: int, frame: Any) -> None:
        if self.handling:
            self.pending = True
        else:
            raise KeyboardInterrupt

    def raise_held(self) -> None:
        """Raise the Ctrl-C held back while frames were handled, if one came."""
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt
