"""The plain-named hosted tool set as data: the manifest, SogniTools, argument checks,
direct dispatch as the older sogni_* twins, workflow steps and extra_body."""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path
from typing import Any

import pytest
from helpers import data_uri, png

from sogni.core import workflows as wf
from sogni.core.chat import manifest
from sogni.core.chat.request import build_hosted_chat_body, build_llm_job_request
from sogni.core.chat.results import FunctionCall, ToolCall
from sogni.core.chat.tools import (
    DIRECT_TOOL_NAMES,
    HOSTED_ONLY_TOOL_NAMES,
    PLAIN_TOOL_NAMES,
    SOGNI_TOOL_NAMES,
    SogniTools,
    check_tool_batch,
    has_direct_dispatch,
    is_sogni_tool_call,
    plan_tool_call,
    tool_call_to_project_params,
    validate_tool_arguments,
)
from sogni.errors import ValidationError
from sogni.testing.glb import glb_bytes

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schemas" / "sogni_hosted_tools.json"
PACKAGED = ROOT / "src" / "sogni" / "core" / "chat" / "sogni_hosted_tools.json"

PLAIN = (
    "generate_image", "generate_video", "generate_music", "generate_speech", "edit_image",
    "apply_style", "restore_photo", "upscale_image", "upscale_video", "refine_result",
    "animate_photo", "change_angle", "video_to_video", "stitch_video", "orbit_video",
    "dance_montage", "sound_to_video", "extend_video", "replace_video_segment",
    "overlay_video", "add_subtitles", "enhance_prompt", "compose_lyrics",
    "compose_instrumental", "compose_script", "compose_workflow", "compose_workflow_template",
    "image_to_3d", "remove_background", "segment_image",
)  # fmt: skip
DIRECT = {
    "generate_image": "sogni_generate_image",
    "edit_image": "sogni_edit_image",
    "generate_video": "sogni_generate_video",
    "sound_to_video": "sogni_sound_to_video",
    "video_to_video": "sogni_video_to_video",
    "generate_music": "sogni_generate_music",
}
MODELS = [
    {"id": "flux2_dev_fp8", "media": "image", "workerCount": 3},
    {"id": "qwen_image_edit_2511_fp8", "media": "image", "workerCount": 1},
    {"id": "ltx23-22b-fp8_t2v_distilled", "media": "video", "workerCount": 2},
    {"id": "ltx23-22b-fp8_i2v_distilled", "media": "video", "workerCount": 2},
    {"id": "ltx23-22b-fp8_v2v_distilled", "media": "video", "workerCount": 2},
    {"id": "wan_v2.2-14b-fp8_animate-move_lightx2v", "media": "video", "workerCount": 1},
    {"id": "ltx23-22b-fp8_a2v_distilled", "media": "video", "workerCount": 2},
    {"id": "ace_step_1.5_turbo", "media": "audio", "workerCount": 2},
]


def _call(name: str, args: Any, call_id: str = "call_1") -> ToolCall:
    return ToolCall(id=call_id, function=FunctionCall(name, json.dumps(args)))


MP4 = (
    "data:video/mp4;base64," + base64.b64encode(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 12).decode()
)
WAV = (
    "data:audio/wav;base64,"
    + base64.b64encode(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 24).decode()
)


# -- the data --------------------------------------------------------------------------------


def test_packaged_copy_is_the_committed_schema_byte_for_byte() -> None:
    # codegen copies it; a stale copy means `python -m codegen` was not run.
    assert PACKAGED.read_bytes() == SCHEMA.read_bytes()


def test_manifest_names_version_and_direct_dispatch() -> None:
    data = json.loads(SCHEMA.read_text("utf-8"))
    assert data["version"] == manifest.plain_version() == SogniTools.version == "2026-08-24.1"
    assert PLAIN_TOOL_NAMES == PLAIN == SogniTools.names
    assert {spec.name for spec in manifest.plain_tools() if spec.direct_dispatch} == set(DIRECT)
    assert set(HOSTED_ONLY_TOOL_NAMES) == set(PLAIN) - set(DIRECT)
    assert set(DIRECT_TOOL_NAMES) == set(DIRECT) | set(SOGNI_TOOL_NAMES)
    for spec in manifest.plain_tools():
        assert spec.definition["function"]["description"], spec.name
        assert spec.output in ("image", "video", "audio", "model", "text")
        for name, prop in spec.parameters["properties"].items():
            assert prop.get("description"), f"{spec.name}.{name}"


