from __future__ import annotations

import pytest

from sogni.core.media_types import result_content_type, sniff_content_type

PAD = b"\x00" * 16


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"\xff\xd8\xff\xe0" + PAD, "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + PAD, "image/png"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + PAD, "image/webp"),
        (b"GIF89a" + PAD, "image/gif"),
        (b"\x00\x00\x00\x20ftypisom" + PAD, "video/mp4"),
        (b"\x00\x00\x00\x20ftypmp42" + PAD, "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  " + PAD, "video/quicktime"),
        (b"\x00\x00\x00\x20ftypM4A " + PAD, "audio/mp4"),
        (b"\x00\x00\x00\x20ftypM4B " + PAD, "audio/mp4"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + PAD, "audio/wav"),
        (b"ID3\x04\x00" + PAD, "audio/mpeg"),
        (b"ID3", "audio/mpeg"),
        (b"\xff\xfb\x90\x00" + PAD, "audio/mpeg"),
        (b"\xff\xf3", "audio/mpeg"),
        (b"%PDF-1.7" + PAD, None),
        (b"", None),
        (b"\xff", None),
        (b"\x89PNG", None),  # image signatures need 12 bytes
        (b"\xff\xd8\xff\xe0", None),  # a JPEG head shorter than 12 bytes is not recognised
    ],
)
def test_sniff(head: bytes, content_type: str | None) -> None:
    assert sniff_content_type(head) == content_type


def test_sniff_accepts_buffers_and_long_input() -> None:
    data = bytearray(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10_000)
    assert sniff_content_type(data) == "image/png"
    assert sniff_content_type(memoryview(data)) == "image/png"


@pytest.mark.parametrize(
    ("media", "fmt", "content_type"),
    [
        ("image", "jpg", "image/jpeg"),
        ("image", "jpeg", "image/jpeg"),
        ("image", "webp", "image/webp"),
        ("image", "png", "image/png"),
        ("image", None, None),
        ("image", "bmp", None),
        ("audio", "flac", "audio/flac"),
        ("audio", "wav", "audio/wav"),
        ("audio", "mp3", "audio/mpeg"),
        ("audio", None, "audio/mpeg"),
        ("video", "mp4", None),
        ("video", None, None),
    ],
)
def test_result_content_type(media: str, fmt: str | None, content_type: str | None) -> None:
    assert result_content_type(media, fmt) == content_type
