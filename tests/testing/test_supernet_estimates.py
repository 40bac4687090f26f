"""Cost estimate endpoints of the local Supernet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from sogni.testing import LocalSupernet

COST_KEYS = {"costInRenderSec", "costInUSD", "costInToken", "costInSpark", "costInSogni"}


def get(net: LocalSupernet, path: str, **params: str) -> httpx.Response:
    return httpx.get(net.rest_url + path, params=params, headers={"api-key": net.api_key})


def project_cost(body: dict[str, Any]) -> Decimal:
    assert set(body) == {"request", "rate", "quote", "benchmark"}
    benchmark = body["benchmark"]
    assert benchmark["estimatedTotalTimeSec"] >= benchmark["estimatedRenderTimeSec"] > 0
    assert set(body["quote"]) == {"model", "job", "project"}
    for part in ("job", "project"):
        assert COST_KEYS <= set(body["quote"][part])
        for key in COST_KEYS:
            Decimal(body["quote"][part][key])  # decimal strings
    return Decimal(body["quote"]["project"]["costInToken"])


def test_image_estimate_v2_and_v3(net: LocalSupernet) -> None:
    one = get(net, "/api/v2/job/estimate/spark/fast/flux1-schnell-fp8/1/4/0/0/0/1024/1024")
    two = get(net, "/api/v2/job/estimate/spark/fast/flux1-schnell-fp8/2/4/0/0/0/1024/1024")
    assert one.status_code == two.status_code == 200
    assert project_cost(two.json()) == 2 * project_cost(one.json())
    assert one.json()["request"]["model"] == "flux1-schnell-fp8"
    v3 = get(
        net,
        "/api/v3/job/estimate/sogni/relaxed/flux1-krea-dev_fp8_scaled/1/20/0/0/0"
        "/1024/1024/3.5/euler/0",
    )
    assert v3.status_code == 200
    assert v3.json()["rate"]["network"] == "relaxed"
    body = v3.json()
    assert body["quote"]["project"]["costInToken"] == body["quote"]["project"]["costInSogni"]


def test_bigger_images_cost_more(net: LocalSupernet) -> None:
    small = get(net, "/api/v2/job/estimate/spark/fast/z_image_turbo_bf16/1/8/0/0/0/512/512")
    large = get(net, "/api/v2/job/estimate/spark/fast/z_image_turbo_bf16/1/8/0/0/0/2048/2048")
    assert project_cost(large.json()) > project_cost(small.json())


def test_gpt_image_quality_changes_the_price(net: LocalSupernet) -> None:
    path = "/api/v3/job/estimate/spark/fast/gpt-image-2/1/1/0/0/0/1024/1024/0/_/0"
    low = project_cost(get(net, path, gptImageQuality="low").json())
    high = project_cost(get(net, path, gptImageQuality="high").json())
    assert high > low > 0


def test_video_estimate(net: LocalSupernet) -> None:
    base = "/api/v1/job-video/estimate/spark/wan_v2.2-14b-fp8_t2v_lightx2v/848/480/81/16"
    short = get(net, base)
    assert short.status_code == 200
    doubled = get(net, base + "/4/2")
    assert project_cost(doubled.json()) == 2 * project_cost(short.json())
    seedance = "/api/v1/job-video/estimate/spark/seedance-2-0/1920/1088/121/24"
    plain = project_cost(get(net, seedance).json())
    with_video = project_cost(get(net, seedance, hasVideoInput="1").json())
    assert with_video > plain


def test_audio_estimate(net: LocalSupernet) -> None:
    short = get(net, "/api/v1/job-audio/estimate/spark/ace_step_1.5_turbo/30/8/1")
    long = get(net, "/api/v1/job-audio/estimate/spark/ace_step_1.5_turbo/120/8/1")
    assert project_cost(long.json()) > project_cost(short.json())


def test_llm_estimate(net: LocalSupernet) -> None:
    response = get(net, "/api/v1/job-llm/estimate/sogni/qwen3.6-35b-a3b-gguf-iq4xs/100/4096")
    assert response.status_code == 200
    body = response.json()
    assert body["request"]["inputTokens"] == 100
    quote = body["quote"]
    assert set(quote) == {
        "costInUSD",
        "costInSogni",
        "costInSpark",
        "costInToken",
        "inputTokens",
        "outputTokens",
    }
    assert quote["costInToken"] == quote["costInSogni"] > 0
    assert (quote["inputTokens"], quote["outputTokens"]) == (100, 4096)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/job/estimate/spark/fast/no-such-model/1/4/0/0/0/1024/1024",
        "/api/v1/job-audio/estimate/spark/flux1-schnell-fp8/30/8/1",
        "/api/v1/job-llm/estimate/sogni/no-such-llm/1/1",
    ],
)
def test_unknown_models_are_404(net: LocalSupernet, path: str) -> None:
    response = get(net, path)
    assert response.status_code == 404
    assert response.json()["status"] == "error"


def test_malformed_segments_are_400(net: LocalSupernet) -> None:
    response = get(net, "/api/v2/job/estimate/spark/fast/flux1-schnell-fp8/two/4/0/0/0/1/1")
    assert response.status_code == 400
    response = get(net, "/api/v1/job-audio/estimate/gold/ace_step_1.5_turbo/30/8/1")
    assert response.status_code == 400
