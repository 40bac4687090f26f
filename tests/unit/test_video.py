from __future__ import annotations

import pytest

from sogni.core._generated.families import WORKFLOW_ASSETS as VIDEO_WORKFLOW_ASSETS
from sogni.core.families import rules_for
from sogni.core.js import js_round
from sogni.core.video import (
    calculate_video_frames,
    is_video_model,
    max_context_images,
    max_custom_size,
    video_asset_config,
    video_defaults,
    video_duration_limits,
    video_workflow,
)
from sogni.errors import ValidationError

WAN_T2V = "wan_v2.2-14b-fp8_t2v_lightx2v"
WAN_ANIMATE = "wan_v2.2-14b-fp8_animate-move_lightx2v"
LTX = "ltx23-22b-fp8_t2v_distilled"


@pytest.mark.parametrize(
    ("model_id", "duration", "fps", "frames"),
    [
        (WAN_T2V, 5, 16, 81),
        (WAN_T2V, 5, 32, 81),
        (WAN_T2V, 10, 32, 161),
        (WAN_ANIMATE, 20, 16, 321),
        (LTX, 5, 24, 121),
        (LTX, 3, 30, 89),
        (LTX, 1.5, 24, 41),
        (LTX, 2.5, 25, 65),
        (LTX, 20, 24, 481),
        ("seedance-2-0", 5, 24, 121),
        ("seedance-2-0", 15, 24, 361),
    ],
)
def test_frame_table(model_id: str, duration: float, fps: float, frames: int) -> None:
    assert calculate_video_frames(model_id, duration, fps) == frames


def test_ltx2_prefix_counts_as_ltx() -> None:
    # 37 frames would snap to 41 (n = 4.5 rounds up); banker's rounding would give 33.
    assert calculate_video_frames("ltx2-19b-fp8_t2v_distilled", 1.5, 24) == 41


def test_wan_half_frames_round_up() -> None:
    # 2.5 * 16 = 40 exactly, 0.03125 * 16 = 0.5 rounds up (half toward +inf).
    assert calculate_video_frames(WAN_T2V, 0.03125, 16) == 2


def test_frame_clamps() -> None:
    assert calculate_video_frames(WAN_T2V, 1, 16, min_frames=17) == 17
    assert calculate_video_frames(WAN_T2V, 10, 16, max_frames=81) == 81
    assert calculate_video_frames(WAN_T2V, 5, 16, min_frames=17, max_frames=161) == 81


def test_js_round_is_half_up() -> None:
    assert js_round(2.5) == 3
    assert js_round(-2.5) == -2
    assert js_round(4.5) == 5
    assert js_round(4.49) == 4


@pytest.mark.parametrize(
    ("model_id", "workflow"),
    [
        ("wan_v2.2-14b-fp8_t2v_lightx2v", "t2v"),
        ("wan_v2.2-14b-fp8_i2v", "i2v"),
        ("wan_v2.2-14b-fp8_s2v_lightx2v", "s2v"),
        ("wan_v2.2-14b-fp8_animate-move_lightx2v", "animate-move"),
        ("wan_v2.2-14b-fp8_animate-replace_lightx2v", "animate-replace"),
        ("ltx23-22b-fp8_t2v_distilled", "t2v"),
        ("ltx23-22b-fp8_i2v_dev", "i2v"),
        ("ltx23-22b-fp8_v2v_distilled", "v2v"),
        ("ltx23-22b-fp8_ia2v_distilled", "ia2v"),
        ("ltx23-22b-fp8_a2v_distilled", "a2v"),
        ("ltx2-19b-fp8_a2v", "a2v"),
        ("seedance-2-0", None),
        ("seedance-2-0-fast", None),
        ("seedance-2-0_v2v", "v2v"),
        ("seedance-2-0_ia2v", "ia2v"),
        ("flux1-schnell-fp8", None),
        ("ace_step_1.5_turbo", None),
        # family-specific suffixes do not cross families
        ("wan_v2.2_a2v", None),
        ("wan_v2.2_v2v", None),
        ("ltx23-22b_s2v", None),
        ("seedance-2-0_a2v", None),
    ],
)
def test_video_workflow(model_id: str, workflow: str | None) -> None:
    assert video_workflow(model_id) == workflow


def test_is_video_model_by_prefix() -> None:
    for model_id in (WAN_T2V, LTX, "ltx2-x", "seedance-2-0-fast"):
        assert is_video_model(model_id)
    for model_id in ("flux1-schnell-fp8", "ace_step_1.5_sft", "gpt-image-2", "xwan_"):
        assert not is_video_model(model_id)


