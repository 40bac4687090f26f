"""The Sogni platform tools: definitions, argument checks, and turning calls into projects.

The six tool definitions (``sogni_generate_image``, ``sogni_edit_image``,
``sogni_generate_video``, ``sogni_sound_to_video``, ``sogni_video_to_video``,
``sogni_generate_music``) live in ``sogni_tools.json`` next to this module, a copy of
``schemas/sogni_tools.json``. They are read on first use.

Running a tool call is: :func:`parse_tool_call_arguments`, then :func:`plan_tool_call`
(argument checks, model choice, project parameters), then creating and awaiting the
project (the client's job), then :func:`tool_success_result` or
:func:`tool_error_result` to report back to the model.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from sogni.errors import SogniError, ValidationError

from ._js import is_finite_number, is_integral, js_round, js_truthy
from .media import MIB, MediaKind, parse_data_uri
from .results import ChatCompletion, ToolCall, ToolResult
from .routing import (
    TOOL_MEDIA,
    VIDEO_CONTROL_MODES,
    AvailableModel,
    filter_video_models,
    is_edit_image_model,
    max_context_images,
    select_backbone_model,
    video_control_mode,
    video_defaults,
)

__all__ = [
    "SOGNI_TOOL_NAMES",
    "MAX_SOGNI_TOOL_CALLS_PER_ROUND",
    "DEFAULT_MAX_TOOL_ROUNDS",
    "DEFAULT_TOOL_TIMEOUT",
    "INLINE_MEDIA_LIMITS",
    "SogniTools",
    "ToolPlan",
    "sogni_tools_version",
    "get_tool_definition",
    "build_sogni_tools",
    "is_sogni_tool_call",
    "as_tool_call",
    "parse_tool_call_arguments",
    "validate_tool_arguments",
    "check_tool_batch",
    "tool_call_to_project_params",
    "plan_tool_call",
    "tool_success_result",
    "tool_error_result",
    "tool_handler_result",
    "tool_round_messages",
]

SOGNI_TOOL_NAMES = (
    "sogni_generate_image",
    "sogni_edit_image",
    "sogni_generate_video",
    "sogni_sound_to_video",
    "sogni_video_to_video",
    "sogni_generate_music",
)
#: More Sogni tool calls than this in one model turn are refused.
MAX_SOGNI_TOOL_CALLS_PER_ROUND = 8
#: Rounds of automatic tool execution before giving up.
DEFAULT_MAX_TOOL_ROUNDS = 5
#: Seconds a tool's media project may take before it is canceled.
DEFAULT_TOOL_TIMEOUT = 1800.0
#: Largest inline media accepted in tool arguments, in bytes.
INLINE_MEDIA_LIMITS: Mapping[MediaKind, int] = {
    "image": 20 * MIB,
    "audio": 50 * MIB,
    "video": 100 * MIB,
}

_TOOLS_FILE = "sogni_tools.json"


# -- definitions -------------------------------------------------------------------------


@functools.cache
def _manifest() -> Mapping[str, Any]:
    import importlib.resources  # only needed once, on first use

    text = importlib.resources.files(__package__).joinpath(_TOOLS_FILE).read_text("utf-8")
    manifest: dict[str, Any] = json.loads(text)
    return manifest


@functools.cache
def _tools_by_name() -> Mapping[str, Mapping[str, Any]]:
    return {tool["function"]["name"]: tool for tool in _manifest()["tools"]}


def sogni_tools_version() -> str:
    """Version of the hosted tool contract the definitions follow."""
    return str(_manifest()["version"])


def get_tool_definition(name: str) -> dict[str, Any]:
    """A fresh copy of one tool definition (OpenAI ``{"type": "function", ...}`` shape)."""
    try:
        return copy.deepcopy(dict(_tools_by_name()[name]))
    except KeyError:
        raise ValidationError(
            f"{name!r} is not a Sogni tool", field="tool_name", allowed=SOGNI_TOOL_NAMES
        ) from None


class _SogniToolCatalog:
    """The six Sogni platform tool definitions, ready to pass as ``tools=``.

    Every access returns fresh copies, so changing one never affects later requests.
    ``SogniTools.all`` lists all six; ``SogniTools.generate_image`` and friends return one.
    """

    __slots__ = ()

    @property
    def version(self) -> str:
        """Version of the hosted tool contract."""
        return sogni_tools_version()

    @property
    def names(self) -> tuple[str, ...]:
        """The tool names, in catalogue order."""
        return SOGNI_TOOL_NAMES

    @property
    def all(self) -> list[dict[str, Any]]:
        """All six definitions."""
        return [get_tool_definition(name) for name in SOGNI_TOOL_NAMES]

    @property
    def generate_image(self) -> dict[str, Any]:
        """``sogni_generate_image``."""
        return get_tool_definition("sogni_generate_image")

    @property
    def edit_image(self) -> dict[str, Any]:
        """``sogni_edit_image``."""
        return get_tool_definition("sogni_edit_image")

    @property
    def generate_video(self) -> dict[str, Any]:
        """``sogni_generate_video``."""
        return get_tool_definition("sogni_generate_video")

    @property
    def sound_to_video(self) -> dict[str, Any]:
        """``sogni_sound_to_video``."""
        return get_tool_definition("sogni_sound_to_video")

    @property
    def video_to_video(self) -> dict[str, Any]:
        """``sogni_video_to_video``."""
        return get_tool_definition("sogni_video_to_video")

    @property
    def generate_music(self) -> dict[str, Any]:
        """``sogni_generate_music``."""
        return get_tool_definition("sogni_generate_music")

    def __iter__(self) -> Any:
        return iter(self.all)

    def __len__(self) -> int:
        return len(SOGNI_TOOL_NAMES)

    def __repr__(self) -> str:
        return f"SogniTools(version={self.version!r}, names={list(SOGNI_TOOL_NAMES)!r})"


#: The Sogni platform tool definitions (see :class:`_SogniToolCatalog`).
SogniTools = _SogniToolCatalog()

_MODEL_DESCRIPTIONS = {
    "sogni_generate_image": "Image model to use.",
    "sogni_edit_image": "Image model to use; all of these can edit from reference images.",
    "sogni_generate_video": "Video model to use: text-to-video models for prompts alone, "
    "image-to-video models when reference images are given.",
    "sogni_sound_to_video": "Audio-driven video model to use.",
    "sogni_video_to_video": "Video-to-video model to use.",
    "sogni_generate_music": "Music model to use.",
}


def build_sogni_tools(available_models: Iterable[Any] | None = None) -> list[dict[str, Any]]:
    """The six tool definitions, with ``model`` limited to what the network offers now.

    ``available_models`` are the media models (mappings or objects with ``id`` and
    ``media``). Without any, the definitions are returned unchanged. A tool for which no
    suitable model is available keeps its original ``model`` property.
    """
    models = [AvailableModel.coerce(m) for m in available_models or ()]
    tools = SogniTools.all
    if not models:
        return tools
    images = [m.id for m in models if m.media == "image"]
    choices = {
        "sogni_generate_image": images,
        "sogni_edit_image": [i for i in images if is_edit_image_model(i)],
        "sogni_generate_video": filter_video_models(models, ("t2v", "i2v")),
        "sogni_sound_to_video": filter_video_models(models, ("s2v", "ia2v", "a2v")),
        "sogni_video_to_video": filter_video_models(
            models, ("animate-move", "animate-replace", "v2v")
        ),
        "sogni_generate_music": [m.id for m in models if m.media == "audio"],
    }
    for tool in tools:
        name = tool["function"]["name"]
        ids = choices[name]
        if ids:
            tool["function"]["parameters"]["properties"]["model"] = {
                "type": "string",
                "description": _MODEL_DESCRIPTIONS[name],
                "enum": ids,
            }
    return tools


# -- tool calls --------------------------------------------------------------------------


def as_tool_call(tool_call: ToolCall | Mapping[str, Any]) -> ToolCall:
    """Accept a :class:`ToolCall` or its wire-form mapping."""
    if isinstance(tool_call, ToolCall):
        return tool_call
    if isinstance(tool_call, Mapping):
        return ToolCall.from_dict(tool_call)
    raise ValidationError(
        f"expected a tool call, not {type(tool_call).__name__}", field="tool_call"
    )


def is_sogni_tool_call(tool_call: ToolCall | Mapping[str, Any]) -> bool:
    """Whether the call is for a Sogni platform tool (its name starts with ``sogni_``)."""
    return as_tool_call(tool_call).function.name.startswith("sogni_")


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def parse_tool_call_arguments(tool_call: ToolCall | Mapping[str, Any] | str) -> Any:
    """Decode a tool call's JSON ``arguments``; text that is not valid JSON gives ``{}``.

    The result is usually a dict; other JSON values are returned as they are, and
    :func:`validate_tool_arguments` reports them.
    """
    text = tool_call if isinstance(tool_call, str) else as_tool_call(tool_call).arguments
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return {}


_TYPE_WORDS = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "array": "an array",
    "object": "an object",
    "null": "null",
}


def _matches(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return is_finite_number(value)
    if kind == "integer":
        return is_integral(value)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, (list, tuple))
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "null":
        return value is None
    return True


def _type_list(kind: Any) -> list[str]:
    if kind is None:
        return []
    return list(kind) if isinstance(kind, (list, tuple)) else [kind]


def _type_words(kinds: list[str]) -> str:
    return " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)


def _problems(tool_name: str, args: Any) -> list[tuple[str, str]]:
    """(argument, message) for everything wrong with a tool call's arguments."""
    if not isinstance(args, Mapping):
        return [("arguments", "arguments must be a JSON object")]
    tool = _tools_by_name().get(tool_name)
    if tool is None:
        return [("tool_name", f"{tool_name!r} is not a Sogni tool")]
    schema = tool["function"]["parameters"]
    properties: Mapping[str, Any] = schema.get("properties", {})
    problems = [
        (name, f'missing required argument "{name}"')
        for name in schema.get("required", ())
        if args.get(name) is None
    ]
    for name, value in args.items():
        spec = properties.get(name)
        if value is None or spec is None:
            continue
        kinds = _type_list(spec.get("type"))
        if kinds and not any(_matches(value, kind) for kind in kinds):
            problems.append((name, f'argument "{name}" must be {_type_words(kinds)}'))
            continue
        # The model list is advisory: unknown ids are resolved or rejected later.
        if "enum" in spec and name != "model" and value not in spec["enum"]:
            allowed = ", ".join(json.dumps(v) for v in spec["enum"])
            problems.append((name, f'argument "{name}" must be one of {allowed}'))
        if isinstance(value, (list, tuple)):
            max_items = spec.get("maxItems")
            if max_items is not None and len(value) > max_items:
                problems.append(
                    (name, f'argument "{name}" takes at most {max_items} items, got {len(value)}')
                )
            item_kinds = _type_list((spec.get("items") or {}).get("type"))
            if item_kinds:
                for index, item in enumerate(value):
                    if not any(_matches(item, kind) for kind in item_kinds):
                        problems.append(
                            (name, f'argument "{name}[{index}]" must be {_type_words(item_kinds)}')
                        )
    return problems


