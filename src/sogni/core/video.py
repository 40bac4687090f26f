"""Rules the network derives from a model id alone.

Model families are recognised by id prefix: the video workflow a model runs, how many
frames a clip of a given duration needs, which reference assets a workflow takes, and the
size and context-image limits of image models. Nothing here looks at the models list.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import attrs

from sogni.errors import ValidationError

__all__ = [
    "AssetRequirement",
    "VideoWorkflow",
    "VIDEO_ASSET_PARAMS",
    "VIDEO_WORKFLOW_ASSETS",
    "VideoAssetConfig",
    "LTX_FRAME_STEP",
    "MIN_CUSTOM_SIZE",
    "MIN_VIDEO_SIZE",
    "js_round",
    "is_video_model",
    "is_audio_model",
    "is_wan_model",
    "is_wan_animate_model",
    "is_ltx_model",
    "is_seedance_model",
    "is_comfy_model",
    "is_comfy_image_model",
    "video_workflow",
    "calculate_video_frames",
    "video_asset_config",
    "video_duration_limits",
    "video_defaults",
    "max_custom_size",
    "max_context_images",
]

AssetRequirement = Literal["required", "optional", "forbidden"]
VideoWorkflow = Literal[
    "t2v", "i2v", "s2v", "ia2v", "a2v", "v2v", "animate-move", "animate-replace"
]

#: Frame counts of LTX models must be ``1 + n * LTX_FRAME_STEP``.
LTX_FRAME_STEP = 8

_VIDEO_PREFIXES = ("wan_", "ltx2-", "ltx23-", "seedance-2-0")
_COMFY_IMAGE_PREFIXES = ("z_image_", "qwen_image_", "flux2_")
_COMFY_PREFIXES = (*_COMFY_IMAGE_PREFIXES, "wan_", "ace_step")

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


def _row(
    image: AssetRequirement,
    image_end: AssetRequirement,
    audio: AssetRequirement,
    audio_identity: AssetRequirement,
    video: AssetRequirement,
) -> Mapping[str, AssetRequirement]:
    return MappingProxyType(
        dict(zip(VIDEO_ASSET_PARAMS, (image, image_end, audio, audio_identity, video), strict=True))
    )


#: Which reference assets each workflow requires, accepts or rejects (keys: snake_case
#: asset parameter names). ``i2v`` additionally needs at least one of the two images.
VIDEO_WORKFLOW_ASSETS: Mapping[str, Mapping[str, AssetRequirement]] = MappingProxyType(
    {
        "t2v": _row("forbidden", "forbidden", "forbidden", "optional", "forbidden"),
        "i2v": _row("optional", "optional", "forbidden", "optional", "forbidden"),
        "s2v": _row("required", "forbidden", "required", "forbidden", "forbidden"),
        "ia2v": _row("required", "forbidden", "required", "forbidden", "forbidden"),
        "a2v": _row("forbidden", "forbidden", "required", "forbidden", "forbidden"),
        "animate-move": _row("required", "forbidden", "forbidden", "forbidden", "required"),
        "animate-replace": _row("required", "forbidden", "forbidden", "forbidden", "required"),
        "v2v": _row("optional", "forbidden", "forbidden", "optional", "required"),
    }
)


@attrs.frozen
class VideoAssetConfig:
    """The reference assets a video model takes.

    ``workflow`` is ``None`` for models whose workflow the id does not reveal (plain
    Seedance ids); ``assets`` is then ``None`` too.
    """

    workflow: str | None
    assets: Mapping[str, AssetRequirement] | None


def js_round(value: float) -> int:
    """Round half toward +infinity, as JavaScript's ``Math.round`` does."""
    return math.floor(value + 0.5)


def is_video_model(model_id: str) -> bool:
    """True when the id belongs to a video family (WAN, LTX-2/2.3, Seedance 2.0)."""
    return model_id.startswith(_VIDEO_PREFIXES)


def is_audio_model(model_id: str) -> bool:
    """True when the id belongs to an audio family (ACE-Step)."""
    return model_id.startswith("ace_step")


def is_wan_model(model_id: str) -> bool:
    """True for WAN 2.2 video models (always rendered at 16 fps)."""
    return model_id.startswith("wan_")


def is_wan_animate_model(model_id: str) -> bool:
    """True for WAN animate-move / animate-replace models."""
    return "_animate-move" in model_id or "_animate-replace" in model_id


def is_ltx_model(model_id: str) -> bool:
    """True for LTX-2 / LTX-2.3 video models (``ltx2-`` ids are served as ``ltx23-``)."""
    return model_id.startswith(("ltx2-", "ltx23-"))


def is_seedance_model(model_id: str) -> bool:
    """True for Seedance 2.0 models (external API, fixed 24 fps)."""
    return model_id.startswith("seedance-2-0")


