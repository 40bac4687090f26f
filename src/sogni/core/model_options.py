"""Generation options of a model, read from the models list and the tier table.

``GET /api/v1/models/list`` names each model's tier; ``GET /api/v2/models/tiers`` describes
every tier: step and guidance ranges, sampler and scheduler lists, video frame rates, audio
ranges. :func:`model_options_for` joins the two into a :class:`ModelOptions` value that the
job-request builder validates parameters against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

import attrs

from sogni.core.errors import SogniError, ValidationError
from sogni.core.video import is_audio_model, is_video_model

__all__ = [
    "MediaType",
    "TierKind",
    "NumericRange",
    "OptionList",
    "ModelOptions",
    "SAMPLER_ALIASES",
    "SCHEDULER_ALIASES",
    "sampler_alias",
    "scheduler_alias",
    "model_options_for",
    "media_type_of",
    "validate_sampler",
    "validate_scheduler",
]

MediaType = Literal["image", "video", "audio"]
TierKind = Literal["forge-image", "comfy-image", "video", "audio"]

#: Display names the tier table may use for samplers, mapped to the values the SDK accepts.
SAMPLER_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "Euler": "euler",
        "Euler a": "euler_a",
        "Euler Ancestral": "euler_ancestral",
        "Heun": "heun",
        "DPM++ 2M": "dpmpp_2m",
        "DPM++ 2M SDE": "dpmpp_2m_sde",
        "DPM++ SDE": "dpmpp_sde",
        "DPM++ 3M SDE": "dpmpp_3m_sde",
        "UniPC": "uni_pc",
        "LCM (Latent Consistency Model)": "lcm",
        "LMS": "lms",
        "DPM 2": "dpm_2",
        "DPM 2 Ancestral": "dpm_2_ancestral",
        "DPM Fast": "dpm_fast",
        "DPM Adaptive": "dpm_adaptive",
        "DPM++ 2S Ancestral": "dpmpp_2s_ancestral",
        "DDPM": "ddpm",
        "Discrete Flow Sampler (SD3)": "dfs_sd3",
        "Discrete Flow Scheduler (SD3)": "dfs_sd3",
        "DPM Solver Multistep (DPM-Solver++)": "dpm_pp",
        "PNDM (Pseudo-linear multi-step)": "pndm_plms",
    }
)

#: Display names the tier table may use for schedulers, mapped to the accepted values.
SCHEDULER_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "Simple": "simple",
        "Normal": "normal",
        "Karras": "karras",
        "Exponential": "exponential",
        "SGM Uniform": "sgm_uniform",
        "DDIM Uniform": "ddim_uniform",
        "Beta": "beta",
        "Linear Quadratic": "linear_quadratic",
        "KL Optimal": "kl_optimal",
        "DDIM": "ddim",
        "Leading": "leading",
        "Linear": "linear",
    }
)


def sampler_alias(value: Any) -> Any:
    """The accepted value for a sampler display name; anything else is returned unchanged."""
    return SAMPLER_ALIASES.get(value, value) if isinstance(value, str) else value


def scheduler_alias(value: Any) -> Any:
    """The accepted value for a scheduler display name; anything else is returned unchanged."""
    return SCHEDULER_ALIASES.get(value, value) if isinstance(value, str) else value


@attrs.frozen
class NumericRange:
    """An inclusive numeric range with its step and default value."""

    min: float
    max: float
    step: float
    default: float | None

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return self.min <= value <= self.max


@attrs.frozen
class OptionList:
    """A closed set of accepted values and the default one (``allowed`` empty = anything)."""

    allowed: tuple[Any, ...]
    default: Any = None


@attrs.frozen
class ModelOptions:
    """What a model accepts, as the tier table describes it.

    ``media`` is what the model produces; fields that do not apply to the model's family
    are ``None``. ``sampler`` and ``scheduler`` are always present (empty ``allowed`` when
    the tier names none, in which case any given value is ignored). ``raw_tier`` keeps
    the tier exactly as the server sent it.
    """

    model_id: str
    media: MediaType
    tier: str
    kind: TierKind
    sampler: OptionList
    scheduler: OptionList
    steps: NumericRange | None = None
    guidance: NumericRange | None = None
    # video
    fps: OptionList | None = None
    frames: NumericRange | None = None
    width: NumericRange | None = None
    height: NumericRange | None = None
    # audio (``shift`` also for video tiers that carry it)
    duration: NumericRange | None = None
    bpm: NumericRange | None = None
    timesignature: OptionList | None = None
    language: OptionList | None = None
    keyscale: OptionList | None = None
    composer_mode: bool | None = None
    prompt_strength: NumericRange | None = None
    creativity: NumericRange | None = None
    shift: NumericRange | None = None
    name: str | None = None
    raw_tier: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False, repr=False)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SogniError(f"malformed model tier data: {where} is not a number")
    return value


def _range(raw: Any, where: str) -> NumericRange:
    if not isinstance(raw, Mapping):
        raise SogniError(f"malformed model tier data: {where} is not an object")
    decimals = raw.get("decimals")
    if decimals:
        step: float = 10 ** -_number(decimals, f"{where}.decimals")
    else:
        step = raw.get("step") or 1
    default = raw.get("default")
    return NumericRange(
        min=_number(raw.get("min"), f"{where}.min"),
        max=_number(raw.get("max"), f"{where}.max"),
        step=step,
        default=default,
    )


def _options(raw: Any, where: str, alias: Any = None) -> OptionList:
    if raw is None:
        return OptionList(allowed=(), default=None)
    if not isinstance(raw, Mapping):
        raise SogniError(f"malformed model tier data: {where} is not an object")
    allowed = raw.get("allowed")
    if not isinstance(allowed, Sequence) or isinstance(allowed, str):
        raise SogniError(f"malformed model tier data: {where}.allowed is not a list")
    mapper = alias if alias is not None else (lambda v: v)
    default = raw.get("default")
    return OptionList(
        allowed=tuple(mapper(v) for v in allowed),
        default=None if default is None else mapper(default),
    )


def _optional_range(tier: Mapping[str, Any], key: str, where: str) -> NumericRange | None:
    raw = tier.get(key)
    return _range(raw, f"{where}.{key}") if raw else None


def _tier_kind(tier: Mapping[str, Any], name: str) -> TierKind:
    if "type" not in tier:
        return "forge-image"
    kinds: dict[Any, TierKind] = {"image": "comfy-image", "video": "video", "audio": "audio"}
    kind = kinds.get(tier["type"])
    if kind is None:
        raise SogniError(f'Unsupported model tier "{name}" (type {tier["type"]!r})')
    return kind


def _known_ids(models_list: Sequence[Mapping[str, Any]], limit: int = 8) -> str:
    ids = [str(m.get("id")) for m in models_list if isinstance(m, Mapping) and m.get("id")]
    shown = ", ".join(ids[:limit])
    if len(ids) > limit:
        shown += f", ... ({len(ids)} in all)"
    return shown or "none"


def model_options_for(
    model_id: str,
    models_list: Sequence[Mapping[str, Any]],
    tiers: Mapping[str, Any],
) -> ModelOptions:
    """Join the models list and the tier table into the options of ``model_id``.

    Raises :class:`ValidationError` (``field="model_id"``) when the model is not in the
    list, and :class:`SogniError` when the server's tier data is missing or malformed.
    """
    model = next(
        (m for m in models_list if isinstance(m, Mapping) and m.get("id") == model_id), None
    )
    if model is None:
        raise ValidationError(
            f"Model {model_id!r} is not supported by the network",
            field="model_id",
            hint=f"known models include: {_known_ids(models_list)}",
        )
    tier_name = model.get("tier")
    tier = tiers.get(tier_name) if isinstance(tier_name, str) else None
    if not isinstance(tier_name, str) or not isinstance(tier, Mapping):
        raise SogniError(
            f'Unable to find model tier "{tier_name}" of model {model_id!r}',
            hint="the network's tier table is incomplete; please contact Sogni support",
        )
    kind = _tier_kind(tier, tier_name)
    where = f"tier {tier_name}"
    name = model.get("name")
    common: dict[str, Any] = {
        "model_id": model_id,
        "tier": tier_name,
        "kind": kind,
        "name": name if isinstance(name, str) else None,
        "raw_tier": tier,
    }
    return _BY_KIND[kind](tier, where, common)


def _image_options(tier: Mapping[str, Any], where: str, common: dict[str, Any]) -> ModelOptions:
    forge = common["kind"] == "forge-image"
    sampler_key = "sampler" if forge else "comfySampler"
    scheduler_key = "scheduler" if forge else "comfyScheduler"
    return ModelOptions(
        media="image",
        steps=_range(tier.get("steps"), f"{where}.steps"),
        guidance=_range(tier.get("guidance"), f"{where}.guidance"),
        sampler=_options(tier.get(sampler_key), f"{where}.{sampler_key}", sampler_alias),
        scheduler=_options(tier.get(scheduler_key), f"{where}.{scheduler_key}", scheduler_alias),
        **common,
    )


def _comfy_sampling(tier: Mapping[str, Any], where: str) -> tuple[OptionList, OptionList]:
    sampler = _options(tier.get("comfySampler"), f"{where}.comfySampler", sampler_alias)
    scheduler = _options(tier.get("comfyScheduler"), f"{where}.comfyScheduler", scheduler_alias)
    return sampler, scheduler


def _video_options(tier: Mapping[str, Any], where: str, common: dict[str, Any]) -> ModelOptions:
    fps = tier.get("fps")
    sampler, scheduler = _comfy_sampling(tier, where)
    return ModelOptions(
        media="video",
        sampler=sampler,
        scheduler=scheduler,
        steps=_optional_range(tier, "steps", where),
        guidance=_optional_range(tier, "guidance", where),
        fps=_options(fps, f"{where}.fps") if fps else None,
        frames=_optional_range(tier, "frames", where),
        width=_optional_range(tier, "width", where),
        height=_optional_range(tier, "height", where),
        shift=_optional_range(tier, "shift", where),
        **common,
    )


def _audio_options(tier: Mapping[str, Any], where: str, common: dict[str, Any]) -> ModelOptions:
    keyscale = tier.get("keyscale")
    composer = tier.get("composerMode")
    sampler, scheduler = _comfy_sampling(tier, where)
    return ModelOptions(
        media="audio",
        sampler=sampler,
        scheduler=scheduler,
        # Speech tiers carry no tempo, metre or language: only what a model has is listed.
        steps=_optional_range(tier, "steps", where),
        guidance=_optional_range(tier, "guidance", where),
        duration=_optional_range(tier, "duration", where),
        bpm=_optional_range(tier, "bpm", where),
        timesignature=_options(tier.get("timesignature"), f"{where}.timesignature"),
        language=_options(tier.get("language"), f"{where}.language"),
        keyscale=_options(keyscale, f"{where}.keyscale") if keyscale else None,
        composer_mode=bool(composer.get("default")) if isinstance(composer, Mapping) else None,
        prompt_strength=_optional_range(tier, "promptStrength", where),
        creativity=_optional_range(tier, "creativity", where),
        shift=_optional_range(tier, "shift", where),
        **common,
    )


_Builder = Callable[[Mapping[str, Any], str, dict[str, Any]], ModelOptions]
_BY_KIND: Mapping[TierKind, _Builder] = {
    "forge-image": _image_options,
    "comfy-image": _image_options,
    "video": _video_options,
    "audio": _audio_options,
}


def media_type_of(
    model_id: str, models_list: Sequence[Mapping[str, Any]] | None = None
) -> MediaType:
    """What ``model_id`` produces: ``"image"``, ``"video"`` or ``"audio"``.

    The ``media`` field of the models list wins when the model is listed; otherwise the
    id prefix decides (``wan_``/``ltx2-``/``ltx23-``/``seedance-2-0`` video, ``ace_step``
    audio, anything else image).
    """
    for model in models_list or ():
        if isinstance(model, Mapping) and model.get("id") == model_id:
            media = model.get("media")
            if media in ("image", "video", "audio"):
                return media  # type: ignore[no-any-return]
            break
    if is_video_model(model_id):
        return "video"
    if is_audio_model(model_id):
        return "audio"
    return "image"


def _validate_choice(value: Any, options: OptionList, what: str, field: str) -> str | None:
    if not options.allowed or not value:
        return None
    if value not in options.allowed:
        allowed = list(options.allowed)
        raise ValidationError(
            f"Invalid {what} {value!r}. Must be one of {', '.join(map(repr, allowed))}.",
            field=field,
            allowed=allowed,
        )
    return value  # type: ignore[no-any-return]


def validate_sampler(value: Any, options: ModelOptions) -> str | None:
    """The sampler to send, or ``None`` when none is given or the model takes none.

    Display names (``"Euler a"``) are accepted and mapped to their value (``"euler_a"``).
    Raises :class:`ValidationError` for a sampler the model does not offer.
    """
    return _validate_choice(sampler_alias(value), options.sampler, "sampler", "sampler")


def validate_scheduler(value: Any, options: ModelOptions) -> str | None:
    """The scheduler to send, or ``None`` when none is given or the model takes none.

    Display names (``"Karras"``) are accepted and mapped to their value (``"karras"``).
    Raises :class:`ValidationError` for a scheduler the model does not offer.
    """
    return _validate_choice(scheduler_alias(value), options.scheduler, "scheduler", "scheduler")
