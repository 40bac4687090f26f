"""Plans of cost estimates: image, video, audio and image-enhancement projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from sogni.core._generated.models import CostEstimate
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import ValidationError
from sogni.core.estimates import (
    EstimateRequest,
    ImageEstimate,
    audio_estimate_request,
    default_steps,
    enhancement_estimate_request,
    image_estimate_request,
    parse_estimate,
    video_estimate_request,
)
from sogni.core.plans import Plan
from sogni.core.plans.models import find_preset, model_options
from sogni.core.video import is_video_model, video_defaults


def _estimate(request: EstimateRequest) -> Plan[CostEstimate]:
    body = yield RestCall(
        "GET", request.path, host="socket", query=dict(request.query) or None, envelope=False
    )
    return parse_estimate(body)


def estimate_cost(ctx: CoreContext, model_id: str, **fields: Any) -> Plan[CostEstimate]:
    """The estimated cost of an image project; ``fields`` are those of :class:`ImageEstimate`."""
    estimate = ImageEstimate(model_id=model_id, **fields)
    options = yield from model_options(ctx, model_id)
    network = estimate.network or "fast"  # as the network's other clients price it
    width, height = estimate.width, estimate.height
    if estimate.size_preset:
        preset = yield from find_preset(ctx, network, model_id, estimate.size_preset)
        width, height = preset.width, preset.height
    resolved = attrs.evolve(estimate, network=network, width=width, height=height)
    return (yield from _estimate(image_estimate_request(resolved, options)))


def estimate_video_cost(
    ctx: CoreContext,
    model_id: str,
    *,
    duration: float | None = None,
    frames: int | None = None,
    fps: float | None = None,
    width: int | None = None,
    height: int | None = None,
    steps: int | None = None,
    number_of_media: int = 1,
    has_video_input: bool = False,
    reference_video: Any = None,
    reference_video_urls: Sequence[str] | None = None,
    token_type: str = "spark",
) -> Plan[CostEstimate]:
    """The estimated cost of a video project; size and rate default to the model's usual."""
    if not is_video_model(model_id):
        raise ValidationError(f"Model {model_id} is not a video model", field="model_id")
    default_width, default_height, default_fps = video_defaults(model_id)
    request = video_estimate_request(
        token_type=token_type,
        model=model_id,
        width=width or default_width,
        height=height or default_height,
        fps=fps or default_fps,
        duration=duration,
        frames=frames,
        steps=steps,
        number_of_media=number_of_media,
        has_video_input=has_video_input,
        reference_video=reference_video,
        reference_video_urls=reference_video_urls,
    )
    return (yield from _estimate(request))


def estimate_audio_cost(
    ctx: CoreContext,
    model_id: str,
    *,
    duration: float = 30.0,
    steps: int | None = None,
    number_of_media: int = 1,
    token_type: str = "spark",
) -> Plan[CostEstimate]:
    """The estimated cost of an audio project."""
    if steps is None:
        options = yield from model_options(ctx, model_id)
        steps = default_steps(options)
    request = audio_estimate_request(
        token_type=token_type,
        model=model_id,
        duration=duration,
        steps=steps,
        number_of_media=number_of_media,
    )
    return (yield from _estimate(request))


def estimate_enhancement_cost(
    ctx: CoreContext, strength: str = "medium", *, token_type: str = "spark"
) -> Plan[CostEstimate]:
    """The estimated cost of enhancing a finished image."""
    request = enhancement_estimate_request(strength, token_type)
    return (yield from _estimate(request))
