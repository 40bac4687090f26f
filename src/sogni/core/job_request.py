"""The ``jobRequest`` socket message that starts an image, video or audio project.

:func:`build_job_request` turns project parameters (the network's camelCase names) and the
model's :class:`~sogni.core.model_options.ModelOptions` into the message, after checking
every parameter, so a request that cannot succeed fails here, before anything is uploaded
or paid for. The message carries a fixed template of keys older workers still read; its key
order is the one the network's other clients produce.

Assets (starting image, context images, reference media) are passed as presence markers:
any truthy value means "there is one". ``True`` means the asset is already uploaded; any
other value is a file the caller still has to upload, described by :func:`upload_slots`.
After uploading video assets, :func:`add_video_content_types` records their types.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from sogni.core.json_safe import check_json_safe
from sogni.core.model_options import (
    ModelOptions,
    NumericRange,
    validate_sampler,
    validate_scheduler,
)
from sogni.core.video import (
    MIN_CUSTOM_SIZE,
    MIN_VIDEO_SIZE,
    VIDEO_ASSET_PARAMS,
    VIDEO_WORKFLOW_ASSETS,
    calculate_video_frames,
    is_comfy_model,
    is_seedance_model,
    is_video_model,
    is_wan_model,
    max_context_images,
    max_custom_size,
    video_duration_limits,
    video_workflow,
)
from sogni.errors import ValidationError

__all__ = [
    "PROJECT_TYPES",
    "OUTPUT_FORMATS",
    "CONTROLNET_NAMES",
    "VIDEO_CONTROLNET_NAMES",
    "CONTROLNET_MODES",
    "GPT_IMAGE_QUALITIES",
    "GPT_IMAGE_BACKGROUNDS",
    "TOKEN_TYPES",
    "NETWORKS",
    "MAX_NUMBER_OF_MEDIA",
    "TIME_SIGNATURES",
    "SEEDANCE_FPS",
    "WAN_FPS",
    "UploadSlot",
    "build_job_request",
    "upload_slots",
    "add_video_content_types",
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
GPT_IMAGE_QUALITIES = ("low", "medium", "high", "auto", "standard", "hd")
GPT_IMAGE_BACKGROUNDS = ("opaque", "auto")
TOKEN_TYPES = ("sogni", "spark")
NETWORKS = ("fast", "relaxed")
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
#: Seedance's only frame rate; Wan 2.2's output rates (32 is interpolated from 16).
SEEDANCE_FPS = 24
WAN_FPS = (16, 32)
#: Models rendered by external APIs, which accept Spark only.
_SPARK_ONLY_PREFIXES = ("gpt-image-", "seedance-2-0")
_CONTEXT_IMAGE_SLOTS = 16

# Seedance reference limits (vendor side).
_SEEDANCE_MAX_IMAGES = 9
_SEEDANCE_MAX_VIDEOS = 3
_SEEDANCE_MAX_AUDIO = 3
_SEEDANCE_MAX_TOTAL = 12


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
    (``/v1/media/uploadUrl``); ``type`` is the ``type`` query value. ``value`` is the asset
    exactly as given.
    """

    param: str
    field: str
    endpoint: Literal["image", "media"]
    type: str
    value: Any = attrs.field(repr=False)
    index: int | None = None


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


def _spark_only(model_id: str) -> bool:
    return model_id.startswith(_SPARK_ONLY_PREFIXES)


def _is_marker_uploaded(value: Any) -> bool:
    """True for an asset that still needs uploading (present and not the ``True`` marker)."""
    return _truthy(value) and value is not True


