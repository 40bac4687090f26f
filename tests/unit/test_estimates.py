from __future__ import annotations

from typing import Any

import pytest

from sogni.core.estimates import (
    CostEstimate,
    EstimateRequest,
    ImageEstimate,
    audio_estimate_request,
    enhancement_estimate_request,
    image_estimate_request,
    parse_estimate,
    video_estimate_request,
)
from sogni.core.model_options import ModelOptions, OptionList
from sogni.errors import SogniError, ValidationError

OPTIONS = ModelOptions(
    model_id="flux1-schnell-fp8",
    media="image",
    tier="t",
    kind="forge-image",
    sampler=OptionList(("euler", "euler_a"), "euler"),
    scheduler=OptionList((), None),
)


def test_image_v2_defaults() -> None:
    request = image_estimate_request(
        ImageEstimate(
            model_id="flux1-schnell-fp8", number_of_media=2, steps=4, number_of_previews=0
        )
    )
    assert request == EstimateRequest(
        path="/api/v2/job/estimate/spark/fast/flux1-schnell-fp8/2/4/0/0/0/0/0", query={}
    )


def test_image_v2_with_everything_but_sampler() -> None:
    request = image_estimate_request(
        ImageEstimate(
            model_id="flux1-schnell-fp8",
            number_of_media=1,
            steps=20,
            number_of_previews=5,
            token_type="sogni",
            network="relaxed",
            control_net=True,
            starting_image_strength=0.7,
            width=1024,
            height=768,
            guidance=3.5,
            gpt_image_quality="high",
            output_format="jpg",
        )
    )
    assert request.path == (
        "/api/v2/job/estimate/sogni/relaxed/flux1-schnell-fp8/1/20/5/1/0.30000000000000004/1024/768"
    )
    assert dict(request.query) == {"gptImageQuality": "high", "outputFormat": "jpg"}
    assert list(request.query) == ["gptImageQuality", "outputFormat"]


def test_image_size_needs_both_sides() -> None:
    request = image_estimate_request(
        ImageEstimate(model_id="m", number_of_media=1, steps=1, number_of_previews=0, width=1024)
    )
    assert request.path.endswith("/0/0")


def test_image_v3_with_sampler() -> None:
    request = image_estimate_request(
        ImageEstimate(
            model_id="flux1-schnell-fp8",
            number_of_media=1,
            steps=4,
            number_of_previews=0,
            guidance=1.5,
            sampler="Euler a",
        ),
        options=OPTIONS,
    )
    assert request.path == (
        "/api/v3/job/estimate/spark/fast/flux1-schnell-fp8/1/4/0/0/0/0/0/1.5/euler_a/0"
    )


def test_image_v3_with_context_images_only() -> None:
    request = image_estimate_request(
        ImageEstimate(
            model_id="gpt-image-2",
            number_of_media=1,
            steps=1,
            number_of_previews=0,
            context_images=3,
            gpt_image_quality="medium",
        )
    )
    assert request.path == "/api/v3/job/estimate/spark/fast/gpt-image-2/1/1/0/0/0/0/0/0/_/3"
    zero = image_estimate_request(
        ImageEstimate(
            model_id="gpt-image-2",
            number_of_media=1,
            steps=1,
            number_of_previews=0,
            context_images=0,
        )
    )
    assert zero.path.startswith("/api/v3/") and zero.path.endswith("/0/_/0")


def test_image_sampler_is_validated_with_options() -> None:
    with pytest.raises(ValidationError) as info:
        image_estimate_request(
            ImageEstimate(
                model_id="flux1-schnell-fp8",
                number_of_media=1,
                steps=4,
                number_of_previews=0,
                sampler="heun",
            ),
            options=OPTIONS,
        )
    assert info.value.field == "sampler"


@pytest.mark.parametrize(
    ("strength", "denoise"), [("light", "0.85"), ("medium", "0.65"), ("heavy", "0.51")]
)
def test_enhancement_estimate(strength: str, denoise: str) -> None:
    request = enhancement_estimate_request(strength)
    assert request.path == (
        f"/api/v2/job/estimate/spark/fast/flux1-schnell-fp8/1/5/0/0/{denoise}/0/0"
    )


