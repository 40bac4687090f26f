"""Checking a ``jobRequest`` and summarising what the simulation needs from it."""

from __future__ import annotations

from typing import Any

import attrs

from .catalogue import Catalogue, Model

JsonDict = dict[str, Any]

__all__ = ["JobRequestError", "ParsedRequest", "parse_job_request", "promised_uploads"]

# Upload slots a keyFrame flag promises (flag -> upload type).
_UPLOAD_FLAGS = {
    "hasStartingImage": "startingImage",
    "hasReferenceImage": "referenceImage",
    "hasReferenceImageEnd": "referenceImageEnd",
    "hasReferenceAudio": "referenceAudio",
    "hasReferenceAudioIdentity": "referenceAudio",
    "hasReferenceVideo": "referenceVideo",
}


class JobRequestError(Exception):
    """A ``jobRequest`` the network refuses; answered with a project-level ``jobError``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _int(value: Any, default: int) -> int:
    if isinstance(value, bool) or value is None:
        return default
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _positive(value: Any) -> int | None:
    number = _int(value, 0)
    return number if number > 0 else None


@attrs.frozen
class ParsedRequest:
    """The parts of a ``jobRequest`` the simulation needs."""

    project_id: str
    model: Model
    key_frame: JsonDict
    count: int
    previews: int
    steps: int
    seed: int | None
    width: int
    height: int
    output_format: str
    network: str
    token_type: str
    frames: int
    fps: int
    duration: float
    payload: JsonDict = attrs.field(factory=dict)


def parse_job_request(
    payload: Any, catalogue: Catalogue, default_network: str, steps_override: int | None
) -> ParsedRequest:
    """Validate and summarise a ``jobRequest`` payload, or raise :class:`JobRequestError`."""
    if not isinstance(payload, dict):
        raise JobRequestError(400, "jobRequest payload must be an object")
    project_id = payload.get("jobID")
    if not isinstance(project_id, str) or not project_id:
        raise JobRequestError(400, "jobRequest has no jobID")
    key_frames = payload.get("keyFrames")
    if not isinstance(key_frames, list) or not key_frames or not isinstance(key_frames[0], dict):
        raise JobRequestError(400, "jobRequest has no keyFrames")
    key_frame: JsonDict = key_frames[0]
    model_id = key_frame.get("modelID")
    model = catalogue.model(model_id) if isinstance(model_id, str) else None
    if model is None:
        raise JobRequestError(404, f"Model {model_id!r} is not available on this network")
    tier = catalogue.tier_of(model)
    count = _positive(payload.get("numberOfImages")) or 1
    if count > 16 and model.media != "image":
        raise JobRequestError(400, "numberOfImages must be at most 16")
    if count > 512:
        raise JobRequestError(400, "numberOfImages must be at most 512")
    tier_steps = tier.get("steps", {}).get("default", 1) if "steps" in tier else 1
    steps = steps_override or _positive(key_frame.get("steps")) or int(tier_steps)
    seed_value = key_frame.get("seed")
    seed = None if seed_value is None or isinstance(seed_value, bool) else _int(seed_value, 0)
    default_format = {"image": "png", "video": "mp4", "audio": "mp3"}[model.media]
    output_format = str(payload.get("outputFormat") or default_format).lower()
    width, height = _output_size(model, key_frame, catalogue)
    fps, frames, duration = _timing(model, key_frame, tier)
    return ParsedRequest(
        project_id=project_id.upper(),
        model=model,
        key_frame=key_frame,
        count=count,
        previews=_int(payload.get("previews"), 0) if model.media == "image" else 0,
        steps=steps,
        seed=seed,
        width=width,
        height=height,
        output_format=output_format,
        network=str(payload.get("network") or default_network),
        token_type=str(payload.get("tokenType") or "sogni"),
        frames=frames,
        fps=fps,
        duration=duration,
        payload=payload,
    )


def _output_size(model: Model, key_frame: JsonDict, catalogue: Catalogue) -> tuple[int, int]:
    tier = catalogue.tier_of(model)
    if model.media == "audio":
        return 0, 0
    if model.media == "video":
        width = _positive(key_frame.get("width"))
        height = _positive(key_frame.get("height"))
        if width and height:
            return width, height
        return int(tier["width"]["default"]), int(tier["height"]["default"])
    preset_id = key_frame.get("sizePreset")
    if preset_id == "custom":
        width = _positive(key_frame.get("width"))
        height = _positive(key_frame.get("height"))
        if width and height:
            return width, height
    elif isinstance(preset_id, str):
        for preset in catalogue.size_presets(model):
            if preset.id == preset_id:
                return preset.width, preset.height
        raise JobRequestError(400, f"Unknown size preset {preset_id!r} for {model.id}")
    return catalogue.default_image_size(model)


def _timing(model: Model, key_frame: JsonDict, tier: JsonDict) -> tuple[int, int, float]:
    """``(fps, frames, duration seconds)`` of a video or audio result."""
    if model.media == "audio":
        duration = key_frame.get("duration")
        seconds = (
            float(duration)
            if isinstance(duration, (int, float)) and duration > 0
            else float(tier.get("duration", {}).get("default", 30))
        )
        return 0, 0, seconds
    if model.media != "video":
        return 0, 1, 0.0
    fps_options = tier.get("fps") or {}
    fps = _positive(key_frame.get("fps")) or int(fps_options.get("default", 24))
    frames = _positive(key_frame.get("frames")) or int(tier.get("frames", {}).get("default", 81))
    # WAN renders at 16 fps whatever the requested rate (higher rates are interpolated).
    render_fps = 16 if model.id.startswith("wan_") else fps
    duration = max(frames - 1, 1) / render_fps
    return fps, frames, duration


def promised_uploads(key_frame: JsonDict) -> list[str]:
    """Upload types a keyFrame says exist (``hasStartingImage`` -> ``startingImage``, ...)."""
    types = [slot for flag, slot in _UPLOAD_FLAGS.items() if key_frame.get(flag) is True]
    types += [f"contextImage{n}" for n in range(1, 17) if key_frame.get(f"hasContextImage{n}")]
    control_nets = key_frame.get("currentControlNetsJob")
    if isinstance(control_nets, list) and any(
        isinstance(cn, dict) and cn.get("hasImage") for cn in control_nets
    ):
        types.append("cnImage")
    return sorted(set(types))
