"""The socket frame codec: ``{"type": ..., "data": base64(JSON)}`` in both directions."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

__all__ = ["FrameError", "decode_frame", "encode_frame", "compact_json"]


class FrameError(ValueError):
    """An incoming socket frame could not be decoded."""


_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def compact_json(value: Any) -> str:
    """Serialise like ``JSON.stringify``: no spaces, non-ASCII kept as is."""
    return _COMPACT.encode(value)


def encode_frame(message_type: str, payload: Any) -> str:
    """Build the text of one socket frame carrying ``payload``."""
    data = base64.b64encode(_COMPACT.encode(payload).encode("utf-8")).decode("ascii")
    # base64 needs no JSON escaping: only the type goes through the encoder.
    return f'{{"type":{_COMPACT.encode(message_type)},"data":"{data}"}}'


def decode_frame(raw: str | bytes) -> tuple[str, Any]:
    """Return ``(type, payload)`` of one frame; a frame without ``data`` has payload ``None``."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        envelope = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FrameError(f"frame is not JSON: {exc}") from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("type"), str):
        raise FrameError("frame has no string 'type'")
    data = envelope.get("data")
    if data is None:
        return envelope["type"], None
    if not isinstance(data, str):
        raise FrameError("frame 'data' is not a base64 string")
    try:
        payload = json.loads(base64.b64decode(data, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FrameError(f"frame 'data' is not base64 JSON: {exc}") from exc
    return envelope["type"], payload