def test_each_direct_tool_renames_to_arguments_of_its_older_twin() -> None:
    for spec in manifest.plain_tools():
        if not spec.direct_dispatch:
            assert spec.twin is None and not spec.renames
            continue
        assert spec.twin == DIRECT[spec.name]
        twin = manifest.tool_spec(spec.twin)
        assert twin is not None and twin.twin == spec.name and twin.output == spec.output
        for plain, older in spec.renames.items():
            assert plain in spec.arguments and older in twin.arguments, (spec.name, plain)


def test_outputs_of_tools_that_are_not_media_projects() -> None:
    outputs = {spec.name: spec.output for spec in manifest.plain_tools()}
    assert outputs["image_to_3d"] == "model"
    assert outputs["generate_speech"] == "audio"
    assert outputs["upscale_video"] == "video" and outputs["remove_background"] == "image"
    assert {n for n, o in outputs.items() if o == "text"} == {
        "enhance_prompt", "compose_lyrics", "compose_instrumental", "compose_script",
        "compose_workflow", "compose_workflow_template",
    }  # fmt: skip


# -- SogniTools ---------------------------------------------------------------------------------


def test_every_plain_tool_has_an_attribute_and_a_lookup() -> None:
    for name in PLAIN:
        by_attribute = getattr(SogniTools, name)
        assert by_attribute["function"]["name"] == name
        assert SogniTools[name] == SogniTools.get(name) == by_attribute
        assert set(by_attribute) == {"type", "function"}  # the x-sogni block stays inside
    assert [t["function"]["name"] for t in SogniTools.all] == list(PLAIN)
    assert len(SogniTools) == 30 and "apply_style" in SogniTools
    with pytest.raises(ValidationError) as info:
        SogniTools.get("sogni_generate_image")
    assert info.value.field == "tool_name" and "generate_image" in (info.value.allowed or ())


def test_older_set_and_direct_set_stay_available() -> None:
    assert SogniTools.older.names == SOGNI_TOOL_NAMES
    assert SogniTools.older.generate_image["function"]["name"] == "sogni_generate_image"
    assert SogniTools.older.version == "2026-04-30.1"
    assert set(SogniTools.direct.names) == set(DIRECT)
    first = SogniTools.apply_style
    first["function"]["parameters"].clear()
    assert SogniTools.apply_style["function"]["parameters"]["properties"]


def test_is_sogni_tool_call_for_both_sets_only() -> None:
    for name in (*PLAIN, *SOGNI_TOOL_NAMES):
        assert is_sogni_tool_call(_call(name, {})), name
    assert not is_sogni_tool_call(_call("get_weather", {}))
    assert has_direct_dispatch(_call("generate_image", {}))
    assert not has_direct_dispatch(_call("compose_script", {}))


