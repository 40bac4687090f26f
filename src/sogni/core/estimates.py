"""Cost-estimate requests and responses.

Estimates are plain ``GET`` requests on the socket host whose parameters travel as path
segments. The builders here return the path and query; the caller performs the request
and hands the JSON body to :func:`parse_estimate`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

import attrs

from sogni.core._generated.models import CostEstimate
from sogni.core.errors import SogniError, ValidationError
from sogni.core.model_options import ModelOptions, validate_sampler
from sogni.core.video import calculate_video_frames

__all__ = [
    "ENHANCEMENT_STRENGTHS",
    "EstimateRequest",
    "ImageEstimate",
    "default_steps",
    "CostEstimate",
    "image_estimate_request",
    "enhancement_estimate_request",
    "video_estimate_request",
    "audio_estimate_request",
    "parse_estimate",
]

#: Starting-image strength of each image-enhancement level.
ENHANCEMENT_STRENGTHS: Mapping[str, float] = MappingProxyType(
    {"light": 0.15, "medium": 0.35, "heavy": 0.49}
)
_ENHANCEMENT_MODEL = "flux1-schnell-fp8"
_ENHANCEMENT_STEPS = 5


@attrs.frozen
class EstimateRequest:
    """A ``GET`` to send to the socket host: ``path`` (already encoded) and ``query``."""

    path: str
    query: Mapping[str, str] = attrs.field(factory=dict)


def _segment(value: Any) -> str:
    """A path segment: numbers written as JavaScript writes them, then percent-encoded."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return quote(text, safe="-_.!~*'()")


def _path(prefix: str, segments: Sequence[Any]) -> str:
    return prefix + "/".join(_segment(s) for s in segments)


def default_steps(options: ModelOptions | None) -> int:
    """The step count an estimate uses when none is given: the model's default, else 1."""
    default = options.steps.default if options is not None and options.steps else None
    return int(default) if default is not None else 1


@attrs.frozen(kw_only=True)
class ImageEstimate:
    """What an image cost estimate is asked for, named as ``projects.estimate_cost`` names it.

    ``size_preset`` is resolved to ``width``/``height`` by the plan before
    :func:`image_estimate_request` builds the request.
    """

    model_id: str
    number_of_media: int = 1
    steps: int | None = None
    number_of_previews: int = 0
    control_net: bool = False
    starting_image_strength: float | None = None
    size_preset: str | None = None
    width: int | None = None
    height: int | None = None
    guidance: float | None = None
    sampler: str | None = None
    context_images: int | None = None
    gpt_image_quality: str | None = None
    output_format: str | None = None
    token_type: str | None = "spark"
    network: str | None = None


def image_estimate_request(
    estimate: ImageEstimate, options: ModelOptions | None = None
) -> EstimateRequest:
    """The image estimate request (``/api/v2/job/estimate/...``, or v3 when needed).

    ``width``/``height`` are the output size; resolve a size preset to its size first
    (0 x 0 lets the server use the model's default). The v3 form, which adds guidance,
    sampler and the context-image count, is used when ``sampler`` or ``context_images``
    is given. With ``options`` the sampler is validated against the model, and a missing
    ``steps`` is the model's default.
    """
    e = estimate
    strength = e.starting_image_strength
    denoise: float = 1 - strength if strength else 0
    segments: list[Any] = [
        e.token_type or "spark",
        e.network or "fast",
        e.model_id,
        e.number_of_media,
        default_steps(options) if e.steps is None else e.steps,
        e.number_of_previews,
        1 if e.control_net else 0,
        denoise,
    ]
    segments += [e.width, e.height] if e.width and e.height else [0, 0]
    version = 2
    if e.sampler or e.context_images is not None:
        version = 3
        checked = validate_sampler(e.sampler, options) if options is not None else e.sampler
        segments += [e.guidance or 0, checked or "_", e.context_images or 0]
    query: dict[str, str] = {}
    if e.gpt_image_quality:
        query["gptImageQuality"] = e.gpt_image_quality
    if e.output_format:
        query["outputFormat"] = e.output_format
    return EstimateRequest(path=_path(f"/api/v{version}/job/estimate/", segments), query=query)


