"""Checking and normalising chat messages before they are sent or estimated."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core.errors import ValidationError
from sogni.core.js import to_json_value
from sogni.core.json_safe import child_path

from .vision import (
    IMAGE_DETAILS,
    MAX_VISION_IMAGES,
    FileReader,
    normalize_image_source,
)

__all__ = ["ROLES", "normalize_messages"]

ROLES = ("system", "user", "assistant", "tool")

_IMAGE_VALUES = (bytes, bytearray, memoryview, os.PathLike)


def normalize_messages(
    messages: Any,
    *,
    read_file: FileReader | None = None,
    resize: bool = True,
) -> list[dict[str, Any]]:
    """Check ``messages`` and return plain-dict copies ready for the wire.

    Every message needs a valid ``role``; ``content`` is a string, ``None`` or a list of
    parts. In a list, a bare string stands for a text part and bytes or a path for an
    image part. Each image part is rebuilt as
    ``{"type": "image_url", "image_url": {"url": <data URI>, "detail"?}}`` after the
    vision checks (see :mod:`sogni.core.chat.vision`); everything else keeps its keys and
    order. Raises :class:`ValidationError` naming the offending message or part.
    """
    if isinstance(messages, (str, bytes, Mapping)) or not isinstance(messages, Sequence):
        raise ValidationError("messages must be a list of message objects", field="messages")
    if not messages:
        raise ValidationError("messages must contain at least one message", field="messages")
    images = 0
    out: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        message = _as_mapping(message, where)
        role = message.get("role")
        if role not in ROLES:
            raise ValidationError(
                f"message role {role!r} is not valid", field=f"{where}.role", allowed=ROLES
            )
        normalized: dict[str, Any] = {}
        for key, value in message.items():
            if key == "content":
                if isinstance(value, (list, tuple)):
                    normalized[key], images = _parts(value, where, images, read_file, resize)
                elif value is None or isinstance(value, str):
                    normalized[key] = value
                else:
                    raise ValidationError(
                        "message content must be a string, a list of parts or None",
                        field=f"{where}.content",
                    )
            else:
                if not isinstance(key, str):
                    raise ValidationError(
                        f"{where} has a key {key!r} of type {type(key).__name__}; keys must "
                        "be strings",
                        field=where,
                        allowed="str keys",
                    )
                normalized[key] = to_json_value(value, child_path(where, key))
        out.append(normalized)
    return out


def _as_mapping(message: Any, where: str) -> Mapping[str, Any]:
    """A message as a mapping: message records convert themselves (``to_message``)."""
    if isinstance(message, Mapping):
        return message
    to_dict = getattr(message, "to_message", None) or getattr(message, "to_dict", None)
    if not callable(to_dict):
        raise ValidationError(
            f"each message must be a mapping, not {type(message).__name__}", field=where
        )
    converted = to_dict()
    if not isinstance(converted, Mapping):
        raise ValidationError(f"{where} did not convert to a message mapping", field=where)
    return converted


def _parts(
    value: Sequence[Any], where: str, images: int, read_file: FileReader | None, resize: bool
) -> tuple[list[Any], int]:
    """The normalized content parts of one message, and the images counted so far."""
    parts = []
    for part_index, part in enumerate(value):
        field = f"{where}.content[{part_index}]"
        if _is_image_part(part):
            images += 1
            if images > MAX_VISION_IMAGES:
                raise ValidationError(
                    f"a request may carry at most {MAX_VISION_IMAGES} images", field=field
                )
        parts.append(_normalize_part(part, field, read_file, resize))
    return parts, images


def _is_image_part(part: Any) -> bool:
    return isinstance(part, _IMAGE_VALUES) or (
        isinstance(part, Mapping) and part.get("type") == "image_url"
    )


def _normalize_part(part: Any, field: str, read_file: FileReader | None, resize: bool) -> Any:
    if isinstance(part, str):
        return {"type": "text", "text": part}
    if isinstance(part, _IMAGE_VALUES):
        url = normalize_image_source(part, field=field, read_file=read_file, resize=resize)
        return {"type": "image_url", "image_url": {"url": url}}
    if not isinstance(part, Mapping):
        raise ValidationError(
            f"content part must be a mapping, not {type(part).__name__}", field=field
        )
    kind = part.get("type")
    if kind == "text":
        if not isinstance(part.get("text"), str):
            raise ValidationError("text part needs a string 'text'", field=f"{field}.text")
        return to_json_value(part, field)
    if kind != "image_url":
        raise ValidationError(
            f"content part type {kind!r} is not supported",
            field=f"{field}.type",
            allowed=["text", "image_url"],
        )
    image_url = part.get("image_url")
    detail: Any = None
    if isinstance(image_url, Mapping):
        source = image_url.get("url")
        detail = image_url.get("detail")
    else:
        source = image_url
    if source is None:
        raise ValidationError("image part needs image_url.url", field=f"{field}.image_url")
    url = normalize_image_source(source, field=field, read_file=read_file, resize=resize)
    rebuilt: dict[str, Any] = {"url": url}
    if detail:
        if detail not in IMAGE_DETAILS:
            raise ValidationError(
                f"image detail {detail!r} is not valid",
                field=f"{field}.image_url.detail",
                allowed=IMAGE_DETAILS,
            )
        rebuilt["detail"] = detail
    return {"type": "image_url", "image_url": rebuilt}