def is_comfy_model(model_id: str) -> bool:
    """True for models run by ComfyUI workers (they take ``comfySampler``/``comfyScheduler``)."""
    return model_id.startswith(_COMFY_PREFIXES)


def is_comfy_image_model(model_id: str) -> bool:
    """True for ComfyUI image models (Z-Image, Qwen Image, Flux.2)."""
    return model_id.startswith(_COMFY_IMAGE_PREFIXES)


def video_workflow(model_id: str) -> str | None:
    """The workflow a video model runs (``t2v``, ``i2v``, ...), or ``None``.

    ``None`` for non-video ids and for video ids without a workflow suffix
    (``seedance-2-0``, ``seedance-2-0-fast``).
    """
    wan = is_wan_model(model_id)
    ltx = is_ltx_model(model_id)
    seedance = is_seedance_model(model_id)
    if not (wan or ltx or seedance):
        return None
    if "_i2v" in model_id:
        return "i2v"
    if "_t2v" in model_id:
        return "t2v"
    if (ltx or seedance) and "_v2v" in model_id:
        return "v2v"
    # "_ia2v" contains "_a2v", so it is tested first.
    if (ltx or seedance) and "_ia2v" in model_id:
        return "ia2v"
    if ltx and "_a2v" in model_id:
        return "a2v"
    if wan:
        if "_s2v" in model_id:
            return "s2v"
        if "_animate-move" in model_id:
            return "animate-move"
        if "_animate-replace" in model_id:
            return "animate-replace"
    return None


def calculate_video_frames(
    model_id: str,
    duration: float,
    fps: float,
    min_frames: int | None = None,
    max_frames: int | None = None,
) -> int:
    """Frame count the network expects for ``duration`` seconds at ``fps``.

    WAN renders at 16 fps whatever ``fps`` says (32 fps is interpolated afterwards), LTX
    snaps to ``1 + 8n`` frames, every other family uses ``duration * fps + 1``. Rounding
    is JavaScript's half-up rounding, so the counts match the other SDKs exactly.
    """
    if is_wan_model(model_id):
        frames = js_round(duration * 16) + 1
    else:
        frames = js_round(duration * fps) + 1
        if is_ltx_model(model_id):
            frames = js_round((frames - 1) / LTX_FRAME_STEP) * LTX_FRAME_STEP + 1
    if min_frames is not None:
        frames = max(min_frames, frames)
    if max_frames is not None:
        frames = min(max_frames, frames)
    return frames


def video_asset_config(model_id: str) -> VideoAssetConfig:
    """Which reference assets ``model_id`` requires, accepts or rejects.

    Raises :class:`ValidationError` when the id is not a video model.
    """
    if not is_video_model(model_id):
        raise ValidationError(f"Model {model_id} is not a video model", field="model_id")
    workflow = video_workflow(model_id)
    if workflow is None:
        return VideoAssetConfig(workflow=None, assets=None)
    return VideoAssetConfig(workflow=workflow, assets=VIDEO_WORKFLOW_ASSETS[workflow])


def video_duration_limits(model_id: str) -> tuple[int, int]:
    """``(min, max)`` seconds a video project of this model may last."""
    if is_seedance_model(model_id):
        return (4, 15)
    if is_ltx_model(model_id) or is_wan_animate_model(model_id):
        return (1, 20)
    return (1, 10)


def video_defaults(model_id: str) -> tuple[int, int, int]:
    """``(width, height, fps)`` that suit a video model when the caller gives none."""
    if video_workflow(model_id) in ("s2v", "animate-move", "animate-replace"):
        return (832, 480, 16)
    if "seedance-2-0-fast" in model_id:
        return (1280, 720, 24)
    if is_seedance_model(model_id) or is_ltx_model(model_id):
        return (1920, 1088, 24)
    return (848, 480, 16)


_EXTENDED_SIZE_MODELS = frozenset(
    {
        "z_image_bf16",
        "z_image_turbo_bf16",
        "qwen_image_edit_2511_fp8",
        "qwen_image_edit_2511_fp8_lightning",
        "qwen_image_2512_fp8",
        "qwen_image_2512_fp8_lightning",
        "flux2_dev_fp8",
    }
)

#: Smallest custom width/height of an image project.
MIN_CUSTOM_SIZE = 256
#: Smallest width/height of a video project.
MIN_VIDEO_SIZE = 480


def max_custom_size(model_id: str) -> int:
    """Largest custom width/height (pixels) an image model accepts."""
    if model_id == "gpt-image-2":
        return 3840
    if model_id in _EXTENDED_SIZE_MODELS:
        return 2560
    return 2048


def max_context_images(model_id: str) -> int:
    """How many ``context_images`` an image model accepts."""
    if model_id == "gpt-image-2":
        return 16
    if model_id.startswith("flux2_"):
        return 6
    if model_id.startswith("qwen_image_"):
        return 3
    if "kontext" in model_id:
        return 2
    return 3