def _fmt(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(
    value: Any,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    what: str | None = None,
) -> float:
    """``value`` checked to be a finite number within ``[minimum, maximum]``."""
    label = what or field
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{label} must be {kind}, got {value!r}", field=field)
    if not math.isfinite(value) or (integer and not float(value).is_integer()):
        raise ValidationError(f"{label} must be {kind}, got {value!r}", field=field)
    low = minimum is not None and value < minimum
    high = maximum is not None and value > maximum
    if low or high:
        if minimum is not None and maximum is not None:
            bounds = f"{_fmt(minimum)}–{_fmt(maximum)}"
            message = f"{label} must be between {_fmt(minimum)} and {_fmt(maximum)}"
        elif minimum is not None:
            bounds = f">= {_fmt(minimum)}"
            message = f"{label} must be at least {_fmt(minimum)}"
        else:
            assert maximum is not None
            bounds = f"<= {_fmt(maximum)}"
            message = f"{label} must be at most {_fmt(maximum)}"
        raise ValidationError(f"{message}, got {_fmt(value)}", field=field, allowed=bounds)
    return value


def _in_range(
    value: Any, field: str, bounds: NumericRange | None, model_id: str, *, integer: bool = False
) -> float:
    if bounds is None:
        return _number(value, field, integer=integer)
    return _number(
        value,
        field,
        minimum=bounds.min,
        maximum=bounds.max,
        integer=integer,
        what=f"{field} for model {model_id}",
    )


def _choice(value: Any, field: str, allowed: Sequence[Any], what: str | None = None) -> Any:
    if value not in allowed:
        raise ValidationError(
            f"{what or field} must be one of {', '.join(map(repr, allowed))}, got {value!r}",
            field=field,
            allowed=list(allowed),
        )
    return value


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, got {type(value).__name__}", field=field)
    return value


def _sequence(value: Any, field: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Sequence):
        raise ValidationError(f"{field} must be a list, got {type(value).__name__}", field=field)
    return value


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
    _choice(kind, "type", PROJECT_TYPES, "project type")
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


def _check_common(p: _Params, options: ModelOptions, model_id: str, kind: str) -> None:
    for name in ("positivePrompt", "negativePrompt", "stylePrompt", "appSource"):
        if p.given(name):
            _string(p.get(name), _snake(name))
    # Held to the model's tier: a value outside it cannot succeed and would spend tokens.
    if p.given("steps"):
        _in_range(p.get("steps"), "steps", options.steps, model_id, integer=True)
    if p.given("guidance"):
        _in_range(p.get("guidance"), "guidance", options.guidance, model_id)
    if p.given("seed"):
        _number(p.get("seed"), "seed", minimum=0, maximum=_UINT32_MAX, integer=True)
    if p.given("numberOfMedia"):
        _number(
            p.get("numberOfMedia"),
            "number_of_media",
            minimum=1,
            maximum=MAX_NUMBER_OF_MEDIA,
            integer=True,
        )
    if p.given("tokenType"):
        _choice(p.get("tokenType"), "token_type", TOKEN_TYPES)
        if p.get("tokenType") != "spark" and _spark_only(model_id):
            raise ValidationError(
                f"Model {model_id} runs on an external API and is paid in Spark only",
                field="token_type",
                allowed=["spark"],
            )
    if p.given("network"):
        _choice(p.get("network"), "network", NETWORKS)
    if p.given("outputFormat"):
        _choice(
            p.get("outputFormat"),
            "output_format",
            OUTPUT_FORMATS[kind],
            f"output_format of {kind} projects",
        )
    if p.given("loras"):
        for index, lora in enumerate(_sequence(p.get("loras"), "loras")):
            if not isinstance(lora, str) or not lora:
                raise ValidationError(
                    f"loras[{index}] must be a LoRA id (a non-empty string), got {lora!r}",
                    field="loras",
                )
    if p.given("loraStrengths"):
        for strength in _sequence(p.get("loraStrengths"), "lora_strengths"):
            _number(strength, "lora_strengths", minimum=0, maximum=2, what="each LoRA strength")
    # Assets of another project type would be ignored silently; say so instead.
    if kind != "image":
        for name in ("startingImage", "contextImages"):
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
            if p.truthy(wire):
                raise ValidationError(
                    f"{_snake(wire)} is only used by video projects", field=_snake(wire)
                )


# -- image --------------------------------------------------------------------------------


def _image_control_net(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise ValidationError("control_net must be a mapping with a name", field="control_net")
    name = raw.get("name")
    _choice(name, "control_net.name", CONTROLNET_NAMES, "ControlNet name")
    cn: dict[str, Any] = {
        "name": name,
        "cnImageState": "original",
        "hasImage": _truthy(raw.get("image")),
    }
    if raw.get("strength") is not None:
        cn["controlStrength"] = _number(
            raw["strength"], "control_net.strength", minimum=0, maximum=1
        )
    mode = raw.get("mode")
    if _truthy(mode):
        cn["controlMode"] = CONTROLNET_MODES[
            _choice(mode, "control_net.mode", list(CONTROLNET_MODES), "ControlNet mode")
        ]
    start = raw.get("guidanceStart")
    end = raw.get("guidanceEnd")
    if start is not None:
        cn["controlGuidanceStart"] = _number(
            start, "control_net.guidance_start", minimum=0, maximum=1
        )
    if end is not None:
        cn["controlGuidanceEnd"] = _number(end, "control_net.guidance_end", minimum=0, maximum=1)
    if start is not None and end is not None and start > end:
        raise ValidationError(
            f"control_net.guidance_start ({start}) must not be after guidance_end ({end})",
            field="control_net.guidance_start",
        )
    return [cn]


def _image_size(p: _Params, model_id: str) -> tuple[Any, Any, Any]:
    """``(sizePreset, width, height)`` to send; unset ones are ``_UNSET``."""
    preset = p.get("sizePreset")
    if preset is not None:
        _string(preset, "size_preset")
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
    top = max_custom_size(model_id)
    checked = [
        _number(
            value,
            axis,
            minimum=MIN_CUSTOM_SIZE,
            maximum=top,
            integer=True,
            what=f"{axis} for model {model_id}",
        )
        for axis, value in (("width", width), ("height", height))
    ]
    return "custom", checked[0], checked[1]


def _apply_image(
    key_frame: dict[str, Any], p: _Params, options: ModelOptions, model_id: str
) -> None:
    context_images: Sequence[Any] = ()
    if p.given("contextImages"):
        context_images = _sequence(p.get("contextImages"), "context_images")
        limit = max_context_images(model_id)
        if len(context_images) > limit:
            raise ValidationError(
                f"Model {model_id} accepts up to {limit} context images, got {len(context_images)}",
                field="context_images",
                allowed=f"at most {limit}",
            )
    if p.given("startingImageStrength"):
        _number(p.get("startingImageStrength"), "starting_image_strength", minimum=0, maximum=1)
    if p.given("numberOfPreviews"):
        _number(p.get("numberOfPreviews"), "number_of_previews", minimum=0, integer=True)
    if p.given("gptImageQuality"):
        _choice(p.get("gptImageQuality"), "gpt_image_quality", GPT_IMAGE_QUALITIES)
    if p.given("gptImageBackground"):
        _choice(p.get("gptImageBackground"), "gpt_image_background", GPT_IMAGE_BACKGROUNDS)
    size_preset, width, height = _image_size(p, model_id)
    sampler = validate_sampler(p.get("sampler"), options)
    scheduler = validate_scheduler(p.get("scheduler"), options)

    key_frame["sizePreset"] = _UNSET if p.get("sizePreset") is None else p.get("sizePreset")
    for index in range(1, _CONTEXT_IMAGE_SLOTS + 1):
        present = index <= len(context_images) and _truthy(context_images[index - 1])
        key_frame[f"hasContextImage{index}"] = present
    if is_comfy_model(model_id):
        key_frame["comfySampler"] = sampler
        key_frame["comfyScheduler"] = scheduler
    else:
        key_frame["scheduler"] = sampler
        key_frame["timeStepSpacing"] = scheduler
    if p.truthy("startingImage"):
        key_frame["hasStartingImage"] = True
        key_frame["strengthIsEnabled"] = True
        # A strength of 0 (or none) means the default 0.5, as on the network's other clients.
        key_frame["strength"] = 1 - (p.get("startingImageStrength") or 0.5)
    if p.truthy("controlNet"):
        key_frame["currentControlNetsJob"] = _image_control_net(p.get("controlNet"))
    key_frame["sizePreset"] = size_preset
    if width is not _UNSET:
        key_frame["width"] = width
        key_frame["height"] = height
    if p.given("gptImageQuality"):
        key_frame["gptImageQuality"] = p.get("gptImageQuality")
    if p.given("gptImageBackground"):
        key_frame["gptImageBackground"] = p.get("gptImageBackground")


# -- video --------------------------------------------------------------------------------


def _url_list(p: _Params, wire: str) -> list[str]:
    value = p.get(wire)
    if value is None:
        return []
    field = _snake(wire)
    items = _sequence(value, field)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(f"{field} must contain only non-empty URL strings", field=field)
    return list(items)


def _check_seedance_assets(p: _Params) -> None:
    image_urls = _url_list(p, "referenceImageUrls")
    video_urls = _url_list(p, "referenceVideoUrls")
    audio_urls = _url_list(p, "referenceAudioUrls")
    images = p.truthy("referenceImage") + p.truthy("referenceImageEnd") + len(image_urls)
    videos = p.truthy("referenceVideo") + len(video_urls)
    audio = (p.truthy("referenceAudio") or p.truthy("referenceAudioIdentity")) + len(audio_urls)
    for count, limit, what, field in (
        (images, _SEEDANCE_MAX_IMAGES, "image", "reference_image_urls"),
        (videos, _SEEDANCE_MAX_VIDEOS, "video", "reference_video_urls"),
        (audio, _SEEDANCE_MAX_AUDIO, "audio", "reference_audio_urls"),
        (images + videos + audio, _SEEDANCE_MAX_TOTAL, "total", "reference_image_urls"),
    ):
        if count > limit:
            raise ValidationError(
                f"Seedance accepts at most {limit} {what} reference assets, got {count}",
                field=field,
                allowed=f"at most {limit}",
            )
    if audio and not images and not videos:
        raise ValidationError(
            "Seedance audio references need at least one image or video reference",
            field="reference_audio",
        )


def _check_workflow_assets(p: _Params, model_id: str) -> None:
    if is_seedance_model(model_id):
        _check_seedance_assets(p)
        return
    for wire in ("referenceImageUrls", "referenceVideoUrls", "referenceAudioUrls"):
        if p.given(wire):
            raise ValidationError(
                f"{_snake(wire)} is supported only by Seedance models", field=_snake(wire)
            )
    workflow = video_workflow(model_id)
    if workflow is None:
        return
    if workflow == "i2v" and not (p.truthy("referenceImage") or p.truthy("referenceImageEnd")):
        raise ValidationError(
            "i2v workflow requires at least one of reference_image or reference_image_end",
            field="reference_image",
        )
    for name, requirement in VIDEO_WORKFLOW_ASSETS[workflow].items():
        present = p.truthy(VIDEO_ASSET_PARAMS[name])
        if requirement == "required" and not present:
            raise ValidationError(f"{workflow} workflow requires {name}", field=name)
        if requirement == "forbidden" and present:
            raise ValidationError(f"{workflow} workflow does not support {name}", field=name)


def _sam2_coordinates(value: Any, model_id: str) -> str:
    if video_workflow(model_id) != "animate-replace":
        raise ValidationError(
            "sam2_coordinates is only supported by animate-replace models",
            field="sam2_coordinates",
        )
    points = []
    for point in _sequence(value, "sam2_coordinates"):
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
                "x": _number(x, "sam2_coordinates", minimum=0, what="sam2 x"),
                "y": _number(y, "sam2_coordinates", minimum=0, what="sam2 y"),
            }
        )
    return json.dumps(_finish(points), separators=(",", ":"), ensure_ascii=False)


