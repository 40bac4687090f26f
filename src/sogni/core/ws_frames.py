"""Splitting what a WebSocket server sends into messages (RFC 6455), without I/O.

The socket engine reads the connection in large chunks and feeds them to a
:class:`FrameReader`, which returns every complete message and control frame they hold:
one ``recv`` then carries many frames. Server frames are normally unmasked; a masked one
is unmasked all the same. Fragmented messages are joined; control frames may arrive
between their fragments.
"""

from __future__ import annotations

import struct

__all__ = [
    "OPCODE_BINARY",
    "OPCODE_CLOSE",
    "OPCODE_CONTINUATION",
    "OPCODE_PING",
    "OPCODE_PONG",
    "OPCODE_TEXT",
    "FrameReader",
    "ProtocolError",
    "parse_close",
]

OPCODE_CONTINUATION = 0x0
OPCODE_TEXT = 0x1
OPCODE_BINARY = 0x2
OPCODE_CLOSE = 0x8
OPCODE_PING = 0x9
OPCODE_PONG = 0xA
_DATA_OPCODES = frozenset({OPCODE_TEXT, OPCODE_BINARY})
_CONTROL_OPCODES = frozenset({OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG})
_UNPACK_16 = struct.Struct("!H").unpack_from
_UNPACK_64 = struct.Struct("!Q").unpack_from


class ProtocolError(ValueError):
    """The peer broke the WebSocket framing; the connection cannot go on."""


def _unmask(payload: bytes, key: bytes) -> bytes:
    size = len(payload)
    if not size:
        return payload
    keys = (key * (size // 4 + 1))[:size]
    value = int.from_bytes(payload, "little") ^ int.from_bytes(keys, "little")
    return value.to_bytes(size, "little")


def parse_close(payload: bytes) -> tuple[int | None, str]:
    """The status code and reason of a close frame's payload (``None``, ``""`` if absent)."""
    if len(payload) < 2:
        return None, ""
    return _UNPACK_16(payload)[0], payload[2:].decode("utf-8", "replace")


class FrameReader:
    """Turns received bytes into ``(opcode, payload)`` pairs.

    Data messages come out whole, as ``OPCODE_TEXT`` or ``OPCODE_BINARY`` with the joined
    payload of their fragments; control frames (close, ping, pong) as they arrive.
    """

    def __init__(self) -> None:
        self._pending = b""  # the start of a frame that has not fully arrived
        self._chunks: list[bytes] = []  # ... and what came after it, not joined yet
        self._have = 0  # bytes in _pending and _chunks together
        self._need = 0  # bytes the frame starting at _pending needs (0: not known yet)
        self._fragments: list[bytes] = []
        self._fragment_opcode = 0

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        """Take the next bytes of the stream; returns the frames completed by them."""
        if self._have:
            self._chunks.append(data)
            self._have += len(data)
            if self._have < self._need:
                return []  # a large frame is still arriving: join once, when it is whole
            data = self._pending + b"".join(self._chunks)
            self._chunks.clear()
        frames: list[tuple[int, bytes]] = []
        append = frames.append
        end = len(data)
        pos = 0
        self._need = 0
        while end - pos >= 2:
            first = data[pos]
            if first & 0x70:
                raise ProtocolError("reserved bits set without a negotiated extension")
            second = data[pos + 1]
            length = second & 0x7F
            start = pos + 2
            if length == 126:
                if end - pos < 4:
                    break
                length = _UNPACK_16(data, start)[0]
                start += 2
            elif length == 127:
                if end - pos < 10:
                    break
                length = _UNPACK_64(data, start)[0]
                start += 8
            key = b""
            if second & 0x80:
                key = data[start : start + 4]
                start += 4
            stop = start + length
            if stop > end:
                self._need = stop - pos
                break
            payload = data[start:stop]
            pos = stop
            if key:
                payload = _unmask(payload, key)
            if first == 0x81 and not self._fragments:  # a whole text frame: the usual case
                append((OPCODE_TEXT, payload))
                continue
            frame = self._frame(first, payload)
            if frame is not None:
                append(frame)
        self._pending = data[pos:] if pos < end else b""
        self._have = end - pos
        return frames

    def _frame(self, first: int, payload: bytes) -> tuple[int, bytes] | None:
        fin = first & 0x80
        opcode = first & 0x0F
        if opcode in _CONTROL_OPCODES:
            if not fin or len(payload) > 125:
                raise ProtocolError("fragmented or oversized control frame")
            return opcode, payload
        if opcode in _DATA_OPCODES:
            if self._fragments:
                raise ProtocolError("a new message began before the last one ended")
            if fin:
                return opcode, payload
            self._fragment_opcode = opcode
            self._fragments.append(payload)
            return None
        if opcode != OPCODE_CONTINUATION:
            raise ProtocolError(f"unknown opcode {opcode:#x}")
        if not self._fragments:
            raise ProtocolError("a continuation frame without a message to continue")
        self._fragments.append(payload)
        if not fin:
            return None
        message = b"".join(self._fragments)
        self._fragments.clear()
        return self._fragment_opcode, message
