"""What a model's family says about its projects: workflows, frames, durations and sizes.

Every answer comes from the family table (:mod:`sogni.core.families`); ``media`` is
what the network's catalogue says the model produces, when the caller knows it, so a
model the table does not know still gets the generic rules of its kind.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from sogni.core.errors import ValidationError
from sogni.core.families import (
    AssetRequirement,
    MediaType,
    Rules,
    media_of,
    rules_for,
    workflow_assets,
)
from sogni.core.js import js_round

__all__ = [
    "AssetRequirement",
    "VIDEO_ASSET_PARAMS",
    "VideoAssetConfig",
    "MIN_VIDEO_SIZE",
    "is_video_model",
    "is_audio_model",
    "video_workflow",
    "calculate_video_frames",
    "video_asset_config",
    "video_duration_limits",
    "video_defaults",
    "max_custom_size",
    "max_context_images",
]

#: Reference-asset parameters of video projects: snake_case name -> wire (camelCase) name,
#: in the order the network checks and uploads them.
VIDEO_ASSET_PARAMS: Mapping[str, str] = MappingProxyType(
    {
        "reference_image": "referenceImage",
        "reference_image_end": "referenceImageEnd",
        "reference_audio": "referenceAudio",
        "reference_audio_identity": "referenceAudioIdentity",
        "reference_video": "referenceVideo",
    }
)

#: Smallest width/height of a video project (families on a size grid have their own).
MIN_VIDEO_SIZE = 480


@attrs.frozen
class VideoAssetConfig:
    """The reference assets a video model takes.

    ``workflow`` is ``None`` for models whose workflow the id does not reveal (plain
    Seedance ids, Wan 3, models the SDK does not know); ``assets`` is then ``None`` too.
    """

    workflow: str | None
    assets: Mapping[str, AssetRequirement] | None


def is_video_model(model_id: str) -> bool:
    """True when the family table puts the id in a video family."""
    return media_of(model_id) == "video"


def is_audio_model(model_id: str) -> bool:
    """True when the family table puts the id in an audio family."""
    return media_of(model_id) == "audio"


def _video_rules(model_id: str, media: MediaType | None) -> Rules:
    return rules_for(model_id, media or ("video" if is_video_model(model_id) else None))


def video_workflow(model_id: str, media: MediaType | None = None) -> str | None:
    """The workflow a video model runs (``t2v``, ``i2v``, ``upscale`` ...), or ``None``.

    ``None`` for non-video ids and for video ids whose workflow the id does not reveal.
    """
    if (media or media_of(model_id)) != "video":
        return None
    return _video_rules(model_id, media).workflow_of(model_id)


def calculate_video_frames(
    model_id: str,
    duration: float,
    fps: float,
    min_frames: int | None = None,
    max_frames: int | None = None,
    media: MediaType | None = None,
) -> int:
    """Frame count the network expects for ``duration`` seconds at ``fps``.

    Most families use ``duration * fps + 1``; WAN 2.2 renders at 16 fps whatever ``fps``
    says, LTX snaps to ``1 + 8n``, MiniMax H3 to its ``124 + 17n`` grid, and an upscaler
    keeps the source's own ``duration * fps``. Rounding is JavaScript's half-up rounding,
    so the counts match the other SDKs exactly.
    """
    rules = _video_rules(model_id, media)
    if rules.frames == "grid" and rules.grid is not None:
        grid_fps = (rules.fps or {}).get("fixed") or fps
        return _grid_frames(rules.grid, duration * grid_fps, min_frames, max_frames)
    if rules.frames == "source":
        frames = js_round(duration * fps)
    elif rules.frames == "render_fps" and rules.render_fps:
        frames = js_round(duration * rules.render_fps) + 1
    else:
        frames = js_round(duration * fps) + 1
        if rules.frames == "step" and rules.frame_step > 1:
            step = rules.frame_step
            frames = js_round((frames - 1) / step) * step + 1
    if min_frames is not None:
        frames = max(min_frames, frames)
    if max_frames is not None:
        frames = min(max_frames, frames)
    return frames


def _grid_frames(
    grid: Mapping[str, int], exact: float, min_frames: int | None, max_frames: int | None
) -> int:
    base, step = grid["base"], grid["step"]
    low = max(grid["min"], min_frames if min_frames is not None else grid["min"])
    high = min(grid["max"], max_frames if max_frames is not None else grid["max"])
    low_step, high_step = math.ceil((low - base) / step), math.floor((high - base) / step)
    if low_step > high_step:
        raise ValidationError(
            f"no frame count on the {base} + {step}n grid lies between {low} and {high}",
            field="frames",
        )
    # ``exact`` is duration times the family's fixed rate; a grid has no ``+1`` frame.
    requested = js_round((js_round(exact) - base) / step)
    return base + min(high_step, max(low_step, requested)) * step


def video_asset_config(model_id: str, media: MediaType | None = None) -> VideoAssetConfig:
    """Which reference assets ``model_id`` requires, accepts or rejects.

    Raises :class:`ValidationError` when the id is not a video model.
    """
    if (media or media_of(model_id)) != "video":
        raise ValidationError(f"Model {model_id} is not a video model", field="model_id")
    rules = _video_rules(model_id, media)
    workflow = rules.workflow_of(model_id)
    if workflow is None:
        return VideoAssetConfig(workflow=None, assets=None)
    return VideoAssetConfig(workflow=workflow, assets=workflow_assets(rules, workflow))


def video_duration_limits(
    model_id: str, media: MediaType | None = None
) -> tuple[float, float | None]:
    """``(min, max)`` seconds a video project of this model may last (``max`` ``None``:
    no client-side maximum)."""
    return _video_rules(model_id, media).duration or (1, None)


def video_defaults(model_id: str, media: MediaType | None = None) -> tuple[int, int, int]:
    """``(width, height, fps)`` that suit a video model when the caller gives none."""
    return _video_rules(model_id, media).defaults or (848, 480, 24)


def max_custom_size(model_id: str, media: MediaType | None = None) -> int:
    """Largest custom width/height (pixels) an image model accepts."""
    return rules_for(model_id, media).max_size


def max_context_images(model_id: str, media: MediaType | None = None) -> int:
    """How many ``context_images`` an image model accepts."""
    return rules_for(model_id, media).max_context_images
