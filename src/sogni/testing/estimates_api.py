"""Cost estimate endpoints of the socket host (bare JSON)."""

from __future__ import annotations

from aiohttp import web

from sogni.core._generated.vocabulary import TOKEN_TYPES

from . import envelope, pricing
from .catalogue import Model
from .routing import Route
from .state import STATE

__all__ = ["ROUTES"]


class BadSegment(Exception):
    """A path segment that is not the number it must be."""


def _number(request: web.Request, name: str) -> float:
    text = request.match_info[name]
    try:
        return float(text)
    except ValueError:
        raise BadSegment(f"'{name}' must be a number, got {text!r}") from None


def _whole(request: web.Request, name: str) -> int:
    value = _number(request, name)
    if value < 0 or value != int(value):
        raise BadSegment(
            f"'{name}' must be a non-negative integer, got {request.match_info[name]!r}"
        )
    return int(value)


def _model(request: web.Request, media: str | None = None) -> Model:
    model = request.app[STATE].catalogue.model(request.match_info["model"])
    if model is None or (media is not None and model.media != media):
        raise web.HTTPNotFound(reason=f"Model {request.match_info['model']} not found")
    return model


def _token_type(request: web.Request) -> str:
    token_type = request.match_info["token_type"]
    if token_type not in TOKEN_TYPES:
        raise BadSegment(f"token type must be 'sogni' or 'spark', got {token_type!r}")
    return token_type


async def image_estimate(request: web.Request) -> web.Response:
    """``/api/v2/job/estimate/...`` and ``/api/v3/job/estimate/...`` (image projects)."""
    try:
        model = _model(request, "image")
        count, steps = _whole(request, "count"), _whole(request, "steps")
        previews, cn = _whole(request, "previews"), _whole(request, "cn")
        denoise = _number(request, "denoise")
        width, height = _whole(request, "width"), _whole(request, "height")
        context_images = _whole(request, "context") if "context" in request.match_info else 0
        if "guidance" in request.match_info:
            _number(request, "guidance")
        quote = pricing.image_quote(
            request.app[STATE].catalogue,
            model,
            token_type=_token_type(request),
            network=request.match_info["network"],
            count=max(count, 1),
            steps=max(steps, 1),
            previews=previews,
            control_net=bool(cn),
            denoise=denoise,
            width=width,
            height=height,
            context_images=context_images,
            gpt_quality=request.query.get("gptImageQuality"),
        )
    except BadSegment as exc:
        return envelope.error(400, str(exc))
    return envelope.raw(
        quote.response(
            {
                "imageCount": count,
                "stepCount": steps,
                "previewCount": previews,
                "cnEnabled": bool(cn),
                "denoiseStrength": str(denoise),
            }
        )
    )


async def video_estimate(request: web.Request) -> web.Response:
    """``/api/v1/job-video/estimate/{tokenType}/{model}/{w}/{h}/{frames}/{fps}[/{steps}/{n}]``."""
    try:
        model = _model(request, "video")
        steps = _whole(request, "steps") if "steps" in request.match_info else 0
        count = _whole(request, "count") if "count" in request.match_info else 1
        frames, fps = _whole(request, "frames"), _whole(request, "fps")
        quote = pricing.video_quote(
            request.app[STATE].catalogue,
            model,
            token_type=_token_type(request),
            width=_whole(request, "width"),
            height=_whole(request, "height"),
            frames=frames,
            fps=fps,
            steps=steps or None,
            count=max(count, 1),
            video_input=request.query.get("hasVideoInput") == "1",
        )
    except BadSegment as exc:
        return envelope.error(400, str(exc))
    return envelope.raw(
        quote.response(
            {
                "imageCount": count,
                "stepCount": quote.steps,
                "previewCount": 0,
                "cnEnabled": False,
                "denoiseStrength": "0",
                "frames": frames,
                "fps": fps,
            }
        )
    )


async def audio_estimate(request: web.Request) -> web.Response:
    """``/api/v1/job-audio/estimate/{tokenType}/{model}/{duration}/{steps}/{numberOfMedia}``."""
    try:
        model = _model(request, "audio")
        duration = _number(request, "duration")
        steps, count = _whole(request, "steps"), _whole(request, "count")
        quote = pricing.audio_quote(
            request.app[STATE].catalogue,
            model,
            token_type=_token_type(request),
            duration=duration,
            steps=steps,
            count=max(count, 1),
        )
    except BadSegment as exc:
        return envelope.error(400, str(exc))
    return envelope.raw(
        quote.response(
            {
                "imageCount": count,
                "stepCount": quote.steps,
                "previewCount": 0,
                "cnEnabled": False,
                "denoiseStrength": "0",
                "duration": duration,
            }
        )
    )


async def llm_estimate(request: web.Request) -> web.Response:
    """``/api/v1/job-llm/estimate/{tokenType}/{model}/{inputTokens}/{maxOutputTokens}``."""
    state = request.app[STATE]
    model_id = request.match_info["model"]
    if state.catalogue.llm_model(model_id) is None:
        return envelope.error(404, f"LLM model {model_id} not found")
    try:
        body = pricing.llm_quote(
            model_id,
            token_type=_token_type(request),
            input_tokens=_whole(request, "input_tokens"),
            max_output_tokens=_whole(request, "max_output_tokens"),
        )
    except BadSegment as exc:
        return envelope.error(400, str(exc))
    return envelope.raw(body)


_IMAGE_V2 = (
    "/api/v2/job/estimate/{token_type}/{network}/{model}/{count}/{steps}/{previews}"
    "/{cn}/{denoise}/{width}/{height}"
)
_IMAGE_V3 = (
    "/api/v3/job/estimate/{token_type}/{network}/{model}/{count}/{steps}/{previews}"
    "/{cn}/{denoise}/{width}/{height}/{guidance}/{sampler}/{context}"
)
_VIDEO = "/api/v1/job-video/estimate/{token_type}/{model}/{width}/{height}/{frames}/{fps}"

ROUTES = [
    Route("GET", _IMAGE_V2, image_estimate),
    Route("GET", _IMAGE_V3, image_estimate),
    Route("GET", _VIDEO, video_estimate),
    Route("GET", _VIDEO + "/{steps}/{count}", video_estimate),
    Route(
        "GET",
        "/api/v1/job-audio/estimate/{token_type}/{model}/{duration}/{steps}/{count}",
        audio_estimate,
    ),
    Route(
        "GET",
        "/api/v1/job-llm/estimate/{token_type}/{model}/{input_tokens}/{max_output_tokens}",
        llm_estimate,
    ),
]
