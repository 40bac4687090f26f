"""The image part of a ``jobRequest``: size, ControlNet, context images, family options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core.checks import choice, number, sequence, string
from sogni.core.errors import ValidationError
from sogni.core.families import Rules
from sogni.core.job_request.values import UNSET, Params, only_for, truthy
from sogni.core.model_options import ModelOptions, validate_sampler, validate_scheduler
from sogni.core.segmentation import normalize_sam3_prompt

CONTROLNET_NAMES = (
    "canny",
    "depth",
    "inpaint",
    "instrp2p",
    "lineart",
    "lineartanime",
    "mlsd",
    "normalbae",
    "openpose",
    "scribble",
    "segmentation",
    "shuffle",
    "softedge",
    "tile",
    "instantid",
)


#: ControlNet modes and the numbers the network uses for them.
CONTROLNET_MODES: Mapping[str, int] = {"balanced": 0, "prompt_priority": 1, "cn_priority": 2}


CONTEXT_IMAGE_SLOTS = 16


#: Pixal3D multi-view orbit views and the ``contextImage<n>`` slot each travels in.
ORBIT_VIEW_SLOTS: Mapping[str, int] = {"leftViewImage": 1, "backViewImage": 2, "rightViewImage": 3}


#: Pixal3D mesh options, in the order the request carries them.
#: GPT Image options, in the order the request carries them.
_GPT_IMAGE_OPTIONS = (
    "gptImageMaskUrl",
    "gptImageQuality",
    "gptImageBackground",
    "gptImageOutputCompression",
)
MESH_OPTIONS = (
    "textureSize",
    "meshTargetFaces",
    "normalMapSize",
    "ambientOcclusionSize",
    "shapeResolution",
)


def _image_control_net(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise ValidationError("control_net must be a mapping with a name", field="control_net")
    name = raw.get("name")
    choice(name, "control_net.name", CONTROLNET_NAMES, "ControlNet name")
    cn: dict[str, Any] = {
        "name": name,
        "cnImageState": "original",
        "hasImage": truthy(raw.get("image")),
    }
    if raw.get("strength") is not None:
        cn["controlStrength"] = number(
            raw["strength"], "control_net.strength", minimum=0, maximum=1
        )
    mode = raw.get("mode")
    if truthy(mode):
        cn["controlMode"] = CONTROLNET_MODES[
            choice(mode, "control_net.mode", list(CONTROLNET_MODES), "ControlNet mode")
        ]
    start = raw.get("guidanceStart")
    end = raw.get("guidanceEnd")
    if start is not None:
        cn["controlGuidanceStart"] = number(
            start, "control_net.guidance_start", minimum=0, maximum=1
        )
    if end is not None:
        cn["controlGuidanceEnd"] = number(end, "control_net.guidance_end", minimum=0, maximum=1)
    if start is not None and end is not None and start > end:
        raise ValidationError(
            f"control_net.guidance_start ({start}) must not be after guidance_end ({end})",
            field="control_net.guidance_start",
        )
    return [cn]


def _image_size(p: Params, model_id: str, rules: Rules) -> tuple[Any, Any, Any]:
    """``(sizePreset, width, height)`` to send; unset ones are ``UNSET``."""
    preset = p.get("sizePreset")
    if preset is not None:
        string(preset, "size_preset")
    width, height = p.get("width"), p.get("height")
    if truthy(preset) and preset != "custom":
        return preset, UNSET, UNSET  # a named preset decides the size
    if (width is None) != (height is None):
        missing = "height" if height is None else "width"
        raise ValidationError(
            f"width and height must be given together ({missing} is missing)", field=missing
        )
    if width is None:
        if preset == "custom":
            raise ValidationError(
                "size_preset 'custom' needs width and height", field="size_preset"
            )
        return (preset if preset is not None else UNSET), UNSET, UNSET
    checked = [
        number(
            value,
            axis,
            minimum=rules.min_size,
            maximum=rules.max_size,
            integer=True,
            what=f"{axis} for model {model_id}",
        )
        for axis, value in (("width", width), ("height", height))
    ]
    return "custom", checked[0], checked[1]


def _check_gpt_image(p: Params, rules: Rules) -> None:
    gpt = rules.gpt_image or {}
    if p.given("gptImageQuality"):
        choice(p.get("gptImageQuality"), "gpt_image_quality", gpt.get("qualities", ()))
    if p.given("gptImageBackground"):
        choice(p.get("gptImageBackground"), "gpt_image_background", gpt.get("backgrounds", ()))
        if p.get("gptImageBackground") == "transparent" and p.get("outputFormat") == "jpg":
            raise ValidationError(
                "a transparent background needs PNG or WebP output",
                field="output_format",
                allowed=["png", "webp"],
            )
    if p.given("gptImageOutputCompression") and p.get("outputFormat") not in ("jpg", "webp"):
        raise ValidationError(
            "gpt_image_output_compression needs JPEG or WebP output",
            field="output_format",
            allowed=["jpg", "webp"],
        )


def _vae(p: Params, options: ModelOptions) -> str | None:
    """The VAE to send: ``None`` unless the tier lists some and the caller named one."""
    tier_vae = options.raw_tier.get("vae")
    allowed = tier_vae.get("allowed") if isinstance(tier_vae, Mapping) else None
    if not allowed or not p.truthy("vae"):
        return None
    return str(choice(p.get("vae"), "vae", list(allowed), "VAE"))


def _context_images(p: Params, model_id: str, rules: Rules) -> Sequence[Any]:
    if not p.given("contextImages"):
        return ()
    context_images = sequence(p.get("contextImages"), "context_images")
    limit = rules.max_context_images
    if len(context_images) > limit:
        raise ValidationError(
            f"Model {model_id} accepts up to {limit} context images, got {len(context_images)}",
            field="context_images",
            allowed=f"at most {limit}",
        )
    return context_images


def _check_family_options(
    p: Params, model_id: str, rules: Rules, context_images: Sequence[Any]
) -> None:
    """Options only some image families take, and what those families need."""
    if rules.requires_starting_image and not p.truthy("startingImage"):
        raise ValidationError(
            f"Model {model_id} transforms a starting image; give starting_image",
            field="starting_image",
        )
    only_for(p, "sam3Prompt", rules.sam3_prompt, "SAM 3 segmentation models")
    if rules.sam3_prompt and not p.given("sam3Prompt"):
        raise ValidationError(
            f"Model {model_id} needs sam3_prompt: the points, boxes or text to segment",
            field="sam3_prompt",
        )
    only_for(p, "applyMask", rules.apply_mask, "background-removal models (BiRefNet)")
    for view in ORBIT_VIEW_SLOTS:
        only_for(p, view, rules.orbit_views, "Pixal3D multi-view models")
    for name in MESH_OPTIONS:
        only_for(p, name, rules.mesh_options, "image-to-3D models (Pixal3D)")
    only_for(p, "templateVariant", rules.template_variants, "Pixal3D single-view models")
    only_for(p, "gptImageMaskUrl", rules.masks, "GPT Image models")
    if p.given("gptImageMaskUrl") and not context_images:
        raise ValidationError(
            "gpt_image_mask_url masks the first context image; give context_images",
            field="context_images",
        )


def _write_sampling(
    key_frame: dict[str, Any], p: Params, options: ModelOptions, rules: Rules
) -> None:
    """Sampler and scheduler: ComfyUI names for ComfyUI models, the older keys otherwise."""
    sampler = validate_sampler(p.get("sampler"), options)
    scheduler = validate_scheduler(p.get("scheduler"), options)
    if rules.comfy:
        key_frame["comfySampler"] = sampler
        key_frame["comfyScheduler"] = scheduler
        if rules.vae:
            key_frame["vae"] = _vae(p, options)
    else:
        key_frame["scheduler"] = sampler
        key_frame["timeStepSpacing"] = scheduler


def apply_image(
    key_frame: dict[str, Any], p: Params, options: ModelOptions, model_id: str, rules: Rules
) -> None:
    """Check the image parameters of ``p`` and write them into ``key_frame``."""
    context_images = _context_images(p, model_id, rules)
    _check_family_options(p, model_id, rules, context_images)
    if p.given("startingImageStrength"):
        number(p.get("startingImageStrength"), "starting_image_strength", minimum=0, maximum=1)
    if p.given("numberOfPreviews"):
        number(p.get("numberOfPreviews"), "number_of_previews", minimum=0, integer=True)
    _check_gpt_image(p, rules)
    sam3 = normalize_sam3_prompt(p.get("sam3Prompt")) if p.given("sam3Prompt") else UNSET
    size_preset, width, height = _image_size(p, model_id, rules)

    key_frame["sizePreset"] = UNSET if p.get("sizePreset") is None else p.get("sizePreset")
    for index in range(1, CONTEXT_IMAGE_SLOTS + 1):
        present = index <= len(context_images) and truthy(context_images[index - 1])
        key_frame[f"hasContextImage{index}"] = present
    _write_sampling(key_frame, p, options, rules)
    if p.truthy("startingImage"):
        key_frame["hasStartingImage"] = True
        key_frame["strengthIsEnabled"] = True
        # A strength of 0 (or none) means the default 0.5, as on the network's other clients.
        key_frame["strength"] = 1 - (p.get("startingImageStrength") or 0.5)
    if sam3 is not UNSET:
        key_frame["sam3Prompt"] = sam3
    if rules.apply_mask:
        key_frame["applyMask"] = p.get("applyMask") is True
    for view, slot in ORBIT_VIEW_SLOTS.items():
        if p.truthy(view):
            key_frame[f"hasContextImage{slot}"] = True
    for name in ("templateVariant", *MESH_OPTIONS):
        if p.given(name):
            key_frame[name] = p.get(name)
    if p.truthy("controlNet"):
        key_frame["currentControlNetsJob"] = _image_control_net(p.get("controlNet"))
    key_frame["sizePreset"] = size_preset
    if width is not UNSET:
        key_frame["width"] = width
        key_frame["height"] = height
    for name in _GPT_IMAGE_OPTIONS:
        if p.given(name):
            key_frame[name] = p.get(name)
