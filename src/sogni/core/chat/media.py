"""Inline media: strict base64 data URIs, format sniffing and image dimensions.

The network accepts media inside chat requests and tool arguments only as
``data:<mime>;base64,<body>`` URIs whose bytes really are what the MIME type says.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Literal

import attrs

from sogni.core.errors import ValidationError
from sogni.core.js import js_round, js_trim

__all__ = [
    "MediaKind",
    "InlineMedia",
    "IMAGE_MIME_TYPES",
    "AUDIO_MIME_TYPES",
    "VIDEO_MIME_TYPES",
    "MIB",
    "parse_data_uri",
    "decode_strict_base64",
    "sniff_image_format",
    "sniff_audio_format",
    "sniff_video_format",
    "image_dimensions",
    "bytes_to_data_uri",
    "sniff_mime_type",
    "check_media_bytes",
]

MediaKind = Literal["image", "audio", "video"]

MIB = 1024 * 1024

#: Accepted MIME type -> container format, per media kind.
IMAGE_MIME_TYPES = {"image/jpeg": "jpeg", "image/jpg": "jpeg", "image/png": "png"}
AUDIO_MIME_TYPES = {
    "audio/m4a": "mp4",
    "audio/mp3": "mpeg",
    "audio/mp4": "mp4",
    "audio/mpeg": "mpeg",
    "audio/wav": "wav",
    "audio/wave": "wav",
    "audio/x-m4a": "mp4",
    "audio/x-wav": "wav",
}
VIDEO_MIME_TYPES = {"video/mp4": "mp4", "video/quicktime": "quicktime"}
_MIME_TYPES = {"image": IMAGE_MIME_TYPES, "audio": AUDIO_MIME_TYPES, "video": VIDEO_MIME_TYPES}

_DATA_URI = re.compile(r"data:([^;,]+);base64,([A-Za-z0-9+/=\s]+)", re.IGNORECASE)
_BASE64_BODY = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_WHITESPACE = re.compile(r"\s+")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@attrs.frozen
class InlineMedia:
    """Decoded inline media: lower-cased ``mime_type``, raw ``data`` and, for images,
    the pixel ``width`` and ``height``."""

    mime_type: str
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")
    width: int | None = None
    height: int | None = None


def decode_strict_base64(body: str) -> bytes:
    """Decode base64 the strict way the network does.

    Whitespace is ignored and missing padding is added, but the text must otherwise be
    canonical standard base64 of at least one byte. Raises :class:`ValueError`.
    """
    compact = _WHITESPACE.sub("", body)
    if not _BASE64_BODY.fullmatch(compact) or len(compact) % 4 == 1:
        raise ValueError("invalid base64 payload")
    padded = compact + "=" * (-len(compact) % 4)
    try:
        data = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("invalid base64 payload") from None
    if not data:
        raise ValueError("invalid base64 payload")
    # Only the last quantum can carry stray bits; re-encoding it proves canonical form.
    tail = {0: 3, 1: 2, 2: 1}[len(padded) - len(padded.rstrip("="))]
    if base64.b64encode(data[-tail:]).decode("ascii") != padded[-4:]:
        raise ValueError("invalid base64 payload")
    return data


def sniff_image_format(data: bytes) -> Literal["png", "jpeg"] | None:
    """``"png"`` or ``"jpeg"`` from the magic bytes, else ``None``."""
    if data.startswith(_PNG_MAGIC):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def _iso_bmff_brand(data: bytes) -> Literal["mp4", "quicktime"] | None:
    if len(data) < 12 or data[4:8] != b"ftyp":
        return None
    return "quicktime" if data[8:12] == b"qt  " else "mp4"


def _is_mpeg_frame(data: bytes) -> bool:
    if len(data) < 2:
        return False
    b0, b1 = data[0], data[1]
    version_bits = (b1 >> 3) & 0x03
    layer_bits = (b1 >> 1) & 0x03
    return b0 == 0xFF and (b1 & 0xE0) == 0xE0 and version_bits != 0x01 and layer_bits != 0x00


def sniff_audio_format(data: bytes) -> Literal["wav", "mpeg", "mp4"] | None:
    """``"wav"``, ``"mpeg"`` or ``"mp4"`` from the leading bytes, else ``None``."""
    if data[0:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[0:3] == b"ID3" or _is_mpeg_frame(data):
        return "mpeg"
    return "mp4" if _iso_bmff_brand(data) == "mp4" else None


def sniff_video_format(data: bytes) -> Literal["mp4", "quicktime"] | None:
    """``"mp4"`` or ``"quicktime"`` from the ``ftyp`` box, else ``None``."""
    return _iso_bmff_brand(data)


def _png_dimensions(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width = int.from_bytes(data[16:20], "big", signed=True)
    height = int.from_bytes(data[20:24], "big", signed=True)
    return (width, height) if width > 0 and height > 0 else None


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    size = len(data)
    offset = 2
    while offset + 1 < size:
        while offset < size and data[offset] != 0xFF:
            offset += 1
        while offset < size and data[offset] == 0xFF:
            offset += 1
        if offset >= size:
            break
        marker = data[offset]
        offset += 1
        # Markers without a length field: SOI, EOI, RSTn, TEM.
        if marker in (0xD8, 0xD9, 0x01) or 0xD0 <= marker <= 0xD7:
            continue
        if offset + 1 >= size:
            break
        length = (data[offset] << 8) | data[offset + 1]
        if length < 2 or offset + length > size:
            break
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if offset + 6 >= size:
                break
            height = (data[offset + 3] << 8) | data[offset + 4]
            width = (data[offset + 5] << 8) | data[offset + 6]
            return (width, height) if width > 0 and height > 0 else None
        offset += length
    return None


def image_dimensions(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of a PNG (from IHDR) or JPEG (from the first SOF), else ``None``."""
    kind = sniff_image_format(data)
    if kind == "png":
        return _png_dimensions(data)
    if kind == "jpeg":
        return _jpeg_dimensions(data)
    return None


