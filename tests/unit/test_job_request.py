from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sogni.core.job_request import (
    UploadSlot,
    add_content_types,
    build_job_request,
    upload_slots,
)
from sogni.core.model_options import ModelOptions, NumericRange, OptionList
from sogni.errors import ValidationError

PID = "0F8E2C3A-1B2C-4D5E-8F90-1234567890AB"

TEMPLATE_KEY_FRAME_KEYS = [
    "stepsIsEnabled",
    "siRotation",
    "siDragOffsetIsEnabled",
    "strength",
    "siZoomScaleIsEnabled",
    "isEnabled",
    "processing",
    "useLastImageAsGuideImageInAnimation",
    "guidanceScaleIsEnabled",
    "siImageBackgroundColor",
    "cnDragOffset",
    "scheduler",
    "timeStepSpacing",
    "steps",
    "cnRotation",
    "guidanceScale",
    "siZoomScale",
    "modelID",
    "cnRotationIsEnabled",
    "negativePrompt",
    "startingImageZoomPanIsOn",
    "seed",
    "siRotationIsEnabled",
    "cnImageBackgroundColor",
    "strengthIsEnabled",
    "siDragOffset",
    "useLastImageAsCNImageInAnimation",
    "positivePrompt",
    "controlNetZoomPanIsOn",
    "cnZoomScaleIsEnabled",
    "currentControlNets",
    "stylePrompt",
    "cnDragOffsetIsEnabled",
    "frameIndex",
    "startingImage",
    "cnZoomScale",
]


def options(
    model_id: str,
    media: str = "image",
    *,
    kind: str | None = None,
    samplers: tuple[str, ...] = (),
    schedulers: tuple[str, ...] = (),
    **extra: Any,
) -> ModelOptions:
    if kind is None:
        kind = {"image": "forge-image", "video": "video", "audio": "audio"}[media]
    return ModelOptions(
        model_id=model_id,
        media=media,  # type: ignore[arg-type]
        tier="test",
        kind=kind,  # type: ignore[arg-type]
        sampler=OptionList(samplers, samplers[0] if samplers else None),
        scheduler=OptionList(schedulers, schedulers[0] if schedulers else None),
        **extra,
    )


FLUX = options(
    "flux1-schnell-fp8",
    samplers=("euler", "euler_a"),
    schedulers=("simple", "karras"),
    steps=NumericRange(1, 10, 1, 4),
    guidance=NumericRange(0, 2, 0.1, 1),
)
Z_IMAGE = options(
    "z_image_turbo_bf16",
    kind="comfy-image",
    samplers=("euler", "res_multistep"),
    schedulers=("simple",),
)
GPT = options("gpt-image-2")
KONTEXT = options("flux1-dev-kontext_fp8_scaled")
FLUX2 = options("flux2_dev_fp8", kind="comfy-image")
WAN_T2V = options(
    "wan_v2.2-14b-fp8_t2v_lightx2v",
    "video",
    samplers=("euler",),
    schedulers=("simple",),
    shift=NumericRange(1, 8, 0.1, 5),
)
WAN_I2V = options("wan_v2.2-14b-fp8_i2v_lightx2v", "video")
WAN_S2V = options("wan_v2.2-14b-fp8_s2v_lightx2v", "video")
WAN_MOVE = options("wan_v2.2-14b-fp8_animate-move_lightx2v", "video")
WAN_REPLACE = options("wan_v2.2-14b-fp8_animate-replace_lightx2v", "video")
LTX_T2V = options("ltx23-22b-fp8_t2v_distilled", "video")
LTX_I2V = options("ltx23-22b-fp8_i2v_distilled", "video")
LTX_V2V = options("ltx23-22b-fp8_v2v_distilled", "video")
LTX_IA2V = options("ltx23-22b-fp8_ia2v_distilled", "video")
LTX_A2V = options("ltx23-22b-fp8_a2v_distilled", "video")
SEEDANCE = options("seedance-2-0", "video")
ACE = options(
    "ace_step_1.5_turbo",
    "audio",
    samplers=("euler",),
    schedulers=("simple",),
    steps=NumericRange(1, 20, 1, 8),
    duration=NumericRange(10, 600, 1, 30),
    bpm=NumericRange(30, 300, 1, 120),
    timesignature=OptionList(("2", "3", "4", "6"), "4"),
    language=OptionList(("en", "ja"), "en"),
    keyscale=OptionList(("C major",), "C major"),
    creativity=NumericRange(0, 2, 0.01, 0.85),
)


def image(**params: Any) -> dict[str, Any]:
    return {
        "type": "image",
        "modelId": "flux1-schnell-fp8",
        "positivePrompt": "a cat",
        "numberOfMedia": 1,
        **params,
    }


def video(model: ModelOptions, **params: Any) -> dict[str, Any]:
    return {
        "type": "video",
        "modelId": model.model_id,
        "positivePrompt": "a cat",
        "numberOfMedia": 1,
        **params,
    }


def audio(**params: Any) -> dict[str, Any]:
    return {
        "type": "audio",
        "modelId": ACE.model_id,
        "positivePrompt": "a song",
        "numberOfMedia": 1,
        **params,
    }


def build(params: dict[str, Any], opts: ModelOptions = FLUX, **kw: Any) -> dict[str, Any]:
    return build_job_request(params, opts, project_id=PID, **kw)


def kf(message: dict[str, Any]) -> dict[str, Any]:
    frame: dict[str, Any] = message["keyFrames"][0]
    return frame


def invalid(params: dict[str, Any], opts: ModelOptions = FLUX) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        build(params, opts)
    return info.value


# -- template and common mapping ------------------------------------------------------------


