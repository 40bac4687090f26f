"""Optional image downscaling with Pillow (the ``images`` extra).

Pillow is imported only when an image actually needs resizing, so importing the SDK stays
cheap and works without it.
"""

from __future__ import annotations

import importlib.util
import io

from sogni.core.errors import MissingExtraError, ValidationError

__all__ = ["pillow_available", "fit_image"]

_JPEG_QUALITY = 90


def pillow_available() -> bool:
    """Whether Pillow can be imported (without importing it)."""
    return importlib.util.find_spec("PIL") is not None


def fit_image(data: bytes, *, max_side: int, field: str | None = None) -> tuple[bytes, str]:
    """Shrink an image so its longest side is at most ``max_side`` and re-encode it.

    Returns ``(bytes, mime_type)``. JPEG input stays JPEG; everything else becomes PNG,
    or JPEG when it has no transparency and was not PNG (photos compress better so).
    Images already small enough are only re-encoded, which also converts formats the
    network does not take (WebP, GIF, ...) into PNG or JPEG.
    """
    try:
        from PIL import Image, ImageOps
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("resizing images", "images") from None

    try:
        with Image.open(io.BytesIO(data)) as opened:
            source_format = (opened.format or "").upper()
            image = ImageOps.exif_transpose(opened)
            image.load()
    except Exception as exc:  # Pillow raises many unrelated types for bad data
        raise ValidationError(f"could not decode the image: {exc}", field=field) from None

    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)

    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    use_jpeg = source_format == "JPEG" or (source_format != "PNG" and not has_alpha)
    out = io.BytesIO()
    if use_jpeg:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
        return out.getvalue(), "image/jpeg"
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), "image/png"
