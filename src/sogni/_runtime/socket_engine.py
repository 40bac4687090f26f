"""The socket engine: one WebSocket connection driven by a daemon thread.

The engine connects, frames and unframes messages, pings, and hands decoded events to a
callback on the thread reading the connection: its own, or a waiting thread that took the
turn to read it (see :meth:`SocketEngine.take_turn`). When the connection drops it decides with
:func:`~sogni.core.reconnect.classify_close` whether to come back, and waits between
attempts as :class:`~sogni.core.reconnect.Backoff` says (exponential, full jitter). The
handshake URL and headers are asked for again before every attempt, so a reconnect
carries the current subscriptions, network and access token. It is shared by both
clients; the async client bridges the callbacks into its event loop.
"""

from __future__ import annotations

# Connecting imports these the first time a host name is encoded; imported here, on the
# importing thread, so a fork can never land while the connection thread holds their
# import locks (see _settle_before_fork for the rest of the first attempt).
import encodings.idna  # noqa: F401
import logging
import os
import socket
import stringprep  # noqa: F401
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import attrs

from sogni._runtime.log import safe_url
from sogni._runtime.preload import load_background_modules
from sogni._runtime.socket_reading import (
    NORMAL_CLOSE,
    HeldInterrupts,
    Reading,
    send_close_code,
)
from sogni.core.errors import (
    AuthenticationError,
    ClientClosed,
    ConnectionLost,
    SogniError,
)
from sogni.core.framing import FrameError, decode_frame, encode_frame
from sogni.core.reconnect import Backoff, CloseCode, CloseDecision, CloseKind, classify_close

if TYPE_CHECKING:
    import websocket

log = logging.getLogger("sogni.socket")

#: How long a fork waits for a client's first connection attempt to be over.
FORK_SETTLE_TIMEOUT = 5.0
_ENGINES: weakref.WeakSet[SocketEngine] = weakref.WeakSet()


def _settle_before_fork() -> None:
    """Hold ``os.fork()`` back until no client is in its first connection attempt.

    That attempt runs on the client's thread and imports what connecting needs (``idna``
    for host names, ...); a fork landing while it holds one of those import locks leaves
    the child blocked on that module forever (gunicorn ``--preload`` with a client made at
    import). Bounded, so a network that never answers only delays the fork. Then the
    modules background threads load on first use are loaded here (see ``preload``).
    """
    engines = list(_ENGINES)
    for engine in engines:
        if engine._thread is not None and engine._thread.is_alive():
            engine._settled.wait(FORK_SETTLE_TIMEOUT)
    if engines:
        load_background_modules()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_settle_before_fork)

__all__ = ["CloseInfo", "SocketEngine", "connect_url"]

PROTOCOL_VERSION = "3.0.0"
SDK_VERSION = "0.1.0"
RECONNECT_BASE = 1.0
RECONNECT_CAP = 15.0
#: How long ``close()`` waits for the server to answer its close frame.
CLOSE_HANDSHAKE_TIMEOUT = 1.0
#: How often an idle reader looks at its ping deadlines (seconds).
_READ_TIMEOUT = 1.0
#: How long a waiting thread waits for the engine's thread to finish a read and hand it
#: the turn; it waits to be notified instead when that takes longer.
_TAKE_TURN_TIMEOUT = 0.05
#: How soon the engine's thread reads again after a waiting thread gave the turn back, when
#: nothing wakes it sooner (a send, a close, the connection's end): the waiting thread
#: returns without waking it, which would cost that return a third of its time.
_PICKUP_INTERVAL = 0.05


