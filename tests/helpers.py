"""Helpers shared by the test folders: sample media, fake clocks, unsigned JWTs and a client
of a local Supernet.

``tests`` is on ``sys.path`` (``pythonpath`` in ``pyproject.toml``), so a test imports
these with ``from helpers import ...``.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sogni import SogniClient
    from sogni.testing import LocalSupernet


def png(width: int, height: int) -> bytes:
    """A black RGB PNG of ``width`` x ``height``, built without Pillow."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + b"\x00" * width * 3 for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def pillow_png(width: int, height: int, color: str = "red") -> bytes:
    """A PNG of one ``color``, encoded by Pillow."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def data_uri(data: bytes, mime: str = "image/png") -> str:
    """``data`` as a base64 data URI."""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


class FakeClock:
    """A clock that stands still until a test moves ``now``."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_jwt(claims: dict[str, Any]) -> str:
    """An unsigned JWT (the client never checks signatures)."""
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJub25lIn0.{body}.sig"


def hs256_jwt(claims: dict[str, Any]) -> str:
    """A JWT with an HS256 header and a dummy signature."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part(claims)}.sig"


def sync_client(net: LocalSupernet) -> SogniClient:
    """A :class:`~sogni.SogniClient` of ``net`` (its API key, REST and socket addresses)."""
    from sogni import SogniClient

    return SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    )