def test_minimal_image_request_is_the_template() -> None:
    message = build(image())
    assert list(message) == [
        "selectedUpscalingModel",
        "cnVideoFramesSketch",
        "cnVideoFramesSegmentedSubject",
        "cnVideoFramesFace",
        "doCanvasBlending",
        "animationIsOn",
        "cnVideoFramesBoth",
        "cnVideoFramesDepth",
        "keyFrames",
        "previews",
        "frameRate",
        "generatedVideoSeconds",
        "canvasIsOn",
        "cnVideoFrames",
        "disableSafety",
        "cnVideoFramesSegmentedBackground",
        "cnVideoFramesSegmented",
        "numberOfImages",
        "cnVideoFramesPose",
        "jobID",
        "siVideoFrames",
        "outputFormat",
    ]
    assert message["jobID"] == PID
    assert message["previews"] == 0
    assert message["numberOfImages"] == 1
    assert message["disableSafety"] is False
    assert message["outputFormat"] == "png"
    assert message["selectedUpscalingModel"] == "OFF"
    assert message["frameRate"] == 24 and message["generatedVideoSeconds"] == 10
    frame = kf(message)
    expected = [k for k in TEMPLATE_KEY_FRAME_KEYS if k not in ("steps", "guidanceScale", "seed")]
    expected += [f"hasContextImage{i}" for i in range(1, 17)]
    assert list(frame) == expected
    assert frame["modelID"] == "flux1-schnell-fp8"
    assert frame["positivePrompt"] == "a cat"
    assert frame["negativePrompt"] == "" and frame["stylePrompt"] == ""
    assert frame["strength"] == 0.5
    assert frame["scheduler"] is None and frame["timeStepSpacing"] is None
    assert frame["processing"] == "CPU, GPU"
    assert frame["cnDragOffset"] == [0, 0]


def test_steps_guidance_seed_keep_template_positions() -> None:
    frame = kf(build(image(steps=4, guidance=1.5, seed=7)))
    keys = list(frame)
    assert keys.index("steps") == keys.index("timeStepSpacing") + 1
    assert keys.index("guidanceScale") == keys.index("cnRotation") + 1
    assert keys.index("seed") == keys.index("startingImageZoomPanIsOn") + 1
    assert (frame["steps"], frame["guidanceScale"], frame["seed"]) == (4, 1.5, 7)


def test_prompts_loras_and_top_level_fields() -> None:
    message = build(
        image(
            negativePrompt="blurry",
            stylePrompt="anime",
            loras=["a", "b"],
            loraStrengths=[0.5, 1.5],
            numberOfMedia=3,
            numberOfPreviews=2,
            tokenType="spark",
            network="relaxed",
            disableNSFWFilter=True,
            outputFormat="webp",
            appSource="my-app",
        )
    )
    frame = kf(message)
    assert frame["negativePrompt"] == "blurry" and frame["stylePrompt"] == "anime"
    assert frame["loras"] == ["a", "b"] and frame["loraStrengths"] == [0.5, 1.5]
    assert list(frame).index("loras") == list(frame).index("cnZoomScale") + 1
    assert message["numberOfImages"] == 3 and message["previews"] == 2
    assert message["disableSafety"] is True
    assert list(message)[-4:] == ["tokenType", "outputFormat", "network", "appSource"]
    assert message["appSource"] == "my-app"


def test_empty_loras_and_prompts_are_not_sent() -> None:
    frame = kf(build(image(loras=[], loraStrengths=[], negativePrompt="", stylePrompt="")))
    assert "loras" not in frame and "loraStrengths" not in frame
    assert frame["negativePrompt"] == "" and frame["stylePrompt"] == ""


def test_app_source_fallback() -> None:
    assert build(image(), app_source="client")["appSource"] == "client"
    assert build(image(appSource="proj"), app_source="client")["appSource"] == "proj"
    assert "appSource" not in build(image(appSource=""))
    assert "appSource" not in build(image())


def test_none_means_not_given() -> None:
    message = build(image(steps=None, seed=None, tokenType=None, network=None, sizePreset=None))
    frame = kf(message)
    assert "steps" not in frame and "seed" not in frame and "sizePreset" not in frame
    assert "tokenType" not in message and "network" not in message


def test_missing_type_follows_the_model() -> None:
    params = image()
    del params["type"]
    assert build(params)["outputFormat"] == "png"


def test_missing_model_id_uses_the_options() -> None:
    params = image()
    del params["modelId"]
    assert kf(build(params))["modelID"] == "flux1-schnell-fp8"


# -- image ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "strength"),
    [(0.7, 0.30000000000000004), (0.5, 0.5), (0.15, 0.85), (1, 0), (0, 0.5), (None, 0.5)],
)
def test_starting_image_strength(given: float | None, strength: float) -> None:
    frame = kf(build(image(startingImage=True, startingImageStrength=given)))
    assert frame["hasStartingImage"] is True and frame["strengthIsEnabled"] is True
    assert frame["strength"] == strength
    assert json.dumps(frame["strength"]) == json.dumps(strength)


def test_without_starting_image_strength_is_the_template() -> None:
    frame = kf(build(image(startingImageStrength=0.9)))
    assert "hasStartingImage" not in frame and frame["strength"] == 0.5


def test_forge_model_uses_scheduler_and_time_step_spacing() -> None:
    frame = kf(build(image(sampler="euler_a", scheduler="karras")))
    assert frame["scheduler"] == "euler_a" and frame["timeStepSpacing"] == "karras"
    assert "comfySampler" not in frame and "comfyScheduler" not in frame


