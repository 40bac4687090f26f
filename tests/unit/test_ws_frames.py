"""The WebSocket frame reader: many frames per read, split frames, fragments, control
frames and broken framing."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sogni.core.ws_frames import (
    OPCODE_BINARY,
    OPCODE_CLOSE,
    OPCODE_CONTINUATION,
    OPCODE_PING,
    OPCODE_PONG,
    OPCODE_TEXT,
    FrameReader,
    ProtocolError,
    parse_close,
)


def frame(opcode: int, payload: bytes, *, fin: bool = True, mask: bytes | None = None) -> bytes:
    first = (0x80 if fin else 0) | opcode
    size = len(payload)
    masked = 0x80 if mask is not None else 0
    if size < 126:
        header = bytes([first, masked | size])
    elif size < 1 << 16:
        header = bytes([first, masked | 126]) + struct.pack("!H", size)
    else:
        header = bytes([first, masked | 127]) + struct.pack("!Q", size)
    if mask is None:
        return header + payload
    body = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return header + mask + body


def test_many_frames_in_one_read() -> None:
    data = b"".join(frame(OPCODE_TEXT, f"message {i}".encode()) for i in range(50))
    assert FrameReader().feed(data) == [(OPCODE_TEXT, f"message {i}".encode()) for i in range(50)]


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 300_000])
def test_each_length_encoding(size: int) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert FrameReader().feed(frame(OPCODE_BINARY, payload)) == [(OPCODE_BINARY, payload)]


@given(
    messages=st.lists(st.binary(max_size=70_000), min_size=1, max_size=6),
    cuts=st.lists(st.integers(min_value=1, max_value=9_000), max_size=40),
)
def test_any_split_of_the_stream_gives_the_same_messages(
    messages: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(frame(OPCODE_TEXT, message) for message in messages)
    reader = FrameReader()
    received: list[tuple[int, bytes]] = []
    pos = 0
    for cut in cuts:
        received += reader.feed(stream[pos : pos + cut])
        pos += cut
    received += reader.feed(stream[pos:])
    assert received == [(OPCODE_TEXT, message) for message in messages]


def test_fragments_are_joined_with_control_frames_between() -> None:
    data = (
        frame(OPCODE_TEXT, b"he", fin=False)
        + frame(OPCODE_PING, b"are you there")
        + frame(OPCODE_CONTINUATION, b"ll", fin=False)
        + frame(OPCODE_CONTINUATION, b"o")
        + frame(OPCODE_PONG, b"")
    )
    assert FrameReader().feed(data) == [
        (OPCODE_PING, b"are you there"),
        (OPCODE_TEXT, b"hello"),
        (OPCODE_PONG, b""),
    ]


def test_a_masked_server_frame_is_unmasked() -> None:
    data = frame(OPCODE_TEXT, b"masked text", mask=b"\x01\x02\x03\x04")
    assert FrameReader().feed(data) == [(OPCODE_TEXT, b"masked text")]


def test_close_payload() -> None:
    [(opcode, payload)] = FrameReader().feed(frame(OPCODE_CLOSE, struct.pack("!H", 4015) + b"bye"))
    assert opcode == OPCODE_CLOSE
    assert parse_close(payload) == (4015, "bye")
    assert parse_close(b"") == (None, "")


@pytest.mark.parametrize(
    "data",
    [
        bytes([0xC1, 0x01]) + b"x",  # RSV1 without an extension
        bytes([0x83, 0x00]),  # an unknown data opcode
        frame(OPCODE_CONTINUATION, b"orphan"),
        frame(OPCODE_TEXT, b"a", fin=False) + frame(OPCODE_TEXT, b"b"),
        frame(OPCODE_PING, b"x" * 126),
        frame(OPCODE_PING, b"x", fin=False),
        b"HTTP/1.1 500 Internal Server Error\r\n",
    ],
)
def test_broken_framing_is_refused(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        FrameReader().feed(data)


def test_a_large_frame_arriving_in_pieces_comes_out_once_whole() -> None:
    payload = b"x" * 200_000
    data = frame(OPCODE_TEXT, payload)
    reader = FrameReader()
    pieces = [data[start : start + 1000] for start in range(0, len(data), 1000)]
    assert [reader.feed(piece) for piece in pieces[:-1]] == [[]] * (len(pieces) - 1)
    assert reader.feed(pieces[-1] + frame(OPCODE_TEXT, b"next")) == [
        (OPCODE_TEXT, payload),
        (OPCODE_TEXT, b"next"),
    ]
