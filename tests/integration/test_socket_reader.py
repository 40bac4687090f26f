"""The socket engine's reader against a bare WebSocket server written by hand: many frames
in one write, a fragmented message, a ping answered with a pong, a malformed frame
dropped, and the server's close frame answered and reported with its code."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from sogni._runtime.socket_engine import CloseInfo, SocketEngine

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    first = (0x80 if fin else 0) | opcode
    size = len(payload)
    if size < 126:
        return bytes([first, size]) + payload
    return bytes([first, 126]) + struct.pack("!H", size) + payload


def message(message_type: str, payload: Any) -> bytes:
    data = base64.b64encode(json.dumps(payload).encode()).decode()
    return json.dumps({"type": message_type, "data": data}).encode()


def read_client_frame(conn: socket.socket) -> tuple[int, bytes]:
    """One (masked) frame from the client."""
    head = conn.recv(2, socket.MSG_WAITALL)
    size = head[1] & 0x7F
    if size == 126:
        size = struct.unpack("!H", conn.recv(2, socket.MSG_WAITALL))[0]
    key = conn.recv(4, socket.MSG_WAITALL)
    body = conn.recv(size, socket.MSG_WAITALL) if size else b""
    return head[0] & 0x0F, bytes(b ^ key[i % 4] for i, b in enumerate(body))


class BareServer:
    """Accepts one connection, upgrades it and then runs ``script(conn)``."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[tuple[int, bytes]] = []
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            key = next(
                line.split(b":", 1)[1].strip()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            accept = base64.b64encode(hashlib.sha1(key + _GUID).digest())
            conn.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )
            self.script(conn)
        self.done.set()

    def script(self, conn: socket.socket) -> None:
        burst = b"".join(frame(0x1, message("jobProgress", {"step": n})) for n in range(20))
        body = message("jobResult", {"jobID": "abc", "imgID": "def"})
        conn.sendall(
            burst
            + frame(0x1, b"{not json")  # dropped, the connection goes on
            + frame(0x1, body[:10], fin=False)
            + frame(0x9, b"hello")  # between two fragments
            + frame(0x0, body[10:])
        )
        self.received.append(read_client_frame(conn))  # the pong
        conn.sendall(frame(0x8, struct.pack("!H", 4015) + b"replaced"))
        self.received.append(read_client_frame(conn))  # the answering close frame


@pytest.fixture
def server() -> Iterator[BareServer]:
    bare = BareServer()
    yield bare
    bare.listener.close()


def test_the_reader_splits_bursts_joins_fragments_and_answers_the_server(
    server: BareServer,
) -> None:
    events: list[tuple[str, Any]] = []
    closes: list[CloseInfo] = []
    closed = threading.Event()

    def on_close(info: CloseInfo) -> None:
        closes.append(info)
        closed.set()

    engine = SocketEngine(
        url=lambda: f"ws://127.0.0.1:{server.port}/",
        headers=dict,
        on_event=lambda kind, payload: events.append((kind, payload)),
        on_change=lambda: None,
        on_close=on_close,
    )
    engine.start()
    try:
        assert closed.wait(10) and server.done.wait(10)
    finally:
        engine.close()
    assert events[:20] == [("jobProgress", {"step": n}) for n in range(20)]
    assert events[20:] == [("jobResult", {"jobID": "ABC", "imgID": "DEF"})]
    assert server.received[0] == (0xA, b"hello")
    assert server.received[1][0] == 0x8
    assert struct.unpack("!H", server.received[1][1][:2]) == (1000,)
    assert closes[0].code == 4015 and closes[0].reason == "replaced"
    assert not closes[0].will_reconnect
    assert engine.connections == 1


class SilentServer(BareServer):
    """Never answers a ping."""

    def script(self, conn: socket.socket) -> None:
        self.received.append(read_client_frame(conn))  # the ping
        while conn.recv(4096):  # until the client gives the connection up
            pass


def test_a_connection_whose_pong_is_late_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import sogni._runtime.socket_engine as engine_module
    import sogni._runtime.socket_reading as socket_reading

    monkeypatch.setattr(socket_reading, "PING_INTERVAL", 0.05)
    monkeypatch.setattr(socket_reading, "PING_TIMEOUT", 0.2)
    monkeypatch.setattr(engine_module, "_READ_TIMEOUT", 0.02)
    server = SilentServer()
    dropped = threading.Event()
    closes: list[CloseInfo] = []

    def on_close(info: CloseInfo) -> None:
        closes.append(info)
        dropped.set()

    engine = SocketEngine(
        url=lambda: f"ws://127.0.0.1:{server.port}/",
        headers=dict,
        on_event=lambda _kind, _payload: None,
        on_change=lambda: None,
        on_close=on_close,
    )
    engine.start()
    try:
        assert dropped.wait(10) and server.done.wait(10)
    finally:
        engine.close()
        server.listener.close()
    assert server.received[0][0] == 0x9
    assert closes[0].code is None and closes[0].will_reconnect