def enhancement_estimate_request(
    strength: str = "medium", token_type: str = "spark"
) -> EstimateRequest:
    """The estimate request for enhancing a finished image (``light``/``medium``/``heavy``)."""
    if strength not in ENHANCEMENT_STRENGTHS:
        raise ValidationError(
            f"Unknown enhancement strength {strength!r}",
            field="strength",
            allowed=list(ENHANCEMENT_STRENGTHS),
        )
    return image_estimate_request(
        ImageEstimate(
            model_id=_ENHANCEMENT_MODEL,
            steps=_ENHANCEMENT_STEPS,
            token_type=token_type,
            network="fast",
            starting_image_strength=ENHANCEMENT_STRENGTHS[strength],
        )
    )


def video_estimate_request(
    *,
    token_type: str,
    model: str,
    width: int,
    height: int,
    fps: float,
    duration: float | None = None,
    frames: int | None = None,
    steps: int | None = None,
    number_of_media: int | None = 1,
    has_video_input: bool = False,
    reference_video: object = None,
    reference_video_urls: Sequence[str] | None = None,
) -> EstimateRequest:
    """The video estimate request (``/api/v1/job-video/estimate/...``).

    ``frames`` wins when given; otherwise it is computed from ``duration`` and ``fps``
    like the job request does. A reference video (or video URLs, or ``has_video_input``)
    selects Seedance's video-input pricing.
    """
    if frames:
        frame_count: float = frames
    elif duration is not None:
        frame_count = calculate_video_frames(model, duration, fps)
    else:
        raise ValidationError("A video estimate needs duration (or frames)", field="duration")
    count = 1 if number_of_media is None else number_of_media
    segments: list[Any] = [token_type, model, width, height, frame_count, fps]
    if steps is not None:
        segments += [steps, count]
    elif count != 1:
        segments += [0, count]
    query: dict[str, str] = {}
    if has_video_input is True or reference_video or (reference_video_urls or ()):
        query["hasVideoInput"] = "1"
    return EstimateRequest(path=_path("/api/v1/job-video/estimate/", segments), query=query)


def audio_estimate_request(
    *,
    token_type: str,
    model: str,
    duration: float,
    steps: int,
    number_of_media: int = 1,
) -> EstimateRequest:
    """The audio estimate request (``/api/v1/job-audio/estimate/...``)."""
    return EstimateRequest(
        path=_path(
            "/api/v1/job-audio/estimate/",
            [token_type, model, duration, steps, number_of_media],
        )
    )


def parse_estimate(response: Any) -> CostEstimate:
    """The project cost from an estimate response body (``quote.project``), with the
    expected render and total times (``benchmark``) and the daily fair-use share when the
    network sent them.

    Raises :class:`SogniError` when the body does not have that shape.
    """
    quote_ = response.get("quote") if isinstance(response, Mapping) else None
    project = quote_.get("project") if isinstance(quote_, Mapping) else None
    if not isinstance(project, Mapping):
        raise SogniError("malformed cost estimate: the response has no quote.project")
    fields: dict[str, str] = {}
    for name, key in (
        ("token", "costInToken"),
        ("usd", "costInUSD"),
        ("spark", "costInSpark"),
        ("sogni", "costInSogni"),
    ):
        value = project.get(key)
        if value is None:
            raise SogniError(f"malformed cost estimate: quote.project.{key} is missing")
        fields[name] = str(value)
    benchmark = response.get("benchmark")
    fair_use = response.get("dailyFairUse")
    return CostEstimate(
        **fields,
        estimated_render_seconds=_seconds(benchmark, "estimatedRenderTimeSec"),
        estimated_total_seconds=_seconds(benchmark, "estimatedTotalTimeSec"),
        daily_fair_use_pct=_seconds(fair_use, "pct"),
    )


def _seconds(section: Any, key: str) -> float | None:
    """A finite, non-negative number of an optional section of the estimate, else ``None``."""
    value = section.get(key) if isinstance(section, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None
