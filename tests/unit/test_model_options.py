from __future__ import annotations

from typing import Any

import pytest

from sogni.core.model_options import (
    SAMPLER_ALIASES,
    SCHEDULER_ALIASES,
    NumericRange,
    OptionList,
    media_type_of,
    model_options_for,
    validate_sampler,
    validate_scheduler,
)
from sogni.errors import SogniError, ValidationError

BENCH = {"sec": 1, "secCN": 1, "secMaxPreviews": 1}

TIERS: dict[str, Any] = {
    "forge": {
        "benchmark": BENCH,
        "guidance": {"min": 1, "max": 30, "decimals": 1, "default": 7.5},
        "nickname": "SD",
        "scheduler": {"allowed": ["Karras", "Simple", "custom_sched"], "default": "Karras"},
        "steps": {"min": 1, "max": 100, "default": 20},
        "sampler": {"allowed": ["Euler a", "DPM++ 2M", "euler"], "default": "Euler a"},
    },
    "comfy-image": {
        "benchmark": BENCH,
        "comfySampler": {"allowed": ["euler", "res_multistep"], "default": "res_multistep"},
        "defaultSize": 1024,
        "guidance": {"min": 0, "max": 5, "decimals": 2, "default": 1},
        "steps": {"min": 1, "max": 20, "step": 2, "default": 8},
        "type": "image",
    },
    "video": {
        "benchmark": BENCH,
        "fps": {"allowed": [16, 32], "default": 16},
        "frames": {"min": 17, "max": 161, "default": 81},
        "height": {"min": 480, "max": 1280, "default": 480},
        "width": {"min": 480, "max": 1280, "default": 848},
        "comfySampler": {"allowed": ["Euler"], "default": "Euler"},
        "shift": {"min": 1, "max": 8, "decimals": 1, "default": 5},
        "type": "video",
    },
    "external-video": {
        "benchmark": BENCH,
        "height": {"min": 720, "max": 1088, "default": 1088},
        "width": {"min": 1280, "max": 1920, "default": 1920},
        "type": "video",
    },
    "audio": {
        "benchmark": BENCH,
        "bpm": {"min": 30, "max": 300, "default": 120},
        "comfySampler": {"allowed": ["euler"], "default": "euler"},
        "comfyScheduler": {"allowed": ["Simple"], "default": "Simple"},
        "composerMode": {"default": True},
        "creativity": {"min": 0, "max": 2, "decimals": 2, "default": 0.85},
        "duration": {"min": 10, "max": 600, "default": 30},
        "keyscale": {"allowed": ["C major", "A minor"], "default": "C major"},
        "language": {"allowed": ["en", "ja"], "default": "en"},
        "steps": {"min": 1, "max": 20, "default": 8},
        "timesignature": {"allowed": ["2", "3", "4", "6"], "default": "4"},
        "type": "audio",
    },
    "odd": {"benchmark": BENCH, "type": "hologram"},
}

MODELS = [
    {"id": "sd15", "name": "SD 1.5", "SID": 1, "tier": "forge", "media": "image"},
    {"id": "z_image_turbo_bf16", "name": "Z", "SID": 2, "tier": "comfy-image", "media": "image"},
    {"id": "wan_v2.2-14b-fp8_t2v", "name": "Wan", "SID": 3, "tier": "video", "media": "video"},
    {
        "id": "seedance-2-0",
        "name": "Seedance",
        "SID": 4,
        "tier": "external-video",
        "media": "video",
    },
    {"id": "ace_step_1.5_turbo", "name": "Ace", "SID": 5, "tier": "audio", "media": "audio"},
    {"id": "lost", "name": "Lost", "SID": 6, "tier": "missing", "media": "image"},
    {"id": "odd-model", "name": "Odd", "SID": 7, "tier": "odd", "media": "image"},
    {"id": "mislabelled", "name": "M", "SID": 8, "tier": "forge", "media": "video"},
]


def test_forge_image_tier_maps_sampler_and_scheduler_aliases() -> None:
    options = model_options_for("sd15", MODELS, TIERS)
    assert options.media == "image"
    assert options.kind == "forge-image"
    assert options.tier == "forge"
    assert options.name == "SD 1.5"
    assert options.steps == NumericRange(min=1, max=100, step=1, default=20)
    assert options.guidance == NumericRange(min=1, max=30, step=0.1, default=7.5)
    assert options.sampler == OptionList(
        allowed=("euler_a", "dpmpp_2m", "euler"), default="euler_a"
    )
    assert options.scheduler == OptionList(
        allowed=("karras", "simple", "custom_sched"), default="karras"
    )
    assert options.fps is None and options.duration is None
    assert options.raw_tier is TIERS["forge"]


def test_comfy_image_tier_reads_comfy_fields() -> None:
    options = model_options_for("z_image_turbo_bf16", MODELS, TIERS)
    assert options.kind == "comfy-image"
    assert options.media == "image"
    assert options.sampler.allowed == ("euler", "res_multistep")
    assert options.scheduler == OptionList(allowed=(), default=None)
    assert options.steps is not None and options.steps.step == 2
    assert options.guidance is not None and options.guidance.step == 0.01


