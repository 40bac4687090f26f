"""Inline media checks (§ vision rules): data URIs, strict base64, magic bytes, dimensions."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from sogni.core.chat import vision
from sogni.core.chat.media import (
    bytes_to_data_uri,
    decode_strict_base64,
    image_dimensions,
    parse_data_uri,
    sniff_audio_format,
    sniff_mime_type,
    sniff_video_format,
)
from sogni.core.chat.messages import normalize_messages
from sogni.core.chat.vision import image_to_data_uri, normalize_image_source
from sogni.errors import ValidationError

PIL: Any
try:
    from PIL import Image as PIL
except ImportError:  # pragma: no cover - the dev environment has Pillow
    PIL = None

needs_pillow = pytest.mark.skipif(PIL is None, reason="needs Pillow (the images extra)")


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(width: int, height: int, padding: int = 0) -> bytes:
    raw = b"".join(b"\x00" + b"\x00" * width * 3 for _ in range(height))
    extra = _chunk(b"tEXt", b"pad\x00" + b"x" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + extra
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int, sof: int = 0xC0) -> bytes:
    """SOI, an APP0 segment, a DHT segment, then a SOF segment (not decodable, but parseable)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dht = b"\xff\xc4" + struct.pack(">H", 5) + b"\x00\x00\x00"
    frame = bytes([0xFF, sof]) + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + dht + frame + b"\xff\xd9"


