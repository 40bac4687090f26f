"""The ``jobRequest`` socket message that starts an image, video or audio project.

:func:`build_job_request` turns project parameters (the network's camelCase names) and the
model's :class:`~sogni.core.model_options.ModelOptions` into the message, after checking
every parameter, so a request that cannot succeed fails here, before anything is uploaded
or paid for. The message carries a fixed template of keys older workers still read; its key
order is the one the network's other clients produce.

Assets (starting image, context images, reference media) are passed as presence markers:
any truthy value means "there is one". ``True`` means the asset is already uploaded; any
other value is a file the caller still has to upload, described by :func:`upload_slots`.
After uploading video assets, :func:`add_content_types` records their types.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from sogni.core._generated.vocabulary import NETWORKS, TOKEN_TYPES
from sogni.core.checks import choice, number, sequence, string
from sogni.core.errors import ValidationError
from sogni.core.families import Rules, rules_for, workflow_assets
from sogni.core.json_safe import check_json_safe
from sogni.core.loras import MAX_STRENGTH, MIN_STRENGTH
from sogni.core.model_options import (
    ModelOptions,
    NumericRange,
    validate_sampler,
    validate_scheduler,
)
from sogni.core.segmentation import normalize_sam3_prompt
from sogni.core.video import MIN_VIDEO_SIZE, VIDEO_ASSET_PARAMS, calculate_video_frames

__all__ = [
    "PROJECT_TYPES",
    "OUTPUT_FORMATS",
    "CONTROLNET_NAMES",
    "VIDEO_CONTROLNET_NAMES",
    "CONTROLNET_MODES",
    "TOKEN_TYPES",
    "NETWORKS",
    "MAX_NUMBER_OF_MEDIA",
    "TIME_SIGNATURES",
    "UploadSlot",
    "build_job_request",
    "upload_slots",
    "add_content_types",
]

PROJECT_TYPES = ("image", "video", "audio")
#: Output formats per project type; the first one is the default.
OUTPUT_FORMATS: Mapping[str, tuple[str, ...]] = {
    "image": ("png", "jpg", "webp"),
    "video": ("mp4",),
    "audio": ("mp3", "flac", "wav"),
}
CONTROLNET_NAMES = (
    "canny",
    "depth",
    "inpaint",
    "instrp2p",
    "lineart",
    "lineartanime",
    "mlsd",
    "normalbae",
    "openpose",
    "scribble",
    "segmentation",
    "shuffle",
    "softedge",
    "tile",
    "instantid",
)
VIDEO_CONTROLNET_NAMES = ("canny", "pose", "depth", "detailer")
#: ControlNet modes and the numbers the network uses for them.
CONTROLNET_MODES: Mapping[str, int] = {"balanced": 0, "prompt_priority": 1, "cn_priority": 2}
MAX_NUMBER_OF_MEDIA = 16
_UINT32_MAX = 2**32 - 1
#: Beats per bar an audio project may have.
TIME_SIGNATURES = ("2", "3", "4", "6")
# Documented ranges of audio parameters: (name, min, max, integer).
_AUDIO_RANGES = (
    ("duration", 10, 600, False),
    ("bpm", 30, 300, True),
    ("promptStrength", 0, 10, False),
    ("creativity", 0, 2, False),
    ("shift", 1, 6, False),
)
_CONTEXT_IMAGE_SLOTS = 16
#: Pixal3D multi-view orbit views and the ``contextImage<n>`` slot each travels in.
ORBIT_VIEW_SLOTS: Mapping[str, int] = {"leftViewImage": 1, "backViewImage": 2, "rightViewImage": 3}
#: Pixal3D mesh options, in the order the request carries them.
MESH_OPTIONS = (
    "textureSize",
    "meshTargetFaces",
    "normalMapSize",
    "ambientOcclusionSize",
    "shapeResolution",
)


class _Unset:
    """Marks a key that exists for ordering but is left out of the message."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"


_UNSET: Any = _Unset()


@attrs.frozen
class UploadSlot:
    """One asset that has to be uploaded before the ``jobRequest`` is sent.

    ``param`` is the camelCase parameter it came from (``"contextImages"`` with ``index``
    for context images, ``"controlNet"`` for the ControlNet image), ``field`` its snake_case
    name for messages (``"context_images[2]"``). ``endpoint`` is ``"image"``
    (``/v1/image/uploadUrl``, needs a fresh ``imageId``) or ``"media"``
    (``/v1/media/uploadUrl``); ``type`` is the ``type`` query value and ``id`` the ``id``
    one, which names a numbered slot (``referenceVideo2``: MiniMax H3 r2v). ``value`` is
    the asset exactly as given.
    """

    param: str
    field: str
    endpoint: Literal["image", "media"]
    type: str
    value: Any = attrs.field(repr=False)
    index: int | None = None
    id: str | None = None


# -- helpers ------------------------------------------------------------------------------


def _snake(name: str) -> str:
    """The snake_case spelling of a camelCase parameter name (for error messages)."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _truthy(value: Any) -> bool:
    """JavaScript truthiness: empty lists and objects count as present."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def _is_marker_uploaded(value: Any) -> bool:
    """True for an asset that still needs uploading (present and not the ``True`` marker)."""
    return _truthy(value) and value is not True


def _in_range(
    value: Any, field: str, bounds: NumericRange | None, model_id: str, *, integer: bool = False
) -> float:
    if bounds is None:
        return number(value, field, integer=integer)
    return number(
        value,
        field,
        minimum=bounds.min,
        maximum=bounds.max,
        integer=integer,
        what=f"{field} for model {model_id}",
    )


