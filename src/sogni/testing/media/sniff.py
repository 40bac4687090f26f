"""Content types of stored files: sniffed from their first bytes, or normalised from a header."""

from __future__ import annotations

from sogni.core.media_types import sniff_content_type

__all__ = ["IMAGE_TYPES", "MEDIA_TYPES", "normalise_content_type", "sniff"]

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
MEDIA_TYPES = frozenset(
    {"audio/mpeg", "audio/wav", "audio/mp4", "audio/flac", "video/mp4", "video/quicktime"}
)

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
    """The content type the leading bytes announce, or ``None`` when unknown.

    The clients' own rules (:func:`sogni.core.media_types.sniff_content_type`), plus FLAC,
    which the network's storage recognises though the clients do not label it.
    """
    if head[:4] == b"fLaC":
        return "audio/flac"
    return sniff_content_type(head)