def test_comfy_families() -> None:
    for model_id in (
        "z_image_turbo_bf16",
        "qwen_image_edit_2511_fp8",
        "flux2_dev_fp8",
        WAN_T2V,
        "ace_step_1.5_turbo",
        "krea2_turbo_fp8_scaled",
    ):
        assert rules_for(model_id).comfy is True, model_id
    for model_id in ("gpt-image-2", "sam3_image_segment_bf16", "flux1-dev-kontext_fp8_scaled"):
        assert rules_for(model_id).comfy is False, model_id
    assert rules_for("coreml-cyberrealistic_v70_768").comfy is False


def test_asset_table_rows() -> None:
    assert VIDEO_WORKFLOW_ASSETS["s2v"] == {
        "reference_image": "required",
        "reference_image_end": "forbidden",
        "reference_audio": "required",
        "reference_audio_identity": "forbidden",
        "reference_video": "forbidden",
    }
    assert VIDEO_WORKFLOW_ASSETS["v2v"]["reference_video"] == "required"
    assert VIDEO_WORKFLOW_ASSETS["v2v"]["reference_audio_identity"] == "optional"
    assert VIDEO_WORKFLOW_ASSETS["t2v"]["reference_audio_identity"] == "optional"
    assert VIDEO_WORKFLOW_ASSETS["a2v"]["reference_image"] == "forbidden"
    assert set(VIDEO_WORKFLOW_ASSETS) == {
        "upscale",
        "flf2v",
        "flfa2v",
        "r2v",
        "t2v",
        "i2v",
        "s2v",
        "ia2v",
        "a2v",
        "v2v",
        "animate-move",
        "animate-replace",
    }


def test_video_asset_config() -> None:
    config = video_asset_config("ltx23-22b-fp8_ia2v_distilled")
    assert config.workflow == "ia2v"
    assert config.assets is not None and config.assets["reference_audio"] == "required"
    unknown = video_asset_config("seedance-2-0")
    assert unknown.workflow is None and unknown.assets is None
    with pytest.raises(ValidationError) as info:
        video_asset_config("flux1-schnell-fp8")
    assert info.value.field == "model_id"
    assert "not a video model" in str(info.value)


@pytest.mark.parametrize(
    ("model_id", "limits"),
    [
        ("seedance-2-0", (4, 15)),
        ("seedance-2-0-fast", (4, 15)),
        (LTX, (1, 20)),
        ("ltx2-19b-fp8_t2v", (1, 20)),
        (WAN_ANIMATE, (1, 20)),
        ("wan_v2.2-14b-fp8_animate-replace_lightx2v", (1, 20)),
        (WAN_T2V, (1, 10)),
        ("wan_v2.2-14b-fp8_s2v", (1, 10)),
    ],
)
def test_duration_limits(model_id: str, limits: tuple[int, int]) -> None:
    assert video_duration_limits(model_id) == limits


def test_video_defaults() -> None:
    assert video_defaults("wan_v2.2-14b-fp8_s2v") == (832, 480, 16)
    assert video_defaults(WAN_ANIMATE) == (832, 480, 16)
    assert video_defaults("seedance-2-0-fast") == (1280, 720, 24)
    assert video_defaults("seedance-2-0") == (1920, 1088, 24)
    assert video_defaults(LTX) == (1920, 1088, 24)
    assert video_defaults(WAN_T2V) == (848, 480, 16)


def test_max_custom_size() -> None:
    assert max_custom_size("gpt-image-2") == 3840
    for model_id in (
        "z_image_bf16",
        "z_image_turbo_bf16",
        "qwen_image_edit_2511_fp8",
        "qwen_image_edit_2511_fp8_lightning",
        "qwen_image_2512_fp8",
        "qwen_image_2512_fp8_lightning",
        "flux2_dev_fp8",
    ):
        assert max_custom_size(model_id) == 2560
    assert max_custom_size("flux1-schnell-fp8") == 2048
    assert max_custom_size("flux2_other") == 2048


def test_max_context_images() -> None:
    assert max_context_images("gpt-image-2") == 16
    assert max_context_images("flux2_dev_fp8") == 6
    assert max_context_images("qwen_image_edit_2511_fp8") == 3
    assert max_context_images("flux1-dev-kontext_fp8_scaled") == 2
    assert max_context_images("flux1-schnell-fp8") == 3