# -- argument checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "argument", "allowed"),
    [
        ("generate_image", {}, "prompt", None),
        ("generate_image", {"prompt": ""}, "prompt", None),
        ("generate_image", {"prompt": "x", "width": "wide"}, "width", "a number"),
        ("generate_image", {"prompt": "x", "numberOfVariations": 17}, "numberOfVariations",
         "1 to 16"),
        ("generate_image", {"prompt": "x", "outputFormat": "gif"}, "outputFormat",
         ["png", "jpg", "jpeg", "webp"]),
        ("generate_music", {"prompt": "x", "model": "my-model"}, "model",
         ["minimax_music3", "ace_step_1.5_xl_turbo", "ace_step_1.5_xl_sft",
          "ace_step_1.5_turbo", "ace_step_1.5_sft"]),
        ("generate_speech", {"prompt": "x" * 4097}, "prompt", "at most 4096 characters"),
        ("upscale_video", {"targetResolution": 720}, "targetResolution", [1080, 1440]),
        ("overlay_video", {"overlays": [{"kind": "sticker", "position": "center"}]},
         "overlays[0].kind",
         ["text", "image"]),
        ("overlay_video", {"overlays": []}, "overlays", None),
        ("stitch_video", {"videoIndices": [0], "transition": {}}, "transition.type", None),
        ("enhance_prompt", {"prompt": "x", "destination_model": "ltx23"}, "target_output",
         None),
        ("sogni_sound_to_video", {"prompt": "x"}, "reference_audio_url", None),
    ],
)  # fmt: skip
def test_validate_names_the_argument_and_what_is_allowed(
    name: str, args: dict[str, Any], argument: str, allowed: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        SogniTools.validate(_call(name, args))
    assert info.value.field == argument
    assert info.value.allowed == allowed
    assert f"invalid {name} arguments" in info.value.message


def test_valid_calls_pass_and_unknown_arguments_are_ignored() -> None:
    SogniTools.validate(_call("generate_image", {"prompt": "x", "model": "any-id", "foo": 1}))
    SogniTools.validate(_call("add_subtitles", {"srt": "1\n00:00:00,000 --> 00:00:01,000\nhi"}))
    SogniTools.validate(_call("sogni_generate_image", {"prompt": "x", "steps": 4}))
    assert validate_tool_arguments("upscale_image", {"scale": True}) == [
        'argument "scale" must be a number'
    ]
    assert validate_tool_arguments("nope", {}) == ["'nope' is not a Sogni tool"]


def test_batch_limit_counts_only_client_run_calls() -> None:
    hosted = [_call("compose_script", {"brief": "x"}, str(i)) for i in range(20)]
    direct = [_call("generate_image", {"prompt": "x"}, f"d{i}") for i in range(8)]
    check_tool_batch(hosted + direct)
    with pytest.raises(ValidationError):
        check_tool_batch([*direct, _call("sogni_generate_music", {"prompt": "x"})])


# -- direct dispatch as the older twin ----------------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "plain_args", "older_args"),
    [
        ("generate_image",
         {"prompt": "a fox", "negativePrompt": "blur", "numberOfVariations": 2, "seed": 7,
          "width": 640, "height": 512, "gptImageQuality": "high", "outputFormat": "jpeg"},
         {"prompt": "a fox", "negative_prompt": "blur", "number_of_variations": 2, "seed": 7,
          "width": 640, "height": 512, "gpt_image_quality": "high", "output_format": "jpeg"}),
        ("edit_image",
         {"prompt": "bluer", "source_image_url": data_uri(png(4, 4)), "numberOfVariations": 3},
         {"prompt": "bluer", "source_image_url": data_uri(png(4, 4)), "number_of_variations": 3}),
        ("generate_video",
         {"prompt": "waves", "negativePrompt": "rain", "duration": 3, "generateAudio": False,
          "videoModel": "ltx23"},
         {"prompt": "waves", "negative_prompt": "rain", "duration": 3, "generate_audio": False,
          "model": "ltx23"}),
        ("sound_to_video",
         {"prompt": "beat", "reference_audio_url": WAV, "audioStart": 2, "duration": 4},
         {"prompt": "beat", "reference_audio_url": WAV, "audio_start": 2, "duration": 4}),
        ("video_to_video",
         {"prompt": "neon", "reference_video_url": MP4, "controlMode": "depth",
          "negativePrompt": "fog"},
         {"prompt": "neon", "reference_video_url": MP4, "control_mode": "depth",
          "negative_prompt": "fog"}),
        ("generate_music",
         {"prompt": "jazz", "duration": 30, "bpm": 90, "timesig": 3, "numberOfVariations": 2},
         {"prompt": "jazz", "duration": 30, "bpm": 90, "timesignature": "3",
          "number_of_variations": 2}),
    ],
)  # fmt: skip
def test_plain_generation_tools_give_their_twins_project_params(
    plain: str, plain_args: dict[str, Any], older_args: dict[str, Any]
) -> None:
    new = plan_tool_call(_call(plain, plain_args), MODELS, token_type="spark")
    old = plan_tool_call(_call(DIRECT[plain], older_args), MODELS, token_type="spark")
    assert new.project_params == old.project_params
    assert (new.model_id, new.media_type, new.prompt) == (old.model_id, old.media_type, old.prompt)
    assert new.tool_call.function.name == plain
    direct = tool_call_to_project_params(plain, plain_args, new.model_id, token_type="spark")
    assert direct == new.project_params