def validate_tool_arguments(tool_name: str, args: Any) -> list[str]:
    """Everything wrong with a Sogni tool call's arguments, one message per problem.

    Checks that arguments form an object, required arguments are present (not null),
    types match the schema, enum values are respected (except ``model``, which may be a
    selector or any model id), array items have the right type and arrays respect
    ``maxItems``. Unknown arguments are ignored. An empty list means the call is valid.
    """
    return [message for _, message in _problems(tool_name, args)]


def _raise_if_invalid(tool_name: str, args: Any) -> None:
    problems = _problems(tool_name, args)
    if problems:
        raise ValidationError(
            f"invalid {tool_name} arguments: " + "; ".join(m for _, m in problems),
            field=problems[0][0],
        )


def check_tool_batch(tool_calls: Sequence[ToolCall | Mapping[str, Any]]) -> None:
    """Refuse a model turn that asks for more Sogni tool calls than may run at once."""
    count = sum(1 for call in tool_calls if is_sogni_tool_call(call))
    if count > MAX_SOGNI_TOOL_CALLS_PER_ROUND:
        raise ValidationError(
            f"the model asked for {count} Sogni tool calls in one turn; "
            f"at most {MAX_SOGNI_TOOL_CALLS_PER_ROUND} are allowed",
            field="tool_calls",
        )