def _finish(value: Any) -> Any:
    """The message as JSON-ready data: unset keys dropped, integral floats as integers."""
    if isinstance(value, Mapping):
        return {k: _finish(v) for k, v in value.items() if v is not _UNSET}
    if isinstance(value, (list, tuple)):
        return [None if v is _UNSET else _finish(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _template_key_frame() -> dict[str, Any]:
    return {
        "stepsIsEnabled": True,
        "siRotation": 0,
        "siDragOffsetIsEnabled": True,
        "strength": 0.5,
        "siZoomScaleIsEnabled": True,
        "isEnabled": True,
        "processing": "CPU, GPU",
        "useLastImageAsGuideImageInAnimation": True,
        "guidanceScaleIsEnabled": True,
        "siImageBackgroundColor": "black",
        "cnDragOffset": [0, 0],
        "scheduler": None,
        "timeStepSpacing": None,
        "steps": 20,
        "cnRotation": 0,
        "guidanceScale": 7.5,
        "siZoomScale": 1,
        "modelID": "",
        "cnRotationIsEnabled": True,
        "negativePrompt": "",
        "startingImageZoomPanIsOn": False,
        "seed": _UNSET,
        "siRotationIsEnabled": True,
        "cnImageBackgroundColor": "clear",
        "strengthIsEnabled": True,
        "siDragOffset": [0, 0],
        "useLastImageAsCNImageInAnimation": False,
        "positivePrompt": "",
        "controlNetZoomPanIsOn": False,
        "cnZoomScaleIsEnabled": True,
        "currentControlNets": None,
        "stylePrompt": "",
        "cnDragOffsetIsEnabled": True,
        "frameIndex": 0,
        "startingImage": None,
        "cnZoomScale": 1,
    }


def _template() -> dict[str, Any]:
    return {
        "selectedUpscalingModel": "OFF",
        "cnVideoFramesSketch": [],
        "cnVideoFramesSegmentedSubject": [],
        "cnVideoFramesFace": [],
        "doCanvasBlending": False,
        "animationIsOn": False,
        "cnVideoFramesBoth": [],
        "cnVideoFramesDepth": [],
        "keyFrames": [],
        "previews": 5,
        "frameRate": 24,
        "generatedVideoSeconds": 10,
        "canvasIsOn": False,
        "cnVideoFrames": [],
        "disableSafety": False,
        "cnVideoFramesSegmentedBackground": [],
        "cnVideoFramesSegmented": [],
        "numberOfImages": 1,
        "cnVideoFramesPose": [],
        "jobID": "",
        "siVideoFrames": [],
    }


class _Params:
    """Read access to the caller's parameters; ``None`` counts as not given."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self._params = params

    def get(self, name: str) -> Any:
        return self._params.get(name)

    def given(self, name: str) -> bool:
        return self._params.get(name) is not None

    def truthy(self, name: str) -> bool:
        return _truthy(self._params.get(name))


# -- validation of the parameters every type shares ---------------------------------------


def _project_type(p: _Params, options: ModelOptions, model_id: str) -> str:
    kind = p.get("type")
    if kind is None:
        kind = options.media
    choice(kind, "type", PROJECT_TYPES, "project type")
    if kind != options.media:
        raise ValidationError(
            f"Model {model_id} does not support {kind} generation; it produces {options.media}."
            " Use a different model or type.",
            field="type",
            allowed=[options.media],
        )
    return str(kind)


def _model_id(p: _Params, options: ModelOptions) -> str:
    model_id = p.get("modelId")
    if model_id is None:
        return options.model_id
    if not isinstance(model_id, str) or not model_id:
        raise ValidationError("model_id must be a non-empty string", field="model_id")
    if model_id != options.model_id:
        raise ValidationError(
            f"model_id {model_id!r} does not match the options given (for {options.model_id!r})",
            field="model_id",
        )
    return model_id


def _check_common(
    p: _Params, options: ModelOptions, model_id: str, kind: str, rules: Rules
) -> None:
    for name in ("positivePrompt", "negativePrompt", "stylePrompt", "appSource"):
        if p.given(name):
            string(p.get(name), _snake(name))
    # Held to the model's tier: a value outside it cannot succeed and would spend tokens.
    if p.given("steps"):
        _in_range(p.get("steps"), "steps", options.steps, model_id, integer=True)
    if p.given("guidance"):
        _in_range(p.get("guidance"), "guidance", options.guidance, model_id)
    if p.given("seed"):
        number(p.get("seed"), "seed", minimum=0, maximum=_UINT32_MAX, integer=True)
    if p.given("numberOfMedia"):
        number(
            p.get("numberOfMedia"),
            "number_of_media",
            minimum=1,
            maximum=MAX_NUMBER_OF_MEDIA,
            integer=True,
        )
    if p.given("tokenType"):
        choice(p.get("tokenType"), "token_type", TOKEN_TYPES)
        if p.get("tokenType") != "spark" and rules.spark_only:
            raise ValidationError(
                f"Model {model_id} runs on an external API and is paid in Spark only",
                field="token_type",
                allowed=["spark"],
            )
    if p.given("network"):
        choice(p.get("network"), "network", NETWORKS)
    if p.given("outputFormat"):
        choice(
            p.get("outputFormat"),
            "output_format",
            OUTPUT_FORMATS[kind],
            f"output_format of {kind} projects",
        )
    if p.given("loras"):
        for index, lora in enumerate(sequence(p.get("loras"), "loras")):
            if not isinstance(lora, str) or not lora:
                raise ValidationError(
                    f"loras[{index}] must be a LoRA id (a non-empty string), got {lora!r}",
                    field="loras",
                )
    if p.given("loraStrengths"):
        for strength in sequence(p.get("loraStrengths"), "lora_strengths"):
            number(
                strength,
                "lora_strengths",
                minimum=MIN_STRENGTH,
                maximum=MAX_STRENGTH,
                what="each LoRA strength",
            )
    # Assets of another project type would be ignored silently; say so instead.
    if kind != "image":
        # Video context images are MiniMax H3 r2v references, checked with the video.
        for name in ("startingImage",) if kind == "video" else ("startingImage", "contextImages"):
            if p.truthy(name):
                raise ValidationError(
                    f"{_snake(name)} is only used by image projects"
                    + (" (video projects take reference_image)" if kind == "video" else ""),
                    field=_snake(name),
                )
    if kind != "video":
        for wire in (
            *VIDEO_ASSET_PARAMS.values(),
            "referenceImageUrls",
            "referenceVideoUrls",
            "referenceAudioUrls",
        ):
            if p.truthy(wire) and not (kind == "audio" and wire == "referenceAudio"):
                raise ValidationError(
                    f"{_snake(wire)} is only used by video projects"
                    + (" and speech models" if wire == "referenceAudio" else ""),
                    field=_snake(wire),
                )


# -- image --------------------------------------------------------------------------------


def _image_control_net(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise ValidationError("control_net must be a mapping with a name", field="control_net")
    name = raw.get("name")
    choice(name, "control_net.name", CONTROLNET_NAMES, "ControlNet name")
    cn: dict[str, Any] = {
        "name": name,
        "cnImageState": "original",
        "hasImage": _truthy(raw.get("image")),
    }
    if raw.get("strength") is not None:
        cn["controlStrength"] = number(
            raw["strength"], "control_net.strength", minimum=0, maximum=1
        )
    mode = raw.get("mode")
    if _truthy(mode):
        cn["controlMode"] = CONTROLNET_MODES[
            choice(mode, "control_net.mode", list(CONTROLNET_MODES), "ControlNet mode")
        ]
    start = raw.get("guidanceStart")
    end = raw.get("guidanceEnd")
    if start is not None:
        cn["controlGuidanceStart"] = number(
            start, "control_net.guidance_start", minimum=0, maximum=1
        )
    if end is not None:
        cn["controlGuidanceEnd"] = number(end, "control_net.guidance_end", minimum=0, maximum=1)
    if start is not None and end is not None and start > end:
        raise ValidationError(
            f"control_net.guidance_start ({start}) must not be after guidance_end ({end})",
            field="control_net.guidance_start",
        )
    return [cn]


def _image_size(p: _Params, model_id: str, rules: Rules) -> tuple[Any, Any, Any]:
    """``(sizePreset, width, height)`` to send; unset ones are ``_UNSET``."""
    preset = p.get("sizePreset")
    if preset is not None:
        string(preset, "size_preset")
    width, height = p.get("width"), p.get("height")
    if _truthy(preset) and preset != "custom":
        return preset, _UNSET, _UNSET  # a named preset decides the size
    if (width is None) != (height is None):
        missing = "height" if height is None else "width"
        raise ValidationError(
            f"width and height must be given together ({missing} is missing)", field=missing
        )
    if width is None:
        if preset == "custom":
            raise ValidationError(
                "size_preset 'custom' needs width and height", field="size_preset"
            )
        return (preset if preset is not None else _UNSET), _UNSET, _UNSET
    checked = [
        number(
            value,
            axis,
            minimum=rules.min_size,
            maximum=rules.max_size,
            integer=True,
            what=f"{axis} for model {model_id}",
        )
        for axis, value in (("width", width), ("height", height))
    ]
    return "custom", checked[0], checked[1]


def _check_gpt_image(p: _Params, rules: Rules) -> None:
    gpt = rules.gpt_image or {}
    if p.given("gptImageQuality"):
        choice(p.get("gptImageQuality"), "gpt_image_quality", gpt.get("qualities", ()))
    if p.given("gptImageBackground"):
        choice(p.get("gptImageBackground"), "gpt_image_background", gpt.get("backgrounds", ()))
        if p.get("gptImageBackground") == "transparent" and p.get("outputFormat") == "jpg":
            raise ValidationError(
                "a transparent background needs PNG or WebP output",
                field="output_format",
                allowed=["png", "webp"],
            )
    if p.given("gptImageOutputCompression") and p.get("outputFormat") not in ("jpg", "webp"):
        raise ValidationError(
            "gpt_image_output_compression needs JPEG or WebP output",
            field="output_format",
            allowed=["jpg", "webp"],
        )


def _vae(p: _Params, options: ModelOptions) -> str | None:
    """The VAE to send: ``None`` unless the tier lists some and the caller named one."""
    tier_vae = options.raw_tier.get("vae")
    allowed = tier_vae.get("allowed") if isinstance(tier_vae, Mapping) else None
    if not allowed or not p.truthy("vae"):
        return None
    return str(choice(p.get("vae"), "vae", list(allowed), "VAE"))


def _only_for(p: _Params, wire: str, allowed: bool, what: str) -> None:
    if p.given(wire) and not allowed:
        raise ValidationError(f"{_snake(wire)} is only supported by {what}", field=_snake(wire))


def _apply_image(
    key_frame: dict[str, Any], p: _Params, options: ModelOptions, model_id: str, rules: Rules
) -> None:
    context_images: Sequence[Any] = ()
    if p.given("contextImages"):
        context_images = sequence(p.get("contextImages"), "context_images")
        limit = rules.max_context_images
        if len(context_images) > limit:
            raise ValidationError(
                f"Model {model_id} accepts up to {limit} context images, got {len(context_images)}",
                field="context_images",
                allowed=f"at most {limit}",
            )
    if rules.requires_starting_image and not p.truthy("startingImage"):
        raise ValidationError(
            f"Model {model_id} transforms a starting image; give starting_image",
            field="starting_image",
        )
    _only_for(p, "sam3Prompt", rules.sam3_prompt, "SAM 3 segmentation models")
    if rules.sam3_prompt and not p.given("sam3Prompt"):
        raise ValidationError(
            f"Model {model_id} needs sam3_prompt: the points, boxes or text to segment",
            field="sam3_prompt",
        )
    _only_for(p, "applyMask", rules.apply_mask, "background-removal models (BiRefNet)")
    for view in ORBIT_VIEW_SLOTS:
        _only_for(p, view, rules.orbit_views, "Pixal3D multi-view models")
    for name in MESH_OPTIONS:
        _only_for(p, name, rules.mesh_options, "image-to-3D models (Pixal3D)")
    _only_for(p, "templateVariant", rules.template_variants, "Pixal3D single-view models")
    _only_for(p, "gptImageMaskUrl", rules.masks, "GPT Image models")
    if p.given("gptImageMaskUrl") and not context_images:
        raise ValidationError(
            "gpt_image_mask_url masks the first context image; give context_images",
            field="context_images",
        )
    if p.given("startingImageStrength"):
        number(p.get("startingImageStrength"), "starting_image_strength", minimum=0, maximum=1)
    if p.given("numberOfPreviews"):
        number(p.get("numberOfPreviews"), "number_of_previews", minimum=0, integer=True)
    _check_gpt_image(p, rules)
    sam3 = normalize_sam3_prompt(p.get("sam3Prompt")) if p.given("sam3Prompt") else _UNSET
    size_preset, width, height = _image_size(p, model_id, rules)
    sampler = validate_sampler(p.get("sampler"), options)
    scheduler = validate_scheduler(p.get("scheduler"), options)

    key_frame["sizePreset"] = _UNSET if p.get("sizePreset") is None else p.get("sizePreset")
    for index in range(1, _CONTEXT_IMAGE_SLOTS + 1):
        present = index <= len(context_images) and _truthy(context_images[index - 1])
        key_frame[f"hasContextImage{index}"] = present
    if rules.comfy:
        key_frame["comfySampler"] = sampler
        key_frame["comfyScheduler"] = scheduler
        if rules.vae:
            key_frame["vae"] = _vae(p, options)
    else:
        key_frame["scheduler"] = sampler
        key_frame["timeStepSpacing"] = scheduler
    if p.truthy("startingImage"):
        key_frame["hasStartingImage"] = True
        key_frame["strengthIsEnabled"] = True
        # A strength of 0 (or none) means the default 0.5, as on the network's other clients.
        key_frame["strength"] = 1 - (p.get("startingImageStrength") or 0.5)
    if sam3 is not _UNSET:
        key_frame["sam3Prompt"] = sam3
    if rules.apply_mask:
        key_frame["applyMask"] = p.get("applyMask") is True
    for view, slot in ORBIT_VIEW_SLOTS.items():
        if p.truthy(view):
            key_frame[f"hasContextImage{slot}"] = True
    for name in ("templateVariant", *MESH_OPTIONS):
        if p.given(name):
            key_frame[name] = p.get(name)
    if p.truthy("controlNet"):
        key_frame["currentControlNetsJob"] = _image_control_net(p.get("controlNet"))
    key_frame["sizePreset"] = size_preset
    if width is not _UNSET:
        key_frame["width"] = width
        key_frame["height"] = height
    for name in (
        "gptImageMaskUrl",
        "gptImageQuality",
        "gptImageBackground",
        "gptImageOutputCompression",
    ):
        if p.given(name):
            key_frame[name] = p.get(name)


# -- video --------------------------------------------------------------------------------


def _url_list(p: _Params, wire: str) -> list[str]:
    value = p.get(wire)
    if value is None:
        return []
    field = _snake(wire)
    items = sequence(value, field)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(f"{field} must contain only non-empty URL strings", field=field)
    return list(items)


def _reference_counts(p: _Params) -> tuple[int, int, int]:
    """``(images, videos, audio)`` reference assets of a project, files and URLs alike."""
    images = (
        p.truthy("referenceImage")
        + p.truthy("referenceImageEnd")
        + len(_url_list(p, "referenceImageUrls"))
    )
    videos = p.truthy("referenceVideo") + len(_url_list(p, "referenceVideoUrls"))
    audio = (p.truthy("referenceAudio") or p.truthy("referenceAudioIdentity")) + len(
        _url_list(p, "referenceAudioUrls")
    )
    return images, videos, audio


def _check_reference_limits(
    p: _Params, model_id: str, limits: Mapping[str, Any], counts: tuple[int, int, int]
) -> None:
    images, videos, audio = counts
    for count, key, what, field in (
        (images, "images", "image", "reference_image_urls"),
        (videos, "videos", "video", "reference_video_urls"),
        (audio, "audio", "audio", "reference_audio_urls"),
        (images + videos + audio, "total", "total", "reference_image_urls"),
    ):
        limit = limits.get(key)
        if limit is not None and count > limit:
            raise ValidationError(
                f"Model {model_id} accepts at most {limit} {what} reference assets, got {count}",
                field=field,
                allowed=f"at most {limit}",
            )


def _asset_list(p: _Params, wire: str) -> Sequence[Any]:
    """A list of assets, without holes (a hole would renumber every later reference)."""
    if not p.given(wire):
        return ()
    items = sequence(p.get(wire), _snake(wire))
    for index, item in enumerate(items):
        if not _truthy(item):
            raise ValidationError(
                f"{_snake(wire)}[{index}] is empty; references are numbered by position",
                field=_snake(wire),
            )
    return items


def _reference_set_counts(p: _Params) -> tuple[int, int, int]:
    """``(images, videos, audio)`` of a MiniMax H3 r2v reference set."""
    return (
        p.truthy("referenceImage") + len(_asset_list(p, "contextImages")),
        p.truthy("referenceVideo") + len(_asset_list(p, "referenceVideos")),
        p.truthy("referenceAudio") + len(_asset_list(p, "referenceAudios")),
    )


def _check_reference_set(p: _Params, model_id: str, limits: Mapping[str, Any]) -> None:
    counts = _reference_set_counts(p)
    _check_reference_limits(p, model_id, limits, counts)
    images, videos, _ = counts
    if not images + videos:
        raise ValidationError(
            f"Model {model_id} needs at least one reference image or video",
            field="reference_image",
        )
    if not p.given("referenceVideoDurations"):
        return
    durations = sequence(p.get("referenceVideoDurations"), "reference_video_durations")
    if len(durations) != videos:
        raise ValidationError(
            f"reference_video_durations needs one entry per reference video ({videos})",
            field="reference_video_durations",
        )
    for seconds in durations:
        number(
            seconds,
            "reference_video_durations",
            minimum=1.95,
            maximum=15.05,
            what="each reference video's duration (seconds)",
        )
    if sum(durations) > 15.05:
        raise ValidationError(
            f"reference videos may last 15 seconds together, got {sum(durations):g}",
            field="reference_video_durations",
            allowed="at most 15 seconds in all",
        )


def _check_references(p: _Params, model_id: str, rules: Rules) -> None:
    """Reference URL lists and asset counts, by the family's reference policy."""
    limits = rules.references or {"policy": "none"}
    policy = limits.get("policy", "none")
    urls = ("referenceImageUrls", "referenceVideoUrls", "referenceAudioUrls")
    reference_set = is_reference_set(model_id, rules)
    for wire in ("contextImages", "referenceVideos", "referenceAudios", "referenceVideoDurations"):
        _only_for(p, wire, reference_set, "MiniMax H3 reference-to-video (r2v) models")
    if reference_set:
        _check_reference_set(p, model_id, limits)
    if policy in ("none", "minimax_h3"):
        for wire in (*urls, "referenceFileUrl", "referenceLinkUrl"):
            if p.given(wire):
                raise ValidationError(
                    f"{_snake(wire)} is supported only by models that take reference URLs"
                    " (Seedance, HappyHorse, Wan 3)",
                    field=_snake(wire),
                )
        return
    counts = _reference_counts(p)
    _check_reference_limits(p, model_id, limits, counts)
    images, videos, audio = counts
    if policy == "seedance":
        _check_seedance_task(p, model_id, rules, counts)
        if audio and not images and not videos and not limits.get("audio_alone"):
            raise ValidationError(
                "Seedance audio references need at least one image or video reference",
                field="reference_audio",
            )
    elif policy == "happyhorse":
        if p.truthy("referenceImageEnd"):
            raise ValidationError(
                "HappyHorse takes no separate end frame (reference_image_end)",
                field="reference_image_end",
            )
        workflow = rules.workflow_of(model_id)
        wanted = {"i2v": (1, 1), "r2v": (1, 9)}.get(workflow or "", (0, 0))
        if not wanted[0] <= images <= wanted[1]:
            raise ValidationError(
                f"HappyHorse {workflow} takes {wanted[0]}–{wanted[1]} reference images,"
                f" got {images}",
                field="reference_image",
                allowed=f"{wanted[0]}–{wanted[1]}",
            )
    elif policy == "wan3":
        anchors = p.truthy("referenceImage") or p.truthy("referenceImageEnd")
        loose = (
            (images - p.truthy("referenceImage") - p.truthy("referenceImageEnd") + videos + audio)
            > 0
            or p.truthy("referenceFileUrl")
            or p.truthy("referenceLinkUrl")
        )
        if anchors and loose:
            raise ValidationError(
                "Wan 3 first/last-frame anchors cannot be combined with loose media, file or"
                " link references",
                field="reference_image",
            )
        if p.truthy("referenceFileUrl") and p.truthy("referenceLinkUrl"):
            raise ValidationError(
                "Wan 3 takes one reference file or one reference link, not both",
                field="reference_link_url",
            )


def is_reference_set(model_id: str, rules: Rules) -> bool:
    """True for MiniMax H3 r2v: numbered reference slots instead of single assets."""
    policy = (rules.references or {}).get("policy")
    return policy == "minimax_h3" and rules.workflow_of(model_id) == "r2v"


def _numbered(p: _Params, wire: str) -> list[Any]:
    """``referenceAudio`` then ``referenceAudios`` (or the video pair): slots 1, 2, ..."""
    first = [p.get(wire)] if p.truthy(wire) else []
    return first + list(_asset_list(p, wire + "s"))


def _check_seedance_task(
    p: _Params, model_id: str, rules: Rules, counts: tuple[int, int, int]
) -> None:
    _only_for(p, "seedanceTaskType", rules.seedance_task_type, "Seedance 2.5")
    _only_for(p, "returnLastFrame", rules.seedance_task_type, "Seedance 2.5")
    if not rules.seedance_task_type:
        return
    task = p.get("seedanceTaskType")
    anchors = p.truthy("referenceImage") or p.truthy("referenceImageEnd")
    images, videos, audio = counts
    loose = images - p.truthy("referenceImage") - p.truthy("referenceImageEnd") + videos + audio
    if task is None and loose:
        raise ValidationError(
            f"{model_id} loose-reference requests need seedance_task_type",
            field="seedance_task_type",
            allowed=["reference", "edit", "extend"],
        )
    if task is not None and anchors:
        raise ValidationError(
            "seedance_task_type is for loose-reference, edit or extend requests; leave it out"
            " for first/last-frame generation",
            field="seedance_task_type",
        )
    if task in ("edit", "extend") and not videos:
        raise ValidationError(
            f"Seedance 2.5 {task} needs a reference video", field="reference_video"
        )
    if task == "reference" and not loose:
        raise ValidationError(
            "Seedance 2.5 reference needs at least one loose image, video or audio reference",
            field="reference_image_urls",
        )


def _check_workflow_assets(p: _Params, model_id: str, rules: Rules) -> None:
    _check_references(p, model_id, rules)
    workflow = rules.workflow_of(model_id)
    if workflow is None:
        return
    if workflow == "i2v" and not (p.truthy("referenceImage") or p.truthy("referenceImageEnd")):
        raise ValidationError(
            "i2v workflow requires at least one of reference_image or reference_image_end",
            field="reference_image",
        )
    for name, requirement in workflow_assets(rules, workflow).items():
        present = p.truthy(VIDEO_ASSET_PARAMS[name])
        if requirement == "required" and not present:
            raise ValidationError(f"{workflow} workflow requires {name}", field=name)
        if requirement == "forbidden" and present:
            raise ValidationError(f"{workflow} workflow does not support {name}", field=name)


def _sam2_coordinates(value: Any, model_id: str, rules: Rules) -> str:
    if rules.workflow_of(model_id) != "animate-replace":
        raise ValidationError(
            "sam2_coordinates is only supported by animate-replace models",
            field="sam2_coordinates",
        )
    points = []
    for point in sequence(value, "sam2_coordinates"):
        if isinstance(point, Mapping):
            x, y = point.get("x"), point.get("y")
        elif isinstance(point, Sequence) and not isinstance(point, str) and len(point) == 2:
            x, y = point
        else:
            raise ValidationError(
                f"each sam2 coordinate must be {{'x': ..., 'y': ...}} or (x, y), got {point!r}",
                field="sam2_coordinates",
            )
        points.append(
            {
                "x": number(x, "sam2_coordinates", minimum=0, what="sam2 x"),
                "y": number(y, "sam2_coordinates", minimum=0, what="sam2 y"),
            }
        )
    return json.dumps(_finish(points), separators=(",", ":"), ensure_ascii=False)


def _video_control_net(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise ValidationError("control_net must be a mapping with a name", field="control_net")
    name = raw.get("name")
    choice(name, "control_net.name", VIDEO_CONTROLNET_NAMES, "video ControlNet name")
    cn: dict[str, Any] = {"name": name}
    if raw.get("strength") is not None:
        cn["controlStrength"] = number(
            raw["strength"], "control_net.strength", minimum=0, maximum=1
        )
    return [cn]


def _check_fps(p: _Params, model_id: str, rules: Rules) -> None:
    number(p.get("fps"), "fps", minimum=1, maximum=60)
    fps_rule = rules.fps or {}
    allowed = [fps_rule["fixed"]] if "fixed" in fps_rule else fps_rule.get("allowed")
    if allowed and p.get("fps") not in allowed:
        raise ValidationError(
            f"Model {model_id} renders at {' or '.join(map(str, allowed))} fps, got {p.get('fps')}",
            field="fps",
            allowed=list(allowed),
        )


def _check_video_size(p: _Params, model_id: str, rules: Rules) -> None:
    width, height = p.get("width"), p.get("height")
    if (width is None) != (height is None):
        missing = "height" if height is None else "width"
        raise ValidationError(
            f"width and height must be given together ({missing} is missing)", field=missing
        )
    if width is None:
        return
    grid = rules.size_grid
    if grid is None:
        for axis, value in (("width", width), ("height", height)):
            number(value, axis, minimum=MIN_VIDEO_SIZE, integer=True, what=f"video {axis}")
        return
    step, top, pixels = grid["step"], grid["max"], grid["max_pixels"]
    for axis, value in (("width", width), ("height", height)):
        number(value, axis, minimum=step, maximum=top, integer=True, what=f"video {axis}")
        if value % step:
            raise ValidationError(
                f"Model {model_id} takes {axis} in steps of {step}px, got {value}",
                field=axis,
                allowed=f"a multiple of {step} up to {top}",
            )
    if width * height > pixels:
        raise ValidationError(
            f"Model {model_id} renders at most {pixels:,} pixels, got {width}x{height}",
            field="width",
            allowed=f"width*height <= {pixels}",
        )


def _check_upscale(p: _Params, model_id: str) -> None:
    if not p.truthy("referenceVideo"):
        raise ValidationError(
            f"Model {model_id} upscales a video; give reference_video", field="reference_video"
        )
    if not p.given("upscaleResolution") and not p.given("width"):
        raise ValidationError(
            f"Model {model_id} needs upscale_resolution (1080 or 1440)",
            field="upscale_resolution",
            allowed=[1080, 1440],
        )
    for wire in ("positivePrompt", "negativePrompt"):
        if str(p.get(wire) or "").strip():
            raise ValidationError(f"Model {model_id} is promptless", field=_snake(wire))
    for wire in ("teacacheThreshold", "trimEndFrame", "controlNet", "videoStart"):
        if p.truthy(wire):
            raise ValidationError(
                "video upscaling keeps the whole source video and its audio;"
                f" {_snake(wire)} is not supported",
                field=_snake(wire),
            )
    if p.get("generateAudio") is False:
        raise ValidationError("video upscaling keeps the source's audio", field="generate_audio")
    if (p.get("numberOfMedia") or 1) != 1:
        raise ValidationError(
            "upscale one source video per project", field="number_of_media", allowed=[1]
        )


def _apply_video(
    key_frame: dict[str, Any], p: _Params, options: ModelOptions, model_id: str, rules: Rules
) -> None:
    _check_workflow_assets(p, model_id, rules)
    if rules.upscale:
        _check_upscale(p, model_id)
    for wire in ("upscaleResolution", "detailPreference", "processingSpeed"):
        _only_for(p, wire, rules.upscale, "video upscalers (FlashVSR)")
    wan3 = (rules.references or {}).get("policy") == "wan3"
    for wire in ("promptExtend", "watermark", "ratio", "referenceFileUrl", "referenceLinkUrl"):
        _only_for(p, wire, wan3, "Wan 3 models")
    for name, low, high in (
        ("teacacheThreshold", 0, 1),
        ("firstFrameStrength", 0, 1),
        ("lastFrameStrength", 0, 1),
        ("detailerStrength", 0, 1),
        ("audioIdentityStrength", 0, 10),
    ):
        if p.given(name):
            number(p.get(name), _snake(name), minimum=low, maximum=high)
    for name in ("audioStart", "audioDuration", "videoStart"):
        if p.given(name):
            number(p.get(name), _snake(name), minimum=0)
    if p.given("fps"):
        _check_fps(p, model_id, rules)
    if p.given("frames"):
        number(p.get("frames"), "frames", minimum=1, integer=True)
    if rules.guidance_fixed is not None and p.given("guidance"):
        if p.get("guidance") != rules.guidance_fixed:
            raise ValidationError(
                f"Model {model_id} takes guidance {rules.guidance_fixed} only",
                field="guidance",
                allowed=[rules.guidance_fixed],
            )
    if p.given("shift"):
        _in_range(p.get("shift"), "shift", options.shift, model_id)
    if p.given("generateAudio") and not isinstance(p.get("generateAudio"), bool):
        raise ValidationError("generate_audio must be True or False", field="generate_audio")
    fps_default = rules.fps_default
    frames: Any = _UNSET
    if p.given("duration") and not (rules.upscale and p.given("frames")):
        shortest, longest = rules.duration or (1.0, None)
        duration = number(
            p.get("duration"),
            "duration",
            minimum=shortest,
            maximum=longest,
            what=f"duration (seconds) for model {model_id}",
        )
        fps = p.get("fps") if p.given("fps") else (fps_default or 24)
        frames = calculate_video_frames(model_id, duration, fps, media="video")
    _check_video_size(p, model_id, rules)
    sam2 = _UNSET
    if p.given("sam2Coordinates"):
        sam2 = _sam2_coordinates(p.get("sam2Coordinates"), model_id, rules)
    control_net = _video_control_net(p.get("controlNet")) if p.truthy("controlNet") else _UNSET
    sampler = validate_sampler(p.get("sampler"), options)
    scheduler = validate_scheduler(p.get("scheduler"), options)

    image_urls = [u for u in _url_list(p, "referenceImageUrls") if u.strip()]
    audio_urls = [u for u in _url_list(p, "referenceAudioUrls") if u.strip()]
    video_urls = [u for u in _url_list(p, "referenceVideoUrls") if u.strip()]
    numbered = is_reference_set(model_id, rules)
    if p.truthy("referenceImage"):
        key_frame["hasReferenceImage"] = True
    offset = 1 if p.truthy("referenceImage") else 0
    for index, _ in enumerate(_asset_list(p, "contextImages")):
        key_frame[f"hasContextImage{offset + index + 1}"] = True
    if image_urls:
        key_frame["referenceImageURLs"] = image_urls
    if p.truthy("referenceImageEnd"):
        key_frame["hasReferenceImageEnd"] = True
    if numbered:
        for slot, _ in enumerate(_numbered(p, "referenceAudio"), start=1):
            key_frame[f"hasReferenceAudio{slot}"] = True
    elif p.truthy("referenceAudio"):
        key_frame["hasReferenceAudio"] = True
    if audio_urls:
        key_frame["referenceAudioURLs"] = audio_urls
    if numbered:
        durations = p.get("referenceVideoDurations") or ()
        for slot, _ in enumerate(_numbered(p, "referenceVideo"), start=1):
            key_frame[f"hasReferenceVideo{slot}"] = True
            if slot <= len(durations):
                key_frame[f"referenceVideo{slot}DurationSeconds"] = durations[slot - 1]
    elif p.truthy("referenceVideo"):
        key_frame["hasReferenceVideo"] = True
    if video_urls:
        key_frame["referenceVideoURLs"] = video_urls
    if p.truthy("referenceAudioIdentity"):
        key_frame["hasReferenceAudioIdentity"] = True
    if p.given("generateAudio"):
        key_frame["generateAudio"] = p.get("generateAudio")
    for wire, key in (
        ("referenceFileUrl", "referenceFileURL"),
        ("referenceLinkUrl", "referenceLinkURL"),
    ):
        if p.given(wire):
            key_frame[key] = p.get(wire)
    for name in ("promptExtend", "watermark", "ratio", "returnLastFrame", "seedanceTaskType"):
        if p.given(name):
            key_frame[name] = p.get(name)
    if p.given("audioIdentityStrength"):
        key_frame["identityGuidanceScale"] = p.get("audioIdentityStrength")
    if p.given("fps"):
        key_frame["fps"] = p.get("fps")
    elif fps_default is not None:
        key_frame["fps"] = fps_default
    if p.given("frames"):
        key_frame["frames"] = p.get("frames")
    if frames is not _UNSET:
        key_frame["frames"] = frames  # duration wins over a raw frame count
    for name in ("shift", "teacacheThreshold", "audioStart", "audioDuration", "videoStart"):
        if p.given(name):
            key_frame[name] = p.get(name)
    if sam2 is not _UNSET:
        key_frame["sam2Coordinates"] = sam2
    if p.truthy("trimEndFrame"):
        key_frame["trimEndFrame"] = True
    for name in ("firstFrameStrength", "lastFrameStrength"):
        if p.given(name):
            key_frame[name] = p.get(name)
    if control_net is not _UNSET:
        key_frame["currentControlNetsJob"] = control_net
    if p.given("detailerStrength"):
        key_frame["detailerStrength"] = p.get("detailerStrength")
    if p.get("width") is not None:
        key_frame["width"] = p.get("width")
        key_frame["height"] = p.get("height")
    if p.given("outpaintPosition"):
        key_frame["outpaintPosition"] = p.get("outpaintPosition")
    key_frame["comfySampler"] = sampler
    key_frame["comfyScheduler"] = scheduler
    if rules.upscale:
        key_frame["upscaleResolution"] = p.get("upscaleResolution") or min(
            p.get("width"), p.get("height")
        )
        key_frame["steps"] = 1
        key_frame["seed"] = p.get("seed") if p.given("seed") else 0
        key_frame["detailPreference"] = p.get("detailPreference") or "stable"
        key_frame["processingSpeed"] = p.get("processingSpeed") or "stable"
        key_frame["generateAudio"] = True
        key_frame["interpolation"] = "none"


# -- audio --------------------------------------------------------------------------------


def _apply_audio(
    key_frame: dict[str, Any], p: _Params, options: ModelOptions, model_id: str, rules: Rules
) -> None:
    values: dict[str, Any] = {}
    # The documented ranges, not the tier's: a tier may advertise narrower defaults.
    for name, low, high, integer in _AUDIO_RANGES:
        if p.given(name):
            values[name] = number(
                p.get(name), _snake(name), minimum=low, maximum=high, integer=integer
            )
    if p.given("timesignature"):
        signature = p.get("timesignature")
        if isinstance(signature, int) and not isinstance(signature, bool):
            signature = str(signature)  # the network takes it as a string
        string(signature, "timesignature")
        choice(signature, "timesignature", TIME_SIGNATURES)
        values["timesignature"] = signature
    for name in ("language", "keyscale", "speaker", "instruct", "referenceText"):
        if p.given(name):
            string(p.get(name), _snake(name))
    if p.given("lyrics"):
        string(p.get("lyrics"), "lyrics")
    if p.given("composerMode") and not isinstance(p.get("composerMode"), bool):
        raise ValidationError("composer_mode must be True or False", field="composer_mode")
    if options.raw_tier.get("requiresReferenceAudio") and not p.truthy("referenceAudio"):
        raise ValidationError(
            f"Model {model_id} clones a voice; give reference_audio (a voice sample)",
            field="reference_audio",
        )
    sampler = validate_sampler(p.get("sampler"), options)
    scheduler = validate_scheduler(p.get("scheduler"), options)

    for name in (
        "duration",
        "bpm",
        "timesignature",
        "language",
        "lyrics",
        "keyscale",
        "composerMode",
        "promptStrength",
        "creativity",
        "shift",
        # Speech controls pass through: the network refuses them for models without them.
        "speaker",
        "instruct",
        "referenceText",
    ):
        if p.given(name):
            key_frame[name] = values.get(name, p.get(name))
    if p.truthy("referenceAudio"):
        key_frame["hasReferenceAudio"] = True
    key_frame["comfySampler"] = sampler
    key_frame["comfyScheduler"] = scheduler


_APPLY = {"image": _apply_image, "video": _apply_video, "audio": _apply_audio}


def _extra_params(p: _Params, key_frame: dict[str, Any], known: Mapping[str, str]) -> None:
    """Merge ``extra_params`` into the key frame, refusing what the SDK already sets."""
    extra = p.get("extraParams")
    if extra is None:
        return
    if not isinstance(extra, Mapping):
        raise ValidationError(
            "extra_params must be a mapping of field names to JSON values", field="extra_params"
        )
    for key, value in extra.items():
        if not isinstance(key, str) or not key:
            raise ValidationError(
                f"extra_params keys must be field names, got {key!r}", field="extra_params"
            )
        keyword = known.get(key) or known.get(_snake(key))
        if keyword is not None:
            raise ValidationError(
                f"extra_params[{key!r}] is a field the SDK sets; use the {keyword} keyword",
                field="extra_params",
            )
        if key in key_frame and key_frame[key] is not _UNSET:
            raise ValidationError(
                f"extra_params[{key!r}] is a field the SDK sets from other parameters",
                field="extra_params",
            )
        check_json_safe(value, f"extra_params.{key}")
        key_frame[key] = value


def build_job_request(
    params: Mapping[str, Any],
    options: ModelOptions,
    *,
    project_id: str,
    app_source: str | None = None,
    keywords: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The ``jobRequest`` message for a project, ready to be JSON-encoded and sent.

    ``params`` uses the network's camelCase parameter names (``modelId``,
    ``positivePrompt``, ``numberOfMedia``, ``referenceImage`` ...); ``None`` values count
    as not given. Assets are presence markers (see the module docs). ``options`` are the
    model's options from :func:`~sogni.core.model_options.model_options_for`; the rules
    of the model's family come from :func:`~sogni.core.families.rules_for`, so a model
    the SDK does not know yet gets the generic rules of what the catalogue says it makes.
    ``app_source`` is used when ``params`` has no ``appSource``. ``keywords`` maps the
    wire name of every parameter the SDK has a keyword for to that keyword, so that
    ``extraParams`` can refuse them.

    Every parameter is checked first; a bad one raises :class:`~sogni.errors.ValidationError`
    naming it (snake_case) and, where it is a closed set or a range, what is allowed. A
    message that would not be strict JSON (NaN, lone surrogates, ...) is refused too, naming
    its path in the message (``keyFrames[0].positivePrompt``).
    """
    p = _Params(params)
    model_id = _model_id(p, options)
    kind = _project_type(p, options, model_id)
    rules = rules_for(model_id, options.media)
    _check_common(p, options, model_id, kind, rules)

    negative = p.get("negativePrompt")
    style = p.get("stylePrompt")
    loras = p.get("loras")
    strengths = p.get("loraStrengths")
    key_frame = _template_key_frame()
    key_frame["steps"] = p.get("steps") if p.given("steps") else _UNSET
    key_frame["guidanceScale"] = p.get("guidance") if p.given("guidance") else _UNSET
    key_frame["modelID"] = model_id
    key_frame["seed"] = p.get("seed") if p.given("seed") else _UNSET
    key_frame["positivePrompt"] = p.get("positivePrompt") if p.given("positivePrompt") else _UNSET
    takes_negative = kind == "image" or (kind == "video" and rules.negative_prompt)
    if negative and takes_negative:
        key_frame["negativePrompt"] = negative
    if style:
        key_frame["stylePrompt"] = style
    if loras:
        key_frame["loras"] = list(loras)
    if strengths:
        key_frame["loraStrengths"] = list(strengths)
    if not takes_negative:
        del key_frame["negativePrompt"]  # these models reject the field

    _APPLY[kind](key_frame, p, options, model_id, rules)
    _extra_params(p, key_frame, keywords or {})

    single = rules.single_output
    message = _template()
    message["keyFrames"] = [key_frame]
    previews = (p.get("numberOfPreviews") or 0) if kind == "image" else 0
    message["previews"] = previews if rules.previews and not single else 0
    message["numberOfImages"] = 1 if single else (p.get("numberOfMedia") or 1)
    message["jobID"] = project_id
    message["disableSafety"] = p.truthy("disableNSFWFilter")
    message["tokenType"] = p.get("tokenType") if p.given("tokenType") else _UNSET
    message["billingMode"] = p.get("billingMode") if p.given("billingMode") else _UNSET
    message["outputFormat"] = (
        rules.output_format or p.get("outputFormat") or OUTPUT_FORMATS[kind][0]
    )
    if p.truthy("network"):
        message["network"] = p.get("network")
    source = p.get("appSource") or app_source
    if source:
        message["appSource"] = source
    finished: dict[str, Any] = _finish(message)
    # The last check before uploads and the send: the message must be strict JSON.
    check_json_safe(finished, "")
    return finished


# -- uploads ------------------------------------------------------------------------------


def upload_slots(params: Mapping[str, Any]) -> list[UploadSlot]:
    """The assets of ``params`` that still need uploading, in upload order.

    Values that are ``True`` are already on the network and get no slot. Image projects:
    starting image, ControlNet image, context images, then Pixal3D orbit views (in their
    context-image slots). Video projects: reference image, end image, audio, audio
    identity (uploaded as ``referenceAudio``), video. Audio projects: a voice sample.
    """
    p = _Params(params)
    kind = p.get("type")
    slots: list[UploadSlot] = []
    if kind == "image":
        if _is_marker_uploaded(p.get("startingImage")):
            slots.append(
                UploadSlot(
                    "startingImage",
                    "starting_image",
                    "image",
                    "startingImage",
                    p.get("startingImage"),
                )
            )
        control_net = p.get("controlNet")
        if isinstance(control_net, Mapping) and _is_marker_uploaded(control_net.get("image")):
            slots.append(
                UploadSlot(
                    "controlNet", "control_net.image", "image", "cnImage", control_net.get("image")
                )
            )
        for index, image in enumerate(p.get("contextImages") or ()):
            if _is_marker_uploaded(image):
                slots.append(
                    UploadSlot(
                        "contextImages",
                        f"context_images[{index}]",
                        "image",
                        f"contextImage{index + 1}",
                        image,
                        index,
                    )
                )
        for view, slot in ORBIT_VIEW_SLOTS.items():
            if _is_marker_uploaded(p.get(view)):
                slots.append(
                    UploadSlot(view, _snake(view), "image", f"contextImage{slot}", p.get(view))
                )
    elif kind == "audio":
        if _is_marker_uploaded(p.get("referenceAudio")):
            slots.append(
                UploadSlot(
                    "referenceAudio",
                    "reference_audio",
                    "media",
                    "referenceAudio",
                    p.get("referenceAudio"),
                )
            )
    elif kind == "video":
        model_id = p.get("modelId")
        numbered = isinstance(model_id, str) and is_reference_set(
            model_id, rules_for(model_id, "video")
        )
        for name, wire in VIDEO_ASSET_PARAMS.items():
            value = p.get(wire)
            if not _is_marker_uploaded(value) or (numbered and wire in _NUMBERED):
                continue
            if wire.startswith("referenceImage"):
                slots.append(UploadSlot(wire, name, "image", wire, value))
            else:
                upload_type = "referenceAudio" if wire == "referenceAudioIdentity" else wire
                slots.append(UploadSlot(wire, name, "media", upload_type, value))
        offset = 1 if p.truthy("referenceImage") else 0
        for index, image in enumerate(p.get("contextImages") or ()):
            if _is_marker_uploaded(image):
                slots.append(
                    UploadSlot(
                        "contextImages",
                        f"context_images[{index}]",
                        "image",
                        f"contextImage{offset + index + 1}",
                        image,
                        index,
                    )
                )
        if numbered:
            for wire in _NUMBERED:
                for slot, value in enumerate(_numbered(p, wire), start=1):
                    if _is_marker_uploaded(value):
                        field = (
                            _snake(wire)
                            if slot == 1 and p.truthy(wire)
                            else (f"{_snake(wire)}s[{slot - 1 - p.truthy(wire)}]")
                        )
                        slots.append(
                            UploadSlot(wire, field, "media", wire, value, id=f"{wire}{slot}")
                        )
    return slots


#: Single assets that MiniMax H3 r2v numbers with their lists (``referenceAudio1`` ...).
_NUMBERED = ("referenceAudio", "referenceVideo")


def add_content_types(job_request: dict[str, Any], content_types: Mapping[str, str | None]) -> None:
    """Record the types of uploaded video and audio reference assets in ``keyFrames[0]``.

    ``content_types`` maps the camelCase parameter (``"referenceImage"``, ...) of each
    asset that was uploaded from a file to its sniffed type (``None`` when unknown); the
    numbered slots of MiniMax H3 r2v are keyed by upload type (``"referenceVideo2"``).
    Assets passed as ``True`` must not be listed. When only ``referenceAudioIdentity`` was
    uploaded, its type is also recorded as the ``referenceAudio`` type. Audio projects
    record their voice sample the same way. Changes ``job_request`` in place.
    """
    key_frames = job_request.get("keyFrames")
    if not key_frames:
        return
    key_frame: dict[str, Any] = key_frames[0]
    added: list[str] = []

    def put(key: str, value: str | None) -> None:
        key_frame[key] = _UNSET if value is None else value
        added.append(key)

    for wire in ("referenceImage", "referenceImageEnd", "referenceAudio"):
        if wire in content_types:
            put(f"{wire}ContentType", content_types[wire])
    if "referenceAudioIdentity" in content_types:
        identity = content_types["referenceAudioIdentity"]
        put("referenceAudioIdentityContentType", identity)
        if key_frame.get("referenceAudioContentType", _UNSET) is _UNSET:
            put("referenceAudioContentType", identity)
    if "referenceVideo" in content_types:
        put("referenceVideoContentType", content_types["referenceVideo"])
    for wire in _NUMBERED:
        for key in sorted(
            (k for k in content_types if re.fullmatch(rf"{wire}\d+", k)),
            key=lambda k: int(k[len(wire) :]),
        ):
            put(f"{key}ContentType", content_types[key])
    for key in added:
        if key_frame.get(key) is _UNSET:
            del key_frame[key]
