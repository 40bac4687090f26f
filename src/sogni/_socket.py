"""The socket engine: one WebSocket connection driven by a daemon thread.

The engine connects, frames and unframes messages, pings, reconnects after transient
drops and hands decoded events to a callback on its thread. It is shared by both
clients; the async client bridges the callbacks into its event loop.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import websocket

from sogni.core.framing import FrameError, decode_frame, encode_frame
from sogni.errors import AuthenticationError, ConnectionLost, SogniError, SogniTimeoutError

log = logging.getLogger("sogni")

PROTOCOL_VERSION = "3.0.0"
SDK_VERSION = "0.1.0"
PING_INTERVAL = 15.0
MAX_RECONNECTS = 5
NORMAL_CLOSE = 1000
CLOSE_REASONS = {
    4010: "the app id is blocked",
    4015: "another connection with the same app id replaced this one",
    4021: "authentication failed",
}


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


class SocketEngine:
    """A self-healing WebSocket connection on a daemon thread.

    ``on_event(type, payload)`` and ``on_change()`` are called on the engine thread;
    ``on_change`` fires whenever :attr:`state` changes.
    """

    def __init__(
        self,
        *,
        url: Callable[[], str],
        headers: Mapping[str, str],
        on_event: Callable[[str, Any], None],
        on_change: Callable[[], None],
    ) -> None:
        self._url = url
        self._headers = dict(headers)
        self._on_event = on_event
        self._on_change = on_change
        self._cond = threading.Condition()
        self._state = "idle"  # idle | connecting | open | closed
        self._error: SogniError | None = None
        self._app: websocket.WebSocketApp | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self._pid = os.getpid()

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

    def start(self) -> None:
        """Connect in the background unless already connected or connecting."""
        with self._cond:
            if self._pid != os.getpid():
                # A forked child must never share its parent's socket.
                self._pid, self._thread, self._app, self._state = os.getpid(), None, None, "idle"
            if self._thread is not None and self._thread.is_alive():
                return
            if isinstance(self._error, AuthenticationError):
                raise self._error
            self._closing = False
            self._error = None
            self._set_state("connecting")
            self._thread = threading.Thread(target=self._run, name="sogni-socket", daemon=True)
            self._thread.start()

    def wait_open(self, timeout: float) -> None:
        """Block until the connection is open; raise if it closed for good or timed out."""
        self.start()
        with self._cond:
            if not self._cond.wait_for(lambda: self._state in ("open", "closed"), timeout):
                raise SogniTimeoutError(f"the socket did not connect within {timeout:g} s")
            self.raise_if_closed()

    def raise_if_closed(self) -> None:
        """Raise the reason the connection closed for good, if it did."""
        if self._state == "closed":
            raise self._error or ConnectionLost("the socket is closed")

    def send(self, message_type: str, payload: Any) -> None:
        """Send one message; the connection must be open."""
        app = self._app
        if app is None or self._state != "open":
            raise ConnectionLost("the socket is not connected")
        try:
            app.send(encode_frame(message_type, payload))
        except websocket.WebSocketException as exc:
            raise ConnectionLost(f"sending {message_type} failed: {exc}") from None

    def close(self) -> None:
        """Close the connection (code 1000) and stop the thread."""
        with self._cond:
            self._closing = True
            app, thread = self._app, self._thread
        if app is not None:
            try:
                app.close(status=NORMAL_CLOSE, reason=b"Client disconnected")
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        with self._cond:
            self._error = ConnectionLost("the client was closed", code=NORMAL_CLOSE)
            self._set_state("closed")

    # -- thread ---------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        # Called with self._cond held.
        self._state = state
        self._cond.notify_all()
        self._on_change_safely()

    def _on_change_safely(self) -> None:
        try:
            self._on_change()
        except Exception:
            log.exception("socket state callback failed")

    def _run(self) -> None:
        attempts = 0
        while True:
            outcome: dict[str, Any] = {"code": None, "reason": "", "status": None}
            app = websocket.WebSocketApp(
                self._url(),
                header=self._headers,
                on_open=self._handle_open,
                on_message=self._handle_message,
                on_close=lambda _ws, code, reason: outcome.update(code=code, reason=reason or ""),
                on_error=lambda _ws, exc: outcome.update(
                    status=getattr(exc, "status_code", None), error=exc
                ),
            )
            with self._cond:
                if self._closing:
                    return
                self._app = app
            opened_before = self._state == "open"
            app.run_forever(ping_interval=PING_INTERVAL, ping_timeout=10, skip_utf8_validation=True)
            with self._cond:
                self._app = None
                if self._closing:
                    return
                if self._state == "open" or opened_before:
                    attempts = 0
                code, reason = outcome["code"], str(outcome["reason"] or "")
                error = self._terminal_error(code, reason, outcome["status"])
                if error is None and attempts >= MAX_RECONNECTS:
                    error = ConnectionLost(
                        f"the socket closed (code {code}) and {MAX_RECONNECTS} reconnects failed",
                        code=code,
                        reason=reason,
                    )
                if error is not None:
                    self._error = error
                    self._set_state("closed")
                    return
                attempts += 1
                self._set_state("connecting")
                delay = min(8.0, 0.5 * 2 ** (attempts - 1)) * random.uniform(0.5, 1.0)
                if self._cond.wait_for(lambda: self._closing, timeout=delay):
                    return

    @staticmethod
    def _terminal_error(code: int | None, reason: str, status: int | None) -> SogniError | None:
        if status == 401 or code == 4021:
            return AuthenticationError(
                "the network rejected the credentials (check the API key)",
                status=401,
                hint=reason or None,
            )
        if code == NORMAL_CLOSE:
            return ConnectionLost("the server closed the connection", code=code, reason=reason)
        if code is not None and 4000 <= code <= 4999:
            why = CLOSE_REASONS.get(code, reason or "the server refused the connection")
            return ConnectionLost(f"the socket closed for good: {why}", code=code, reason=reason)
        return None

    def _handle_open(self, _ws: Any) -> None:
        with self._cond:
            self._set_state("open")

    def _handle_message(self, _ws: Any, message: str | bytes) -> None:
        try:
            message_type, payload = decode_frame(message)
        except FrameError as exc:
            log.warning("dropped a socket frame: %s", exc)
            return
        try:
            self._on_event(message_type, payload)
        except Exception:
            log.exception("handling socket event %s failed", message_type)