def test_enhancement_estimate_token_type_and_bad_strength() -> None:
    assert "/sogni/fast/" in enhancement_estimate_request("light", "sogni").path
    with pytest.raises(ValidationError) as info:
        enhancement_estimate_request("extreme")
    assert info.value.field == "strength" and info.value.allowed == ["light", "medium", "heavy"]


def test_video_estimate_computes_frames() -> None:
    request = video_estimate_request(
        token_type="spark",
        model="ltx23-22b-fp8_t2v_distilled",
        width=1920,
        height=1088,
        duration=5,
        fps=24,
    )
    assert request.path == (
        "/api/v1/job-video/estimate/spark/ltx23-22b-fp8_t2v_distilled/1920/1088/121/24"
    )
    assert request.query == {}


def test_video_estimate_steps_and_media_count() -> None:
    with_steps = video_estimate_request(
        token_type="sogni",
        model="wan_v2.2-14b-fp8_t2v",
        width=848,
        height=480,
        duration=5,
        fps=32,
        steps=4,
    )
    assert with_steps.path.endswith("/848/480/81/32/4/1")
    many = video_estimate_request(
        token_type="sogni",
        model="wan_v2.2-14b-fp8_t2v",
        width=848,
        height=480,
        frames=49,
        fps=16,
        number_of_media=3,
    )
    assert many.path.endswith("/49/16/0/3")


@pytest.mark.parametrize(
    "extra",
    [{"has_video_input": True}, {"reference_video": b"v"}, {"reference_video_urls": ["https://v"]}],
)
def test_video_estimate_video_input(extra: dict[str, Any]) -> None:
    request = video_estimate_request(
        token_type="spark",
        model="seedance-2-0",
        width=1920,
        height=1088,
        duration=5,
        fps=24,
        **extra,
    )
    assert request.query == {"hasVideoInput": "1"}


def test_video_estimate_without_video_input() -> None:
    request = video_estimate_request(
        token_type="spark",
        model="seedance-2-0",
        width=1920,
        height=1088,
        duration=5,
        fps=24,
        reference_video_urls=[],
        has_video_input=False,
    )
    assert request.query == {}


def test_video_estimate_needs_duration_or_frames() -> None:
    with pytest.raises(ValidationError) as info:
        video_estimate_request(token_type="spark", model="seedance-2-0", width=1, height=1, fps=24)
    assert info.value.field == "duration"


def test_video_segments_are_encoded() -> None:
    request = video_estimate_request(
        token_type="spark", model="odd model/x", width=1, height=1, frames=1, fps=24.0
    )
    assert request.path == "/api/v1/job-video/estimate/spark/odd%20model%2Fx/1/1/1/24"


def test_audio_estimate() -> None:
    request = audio_estimate_request(
        token_type="spark", model="ace_step_1.5_turbo", duration=30, steps=8, number_of_media=2
    )
    assert request.path == "/api/v1/job-audio/estimate/spark/ace_step_1.5_turbo/30/8/2"


def test_parse_estimate() -> None:
    job = {
        "costInRenderSec": "1",
        "costInUSD": "0.01",
        "costInToken": "1.5",
        "costInSpark": "1.5",
        "costInSogni": "2.1",
    }
    body = {
        "request": {},
        "rate": {},
        "quote": {"model": {}, "job": {**job, "costInToken": "9"}, "project": job},
    }
    assert parse_estimate(body) == CostEstimate(token="1.5", usd="0.01", spark="1.5", sogni="2.1")


@pytest.mark.parametrize(
    "body",
    [{}, {"quote": {}}, {"quote": {"project": {"costInToken": "1"}}}, [], None],
)
def test_parse_estimate_rejects_malformed(body: Any) -> None:
    with pytest.raises(SogniError, match="malformed cost estimate"):
        parse_estimate(body)
