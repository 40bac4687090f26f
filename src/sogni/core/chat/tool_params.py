"""The project parameters of a client-run Sogni tool call.

A call arrives here as its older ``sogni_*`` tool (a plain-named tool's arguments renamed
by the manifest) with its model chosen; each tool has one function that turns its
arguments into the project parameters (camelCase, as for the job-request builder), inline
media decoded to bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from sogni.core.errors import ValidationError
from sogni.core.js import is_finite_number, js_round, js_truthy

from .media import MIB, MediaKind, parse_data_uri
from .routing import (
    TOOL_MEDIA,
    VIDEO_CONTROL_MODES,
    max_context_images,
    video_control_mode,
    video_defaults,
)

__all__ = ["INLINE_MEDIA_LIMITS", "Call", "edit_inputs", "non_blank", "project_params"]

#: Largest inline media accepted in tool arguments, in bytes.
INLINE_MEDIA_LIMITS: Mapping[MediaKind, int] = {
    "image": 20 * MIB,
    "audio": 50 * MIB,
    "video": 100 * MIB,
}


@attrs.frozen
class Call:
    """A client-run tool call as the older tool it runs as."""

    tool: str  # the name the model called
    older: str  # the older sogni_* tool whose rules apply
    names: Mapping[str, str] = attrs.field(factory=dict)  # older argument -> caller's name

    def arg(self, older_argument: str) -> str:
        """The caller's name for an argument of the older tool."""
        return self.names.get(older_argument, older_argument)


def non_blank(value: Any) -> bool:
    """True for a string with something besides whitespace in it."""
    return isinstance(value, str) and bool(value.strip())