def _video_control_net(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise ValidationError("control_net must be a mapping with a name", field="control_net")
    name = raw.get("name")
    _choice(name, "control_net.name", VIDEO_CONTROLNET_NAMES, "video ControlNet name")
    cn: dict[str, Any] = {"name": name}
    if raw.get("strength") is not None:
        cn["controlStrength"] = _number(
            raw["strength"], "control_net.strength", minimum=0, maximum=1
        )
    return [cn]


def _apply_video(
    key_frame: dict[str, Any], p: _Params, options: ModelOptions, model_id: str
) -> None:
    if not is_video_model(model_id):
        raise ValidationError(
            f"Video generation is only supported for video models; {model_id} is not one",
            field="model_id",
        )
    _check_workflow_assets(p, model_id)
    for name, low, high in (
        ("teacacheThreshold", 0, 1),
        ("firstFrameStrength", 0, 1),
        ("lastFrameStrength", 0, 1),
        ("detailerStrength", 0, 1),
        ("audioIdentityStrength", 0, 10),
    ):
        if p.given(name):
            _number(p.get(name), _snake(name), minimum=low, maximum=high)
    for name in ("audioStart", "audioDuration", "videoStart"):
        if p.given(name):
            _number(p.get(name), _snake(name), minimum=0)
    if p.given("fps"):
        _number(p.get("fps"), "fps", minimum=1, maximum=60)
        if is_seedance_model(model_id) and p.get("fps") != SEEDANCE_FPS:
            raise ValidationError(
                f"Seedance renders at a fixed {SEEDANCE_FPS} fps, got {p.get('fps')}",
                field="fps",
                allowed=[SEEDANCE_FPS],
            )
        if is_wan_model(model_id) and p.get("fps") not in WAN_FPS:
            raise ValidationError(
                f"Wan 2.2 renders at 16 fps, optionally interpolated to 32; got {p.get('fps')}",
                field="fps",
                allowed=list(WAN_FPS),
            )
    if p.given("frames"):
        _number(p.get("frames"), "frames", minimum=1, integer=True)
    if p.given("shift"):
        _in_range(p.get("shift"), "shift", options.shift, model_id)
    if p.given("generateAudio") and not isinstance(p.get("generateAudio"), bool):
        raise ValidationError("generate_audio must be True or False", field="generate_audio")
    frames: Any = _UNSET
    if p.given("duration"):
        low, high = video_duration_limits(model_id)
        duration = _number(
            p.get("duration"),
            "duration",
            minimum=low,
            maximum=high,
            what=f"duration (seconds) for model {model_id}",
        )
        fps = p.get("fps") if p.given("fps") else 24
        frames = calculate_video_frames(model_id, duration, fps)
    width, height = p.get("width"), p.get("height")
    if (width is None) != (height is None):
        missing = "height" if height is None else "width"
        raise ValidationError(
            f"width and height must be given together ({missing} is missing)", field=missing
        )
    if width is not None:
        for axis, value in (("width", width), ("height", height)):
            _number(value, axis, minimum=MIN_VIDEO_SIZE, integer=True, what=f"video {axis}")
    sam2 = _UNSET
    if p.given("sam2Coordinates"):
        sam2 = _sam2_coordinates(p.get("sam2Coordinates"), model_id)
    control_net = _video_control_net(p.get("controlNet")) if p.truthy("controlNet") else _UNSET
    sampler = validate_sampler(p.get("sampler"), options)
    scheduler = validate_scheduler(p.get("scheduler"), options)

    image_urls = [u for u in _url_list(p, "referenceImageUrls") if u.strip()]
    audio_urls = [u for u in _url_list(p, "referenceAudioUrls") if u.strip()]
    video_urls = [u for u in _url_list(p, "referenceVideoUrls") if u.strip()]
    if p.truthy("referenceImage"):
        key_frame["hasReferenceImage"] = True
    if image_urls:
        key_frame["referenceImageURLs"] = image_urls
    if p.truthy("referenceImageEnd"):
        key_frame["hasReferenceImageEnd"] = True
    if p.truthy("referenceAudio"):
        key_frame["hasReferenceAudio"] = True
    if audio_urls:
        key_frame["referenceAudioURLs"] = audio_urls
    if p.truthy("referenceVideo"):
        key_frame["hasReferenceVideo"] = True
    if video_urls:
        key_frame["referenceVideoURLs"] = video_urls
    if p.truthy("referenceAudioIdentity"):
        key_frame["hasReferenceAudioIdentity"] = True
    if p.given("generateAudio"):
        key_frame["generateAudio"] = p.get("generateAudio")
    if p.given("audioIdentityStrength"):
        key_frame["identityGuidanceScale"] = p.get("audioIdentityStrength")
    if p.given("fps"):
        key_frame["fps"] = p.get("fps")
    elif is_seedance_model(model_id):
        key_frame["fps"] = 24
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
    if width is not None:
        key_frame["width"] = width
        key_frame["height"] = height
    key_frame["comfySampler"] = sampler
    key_frame["comfyScheduler"] = scheduler


# -- audio --------------------------------------------------------------------------------


def _apply_audio(
    key_frame: dict[str, Any], p: _Params, options: ModelOptions, model_id: str
) -> None:
    values: dict[str, Any] = {}
    # The documented ranges, not the tier's: a tier may advertise narrower defaults.
    for name, low, high, integer in _AUDIO_RANGES:
        if p.given(name):
            values[name] = _number(
                p.get(name), _snake(name), minimum=low, maximum=high, integer=integer
            )
    if p.given("timesignature"):
        signature = p.get("timesignature")
        if isinstance(signature, int) and not isinstance(signature, bool):
            signature = str(signature)  # the network takes it as a string
        _string(signature, "timesignature")
        _choice(signature, "timesignature", TIME_SIGNATURES)
        values["timesignature"] = signature
    for name in ("language", "keyscale"):
        if p.given(name):
            _string(p.get(name), name)
    if p.given("lyrics"):
        _string(p.get("lyrics"), "lyrics")
    if p.given("composerMode") and not isinstance(p.get("composerMode"), bool):
        raise ValidationError("composer_mode must be True or False", field="composer_mode")
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
    ):
        if p.given(name):
            key_frame[name] = values.get(name, p.get(name))
    key_frame["comfySampler"] = sampler
    key_frame["comfyScheduler"] = scheduler


