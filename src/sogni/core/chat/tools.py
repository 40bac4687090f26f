"""The Sogni platform tools: definitions, argument checks, and turning calls into projects.

Two tool sets are known (see :mod:`.manifest`): the plain-named hosted tools the network
offers today (``generate_image``, ``edit_image``, ... ``compose_workflow``) and the older
``sogni_*`` set (``sogni_generate_image``, ...), which keeps working. Six plain tools
(``generate_image``, ``edit_image``, ``generate_video``, ``sound_to_video``,
``video_to_video``, ``generate_music``) and all older ones run on the client as media
projects; the other plain tools run on the network, through ``chat.hosted.create()``.

Running a tool call is: :func:`parse_tool_call_arguments`, then :func:`plan_tool_call`
(argument checks, model choice, project parameters), then creating and awaiting the
project (the client's job), then :func:`tool_success_result` or
:func:`tool_error_result` to report back to the model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from sogni.core.errors import ValidationError

from .manifest import (
    ToolSpec,
    argument_problems,
    older_tools,
    older_version,
    plain_tools,
    plain_version,
    tool_spec,
)
from .results import ToolCall, as_tool_call
from .routing import (
    TOOL_MEDIA,
    VIDEO_CONTROL_MODES,
    AvailableModel,
    filter_video_models,
    is_edit_image_model,
    select_backbone_model,
)
from .tool_params import INLINE_MEDIA_LIMITS, Call, edit_inputs, non_blank, project_params
from .tool_results import (
    tool_error_result,
    tool_handler_result,
    tool_round_messages,
    tool_success_result,
)

__all__ = [
    "SOGNI_TOOL_NAMES",
    "PLAIN_TOOL_NAMES",
    "DIRECT_TOOL_NAMES",
    "HOSTED_ONLY_TOOL_NAMES",
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
    "has_direct_dispatch",
    "hosted_only_message",
    "as_tool_call",
    "parse_tool_call_arguments",
    "validate_tool_arguments",
    "check_tool_arguments",
    "check_tool_call",
    "check_tool_batch",
    "tool_call_to_project_params",
    "plan_tool_call",
    "tool_success_result",
    "tool_error_result",
    "tool_handler_result",
    "tool_round_messages",
]

#: The older ``sogni_*`` tools, in catalogue order.
SOGNI_TOOL_NAMES = tuple(spec.name for spec in older_tools())
#: The plain-named hosted tools, in manifest order.
PLAIN_TOOL_NAMES = tuple(spec.name for spec in plain_tools())
#: Tools a client runs itself as media projects: six plain tools and every older one.
DIRECT_TOOL_NAMES = tuple(
    spec.name for spec in (*plain_tools(), *older_tools()) if spec.direct_dispatch
)
#: Plain tools only the network runs (through ``chat.hosted.create()``).
HOSTED_ONLY_TOOL_NAMES = tuple(spec.name for spec in plain_tools() if not spec.direct_dispatch)
#: More Sogni tool calls than this in one model turn are refused.
MAX_SOGNI_TOOL_CALLS_PER_ROUND = 8
#: Rounds of automatic tool execution before giving up.
DEFAULT_MAX_TOOL_ROUNDS = 5
#: Seconds a tool's media project may take before it is canceled.
DEFAULT_TOOL_TIMEOUT = 1800.0
_ALL_TOOL_NAMES = PLAIN_TOOL_NAMES + SOGNI_TOOL_NAMES


# -- definitions -------------------------------------------------------------------------


def sogni_tools_version() -> str:
    """Version of the hosted tool contract the plain-named tools follow."""
    return plain_version()


def _spec(name: object) -> ToolSpec:
    spec = tool_spec(name)
    if spec is None:
        raise ValidationError(
            f"{name!r} is not a Sogni tool", field="tool_name", allowed=_ALL_TOOL_NAMES
        )
    return spec


def get_tool_definition(name: str) -> dict[str, Any]:
    """A fresh copy of one tool definition (OpenAI ``{"type": "function", ...}`` shape),
    from either tool set."""
    return _spec(name).fresh_definition()


class _Tool:
    """A catalogue attribute: the definition of one tool, a fresh copy on every access."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, catalog: object, owner: type | None = None) -> dict[str, Any]:
        return get_tool_definition(self.name)


