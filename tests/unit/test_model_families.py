"""The family table: new families get their rules, unknown models the generic ones."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from sogni.core.families import family_of
from sogni.core.job_request import build_job_request
from sogni.core.model_options import ModelOptions, OptionList
from sogni.core.video import calculate_video_frames, video_workflow
from sogni.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]
PID = "P1"


def opts(model_id: str, media: str, kind: str | None = None) -> ModelOptions:
    return ModelOptions(
        model_id=model_id,
        media=media,  # type: ignore[arg-type]
        tier="t",
        kind=(kind or {"image": "forge-image", "video": "video", "audio": "audio"}[media]),  # type: ignore[arg-type]
        sampler=OptionList(()),
        scheduler=OptionList(()),
    )


def build(model_id: str, media: str, kind: str | None = None, **params: Any) -> dict[str, Any]:
    wire = {"type": media, "modelId": model_id, "positivePrompt": "p", "numberOfMedia": 1}
    wire.update(params)
    return build_job_request(wire, opts(model_id, media, kind), project_id=PID)


def refused(model_id: str, media: str, **params: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        build(model_id, media, **params)
    return info.value


@pytest.mark.parametrize(
    ("model_id", "family"),
    [
        ("happyhorse-1.1-r2v", "happyhorse-1.1"),
        ("seedance-2-0-mini", "seedance-2.0-mini"),
        ("seedance-2-5", "seedance-2.5"),
        ("seedance-2-0", "seedance-2.0"),
        ("wan3.0-video", "wan3"),
        ("wan3.0-spicy-video", "wan3-enhanced"),
        ("ltx25-22b-int8_t2v_distilled", "ltx2.5"),
        ("flashvsr_v1.1_tiny_long_bf16", "flashvsr"),
        ("minimax-h3-fl2va-fp8_t2v", "minimax-h3"),
        ("gpt-image-2.5-flare", "gpt-image-2.5"),
        ("gpt-image-2", "gpt-image"),
        ("krea2_turbo_fp8_scaled", "krea2-turbo"),
        ("krea2_identity_edit_v1_2", "krea2-identity-edit"),
        ("seedream-5-0-pro-uncensored", "seedream"),
        ("sam3_image_segment_bf16", "sam3"),
        ("birefnet_image_background_removal_fp16", "birefnet"),
        ("moss_image_sft_int8_convrot", "moss-image"),
        ("qwen3_tts_1.7b_custom_voice_bf16", "qwen3-tts"),
        ("minimax_music3", "minimax-music3"),
        ("pixal3d_int8_i23d", "pixal3d"),
        ("pixal3d_multiview_int8_i23d", "pixal3d-multiview"),
        ("flux1-schnell-fp8", "flux1"),
        ("flux1-dev-kontext_fp8_scaled", "kontext"),
        ("coreml-cyberrealistic_v70_768", "stable-diffusion"),
        ("novel-video-model-x", None),
    ],
)
def test_family_of(model_id: str, family: str | None) -> None:
    found = family_of(model_id)
    assert (found.name if found else None) == family


def test_families_are_generated_from_the_schema() -> None:
    document = json.loads((ROOT / "schemas" / "model_families.json").read_text("utf-8"))
    from sogni.core._generated.families import FAMILIES

    assert [f["name"] for f in FAMILIES] == [f["name"] for f in document["families"]]


def test_unknown_model_of_a_known_kind_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sogni")
    for _ in range(3):
        frame = build("novel-audio-model-q", "audio", duration=30)["keyFrames"][0]
        assert frame["modelID"] == "novel-audio-model-q"
    warnings = [r for r in caplog.records if "novel-audio-model-q" in r.getMessage()]
    assert len(warnings) == 1
    assert "generic audio rules" in warnings[0].getMessage()


def test_unknown_image_models_send_sampler_fields_as_the_npm_client_does() -> None:
    # The network maps scheduler/timeStepSpacing for either kind of worker.
    for kind in ("comfy-image", "forge-image"):
        frame = build("novel-image-model-" + kind, "image", kind=kind)["keyFrames"][0]
        assert "comfySampler" not in frame and "timeStepSpacing" in frame


def test_krea2_sends_the_vae_field() -> None:
    frame = build("krea2_turbo_fp8_scaled", "image", kind="comfy-image")["keyFrames"][0]
    assert frame["vae"] is None and "comfySampler" in frame
    assert "vae" not in build("z_image_turbo_bf16", "image", kind="comfy-image")["keyFrames"][0]


def test_minimax_h3_frames_fps_and_size_grid() -> None:
    h3 = "minimax-h3-fl2va-fp8_t2v"
    assert calculate_video_frames(h3, 5, 24) == 124
    assert calculate_video_frames(h3, 6, 24) == 141
    assert calculate_video_frames(h3, 60, 24) == 362
    frame = build(h3, "video", duration=6, width=1344, height=768, negativePrompt="x")["keyFrames"][
        0
    ]
    assert (frame["frames"], frame["fps"]) == (141, 24)
    assert "negativePrompt" not in frame
    assert refused(h3, "video", fps=30).field == "fps"
    assert refused(h3, "video", width=1000, height=768).field == "width"
    assert refused(h3, "video", width=1344, height=1344).field == "width"  # too many pixels
    assert refused(h3, "video", guidance=3).field == "guidance"


def test_minimax_h3_r2v_takes_video_and_audio_references() -> None:
    r2v = "minimax-h3-ref2va-fp8_r2v"
    assert video_workflow(r2v) == "r2v"
    frame = build(r2v, "video", referenceVideo=True, referenceAudio=True)["keyFrames"][0]
    assert frame["hasReferenceVideo1"] and frame["hasReferenceAudio1"]  # numbered slots
    assert refused(r2v, "video", referenceImage=True, referenceImageEnd=True).field == (
        "reference_image_end"
    )


def test_seedance_families() -> None:
    assert build("seedance-2-0-mini", "video", duration=5)["keyFrames"][0]["frames"] == 121
    assert refused("seedance-2-0", "video", duration=20).field == "duration"
    long = build("seedance-2-5", "video", duration=30, tokenType="spark")["keyFrames"][0]
    assert long["frames"] == 721 and long["fps"] == 24
    assert refused("seedance-2-0-mini", "video", tokenType="sogni").field == "token_type"
    urls = [f"https://x/{i}.png" for i in range(12)]
    assert refused("seedance-2-0", "video", referenceImageUrls=urls).field == "reference_image_urls"
    edit = build(
        "seedance-2-5", "video", referenceVideoUrls=["https://x/v.mp4"], seedanceTaskType="edit"
    )["keyFrames"][0]
    assert edit["seedanceTaskType"] == "edit"
    assert refused("seedance-2-5", "video", referenceVideoUrls=["https://x/v.mp4"]).field == (
        "seedance_task_type"
    )
    assert refused("seedance-2-0", "video", seedanceTaskType="edit").field == "seedance_task_type"


def test_happyhorse_and_wan3() -> None:
    frame = build("happyhorse-1.1-i2v", "video", referenceImage=True, duration=3)["keyFrames"][0]
    assert frame["frames"] == 73 and frame["fps"] == 24 and frame["hasReferenceImage"]
    assert refused("happyhorse-1.1-i2v", "video").field == "reference_image"
    assert refused("happyhorse-1.1-t2v", "video", duration=2).field == "duration"
    wan3 = build("wan3.0-video", "video", duration=10, ratio="16:9", promptExtend=True)
    frame = wan3["keyFrames"][0]
    assert (frame["fps"], frame["frames"], frame["ratio"]) == (30, 301, "16:9")
    assert refused("wan3.0-video", "video", fps=24).field == "fps"
    assert refused("ltx23-22b-fp8_t2v_distilled", "video", ratio="16:9").field == "ratio"


def test_flashvsr_upscale() -> None:
    model = "flashvsr_v1.1_tiny_long_bf16"
    frame = build(model, "video", positivePrompt="", referenceVideo=True, upscaleResolution=1440)[
        "keyFrames"
    ][0]
    assert frame["upscaleResolution"] == 1440 and frame["steps"] == 1 and frame["seed"] == 0
    assert frame["detailPreference"] == "stable" and frame["interpolation"] == "none"
    assert frame["generateAudio"] is True
    assert refused(model, "video", positivePrompt="", upscaleResolution=1080).field == (
        "reference_video"
    )
    assert refused(model, "video", referenceVideo=True, upscaleResolution=1080).field == (
        "positive_prompt"
    )
    assert refused("ltx23-22b-fp8_t2v_distilled", "video", upscaleResolution=1080).field == (
        "upscale_resolution"
    )


def test_segmentation_and_3d() -> None:
    sam3 = build(
        "sam3_image_segment_bf16",
        "image",
        startingImage=True,
        numberOfMedia=4,
        sam3Prompt={"text": " cat ", "max_instances": 2},
    )
    frame = sam3["keyFrames"][0]
    assert frame["sam3Prompt"] == {
        "points": [],
        "boxes": [],
        "text": "cat",
        "threshold": 0.5,
        "applyMask": False,
        "maxInstances": 2,
    }
    assert sam3["numberOfImages"] == 1 and sam3["outputFormat"] == "png"
    assert refused("sam3_image_segment_bf16", "image", startingImage=True).field == "sam3_prompt"
    assert refused("sam3_image_segment_bf16", "image", sam3Prompt={"text": "x"}).field == (
        "starting_image"
    )
    assert refused("flux1-schnell-fp8", "image", sam3Prompt={"text": "x"}).field == "sam3_prompt"
    birefnet = build("birefnet_image_background_removal_fp16", "image", startingImage=True)
    assert birefnet["keyFrames"][0]["applyMask"] is False
    glb = build("pixal3d_multiview_int8_i23d", "image", startingImage=True, backViewImage=True)
    assert glb["outputFormat"] == "glb" and glb["keyFrames"][0]["hasContextImage2"] is True
    assert refused("pixal3d_int8_i23d", "image", startingImage=True, leftViewImage=True).field == (
        "left_view_image"
    )


def test_gpt_image_25_options() -> None:
    frame = build(
        "gpt-image-2.5-flare",
        "image",
        tokenType="spark",
        gptImageQuality="max",
        gptImageBackground="transparent",
        outputFormat="webp",
        gptImageOutputCompression=80,
    )["keyFrames"][0]
    assert (frame["gptImageQuality"], frame["gptImageOutputCompression"]) == ("max", 80)
    assert refused("gpt-image-2", "image", gptImageQuality="max").field == "gpt_image_quality"
    assert (
        refused(
            "gpt-image-2.5-flare", "image", gptImageBackground="transparent", outputFormat="jpg"
        ).field
        == "output_format"
    )


def test_speech_fields_pass_through() -> None:
    frame = build(
        "qwen3_tts_1.7b_voice_clone_bf16",
        "audio",
        speaker="ryan",
        instruct="calm",
        referenceText="hello",
        referenceAudio=True,
    )["keyFrames"][0]
    assert (frame["speaker"], frame["instruct"], frame["referenceText"]) == (
        "ryan",
        "calm",
        "hello",
    )
    assert frame["hasReferenceAudio"] is True


def test_extra_params_arrive_verbatim_and_known_fields_are_refused() -> None:
    keywords = {"steps": "steps", "positivePrompt": "positive_prompt"}
    wire = {
        "type": "image",
        "modelId": "novel-image-model-e",
        "numberOfMedia": 1,
        "extraParams": {"brandNewField": {"a": [1, 2]}, "otherFlag": True},
    }
    frame = build_job_request(
        wire, opts("novel-image-model-e", "image"), project_id=PID, keywords=keywords
    )["keyFrames"][0]
    assert frame["brandNewField"] == {"a": [1, 2]} and frame["otherFlag"] is True
    for key, keyword in (("steps", "steps"), ("positivePrompt", "positive_prompt")):
        wire["extraParams"] = {key: 1}
        with pytest.raises(ValidationError) as info:
            build_job_request(
                wire, opts("novel-image-model-e", "image"), project_id=PID, keywords=keywords
            )
        assert info.value.field == "extra_params" and keyword in str(info.value)
    wire["extraParams"] = {"modelID": "other"}
    with pytest.raises(ValidationError):
        build_job_request(wire, opts("novel-image-model-e", "image"), project_id=PID)
    wire["extraParams"] = {"bad": float("nan")}
    with pytest.raises(ValidationError):
        build_job_request(wire, opts("novel-image-model-e", "image"), project_id=PID)


def test_minimax_h3_r2v_reference_sets() -> None:
    r2v = "minimax-h3-ref2va-fp8_r2v"
    frame = build(
        r2v,
        "video",
        referenceImage=True,
        contextImages=[True, True],
        referenceVideo=True,
        referenceVideos=[True],
        referenceVideoDurations=[3, 4],
    )["keyFrames"][0]
    assert frame["hasContextImage2"] and frame["hasContextImage3"]
    assert frame["hasReferenceVideo1"] and frame["hasReferenceVideo2"]
    assert frame["referenceVideo2DurationSeconds"] == 4 and "hasReferenceVideo" not in frame
    assert refused(r2v, "video", referenceAudio=True).field == "reference_image"  # audio alone
    assert refused(r2v, "video", contextImages=[True] * 10).field == "reference_image_urls"
    assert (
        refused(
            r2v,
            "video",
            referenceVideo=True,
            referenceVideos=[True],
            referenceVideoDurations=[9, 9],
        ).field
        == "reference_video_durations"
    )
    assert refused(r2v, "video", referenceImage=True, contextImages=[True, None]).field == (
        "context_images"
    )
    assert (
        refused(
            "minimax-h3-fl2va-fp8_i2v", "video", referenceImage=True, referenceVideos=[True]
        ).field
        == "reference_videos"
    )