def real_image(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    PIL.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(
        out, format=fmt
    )
    return out.getvalue()


def uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


SMALL_PNG = png(16, 8)


# -- strict base64 -----------------------------------------------------------------------------


def test_base64_accepts_missing_padding_and_whitespace() -> None:
    assert decode_strict_base64("QQ") == b"A"
    assert decode_strict_base64("QQ=") == b"A"
    assert decode_strict_base64("QU\nJD\t") == b"ABC"


@pytest.mark.parametrize("body", ["Q", "QR==", "Q===", "QQ==QQ==", "QQ-_", "", "===="])
def test_base64_rejects_non_canonical_or_bad_text(body: str) -> None:
    with pytest.raises(ValueError):
        decode_strict_base64(body)


# -- data URIs ---------------------------------------------------------------------------------


def test_valid_png_data_uri() -> None:
    media = parse_data_uri(uri("IMAGE/PNG", SMALL_PNG), "image")
    assert (media.mime_type, media.width, media.height, media.data) == (
        "image/png",
        16,
        8,
        SMALL_PNG,
    )
    assert "bytes>" in repr(media)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://example.com/cat.png", "inline base64 data URI"),
        ("data:image/png,rawtext", "inline base64 data URI"),
        ("data:image/png;base64,@@@", "inline base64 data URI"),
        ("data:image/png;base64,QR==", "not valid base64"),
        (uri("image/gif", b"GIF89a" + b"\x00" * 10), "unsupported image MIME type"),
        (uri("image/jpeg", SMALL_PNG), "does not match its declared MIME type"),
        (
            uri("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30),
            "could not read the image dimensions",
        ),
        (
            uri("image/jpeg", b"\xff\xd8\xff\xe0\x00\x04ab\xff\xd9"),
            "could not read the image dimensions",
        ),
    ],
)
def test_rejected_data_uris(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        parse_data_uri(value, "image", field="messages[0].content[1]")
    assert info.value.field == "messages[0].content[1]"


def test_size_limit_and_longest_side() -> None:
    with pytest.raises(ValidationError, match="over the 0 MB limit"):
        parse_data_uri(uri("image/png", SMALL_PNG), "image", max_bytes=10)
    parse_data_uri(uri("image/png", png(1024, 4)), "image", max_longest_side=1024)
    with pytest.raises(ValidationError, match="1025x4 px"):
        parse_data_uri(uri("image/png", png(1025, 4)), "image", max_longest_side=1024)


@pytest.mark.parametrize("sof", [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xCF])
def test_jpeg_dimensions_from_start_of_frame(sof: int) -> None:
    assert image_dimensions(jpeg_header(640, 480, sof)) == (640, 480)


@needs_pillow
def test_jpeg_dimensions_skip_non_frame_markers() -> None:
    # C8 and CC are not frames; the real frame comes after them.
    jpg = jpeg_header(300, 200)
    fake = b"\xff\xcc" + struct.pack(">H", 4) + b"\x00\x00"
    assert image_dimensions(jpg[:2] + fake + jpg[2:]) == (300, 200)
    assert image_dimensions(real_image("JPEG", (33, 17))) == (33, 17)


def test_png_dimensions_need_ihdr() -> None:
    assert image_dimensions(png(3, 2)) == (3, 2)
    broken = bytearray(png(3, 2))
    broken[12:16] = b"XXXX"
    assert image_dimensions(bytes(broken)) is None
    assert image_dimensions(b"GIF89a") is None


def test_audio_and_video_sniffing() -> None:
    assert sniff_audio_format(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "wav"
    assert sniff_audio_format(b"ID3\x04\x00") == "mpeg"
    assert sniff_audio_format(b"\xff\xfb\x90\x00") == "mpeg"  # MPEG-1 layer III frame
    assert sniff_audio_format(b"\xff\xe9\x90\x00") is None  # reserved version bits
    assert sniff_audio_format(b"\x00\x00\x00\x18ftypM4A \x00\x00") == "mp4"
    assert sniff_audio_format(b"\x00\x00\x00\x18ftypqt  \x00\x00") is None
    assert sniff_video_format(b"\x00\x00\x00\x18ftypqt  \x00\x00") == "quicktime"
    assert sniff_video_format(b"\x00\x00\x00\x18ftypisom\x00\x00") == "mp4"
    assert sniff_video_format(b"\x00\x00") is None
    parse_data_uri(uri("audio/x-wav", b"RIFF\x00\x00\x00\x00WAVE"), "audio")
    parse_data_uri(uri("video/quicktime", b"\x00\x00\x00\x18ftypqt  \x00\x00"), "video")
    with pytest.raises(ValidationError, match="does not match"):
        parse_data_uri(uri("video/mp4", b"\x00\x00\x00\x18ftypqt  \x00\x00"), "video")
    with pytest.raises(ValidationError, match="unsupported audio MIME type") as info:
        parse_data_uri(uri("audio/ogg", b"OggS"), "audio")
    assert "audio/mpeg" in list(info.value.allowed or [])


def test_bytes_to_data_uri_sniffs_the_type() -> None:
    assert bytes_to_data_uri(SMALL_PNG).startswith("data:image/png;base64,")
    assert sniff_mime_type(b"\x00\x00\x00\x18ftypM4A \x00\x00") == "audio/mp4"
    assert sniff_mime_type(b"\x00\x00\x00\x18ftypisom\x00\x00") == "video/mp4"
    assert sniff_mime_type(b"RIFF\x00\x00\x00\x00WAVE") == "audio/wav"
    assert bytes_to_data_uri(b"xyz", "text/plain") == "data:text/plain;base64,eHl6"
    with pytest.raises(ValidationError):
        bytes_to_data_uri(b"hello")
    assert image_to_data_uri(SMALL_PNG) == uri("image/png", SMALL_PNG)
    with pytest.raises(ValidationError):
        image_to_data_uri(b"GIF89a")


# -- vision sources ----------------------------------------------------------------------------


def test_data_uri_string_is_returned_trimmed_and_unchanged() -> None:
    body = base64.b64encode(SMALL_PNG).decode()
    wrapped = f"data:image/png;base64,{body[:20]}\n{body[20:]}"
    assert normalize_image_source(f"  {wrapped}\t", field="f") == wrapped


def test_bytes_and_paths(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(SMALL_PNG)
    assert normalize_image_source(SMALL_PNG, field="f") == uri("image/png", SMALL_PNG)
    assert normalize_image_source(bytearray(SMALL_PNG), field="f") == uri("image/png", SMALL_PNG)
    assert normalize_image_source(path, field="f", read_file=Path.read_bytes) == uri(
        "image/png", SMALL_PNG
    )
    with pytest.raises(ValidationError, match="through the client"):
        normalize_image_source(path, field="f")
    with pytest.raises(ValidationError, match="not int"):
        normalize_image_source(5, field="f")  # type: ignore[arg-type]


def test_oversized_images_are_rejected_without_resizing() -> None:
    with pytest.raises(ValidationError, match="longest side") as info:
        normalize_image_source(uri("image/png", png(2048, 16)), field="m[0]", resize=False)
    assert info.value.field == "m[0]"
    assert info.value.hint is None
    big = png(16, 16, padding=10 * 1024 * 1024)
    with pytest.raises(ValidationError, match="10 MB"):
        normalize_image_source(big, field="m[0]", resize=False)


@needs_pillow
def test_oversized_images_are_downscaled_with_pillow() -> None:
    result = normalize_image_source(uri("image/png", real_image("PNG", (2048, 1024))), field="f")
    media = parse_data_uri(result, "image")
    assert (media.mime_type, media.width, media.height) == ("image/png", 1024, 512)
    jpeg = normalize_image_source(real_image("JPEG", (900, 1800)), field="f")
    media = parse_data_uri(jpeg, "image")
    assert (media.mime_type, media.width, media.height) == ("image/jpeg", 512, 1024)
    big = normalize_image_source(png(16, 16, padding=10 * 1024 * 1024), field="f")
    assert len(big) < 100_000


@needs_pillow
def test_other_formats_given_as_bytes_are_converted_with_pillow() -> None:
    webp = real_image("WEBP", (40, 20))
    media = parse_data_uri(normalize_image_source(webp, field="f"), "image")
    assert (media.mime_type, media.width, media.height) == ("image/jpeg", 40, 20)
    transparent = real_image("WEBP", (10, 10), mode="RGBA")
    assert (
        parse_data_uri(normalize_image_source(transparent, field="f"), "image").mime_type
        == "image/png"
    )
    with pytest.raises(ValidationError, match="neither PNG nor JPEG"):
        normalize_image_source(webp, field="f", resize=False)


def test_without_pillow_the_error_says_how_to_enable_resizing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(vision, "_can_resize", lambda: False)
    with pytest.raises(ValidationError) as info:
        normalize_image_source(png(1500, 10), field="f")
    assert info.value.hint is not None and "sogni[images]" in info.value.hint


@needs_pillow
def test_undecodable_image_for_pillow() -> None:
    with pytest.raises(ValidationError, match="could not decode"):
        normalize_image_source(b"not an image at all", field="f")


# -- message normalisation ---------------------------------------------------------------------


def test_message_images_are_counted_across_the_request() -> None:
    part = {"type": "image_url", "image_url": {"url": uri("image/png", SMALL_PNG)}}
    messages = [{"role": "user", "content": [part, SMALL_PNG]} for _ in range(10)]
    assert len(normalize_messages(messages)) == 10
    with pytest.raises(ValidationError, match="at most 20 images") as info:
        normalize_messages([*messages, {"role": "user", "content": [part]}])
    assert info.value.field == "messages[10].content[0]"


def test_image_part_without_url() -> None:
    with pytest.raises(ValidationError) as info:
        normalize_messages([{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}])
    assert info.value.field == "messages[0].content[0].image_url"