class _Catalog:
    """A set of Sogni tool definitions, ready to pass as ``tools=``.

    Every access returns fresh copies, so changing one never affects later requests.
    ``all`` lists every definition; ``catalog["name"]`` or ``catalog.get("name")`` returns
    one by name, as do the attributes named after the tools.
    """

    __slots__ = ("_label", "_names", "_version")

    def __init__(self, label: str, names: Sequence[str], version: str) -> None:
        self._label = label
        self._names = tuple(names)
        self._version = version

    @property
    def version(self) -> str:
        """Version of the hosted tool contract."""
        return self._version

    @property
    def names(self) -> tuple[str, ...]:
        """The tool names, in catalogue order."""
        return self._names

    @property
    def all(self) -> list[dict[str, Any]]:
        """Every definition of this set."""
        return [get_tool_definition(name) for name in self._names]

    def get(self, name: str) -> dict[str, Any]:
        """The definition of the tool ``name`` of this set; :class:`ValidationError` if
        the set has no such tool."""
        if name not in self._names:
            raise ValidationError(
                f"{name!r} is not a tool of this set", field="tool_name", allowed=self._names
            )
        return get_tool_definition(name)

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"{self._label}(version={self.version!r}, names={list(self._names)!r})"


class _OlderTools(_Catalog):
    """The older ``sogni_*`` tool set (``SogniTools.older``)."""

    __slots__ = ()

    generate_image = _Tool("sogni_generate_image")
    """``sogni_generate_image``."""
    edit_image = _Tool("sogni_edit_image")
    """``sogni_edit_image``."""
    generate_video = _Tool("sogni_generate_video")
    """``sogni_generate_video``."""
    sound_to_video = _Tool("sogni_sound_to_video")
    """``sogni_sound_to_video``."""
    video_to_video = _Tool("sogni_video_to_video")
    """``sogni_video_to_video``."""
    generate_music = _Tool("sogni_generate_music")
    """``sogni_generate_music``."""


class _PlainTools(_Catalog):
    """The plain-named hosted tools (``SogniTools``); ``older`` holds the ``sogni_*`` set,
    ``direct`` the six tools a client runs itself as media projects."""

    __slots__ = ()

    generate_image = _Tool("generate_image")
    """``generate_image`` (runs on the client as an image project)."""
    edit_image = _Tool("edit_image")
    """``edit_image`` (runs on the client as an image project)."""
    generate_video = _Tool("generate_video")
    """``generate_video`` (runs on the client as a video project)."""
    sound_to_video = _Tool("sound_to_video")
    """``sound_to_video`` (runs on the client as a video project)."""
    video_to_video = _Tool("video_to_video")
    """``video_to_video`` (runs on the client as a video project)."""
    generate_music = _Tool("generate_music")
    """``generate_music`` (runs on the client as an audio project)."""
    generate_speech = _Tool("generate_speech")
    """``generate_speech`` (hosted)."""
    image_to_3d = _Tool("image_to_3d")
    """``image_to_3d`` (hosted)."""
    remove_background = _Tool("remove_background")
    """``remove_background`` (hosted)."""
    segment_image = _Tool("segment_image")
    """``segment_image`` (hosted)."""
    apply_style = _Tool("apply_style")
    """``apply_style`` (hosted)."""
    restore_photo = _Tool("restore_photo")
    """``restore_photo`` (hosted)."""
    refine_result = _Tool("refine_result")
    """``refine_result`` (hosted)."""
    change_angle = _Tool("change_angle")
    """``change_angle`` (hosted)."""
    animate_photo = _Tool("animate_photo")
    """``animate_photo`` (hosted)."""
    upscale_image = _Tool("upscale_image")
    """``upscale_image`` (hosted)."""
    upscale_video = _Tool("upscale_video")
    """``upscale_video`` (hosted)."""
    stitch_video = _Tool("stitch_video")
    """``stitch_video`` (hosted)."""
    orbit_video = _Tool("orbit_video")
    """``orbit_video`` (hosted)."""
    dance_montage = _Tool("dance_montage")
    """``dance_montage`` (hosted)."""
    extend_video = _Tool("extend_video")
    """``extend_video`` (hosted)."""
    replace_video_segment = _Tool("replace_video_segment")
    """``replace_video_segment`` (hosted)."""
    overlay_video = _Tool("overlay_video")
    """``overlay_video`` (hosted)."""
    add_subtitles = _Tool("add_subtitles")
    """``add_subtitles`` (hosted)."""
    enhance_prompt = _Tool("enhance_prompt")
    """``enhance_prompt`` (hosted, text)."""
    compose_lyrics = _Tool("compose_lyrics")
    """``compose_lyrics`` (hosted, text)."""
    compose_instrumental = _Tool("compose_instrumental")
    """``compose_instrumental`` (hosted, text)."""
    compose_script = _Tool("compose_script")
    """``compose_script`` (hosted, text)."""
    compose_workflow = _Tool("compose_workflow")
    """``compose_workflow`` (hosted, text)."""
    compose_workflow_template = _Tool("compose_workflow_template")
    """``compose_workflow_template`` (hosted, text)."""

    @property
    def older(self) -> _OlderTools:
        """The older ``sogni_*`` tools (six media tools that run on the client)."""
        return _OLDER

    @property
    def direct(self) -> _Catalog:
        """The six plain tools a client runs itself (``chat.tools.execute``)."""
        return _DIRECT

    def validate(self, tool_call: ToolCall | Mapping[str, Any]) -> None:
        """Check a Sogni tool call (either set) against its tool's parameters; see
        :func:`check_tool_call`."""
        check_tool_call(tool_call)