# -- arguments -> project parameters ----------------------------------------------------------


def _non_blank(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _given(args: Mapping[str, Any], name: str) -> bool:
    return args.get(name) is not None


def _variation_count(args: Mapping[str, Any], number_of_media: Any) -> int:
    value = (
        args["number_of_variations"] if _given(args, "number_of_variations") else number_of_media
    )
    count = value if is_finite_number(value) else 1
    return max(1, min(16, js_round(count)))


def _finite(value: Any) -> float | int | None:
    return value if is_finite_number(value) else None


def _inline(args: Mapping[str, Any], name: str, kind: MediaKind) -> bytes:
    return _decode(args[name], name, kind)


def _decode(uri: Any, field: str, kind: MediaKind) -> bytes:
    return parse_data_uri(uri, kind, max_bytes=INLINE_MEDIA_LIMITS[kind], field=field).data


def _image_options(params: dict[str, Any], args: Mapping[str, Any]) -> None:
    quality = args.get("gpt_image_quality")
    if quality is None:
        quality = args.get("gptImageQuality")
    if isinstance(quality, str) and quality.strip():
        params["gptImageQuality"] = quality.strip().lower()
    output = args.get("output_format")
    if output is None:
        output = args.get("outputFormat")
    if isinstance(output, str) and output.strip():
        fmt = output.strip().lower()
        fmt = "jpg" if fmt == "jpeg" else fmt
        if fmt in ("png", "jpg", "webp"):
            params["outputFormat"] = fmt


def _copy_if_given(
    params: dict[str, Any], args: Mapping[str, Any], pairs: Iterable[tuple[str, str]]
) -> None:
    for arg, key in pairs:
        if _given(args, arg):
            params[key] = args[arg]


def _edit_inputs(args: Mapping[str, Any]) -> list[tuple[str, Any]]:
    inputs: list[tuple[str, Any]] = []
    if _non_blank(args.get("source_image_url")):
        inputs.append(("source_image_url", args["source_image_url"]))
    references = args.get("reference_image_urls")
    if isinstance(references, (list, tuple)):
        inputs.extend(
            (f"reference_image_urls[{i}]", url)
            for i, url in enumerate(references)
            if _non_blank(url)
        )
    return inputs


def _precheck(tool_name: str, args: Mapping[str, Any]) -> None:
    """Input checks that come before model selection."""
    if tool_name == "sogni_edit_image" and not _edit_inputs(args):
        raise ValidationError(
            "sogni_edit_image needs source_image_url or reference_image_urls",
            field="source_image_url",
        )
    if tool_name == "sogni_sound_to_video" and not _non_blank(args.get("reference_audio_url")):
        raise ValidationError(
            "sogni_sound_to_video needs reference_audio_url", field="reference_audio_url"
        )
    if tool_name == "sogni_video_to_video" and not _non_blank(args.get("reference_video_url")):
        raise ValidationError(
            "sogni_video_to_video needs reference_video_url", field="reference_video_url"
        )


def tool_call_to_project_params(
    tool_name: str,
    args: Mapping[str, Any],
    model_id: str,
    *,
    token_type: str | None = None,
    network: str | None = None,
    number_of_media: int | None = None,
) -> dict[str, Any]:
    """The project parameters (camelCase, as for the job-request builder) for a tool call.

    ``args`` must already be valid (:func:`validate_tool_arguments`) and ``model_id``
    chosen (:func:`select_backbone_model`). Inline media arguments are decoded to bytes
    (images up to 20 MiB, audio 50 MiB, video 100 MiB; the MIME type must match the data).
    ``number_of_media`` is the fallback when the call sets no ``number_of_variations``.
    Raises :class:`ValidationError` for unusable inputs.
    """
    _precheck(tool_name, args)
    media = TOOL_MEDIA.get(tool_name)
    if media is None:
        raise ValidationError(
            f"{tool_name!r} is not a Sogni tool", field="tool_name", allowed=SOGNI_TOOL_NAMES
        )
    params: dict[str, Any] = {
        "type": media,
        "modelId": model_id,
        "positivePrompt": args.get("prompt"),
        "numberOfMedia": _variation_count(args, number_of_media),
    }
    seedance = model_id.startswith("seedance-2-0")

    if tool_name in ("sogni_generate_image", "sogni_edit_image"):
        if tool_name == "sogni_edit_image":
            inputs = _edit_inputs(args)[: max_context_images(model_id)]
            params["contextImages"] = [_decode(url, field, "image") for field, url in inputs]
        if js_truthy(args.get("negative_prompt")):
            params["negativePrompt"] = args["negative_prompt"]
        if js_truthy(args.get("width")) and js_truthy(args.get("height")):
            params.update(width=args["width"], height=args["height"], sizePreset="custom")
        if tool_name == "sogni_generate_image":
            _copy_if_given(params, args, [("steps", "steps")])
        _copy_if_given(params, args, [("seed", "seed")])
        _image_options(params, args)

    elif tool_name == "sogni_generate_video":
        width, height, fps = video_defaults(model_id)
        params["width"] = args.get("width") if js_truthy(args.get("width")) else width
        params["height"] = args.get("height") if js_truthy(args.get("height")) else height
        params["fps"] = args.get("fps") if js_truthy(args.get("fps")) else fps
        if js_truthy(args.get("negative_prompt")) and not seedance:
            params["negativePrompt"] = args["negative_prompt"]
        _copy_if_given(params, args, [("duration", "duration"), ("seed", "seed")])
        if _non_blank(args.get("reference_image_url")):
            params["referenceImage"] = _inline(args, "reference_image_url", "image")
        if _non_blank(args.get("reference_image_end_url")):
            params["referenceImageEnd"] = _inline(args, "reference_image_end_url", "image")
        if _non_blank(args.get("reference_audio_identity_url")):
            params["referenceAudioIdentity"] = _inline(
                args, "reference_audio_identity_url", "audio"
            )
        _copy_if_given(
            params,
            args,
            [
                ("audio_identity_strength", "audioIdentityStrength"),
                ("first_frame_strength", "firstFrameStrength"),
                ("last_frame_strength", "lastFrameStrength"),
            ],
        )
        if _given(args, "generate_audio"):
            params["generateAudio"] = bool(args["generate_audio"])

    elif tool_name == "sogni_sound_to_video":
        width, height, fps = video_defaults(model_id)
        duration = _finite(args.get("duration"))
        duration = 5 if duration is None else duration
        params["referenceAudio"] = _inline(args, "reference_audio_url", "audio")
        params["width"] = args.get("width") if js_truthy(args.get("width")) else width
        params["height"] = args.get("height") if js_truthy(args.get("height")) else height
        params.update(fps=fps, duration=duration, audioDuration=duration)
        if _non_blank(args.get("reference_image_url")):
            params["referenceImage"] = _inline(args, "reference_image_url", "image")
        _copy_if_given(params, args, [("audio_start", "audioStart")])
        if _given(args, "generate_audio"):
            params["generateAudio"] = bool(args["generate_audio"])
        _copy_if_given(params, args, [("seed", "seed")])

    elif tool_name == "sogni_video_to_video":
        mode = video_control_mode(args.get("control_mode"))
        animate = mode in ("animate-move", "animate-replace")
        if animate and not _non_blank(args.get("reference_image_url")):
            if args.get("control_mode") is None:
                raise ValidationError(
                    "sogni_video_to_video needs a control_mode, or a reference_image_url for "
                    "the default animate-move mode",
                    field="control_mode",
                    allowed=VIDEO_CONTROL_MODES,
                )
            raise ValidationError(f"{mode} needs reference_image_url", field="reference_image_url")
        width, height, fps = video_defaults(model_id)
        duration = _finite(args.get("duration"))
        params["referenceVideo"] = _inline(args, "reference_video_url", "video")
        params["width"] = args.get("width") if js_truthy(args.get("width")) else width
        params["height"] = args.get("height") if js_truthy(args.get("height")) else height
        params.update(fps=fps, duration=5 if duration is None else duration)
        if js_truthy(args.get("negative_prompt")) and not seedance:
            params["negativePrompt"] = args["negative_prompt"]
        _copy_if_given(params, args, [("seed", "seed")])
        if _non_blank(args.get("reference_image_url")):
            params["referenceImage"] = _inline(args, "reference_image_url", "image")
        if _non_blank(args.get("reference_audio_identity_url")):
            params["referenceAudioIdentity"] = _inline(
                args, "reference_audio_identity_url", "audio"
            )
        _copy_if_given(
            params,
            args,
            [("audio_identity_strength", "audioIdentityStrength"), ("video_start", "videoStart")],
        )
        if _given(args, "generate_audio"):
            params["generateAudio"] = bool(args["generate_audio"])
        # seedance-v2v names no ControlNet; on a non-Seedance model it runs plain v2v.
        if not animate and not seedance and mode != "seedance-v2v":
            params["controlNet"] = {"name": mode, "strength": 1 if mode == "detailer" else 0.85}
        if not seedance:
            _copy_if_given(params, args, [("detailer_strength", "detailerStrength")])

    else:  # sogni_generate_music
        _copy_if_given(params, args, [("duration", "duration"), ("bpm", "bpm")])
        for arg, key in (
            ("keyscale", "keyscale"),
            ("lyrics", "lyrics"),
            ("language", "language"),
            ("output_format", "outputFormat"),
        ):
            if js_truthy(args.get(arg)):
                params[key] = args[arg]
        signature: Any = args.get("timesignature")
        if isinstance(signature, str) and signature:
            params["timesignature"] = signature
        elif is_finite_number(signature):
            params["timesignature"] = str(js_round(signature))
        if isinstance(args.get("composer_mode"), bool):
            params["composerMode"] = args["composer_mode"]
        for arg, key in (("prompt_strength", "promptStrength"), ("creativity", "creativity")):
            if is_finite_number(args.get(arg)):
                params[key] = args[arg]
        _copy_if_given(params, args, [("seed", "seed")])

    if token_type:
        params["tokenType"] = token_type
    if network:
        params["network"] = network
    return params


@attrs.frozen
class ToolPlan:
    """Everything needed to run one Sogni tool call as a media project."""

    tool_call: ToolCall
    media_type: str
    model_id: str
    prompt: str
    project_params: dict[str, Any] = attrs.field(repr=False)


def plan_tool_call(
    tool_call: ToolCall | Mapping[str, Any],
    available_models: Iterable[Any],
    *,
    token_type: str | None = None,
    network: str | None = None,
    number_of_media: int | None = None,
) -> ToolPlan:
    """Check a Sogni tool call, choose its model and build its project parameters.

    Raises :class:`ValidationError` for bad arguments or inputs and :class:`SogniError`
    when no suitable model is available; the caller turns either into
    :func:`tool_error_result`.
    """
    call = as_tool_call(tool_call)
    name = call.function.name
    if not name.startswith("sogni_"):
        raise ValidationError(f"{name!r} is not a Sogni tool call", field="tool_call")
    args = parse_tool_call_arguments(call)
    _raise_if_invalid(name, args)
    _precheck(name, args)
    model_id = select_backbone_model(name, args, available_models)
    params = tool_call_to_project_params(
        name,
        args,
        model_id,
        token_type=token_type,
        network=network,
        number_of_media=number_of_media,
    )
    return ToolPlan(call, TOOL_MEDIA[name], model_id, str(args["prompt"]), params)


# -- results --------------------------------------------------------------------------------


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def tool_success_result(
    tool_call: ToolCall | Mapping[str, Any],
    *,
    media_type: str,
    urls: Sequence[str],
    model_id: str,
    prompt: str,
) -> ToolResult:
    """Report finished media to the model: the URLs, media type, model and prompt."""
    call = as_tool_call(tool_call)
    content = _compact(
        {
            "success": True,
            "media_type": media_type,
            "urls": list(urls),
            "model": model_id,
            "prompt": prompt,
        }
    )
    return ToolResult(call.id, call.function.name, True, content, tuple(urls))


def tool_error_result(
    tool_call: ToolCall | Mapping[str, Any], error: str | BaseException
) -> ToolResult:
    """Report a failed tool call to the model (the error text goes into the content)."""
    call = as_tool_call(tool_call)
    message = _error_text(error)
    content = _compact({"success": False, "error": message})
    return ToolResult(call.id, call.function.name, False, content, (), message)


def _error_text(error: str | BaseException) -> str:
    if isinstance(error, SogniError):
        return error.message or type(error).__name__
    if isinstance(error, BaseException):
        return str(error) or type(error).__name__
    return str(error)


def tool_handler_result(tool_call: ToolCall | Mapping[str, Any], content: str) -> ToolResult:
    """Wrap the text a user handler returned for a non-Sogni tool call."""
    call = as_tool_call(tool_call)
    return ToolResult(call.id, call.function.name, True, content)


def tool_round_messages(
    completion: ChatCompletion, results: Sequence[ToolResult]
) -> list[dict[str, Any]]:
    """Messages to append after a tool-calling turn: the assistant's turn, then one
    ``tool`` message per call, in call order."""
    messages = [completion.to_message()]
    for call, result in zip(completion.tool_calls, results, strict=False):
        messages.append(
            {
                "role": "tool",
                "content": result.content,
                "tool_call_id": call.id,
                "name": call.function.name,
            }
        )
    return messages