def parse_data_uri(
    uri: str,
    kind: MediaKind,
    *,
    max_bytes: int | None = None,
    max_longest_side: int | None = None,
    field: str | None = None,
) -> InlineMedia:
    """Decode and check an inline ``data:`` URI for ``kind`` media.

    Checks, in order: data-URI syntax (remote URLs are refused), strict base64,
    ``max_bytes``, an accepted MIME type whose magic bytes agree with the data, readable
    image dimensions, and ``max_longest_side`` for images. Raises :class:`ValidationError`
    with ``field`` set to the given name.
    """
    match = _DATA_URI.fullmatch(js_trim(uri)) if isinstance(uri, str) else None
    if match is None:
        raise ValidationError(
            f"{kind} input must be an inline base64 data URI; remote URLs are not accepted",
            field=field,
            allowed=f"data:<mime>;base64,<data> with {', '.join(_MIME_TYPES[kind])}",
        )
    mime_type = match.group(1).lower()
    try:
        data = decode_strict_base64(match.group(2))
    except ValueError:
        raise ValidationError(
            f"{kind} input is not valid base64", field=field, allowed="standard base64"
        ) from None
    return check_media_bytes(
        data, kind, mime_type, max_bytes=max_bytes, max_longest_side=max_longest_side, field=field
    )


def check_media_bytes(
    data: bytes,
    kind: MediaKind,
    mime_type: str,
    *,
    max_bytes: int | None = None,
    max_longest_side: int | None = None,
    field: str | None = None,
) -> InlineMedia:
    """Check raw media bytes against a declared (lower-case) ``mime_type``.

    The same rules as :func:`parse_data_uri` after decoding: size, an accepted MIME type
    whose magic bytes agree, readable image dimensions and the longest-side limit.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise ValidationError(
            f"{kind} input is {len(data)} bytes, over the {js_round(max_bytes / MIB)} MB limit",
            field=field,
        )
    formats = _MIME_TYPES[kind]
    expected = formats.get(mime_type)
    if expected is None:
        raise ValidationError(
            f"unsupported {kind} MIME type {mime_type!r}", field=field, allowed=list(formats)
        )
    if kind == "image":
        detected: str | None = sniff_image_format(data)
    elif kind == "audio":
        detected = sniff_audio_format(data)
    else:
        detected = sniff_video_format(data)
    if detected != expected:
        raise ValidationError(
            f"{kind} data does not match its declared MIME type {mime_type}", field=field
        )
    if kind != "image":
        return InlineMedia(mime_type, data)
    size = image_dimensions(data)
    if size is None:
        raise ValidationError("could not read the image dimensions", field=field)
    width, height = size
    if max_longest_side is not None and max(width, height) > max_longest_side:
        raise ValidationError(
            f"image is {width}x{height} px; its longest side may be at most {max_longest_side} px",
            field=field,
        )
    return InlineMedia(mime_type, data, width, height)


def bytes_to_data_uri(data: bytes, mime_type: str | None = None) -> str:
    """Encode ``data`` as a ``data:<mime>;base64,...`` URI.

    Without ``mime_type`` the type is sniffed: PNG and JPEG images, WAV/MP3/MP4 audio and
    MP4/QuickTime video are recognised; anything else raises :class:`ValidationError`.
    """
    if mime_type is None:
        mime_type = sniff_mime_type(data)
        if mime_type is None:
            raise ValidationError(
                "could not tell the media type of the given bytes",
                field="data",
                allowed=["PNG", "JPEG", "WAV", "MP3", "M4A/MP4", "MOV"],
            )
    return f"data:{mime_type};base64,{base64.b64encode(bytes(data)).decode('ascii')}"


def sniff_mime_type(data: bytes) -> str | None:
    """The MIME type the network would accept for ``data``, or ``None`` if unknown."""
    image = sniff_image_format(data)
    if image is not None:
        return f"image/{image}"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") else "video/mp4"
    audio = sniff_audio_format(data)
    if audio == "wav":
        return "audio/wav"
    if audio == "mpeg":
        return "audio/mpeg"
    return None
