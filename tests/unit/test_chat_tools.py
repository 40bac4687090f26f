"""Sogni platform tools: definitions, argument checks, model choice and project mapping."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import png

from sogni.core.chat import tools as tools_module
from sogni.core.chat.results import ChatCompletion, FunctionCall, ToolCall
from sogni.core.chat.routing import (
    resolve_model_selector,
    select_backbone_model,
    select_model,
    video_defaults,
    video_workflow,
)
from sogni.core.chat.tools import (
    SogniTools,
    build_sogni_tools,
    check_tool_batch,
    is_sogni_tool_call,
    parse_tool_call_arguments,
    plan_tool_call,
    tool_call_to_project_params,
    tool_error_result,
    tool_handler_result,
    tool_round_messages,
    tool_success_result,
    validate_tool_arguments,
)
from sogni.errors import SogniError, ValidationError

ROOT = Path(__file__).resolve().parents[2]

# Structure of the hosted tool manifest, version 2026-04-30.1 (names, parameter order, types,
# item types, maxItems, enums, required), written down from the manifest itself.
MANIFEST_2026_04_30_1 = {
    "sogni_generate_image": (
        ("prompt",),
        [
            "prompt:string",
            "negative_prompt:string",
            "width:number",
            "height:number",
            "model:string enum=gpt-image-2|flux1-schnell-fp8|flux2_dev_fp8|chroma-v.46-flash_fp8|z_image_turbo_bf16",  # noqa: E501
            "gpt_image_quality:string enum=low|medium|high|auto",
            "output_format:string enum=png|jpg|jpeg|webp",
            "number_of_variations:number",
            "steps:number",
            "seed:number",
        ],
    ),
    "sogni_edit_image": (
        ("prompt",),
        [
            "prompt:string",
            "source_image_url:string",
            "reference_image_urls:array<string>",
            "negative_prompt:string",
            "width:number",
            "height:number",
            "model:string enum=gpt-image-2|qwen_image_edit_2511_fp8_lightning|qwen_image_edit_2511_fp8|flux2_dev_fp8|flux1-dev-kontext_fp8_scaled",  # noqa: E501
            "gpt_image_quality:string enum=low|medium|high|auto",
            "output_format:string enum=png|jpg|jpeg|webp",
            "number_of_variations:number",
            "seed:number",
        ],
    ),
    "sogni_generate_video": (
        ("prompt",),
        [
            "prompt:string",
            "expand_prompt:boolean",
            "negative_prompt:string",
            "reference_image_url:string",
            "reference_image_end_url:string",
            "reference_image_urls:array<string> max=9",
            "reference_video_urls:array<string> max=3",
            "reference_audio_urls:array<string> max=3",
            "reference_audio_identity_url:string",
            "audio_identity_strength:number",
            "first_frame_strength:number",
            "last_frame_strength:number",
            "width:number",
            "height:number",
            "duration:number",
            "fps:number",
            "generate_audio:boolean",
            "model:string",
            "number_of_variations:number",
            "seed:number",
        ],
    ),
    "sogni_sound_to_video": (
        ("prompt", "reference_audio_url"),
        [
            "prompt:string",
            "expand_prompt:boolean",
            "reference_audio_url:string",
            "reference_image_url:string",
            "reference_image_urls:array<string> max=9",
            "reference_audio_urls:array<string> max=2",
            "reference_video_urls:array<string> max=3",
            "audio_start:number",
            "duration:number",
            "generate_audio:boolean",
            "width:number",
            "height:number",
            "model:string enum=seedance2|seedance-2-0|ltx23-22b-fp8_ia2v_distilled|ltx23-22b-fp8_a2v_distilled|wan_v2.2-14b-fp8_s2v_lightx2v",  # noqa: E501
            "number_of_variations:number",
            "seed:number",
        ],
    ),
    "sogni_video_to_video": (
        ("prompt", "reference_video_url"),
        [
            "prompt:string",
            "expand_prompt:boolean",
            "reference_video_url:string",
            "negative_prompt:string",
            "control_mode:string enum=animate-move|animate-replace|seedance-v2v|canny|pose|depth|detailer",  # noqa: E501
            "reference_image_url:string",
            "reference_image_urls:array<string> max=9",
            "reference_video_urls:array<string> max=2",
            "reference_audio_urls:array<string> max=3",
            "reference_audio_identity_url:string",
            "audio_identity_strength:number",
            "video_start:number",
            "duration:number",
            "generate_audio:boolean",
            "width:number",
            "height:number",
            "detailer_strength:number",
            "model:string enum=ltx23|ltx23-v2v|seedance2|ltx23-22b-fp8_v2v_distilled|seedance-2-0|wan_v2.2-14b-fp8_animate-move_lightx2v|wan_v2.2-14b-fp8_animate-replace_lightx2v",  # noqa: E501
            "number_of_variations:number",
            "seed:number",
        ],
    ),
    "sogni_generate_music": (
        ("prompt",),
        [
            "prompt:string",
            "lyrics:string",
            "language:string",
            "duration:number",
            "bpm:number",
            "keyscale:string",
            "timesignature:string enum=4|3|2|6",
            "composer_mode:boolean",
            "prompt_strength:number",
            "creativity:number",
            "model:string enum=ace_step_1.5_turbo|ace_step_1.5_sft",
            "output_format:string enum=mp3|flac|wav",
            "number_of_variations:number",
            "seed:number",
        ],
    ),
}


def _fingerprint(tool: dict[str, Any]) -> tuple[tuple[str, ...], list[str]]:
    params = tool["function"]["parameters"]
    assert params["type"] == "object"
    lines = []
    for name, spec in params["properties"].items():
        line = f"{name}:{spec['type']}"
        if "items" in spec:
            line += f"<{spec['items']['type']}>"
        if "maxItems" in spec:
            line += f" max={spec['maxItems']}"
        if "enum" in spec:
            line += " enum=" + "|".join(spec["enum"])
        lines.append(line)
    return tuple(params["required"]), lines


def _uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


PNG = png(8, 4)
PNG_URI = _uri("image/png", PNG)
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 24
WAV_URI = _uri("audio/wav", WAV)
MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 12
MP4_URI = _uri("video/mp4", MP4)


def _call(name: str, args: Any, call_id: str = "call_1") -> ToolCall:
    text = args if isinstance(args, str) else json.dumps(args)
    return ToolCall(id=call_id, function=FunctionCall(name, text))


def _models(*entries: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [{"id": i, "media": m, "workerCount": w} for i, m, w in entries]


# -- definitions -------------------------------------------------------------------------------


def test_runtime_copy_is_identical_to_the_committed_schema() -> None:
    schema = (ROOT / "schemas" / "sogni_tools.json").read_bytes()
    runtime = (ROOT / "src" / "sogni" / "core" / "chat" / "sogni_tools.json").read_bytes()
    assert runtime == schema


def test_definitions_match_the_hosted_manifest_structure() -> None:
    assert SogniTools.older.version == "2026-04-30.1"
    assert list(SogniTools.older.names) == list(MANIFEST_2026_04_30_1)
    tools = SogniTools.older.all
    assert [t["function"]["name"] for t in tools] == list(MANIFEST_2026_04_30_1)
    for tool in tools:
        assert tool["type"] == "function"
        assert isinstance(tool["function"]["description"], str)
        assert tool["function"]["description"]
        name = tool["function"]["name"]
        assert _fingerprint(tool) == MANIFEST_2026_04_30_1[name], name
        for spec in tool["function"]["parameters"]["properties"].values():
            assert spec["description"], name


def test_schema_file_tools_equal_sogni_tools() -> None:
    schema = json.loads((ROOT / "schemas" / "sogni_tools.json").read_text("utf-8"))
    assert schema["version"] == SogniTools.older.version
    assert schema["tools"] == SogniTools.older.all


def test_catalog_returns_independent_copies() -> None:
    first = SogniTools.older.generate_image
    first["function"]["parameters"]["properties"].clear()
    assert SogniTools.older.generate_image["function"]["parameters"]["properties"]["prompt"]
    assert len(SogniTools.older) == 6
    assert [t["function"]["name"] for t in SogniTools.older] == list(SogniTools.older.names)
    assert SogniTools.older.edit_image["function"]["name"] == "sogni_edit_image"
    assert SogniTools.older.generate_video["function"]["name"] == "sogni_generate_video"
    assert SogniTools.older.sound_to_video["function"]["name"] == "sogni_sound_to_video"
    assert SogniTools.older.video_to_video["function"]["name"] == "sogni_video_to_video"
    assert SogniTools.older.generate_music["function"]["name"] == "sogni_generate_music"


def test_build_sogni_tools_without_models_is_the_catalog() -> None:
    assert build_sogni_tools() == SogniTools.older.all
    assert build_sogni_tools([]) == SogniTools.older.all


def test_build_sogni_tools_limits_model_to_available_ids() -> None:
    models = _models(
        ("flux1-schnell-fp8", "image", 3),
        ("qwen_image_edit_2511_fp8", "image", 1),
        ("flux1-dev-kontext_fp8_scaled", "image", 1),
        ("wan_v2.2-14b-fp8_t2v_lightx2v", "video", 2),
        ("ltx23-22b-fp8_i2v_distilled", "video", 2),
        ("seedance-2-0", "video", 2),
        ("ltx23-22b-fp8_a2v_distilled", "video", 1),
        ("wan_v2.2-14b-fp8_animate-move_lightx2v", "video", 1),
        ("ltx23-22b-fp8_v2v_distilled", "video", 1),
        ("ace_step_1.5_turbo", "audio", 1),
    )
    tools = {t["function"]["name"]: t for t in build_sogni_tools(models)}

    def enum(name: str) -> list[str]:
        spec = tools[name]["function"]["parameters"]["properties"]["model"]
        assert spec["type"] == "string"
        assert spec["description"]
        return list(spec["enum"])

    assert enum("sogni_generate_image") == [
        "flux1-schnell-fp8",
        "qwen_image_edit_2511_fp8",
        "flux1-dev-kontext_fp8_scaled",
    ]
    assert enum("sogni_edit_image") == ["qwen_image_edit_2511_fp8", "flux1-dev-kontext_fp8_scaled"]
    assert enum("sogni_generate_video") == [
        "wan_v2.2-14b-fp8_t2v_lightx2v",
        "ltx23-22b-fp8_i2v_distilled",
        "seedance-2-0",
    ]
    assert enum("sogni_sound_to_video") == ["seedance-2-0", "ltx23-22b-fp8_a2v_distilled"]
    assert enum("sogni_video_to_video") == [
        "seedance-2-0",
        "wan_v2.2-14b-fp8_animate-move_lightx2v",
        "ltx23-22b-fp8_v2v_distilled",
    ]
    assert enum("sogni_generate_music") == ["ace_step_1.5_turbo"]


def test_build_sogni_tools_keeps_original_model_when_nothing_fits() -> None:
    tools = {
        t["function"]["name"]: t
        for t in build_sogni_tools(_models(("flux1-schnell-fp8", "image", 1)))
    }
    original = SogniTools.older.generate_music["function"]["parameters"]["properties"]["model"]
    assert (
        tools["sogni_generate_music"]["function"]["parameters"]["properties"]["model"] == original
    )
    # Objects with attributes work as well as mappings.

    class Model:
        id = "ace_step_1.5_sft"
        media = "audio"
        worker_count = 1

    music = build_sogni_tools([Model()])[5]["function"]["parameters"]["properties"]["model"]
    assert music["enum"] == ["ace_step_1.5_sft"]


# -- calls and arguments ----------------------------------------------------------------------


def test_is_sogni_tool_call() -> None:
    assert is_sogni_tool_call(_call("sogni_generate_image", {}))
    assert is_sogni_tool_call({"id": "x", "function": {"name": "generate_image", "arguments": ""}})
    # Membership in a tool set decides, not the prefix.
    assert not is_sogni_tool_call({"id": "x", "function": {"name": "sogni_x", "arguments": ""}})
    assert not is_sogni_tool_call(_call("get_weather", {}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"prompt": "a cat"}', {"prompt": "a cat"}),
        ("not json", {}),
        ("", {}),
        ('{"x": NaN}', {}),
        ("[1, 2]", [1, 2]),
    ],
)
def test_parse_tool_call_arguments(text: str, expected: Any) -> None:
    assert parse_tool_call_arguments(_call("sogni_generate_image", text)) == expected
    assert parse_tool_call_arguments(text) == expected


def test_valid_arguments_have_no_problems() -> None:
    args = {"prompt": "a cat", "width": 1024, "height": 768, "model": "anything", "seed": -1}
    assert validate_tool_arguments("sogni_generate_image", args) == []
    assert validate_tool_arguments("sogni_generate_image", {"prompt": "x", "unknown": 1}) == []
    assert validate_tool_arguments("sogni_generate_image", {"prompt": "x", "width": None}) == []


def test_argument_problems_name_each_argument() -> None:
    problems = validate_tool_arguments(
        "sogni_generate_video",
        {
            "width": "wide",
            "generate_audio": "yes",
            "duration": float("nan"),
            "reference_image_urls": ["a", 3],
            "reference_video_urls": ["a", "b", "c", "d"],
        },
    )
    assert problems == [
        'missing required argument "prompt"',
        'argument "width" must be a number',
        'argument "generate_audio" must be true or false',
        'argument "duration" must be a number',
        'argument "reference_image_urls[1]" must be a string',
        'argument "reference_video_urls" takes at most 3 items, got 4',
    ]


def test_enum_is_enforced_except_for_model() -> None:
    assert validate_tool_arguments(
        "sogni_generate_image", {"prompt": "x", "output_format": "tiff", "model": "mine"}
    ) == ['argument "output_format" must be one of "png", "jpg", "jpeg", "webp"']
    assert validate_tool_arguments("sogni_generate_music", {"prompt": "x", "timesignature": 4}) == [
        'argument "timesignature" must be a string'
    ]


def test_required_null_and_non_object_arguments() -> None:
    assert validate_tool_arguments(
        "sogni_sound_to_video", {"prompt": "x", "reference_audio_url": None}
    ) == ['missing required argument "reference_audio_url"']
    assert validate_tool_arguments("sogni_generate_image", [1]) == [
        "arguments must be a JSON object"
    ]
    assert validate_tool_arguments("sogni_nope", {}) == ["'sogni_nope' is not a Sogni tool"]
    assert validate_tool_arguments("sogni_generate_image", {"prompt": "x", "steps": True}) == [
        'argument "steps" must be a number'
    ]


def test_check_tool_batch_allows_eight_sogni_calls() -> None:
    calls = [_call("sogni_generate_image", {"prompt": "x"}) for _ in range(8)]
    check_tool_batch([*calls, _call("get_weather", {})])
    with pytest.raises(ValidationError) as info:
        check_tool_batch([*calls, _call("sogni_generate_music", {"prompt": "x"})])
    assert "9" in info.value.message and info.value.field == "tool_calls"


# -- model selection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("sogni_generate_image", {"model": "flux2"}, "flux2_dev_fp8"),
        ("sogni_generate_image", {"model": " Z_Turbo "}, "z_image_turbo_bf16"),
        ("sogni_generate_image", {"model": "Chat GPT"}, "gpt-image-2"),
        ("sogni_generate_image", {"model": "OpenAI"}, "gpt-image-2"),
        ("sogni_generate_image", {"model": "my-own-model"}, "my-own-model"),
        ("sogni_edit_image", {"model": "qwen"}, "qwen_image_edit_2511_fp8"),
        ("sogni_edit_image", {"model": "qwen lightning"}, "qwen_image_edit_2511_fp8_lightning"),
        ("sogni_generate_video", {"model": "ltx23"}, "ltx23-22b-fp8_t2v_distilled"),
        (
            "sogni_generate_video",
            {"model": "ltx23", "reference_image_end_url": "data:"},
            "ltx23-22b-fp8_i2v_distilled",
        ),
        (
            "sogni_generate_video",
            {"model": "wan22", "reference_image_url": " "},
            "wan_v2.2-14b-fp8_t2v_lightx2v",
        ),
        ("sogni_generate_video", {"model": "Seedance2_Fast"}, "seedance-2-0-fast"),
        ("sogni_video_to_video", {"model": "ltx23-v2v"}, "ltx23-22b-fp8_v2v_distilled"),
        ("sogni_sound_to_video", {"model": "wan-s2v"}, "wan_v2.2-14b-fp8_s2v_lightx2v"),
        ("sogni_sound_to_video", {"model": "ltx23-ia2v"}, "ltx23-22b-fp8_ia2v_distilled"),
        ("sogni_generate_music", {"model": "SFT"}, "ace_step_1.5_sft"),
        ("sogni_generate_music", {"model": ""}, None),
        ("sogni_generate_music", {"model": 5}, None),
        ("sogni_generate_music", {}, None),
        ("other_tool", {"model": "x"}, "x"),
    ],
)
def test_resolve_model_selector(tool: str, args: dict[str, Any], expected: str | None) -> None:
    assert resolve_model_selector(tool, args) == expected


def test_video_workflow_and_defaults() -> None:
    assert video_workflow("wan_v2.2-14b-fp8_t2v_lightx2v") == "t2v"
    assert video_workflow("ltx23-22b-fp8_ia2v_distilled") == "ia2v"
    assert video_workflow("ltx23-22b-fp8_a2v_distilled") == "a2v"
    assert video_workflow("wan_v2.2-14b-fp8_animate-replace_lightx2v") == "animate-replace"
    assert video_workflow("seedance-2-0") is None
    assert video_workflow("flux1-schnell-fp8") is None
    assert video_defaults("wan_v2.2-14b-fp8_s2v_lightx2v") == (832, 480, 16)
    assert video_defaults("seedance-2-0-fast") == (1280, 720, 24)
    assert video_defaults("seedance-2-0") == (1920, 1088, 24)
    assert video_defaults("ltx23-22b-fp8_t2v_distilled") == (1920, 1088, 24)
    assert video_defaults("wan_v2.2-14b-fp8_i2v_lightx2v") == (848, 480, 16)


def test_selection_needs_models_of_the_right_media() -> None:
    with pytest.raises(SogniError, match="no video models"):
        select_backbone_model(
            "sogni_generate_video", {"prompt": "x"}, _models(("flux1-schnell-fp8", "image", 1))
        )


def test_requested_model_wins_when_compatible() -> None:
    models = _models(("flux1-schnell-fp8", "image", 9), ("flux2_dev_fp8", "image", 1))
    assert (
        select_backbone_model("sogni_generate_image", {"model": "flux2"}, models) == "flux2_dev_fp8"
    )
    # Unknown request: most workers.
    assert (
        select_backbone_model("sogni_generate_image", {"model": "zzz"}, models)
        == "flux1-schnell-fp8"
    )


def test_edit_image_only_considers_edit_capable_models() -> None:
    models = _models(("flux1-schnell-fp8", "image", 9), ("qwen_image_edit_2511_fp8", "image", 1))
    assert (
        select_backbone_model("sogni_edit_image", {"model": "flux1-schnell-fp8"}, models)
        == "qwen_image_edit_2511_fp8"
    )
    with pytest.raises(SogniError, match="no compatible image model"):
        select_backbone_model("sogni_edit_image", {}, _models(("flux1-schnell-fp8", "image", 1)))


def test_video_preference_then_worker_count() -> None:
    models = _models(
        ("wan_v2.2-14b-fp8_t2v_lightx2v", "video", 10),
        ("ltx23-22b-fp8_t2v_distilled", "video", 1),
        ("ltx23-22b-fp8_i2v_distilled", "video", 1),
    )
    assert (
        select_backbone_model("sogni_generate_video", {}, models) == "ltx23-22b-fp8_t2v_distilled"
    )
    with_image = {"reference_image_url": "data:x"}
    assert (
        select_backbone_model("sogni_generate_video", with_image, models)
        == "ltx23-22b-fp8_i2v_distilled"
    )
    without_ltx = models[:1] + _models(("seedance-2-0", "video", 20))
    assert select_backbone_model("sogni_generate_video", {}, without_ltx) == "seedance-2-0"
    with pytest.raises(SogniError, match="workflows a2v"):
        select_backbone_model("sogni_sound_to_video", {}, models)


def test_sound_to_video_and_video_to_video_preferences() -> None:
    models = _models(
        ("wan_v2.2-14b-fp8_s2v_lightx2v", "video", 5),
        ("ltx23-22b-fp8_ia2v_distilled", "video", 1),
        ("seedance-2-0", "video", 9),
        ("ltx23-22b-fp8_v2v_distilled", "video", 1),
        ("wan_v2.2-14b-fp8_animate-replace_lightx2v", "video", 1),
    )
    assert (
        select_backbone_model("sogni_sound_to_video", {"reference_image_url": "x"}, models)
        == "ltx23-22b-fp8_ia2v_distilled"
    )
    assert (
        select_backbone_model("sogni_video_to_video", {"control_mode": "seedance-v2v"}, models)
        == "seedance-2-0"
    )
    assert (
        select_backbone_model("sogni_video_to_video", {"control_mode": "canny"}, models)
        == "ltx23-22b-fp8_v2v_distilled"
    )
    assert (
        select_backbone_model("sogni_video_to_video", {"control_mode": "animate-replace"}, models)
        == "wan_v2.2-14b-fp8_animate-replace_lightx2v"
    )


def test_preferred_ties_break_by_workers_and_order() -> None:
    models = [
        {"id": "a", "media": "audio", "worker_count": 1},
        {"id": "b", "media": "audio", "worker_count": 3},
        {"id": "c", "media": "audio", "worker_count": 3},
    ]
    assert select_model(models, "audio").model_id == "b"
    chosen = select_model(models, "audio", preferred=("zzz", "a"))
    assert (chosen.model_id, chosen.selected_by) == ("a", "preferred")
    assert select_model(models, "audio", requested="c").selected_by == "requested"


# -- arguments -> project parameters --------------------------------------------------------


def test_generate_image_mapping() -> None:
    args = {
        "prompt": "a cat",
        "negative_prompt": "blur",
        "width": 640,
        "height": 480,
        "steps": 4,
        "seed": 7,
        "gpt_image_quality": " HIGH ",
        "output_format": "JPEG",
        "number_of_variations": 2.5,
    }
    params = tool_call_to_project_params(
        "sogni_generate_image", args, "gpt-image-2", token_type="spark", network="fast"
    )
    assert params == {
        "type": "image",
        "modelId": "gpt-image-2",
        "positivePrompt": "a cat",
        "numberOfMedia": 3,
        "negativePrompt": "blur",
        "width": 640,
        "height": 480,
        "sizePreset": "custom",
        "steps": 4,
        "seed": 7,
        "gptImageQuality": "high",
        "outputFormat": "jpg",
        "tokenType": "spark",
        "network": "fast",
    }


@pytest.mark.parametrize(
    ("args", "fallback", "expected"),
    [
        ({"number_of_variations": 0}, None, 1),
        ({"number_of_variations": 40}, None, 16),
        ({}, 4, 4),
        ({}, None, 1),
        ({}, 99, 16),
        ({"number_of_variations": "2"}, 5, 1),
    ],
)
def test_variation_count(args: dict[str, Any], fallback: int | None, expected: int) -> None:
    params = tool_call_to_project_params(
        "sogni_generate_image", {"prompt": "x", **args}, "m", number_of_media=fallback
    )
    assert params["numberOfMedia"] == expected


def test_image_mapping_skips_partial_size_and_unknown_format() -> None:
    params = tool_call_to_project_params(
        "sogni_generate_image", {"prompt": "x", "width": 512, "output_format": "tiff"}, "m"
    )
    assert "width" not in params and "sizePreset" not in params and "outputFormat" not in params


def test_edit_image_decodes_context_images_up_to_the_model_limit() -> None:
    args = {
        "prompt": "x",
        "source_image_url": PNG_URI,
        "reference_image_urls": [PNG_URI, "  ", PNG_URI, PNG_URI],
        "steps": 9,
    }
    params = tool_call_to_project_params("sogni_edit_image", args, "flux1-dev-kontext_fp8_scaled")
    assert params["contextImages"] == [PNG, PNG]
    assert "steps" not in params
    params = tool_call_to_project_params("sogni_edit_image", args, "gpt-image-2")
    assert len(params["contextImages"]) == 4
    with pytest.raises(ValidationError) as info:
        tool_call_to_project_params("sogni_edit_image", {"prompt": "x"}, "gpt-image-2")
    assert info.value.field == "source_image_url"


def test_edit_image_rejects_remote_urls() -> None:
    with pytest.raises(ValidationError) as info:
        tool_call_to_project_params(
            "sogni_edit_image",
            {"prompt": "x", "reference_image_urls": ["https://example.com/a.png"]},
            "gpt-image-2",
        )
    assert info.value.field == "reference_image_urls[0]"


def test_generate_video_mapping() -> None:
    args = {
        "prompt": "waves",
        "negative_prompt": "blur",
        "duration": 4,
        "reference_image_url": PNG_URI,
        "reference_audio_identity_url": WAV_URI,
        "audio_identity_strength": 3,
        "first_frame_strength": 0.5,
        "generate_audio": False,
        "expand_prompt": True,
        "reference_image_urls": ["https://example.com/x.png"],
    }
    params = tool_call_to_project_params(
        "sogni_generate_video", args, "ltx23-22b-fp8_i2v_distilled"
    )
    assert params == {
        "type": "video",
        "modelId": "ltx23-22b-fp8_i2v_distilled",
        "positivePrompt": "waves",
        "numberOfMedia": 1,
        "width": 1920,
        "height": 1088,
        "fps": 24,
        "negativePrompt": "blur",
        "duration": 4,
        "referenceImage": PNG,
        "referenceAudioIdentity": WAV,
        "audioIdentityStrength": 3,
        "firstFrameStrength": 0.5,
        "generateAudio": False,
    }
    seedance = tool_call_to_project_params(
        "sogni_generate_video",
        {"prompt": "x", "negative_prompt": "n", "width": 720},
        "seedance-2-0-fast",
    )
    assert "negativePrompt" not in seedance
    assert (seedance["width"], seedance["height"], seedance["fps"]) == (720, 720, 24)


def test_inline_media_must_match_its_mime_type() -> None:
    with pytest.raises(ValidationError) as info:
        tool_call_to_project_params(
            "sogni_generate_video",
            {"prompt": "x", "reference_image_url": _uri("image/jpeg", PNG)},
            "ltx23-22b-fp8_i2v_distilled",
        )
    assert info.value.field == "reference_image_url"
    assert "does not match" in info.value.message


def test_inline_media_size_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tools_module.INLINE_MEDIA_LIMITS, "audio", 10)
    with pytest.raises(ValidationError, match="over the 0 MB limit") as info:
        tool_call_to_project_params(
            "sogni_sound_to_video", {"prompt": "x", "reference_audio_url": WAV_URI}, "m"
        )
    assert info.value.field == "reference_audio_url"
    assert tools_module.INLINE_MEDIA_LIMITS["image"] == 20 * 1024 * 1024
    assert tools_module.INLINE_MEDIA_LIMITS["video"] == 100 * 1024 * 1024


def test_sound_to_video_mapping() -> None:
    params = tool_call_to_project_params(
        "sogni_sound_to_video",
        {
            "prompt": "dance",
            "reference_audio_url": WAV_URI,
            "audio_start": 2,
            "generate_audio": True,
        },
        "wan_v2.2-14b-fp8_s2v_lightx2v",
    )
    assert params == {
        "type": "video",
        "modelId": "wan_v2.2-14b-fp8_s2v_lightx2v",
        "positivePrompt": "dance",
        "numberOfMedia": 1,
        "referenceAudio": WAV,
        "width": 832,
        "height": 480,
        "fps": 16,
        "duration": 5,
        "audioDuration": 5,
        "audioStart": 2,
        "generateAudio": True,
    }
    with pytest.raises(ValidationError) as info:
        tool_call_to_project_params(
            "sogni_sound_to_video", {"prompt": "x", "reference_audio_url": " "}, "m"
        )
    assert info.value.field == "reference_audio_url"


def test_video_to_video_controlnet_mapping() -> None:
    base = {"prompt": "x", "reference_video_url": MP4_URI, "detailer_strength": 0.4}
    canny = tool_call_to_project_params(
        "sogni_video_to_video",
        {**base, "control_mode": "canny", "duration": 3},
        "ltx23-22b-fp8_v2v_distilled",
    )
    assert canny["controlNet"] == {"name": "canny", "strength": 0.85}
    assert canny["referenceVideo"] == MP4
    assert (canny["width"], canny["height"], canny["fps"], canny["duration"]) == (1920, 1088, 24, 3)
    assert canny["detailerStrength"] == 0.4
    detailer = tool_call_to_project_params(
        "sogni_video_to_video", {**base, "control_mode": "detailer"}, "ltx23-22b-fp8_v2v_distilled"
    )
    assert detailer["controlNet"] == {"name": "detailer", "strength": 1}
    assert detailer["duration"] == 5
    seedance = tool_call_to_project_params(
        "sogni_video_to_video",
        {**base, "control_mode": "seedance-v2v", "negative_prompt": "n"},
        "seedance-2-0",
    )
    assert "controlNet" not in seedance and "detailerStrength" not in seedance
    assert "negativePrompt" not in seedance
    # seedance-v2v on an LTX model must not send a ControlNet called "seedance-v2v".
    fallback = tool_call_to_project_params(
        "sogni_video_to_video",
        {**base, "control_mode": "seedance-v2v"},
        "ltx23-22b-fp8_v2v_distilled",
    )
    assert "controlNet" not in fallback


def test_video_to_video_animate_needs_reference_image() -> None:
    base = {"prompt": "x", "reference_video_url": MP4_URI}
    model = "wan_v2.2-14b-fp8_animate-move_lightx2v"
    with pytest.raises(ValidationError) as info:
        tool_call_to_project_params("sogni_video_to_video", base, model)
    assert info.value.field == "control_mode"
    with pytest.raises(ValidationError) as info:
        tool_call_to_project_params(
            "sogni_video_to_video", {**base, "control_mode": "animate-replace"}, model
        )
    assert info.value.field == "reference_image_url"
    params = tool_call_to_project_params(
        "sogni_video_to_video", {**base, "reference_image_url": PNG_URI}, model
    )
    assert params["referenceImage"] == PNG and "controlNet" not in params
    assert (params["width"], params["height"], params["fps"]) == (832, 480, 16)


def test_music_mapping() -> None:
    params = tool_call_to_project_params(
        "sogni_generate_music",
        {
            "prompt": "jazz",
            "duration": 60,
            "bpm": 90,
            "keyscale": "A minor",
            "lyrics": "",
            "language": "en",
            "output_format": "wav",
            "timesignature": "3",
            "composer_mode": False,
            "prompt_strength": 0.7,
            "creativity": float("inf"),
            "seed": 1,
        },
        "ace_step_1.5_turbo",
        token_type="sogni",
    )
    assert params == {
        "type": "audio",
        "modelId": "ace_step_1.5_turbo",
        "positivePrompt": "jazz",
        "numberOfMedia": 1,
        "duration": 60,
        "bpm": 90,
        "keyscale": "A minor",
        "language": "en",
        "outputFormat": "wav",
        "timesignature": "3",
        "composerMode": False,
        "promptStrength": 0.7,
        "seed": 1,
        "tokenType": "sogni",
    }
    numeric = tool_call_to_project_params(
        "sogni_generate_music", {"prompt": "x", "timesignature": 6.4}, "m"
    )
    assert numeric["timesignature"] == "6"


# -- planning and results ------------------------------------------------------------------------


def test_plan_tool_call_end_to_end() -> None:
    models = _models(("flux1-schnell-fp8", "image", 2), ("gpt-image-2", "image", 1))
    plan = plan_tool_call(
        _call("sogni_generate_image", {"prompt": "a fox", "model": "gpt"}),
        models,
        token_type="spark",
        number_of_media=2,
    )
    assert (plan.media_type, plan.model_id, plan.prompt) == ("image", "gpt-image-2", "a fox")
    assert plan.project_params["numberOfMedia"] == 2
    assert plan.project_params["tokenType"] == "spark"


def test_plan_tool_call_reports_every_violation() -> None:
    with pytest.raises(ValidationError) as info:
        plan_tool_call(_call("sogni_generate_image", {"width": "x", "seed": "y"}), [])
    assert info.value.message == (
        'invalid sogni_generate_image arguments: missing required argument "prompt"; '
        'argument "width" must be a number; argument "seed" must be a number'
    )
    assert info.value.field == "prompt"
    with pytest.raises(ValidationError):
        plan_tool_call(_call("get_weather", {}), [])


def test_plan_checks_inputs_before_choosing_a_model() -> None:
    with pytest.raises(ValidationError, match="needs reference_video_url"):
        plan_tool_call(
            _call("sogni_video_to_video", {"prompt": "x", "reference_video_url": ""}), []
        )


def test_result_content_is_compact_json() -> None:
    call = _call("sogni_generate_image", {"prompt": "x"}, "call_9")
    ok = tool_success_result(
        call,
        media_type="image",
        urls=["https://a/1.png"],
        model_id="flux1-schnell-fp8",
        prompt="café",
    )
    assert ok.content == (
        '{"success":true,"media_type":"image","urls":["https://a/1.png"],'
        '"model":"flux1-schnell-fp8","prompt":"café"}'
    )
    assert (ok.tool_call_id, ok.tool_name, ok.success, ok.result_urls) == (
        "call_9",
        "sogni_generate_image",
        True,
        ("https://a/1.png",),
    )
    failed = tool_error_result(call, ValidationError("bad thing", field="x", allowed=["a"]))
    assert failed.content == '{"success":false,"error":"bad thing"}'
    assert failed.error == "bad thing" and not failed.success and failed.result_urls == ()
    assert tool_error_result(call, "plain").content == '{"success":false,"error":"plain"}'
    handled = tool_handler_result(
        {"id": "c2", "function": {"name": "w", "arguments": "{}"}}, "sunny"
    )
    assert (handled.content, handled.success, handled.tool_name) == ("sunny", True, "w")
    assert handled.to_message() == {
        "role": "tool",
        "content": "sunny",
        "tool_call_id": "c2",
        "name": "w",
    }


def test_tool_round_messages() -> None:
    calls = (_call("sogni_generate_image", {"prompt": "x"}, "a"), _call("w", {}, "b"))
    completion = ChatCompletion(
        job_id="J", content="", finish_reason="tool_calls", tool_calls=calls
    )
    results = [tool_error_result(calls[0], "nope"), tool_handler_result(calls[1], "ok")]
    assert tool_round_messages(completion, results) == [
        {"role": "assistant", "content": None, "tool_calls": [c.to_dict() for c in calls]},
        {
            "role": "tool",
            "content": '{"success":false,"error":"nope"}',
            "tool_call_id": "a",
            "name": "sogni_generate_image",
        },
        {"role": "tool", "content": "ok", "tool_call_id": "b", "name": "w"},
    ]


def test_huge_integers_do_not_overflow() -> None:
    huge = 10**400
    assert validate_tool_arguments("sogni_generate_image", {"prompt": "x", "seed": huge}) == []
    params = tool_call_to_project_params(
        "sogni_generate_image", {"prompt": "x", "number_of_variations": huge}, "m"
    )
    assert params["numberOfMedia"] == 16