def test_comfy_model_uses_comfy_fields() -> None:
    params = image(modelId=Z_IMAGE.model_id, sampler="res_multistep", scheduler="simple")
    frame = kf(build(params, Z_IMAGE))
    assert frame["comfySampler"] == "res_multistep" and frame["comfyScheduler"] == "simple"
    assert frame["scheduler"] is None and frame["timeStepSpacing"] is None
    keys = list(frame)
    assert keys.index("comfySampler") == keys.index("hasContextImage16") + 1


def test_comfy_model_without_sampler_sends_nulls() -> None:
    frame = kf(build(image(modelId=Z_IMAGE.model_id), Z_IMAGE))
    assert frame["comfySampler"] is None and frame["comfyScheduler"] is None


def test_sampler_display_name_is_accepted() -> None:
    assert kf(build(image(sampler="Euler a")))["scheduler"] == "euler_a"


def test_unknown_sampler_and_scheduler() -> None:
    error = invalid(image(sampler="heun"))
    assert error.field == "sampler" and error.allowed == ["euler", "euler_a"]
    error = invalid(image(scheduler="beta"))
    assert error.field == "scheduler" and error.allowed == ["simple", "karras"]


def test_sampler_ignored_when_model_lists_none() -> None:
    frame = kf(build(image(modelId="gpt-image-2", sampler="whatever"), GPT))
    assert frame["scheduler"] is None


def test_size_preset_alone() -> None:
    frame = kf(build(image(sizePreset="square_hd")))
    assert frame["sizePreset"] == "square_hd" and "width" not in frame
    assert list(frame).index("sizePreset") == list(frame).index("cnZoomScale") + 1


def test_width_and_height_imply_custom() -> None:
    frame = kf(build(image(width=1024, height=768)))
    assert (frame["sizePreset"], frame["width"], frame["height"]) == ("custom", 1024, 768)
    keys = list(frame)
    # the preset key is created before the context-image flags, size keys after them
    assert keys.index("sizePreset") < keys.index("hasContextImage1") < keys.index("width")


def test_custom_preset_with_size() -> None:
    frame = kf(build(image(sizePreset="custom", width=256, height=2048)))
    assert (frame["width"], frame["height"]) == (256, 2048)


def test_integral_float_sizes_are_sent_as_integers() -> None:
    frame = kf(build(image(width=1024.0, height=512.0)))
    assert json.dumps([frame["width"], frame["height"]]) == "[1024, 512]"


def test_named_preset_ignores_width_and_height() -> None:
    frame = kf(build(image(sizePreset="square", width=99999, height=1)))
    assert frame["sizePreset"] == "square" and "width" not in frame and "height" not in frame


def test_custom_preset_needs_a_size() -> None:
    error = invalid(image(sizePreset="custom"))
    assert error.field == "size_preset"


@pytest.mark.parametrize("missing", ["width", "height"])
def test_width_and_height_go_together(missing: str) -> None:
    params = image(width=1024, height=1024)
    del params[missing]
    assert invalid(params).field == missing


@pytest.mark.parametrize(
    ("opts", "largest"), [(FLUX, 2048), (Z_IMAGE, 2560), (FLUX2, 2560), (GPT, 3840)]
)
def test_custom_size_bounds(opts: ModelOptions, largest: int) -> None:
    ok = kf(build(image(modelId=opts.model_id, width=largest, height=256), opts))
    assert ok["width"] == largest
    error = invalid(image(modelId=opts.model_id, width=largest + 1, height=512), opts)
    assert error.field == "width"
    assert str(largest) in str(error) and error.allowed == f"256–{largest}"
    error = invalid(image(modelId=opts.model_id, width=512, height=255), opts)
    assert error.field == "height" and "256" in str(error)


def test_size_must_be_integer() -> None:
    assert invalid(image(width=512.5, height=512)).field == "width"
    assert invalid(image(width="512", height=512)).field == "width"


def test_context_image_flags() -> None:
    frame = kf(build(image(modelId=GPT.model_id, contextImages=[b"x", True, None, b"y"]), GPT))
    flags = [frame[f"hasContextImage{i}"] for i in range(1, 17)]
    assert flags == [True, True, False, True] + [False] * 12


@pytest.mark.parametrize(
    ("opts", "limit"), [(GPT, 16), (FLUX2, 6), (KONTEXT, 2), (Z_IMAGE, 3), (FLUX, 3)]
)
def test_context_image_limits(opts: ModelOptions, limit: int) -> None:
    build(image(modelId=opts.model_id, contextImages=[True] * limit), opts)
    error = invalid(image(modelId=opts.model_id, contextImages=[True] * (limit + 1)), opts)
    assert error.field == "context_images" and str(limit) in str(error)


def test_image_control_net_full() -> None:
    cn = {
        "name": "canny",
        "image": b"png",
        "strength": 0.8,
        "mode": "prompt_priority",
        "guidanceStart": 0.1,
        "guidanceEnd": 0.9,
    }
    frame = kf(build(image(controlNet=cn)))
    assert frame["currentControlNetsJob"] == [
        {
            "name": "canny",
            "cnImageState": "original",
            "hasImage": True,
            "controlStrength": 0.8,
            "controlMode": 1,
            "controlGuidanceStart": 0.1,
            "controlGuidanceEnd": 0.9,
        }
    ]
    assert frame["currentControlNets"] is None


@pytest.mark.parametrize(
    ("mode", "number"), [("balanced", 0), ("prompt_priority", 1), ("cn_priority", 2)]
)
def test_control_net_modes(mode: str, number: int) -> None:
    frame = kf(build(image(controlNet={"name": "depth", "mode": mode})))
    assert frame["currentControlNetsJob"][0]["controlMode"] == number
    assert frame["currentControlNetsJob"][0]["hasImage"] is False


