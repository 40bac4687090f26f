"""Model catalogue endpoints of the local Supernet."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sogni.testing import LocalSupernet

DOCUMENTED_MEDIA_MODELS = {
    "flux1-schnell-fp8": "image",
    "flux1-krea-dev_fp8_scaled": "image",
    "flux1-dev-kontext_fp8_scaled": "image",
    "flux2_dev_fp8": "image",
    "chroma-v.46-flash_fp8": "image",
    "z_image_turbo_bf16": "image",
    "z_image_bf16": "image",
    "qwen_image_2512_fp8": "image",
    "qwen_image_2512_fp8_lightning": "image",
    "qwen_image_edit_2511_fp8": "image",
    "qwen_image_edit_2511_fp8_lightning": "image",
    "gpt-image-2": "image",
    "coreml-cyberrealistic_v70_768": "image",
    "wan_v2.2-14b-fp8_t2v_lightx2v": "video",
    "wan_v2.2-14b-fp8_t2v": "video",
    "wan_v2.2-14b-fp8_i2v_lightx2v": "video",
    "wan_v2.2-14b-fp8_i2v": "video",
    "wan_v2.2-14b-fp8_s2v_lightx2v": "video",
    "wan_v2.2-14b-fp8_s2v": "video",
    "wan_v2.2-14b-fp8_animate-move_lightx2v": "video",
    "wan_v2.2-14b-fp8_animate-replace_lightx2v": "video",
    "ltx23-22b-fp8_t2v_distilled": "video",
    "ltx23-22b-fp8_t2v_dev": "video",
    "ltx23-22b-fp8_i2v_distilled": "video",
    "ltx23-22b-fp8_i2v_dev": "video",
    "ltx23-22b-fp8_v2v_distilled": "video",
    "ltx23-22b-fp8_v2v_dev": "video",
    "ltx23-22b-fp8_ia2v_distilled": "video",
    "ltx23-22b-fp8_ia2v_dev": "video",
    "ltx23-22b-fp8_a2v_distilled": "video",
    "ltx23-22b-fp8_a2v_dev": "video",
    "seedance-2-0": "video",
    "seedance-2-0-fast": "video",
    "ace_step_1.5_turbo": "audio",
    "ace_step_1.5_sft": "audio",
}


def get(net: LocalSupernet, path: str) -> Any:
    response = httpx.get(net.rest_url + path, headers={"api-key": net.api_key})
    assert response.status_code == 200, response.text
    return response.json()


def tiers_by_model(net: LocalSupernet) -> dict[str, dict[str, Any]]:
    tiers = get(net, "/api/v2/models/tiers")
    return {m["id"]: tiers[m["tier"]] for m in get(net, "/api/v1/models/list")}


def test_models_list_has_every_documented_model(net: LocalSupernet) -> None:
    models = get(net, "/api/v1/models/list")
    by_id = {m["id"]: m for m in models}
    for model_id, media in DOCUMENTED_MEDIA_MODELS.items():
        assert model_id in by_id, model_id
        assert by_id[model_id]["media"] == media
    for model in models:
        assert set(model) == {"id", "name", "SID", "tier", "media"}
        assert isinstance(model["SID"], int)
    assert len({m["SID"] for m in models}) == len(models)


def test_every_model_has_a_tier_of_the_right_kind(net: LocalSupernet) -> None:
    models = {m["id"]: m for m in get(net, "/api/v1/models/list")}
    for model_id, tier in tiers_by_model(net).items():
        media = models[model_id]["media"]
        if "type" not in tier:  # Forge-style tier: image models only
            assert media == "image", model_id
            assert {"sampler", "scheduler", "steps", "guidance", "benchmark"} <= set(tier)
        else:
            assert tier["type"] == media, model_id
        if tier.get("steps"):
            steps = tier["steps"]
            assert steps["min"] <= steps["default"] <= steps["max"], model_id
        if media == "video":
            assert tier["width"]["default"] >= 480 and tier["height"]["default"] >= 480
            assert tier["fps"]["default"] in tier["fps"]["allowed"]
            assert tier["frames"]["min"] <= tier["frames"]["default"] <= tier["frames"]["max"]
        if media == "audio" and "bpm" in tier:  # music; speech tiers have no tempo
            assert tier["duration"] == {"min": 10, "max": 600, "default": 30}
            assert tier["bpm"]["default"] == 120
            assert tier["timesignature"]["allowed"] == ["2", "3", "4", "6"]


@pytest.mark.parametrize(
    ("model_id", "steps", "guidance"),
    [
        ("flux1-schnell-fp8", 4, 1),
        ("z_image_turbo_bf16", 8, None),
        ("z_image_bf16", 20, None),
        ("qwen_image_edit_2511_fp8", 20, None),
        ("qwen_image_edit_2511_fp8_lightning", 4, None),
    ],
)
def test_family_defaults(
    net: LocalSupernet, model_id: str, steps: int, guidance: float | None
) -> None:
    tier = tiers_by_model(net)[model_id]
    assert tier["steps"]["default"] == steps
    if guidance is not None:
        assert tier["guidance"]["default"] == guidance


def test_seedance_is_fixed_at_24_fps(net: LocalSupernet) -> None:
    tiers = tiers_by_model(net)
    for model_id in ("seedance-2-0", "seedance-2-0-fast"):
        assert tiers[model_id]["fps"] == {"allowed": [24], "default": 24}


def test_size_presets(net: LocalSupernet) -> None:
    presets = get(net, "/api/v1/size-presets/network/fast/model/flux1-schnell-fp8")
    by_id = {p["id"]: p for p in presets}
    assert by_id["square_hd"] == {
        "label": "Square HD",
        "id": "square_hd",
        "width": 1024,
        "height": 1024,
        "ratio": "1:1",
        "aspect": "1",
    }
    assert (by_id["portrait_7_9"]["width"], by_id["portrait_7_9"]["height"]) == (896, 1152)
    response = httpx.get(
        net.rest_url + "/api/v1/size-presets/network/fast/model/nope",
        headers={"api-key": net.api_key},
    )
    assert response.status_code == 404


def test_worker_status_is_keyed_by_sid(net: LocalSupernet) -> None:
    status = get(net, "/api/v1/status/network/fast/models")
    sids = {str(m["SID"]) for m in get(net, "/api/v1/models/list")}
    assert set(status) == sids
    assert all(isinstance(count, int) and count > 0 for count in status.values())


def test_swarm_models_event_lists_all_media_models(net: LocalSupernet) -> None:
    from supernet_helpers import RawSocket

    raw = RawSocket(net)
    seen = dict(raw.recv_until("swarmLLMModels"))
    raw.close()
    listed = {m["id"] for m in get(net, "/api/v1/models/list")}
    assert set(seen["swarmModels"]) == listed
    llm = seen["swarmLLMModels"]["qwen3.6-35b-a3b-gguf-iq4xs"]
    assert llm["workers"] > 0
    assert llm["maxContextLength"] == 262144
    assert llm["maxOutputTokens"]["default"] <= llm["maxOutputTokens"]["max"]
