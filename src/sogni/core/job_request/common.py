"""Checks of the parameters every project type shares, and ``extra_params``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sogni.core._generated.vocabulary import NETWORKS, TOKEN_TYPES
from sogni.core.checks import choice, number, sequence, string
from sogni.core.errors import ValidationError
from sogni.core.families import Rules
from sogni.core.job_request.values import UNSET, Params, in_range, snake
from sogni.core.json_safe import check_json_safe
from sogni.core.loras import MAX_STRENGTH, MIN_STRENGTH
from sogni.core.model_options import ModelOptions
from sogni.core.video import VIDEO_ASSET_PARAMS

PROJECT_TYPES = ("image", "video", "audio")


#: Output formats per project type; the first one is the default.
OUTPUT_FORMATS: Mapping[str, tuple[str, ...]] = {
    "image": ("png", "jpg", "webp"),
    "video": ("mp4",),
    "audio": ("mp3", "flac", "wav"),
}


MAX_NUMBER_OF_MEDIA = 16


_UINT32_MAX = 2**32 - 1


def project_type(p: Params, options: ModelOptions, model_id: str) -> str:
    kind = p.get("type")
    if kind is None:
        kind = options.media
    choice(kind, "type", PROJECT_TYPES, "project type")
    if kind != options.media:
        raise ValidationError(
            f"Model {model_id} does not support {kind} generation; it produces {options.media}."
            " Use a different model or type.",
            field="type",
            allowed=[options.media],
        )
    return str(kind)


def checked_model_id(p: Params, options: ModelOptions) -> str:
    model_id = p.get("modelId")
    if model_id is None:
        return options.model_id
    if not isinstance(model_id, str) or not model_id:
        raise ValidationError("model_id must be a non-empty string", field="model_id")
    if model_id != options.model_id:
        raise ValidationError(
            f"model_id {model_id!r} does not match the options given (for {options.model_id!r})",
            field="model_id",
        )
    return model_id


def check_common(p: Params, options: ModelOptions, model_id: str, kind: str, rules: Rules) -> None:
    """Check the parameters every project type takes, and assets of another type."""
    for name in ("positivePrompt", "negativePrompt", "stylePrompt", "appSource"):
        if p.given(name):
            string(p.get(name), snake(name))
    # Held to the model's tier: a value outside it cannot succeed and would spend tokens.
    if p.given("steps"):
        in_range(p.get("steps"), "steps", options.steps, model_id, integer=True)
    if p.given("guidance"):
        in_range(p.get("guidance"), "guidance", options.guidance, model_id)
    if p.given("seed"):
        number(p.get("seed"), "seed", minimum=0, maximum=_UINT32_MAX, integer=True)
    if p.given("numberOfMedia"):
        number(
            p.get("numberOfMedia"),
            "number_of_media",
            minimum=1,
            maximum=MAX_NUMBER_OF_MEDIA,
            integer=True,
        )
    if p.given("tokenType"):
        choice(p.get("tokenType"), "token_type", TOKEN_TYPES)
        if p.get("tokenType") != "spark" and rules.spark_only:
            raise ValidationError(
                f"Model {model_id} runs on an external API and is paid in Spark only",
                field="token_type",
                allowed=["spark"],
            )
    if p.given("network"):
        choice(p.get("network"), "network", NETWORKS)
    if p.given("outputFormat"):
        choice(
            p.get("outputFormat"),
            "output_format",
            OUTPUT_FORMATS[kind],
            f"output_format of {kind} projects",
        )
    _check_loras(p)
    _check_assets_of_type(p, kind)


def _check_loras(p: Params) -> None:
    if p.given("loras"):
        for index, lora in enumerate(sequence(p.get("loras"), "loras")):
            if not isinstance(lora, str) or not lora:
                raise ValidationError(
                    f"loras[{index}] must be a LoRA id (a non-empty string), got {lora!r}",
                    field="loras",
                )
    if p.given("loraStrengths"):
        for strength in sequence(p.get("loraStrengths"), "lora_strengths"):
            number(
                strength,
                "lora_strengths",
                minimum=MIN_STRENGTH,
                maximum=MAX_STRENGTH,
                what="each LoRA strength",
            )


def _check_assets_of_type(p: Params, kind: str) -> None:
    """Assets of another project type would be ignored silently; say so instead."""
    if kind != "image":
        # Video context images are MiniMax H3 r2v references, checked with the video.
        for name in ("startingImage",) if kind == "video" else ("startingImage", "contextImages"):
            if p.truthy(name):
                raise ValidationError(
                    f"{snake(name)} is only used by image projects"
                    + (" (video projects take reference_image)" if kind == "video" else ""),
                    field=snake(name),
                )
    if kind != "video":
        for wire in (
            *VIDEO_ASSET_PARAMS.values(),
            "referenceImageUrls",
            "referenceVideoUrls",
            "referenceAudioUrls",
        ):
            if p.truthy(wire) and not (kind == "audio" and wire == "referenceAudio"):
                raise ValidationError(
                    f"{snake(wire)} is only used by video projects"
                    + (" and speech models" if wire == "referenceAudio" else ""),
                    field=snake(wire),
                )


def merge_extra_params(p: Params, key_frame: dict[str, Any], known: Mapping[str, str]) -> None:
    """Merge ``extra_params`` into the key frame, refusing what the SDK already sets."""
    extra = p.get("extraParams")
    if extra is None:
        return
    if not isinstance(extra, Mapping):
        raise ValidationError(
            "extra_params must be a mapping of field names to JSON values", field="extra_params"
        )
    for key, value in extra.items():
        if not isinstance(key, str) or not key:
            raise ValidationError(
                f"extra_params keys must be field names, got {key!r}", field="extra_params"
            )
        keyword = known.get(key) or known.get(snake(key))
        if keyword is not None:
            raise ValidationError(
                f"extra_params[{key!r}] is a field the SDK sets; use the {keyword} keyword",
                field="extra_params",
            )
        if key in key_frame and key_frame[key] is not UNSET:
            raise ValidationError(
                f"extra_params[{key!r}] is a field the SDK sets from other parameters",
                field="extra_params",
            )
        check_json_safe(value, f"extra_params.{key}")
        key_frame[key] = value
