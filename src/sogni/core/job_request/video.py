"""The video part of a ``jobRequest``: frame math, size grid, references, upscaling."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core.checks import choice, number, sequence
from sogni.core.errors import ValidationError
from sogni.core.families import Rules
from sogni.core.job_request.references import (
    asset_list,
    check_workflow_assets,
    is_reference_set,
    numbered_assets,
    url_list,
)
from sogni.core.job_request.values import UNSET, Params, finish, in_range, only_for, snake
from sogni.core.model_options import ModelOptions, validate_sampler, validate_scheduler
from sogni.core.video import MIN_VIDEO_SIZE, calculate_video_frames

VIDEO_CONTROLNET_NAMES = ("canny", "pose", "depth", "detailer")
# Strengths and thresholds of video projects: (name, min, max).
_STRENGTH_RANGES = (
    ("teacacheThreshold", 0, 1),
    ("firstFrameStrength", 0, 1),
    ("lastFrameStrength", 0, 1),
    ("detailerStrength", 0, 1),
    ("audioIdentityStrength", 0, 10),
)


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
    return json.dumps(finish(points), separators=(",", ":"), ensure_ascii=False)


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


def _check_fps(p: Params, model_id: str, rules: Rules) -> None:
    number(p.get("fps"), "fps", minimum=1, maximum=60)
    fps_rule = rules.fps or {}
    allowed = [fps_rule["fixed"]] if "fixed" in fps_rule else fps_rule.get("allowed")
    if allowed and p.get("fps") not in allowed:
        raise ValidationError(
            f"Model {model_id} renders at {' or '.join(map(str, allowed))} fps, got {p.get('fps')}",
            field="fps",
            allowed=list(allowed),
        )


def _check_video_size(p: Params, model_id: str, rules: Rules) -> None:
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


def _check_upscale(p: Params, model_id: str) -> None:
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
            raise ValidationError(f"Model {model_id} is promptless", field=snake(wire))
    for wire in ("teacacheThreshold", "trimEndFrame", "controlNet", "videoStart"):
        if p.truthy(wire):
            raise ValidationError(
                "video upscaling keeps the whole source video and its audio;"
                f" {snake(wire)} is not supported",
                field=snake(wire),
            )
    if p.get("generateAudio") is False:
        raise ValidationError("video upscaling keeps the source's audio", field="generate_audio")
    if (p.get("numberOfMedia") or 1) != 1:
        raise ValidationError(
            "upscale one source video per project", field="number_of_media", allowed=[1]
        )


def _check_video(p: Params, options: ModelOptions, model_id: str, rules: Rules) -> None:
    """The video parameters that are checked but written as given."""
    check_workflow_assets(p, model_id, rules)
    if rules.upscale:
        _check_upscale(p, model_id)
    for wire in ("upscaleResolution", "detailPreference", "processingSpeed"):
        only_for(p, wire, rules.upscale, "video upscalers (FlashVSR)")
    wan3 = (rules.references or {}).get("policy") == "wan3"
    for wire in ("promptExtend", "watermark", "ratio", "referenceFileUrl", "referenceLinkUrl"):
        only_for(p, wire, wan3, "Wan 3 models")
    for name, low, high in _STRENGTH_RANGES:
        if p.given(name):
            number(p.get(name), snake(name), minimum=low, maximum=high)
    for name in ("audioStart", "audioDuration", "videoStart"):
        if p.given(name):
            number(p.get(name), snake(name), minimum=0)
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
        in_range(p.get("shift"), "shift", options.shift, model_id)
    if p.given("generateAudio") and not isinstance(p.get("generateAudio"), bool):
        raise ValidationError("generate_audio must be True or False", field="generate_audio")


def _duration_frames(p: Params, model_id: str, rules: Rules) -> Any:
    """The frame count a given ``duration`` makes at the project's fps, else ``UNSET``."""
    if not p.given("duration") or (rules.upscale and p.given("frames")):
        return UNSET
    shortest, longest = rules.duration or (1.0, None)
    duration = number(
        p.get("duration"),
        "duration",
        minimum=shortest,
        maximum=longest,
        what=f"duration (seconds) for model {model_id}",
    )
    fps = p.get("fps") if p.given("fps") else (rules.fps_default or 24)
    return calculate_video_frames(model_id, duration, fps, media="video")


