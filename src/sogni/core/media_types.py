"""Content types of uploaded assets and of generated results.

Uploads are labelled by sniffing the first bytes of the file (the network stores the type
with the asset); result downloads ask for the type that matches the project's output format.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "GLB_CONTENT_TYPE",
    "SNIFF_BYTES",
    "result_content_type",
    "result_extension",
    "result_kind",
    "safe_file_name",
    "sniff_content_type",
]

#: Content type of binary glTF, the 3D models image-to-3D projects produce.
GLB_CONTENT_TYPE = "model/gltf-binary"

#: How many leading bytes :func:`sniff_content_type` needs to decide.
SNIFF_BYTES = 12


def sniff_content_type(head: bytes | bytearray | memoryview) -> str | None:
    """The MIME type of a file from its first bytes, or ``None`` when unrecognised.

    Recognises JPEG, PNG, WebP, GIF, MP4/M4A/QuickTime, WAV and MP3; the checks mirror the
    network's own so both sides agree on every file.
    """
    data = bytes(head[:SNIFF_BYTES])
    if len(data) >= 12:
        if data[:3] == b"\xff\xd8\xff":
            return "image/jpeg"
        if data[:4] == b"\x89PNG":
            return "image/png"
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return "image/webp"
        if data[:3] == b"GIF":
            return "image/gif"
        if data[4:8] == b"ftyp":
            brand = data[8:12].decode("latin-1").lower()
            if "m4a" in brand or "m4b" in brand:
                return "audio/mp4"
            if "qt" in brand:
                return "video/quicktime"
            return "video/mp4"
        if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
            return "audio/wav"
    if len(data) >= 3 and data[:3] == b"ID3":
        return "audio/mpeg"
    if len(data) >= 2 and data[0] == 0xFF and (data[1] & 0xE0) == 0xE0:
        return "audio/mpeg"
    return None


_IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "png": "image/png",
}
_AUDIO_TYPES = {"flac": "audio/flac", "wav": "audio/wav"}


def result_kind(media: str, output_format: str | None) -> str:
    """What a finished result is: ``image``, ``video``, ``audio`` or ``model`` (3D).

    Image-to-3D models are image models in the catalogue whose results are GLB files;
    the output format tells them apart. Images download from the image endpoint,
    everything else from the media one.
    """
    return "model" if output_format == "glb" else media


def result_content_type(media: str, output_format: str | None) -> str | None:
    """The ``contentType`` to request when downloading a finished result.

    Images: the type of ``output_format`` (``None`` when unset, the server then serves PNG).
    Audio: FLAC or WAV when asked for, MP3 otherwise. 3D models: GLB. Video: ``None`` (no
    parameter).
    """
    if result_kind(media, output_format) == "model":
        return GLB_CONTENT_TYPE
    if media == "image":
        return _IMAGE_TYPES.get(output_format) if output_format else None
    if media == "audio":
        return _AUDIO_TYPES.get(output_format or "", "audio/mpeg")
    return None


_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    GLB_CONTENT_TYPE: ".glb",
    "audio/mpeg": ".mp3",
    "audio/flac": ".flac",
    "audio/wav": ".wav",
}


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def result_extension(media: str, output_format: str | None, url: str | None = None) -> str:
    """The file extension of a result: from the output format, else from the URL."""
    content_type = result_content_type(media, output_format)
    if media == "image" and content_type is None:
        content_type = "image/png"
    if content_type in _EXTENSIONS:
        return _EXTENSIONS[content_type]
    if media == "video":
        return ".mp4"
    extension = Path((url or "").split("?", 1)[0]).suffix.lower()
    return extension if re.fullmatch(r"\.[a-z0-9]{1,5}", extension) else ""


def safe_file_name(stem: str, extension: str = "") -> str:
    """A file name made of ``stem`` and ``extension`` that is safe on every platform."""
    cleaned = _UNSAFE.sub("_", stem).strip("._") or "result"
    return cleaned[:120] + extension
