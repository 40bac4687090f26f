"""What the emulated network offers: media models, their tiers, size presets and LLM models.

Tier shapes follow the network's ``/api/v2/models/tiers`` document: Forge-style image tiers
carry no ``type`` key; Comfy image, video and audio tiers carry ``type``. Some tiers list
sampler/scheduler display names (``"Euler"``), others the values sent (``"euler"``), as
the network does.

The data lives in ``data/*.json`` next to this module: ``tiers.json`` is the tiers document
as served, ``models.json`` the media models in SID order (the Stable Diffusion 1.5 model
has the most workers, as on the real network, so the README's "most popular model" example
lands there), ``size_presets.json`` the preset groups and ``llm_models.json`` the LLMs.
"""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

import attrs

__all__ = [
    "Catalogue",
    "LlmModel",
    "Model",
    "SizePreset",
    "default_catalogue",
]

JsonDict = dict[str, Any]

_DATA = importlib.resources.files(__package__).joinpath("data")


@attrs.frozen
class Model:
    """One media model: its id, display name, numeric SID, tier name and media kind."""

    id: str
    name: str
    sid: int
    tier: str
    media: str  # image | video | audio
    workers: int = 3
    external: bool = False  # rendered by an external API: results come as a direct resultUrl
    max_context_images: int = 0

    def as_list_entry(self) -> JsonDict:
        """The ``/api/v1/models/list`` entry."""
        return {
            "id": self.id,
            "name": self.name,
            "SID": self.sid,
            "tier": self.tier,
            "media": self.media,
        }


@attrs.frozen
class SizePreset:
    """A named output size."""

    id: str
    label: str
    width: int
    height: int
    ratio: str

    def as_json(self) -> JsonDict:
        """The size-presets endpoint entry."""
        aspect = self.width / self.height
        text = f"{aspect:.2f}".rstrip("0").rstrip(".")
        return {
            "label": self.label,
            "id": self.id,
            "width": self.width,
            "height": self.height,
            "ratio": self.ratio,
            "aspect": text,
        }


@attrs.frozen
class LlmModel:
    """An LLM served over ``llmJobRequest``; ``info`` is the ``swarmLLMModels`` value."""

    id: str
    info: JsonDict


def _data(name: str) -> Any:
    """A fresh copy of one file of the catalogue data (callers may change what they get)."""
    return json.loads(_DATA.joinpath(f"{name}.json").read_text("utf-8"))


def _models() -> list[Model]:
    # A model's SID is its position in the file, counted from 1.
    return [Model(sid=index + 1, **entry) for index, entry in enumerate(_data("models"))]


def _presets() -> dict[str, list[SizePreset]]:
    return {group: [SizePreset(**p) for p in rows] for group, rows in _data("size_presets").items()}


def _llm_models() -> list[LlmModel]:
    return [LlmModel(**entry) for entry in _data("llm_models")]


_PRESETS = _presets()


@attrs.define
class Catalogue:
    """The models, tiers, presets and LLMs one emulated network offers."""

    models: list[Model]
    tiers: dict[str, JsonDict]
    llm_models: list[LlmModel]

    def model(self, model_id: str) -> Model | None:
        """The model with ``model_id``, or ``None``."""
        for model in self.models:
            if model.id == model_id:
                return model
        return None

    def tier_of(self, model: Model) -> JsonDict:
        """The raw tier document of ``model``."""
        return self.tiers[model.tier]

    def llm_model(self, model_id: str) -> LlmModel | None:
        """The LLM with ``model_id``, or ``None``."""
        for llm in self.llm_models:
            if llm.id == model_id:
                return llm
        return None

    def size_presets(self, model: Model) -> list[SizePreset]:
        """Size presets offered for ``model``."""
        if model.media == "audio":
            return []
        group = (
            "video" if model.media == "video" else "sd15" if model.tier == "sd15" else "standard"
        )
        return list(_PRESETS[group])

    def default_image_size(self, model: Model) -> tuple[int, int]:
        """Output size of an image job without a preset or custom size."""
        tier = self.tier_of(model)
        size = tier.get("defaultSize")
        if isinstance(size, int):
            return size, size
        if model.tier == "sd15":
            return 768, 768
        return 1024, 1024

    def swarm_models(self) -> dict[str, int]:
        """The ``swarmModels`` payload: model id -> worker count."""
        return {m.id: m.workers for m in self.models}

    def swarm_llm_models(self) -> dict[str, JsonDict]:
        """The ``swarmLLMModels`` payload: LLM id -> model info."""
        return {llm.id: dict(llm.info) for llm in self.llm_models}

    def worker_counts_by_sid(self) -> dict[str, int]:
        """The ``/api/v1/status/network/{network}/models`` payload."""
        return {str(m.sid): m.workers for m in self.models}


def default_catalogue() -> Catalogue:
    """A fresh catalogue holding every model id the network documents."""
    return Catalogue(models=_models(), tiers=_data("tiers"), llm_models=_llm_models())