_APPLY = {"image": _apply_image, "video": _apply_video, "audio": _apply_audio}


def build_job_request(
    params: Mapping[str, Any],
    options: ModelOptions,
    *,
    project_id: str,
    app_source: str | None = None,
) -> dict[str, Any]:
    """The ``jobRequest`` message for a project, ready to be JSON-encoded and sent.

    ``params`` uses the network's camelCase parameter names (``modelId``,
    ``positivePrompt``, ``numberOfMedia``, ``referenceImage`` ...); ``None`` values count
    as not given. Assets are presence markers (see the module docs). ``options`` are the
    model's options from :func:`~sogni.core.model_options.model_options_for`.
    ``app_source`` is used when ``params`` has no ``appSource``.

    Every parameter is checked first; a bad one raises :class:`~sogni.errors.ValidationError`
    naming it (snake_case) and, where it is a closed set or a range, what is allowed. A
    message that would not be strict JSON (NaN, lone surrogates, ...) is refused too, naming
    its path in the message (``keyFrames[0].positivePrompt``).
    """
    p = _Params(params)
    model_id = _model_id(p, options)
    kind = _project_type(p, options, model_id)
    _check_common(p, options, model_id, kind)

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
    seedance = kind == "video" and is_seedance_model(model_id)
    if negative and not seedance:
        key_frame["negativePrompt"] = negative
    if style:
        key_frame["stylePrompt"] = style
    if loras:
        key_frame["loras"] = list(loras)
    if strengths:
        key_frame["loraStrengths"] = list(strengths)
    if kind == "audio" or seedance:
        del key_frame["negativePrompt"]  # these models reject the field

    _APPLY[kind](key_frame, p, options, model_id)

    message = _template()
    message["keyFrames"] = [key_frame]
    message["previews"] = (p.get("numberOfPreviews") or 0) if kind == "image" else 0
    message["numberOfImages"] = p.get("numberOfMedia") or 1
    message["jobID"] = project_id
    message["disableSafety"] = p.truthy("disableNSFWFilter")
    message["tokenType"] = p.get("tokenType") if p.given("tokenType") else _UNSET
    message["outputFormat"] = p.get("outputFormat") or OUTPUT_FORMATS[kind][0]
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
    starting image, ControlNet image, then context images (these may go in parallel).
    Video projects: reference image, end image, audio, audio identity (uploaded as
    ``referenceAudio``), video. Audio projects have none.
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
    elif kind == "video":
        for name, wire in VIDEO_ASSET_PARAMS.items():
            value = p.get(wire)
            if not _is_marker_uploaded(value):
                continue
            if wire.startswith("referenceImage"):
                slots.append(UploadSlot(wire, name, "image", wire, value))
            else:
                upload_type = "referenceAudio" if wire == "referenceAudioIdentity" else wire
                slots.append(UploadSlot(wire, name, "media", upload_type, value))
    return slots


def add_video_content_types(
    job_request: dict[str, Any], content_types: Mapping[str, str | None]
) -> None:
    """Record the types of uploaded video reference assets in ``keyFrames[0]``.

    ``content_types`` maps the camelCase parameter (``"referenceImage"``, ...) of each
    asset that was uploaded from a file to its sniffed type (``None`` when unknown). Assets
    passed as ``True`` must not be listed. When only ``referenceAudioIdentity`` was
    uploaded, its type is also recorded as the ``referenceAudio`` type. Changes
    ``job_request`` in place.
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
    for key in added:
        if key_frame.get(key) is _UNSET:
            del key_frame[key]