@pytest.mark.parametrize(
    ("cn", "field"),
    [
        ({"name": "canny", "mode": "loud"}, "control_net.mode"),
        ({"name": "canny", "strength": 1.5}, "control_net.strength"),
        ({"name": "canny", "strength": -0.1}, "control_net.strength"),
        ({"name": "canny", "guidanceStart": 2}, "control_net.guidance_start"),
        ({"name": "canny", "guidanceEnd": "x"}, "control_net.guidance_end"),
        ({"name": "canny", "guidanceStart": 0.8, "guidanceEnd": 0.2}, "control_net.guidance_start"),
        ({"name": "sketchy"}, "control_net.name"),
        ({}, "control_net.name"),
    ],
)
def test_control_net_errors(cn: dict[str, Any], field: str) -> None:
    assert invalid(image(controlNet=cn)).field == field


def test_gpt_image_options() -> None:
    frame = kf(
        build(image(modelId=GPT.model_id, gptImageQuality="high", gptImageBackground="opaque"), GPT)
    )
    assert frame["gptImageQuality"] == "high" and frame["gptImageBackground"] == "opaque"
    error = invalid(image(modelId=GPT.model_id, gptImageQuality="ultra"), GPT)
    assert error.field == "gpt_image_quality" and "hd" in (error.allowed or [])
    error = invalid(image(modelId=GPT.model_id, gptImageBackground="transparent"), GPT)
    assert error.field == "gpt_image_background" and error.allowed == ["opaque", "auto"]


# -- shared validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"steps": 11}, "steps"),
        ({"steps": 0}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"steps": True}, "steps"),
        ({"guidance": -1}, "guidance"),
        ({"guidance": 2.5}, "guidance"),
        ({"guidance": "high"}, "guidance"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**32}, "seed"),
        ({"numberOfMedia": 0}, "number_of_media"),
        ({"numberOfMedia": 17}, "number_of_media"),
        ({"numberOfPreviews": -1}, "number_of_previews"),
        ({"tokenType": "eth"}, "token_type"),
        ({"network": "slow"}, "network"),
        ({"outputFormat": "mp4"}, "output_format"),
        ({"outputFormat": "jpeg"}, "output_format"),
        ({"startingImageStrength": 1.5}, "starting_image_strength"),
        ({"positivePrompt": 5}, "positive_prompt"),
        ({"loras": "one"}, "loras"),
        ({"loras": [""]}, "loras"),
        ({"loraStrengths": [101]}, "lora_strengths"),
        ({"loraStrengths": [-100.5]}, "lora_strengths"),
        ({"type": "hologram"}, "type"),
        ({"type": "video"}, "type"),
        ({"modelId": "other-model"}, "model_id"),
        ({"referenceImage": True}, "reference_image"),
        ({"referenceVideoUrls": []}, "reference_video_urls"),
    ],
)
def test_image_parameter_errors(params: dict[str, Any], field: str) -> None:
    error = invalid(image(**params))
    assert error.field == field
    assert str(error)


def test_range_errors_say_what_is_allowed() -> None:
    error = invalid(image(width=4000, height=512))
    assert "width" in str(error) and "256" in str(error) and "2048" in str(error)
    assert error.allowed == "256–2048"
    assert "flux1-schnell-fp8" in str(error)


def test_steps_and_guidance_are_held_to_the_model_ranges() -> None:
    error = invalid(image(steps=40))
    assert error.field == "steps" and error.allowed == "1–10"
    assert "flux1-schnell-fp8" in str(error)
    frame = kf(build(image(steps=10, guidance=2), FLUX))
    assert frame["steps"] == 10 and frame["guidanceScale"] == 2


def test_type_mismatch_names_the_model_media() -> None:
    error = invalid(image(type="audio"))
    assert error.field == "type" and error.allowed == ["image"]
    assert "flux1-schnell-fp8" in str(error)


def test_max_number_of_media_and_seed_bounds_pass() -> None:
    message = build(image(numberOfMedia=16, seed=2**32 - 1))
    assert message["numberOfImages"] == 16 and kf(message)["seed"] == 2**32 - 1


# -- video ------------------------------------------------------------------------------------


def test_wan_video_request() -> None:
    message = build(
        video(
            WAN_T2V,
            duration=5,
            fps=32,
            shift=5,
            teacacheThreshold=0.15,
            sampler="euler",
            scheduler="simple",
            width=848,
            height=480,
            negativePrompt="static",
            seed=1,
        ),
        WAN_T2V,
    )
    frame = kf(message)
    assert frame["frames"] == 81 and frame["fps"] == 32
    assert "duration" not in frame
    assert frame["negativePrompt"] == "static"
    assert list(frame)[-8:] == [
        "fps",
        "frames",
        "shift",
        "teacacheThreshold",
        "width",
        "height",
        "comfySampler",
        "comfyScheduler",
    ]
    assert (frame["comfySampler"], frame["comfyScheduler"]) == ("euler", "simple")
    assert "hasContextImage1" not in frame and "sizePreset" not in frame
    assert message["previews"] == 0 and message["outputFormat"] == "mp4"


def test_video_previews_always_zero() -> None:
    assert build(video(WAN_T2V, numberOfPreviews=4), WAN_T2V)["previews"] == 0


def test_duration_replaces_frames_and_defaults_fps_24() -> None:
    frame = kf(build(video(LTX_T2V, frames=9, duration=5), LTX_T2V))
    assert frame["frames"] == 121 and "fps" not in frame
    frame = kf(build(video(LTX_T2V, frames=33), LTX_T2V))
    assert frame["frames"] == 33


