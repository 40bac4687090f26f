"""Cheap, deterministic, real images: a colour gradient with a disc, chosen by seed and prompt."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw

__all__ = ["IMAGE_FORMATS", "render_image"]

# wire output format -> (Pillow format, content type, file extension)
IMAGE_FORMATS = {
    "png": ("PNG", "image/png", "png"),
    "jpg": ("JPEG", "image/jpeg", "jpg"),
    "jpeg": ("JPEG", "image/jpeg", "jpg"),
    "webp": ("WEBP", "image/webp", "webp"),
}


def palette(seed: int, prompt: str, count: int) -> list[tuple[int, int, int]]:
    """``count`` RGB colours derived from ``seed`` and ``prompt``."""
    digest = hashlib.sha256(f"{seed}\x00{prompt}".encode()).digest()
    return [(digest[3 * i], digest[3 * i + 1], digest[3 * i + 2]) for i in range(count)]


def render_picture(width: int, height: int, seed: int, prompt: str) -> Image.Image:
    """The RGB picture for one result (shared by image encoders and video frames)."""
    corners = palette(seed, prompt, 5)
    tiny = Image.new("RGB", (2, 2))
    tiny.putdata(corners[:4])
    picture = tiny.resize((width, height), Image.Resampling.BILINEAR)
    radius = max(1, min(width, height) // 5)
    cx, cy = width // 2, height // 2
    ImageDraw.Draw(picture).ellipse(
        (cx - radius, cy - radius, cx + radius, cy + radius), fill=corners[4]
    )
    return picture


def render_image(width: int, height: int, seed: int, prompt: str, fmt: str = "png") -> bytes:
    """Encoded image bytes of ``width`` x ``height`` in ``fmt`` (png, jpg/jpeg, webp)."""
    pil_format = IMAGE_FORMATS[fmt][0]
    buffer = io.BytesIO()
    picture = render_picture(width, height, seed, prompt)
    if pil_format == "PNG":
        picture.save(buffer, format="PNG", compress_level=1)
    elif pil_format == "JPEG":
        picture.save(buffer, format="JPEG", quality=85)
    else:
        picture.save(buffer, format="WEBP", quality=80, method=0)
    return buffer.getvalue()
