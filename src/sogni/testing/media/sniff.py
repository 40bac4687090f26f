"""Content-type sniffing from the first bytes of a file."""

from __future__ import annotations

__all__ = ["IMAGE_TYPES", "MEDIA_TYPES", "normalise_content_type", "sniff"]

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
MEDIA_TYPES = frozenset({"audio/mpeg", "audio/wav", "audio/mp4", "audio/flac", "video/mp4",
                         "video/quicktime"})

_ALIASES = {
    "image/jpg": "image/jpeg",
    "audio/mp3": "audio/mpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/x-m4a": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "audio/x-flac": "audio/flac",
}


def normalise_content_type(value: str | None) -> str | None:
    """Lower-case, parameters stripped, common aliases folded; ``None``/``"undefined"`` -> None."""
    if not value:
        return None
    base = value.split(";", 1)[0].strip().lower()
    if not base or base in {"undefined", "null", "application/octet-stream"}:
        return None
    return _ALIASES.get(base, base)


def sniff(head: bytes) -> str | None:
    """The content type the leading bytes announce, or ``None`` when unknown."""
    if len(head) >= 3 and head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12].decode("latin-1").lower()
        if "m4a" in brand or "m4b" in brand:
            return "audio/mp4"
        if "qt" in brand:
            return "video/quicktime"
        return "video/mp4"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:3] == b"ID3":
        return "audio/mpeg"
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0:
        return "audio/mpeg"
    return None
