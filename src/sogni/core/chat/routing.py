"""Choosing the media model a Sogni tool call runs on.

A tool call may name a model by id or by a short selector (``"flux2"``, ``"ltx23"``,
``"gpt"``...). Selection then keeps the available models of the right media type and
workflow, honours the requested one when it qualifies, and otherwise prefers a tool's
favourite model or the model with the most workers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, cast

import attrs

from sogni.core.errors import SogniError
from sogni.core.js import is_finite_number
from sogni.core.video import max_context_images, video_defaults, video_workflow

from .manifest import older_tools

__all__ = [
    "AvailableModel",
    "SelectedModel",
    "ToolModelPlan",
    "TOOL_MEDIA",
    "video_workflow",
    "compatible_video_workflows",
    "filter_video_models",
    "is_edit_image_model",
    "max_context_images",
    "video_defaults",
    "resolve_model_selector",
    "select_model",
    "tool_model_plan",
    "select_backbone_model",
    "VIDEO_CONTROL_MODES",
    "video_control_mode",
]

MediaType = Literal["image", "video", "audio"]

#: The media each client-run (older ``sogni_*``) tool produces, from the tool data.
TOOL_MEDIA: Mapping[str, MediaType] = {
    spec.name: cast(MediaType, spec.output) for spec in older_tools()
}

_GPT_IMAGE = "gpt-image-2"
_GPT_ALIASES = (
    "chatgpt", "chatgpt-image", "chat-gpt", "chat-gpt-image", "openai", "openai-image",
    "open-ai", "open-ai-image", "gpt", "gpt-image", "gpt2", "gpt-2", "gpt2-image",
    "gpt-2-image", "gptimage2", "gpt-image2", "gpt-image-2",
)  # fmt: skip

_IMAGE_SELECTORS = {
    **dict.fromkeys(_GPT_ALIASES, _GPT_IMAGE),
    "z-turbo": "z_image_turbo_bf16",
    "z-image": "z_image_bf16",
    "chroma-v46-flash": "chroma-v.46-flash_fp8",
    "chroma-detail": "chroma-v48-detail-svd_fp8",
    "flux1-krea": "flux1-krea-dev_fp8_scaled",
    "flux2": "flux2_dev_fp8",
    "pony-v7": "coreml-cyberrealisticPony_v7",
    "qwen-2512": "qwen_image_2512_fp8",
    "qwen-2512-lightning": "qwen_image_2512_fp8_lightning",
    "albedo-xl": "coreml-albedobaseXL_v31Large",
    "animagine-xl": "coreml-animagineXL40_v4Opt",
    "anima-pencil-xl": "coreml-animaPencilXL_v500",
    "art-universe-xl": "coreml-artUniverse_sdxlV60",
    "hyphoria-real": "coreml-hyphoriaRealIllu_v05",
    "analog-madness-xl": "coreml-analogMadnessSDXL_xl2",
    "cyberrealistic-xl": "coreml-cyberrealisticXL_v60",
    "real-dream-xl": "coreml-realDream_sdxlPony11",
    "faetastic-xl": "coreml-sdxlFaetastic_v24",
    "zavychroma-xl": "coreml-zavychromaxl_v80",
    "pony-faetality": "coreml-ponyFaetality_v11",
    "dreamshaper-xl": "coreml-DreamShaper-XL1-Alpha2",
}
_EDIT_SELECTORS = {
    **dict.fromkeys(_GPT_ALIASES, _GPT_IMAGE),
    "qwen-lightning": "qwen_image_edit_2511_fp8_lightning",
    "qwen": "qwen_image_edit_2511_fp8",
    "flux2": "flux2_dev_fp8",
}
_TEXT_VIDEO_SELECTORS = {
    "ltx23": "ltx23-22b-fp8_t2v_distilled",
    "wan22": "wan_v2.2-14b-fp8_t2v_lightx2v",
    "seedance2": "seedance-2-0",
    "seedance2-fast": "seedance-2-0-fast",
}
_IMAGE_VIDEO_SELECTORS = {
    "ltx23": "ltx23-22b-fp8_i2v_distilled",
    "wan22": "wan_v2.2-14b-fp8_i2v_lightx2v",
    "seedance2": "seedance-2-0",
    "seedance2-fast": "seedance-2-0-fast",
}
_VIDEO_TO_VIDEO_SELECTORS = {
    "ltx23": "ltx23-22b-fp8_v2v_distilled",
    "ltx23-v2v": "ltx23-22b-fp8_v2v_distilled",
    "seedance2": "seedance-2-0",
}
_SOUND_TO_VIDEO_SELECTORS = {
    "wan-s2v": "wan_v2.2-14b-fp8_s2v_lightx2v",
    "seedance2": "seedance-2-0",
    "ltx23-ia2v": "ltx23-22b-fp8_ia2v_distilled",
    "ltx23-a2v": "ltx23-22b-fp8_a2v_distilled",
}
_MUSIC_SELECTORS = {"turbo": "ace_step_1.5_turbo", "sft": "ace_step_1.5_sft"}

_SEEDANCE_BASE_IDS = ("seedance-2-0", "seedance-2-0-fast")
_SEEDANCE_WORKFLOWS = ("t2v", "i2v", "ia2v", "v2v")
_SELECTOR_SEPARATORS = re.compile(r"[_\s]+")


@attrs.frozen
class AvailableModel:
    """A media model the network currently offers (the fields selection needs)."""

    id: str
    media: str | None = None
    worker_count: float = 0

    @classmethod
    def coerce(cls, model: Any) -> AvailableModel:
        """Accept a mapping (wire or snake_case keys) or any object with the attributes."""
        if isinstance(model, AvailableModel):
            return model
        if isinstance(model, Mapping):
            get: Callable[[str], Any] = model.get
        else:

            def get(name: str) -> Any:
                return getattr(model, name, None)

        count = get("worker_count")
        if count is None:
            count = get("workerCount")
        return cls(
            id=str(get("id")),
            media=get("media"),
            worker_count=count if is_finite_number(count) else 0,
        )


@attrs.frozen
class SelectedModel:
    """The chosen model and why: ``requested``, ``preferred`` or ``worker_count``."""

    model_id: str
    selected_by: Literal["requested", "preferred", "worker_count"]


def compatible_video_workflows(model_id: str) -> tuple[str, ...]:
    """Workflows a video model can serve; the plain Seedance ids serve several."""
    if model_id in _SEEDANCE_BASE_IDS:
        return _SEEDANCE_WORKFLOWS
    workflow = video_workflow(model_id)
    return (workflow,) if workflow else ()


def filter_video_models(models: Iterable[Any], workflows: Sequence[str]) -> list[str]:
    """Ids of the available video models serving any of ``workflows``."""
    out = []
    for raw in models:
        model = AvailableModel.coerce(raw)
        if model.media == "video" and any(
            w in workflows for w in compatible_video_workflows(model.id)
        ):
            out.append(model.id)
    return out


def is_edit_image_model(model_id: str) -> bool:
    """Whether an image model can edit from reference images."""
    return (
        model_id == _GPT_IMAGE
        or model_id.startswith(("qwen_image_edit_", "flux2_"))
        or "kontext" in model_id
    )


def _non_blank(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _selectors(tool_name: str, args: Mapping[str, Any]) -> Mapping[str, str] | None:
    if tool_name == "sogni_generate_image":
        return _IMAGE_SELECTORS
    if tool_name == "sogni_edit_image":
        return _EDIT_SELECTORS
    if tool_name == "sogni_generate_video":
        with_image = _non_blank(args.get("reference_image_url")) or _non_blank(
            args.get("reference_image_end_url")
        )
        return _IMAGE_VIDEO_SELECTORS if with_image else _TEXT_VIDEO_SELECTORS
    if tool_name == "sogni_sound_to_video":
        return _SOUND_TO_VIDEO_SELECTORS
    if tool_name == "sogni_video_to_video":
        return _VIDEO_TO_VIDEO_SELECTORS
    if tool_name == "sogni_generate_music":
        return _MUSIC_SELECTORS
    return None


def resolve_model_selector(tool_name: str, args: Any) -> str | None:
    """The model id a tool call's ``model`` argument stands for, or ``None`` if it has none.

    Selectors match verbatim first, then after trimming, lower-casing and turning runs of
    ``_`` or whitespace into ``-``. Anything unmatched is taken as a literal model id.
    """
    if not isinstance(args, Mapping):
        return None
    requested = args.get("model")
    if not isinstance(requested, str) or not requested.strip():
        return None
    selectors = _selectors(tool_name, args)
    if selectors is None:
        return str(requested)
    key = _SELECTOR_SEPARATORS.sub("-", requested.strip().lower())
    return selectors.get(requested) or selectors.get(key) or requested


def select_model(
    available_models: Iterable[Any],
    media_type: str,
    *,
    requested: str | None = None,
    workflows: Sequence[str] | None = None,
    accept: Callable[[str], bool] | None = None,
    preferred: Sequence[str] = (),
) -> SelectedModel:
    """Pick a model of ``media_type`` from ``available_models``.

    Candidates must pass ``accept`` and, when ``workflows`` is given, serve one of them.
    The ``requested`` id wins if it is a candidate; then the first ``preferred`` id that is;
    then the candidate with the most workers (earlier entries win ties). Raises
    :class:`SogniError` when nothing fits.
    """
    by_media = [m for m in map(AvailableModel.coerce, available_models) if m.media == media_type]
    if not by_media:
        raise SogniError(f"no {media_type} models are available on the network right now")
    candidates = [
        m
        for m in by_media
        if (accept is None or accept(m.id))
        and (workflows is None or any(w in workflows for w in compatible_video_workflows(m.id)))
    ]
    if requested:
        for model in candidates:
            if model.id == requested:
                return SelectedModel(model.id, "requested")
    if not candidates:
        if workflows is not None:
            raise SogniError(
                f"no available {media_type} model supports the workflows {', '.join(workflows)}"
            )
        raise SogniError(f"no compatible {media_type} model is available on the network")
    for preferred_id in preferred:
        matches = [m for m in candidates if m.id == preferred_id]
        if matches:
            return SelectedModel(max(matches, key=_workers).id, "preferred")
    return SelectedModel(max(candidates, key=_workers).id, "worker_count")


def _workers(model: AvailableModel) -> float:
    return model.worker_count


@attrs.frozen
class ToolModelPlan:
    """How a tool call chooses its model: media type, workflows, filter and favourites."""

    media_type: MediaType
    requested: str | None = None
    workflows: tuple[str, ...] | None = None
    accept: Callable[[str], bool] | None = None
    preferred: tuple[str, ...] = ()


_ANIMATE_PREFERRED = {
    "animate-move": "wan_v2.2-14b-fp8_animate-move_lightx2v",
    "animate-replace": "wan_v2.2-14b-fp8_animate-replace_lightx2v",
}


def tool_model_plan(tool_name: str, args: Mapping[str, Any]) -> ToolModelPlan:
    """The selection rules for one Sogni tool call (see :func:`select_backbone_model`)."""
    requested = resolve_model_selector(tool_name, args)
    if tool_name == "sogni_generate_image":
        return ToolModelPlan("image", requested)
    if tool_name == "sogni_edit_image":
        return ToolModelPlan("image", requested, accept=is_edit_image_model)
    if tool_name == "sogni_generate_video":
        with_image = _non_blank(args.get("reference_image_url")) or _non_blank(
            args.get("reference_image_end_url")
        )
        if with_image:
            return ToolModelPlan(
                "video", requested, ("i2v",), None, ("ltx23-22b-fp8_i2v_distilled",)
            )
        return ToolModelPlan("video", requested, ("t2v",), None, ("ltx23-22b-fp8_t2v_distilled",))
    if tool_name == "sogni_sound_to_video":
        if _non_blank(args.get("reference_image_url")):
            return ToolModelPlan(
                "video",
                requested,
                ("ia2v", "s2v"),
                None,
                ("ltx23-22b-fp8_ia2v_distilled", "wan_v2.2-14b-fp8_s2v_lightx2v"),
            )
        return ToolModelPlan("video", requested, ("a2v",), None, ("ltx23-22b-fp8_a2v_distilled",))
    if tool_name == "sogni_video_to_video":
        mode = video_control_mode(args.get("control_mode"))
        if mode in _ANIMATE_PREFERRED:
            return ToolModelPlan("video", requested, (mode,), None, (_ANIMATE_PREFERRED[mode],))
        preferred: tuple[str, ...] = ("ltx23-22b-fp8_v2v_distilled",)
        if mode == "seedance-v2v":
            preferred = ("seedance-2-0", *preferred)
        return ToolModelPlan("video", requested, ("v2v",), None, preferred)
    if tool_name == "sogni_generate_music":
        return ToolModelPlan(
            "audio", requested, preferred=("ace_step_1.5_turbo", "ace_step_1.5_sft")
        )
    raise SogniError(f"unknown Sogni tool {tool_name!r}")


VIDEO_CONTROL_MODES = (
    "animate-move", "animate-replace", "seedance-v2v", "canny", "pose", "depth", "detailer",
)  # fmt: skip


def video_control_mode(value: Any) -> str:
    """The video-to-video control mode; anything missing or unknown means ``animate-move``."""
    return value if value in VIDEO_CONTROL_MODES else "animate-move"


def select_backbone_model(
    tool_name: str, args: Mapping[str, Any], available_models: Iterable[Any]
) -> str:
    """The model id a Sogni tool call should run on, given the available media models.

    ``available_models`` are mappings or objects with ``id``, ``media`` and
    ``worker_count`` (or ``workerCount``). Raises :class:`SogniError` when no model fits.
    """
    plan = tool_model_plan(tool_name, args)
    return select_model(
        available_models,
        plan.media_type,
        requested=plan.requested,
        workflows=plan.workflows,
        accept=plan.accept,
        preferred=plan.preferred,
    ).model_id