def edit_inputs(args: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The images an ``edit_image`` call edits, with the argument each came from."""
    inputs: list[tuple[str, Any]] = []
    if non_blank(args.get("source_image_url")):
        inputs.append(("source_image_url", args["source_image_url"]))
    references = args.get("reference_image_urls")
    if isinstance(references, (list, tuple)):
        inputs.extend(
            (f"reference_image_urls[{i}]", url)
            for i, url in enumerate(references)
            if non_blank(url)
        )
    return inputs


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


def _decode(uri: Any, field: str, kind: MediaKind) -> bytes:
    return parse_data_uri(uri, kind, max_bytes=INLINE_MEDIA_LIMITS[kind], field=field).data


def _inline(args: Mapping[str, Any], name: str, kind: MediaKind) -> bytes:
    return _decode(args[name], name, kind)


def _inline_if_given(
    params: dict[str, Any], args: Mapping[str, Any], arg: str, key: str, kind: MediaKind
) -> None:
    if non_blank(args.get(arg)):
        params[key] = _inline(args, arg, kind)


def _generate_audio(params: dict[str, Any], args: Mapping[str, Any]) -> None:
    if _given(args, "generate_audio"):
        params["generateAudio"] = bool(args["generate_audio"])


def _video_size(params: dict[str, Any], args: Mapping[str, Any], model_id: str) -> Any:
    """Width and height from the call, else the model's; returns the model's usual fps."""
    width, height, fps = video_defaults(model_id)
    params["width"] = args.get("width") if js_truthy(args.get("width")) else width
    params["height"] = args.get("height") if js_truthy(args.get("height")) else height
    return fps


def _negative_prompt(params: dict[str, Any], args: Mapping[str, Any]) -> None:
    if js_truthy(args.get("negative_prompt")):
        params["negativePrompt"] = args["negative_prompt"]


def _copy_if_given(
    params: dict[str, Any], args: Mapping[str, Any], pairs: Iterable[tuple[str, str]]
) -> None:
    for arg, key in pairs:
        if _given(args, arg):
            params[key] = args[arg]


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


# -- one function per tool ---------------------------------------------------------------------


def _image(params: dict[str, Any], call: Call, args: Mapping[str, Any], model_id: str) -> None:
    if call.older == "sogni_edit_image":
        inputs = edit_inputs(args)[: max_context_images(model_id)]
        params["contextImages"] = [_decode(url, field, "image") for field, url in inputs]
    _negative_prompt(params, args)
    if js_truthy(args.get("width")) and js_truthy(args.get("height")):
        params.update(width=args["width"], height=args["height"], sizePreset="custom")
    if call.older == "sogni_generate_image":
        _copy_if_given(params, args, [("steps", "steps")])
    _copy_if_given(params, args, [("seed", "seed")])
    _image_options(params, args)


def _video(params: dict[str, Any], call: Call, args: Mapping[str, Any], model_id: str) -> None:
    fps = _video_size(params, args, model_id)
    params["fps"] = args.get("fps") if js_truthy(args.get("fps")) else fps
    if not _is_seedance(model_id):
        _negative_prompt(params, args)
    _copy_if_given(params, args, [("duration", "duration"), ("seed", "seed")])
    _inline_if_given(params, args, "reference_image_url", "referenceImage", "image")
    _inline_if_given(params, args, "reference_image_end_url", "referenceImageEnd", "image")
    _inline_if_given(
        params, args, "reference_audio_identity_url", "referenceAudioIdentity", "audio"
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
    _generate_audio(params, args)


def _sound_to_video(
    params: dict[str, Any], call: Call, args: Mapping[str, Any], model_id: str
) -> None:
    duration = _finite(args.get("duration"))
    duration = 5 if duration is None else duration
    params["referenceAudio"] = _inline(args, "reference_audio_url", "audio")
    fps = _video_size(params, args, model_id)
    params.update(fps=fps, duration=duration, audioDuration=duration)
    _inline_if_given(params, args, "reference_image_url", "referenceImage", "image")
    _copy_if_given(params, args, [("audio_start", "audioStart")])
    _generate_audio(params, args)
    _copy_if_given(params, args, [("seed", "seed")])


def _video_mode(call: Call, args: Mapping[str, Any]) -> tuple[str, bool]:
    """The control mode of a video-to-video call, and whether it animates a character."""
    mode = video_control_mode(args.get("control_mode"))
    animate = mode in ("animate-move", "animate-replace")
    if animate and not non_blank(args.get("reference_image_url")):
        if args.get("control_mode") is None:
            raise ValidationError(
                f"{call.tool} needs a {call.arg('control_mode')}, or a reference_image_url "
                "for the default animate-move mode",
                field=call.arg("control_mode"),
                allowed=VIDEO_CONTROL_MODES,
            )
        raise ValidationError(f"{mode} needs reference_image_url", field="reference_image_url")
    return mode, animate


def _video_to_video(
    params: dict[str, Any], call: Call, args: Mapping[str, Any], model_id: str
) -> None:
    mode, animate = _video_mode(call, args)
    seedance = _is_seedance(model_id)
    duration = _finite(args.get("duration"))
    params["referenceVideo"] = _inline(args, "reference_video_url", "video")
    fps = _video_size(params, args, model_id)
    params.update(fps=fps, duration=5 if duration is None else duration)
    if not seedance:
        _negative_prompt(params, args)
    _copy_if_given(params, args, [("seed", "seed")])
    _inline_if_given(params, args, "reference_image_url", "referenceImage", "image")
    _inline_if_given(
        params, args, "reference_audio_identity_url", "referenceAudioIdentity", "audio"
    )
    _copy_if_given(
        params,
        args,
        [("audio_identity_strength", "audioIdentityStrength"), ("video_start", "videoStart")],
    )
    _generate_audio(params, args)
    # seedance-v2v names no ControlNet; on a non-Seedance model it runs plain v2v.
    if not animate and not seedance and mode != "seedance-v2v":
        params["controlNet"] = {"name": mode, "strength": 1 if mode == "detailer" else 0.85}
    if not seedance:
        _copy_if_given(params, args, [("detailer_strength", "detailerStrength")])


def _music(params: dict[str, Any], call: Call, args: Mapping[str, Any], model_id: str) -> None:
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


def _is_seedance(model_id: str) -> bool:
    return model_id.startswith("seedance-2-0")


_Builder = Callable[[dict[str, Any], Call, Mapping[str, Any], str], None]
_BY_TOOL: Mapping[str, _Builder] = {
    "sogni_generate_image": _image,
    "sogni_edit_image": _image,
    "sogni_generate_video": _video,
    "sogni_sound_to_video": _sound_to_video,
    "sogni_video_to_video": _video_to_video,
}


def project_params(
    call: Call,
    args: Mapping[str, Any],
    model_id: str,
    *,
    token_type: str | None,
    network: str | None,
    number_of_media: int | None,
) -> dict[str, Any]:
    """The project parameters of ``call`` (``args`` named as its older tool names them)."""
    params: dict[str, Any] = {
        "type": TOOL_MEDIA[call.older],
        "modelId": model_id,
        "positivePrompt": args.get("prompt"),
        "numberOfMedia": _variation_count(args, number_of_media),
    }
    _BY_TOOL.get(call.older, _music)(params, call, args, model_id)
    if token_type:
        params["tokenType"] = token_type
    if network:
        params["network"] = network
    return params