def _describe(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None)
    if status is not None:
        return f"HTTP {status}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def connect_url(
    socket_endpoint: str,
    *,
    app_id: str,
    network: str,
    app_source: str | None = None,
    subscriptions: str | None = None,
) -> str:
    """The WebSocket URL with the handshake query, in the order the network expects."""
    parts = urlsplit(socket_endpoint)
    scheme = "ws" if parts.scheme in ("ws", "http") else "wss"
    query: dict[str, str] = {"appId": app_id}
    if app_source and app_source.strip():
        query["appSource"] = app_source.strip()
    if subscriptions:
        query["socketEventSubscriptions"] = subscriptions
    query["clientName"] = f"Sogni/{PROTOCOL_VERSION} (sogni-python) {SDK_VERSION}"
    query["clientType"] = "artist"
    query["forceWorkerId"] = "fast" if network == "fast" else ""
    return urlunsplit((scheme, parts.netloc, "/", urlencode(query), ""))


@attrs.frozen
class CloseInfo:
    """How a connection ended: the close frame's code and reason, and what happens next.

    ``will_reconnect`` is true when the engine is about to try again; ``clear_auth`` when
    the server refused the credentials for good (code ``4010`` or ``4021``).
    """

    code: int | None
    reason: str
    will_reconnect: bool
    clear_auth: bool = False


def _close_raw(ws: websocket.WebSocket | None) -> None:
    """Shut down and close the TCP socket under a WebSocket (waking a reader blocked on
    it), if it is still open."""
    raw = getattr(ws, "sock", None) if ws is not None else None
    if raw is None:
        return
    try:
        raw.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        raw.close()
    except OSError:
        pass


def _backoff() -> Backoff:
    # No cap on attempts: while it has credentials the client keeps coming back.
    return Backoff(base=RECONNECT_BASE, cap=RECONNECT_CAP, max_attempts=None)