def _write_references(key_frame: dict[str, Any], p: Params, model_id: str, rules: Rules) -> None:
    """The presence flags and URL lists of the reference assets."""
    image_urls = [u for u in url_list(p, "referenceImageUrls") if u.strip()]
    audio_urls = [u for u in url_list(p, "referenceAudioUrls") if u.strip()]
    video_urls = [u for u in url_list(p, "referenceVideoUrls") if u.strip()]
    numbered = is_reference_set(model_id, rules)
    if p.truthy("referenceImage"):
        key_frame["hasReferenceImage"] = True
    offset = 1 if p.truthy("referenceImage") else 0
    for index, _ in enumerate(asset_list(p, "contextImages")):
        key_frame[f"hasContextImage{offset + index + 1}"] = True
    if image_urls:
        key_frame["referenceImageURLs"] = image_urls
    if p.truthy("referenceImageEnd"):
        key_frame["hasReferenceImageEnd"] = True
    if numbered:
        for slot, _ in enumerate(numbered_assets(p, "referenceAudio"), start=1):
            key_frame[f"hasReferenceAudio{slot}"] = True
    elif p.truthy("referenceAudio"):
        key_frame["hasReferenceAudio"] = True
    if audio_urls:
        key_frame["referenceAudioURLs"] = audio_urls
    if numbered:
        durations = p.get("referenceVideoDurations") or ()
        for slot, _ in enumerate(numbered_assets(p, "referenceVideo"), start=1):
            key_frame[f"hasReferenceVideo{slot}"] = True
            if slot <= len(durations):
                key_frame[f"referenceVideo{slot}DurationSeconds"] = durations[slot - 1]
    elif p.truthy("referenceVideo"):
        key_frame["hasReferenceVideo"] = True
    if video_urls:
        key_frame["referenceVideoURLs"] = video_urls
    if p.truthy("referenceAudioIdentity"):
        key_frame["hasReferenceAudioIdentity"] = True


def _write_timing(key_frame: dict[str, Any], p: Params, rules: Rules, frames: Any) -> None:
    """Audio, Wan 3 and Seedance switches, fps, frames and the start/shift controls."""
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
    elif rules.fps_default is not None:
        key_frame["fps"] = rules.fps_default
    if p.given("frames"):
        key_frame["frames"] = p.get("frames")
    if frames is not UNSET:
        key_frame["frames"] = frames  # duration wins over a raw frame count
    for name in ("shift", "teacacheThreshold", "audioStart", "audioDuration", "videoStart"):
        if p.given(name):
            key_frame[name] = p.get(name)


def _write_upscale(key_frame: dict[str, Any], p: Params) -> None:
    """What a video upscaler (FlashVSR) runs with: one step, the source's audio."""
    key_frame["upscaleResolution"] = p.get("upscaleResolution") or min(
        p.get("width"), p.get("height")
    )
    key_frame["steps"] = 1
    key_frame["seed"] = p.get("seed") if p.given("seed") else 0
    key_frame["detailPreference"] = p.get("detailPreference") or "stable"
    key_frame["processingSpeed"] = p.get("processingSpeed") or "stable"
    key_frame["generateAudio"] = True
    key_frame["interpolation"] = "none"


def apply_video(
    key_frame: dict[str, Any], p: Params, options: ModelOptions, model_id: str, rules: Rules
) -> None:
    """Check the video parameters of ``p`` and write them into ``key_frame``."""
    _check_video(p, options, model_id, rules)
    frames = _duration_frames(p, model_id, rules)
    _check_video_size(p, model_id, rules)
    sam2 = UNSET
    if p.given("sam2Coordinates"):
        sam2 = _sam2_coordinates(p.get("sam2Coordinates"), model_id, rules)
    control_net = _video_control_net(p.get("controlNet")) if p.truthy("controlNet") else UNSET
    sampler = validate_sampler(p.get("sampler"), options)
    scheduler = validate_scheduler(p.get("scheduler"), options)

    _write_references(key_frame, p, model_id, rules)
    _write_timing(key_frame, p, rules, frames)
    if sam2 is not UNSET:
        key_frame["sam2Coordinates"] = sam2
    if p.truthy("trimEndFrame"):
        key_frame["trimEndFrame"] = True
    for name in ("firstFrameStrength", "lastFrameStrength"):
        if p.given(name):
            key_frame[name] = p.get(name)
    if control_net is not UNSET:
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
        _write_upscale(key_frame, p)
