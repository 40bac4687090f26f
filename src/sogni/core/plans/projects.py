"""Plans of media projects: the model catalogue, creating, tracking and cancelling projects."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sogni._generated.models import ImageProjectParams, ModelInfo, SizePreset, SupportedModel
from sogni._params import to_wire
from sogni._wire import from_wire_list
from sogni.core.context import MODELS_TTL, SIZE_PRESETS_TTL, Cached, CoreContext
from sogni.core.effects import Download, RestCall, SocketSend, WaitForModels
from sogni.core.plans import Plan
from sogni.core.ids import new_id
from sogni.core.job_request import build_job_request
from sogni.core.model_options import ModelOptions, model_options_for
from sogni.core.projects import JobState, ProjectState
from sogni.errors import SogniError, ValidationError


_IMAGE_CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
_AUDIO_CONTENT_TYPES = {"mp3": "audio/mpeg", "flac": "audio/flac", "wav": "audio/wav"}


# -- models --------------------------------------------------------------------------
def _raw_models(ctx: CoreContext, force_refresh: bool = False) -> Plan[list[dict[str, Any]]]:
    cached = ctx.raw_models
    if cached is None or force_refresh or not cached.fresh(MODELS_TTL, ctx.clock()):
        data = yield RestCall("GET", "/api/v1/models/list", host="socket", envelope=False)
        if not isinstance(data, list):
            raise SogniError("the network sent a malformed model list")
        cached = ctx.raw_models = Cached(data, ctx.clock())
    return cached.value


def _tiers(ctx: CoreContext) -> Plan[dict[str, Any]]:
    cached = ctx.tiers
    if cached is None or not cached.fresh(MODELS_TTL, ctx.clock()):
        data = yield RestCall("GET", "/api/v2/models/tiers", host="socket", envelope=False)
        if not isinstance(data, dict):
            raise SogniError("the network sent malformed model tiers")
        cached = ctx.tiers = Cached(data, ctx.clock())
    return cached.value


def supported_models(ctx: CoreContext, force_refresh: bool = False) -> Plan[list[SupportedModel]]:
    """Every model the network supports (cached for 24 hours)."""
    raw = yield from _raw_models(ctx, force_refresh)
    return from_wire_list(SupportedModel, raw)


def wait_for_models(ctx: CoreContext, timeout: float = 10.0) -> Plan[list[ModelInfo]]:
    """Wait for the network's first non-empty announcement of available models."""
    models: list[ModelInfo] = yield WaitForModels(timeout)
    return models


def available_models_from_counts(ctx: CoreContext, counts: dict[str, Any]) -> Plan[list[ModelInfo]]:
    """Turn a ``swarmModels`` announcement into :class:`ModelInfo` entries."""
    try:
        raw = yield from _raw_models(ctx)
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
    raw = yield from _raw_models(ctx)
    tiers = yield from _tiers(ctx)
    return model_options_for(model_id, raw, tiers)


def size_presets(
    ctx: CoreContext, network: str, model_id: str, force_refresh: bool = False
) -> Plan[list[SizePreset]]:
    """The size presets of a model on a network (cached for 10 minutes)."""
    key = (network, model_id)
    cached = ctx.size_presets.get(key)
    if cached is None or force_refresh or not cached.fresh(SIZE_PRESETS_TTL, ctx.clock()):
        path = f"/api/v1/size-presets/network/{quote(network, safe='')}/model/{quote(model_id, safe='')}"
        data = yield RestCall("GET", path, host="socket", envelope=False)
        cached = ctx.size_presets[key] = Cached(from_wire_list(SizePreset, data or []), ctx.clock())
    return list(cached.value)