class SocketEngine:
    """A self-healing WebSocket connection on a daemon thread.

    ``on_event(type, payload)`` is called for every decoded event, on the thread reading
    the connection (the engine's, or a waiting thread's: see :meth:`read_until`). On the
    engine's thread: ``on_change()`` whenever :attr:`state` changes, ``on_open()`` after
    every successful (re)connection and ``on_close(info)`` after every drop of an open
    connection and when the engine gives up for good. ``url()`` and ``headers()`` are
    called before each attempt; either may raise a :class:`~sogni.errors.SogniError`
    (e.g. the session could not be renewed), which ends the engine with that error.
    ``authenticated()`` says whether there are credentials worth reconnecting with.
    Events of the types in ``deferred`` are handed over with their payload undecoded (a
    :class:`~sogni.core.framing.EncodedPayload`).
    """

    def __init__(
        self,
        *,
        url: Callable[[], str],
        headers: Callable[[], Mapping[str, str]],
        on_event: Callable[[str, Any], None],
        on_change: Callable[[], None],
        on_open: Callable[[], None] | None = None,
        on_close: Callable[[CloseInfo], None] | None = None,
        authenticated: Callable[[], bool] = lambda: True,
        backoff: Callable[[], Backoff] = _backoff,
        deferred: frozenset[str] = frozenset(),
    ) -> None:
        self._url = url
        self._headers = headers
        self._on_event = on_event
        self._on_change = on_change
        self._on_open = on_open
        self._on_close = on_close
        self._authenticated = authenticated
        self._deferred = deferred
        self._new_backoff = backoff
        self._cond = threading.Condition()
        self._state = "idle"  # idle | connecting | open | closed
        self._error: SogniError | None = None
        self._ws: websocket.WebSocket | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self._terminal = False
        self._run_id = 0  # a thread whose id is no longer current stops at its next look
        self._pid = os.getpid()
        self.connections = 0
        """How many times a connection was opened (1 after the first, +1 per reconnect)."""
        #: Why the last attempt to connect failed, while the engine tries again.
        self.last_failure: str | None = None
        # Set once the first attempt to connect is over (opened or failed): until then the
        # connection thread may be importing modules, and a fork must not land mid-import.
        self._settled = threading.Event()
        # Who reads the open connection: the engine's thread, or a thread waiting for an
        # event that holds the turn meanwhile (read_until).
        self._reading: Reading | None = None
        self._reader: int | None = None  # the thread (ident) holding the turn
        self._lent = 0  # turns taken by waiting threads so far
        self._new_turn()
        #: The async client's reader of this connection in its event loop, once made
        #: (``sogni_async._primitives.LoopReader``).
        self.loop_reader: object = None
        _ENGINES.add(self)

    def __repr__(self) -> str:
        return f"<SocketEngine state={self._state}>"

    # -- public ---------------------------------------------------------------------------
    @property
    def state(self) -> str:
        """``idle``, ``connecting``, ``open`` or ``closed``."""
        return self._state

    @property
    def error(self) -> SogniError | None:
        """Why the connection closed for good, when it did."""
        return self._error

    @property
    def terminal(self) -> bool:
        """True when the connection ended for a reason a retry cannot fix (close codes
        4010, 4015, 4021, refused credentials): :meth:`start` raises instead of connecting."""
        return self._terminal

    @property
    def on_engine_thread(self) -> bool:
        """Whether the caller is the thread reading the connection (inside a callback)."""
        return self._thread is threading.current_thread() or self._reader == threading.get_ident()

    def start(self) -> None:
        """Connect in the background unless already connected or connecting.

        A closed engine starts again, unless it ended for a terminal reason; that reason
        is raised then (see :meth:`reset`).
        """
        with self._cond:
            if self._pid != os.getpid():
                # A forked child must never share its parent's socket.
                self._pid, self._thread, self._ws, self._state = os.getpid(), None, None, "idle"
                self._reading, self._reader = None, None
                self._new_turn()
            if self._thread is not None and self._thread.is_alive() and not self._closing:
                return
            if self._terminal and self._error is not None:
                raise self._error
            self._closing = False
            self._terminal = False
            self._error = None
            self._run_id += 1
            self._set_state("connecting")
            self._thread = threading.Thread(
                target=self._run, args=(self._run_id,), name="sogni-socket", daemon=True
            )
            self._thread.start()

    def reset(self) -> None:
        """Forget why the engine stopped (new credentials), so :meth:`start` may retry."""
        with self._cond:
            self._error = None
            self._terminal = False

    def raise_if_closed(self) -> None:
        """Raise the reason the connection closed for good, if it did."""
        if self._state == "closed":
            raise self._error or ConnectionLost("the socket is closed")

    def send(self, message_type: str, payload: Any) -> int:
        """Write one message to the open connection; returns that connection's number.

        A successful write only means the bytes left; the network's answer is what
        confirms a request (see :mod:`sogni._runtime.delivery`).
        """
        import websocket

        frame = encode_frame(message_type, payload)
        ws, connection = self._ws, self.connections
        if ws is None or self._state != "open":
            raise ConnectionLost("the socket is not connected")
        try:
            sent = ws.send(frame)
        except (websocket.WebSocketException, OSError) as exc:
            raise ConnectionLost(f"sending {message_type} failed: {exc}") from None
        if not sent:
            raise ConnectionLost(f"sending {message_type} failed: the connection is closed")
        self.wake_engine()  # its answer is to be read even if nobody waits for it
        return connection

    def drop(self) -> None:
        """Cut the open connection without a close frame; the engine reconnects as after
        any drop (with the handshake's current credentials)."""
        _close_raw(self._ws)
        self.wake_engine()

    def close(self, error: SogniError | None = None) -> None:
        """Close the connection with the closing handshake (code 1000) and stop the thread.

        ``error`` is what :attr:`error` reports afterwards (default: the client closed).
        """
        with self._cond:
            if self._closing and self._state == "closed" and error is None:
                return  # already closed
            self._closing = True
            ws, thread, was_open = self._ws, self._thread, self._state == "open"
        # From a callback the reading thread cannot wait for the engine's: it ends once
        # the reader sees the connection close.
        joinable = thread is not None and not self.on_engine_thread
        self.wake_engine()  # to read the answer to the close frame
        if ws is not None:
            # The closing handshake: the reader ends when the server's close frame is back.
            send_close_code(ws, NORMAL_CLOSE, b"Client disconnected")
            if joinable:
                assert thread is not None
                thread.join(timeout=CLOSE_HANDSHAKE_TIMEOUT)
            _close_raw(ws)
        if joinable:
            assert thread is not None
            thread.join(timeout=CLOSE_HANDSHAKE_TIMEOUT)
        with self._cond:
            if self._state == "closed" and self._error is not None and error is None:
                return
            self._error = error or ClientClosed()
            self._terminal = True
            self._set_state("closed")
        if was_open:
            self._notify_close(CloseInfo(NORMAL_CLOSE, "Client disconnected", False))

    # -- thread ---------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        # Called with self._cond held.
        self._state = state
        self._cond.notify_all()
        self._call(self._on_change)

    @staticmethod
    def _call(callback: Callable[..., None] | None, *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            log.exception("socket callback failed")

    def _notify_close(self, info: CloseInfo) -> None:
        self._call(self._on_close, info)

    def _handshake(self) -> tuple[str, dict[str, str]] | Exception:
        try:
            return self._url(), dict(self._headers())
        except Exception as exc:  # noqa: BLE001 - reported below
            return exc

    def _stale(self, run_id: int) -> bool:
        # Called with self._cond held: this thread was closed (and maybe replaced).
        return self._closing or run_id != self._run_id

    def _connect_once(
        self, run_id: int, url: str, headers: dict[str, str], outcome: dict[str, Any]
    ) -> bool:
        """Run one connection until it ends; False when the engine is closing."""
        # The first attempt loads websocket-client here, on the engine's thread, as part of
        # connecting in the background; a fork waits for that attempt (_settle_before_fork).
        import websocket

        log.info("connecting to %s", safe_url(url))
        ws = websocket.WebSocket(skip_utf8_validation=True, enable_multithread=True)
        with self._cond:
            if self._stale(run_id):
                return False
            self._ws = ws
        try:
            try:
                ws.connect(url, header=headers)  # type: ignore[no-untyped-call]
            except Exception as exc:  # noqa: BLE001 - the attempt failed; reported by _run
                outcome.update(status=getattr(exc, "status_code", None), error=_describe(exc))
                return True
            if self._handle_open(run_id, outcome):
                self._read(ws, outcome)
        except Exception as exc:  # noqa: BLE001 - a crash is a lost connection
            log.warning("socket loop failed: %r", exc)
        finally:
            _close_raw(ws)
        return True

    def _new_turn(self) -> None:
        # Held to change who reads; taken directly where nobody waits for a change (cheaper
        # than entering the Condition around it).
        self._turn_lock = threading.Lock()
        self._turn = threading.Condition(self._turn_lock)
        self._wanted = 0  # waiting threads asking for the turn
        self._awaiting = 0  # threads waiting for events another thread reads
        self._stepping = False  # the engine's thread is reading
        # Where the engine's thread waits while another thread has the turn (only it ever
        # waits here): a bare lock, released to wake it, and held while nobody waits.
        self._park = threading.Lock()
        self._park.acquire()
        self._parked = False

    def _unpark(self) -> None:
        # Called with self._turn_lock held.
        if self._parked:
            self._parked = False
            self._park.release()

    def wake_engine(self) -> None:
        """Have the engine's thread read at once if no waiting thread has the turn."""
        if self._parked:
            with self._turn_lock:
                if self._reader is None:
                    self._unpark()

    def _wait_for_turn(self) -> None:
        """Block the engine's thread until no waiting thread has or wants the turn (looking
        again every ``_PICKUP_INTERVAL``), then mark it reading."""
        lock, park = self._turn_lock, self._park
        while True:
            with lock:
                # A waiting thread that asked for the turn reads first.
                if self._reader is None and not self._wanted:
                    self._stepping = True
                    return
                self._parked = True
            if park.acquire(timeout=_PICKUP_INTERVAL):
                continue
            with lock:  # timed out: stop waiting, or take the release that came meanwhile
                if self._parked:
                    self._parked = False
                else:
                    park.acquire()

    def _read(self, ws: websocket.WebSocket, outcome: dict[str, Any]) -> None:
        """Read the open connection until it ends, whenever no waiting thread reads it
        (see :meth:`read_until`); ping it every ``PING_INTERVAL`` and give it up when a
        pong is ``PING_TIMEOUT`` late."""
        assert ws.sock is not None  # set by the handshake
        ws.sock.settimeout(_READ_TIMEOUT)
        reading = Reading(ws, outcome, self._handle_message)
        lock, turn = self._turn_lock, self._turn
        self._reading = reading
        try:
            while not reading.ended:
                lent = self._lent
                ready = reading.ready(
                    min(_READ_TIMEOUT, reading.seconds_to_ping()), reading.engine_bell
                )
                self._wait_for_turn()
                try:
                    if reading.ended:
                        return
                    if self._lent != lent:  # a waiting thread read meanwhile: look again
                        ready = reading.ready(0)
                    reading.step(ready)
                finally:
                    with lock:
                        self._stepping = False
                        if self._wanted:
                            turn.notify_all()
        finally:
            self._reading = None
            reading.close()

    def wake_reader(self) -> None:
        """Wake the waiting thread that reads the connection (see :meth:`read_until`) to
        look at what it waits for again; called after a change made on another thread."""
        reader, reading = self._reader, self._reading
        if reader is not None and reading is not None and reader != threading.get_ident():
            reading.waiter_bell.ring()

    def take_turn(self, timeout: float) -> Reading | None:
        """Take the turn to read the open connection, for the calling thread: the engine's
        thread stops reading until :meth:`give_turn_back`. Waits up to ``timeout`` seconds
        for the engine's thread to finish the read it is in; ``None`` when the turn cannot
        be had (no open connection, another reader has it, the engine is closing)."""
        reading, turn = self._reading, self._turn
        with self._turn_lock:
            if reading is None or self._reader is not None or self._closing:
                return None
            if self._stepping:
                if timeout <= 0:
                    return None
                self._wanted += 1
                free = False
                try:
                    turn.wait_for(lambda: not self._stepping, timeout)
                    free = reading is self._reading and self._reader is None and not self._stepping
                finally:
                    self._wanted -= 1
                    if not free:
                        self._unpark()  # it may have parked for this thread to read first
                if not free:
                    return None
            self._reader = threading.get_ident()
            parked = self._parked
        if not parked:
            reading.engine_bell.ring()  # to wait for the turn rather than for the bytes
        return reading

    def give_turn_back(self, reading: Reading, *, wake: bool = True) -> None:
        """End a turn :meth:`take_turn` gave: the engine's thread reads again (or finishes
        the connection, when the reading saw it end).

        With ``wake=False`` (a waiting thread about to return) the engine's thread is not
        woken, which would cost that return a third of its time, unless a thread waits for
        events or the connection ended: it reads again at the next send, close or drop,
        else within ``_PICKUP_INTERVAL``.
        """
        with self._turn_lock:
            self._reader = None
            self._lent += 1
            if wake or reading.ended or self._awaiting:
                self._unpark()
        if reading.ended:
            reading.wake_other_readers()

    def await_events(self, delta: int) -> None:
        """Count a thread that waits to be told of events read by another thread (``+1``
        as it begins, ``-1`` when it ends): while any does, the engine's thread reads as
        soon as no waiting thread does."""
        with self._turn_lock:
            self._awaiting += delta
            if delta > 0 and self._reader is None:
                self._unpark()

    def read_until(self, done: Callable[[], bool], deadline: float | None) -> bool:
        """Read the connection on the calling thread until ``done()`` is true, the
        ``deadline`` (``time.monotonic()``) passes or the connection ends, handling every
        event on the way; meanwhile the engine's thread waits.

        Returns ``False`` at once when this thread cannot read: no open connection, or
        another thread reads it (the caller then waits to be notified instead).
        """
        reading = self.take_turn(_TAKE_TURN_TIMEOUT)
        if reading is None:
            return False
        try:
            clock = time.monotonic
            with HeldInterrupts() as interrupts:
                while not reading.ended and not done():
                    wait = reading.seconds_to_ping()
                    if deadline is not None:
                        wait = min(wait, deadline - clock())
                        if wait <= 0:
                            break
                    ready = reading.ready(wait, reading.waiter_bell)
                    interrupts.handling = True
                    try:
                        reading.step(ready)
                    finally:
                        interrupts.handling = False
                    interrupts.raise_held()
            return True
        finally:
            self.give_turn_back(reading, wake=False)

    def _run(self, run_id: int) -> None:
        backoff = self._new_backoff()
        while True:
            outcome: dict[str, Any] = {"code": None, "reason": "", "status": None, "open": False}
            prepared = self._handshake()
            if isinstance(prepared, AuthenticationError):
                self._finish(run_id, prepared, None)
                return
            if isinstance(prepared, Exception):
                # e.g. the access token could not be renewed right now: try again later
                outcome["reason"] = f"could not prepare the connection: {prepared}"
            elif not self._connect_once(run_id, *prepared, outcome):
                self._settled.set()
                return
            self._settled.set()
            if isinstance(prepared, tuple) and not outcome["open"] and not outcome["reason"]:
                cause = outcome.get("error") or "no answer"
                outcome["reason"] = f"could not connect to {safe_url(prepared[0])}: {cause}"
            with self._cond:
                if self._stale(run_id):
                    return
                self._ws = None
                if outcome["open"]:
                    backoff.reset()
                decision = self._decide(outcome)
                delay = backoff.next_delay() if decision.reconnect else None
                reason = str(outcome["reason"] or decision.reason)
                if delay is None:
                    error = self._terminal_error(decision, reason)
                    log.info("socket closed for good: %s", reason or decision.kind.name.lower())
                    info = CloseInfo(decision.code, reason, False, decision.clear_auth)
                    self._error = error
                    self._terminal = decision.kind is CloseKind.FATAL
                    self._set_state("closed")
                else:
                    info = CloseInfo(decision.code, reason, True)
                    self.last_failure = None if outcome["open"] else reason
                    self._set_state("connecting")
                    log.info("socket %s; reconnecting in %.1f s", reason, delay)
            if outcome["open"] or delay is None:
                self._notify_close(info)
            if delay is None:
                return
            with self._cond:
                if self._cond.wait_for(lambda: self._stale(run_id), timeout=delay):
                    return

    def _finish(self, run_id: int, error: SogniError, info: CloseInfo | None) -> None:
        with self._cond:
            if self._stale(run_id):
                return
            self._error = error
            self._terminal = True
            self._set_state("closed")
        self._notify_close(info or CloseInfo(None, str(error), False))

    def _decide(self, outcome: dict[str, Any]) -> CloseDecision:
        status = outcome["status"]
        if status in (401, 403):
            return classify_close(CloseCode.AUTH_ERROR)
        code = outcome["code"]
        return classify_close(code, authenticated=self._authenticated())

    @staticmethod
    def _terminal_error(decision: CloseDecision, reason: str) -> SogniError:
        code = decision.code
        if code == CloseCode.AUTH_ERROR:
            return AuthenticationError(
                "the network rejected the credentials", status=401, hint=reason or None
            )
        if decision.kind is CloseKind.FATAL:
            return ConnectionLost(
                f"the socket closed for good: {decision.reason}", code=code, reason=reason
            )
        return ConnectionLost(
            reason or "the server closed the connection", code=code, reason=reason
        )

    def _handle_open(self, run_id: int, outcome: dict[str, Any]) -> bool:
        outcome.pop("error", None)
        with self._cond:
            if self._stale(run_id):
                return False  # closed while the handshake was under way
            outcome["open"] = True
            self.connections += 1
            self._set_state("open")
        self.last_failure = None
        self._settled.set()
        log.info("connected (connection %d)", self.connections)
        self._call(self._on_open)
        return True

    def _handle_message(self, message: bytes) -> None:
        try:
            message_type, payload = decode_frame(message, self._deferred)
        except FrameError as exc:
            log.warning("dropped a socket frame: %s", exc)
            return
        try:
            self._on_event(message_type, payload)
        except Exception:
            log.exception("handling socket event %s failed", message_type)
