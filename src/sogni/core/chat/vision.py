"""Vision inputs: turning user-supplied images into data URIs the network accepts.

A chat image may be given as a data-URI string, raw ``bytes`` or a filesystem path. Paths
are read through a ``read_file`` callable the caller supplies (the client passes
``Path.read_bytes``), so this module itself never touches the filesystem.

Limits per request: at most 20 images, each a PNG or JPEG of at most 10 MiB whose longest
side is at most 1024 px. With Pillow installed (the ``images`` extra) oversized images
are downscaled instead of rejected.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Union

from sogni.core.errors import ValidationError
from sogni.core.js import js_trim

from .media import (
    MIB,
    bytes_to_data_uri,
    check_media_bytes,
    parse_data_uri,
    sniff_image_format,
)
from .resize import fit_image, pillow_available

__all__ = [
    "MAX_VISION_IMAGES",
    "MAX_VISION_IMAGE_BYTES",
    "MAX_VISION_LONGEST_SIDE",
    "IMAGE_DETAILS",
    "ImageSource",
    "FileReader",
    "image_to_data_uri",
    "normalize_image_source",
]

MAX_VISION_IMAGES = 20
MAX_VISION_IMAGE_BYTES = 10 * MIB
MAX_VISION_LONGEST_SIDE = 1024
IMAGE_DETAILS = ("auto", "low", "high")

#: What a user may pass as an image: a data URI, raw bytes or a path.
ImageSource = Union[str, bytes, bytearray, memoryview, "os.PathLike[str]"]
#: Reads a file's bytes (``Path.read_bytes`` fits); supplied by the I/O layer.
FileReader = Callable[[Path], bytes]


@functools.cache
def _can_resize() -> bool:
    return pillow_available()


def image_to_data_uri(data: bytes) -> str:
    """Encode PNG or JPEG ``data`` as a data URI (the MIME type comes from the bytes)."""
    kind = sniff_image_format(data)
    if kind is None:
        raise ValidationError(
            "image bytes are neither PNG nor JPEG", field="image", allowed=["PNG", "JPEG"]
        )
    return bytes_to_data_uri(data, f"image/{kind}")


def normalize_image_source(
    source: ImageSource,
    *,
    field: str,
    read_file: FileReader | None = None,
    resize: bool = True,
) -> str:
    """Return the data URI to send for one vision image, after checking every limit.

    A valid data-URI string is returned trimmed but otherwise unchanged (exactly what the
    network expects). Bytes and files are encoded. When ``resize`` is true and Pillow is
    installed, images over the size limits, or in formats other than PNG/JPEG when given
    as bytes or a file, are re-encoded to fit; otherwise they raise
    :class:`ValidationError` naming ``field``.
    """
    if isinstance(source, os.PathLike):
        if read_file is None:
            raise ValidationError(
                "image paths can only be used through the client, which reads the file",
                field=field,
                allowed="a data URI string or the image bytes",
            )
        source = read_file(Path(source))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _from_bytes(bytes(source), field, resize)
    if isinstance(source, str):
        return _from_data_uri(source, field, resize)
    raise ValidationError(
        f"image must be a data URI, bytes or a path, not {type(source).__name__}",
        field=field,
    )


def _from_data_uri(uri: str, field: str, resize: bool) -> str:
    trimmed = js_trim(uri)
    media = parse_data_uri(trimmed, "image", field=field)
    assert media.width is not None and media.height is not None
    if _fits(len(media.data), media.width, media.height):
        return trimmed
    return _shrink(media.data, media.width, media.height, field, resize)


def _from_bytes(data: bytes, field: str, resize: bool) -> str:
    kind = sniff_image_format(data)
    if kind is None:
        if resize and _can_resize():
            converted, mime = fit_image(data, max_side=MAX_VISION_LONGEST_SIDE, field=field)
            return _checked_uri(converted, mime, field)
        raise ValidationError(
            "image bytes are neither PNG nor JPEG",
            field=field,
            allowed=["PNG", "JPEG"],
            hint=_RESIZE_HINT if resize else None,
        )
    media = check_media_bytes(data, "image", f"image/{kind}", field=field)
    assert media.width is not None and media.height is not None
    if _fits(len(data), media.width, media.height):
        return bytes_to_data_uri(data, media.mime_type)
    return _shrink(data, media.width, media.height, field, resize)


def _fits(size: int, width: int, height: int) -> bool:
    return size <= MAX_VISION_IMAGE_BYTES and max(width, height) <= MAX_VISION_LONGEST_SIDE


_RESIZE_HINT = (
    "install the 'images' extra (pip install 'sogni[images]') to fit images automatically"
)


def _shrink(data: bytes, width: int, height: int, field: str, resize: bool) -> str:
    if resize and _can_resize():
        smaller, mime = fit_image(data, max_side=MAX_VISION_LONGEST_SIDE, field=field)
        return _checked_uri(smaller, mime, field)
    hint = _RESIZE_HINT if resize else None
    if len(data) > MAX_VISION_IMAGE_BYTES:
        raise ValidationError(
            f"image is {len(data)} bytes, over the 10 MB limit", field=field, hint=hint
        )
    raise ValidationError(
        f"image is {width}x{height} px; its longest side may be at most "
        f"{MAX_VISION_LONGEST_SIDE} px",
        field=field,
        hint=hint,
    )


def _checked_uri(data: bytes, mime: str, field: str) -> str:
    check_media_bytes(
        data,
        "image",
        mime,
        max_bytes=MAX_VISION_IMAGE_BYTES,
        max_longest_side=MAX_VISION_LONGEST_SIDE,
        field=field,
    )
    return bytes_to_data_uri(data, mime)