def test_ltx_frames_follow_fps() -> None:
    assert kf(build(video(LTX_T2V, duration=3, fps=30), LTX_T2V))["frames"] == 89
    assert kf(build(video(LTX_T2V, duration=2.5, fps=25), LTX_T2V))["frames"] == 65


def test_seedance_defaults_and_prompt_rules() -> None:
    frame = kf(build(video(SEEDANCE, negativePrompt="ugly", duration=5), SEEDANCE))
    assert frame["fps"] == 24 and frame["frames"] == 121
    assert "negativePrompt" not in frame


@pytest.mark.parametrize(
    ("opts", "duration", "ok"),
    [
        (SEEDANCE, 4, True),
        (SEEDANCE, 3.9, False),
        (SEEDANCE, 15, True),
        (SEEDANCE, 16, False),
        (LTX_T2V, 1, True),
        (LTX_T2V, 20, True),
        (LTX_T2V, 20.5, False),
        (LTX_T2V, 0.5, False),
        (WAN_MOVE, 20, True),
        (WAN_REPLACE, 21, False),
        (WAN_T2V, 10, True),
        (WAN_T2V, 11, False),
    ],
)
def test_video_duration_limits(opts: ModelOptions, duration: float, ok: bool) -> None:
    params = video(opts, duration=duration)
    if opts.model_id.startswith("wan_v2.2-14b-fp8_animate"):
        params.update(referenceImage=True, referenceVideo=True)
    if ok:
        assert kf(build(params, opts))["frames"] > 0
    else:
        error = invalid(params, opts)
        assert error.field == "duration" and "seconds" in str(error)


def test_reference_flags_and_order() -> None:
    frame = kf(
        build(
            video(
                LTX_I2V,
                referenceImage=b"img",
                referenceImageEnd=True,
                referenceAudioIdentity=True,
                audioIdentityStrength=3,
                generateAudio=False,
                firstFrameStrength=0.6,
                lastFrameStrength=0.4,
            ),
            LTX_I2V,
        )
    )
    keys = list(frame)
    order = [
        "hasReferenceImage",
        "hasReferenceImageEnd",
        "hasReferenceAudioIdentity",
        "generateAudio",
        "identityGuidanceScale",
        "firstFrameStrength",
        "lastFrameStrength",
        "comfySampler",
        "comfyScheduler",
    ]
    assert [k for k in keys if k in order] == order
    assert frame["generateAudio"] is False and frame["identityGuidanceScale"] == 3
    assert "hasReferenceAudio" not in frame


# workflow asset table: (options, assets given, error field or None)
ASSET_CASES = [
    (WAN_T2V, {}, None),
    (WAN_T2V, {"referenceAudioIdentity": True}, None),
    (WAN_T2V, {"referenceImage": True}, "reference_image"),
    (WAN_T2V, {"referenceVideo": True}, "reference_video"),
    (WAN_I2V, {}, "reference_image"),
    (WAN_I2V, {"referenceImageEnd": True}, None),
    (WAN_I2V, {"referenceImage": True, "referenceAudio": True}, "reference_audio"),
    (WAN_S2V, {"referenceImage": True}, "reference_audio"),
    (WAN_S2V, {"referenceAudio": True}, "reference_image"),
    (WAN_S2V, {"referenceImage": True, "referenceAudio": True}, None),
    (
        WAN_S2V,
        {"referenceImage": True, "referenceAudio": True, "referenceAudioIdentity": True},
        "reference_audio_identity",
    ),
    (LTX_IA2V, {"referenceImage": True, "referenceAudio": True}, None),
    (
        LTX_IA2V,
        {"referenceImage": True, "referenceAudio": True, "referenceImageEnd": True},
        "reference_image_end",
    ),
    (LTX_A2V, {"referenceAudio": True}, None),
    (LTX_A2V, {"referenceAudio": True, "referenceImage": True}, "reference_image"),
    (WAN_MOVE, {"referenceImage": True}, "reference_video"),
    (WAN_MOVE, {"referenceImage": True, "referenceVideo": True}, None),
    (WAN_REPLACE, {"referenceVideo": True}, "reference_image"),
    (LTX_V2V, {"referenceVideo": True}, None),
    (
        LTX_V2V,
        {"referenceVideo": True, "referenceImage": True, "referenceAudioIdentity": True},
        None,
    ),
    (LTX_V2V, {"referenceImage": True}, "reference_video"),
    (LTX_V2V, {"referenceVideo": True, "referenceAudio": True}, "reference_audio"),
]


@pytest.mark.parametrize(("opts", "assets", "field"), ASSET_CASES)
def test_workflow_assets(opts: ModelOptions, assets: dict[str, Any], field: str | None) -> None:
    params = video(opts, **assets)
    if field is None:
        frame = kf(build(params, opts))
        for wire in assets:
            assert frame[f"has{wire[0].upper()}{wire[1:]}"] is True
    else:
        error = invalid(params, opts)
        assert error.field == field
        assert field in str(error) and "workflow" in str(error)


def test_url_references_only_for_seedance() -> None:
    error = invalid(video(WAN_T2V, referenceImageUrls=["https://x/a.png"]), WAN_T2V)
    assert error.field == "reference_image_urls" and "Seedance" in str(error)


def test_seedance_url_references() -> None:
    frame = kf(
        build(
            video(
                SEEDANCE,
                referenceImage=True,
                referenceImageUrls=["https://a/1.png"],
                referenceVideoUrls=["https://a/v.mp4"],
                referenceAudioUrls=["https://a/s.mp3"],
            ),
            SEEDANCE,
        )
    )
    assert frame["referenceImageURLs"] == ["https://a/1.png"]
    assert frame["referenceVideoURLs"] == ["https://a/v.mp4"]
    assert frame["referenceAudioURLs"] == ["https://a/s.mp3"]
    keys = list(frame)
    assert keys.index("hasReferenceImage") < keys.index("referenceImageURLs")
    assert keys.index("referenceAudioURLs") < keys.index("referenceVideoURLs")