_OLDER = _OlderTools("SogniTools.older", SOGNI_TOOL_NAMES, older_version())
_DIRECT = _Catalog(
    "SogniTools.direct", [n for n in PLAIN_TOOL_NAMES if n in DIRECT_TOOL_NAMES], plain_version()
)

#: The Sogni tool definitions: the plain-named hosted tools, with ``SogniTools.older`` for
#: the ``sogni_*`` set and ``SogniTools.direct`` for the six that run on the client.
SogniTools = _PlainTools("SogniTools", PLAIN_TOOL_NAMES, plain_version())

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
    """The six older ``sogni_*`` definitions, with ``model`` limited to what the network
    offers now.

    ``available_models`` are the media models (mappings or objects with ``id`` and
    ``media``). Without any, the definitions are returned unchanged. A tool for which no
    suitable model is available keeps its original ``model`` property.
    """
    models = [AvailableModel.coerce(m) for m in available_models or ()]
    tools = _OLDER.all
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


def is_sogni_tool_call(tool_call: ToolCall | Mapping[str, Any]) -> bool:
    """Whether the call is for a Sogni tool of either set (``generate_image``,
    ``apply_style``, ``sogni_generate_image`` ...)."""
    return tool_spec(as_tool_call(tool_call).function.name) is not None


def has_direct_dispatch(tool_call: ToolCall | Mapping[str, Any]) -> bool:
    """Whether the client runs this Sogni tool call itself, as a media project."""
    spec = tool_spec(as_tool_call(tool_call).function.name)
    return spec is not None and spec.direct_dispatch


def hosted_only_message(name: str) -> str:
    """What to tell the model about a call to a tool only the network runs."""
    return (
        f"Tool '{name}' runs on the network only: execute it via chat.hosted.create() "
        "(with sogni_tools), not chat.tools.execute()."
    )


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


def validate_tool_arguments(tool_name: str, args: Any) -> list[str]:
    """Everything wrong with a Sogni tool call's arguments, one message per problem.

    Checks, against the tool's parameters (either set): arguments form an object, required
    arguments are present (not null; for the plain tools not ``""`` or ``[]`` either),
    types, ``const``, enums (``model`` is free, except for ``generate_music``: it may be a
    selector or any model id), number bounds, string lengths, item counts and item types,
    nested objects. Unknown arguments are ignored. An empty list means the call is valid.
    """
    spec = tool_spec(tool_name)
    if spec is None:
        return [f"{tool_name!r} is not a Sogni tool"]
    return [problem.message for problem in argument_problems(spec, args)]


def check_tool_arguments(tool_name: str, args: Any) -> None:
    """Raise :class:`ValidationError` for the first thing wrong with the arguments of a
    call to ``tool_name`` (its message lists them all; ``field`` names the argument and
    ``allowed`` what it accepts)."""
    spec = _spec(tool_name)
    problems = argument_problems(spec, args)
    if problems:
        first = problems[0]
        raise ValidationError(
            f"invalid {tool_name} arguments: " + "; ".join(p.message for p in problems),
            field=first.argument,
            allowed=first.allowed,
        )


def check_tool_call(tool_call: ToolCall | Mapping[str, Any]) -> None:
    """Check a Sogni tool call (either set) against its tool's parameters, before anything
    is sent; raises :class:`ValidationError` (see :func:`check_tool_arguments`)."""
    call = as_tool_call(tool_call)
    check_tool_arguments(call.function.name, parse_tool_call_arguments(call))


