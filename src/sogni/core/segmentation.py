"""The ``sam3Prompt`` of SAM 3 segmentation projects: checked and put in the network's shape.

Points and boxes are in normalised image coordinates (0–1). A prompt has points, boxes or
text; text and points do not mix, and a point prompt takes at most one (positive) box.
The result always carries ``points``, ``boxes``, ``threshold`` and ``applyMask``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core.errors import ValidationError

__all__ = ["normalize_sam3_prompt"]

MAX_POINTS = 32
MAX_BOXES = 16
MAX_TEXT_LENGTH = 240
MAX_INSTANCES = 16
LABELS = ("positive", "negative")
_KEYS = {
    "points": "points",
    "boxes": "boxes",
    "text": "text",
    "threshold": "threshold",
    "multimask": "multimask",
    "applyMask": "applyMask",
    "apply_mask": "applyMask",
    "maxInstances": "maxInstances",
    "max_instances": "maxInstances",
}
FIELD = "sam3_prompt"


def _fail(message: str, allowed: Any = None) -> ValidationError:
    return ValidationError(f"sam3_prompt: {message}", field=FIELD, allowed=allowed)


def _object(value: Any, where: str, keys: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(f"{where} must be a mapping")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise _fail(f"{where} has unsupported fields {unknown}", allowed=list(keys))
    return value


def _coordinate(value: Any, where: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 <= value <= 1
    ):
        raise _fail(f"{where} must be a normalised coordinate from 0 to 1, got {value!r}")
    return value


def _list(value: Any, where: str, limit: int) -> Sequence[Any]:
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) > limit:
        raise _fail(f"{where} must be a list of at most {limit} entries")
    return value


def _points(raw: Any) -> list[dict[str, Any]]:
    points = []
    for index, point in enumerate(_list(raw, "points", MAX_POINTS)):
        where = f"points[{index}]"
        point = _object(point, where, ("x", "y", "label"))
        if point.get("label") not in LABELS:
            raise _fail(f"{where}.label must be 'positive' or 'negative'", allowed=list(LABELS))
        points.append(
            {
                "x": _coordinate(point.get("x"), f"{where}.x"),
                "y": _coordinate(point.get("y"), f"{where}.y"),
                "label": point["label"],
            }
        )
    return points


def _boxes(raw: Any) -> list[dict[str, Any]]:
    boxes = []
    for index, box in enumerate(_list(raw, "boxes", MAX_BOXES)):
        where = f"boxes[{index}]"
        box = _object(box, where, ("x0", "y0", "x1", "y1", "label"))
        label = box.get("label", "positive")
        if label not in LABELS:
            raise _fail(f"{where}.label must be 'positive' or 'negative'", allowed=list(LABELS))
        normal = {
            axis: _coordinate(box.get(axis), f"{where}.{axis}") for axis in ("x0", "y0", "x1", "y1")
        }
        if normal["x0"] >= normal["x1"] or normal["y0"] >= normal["y1"]:
            raise _fail(f"{where} must have x0 < x1 and y0 < y1")
        boxes.append({**normal, "label": label})
    return boxes


def _text(raw: Any) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not 1 <= len(raw.strip()) <= MAX_TEXT_LENGTH:
        raise _fail(f"text must be 1 to {MAX_TEXT_LENGTH} characters")
    return raw.strip()


def normalize_sam3_prompt(raw: Any) -> dict[str, Any]:
    """The checked ``sam3Prompt`` the network expects (snake_case keys are accepted too).

    Raises :class:`ValidationError` (``field="sam3_prompt"``) naming what is wrong.
    """
    prompt = {_KEYS[key]: value for key, value in _object(raw, "the prompt", list(_KEYS)).items()}
    points, boxes, text = (
        _points(prompt.get("points")),
        _boxes(prompt.get("boxes")),
        _text(prompt.get("text")),
    )
    if not points and not boxes and not text:
        raise _fail("give at least one point, box or text")
    if text and points:
        raise _fail("text and point prompts cannot be combined")
    if points and len(boxes) > 1:
        raise _fail("a point prompt takes at most one box")
    if points and any(box["label"] == "negative" for box in boxes):
        raise _fail("negative boxes need a text prompt")
    threshold = prompt.get("threshold", 0.5)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not math.isfinite(threshold)
        or not 0 <= threshold <= 1
    ):
        raise _fail("threshold must be a number from 0 to 1")
    multimask = prompt.get("multimask")
    if multimask is not None and not isinstance(multimask, bool):
        raise _fail("multimask must be True or False")
    if multimask is True and not points:
        raise _fail("multimask needs point prompts")
    apply_mask = prompt.get("applyMask")
    if apply_mask is not None and not isinstance(apply_mask, bool):
        raise _fail("apply_mask must be True or False")
    instances = prompt.get("maxInstances")
    if instances is not None and (
        isinstance(instances, bool)
        or not isinstance(instances, int)
        or not 1 <= instances <= MAX_INSTANCES
    ):
        raise _fail(f"max_instances must be an integer from 1 to {MAX_INSTANCES}")
    result: dict[str, Any] = {"points": points, "boxes": boxes}
    if text:
        result["text"] = text
    result["threshold"] = threshold
    if points:
        result["multimask"] = True if multimask is None else multimask
    result["applyMask"] = apply_mask is True
    if instances is not None:
        result["maxInstances"] = instances
    return result
