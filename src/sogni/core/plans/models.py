"""Plans about models: the network's catalogue and tiers (cached), a model's options and
size presets, the models workers serve now, and what a model produces."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sogni.core._generated.models import ModelInfo, SizePreset, SupportedModel
from sogni.core.checks import identifier
from sogni.core.context import MODELS_TTL, SIZE_PRESETS_TTL, Cached, CoreContext
from sogni.core.effects import RestCall, WaitForModels
from sogni.core.errors import SogniError, ValidationError
from sogni.core.model_options import ModelOptions, model_options_for
from sogni.core.plans import Plan
from sogni.core.plans.connection import NETWORKS
from sogni.core.video import VideoAssetConfig, is_audio_model, is_video_model
from sogni.core.video import video_asset_config as _video_asset_config
from sogni.core.wire import from_wire_list


def raw_models(ctx: CoreContext, force_refresh: bool = False) -> Plan[list[dict[str, Any]]]:
    cached = ctx.raw_models
    if cached is None or force_refresh or not cached.fresh(MODELS_TTL, ctx.clock()):
        data = yield RestCall(
            "GET", "/api/v1/models/list", host="socket", envelope=False, shared=True
        )
        if not isinstance(data, list):
            raise SogniError("the network sent a malformed model list")
        cached = ctx.raw_models = Cached(data, ctx.clock())
    return cached.value


def _tiers(ctx: CoreContext) -> Plan[dict[str, Any]]:
    cached = ctx.tiers
    if cached is None or not cached.fresh(MODELS_TTL, ctx.clock()):
        data = yield RestCall(
            "GET", "/api/v2/models/tiers", host="socket", envelope=False, shared=True
        )
        if not isinstance(data, dict):
            raise SogniError("the network sent malformed model tiers")
        cached = ctx.tiers = Cached(data, ctx.clock())
    return cached.value


def supported_models(ctx: CoreContext, force_refresh: bool = False) -> Plan[list[SupportedModel]]:
    """Every model the network supports (cached for 24 hours)."""
    raw = yield from raw_models(ctx, force_refresh)
    return from_wire_list(SupportedModel, raw)


def wait_for_models(ctx: CoreContext, timeout: float = 10.0) -> Plan[list[ModelInfo]]:
    """Wait for the network's first non-empty announcement of available models."""
    models: list[ModelInfo] = yield WaitForModels(timeout)
    return models


def available_models_from_counts(ctx: CoreContext, counts: dict[str, Any]) -> Plan[list[ModelInfo]]:
    """Turn a ``swarmModels`` announcement into :class:`ModelInfo` entries."""
    try:
        raw = yield from raw_models(ctx)
    except SogniError:
        raw = []
    by_id = {item.get("id"): item for item in raw if isinstance(item, dict)}
    models = []
    for model_id, count in counts.items():
        known = by_id.get(model_id, {})
        models.append(
            ModelInfo(
                id=model_id,
                name=known.get("name") or model_id.replace("-", " "),
                worker_count=int(count) if isinstance(count, (int, float)) else 0,
                media=known.get("media") or "image",
            )
        )
    return models


def model_options(ctx: CoreContext, model_id: str) -> Plan[ModelOptions]:
    """The options of one model, from the model list and the tiers."""
    raw = yield from raw_models(ctx)
    tiers = yield from _tiers(ctx)
    return model_options_for(model_id, raw, tiers)


def size_presets(
    ctx: CoreContext, network: str, model_id: str, force_refresh: bool = False
) -> Plan[list[SizePreset]]:
    """The size presets of a model on a network (cached for 10 minutes)."""
    key = (network, model_id)
    cached = ctx.size_presets.get(key)
    if cached is None or force_refresh or not cached.fresh(SIZE_PRESETS_TTL, ctx.clock()):
        path = (
            f"/api/v1/size-presets/network/{quote(network, safe='')}"
            f"/model/{quote(model_id, safe='')}"
        )
        data = yield RestCall("GET", path, host="socket", envelope=False)
        cached = ctx.size_presets[key] = Cached(from_wire_list(SizePreset, data or []), ctx.clock())
    return list(cached.value)


def find_preset(ctx: CoreContext, network: str, model_id: str, preset_id: str) -> Plan[SizePreset]:
    presets = yield from size_presets(ctx, network, model_id)
    for preset in presets:
        if preset.id == preset_id:
            return preset
    raise ValidationError(
        f"size_preset {preset_id!r} is not a preset of {model_id} on the {network} network",
        field="size_preset",
        allowed=[*(p.id for p in presets), "custom"],
    )


def video_asset_config(ctx: CoreContext, model_id: str) -> Plan[VideoAssetConfig]:
    """Which reference assets a video model requires, accepts or rejects."""
    config = _video_asset_config(model_id)
    if False:  # pragma: no cover - a plan that never needs the network
        yield
    return config


def _check_network(network: Any) -> str:
    if network not in NETWORKS:
        raise ValidationError(
            f"network {network!r} is not a Sogni network", field="network", allowed=list(NETWORKS)
        )
    return str(network)


def available_models_on(ctx: CoreContext, network: str) -> Plan[list[ModelInfo]]:
    """The models workers serve on ``network`` right now, with their worker counts.

    The network answers with worker counts by numeric model id (``SID``); the model list
    names them. A SID the list does not know keeps the SID as its id and name.
    """
    network = _check_network(network)
    counts = yield RestCall(
        "GET",
        f"/api/v1/status/network/{quote(network, safe='')}/models",
        host="socket",
        envelope=False,
    )
    if not isinstance(counts, dict):
        raise SogniError(f"the network sent a malformed model status for {network}")
    raw = yield from raw_models(ctx)
    by_sid: dict[str, dict[str, Any]] = {}
    for item in raw:
        if isinstance(item, dict) and item.get("SID") is not None:
            by_sid.setdefault(_sid_key(item["SID"]), item)
    models = []
    for sid, count in counts.items():
        known = by_sid.get(_sid_key(sid), {})
        media = known.get("media")
        models.append(
            ModelInfo(
                id=str(known.get("id") or sid),
                name=str(known.get("name") or str(sid).replace("-", " ")),
                worker_count=int(count)
                if isinstance(count, (int, float)) and not isinstance(count, bool)
                else 0,
                media=media if isinstance(media, str) and media else "image",  # type: ignore[arg-type]
            )
        )
    return models


def _sid_key(sid: Any) -> str:
    """A model SID as a lookup key: the network sends it as a number in the model list and
    as a string key in the status map."""
    try:
        return str(int(float(sid)))
    except (TypeError, ValueError, OverflowError):
        return str(sid)


def known_media(ctx: CoreContext, model_id: str) -> str | None:
    """What the network's catalogue says a model produces, if the client has fetched the
    catalogue already (no I/O: an unknown answer is ``None``)."""
    cached = ctx.raw_models
    for item in cached.value if cached is not None else ():
        if isinstance(item, dict) and item.get("id") == model_id:
            media = item.get("media")
            return media if isinstance(media, str) and media else None
    return None


def is_video_model_id(ctx: CoreContext, model_id: str) -> bool:
    """Whether a model produces video: the catalogue's word when the client knows the
    model, else what its id says."""
    media = known_media(ctx, identifier(model_id, "model_id"))
    return media == "video" if media is not None else is_video_model(model_id)


def is_audio_model_id(ctx: CoreContext, model_id: str) -> bool:
    """Whether a model produces audio: the catalogue's word when the client knows the
    model, else what its id says."""
    media = known_media(ctx, identifier(model_id, "model_id"))
    return media == "audio" if media is not None else is_audio_model(model_id)