def test_video_tier_optional_fields() -> None:
    options = model_options_for("wan_v2.2-14b-fp8_t2v", MODELS, TIERS)
    assert options.media == "video"
    assert options.fps == OptionList(allowed=(16, 32), default=16)
    assert options.sampler.allowed == ("euler",)
    assert options.scheduler.allowed == ()
    assert options.steps is None and options.guidance is None
    assert options.frames == NumericRange(min=17, max=161, step=1, default=81)
    assert options.shift is not None and options.shift.step == 0.1

    external = model_options_for("seedance-2-0", MODELS, TIERS)
    assert external.sampler.allowed == () and external.fps is None


def test_audio_tier() -> None:
    options = model_options_for("ace_step_1.5_turbo", MODELS, TIERS)
    assert options.media == "audio"
    assert options.duration == NumericRange(min=10, max=600, step=1, default=30)
    assert options.bpm is not None and options.bpm.max == 300
    assert options.timesignature is not None and options.timesignature.allowed == (
        "2",
        "3",
        "4",
        "6",
    )
    assert options.language == OptionList(allowed=("en", "ja"), default="en")
    assert options.keyscale is not None and "A minor" in options.keyscale.allowed
    assert options.composer_mode is True
    assert options.creativity is not None and options.creativity.step == 0.01
    assert options.prompt_strength is None and options.shift is None and options.guidance is None
    assert options.scheduler.allowed == ("simple",)


def test_unknown_model_lists_known_ids() -> None:
    with pytest.raises(ValidationError) as info:
        model_options_for("nope", MODELS, TIERS)
    assert info.value.field == "model_id"
    assert "nope" in str(info.value)
    assert "sd15" in str(info.value)


def test_missing_tier_is_a_server_data_error() -> None:
    with pytest.raises(SogniError) as info:
        model_options_for("lost", MODELS, TIERS)
    assert not isinstance(info.value, ValidationError)
    assert "missing" in str(info.value)


def test_unknown_tier_type() -> None:
    with pytest.raises(SogniError, match="Unsupported model tier"):
        model_options_for("odd-model", MODELS, TIERS)


def test_malformed_range() -> None:
    tiers = {"forge": {**TIERS["forge"], "steps": {"min": "one", "max": 3, "default": 2}}}
    with pytest.raises(SogniError, match="steps.min"):
        model_options_for("sd15", MODELS, tiers)


def test_tier_kind_decides_media_not_the_list() -> None:
    assert model_options_for("mislabelled", MODELS, TIERS).media == "image"


def test_options_are_hashable_values() -> None:
    first = model_options_for("sd15", MODELS, TIERS)
    second = model_options_for("sd15", MODELS, TIERS)
    assert first == second
    assert hash(first) == hash(second)


def test_media_type_of() -> None:
    assert media_type_of("wan_v2.2-14b-fp8_t2v") == "video"
    assert media_type_of("ltx23-x") == "video"
    assert media_type_of("seedance-2-0") == "video"
    assert media_type_of("ace_step_1.5_sft") == "audio"
    assert media_type_of("flux1-schnell-fp8") == "image"
    # the models list wins over the prefix
    assert media_type_of("mislabelled", MODELS) == "video"
    assert media_type_of("sd15", MODELS) == "image"
    assert media_type_of("ace_step_x", [{"id": "ace_step_x", "media": "weird"}]) == "audio"


def test_alias_tables() -> None:
    assert SAMPLER_ALIASES["Discrete Flow Scheduler (SD3)"] == "dfs_sd3"
    assert SAMPLER_ALIASES["PNDM (Pseudo-linear multi-step)"] == "pndm_plms"
    assert SAMPLER_ALIASES["LCM (Latent Consistency Model)"] == "lcm"
    assert len(SAMPLER_ALIASES) == 21
    assert SCHEDULER_ALIASES["SGM Uniform"] == "sgm_uniform"
    assert len(SCHEDULER_ALIASES) == 12


def test_validate_sampler_and_scheduler() -> None:
    options = model_options_for("sd15", MODELS, TIERS)
    assert validate_sampler("euler_a", options) == "euler_a"
    assert validate_sampler("Euler a", options) == "euler_a"  # display names accepted
    assert validate_sampler(None, options) is None
    assert validate_sampler("", options) is None
    assert validate_scheduler("Karras", options) == "karras"
    with pytest.raises(ValidationError) as info:
        validate_sampler("heun", options)
    assert info.value.field == "sampler"
    assert info.value.allowed == ["euler_a", "dpmpp_2m", "euler"]
    assert "heun" in str(info.value)
    with pytest.raises(ValidationError) as info:
        validate_scheduler("beta", options)
    assert info.value.field == "scheduler"
    # a model without a list ignores the value
    comfy = model_options_for("z_image_turbo_bf16", MODELS, TIERS)
    assert validate_scheduler("anything", comfy) is None