def check_tool_batch(tool_calls: Sequence[ToolCall | Mapping[str, Any]]) -> None:
    """Refuse a model turn that asks for more client-run Sogni tool calls than may run at
    once (hosted-only calls do not count: they only produce an error result)."""
    count = sum(1 for call in tool_calls if has_direct_dispatch(call))
    if count > MAX_SOGNI_TOOL_CALLS_PER_ROUND:
        raise ValidationError(
            f"the model asked for {count} Sogni tool calls in one turn; "
            f"at most {MAX_SOGNI_TOOL_CALLS_PER_ROUND} are allowed",
            field="tool_calls",
        )


# -- arguments -> project parameters ----------------------------------------------------------


# Arguments of the plain tools that point at media by index; they need the network's
# media context, which only a hosted execution has.
_INDEXED_MEDIA = ("referenceImageIndices", "referenceVideoIndices", "referenceAudioIndices")


def _as_older(tool_name: str, args: Mapping[str, Any]) -> tuple[Call, dict[str, Any]]:
    """The call as its older tool and the arguments renamed for it (the manifest's names
    win over older spellings given alongside them)."""
    spec = tool_spec(tool_name)
    if spec is None:
        raise ValidationError(
            f"{tool_name!r} is not a Sogni tool", field="tool_name", allowed=_ALL_TOOL_NAMES
        )
    if not spec.direct_dispatch:
        raise ValidationError(
            hosted_only_message(tool_name), field="tool_name", allowed=DIRECT_TOOL_NAMES
        )
    if spec.older or spec.twin is None:
        return Call(spec.name, spec.name), dict(args)
    older = {key: value for key, value in args.items() if key not in spec.renames}
    for plain, name in spec.renames.items():
        if args.get(plain) is not None:
            older[name] = args[plain]
    names = {name: plain for plain, name in spec.renames.items()}
    return Call(spec.name, spec.twin, names), older


def _precheck(call: Call, args: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    """Input checks that come before model selection (``given``: the caller's arguments)."""
    indexed = [name for name in _INDEXED_MEDIA if given.get(name)]
    if call.tool != call.older and indexed:
        raise ValidationError(
            f"{call.tool} with {indexed[0]} needs the network's media context: run it via "
            "chat.hosted.create(), or pass the media inline (reference_image_url)",
            field=indexed[0],
        )
    mode = given.get(call.arg("control_mode"))
    if (
        call.older == "sogni_video_to_video"
        and mode is not None
        and (mode not in VIDEO_CONTROL_MODES)
    ):
        raise ValidationError(
            f"{call.tool} {call.arg('control_mode')} {mode!r} runs on the network only; "
            "use chat.hosted.create()",
            field=call.arg("control_mode"),
            allowed=VIDEO_CONTROL_MODES,
        )
    if call.older == "sogni_edit_image" and not edit_inputs(args):
        raise ValidationError(
            f"{call.tool} needs source_image_url or reference_image_urls",
            field="source_image_url",
        )
    if call.older == "sogni_sound_to_video" and not non_blank(args.get("reference_audio_url")):
        raise ValidationError(f"{call.tool} needs reference_audio_url", field="reference_audio_url")
    if call.older == "sogni_video_to_video" and not non_blank(args.get("reference_video_url")):
        raise ValidationError(f"{call.tool} needs reference_video_url", field="reference_video_url")


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
    A plain-named tool (``generate_image`` ...) gets the parameters of its older twin,
    its arguments renamed as the manifest says. Raises :class:`ValidationError` for
    unusable inputs, and for a tool only the network runs.
    """
    call, older_args = _as_older(tool_name, args)
    _precheck(call, older_args, args)
    return project_params(
        call,
        older_args,
        model_id,
        token_type=token_type,
        network=network,
        number_of_media=number_of_media,
    )


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

    Either tool set works; a plain-named tool runs as its older twin. Raises
    :class:`ValidationError` for bad arguments or inputs, or a tool only the network runs,
    and :class:`SogniError` when no suitable model is available; the caller turns either
    into :func:`tool_error_result`.
    """
    call = as_tool_call(tool_call)
    name = call.function.name
    if tool_spec(name) is None:
        raise ValidationError(
            f"{name!r} is not a Sogni tool call", field="tool_call", allowed=_ALL_TOOL_NAMES
        )
    given = parse_tool_call_arguments(call)
    check_tool_arguments(name, given)
    older, args = _as_older(name, given)
    _precheck(older, args, given)
    model_id = select_backbone_model(older.older, args, available_models)
    params = project_params(
        older,
        args,
        model_id,
        token_type=token_type,
        network=network,
        number_of_media=number_of_media,
    )
    return ToolPlan(call, TOOL_MEDIA[older.older], model_id, str(args["prompt"]), params)
