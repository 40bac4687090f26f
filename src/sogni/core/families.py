"""Model families: which rules the network applies to a model id.

The table lives in ``schemas/model_families.json`` (generated into
``sogni.core._generated.families``). What a model produces comes from the network's
catalogue; the family table adds what the catalogue does not say: frame math, fps,
durations, reference assets, size limits and billing. A model the catalogue announces
that no family matches is sent with the generic rules of its media, and the SDK logs
one warning for it: a new model is never refused for being new.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

import attrs

from sogni.core._generated.families import FAMILIES, GENERIC_RULES, WORKFLOW_ASSETS

__all__ = ["AssetRequirement", "Family", "Rules", "family_of", "rules_for", "workflow_assets"]

MediaType = Literal["image", "video", "audio"]
AssetRequirement = Literal["required", "optional", "forbidden"]

logger = logging.getLogger("sogni")


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in value or ())


def _frozen_map(value: Any) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


def _optional_map(value: Any) -> Mapping[str, Any] | None:
    return None if value is None else MappingProxyType(dict(value))


def _duration(value: Any) -> tuple[float, float | None] | None:
    return None if value is None else (value[0], value[1])


def _defaults(value: Any) -> tuple[int, int, int] | None:
    return None if value is None else (value[0], value[1], value[2])


@attrs.frozen
class Rules:
    """What the network expects of one model (see ``x-rule-keys`` in the schema)."""

    comfy: bool = False
    vae: bool = False
    spark_only: bool = False
    negative_prompt: bool = True
    # image
    min_size: int = 256
    max_size: int = 2048
    max_context_images: int = 3
    requires_starting_image: bool = False
    output_format: str | None = None
    single_output: bool = False
    previews: bool = True
    gpt_image: Mapping[str, Any] | None = attrs.field(default=None, converter=_optional_map)
    sam3_prompt: bool = False
    masks: bool = False
    apply_mask: bool = False
    orbit_views: bool = False
    mesh_options: bool = False
    template_variants: bool = False
    # video
    frames: Literal["plain", "render_fps", "step", "grid", "source"] = "plain"
    frame_step: int = 1
    render_fps: int | None = None
    grid: Mapping[str, int] | None = attrs.field(default=None, converter=_optional_map)
    fps: Mapping[str, Any] | None = attrs.field(default=None, converter=_optional_map)
    fps_default: float | None = None
    duration: tuple[float, float | None] | None = attrs.field(default=None, converter=_duration)
    defaults: tuple[int, int, int] | None = attrs.field(default=None, converter=_defaults)
    size_grid: Mapping[str, int] | None = attrs.field(default=None, converter=_optional_map)
    workflow: str | None = None
    workflows: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    workflow_assets: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_map)
    references: Mapping[str, Any] | None = attrs.field(default=None, converter=_optional_map)
    guidance_fixed: float | None = None
    seedance_task_type: bool = False
    mov_output: bool = False
    upscale: bool = False

    def workflow_of(self, model_id: str) -> str | None:
        """The workflow ``model_id`` runs (``t2v``, ``i2v``, ...), or ``None``."""
        if self.workflow is not None:
            return self.workflow
        for marker, workflow in self.workflows:
            if marker in model_id:
                return workflow
        return None


@attrs.frozen
class Family:
    """A model family: its name, label, media, id patterns and rules."""

    name: str
    label: str
    media: MediaType
    patterns: tuple[re.Pattern[str], ...]
    rules: Rules

    def matches(self, model_id: str) -> bool:
        """True when one of the family's patterns matches the whole id."""
        return any(pattern.fullmatch(model_id) for pattern in self.patterns)


def _build() -> tuple[Family, ...]:
    return tuple(
        Family(
            name=entry["name"],
            label=entry["label"],
            media=entry["media"],
            patterns=tuple(re.compile(p) for p in entry["patterns"]),
            rules=Rules(**entry["rules"]),
        )
        for entry in FAMILIES
    )


_FAMILIES = _build()
_GENERIC = {media: Rules(**rules) for media, rules in GENERIC_RULES.items()}
_warned: dict[str, object] = {}


@functools.lru_cache(maxsize=1024)
def family_of(model_id: str) -> Family | None:
    """The family ``model_id`` belongs to, or ``None`` when the table does not know it."""
    return next((family for family in _FAMILIES if family.matches(model_id)), None)


def rules_for(model_id: str, media: MediaType | None = None) -> Rules:
    """The rules to apply to ``model_id``, which produces ``media`` per the catalogue.

    Without ``media`` the family's own media is assumed. A model whose family is unknown,
    or whose family makes a different media than the catalogue says, gets the generic
    rules of ``media`` (image when neither is known); the first time that happens for an
    id given with a catalogue media, one warning goes to the ``sogni`` logger.
    """
    family = family_of(model_id)
    if family is not None and media in (None, family.media):
        return family.rules
    if media is not None:
        _warn_once(model_id, media)
    return _GENERIC[media or "image"]


def media_of(model_id: str) -> MediaType | None:
    """What ``model_id`` produces according to the family table, or ``None``."""
    family = family_of(model_id)
    return family.media if family is not None else None


def workflow_assets(rules: Rules, workflow: str) -> Mapping[str, AssetRequirement]:
    """Which reference assets ``workflow`` requires, accepts or rejects under ``rules``."""
    table: Mapping[str, AssetRequirement] = (
        rules.workflow_assets.get(workflow)
        or (
            WORKFLOW_ASSETS[workflow]  # type: ignore[assignment]
        )
    )
    return MappingProxyType(dict(table))


def _warn_once(model_id: str, media: str) -> None:
    mark = object()
    if _warned.setdefault(model_id, mark) is not mark:  # one C call: atomic across threads
        return
    logger.warning(
        "model %s is not in the SDK's family table; sending it with the generic %s rules",
        model_id,
        media,
    )