# -- projects ------------------------------------------------------------------------
def create_project(ctx: CoreContext, params: ImageProjectParams) -> Plan[ProjectState]:
    """Validate, build and send a ``jobRequest``; return the tracked project state."""
    wire = to_wire(params)
    options = yield from model_options(ctx, params.model_id)
    preset = wire.get("sizePreset")
    if preset and preset != "custom":
        network = params.network or ctx.config.network
        presets = yield from size_presets(ctx, network, params.model_id)
        ids = [p.id for p in presets]
        if preset not in ids:
            raise ValidationError(
                f"size_preset {preset!r} is not a preset of {params.model_id} on the "
                f"{network} network",
                field="size_preset",
                allowed=[*ids, "custom"],
            )
    project_id = new_id()
    request = build_job_request(
        wire, options, project_id=project_id, app_source=ctx.config.app_source
    )
    state = ProjectState(
        id=project_id,
        model_id=params.model_id,
        media=options.media,
        number_of_media=params.number_of_media or 1,
        steps=params.steps,
        output_format=request.get("outputFormat"),
        disable_nsfw_filter=bool(params.disable_nsfw_filter),
        clock=ctx.clock,
    )
    # Tracked before sending, so not even the earliest event can be missed.
    ctx.registry.track(state)
    try:
        yield SocketSend("jobRequest", request)
    except BaseException:
        ctx.registry.untrack(project_id)
        raise
    return state


def cancel_project(ctx: CoreContext, project_id: str) -> Plan[None]:
    """Ask the network to cancel a project and mark it canceled locally."""
    yield SocketSend(
        "jobError",
        {
            "jobID": project_id,
            "error": "artistCanceled",
            "error_message": "artistCanceled",
            "isFromWorker": False,
        },
    )
    state = ctx.registry.project(project_id)
    if state is not None:
        ctx.registry.apply(state, state.cancel)


def _download_url_call(state: ProjectState, job: JobState, kind: str) -> RestCall:
    if state.media == "image" or kind == "preview":
        query = {"jobId": state.id, "imageId": job.id, "type": kind}
        content_type = _IMAGE_CONTENT_TYPES.get(state.output_format or "")
        if kind == "complete" and content_type:
            query["contentType"] = content_type
        return RestCall("GET", "/v1/image/downloadUrl", query=query)
    query = {"jobId": state.id, "id": job.id, "type": kind}
    if state.media == "audio":
        query["contentType"] = _AUDIO_CONTENT_TYPES.get(state.output_format or "", "audio/mpeg")
    return RestCall("GET", "/v1/media/downloadUrl", query=query)


def resolve_result_url(ctx: CoreContext, state: ProjectState, job: JobState) -> Plan[None]:
    """Fetch the signed download URL of a finished job and record it on the project."""
    url: str | None = None
    try:
        data = yield _download_url_call(state, job, "complete")
        url = data.get("downloadUrl") if isinstance(data, dict) else None
    finally:
        ctx.registry.apply(state, lambda: state.set_result_url(job.id, url))


def resolve_preview_url(ctx: CoreContext, state: ProjectState, job: JobState) -> Plan[None]:
    """Fetch the signed URL of a job's latest preview image."""
    data = yield _download_url_call(state, job, "preview")
    url = data.get("downloadUrl") if isinstance(data, dict) else None
    if url:
        ctx.registry.apply(state, lambda: state.set_preview_url(job.id, url))


def download(ctx: CoreContext, url: str | None, path: str | Path, name: str) -> Plan[Path]:
    """Stream a result to ``path``; a directory gets a file named after ``name``."""
    if not url:
        raise SogniError("there is no result to download yet")
    target = Path(path)
    if target.is_dir():
        target = target / safe_file_name(name, url)
    written: Path = yield Download(url, target)
    return written


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_file_name(stem: str, url: str) -> str:
    """A file name made of ``stem`` and the URL's extension, safe on every platform."""
    extension = Path(url.split("?", 1)[0]).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", extension):
        extension = ""
    cleaned = _UNSAFE.sub("_", stem).strip("._") or "result"
    return cleaned[:120] + extension