@pytest.mark.parametrize(
    ("assets", "field"),
    [
        ({"referenceImageUrls": ["https://a"] * 10}, "reference_image_urls"),
        (
            {
                "referenceImage": True,
                "referenceImageEnd": True,
                "referenceImageUrls": ["https://a"] * 8,
            },
            "reference_image_urls",
        ),
        ({"referenceVideo": True, "referenceVideoUrls": ["https://v"] * 3}, "reference_video_urls"),
        (
            {
                "referenceImage": True,
                "referenceAudio": True,
                "referenceAudioUrls": ["https://s"] * 3,
            },
            "reference_audio_urls",
        ),
        (
            {
                "referenceImageUrls": ["https://a"] * 9,
                "referenceVideoUrls": ["https://v"] * 3,
                "referenceAudioUrls": ["https://s"],
            },
            "reference_image_urls",
        ),
        ({"referenceAudio": True}, "reference_audio"),
        ({"referenceAudioUrls": ["https://s"]}, "reference_audio"),
        ({"referenceImageUrls": ["https://a", " "]}, "reference_image_urls"),
        ({"referenceImageUrls": "https://a"}, "reference_image_urls"),
    ],
)
def test_seedance_asset_limits(assets: dict[str, Any], field: str) -> None:
    assert invalid(video(SEEDANCE, **assets), SEEDANCE).field == field


def test_seedance_limits_allow_the_maximum() -> None:
    frame = kf(
        build(
            video(
                SEEDANCE,
                referenceImageUrls=["https://a"] * 9,
                referenceVideoUrls=["https://v"] * 2,
                referenceAudioIdentity=True,
            ),
            SEEDANCE,
        )
    )
    assert len(frame["referenceImageURLs"]) == 9


def test_sam2_coordinates() -> None:
    params = video(
        WAN_REPLACE,
        referenceImage=True,
        referenceVideo=True,
        sam2Coordinates=[{"x": 0.5, "y": 0.25}, (10, 20.0)],
    )
    frame = kf(build(params, WAN_REPLACE))
    assert frame["sam2Coordinates"] == '[{"x":0.5,"y":0.25},{"x":10,"y":20}]'
    error = invalid(
        video(
            WAN_MOVE, referenceImage=True, referenceVideo=True, sam2Coordinates=[{"x": 1, "y": 1}]
        ),
        WAN_MOVE,
    )
    assert error.field == "sam2_coordinates" and "animate-replace" in str(error)
    error = invalid({**params, "sam2Coordinates": [{"x": "left"}]}, WAN_REPLACE)
    assert error.field == "sam2_coordinates"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"teacacheThreshold": 1.01}, "teacache_threshold"),
        ({"teacacheThreshold": -0.1}, "teacache_threshold"),
        ({"firstFrameStrength": 2}, "first_frame_strength"),
        ({"detailerStrength": -1}, "detailer_strength"),
        ({"audioIdentityStrength": 11}, "audio_identity_strength"),
        ({"shift": 9}, "shift"),
        ({"fps": 0}, "fps"),
        ({"frames": 0}, "frames"),
        ({"width": 479, "height": 480}, "width"),
        ({"width": 848, "height": 300}, "height"),
        ({"width": 848}, "height"),
        ({"outputFormat": "webm"}, "output_format"),
        ({"generateAudio": "yes"}, "generate_audio"),
        ({"audioStart": -1}, "audio_start"),
        ({"startingImage": True}, "starting_image"),
        ({"controlNet": {"name": "canny", "strength": 2}}, "control_net.strength"),
        ({"controlNet": {"name": "openpose"}}, "control_net.name"),
        ({"sampler": "heun"}, "sampler"),
    ],
)
def test_video_parameter_errors(params: dict[str, Any], field: str) -> None:
    assert invalid(video(WAN_T2V, **params), WAN_T2V).field == field


def test_teacache_bounds_are_inclusive() -> None:
    assert kf(build(video(WAN_T2V, teacacheThreshold=0), WAN_T2V))["teacacheThreshold"] == 0
    assert kf(build(video(WAN_T2V, teacacheThreshold=1.0), WAN_T2V))["teacacheThreshold"] == 1


def test_video_control_net_and_detailer() -> None:
    frame = kf(
        build(
            video(
                LTX_V2V,
                referenceVideo=True,
                controlNet={"name": "pose", "strength": 0.85},
                detailerStrength=0.6,
                trimEndFrame=True,
            ),
            LTX_V2V,
        )
    )
    assert frame["currentControlNetsJob"] == [{"name": "pose", "controlStrength": 0.85}]
    assert frame["detailerStrength"] == 0.6 and frame["trimEndFrame"] is True
    keys = list(frame)
    assert (
        keys.index("trimEndFrame")
        < keys.index("currentControlNetsJob")
        < keys.index("detailerStrength")
    )


def test_a_video_model_the_table_does_not_know_gets_the_generic_video_rules() -> None:
    odd = options("flux-video-ish", "video")
    frame = build(video(odd, duration=2, fps=30), odd)["keyFrames"][0]
    assert frame["modelID"] == "flux-video-ish"
    assert frame["frames"] == 61  # duration * fps + 1
    assert frame["fps"] == 30


# -- audio ------------------------------------------------------------------------------------