def test_manifest_spelling_wins_over_an_older_one_given_alongside() -> None:
    plan = plan_tool_call(
        _call("generate_image", {"prompt": "x", "negativePrompt": "new", "negative_prompt": "old"}),
        MODELS,
    )
    assert plan.project_params["negativePrompt"] == "new"


@pytest.mark.parametrize(
    ("name", "args", "field"),
    [
        ("apply_style", {"prompt": "70s"}, "tool_name"),
        ("generate_video", {"prompt": "x", "referenceImageIndices": [-1]},
         "referenceImageIndices"),
        ("video_to_video", {"prompt": "x", "reference_video_url": MP4, "controlMode": "outpaint"},
         "controlMode"),
        ("video_to_video", {"prompt": "x", "reference_video_url": MP4}, "controlMode"),
        ("sound_to_video", {"prompt": "x"}, "reference_audio_url"),
        ("edit_image", {"prompt": "x"}, "source_image_url"),
    ],
)  # fmt: skip
def test_what_a_client_cannot_run_is_refused_naming_the_argument(
    name: str, args: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        plan_tool_call(_call(name, args), MODELS)
    assert info.value.field == field
    assert name in info.value.message


# -- workflow steps --------------------------------------------------------------------------


def test_step_tools_and_arguments_come_from_the_data() -> None:
    for spec in manifest.plain_tools():
        assert set(spec.arguments) <= set(wf.HOSTED_TOOL_ARGUMENTS[spec.name])
        if not spec.direct_dispatch:
            assert wf.HOSTED_TOOL_ARGUMENTS[spec.name] == spec.arguments
    for spec in manifest.older_tools():
        assert wf.HOSTED_TOOL_ARGUMENTS[spec.name] == spec.arguments
    # A client-run plain tool also takes its twin's inline-media arguments.
    assert "source_image_url" in wf.HOSTED_TOOL_ARGUMENTS["edit_image"]
    assert set(wf.HOSTED_TOOL_NAMES) == set(PLAIN) | set(SOGNI_TOOL_NAMES) | set(
        manifest.workflow_step_tools()
    )


def test_plain_steps_with_manifest_arguments_are_accepted() -> None:
    steps = wf.normalize_steps(
        [
            {"id": "still", "toolName": "generate_image",
             "arguments": {"prompt": "a kite", "aspectRatio": "9:16", "numberOfVariations": 2}},
            {"id": "clip", "tool_name": "animate_photo", "arguments": {"prompt": "it flies"},
             "depends_on": [{"source_step_id": "still", "target_argument": "sourceImageIndex",
                             "transform": "image_index"}]},
            {"id": "cut", "toolName": "replace_video_segment", "arguments": {"endSeconds": 2},
             "dependsOn": [{"sourceStepId": "clip", "targetArgument": "startSeconds",
                            "transform": "artifact_url"}]},
            {"toolName": "analyze_image", "arguments": {"anything": True}},
            {"toolName": "sogni_generate_music", "arguments": {"prompt": "calm"}},
        ]
    )  # fmt: skip
    assert [s["toolName"] for s in steps] == [
        "generate_image", "animate_photo", "replace_video_segment", "analyze_image",
        "sogni_generate_music",
    ]  # fmt: skip
    assert steps[1]["dependsOn"][0]["transform"] == "image_index"


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ({"toolName": "generate_image", "arguments": {"prompt": "x", "outputFormat": "bmp"}},
         "steps[0].arguments.outputFormat"),
        ({"toolName": "upscale_video", "arguments": {"targetResolution": 4000}},
         "steps[0].arguments.targetResolution"),
        ({"toolName": "dance_montage", "arguments": {}}, "steps[0].arguments.dance"),
        ({"toolName": "compose_workflow_template", "arguments": {"brief": "x"}},
         "steps[0].arguments.name"),
        ({"toolName": "generate_image", "arguments": {"prompt": "x"},
          "dependsOn": [{"sourceStepId": "$input_media", "targetArgument": "prompt",
                         "transform": "artifact_url"}]}, "steps[0].depends_on[0].source_step_id"),
    ],
)  # fmt: skip
def test_bad_plain_steps_fail_before_anything_is_sent(step: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        wf.start_hosted_tool_sequence_request([step])
    assert info.value.field == field


# -- extra_body ------------------------------------------------------------------------------------

HELLO = [{"role": "user", "content": "hi"}]


def test_extra_body_is_merged_verbatim_into_chat_requests() -> None:
    extra = {"reasoningEffort": "low", "x_nested": {"a": [1, (2, 3)]}}
    socket = build_llm_job_request(
        {"model": "m", "messages": HELLO, "extra_body": extra}, job_id="J", client_app_source=None
    )
    assert socket["reasoningEffort"] == "low" and socket["x_nested"] == {"a": [1, [2, 3]]}
    hosted = build_hosted_chat_body(
        {"model": "m", "messages": HELLO, "extra_body": extra}, client_app_source=None
    )
    assert hosted["reasoningEffort"] == "low"


@pytest.mark.parametrize(
    ("extra", "field", "keyword"),
    [
        ({"tokenType": "spark"}, "extra_body.tokenType", "token_type"),
        ({"chat_template_kwargs": {}}, "extra_body.chat_template_kwargs", "think"),
        ({"max_tokens": 3}, "extra_body.max_tokens", "max_tokens"),
        ({"jobID": "X"}, "extra_body.jobID", None),
        ({"x": float("nan")}, "extra_body.x", None),
        ({"x": {1, 2}}, "extra_body.x", None),
    ],
)
def test_extra_body_conflicts_and_bad_values_name_what_to_use(
    extra: dict[str, Any], field: str, keyword: str | None
) -> None:
    with pytest.raises(ValidationError) as info:
        build_llm_job_request(
            {"model": "m", "messages": HELLO, "extra_body": extra},
            job_id="J",
            client_app_source=None,
        )
    assert info.value.field == field
    if keyword is not None:
        assert info.value.allowed == [keyword] and f"{keyword}=" in info.value.message


def test_extra_body_on_workflow_starts() -> None:
    request = wf.start_request(input={"steps": []}, extra_body={"safeContentFilter": False})
    assert request.json["safeContentFilter"] is False
    typed = wf.start_hosted_tool_sequence_request(
        [{"toolName": "generate_image", "arguments": {"prompt": "x"}}],
        extra_body={"billing_mode": "auto", "safe_content_filter": True},
    )
    assert typed.json["billing_mode"] == "auto" and typed.json["safe_content_filter"] is True
    with pytest.raises(ValidationError) as info:
        wf.start_request(input={}, extra_body={"workflow_id": "t"})
    assert info.value.field == "extra_body.workflow_id" and info.value.allowed == ["template_id"]
    with pytest.raises(ValidationError) as info:
        wf.start_image_to_video_request("x", extra_body={"input": {}})
    assert info.value.allowed == ["extra"]
    with pytest.raises(ValidationError):
        wf.start_image_to_video_request("x", extra_body={"kind": "other"})


# -- the local Supernet's 3D result ------------------------------------------------------------


def test_emulator_glb_is_a_well_formed_binary_gltf() -> None:
    data = glb_bytes("a chair")
    magic, version, length = struct.unpack_from("<III", data)
    assert (magic, version, length) == (0x46546C67, 2, len(data))
    json_length, kind = struct.unpack_from("<II", data, 12)
    assert kind == 0x4E4F534A and json_length % 4 == 0
    document = json.loads(data[20 : 20 + json_length])
    assert document["asset"]["version"] == "2.0"
    assert document["asset"]["extras"]["label"] == "a chair"
