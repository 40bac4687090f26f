"""The socket frame codec.

Every socket message, in both directions, is a JSON text ``{"type": ..., "data": ...}``
whose ``data`` is standard base64 of the UTF-8 JSON payload.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sogni.core import json_depth
from sogni.core.errors import ValidationError
from sogni.core.json_safe import check_json_safe

__all__ = ["EncodedPayload", "FrameError", "decode_frame", "encode_frame"]


class FrameError(ValueError):
    """An incoming frame could not be decoded."""


def encode_frame(message_type: str, payload: Any) -> str:
    """Encode one outgoing message as the text of a socket frame.

    A payload that is not strict JSON (NaN, Infinity, lone surrogates, unsupported types)
    raises :class:`~sogni.errors.ValidationError` naming the bad part; request builders
    check their payloads before this, so this is the last line of defence.
    """
    try:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        body = text.encode()
    except (ValueError, TypeError, RecursionError) as exc:
        check_json_safe(payload, message_type)  # names the offending path when it can
        raise ValidationError(
            f"{message_type} cannot be encoded as JSON: {exc}", field=message_type
        ) from None
    return json.dumps({"type": message_type, "data": base64.b64encode(body).decode("ascii")})


class EncodedPayload:
    """A frame's payload as it came (the base64 of its JSON), handed over undecoded for an
    event whose payloads are mostly never looked at; :meth:`decode` gives what
    :func:`decode_frame` would have."""

    __slots__ = ("data",)

    def __init__(self, data: str) -> None:
        self.data = data

    def __repr__(self) -> str:
        return f"<EncodedPayload {len(self.data)} chars>"

    def decode(self) -> Any:
        """The payload; raises :class:`FrameError` when it cannot be decoded."""
        return _payload(self.data)


def decode_frame(frame: str | bytes, deferred: frozenset[str] = frozenset()) -> tuple[str, Any]:
    """Decode an incoming frame into ``(type, payload)``.

    ``jobID`` and ``imgID`` are upper-cased, as the network compares them case-insensitively.
    A frame without ``data`` decodes to a ``None`` payload instead of failing. The payload
    of a type in ``deferred`` is left encoded (an :class:`EncodedPayload`).
    """
    try:
        # Decoded to text here: json.loads would first guess the encoding of bytes.
        text = frame.decode() if isinstance(frame, (bytes, bytearray)) else frame
        envelope = json_depth.loads(text)
        message_type = envelope["type"]
        data = envelope.get("data")
    except (ValueError, KeyError, TypeError) as exc:
        raise FrameError(f"undecodable socket frame: {exc}") from None
    if not isinstance(message_type, str):
        raise FrameError("socket frame has no string 'type'")
    if data is None:
        return message_type, None
    if message_type in deferred and isinstance(data, str):
        return message_type, EncodedPayload(data)
    return message_type, _payload(data)


def _payload(data: Any) -> Any:
    """A frame's ``data`` decoded (base64, then JSON)."""
    try:
        payload = json_depth.loads(binascii.a2b_base64(data).decode())
    except (ValueError, TypeError, binascii.Error) as exc:
        raise FrameError(f"undecodable socket frame: {exc}") from None
    if isinstance(payload, dict):
        for key in ("jobID", "imgID"):
            value = payload.get(key)
            if value and isinstance(value, str):
                payload[key] = value.upper()
    return payload