def test_audio_request() -> None:
    message = build(
        audio(
            negativePrompt="noise",
            duration=30,
            bpm=120,
            timesignature=4,
            language="en",
            lyrics="la la",
            keyscale="C major",
            composerMode=True,
            promptStrength=2.0,
            creativity=0.85,
            shift=3,
            sampler="euler",
            scheduler="simple",
            steps=8,
            outputFormat="flac",
        ),
        ACE,
    )
    frame = kf(message)
    assert "negativePrompt" not in frame
    tail = [
        "duration",
        "bpm",
        "timesignature",
        "language",
        "lyrics",
        "keyscale",
        "composerMode",
        "promptStrength",
        "creativity",
        "shift",
        "comfySampler",
        "comfyScheduler",
    ]
    assert list(frame)[-len(tail) :] == tail
    assert frame["timesignature"] == "4"
    assert frame["promptStrength"] == 2
    assert message["outputFormat"] == "flac" and message["previews"] == 0


def test_audio_defaults() -> None:
    message = build(audio(), ACE)
    frame = kf(message)
    assert message["outputFormat"] == "mp3"
    assert frame["comfySampler"] is None and "duration" not in frame


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"duration": 5}, "duration"),
        ({"duration": 601}, "duration"),
        ({"bpm": 20}, "bpm"),
        ({"timesignature": "5"}, "timesignature"),
        ({"language": 7}, "language"),
        ({"keyscale": ["C"]}, "keyscale"),
        ({"creativity": 3}, "creativity"),
        ({"promptStrength": 11}, "prompt_strength"),
        ({"shift": 0.5}, "shift"),
        ({"composerMode": "on"}, "composer_mode"),
        ({"lyrics": ["la"]}, "lyrics"),
        ({"outputFormat": "ogg"}, "output_format"),
        ({"steps": 0}, "steps"),
        ({"contextImages": [True]}, "context_images"),
    ],
)
def test_audio_parameter_errors(params: dict[str, Any], field: str) -> None:
    assert invalid(audio(**params), ACE).field == field


# -- uploads and content types ----------------------------------------------------------------


def test_image_upload_slots() -> None:
    params = image(
        startingImage=b"start",
        controlNet={"name": "canny", "image": b"cn"},
        contextImages=[b"one", True, None, b"four"],
    )
    slots = upload_slots(params)
    assert [(s.param, s.endpoint, s.type, s.index, s.field) for s in slots] == [
        ("startingImage", "image", "startingImage", None, "starting_image"),
        ("controlNet", "image", "cnImage", None, "control_net.image"),
        ("contextImages", "image", "contextImage1", 0, "context_images[0]"),
        ("contextImages", "image", "contextImage4", 3, "context_images[3]"),
    ]
    assert slots[0].value == b"start" and slots[3].value == b"four"


def test_uploaded_markers_need_no_slot() -> None:
    params = image(
        startingImage=True, controlNet={"name": "canny", "image": True}, contextImages=[True]
    )
    assert upload_slots(params) == []
    assert upload_slots(audio()) == []


def test_video_upload_slots() -> None:
    params = video(
        LTX_V2V,
        referenceImage=b"i",
        referenceImageEnd=b"e",
        referenceAudio=True,
        referenceAudioIdentity=b"voice",
        referenceVideo=b"v",
    )
    slots = upload_slots(params)
    assert [(s.param, s.endpoint, s.type) for s in slots] == [
        ("referenceImage", "image", "referenceImage"),
        ("referenceImageEnd", "image", "referenceImageEnd"),
        ("referenceAudioIdentity", "media", "referenceAudio"),
        ("referenceVideo", "media", "referenceVideo"),
    ]
    assert all(isinstance(s, UploadSlot) for s in slots)


def test_add_content_types_in_order() -> None:
    message = build(video(LTX_I2V, referenceImage=b"i", referenceImageEnd=b"e"), LTX_I2V)
    add_content_types(message, {"referenceImageEnd": "image/png", "referenceImage": "image/jpeg"})
    frame = kf(message)
    assert list(frame)[-2:] == ["referenceImageContentType", "referenceImageEndContentType"]
    assert frame["referenceImageContentType"] == "image/jpeg"


def test_identity_only_sets_the_audio_type_too() -> None:
    message = build(video(LTX_T2V, referenceAudioIdentity=b"voice"), LTX_T2V)
    add_content_types(message, {"referenceAudioIdentity": "audio/wav"})
    frame = kf(message)
    assert list(frame)[-2:] == ["referenceAudioIdentityContentType", "referenceAudioContentType"]
    assert frame["referenceAudioContentType"] == "audio/wav"


def test_audio_type_wins_over_identity_and_unknown_types_are_dropped() -> None:
    message = build(video(LTX_V2V, referenceVideo=b"v"), LTX_V2V)
    add_content_types(
        message,
        {
            "referenceAudio": "audio/mpeg",
            "referenceAudioIdentity": "audio/wav",
            "referenceVideo": None,
        },
    )
    frame = kf(message)
    assert frame["referenceAudioContentType"] == "audio/mpeg"
    assert frame["referenceAudioIdentityContentType"] == "audio/wav"
    assert "referenceVideoContentType" not in frame


def test_unknown_audio_type_keeps_its_position_for_identity() -> None:
    message = build(video(LTX_V2V, referenceVideo=b"v"), LTX_V2V)
    add_content_types(message, {"referenceAudio": None, "referenceAudioIdentity": "audio/wav"})
    keys = list(kf(message))
    assert keys[-2:] == ["referenceAudioContentType", "referenceAudioIdentityContentType"]


# -- byte-for-byte agreement with the official client ---------------------------------------

NPM_MODULE = (
    Path(__file__).resolve().parents[1]
    / "npm/node_modules/@sogni-ai/sogni-client/dist/Projects/createJobRequestMessage.js"
)

AGREEMENT_CASES: list[tuple[dict[str, Any], ModelOptions]] = [
    (image(), FLUX),
    (
        image(
            steps=4,
            guidance=1,
            seed=42,
            negativePrompt="bad",
            stylePrompt="anime",
            sampler="euler",
            scheduler="karras",
            startingImage=True,
            startingImageStrength=0.7,
            controlNet={
                "name": "canny",
                "image": True,
                "strength": 0.5,
                "mode": "cn_priority",
                "guidanceStart": 0,
                "guidanceEnd": 1,
            },
            contextImages=[True, False],
            numberOfPreviews=3,
            numberOfMedia=4,
            outputFormat="jpg",
            tokenType="spark",
            network="fast",
            disableNSFWFilter=True,
            loras=["x"],
            loraStrengths=[0.9],
            appSource="tests",
            width=1024,
            height=768,
        ),
        FLUX,
    ),
    (image(sizePreset="custom", width=2048, height=256), FLUX),
    (image(sizePreset="portrait_7_9", width=100, height=100), FLUX),
    (
        image(
            modelId=Z_IMAGE.model_id,
            sampler="res_multistep",
            scheduler="simple",
            startingImage=True,
            startingImageStrength=0,
        ),
        Z_IMAGE,
    ),
    (
        image(
            modelId=GPT.model_id,
            contextImages=[True] * 16,
            gptImageQuality="high",
            gptImageBackground="auto",
            outputFormat="webp",
            width=3840,
            height=2160,
        ),
        GPT,
    ),
    (
        video(
            WAN_T2V,
            duration=5,
            fps=32,
            shift=5,
            teacacheThreshold=0.15,
            sampler="euler",
            width=848,
            height=480,
            negativePrompt="static",
            steps=4,
            guidance=1,
            referenceAudioIdentity=True,
        ),
        WAN_T2V,
    ),
    (video(WAN_I2V, referenceImage=True, referenceImageEnd=True, duration=3.5), WAN_I2V),
    (
        video(
            WAN_S2V,
            referenceImage=True,
            referenceAudio=True,
            audioStart=1.5,
            audioDuration=5,
            duration=5,
        ),
        WAN_S2V,
    ),
    (
        video(
            WAN_REPLACE,
            referenceImage=True,
            referenceVideo=True,
            videoStart=2,
            duration=20,
            sam2Coordinates=[{"x": 0.5, "y": 0.5}],
            trimEndFrame=True,
        ),
        WAN_REPLACE,
    ),
    (
        video(
            LTX_I2V,
            referenceImage=True,
            referenceImageEnd=True,
            duration=1.5,
            fps=24,
            firstFrameStrength=0.6,
            lastFrameStrength=0.7,
            generateAudio=True,
            referenceAudioIdentity=True,
            audioIdentityStrength=3,
            width=1920,
            height=1088,
            seed=9,
        ),
        LTX_I2V,
    ),
    (
        video(
            LTX_V2V,
            referenceVideo=True,
            referenceImage=True,
            controlNet={"name": "depth", "strength": 0.85},
            detailerStrength=0.6,
            frames=97,
        ),
        LTX_V2V,
    ),
    (video(LTX_A2V, referenceAudio=True, duration=2.5, fps=25), LTX_A2V),
    (
        video(
            SEEDANCE,
            referenceImage=True,
            referenceImageUrls=["https://a/1.png"],
            referenceAudioUrls=["https://a/s.mp3"],
            referenceVideoUrls=["https://a/v.mp4"],
            duration=15,
            negativePrompt="ugly",
            generateAudio=False,
            tokenType="spark",
        ),
        SEEDANCE,
    ),
    (video(SEEDANCE, frames=49), SEEDANCE),
    (
        audio(
            negativePrompt="noise",
            duration=30,
            bpm=120,
            timesignature="4",
            language="en",
            lyrics="la la ✓ 歌",
            keyscale="C major",
            composerMode=False,
            promptStrength=2.5,
            creativity=0.85,
            shift=3,
            sampler="euler",
            scheduler="simple",
            steps=8,
            outputFormat="wav",
            seed=1,
        ),
        ACE,
    ),
    (audio(), ACE),
]


@pytest.mark.npm
@pytest.mark.skipif(
    shutil.which("node") is None or not NPM_MODULE.exists(),
    reason="needs Node.js and the official npm client in tests/npm",
)
def test_messages_match_the_official_client_byte_for_byte() -> None:
    payload = [
        {
            "params": params,
            "options": {
                "type": opts.media,
                "sampler": {"allowed": list(opts.sampler.allowed)},
                "scheduler": {"allowed": list(opts.scheduler.allowed)},
            },
        }
        for params, opts in AGREEMENT_CASES
    ]
    script = (
        f"const build = require({json.dumps(str(NPM_MODULE))}).default;"
        "let input = '';"
        "process.stdin.on('data', d => input += d);"
        "process.stdin.on('end', () => {"
        "  const out = JSON.parse(input).map(c => JSON.stringify(build("
        f"    {json.dumps(PID)}, c.params, c.options)));"
        "  process.stdout.write(JSON.stringify(out));"
        "});"
    )
    result = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    expected = json.loads(result.stdout)
    assert len(expected) == len(AGREEMENT_CASES)
    for (params, opts), theirs in zip(AGREEMENT_CASES, expected, strict=True):
        ours = json.dumps(build(params, opts), separators=(",", ":"), ensure_ascii=False)
        assert ours == theirs, params
