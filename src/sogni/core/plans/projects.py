"""Plans of media projects: the model catalogue, creating, tracking and cancelling projects,
uploading their assets, cost estimates and the network's project records."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs

from sogni.core._generated.models import (
    AudioProjectParams,
    ControlNet,
    CostEstimate,
    ImageProjectParams,
    ModelInfo,
    ProjectSnapshot,
    SizePreset,
    SupportedModel,
    VideoProjectParams,
)
from sogni.core.assets import AssetRef
from sogni.core.context import MODELS_TTL, SIZE_PRESETS_TTL, Cached, CoreContext
from sogni.core.effects import (
    Download,
    PrepareAsset,
    RemoteAsset,
    RestCall,
    SocketSend,
    Upload,
    WaitForModels,
)
from sogni.core.errors import ApiError, SogniError, UploadError, ValidationError
from sogni.core.estimates import (
    ENHANCEMENT_STRENGTHS,
    EstimateRequest,
    ImageEstimate,
    audio_estimate_request,
    default_steps,
    enhancement_estimate_request,
    image_estimate_request,
    parse_estimate,
    video_estimate_request,
)
from sogni.core.ids import new_id
from sogni.core.job_request import (
    UploadSlot,
    add_content_types,
    build_job_request,
    upload_slots,
)
from sogni.core.media_types import GLB_CONTENT_TYPE, result_content_type, result_kind
from sogni.core.model_options import ModelOptions, model_options_for
from sogni.core.params import check_value, to_wire
from sogni.core.plans import Plan, assets
from sogni.core.plans.connection import NETWORKS
from sogni.core.projects import JobError, JobState, ProjectState
from sogni.core.video import VideoAssetConfig, is_audio_model, is_video_model, video_defaults
from sogni.core.video import video_asset_config as _video_asset_config
from sogni.core.wire import from_wire, from_wire_list

ProjectParams = ImageProjectParams | VideoProjectParams | AudioProjectParams

_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    GLB_CONTENT_TYPE: ".glb",
    "audio/mpeg": ".mp3",
    "audio/flac": ".flac",
    "audio/wav": ".wav",
}


# -- models --------------------------------------------------------------------------
def _raw_models(ctx: CoreContext, force_refresh: bool = False) -> Plan[list[dict[str, Any]]]:
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
        path = (
            f"/api/v1/size-presets/network/{quote(network, safe='')}"
            f"/model/{quote(model_id, safe='')}"
        )
        data = yield RestCall("GET", path, host="socket", envelope=False)
        cached = ctx.size_presets[key] = Cached(from_wire_list(SizePreset, data or []), ctx.clock())
    return list(cached.value)


def _preset(ctx: CoreContext, network: str, model_id: str, preset_id: str) -> Plan[SizePreset]:
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


# -- creating projects -----------------------------------------------------------------
_CONTROL_NET_KEYS = {
    **{f.name: f for f in attrs.fields(ControlNet)},
    **{f.metadata["wire"]: f for f in attrs.fields(ControlNet)},
}


def _control_net(value: Any) -> dict[str, Any]:
    """A ControlNet (typed, or a mapping with its snake_case or camelCase keys) as wire data."""
    if isinstance(value, Mapping):
        unknown = sorted(str(k) for k in value if k not in _CONTROL_NET_KEYS)
        if unknown:
            raise ValidationError(
                f"control_net has no key {unknown[0]!r}",
                field="control_net",
                allowed=[f.name for f in attrs.fields(ControlNet)],
            )
        if "name" not in value:
            raise ValidationError("control_net needs a name", field="control_net.name")
        value = ControlNet(**{_CONTROL_NET_KEYS[k].name: v for k, v in value.items()})
    if not isinstance(value, ControlNet):
        raise ValidationError(
            f"control_net must be a ControlNet or a mapping, got {type(value).__name__}",
            field="control_net",
        )
    for field in attrs.fields(ControlNet):
        check = field.metadata.get("check")
        if check:
            check_value(f"control_net.{field.name}", getattr(value, field.name), check)
    wire = to_wire(value)
    if value.image is not None:
        wire["image"] = value.image  # assets stay as given
    return wire


def _project_type(params: ProjectParams) -> str:
    if isinstance(params, VideoProjectParams):
        return "video"
    if isinstance(params, AudioProjectParams):
        return "audio"
    return "image"


#: Wire name -> keyword of every project parameter, so ``extra_params`` can name the keyword.
_KEYWORDS = {
    field.metadata["wire"]: field.name
    for cls in (ImageProjectParams, VideoProjectParams, AudioProjectParams)
    for field in attrs.fields(cls)
    if field.name != "extra_params"
}


def project_wire_params(params: ProjectParams) -> dict[str, Any]:
    """The network's camelCase parameters of a project (assets still as given)."""
    wire = to_wire(params)
    wire["type"] = _project_type(params)
    for field in attrs.fields(type(params)):
        value = getattr(params, field.name)
        if attrs.has(type(value)) and not isinstance(value, ControlNet):
            wire[field.metadata["wire"]] = value  # an asset object (RemoteAsset), kept as is
    control_net = getattr(params, "control_net", None)
    if control_net is not None:
        wire["controlNet"] = _control_net(control_net)
    return wire


def _check_asset_type(slot: UploadSlot, content_type: str | None) -> None:
    """Refuse, before any upload, an asset whose bytes are plainly of the wrong kind."""
    if content_type is None:
        return  # unknown: let the network decide, as its other clients do
    is_image = content_type.startswith("image/")
    if slot.endpoint == "image" and not is_image:
        problem = "an image"
    elif slot.endpoint == "media" and is_image:
        problem = "audio" if "Audio" in slot.type else "a video"
    elif slot.type == "referenceVideo" and content_type.startswith("audio/"):
        problem = "a video"
    else:
        return
    raise ValidationError(
        f"{slot.field} must be {problem}, but the file is {content_type}", field=slot.field
    )


def _upload(ctx: CoreContext, project_id: str, slot: UploadSlot, source: Any) -> Plan[None]:
    content_type = source.content_type
    if slot.endpoint == "image":
        path = "/v1/image/uploadUrl"
        query = {"imageId": new_id(), "jobId": project_id, "type": slot.type}
    else:
        path = "/v1/media/uploadUrl"
        query = {"jobId": project_id, "type": slot.type}
        if slot.id:
            query["id"] = slot.id
    if content_type:
        query["contentType"] = content_type
    try:
        data = yield RestCall("GET", path, query=query)
    except ApiError as exc:
        raise UploadError(
            f"no upload URL: {exc.message}",
            asset=slot.field,
            status=exc.status,
            error_code=exc.error_code,
        ) from exc
    url = data.get("uploadUrl") if isinstance(data, dict) else None
    if not isinstance(url, str) or not url:
        raise UploadError("the network returned no upload URL", asset=slot.field)
    yield Upload(url, source, content_type, slot.field)


def create_project(ctx: CoreContext, params: ProjectParams) -> Plan[ProjectState]:
    """Validate, upload the assets, send the ``jobRequest``; return the tracked project.

    Every check runs (and every asset file is opened and sniffed) before the first
    upload, so an invalid project sends nothing at all.
    """
    wire = project_wire_params(params)
    kind = wire["type"]
    options = yield from model_options(ctx, params.model_id)
    preset = wire.get("sizePreset") if kind == "image" else None
    if preset and preset != "custom":
        network = params.network or ctx.account.network or ctx.config.network
        yield from _preset(ctx, network, params.model_id, preset)
    project_id = new_id()
    request = build_job_request(
        wire, options, project_id=project_id, app_source=ctx.config.app_source, keywords=_KEYWORDS
    )
    prepared = []
    for slot in upload_slots(wire):
        if isinstance(slot.value, AssetRef):  # a saved upload: bound by id, not sent again
            source = slot.value
        else:
            source = yield PrepareAsset(slot.value, slot.field)
        _check_asset_type(slot, source.content_type)
        prepared.append((slot, source))
    content_types: dict[str, str | None] = {}
    for slot, source in prepared:
        if isinstance(source, AssetRef):
            yield from assets.bind(ctx, source, project_id, slot)
        else:
            yield from _upload(ctx, project_id, slot, source)
        content_types[slot.id or slot.param] = source.content_type
    if kind in ("video", "audio"):
        add_content_types(request, content_types)
    state = ProjectState(
        id=project_id,
        model_id=params.model_id,
        media=options.media,
        number_of_media=request["numberOfImages"],
        steps=params.steps,
        output_format=request.get("outputFormat"),
        disable_nsfw_filter=bool(params.disable_nsfw_filter),
        clock=ctx.clock,
        keep_alive=ctx.project_keep_alive,
        params=params,
    )
    # Tracked before sending, so not even the earliest event can be missed.
    ctx.registry.track(state)
    try:
        yield SocketSend("jobRequest", request)
    except BaseException:
        ctx.registry.untrack(project_id)
        raise
    return state


def _cancel_message(project_id: str) -> SocketSend:
    return SocketSend(
        "jobError",
        {
            "jobID": project_id,
            "error": "artistCanceled",
            "error_message": "artistCanceled",
            "isFromWorker": False,
        },
    )


def cancel_project(ctx: CoreContext, project_id: str) -> Plan[None]:
    """Ask the network to cancel a project and mark it canceled locally."""
    yield _cancel_message(project_id)
    state = ctx.registry.project(project_id)
    if state is not None:
        ctx.registry.apply(state, state.cancel)


# -- results ---------------------------------------------------------------------------
def _download_url_call(state: ProjectState, job: JobState, kind: str) -> RestCall:
    if result_kind(state.media, state.output_format) == "image" or kind == "preview":
        query = {"jobId": state.id, "imageId": job.id, "type": kind}
        content_type = result_content_type("image", state.output_format)
        if kind == "complete" and content_type:
            query["contentType"] = content_type
        return RestCall("GET", "/v1/image/downloadUrl", query=query)
    query = {"jobId": state.id, "id": job.id, "type": kind}
    content_type = result_content_type(state.media, state.output_format)
    if content_type:
        query["contentType"] = content_type
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
    """Stream a result to ``path``; a directory gets a file named ``name``."""
    if not url:
        raise SogniError("there is no result to download yet")
    target = Path(path)
    if target.is_dir():
        target = target / name
    written: Path = yield Download(url, target)
    return written


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def result_extension(media: str, output_format: str | None, url: str | None = None) -> str:
    """The file extension of a result: from the output format, else from the URL."""
    content_type = result_content_type(media, output_format)
    if media == "image" and content_type is None:
        content_type = "image/png"
    if content_type in _EXTENSIONS:
        return _EXTENSIONS[content_type]
    if media == "video":
        return ".mp4"
    extension = Path((url or "").split("?", 1)[0]).suffix.lower()
    return extension if re.fullmatch(r"\.[a-z0-9]{1,5}", extension) else ""


def safe_file_name(stem: str, extension: str = "") -> str:
    """A file name made of ``stem`` and ``extension`` that is safe on every platform."""
    cleaned = _UNSAFE.sub("_", stem).strip("._") or "result"
    return cleaned[:120] + extension


# -- the network's project records -------------------------------------------------------
def _project_record(ctx: CoreContext, project_id: str) -> Plan[dict[str, Any]]:
    data = yield RestCall("GET", f"/v1/projects/{quote(project_id, safe='')}")
    raw = data.get("project") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise SogniError(f"the network sent a malformed record of project {project_id}")
    return raw


def _sync_state(ctx: CoreContext, state: ProjectState, raw: Mapping[str, Any]) -> Plan[None]:
    ctx.registry.apply(state, lambda: state.apply_snapshot(raw))
    for job in state.take_result_requests():
        try:
            yield from resolve_result_url(ctx, state, job)
        except SogniError:
            pass  # the job keeps no URL, as when the socket result's URL request fails


def get_project(ctx: CoreContext, project_id: str) -> Plan[ProjectSnapshot]:
    """The network's record of a project; a tracked project is updated from it."""
    raw = yield from _project_record(ctx, project_id)
    state = ctx.registry.project(project_id)
    if state is not None:
        yield from _sync_state(ctx, state, raw)
    return from_wire(ProjectSnapshot, raw)


def check_project(ctx: CoreContext, state: ProjectState) -> Plan[None]:
    """Catch up with the network's record of a project (it went silent, or the socket
    reconnected and events may have been missed).

    A record brings the project up to date and proves the network has its request. A
    check that cannot reach the record (5xx, timeout) only schedules the next one sooner:
    it never ends the project. Only the network's own word does: a 404 for a request it
    confirmed fails the project; a 404 for one it never confirmed means the request was
    lost on the way, and it is sent again with the same id. The SDK never cancels.
    """
    # Judged as of the lookup: a request confirmed while it was under way is no news.
    unconfirmed = ctx.delivery.pending_request("jobRequest", state.id)
    # Tracked but not handed to the outbox yet (create() is between the two steps).
    unsent = not unconfirmed and not state.history and state.status == "pending"
    try:
        raw = yield from _project_record(ctx, state.id)
    except ApiError as exc:
        if exc.status != 404 or unsent:
            ctx.registry.apply(state, state.check_failed)
            return
        if not (unconfirmed and _redeliver(ctx, state)):
            message = f"the network has no record of project {state.id}"
            ctx.registry.apply(state, lambda: state.fail(JobError(404, message)))
        return
    except SogniError:
        ctx.registry.apply(state, state.check_failed)
        return
    ctx.delivery.confirm_request("jobRequest", state.id)
    yield from _sync_state(ctx, state, raw)


def _redeliver(ctx: CoreContext, state: ProjectState) -> bool:
    """Send a project's unconfirmed request again; False when delivery is given up."""
    canceled = state.status == "canceled"  # canceled before it ever arrived: keep it so
    return ctx.delivery.resend_request("jobRequest", state.id, abandon=canceled)


# -- cost estimates --------------------------------------------------------------------------
def _estimate(request: EstimateRequest) -> Plan[CostEstimate]:
    body = yield RestCall(
        "GET", request.path, host="socket", query=dict(request.query) or None, envelope=False
    )
    return parse_estimate(body)


def estimate_cost(ctx: CoreContext, model_id: str, **fields: Any) -> Plan[CostEstimate]:
    """The estimated cost of an image project; ``fields`` are those of :class:`ImageEstimate`."""
    estimate = ImageEstimate(model_id=model_id, **fields)
    options = yield from model_options(ctx, model_id)
    network = estimate.network or "fast"  # as the network's other clients price it
    width, height = estimate.width, estimate.height
    if estimate.size_preset:
        preset = yield from _preset(ctx, network, model_id, estimate.size_preset)
        width, height = preset.width, preset.height
    resolved = attrs.evolve(estimate, network=network, width=width, height=height)
    return (yield from _estimate(image_estimate_request(resolved, options)))


def estimate_video_cost(
    ctx: CoreContext,
    model_id: str,
    *,
    duration: float | None = None,
    frames: int | None = None,
    fps: float | None = None,
    width: int | None = None,
    height: int | None = None,
    steps: int | None = None,
    number_of_media: int = 1,
    has_video_input: bool = False,
    reference_video: Any = None,
    reference_video_urls: Sequence[str] | None = None,
    token_type: str = "spark",
) -> Plan[CostEstimate]:
    """The estimated cost of a video project; size and rate default to the model's usual."""
    if not is_video_model(model_id):
        raise ValidationError(f"Model {model_id} is not a video model", field="model_id")
    default_width, default_height, default_fps = video_defaults(model_id)
    request = video_estimate_request(
        token_type=token_type,
        model=model_id,
        width=width or default_width,
        height=height or default_height,
        fps=fps or default_fps,
        duration=duration,
        frames=frames,
        steps=steps,
        number_of_media=number_of_media,
        has_video_input=has_video_input,
        reference_video=reference_video,
        reference_video_urls=reference_video_urls,
    )
    return (yield from _estimate(request))


def estimate_audio_cost(
    ctx: CoreContext,
    model_id: str,
    *,
    duration: float = 30.0,
    steps: int | None = None,
    number_of_media: int = 1,
    token_type: str = "spark",
) -> Plan[CostEstimate]:
    """The estimated cost of an audio project."""
    if steps is None:
        options = yield from model_options(ctx, model_id)
        steps = default_steps(options)
    request = audio_estimate_request(
        token_type=token_type,
        model=model_id,
        duration=duration,
        steps=steps,
        number_of_media=number_of_media,
    )
    return (yield from _estimate(request))


def estimate_enhancement_cost(
    ctx: CoreContext, strength: str = "medium", *, token_type: str = "spark"
) -> Plan[CostEstimate]:
    """The estimated cost of enhancing a finished image."""
    request = enhancement_estimate_request(strength, token_type)
    return (yield from _estimate(request))


# -- image enhancement -------------------------------------------------------------------------
_ENHANCEMENT_MODEL = "flux1-schnell-fp8"


def enhance_job(
    ctx: CoreContext,
    state: ProjectState,
    job: JobState,
    strength: str = "medium",
    *,
    positive_prompt: str | None = None,
    style_prompt: str | None = None,
    token_type: str | None = None,
) -> Plan[ProjectState]:
    """Start a project that enhances a finished image with Flux.1 schnell.

    The job's result becomes the starting image; ``strength`` (``light``, ``medium`` or
    ``heavy``) is how much the model may change it. Prompt, style and token type default
    to the original project's.
    """
    parent = state.params
    if state.media != "image" or not isinstance(parent, ImageProjectParams):
        raise SogniError("only image results can be enhanced")
    if strength not in ENHANCEMENT_STRENGTHS:
        raise ValidationError(
            f"unknown enhancement strength {strength!r}",
            field="strength",
            allowed=list(ENHANCEMENT_STRENGTHS),
        )
    if job.status != "completed":
        raise SogniError(f"job {job.id} has not completed")
    if job.is_nsfw:
        raise SogniError(f"job {job.id} did not pass the safety filter")
    if not job.result_url:
        yield from resolve_result_url(ctx, state, job)
    if not job.result_url:
        raise SogniError(f"job {job.id} has no result to enhance")
    custom = parent.size_preset == "custom" or (
        parent.size_preset is None and parent.width and parent.height
    )
    params = ImageProjectParams(
        type="image",
        network="fast",
        model_id=_ENHANCEMENT_MODEL,
        positive_prompt=positive_prompt or parent.positive_prompt,
        negative_prompt="",
        style_prompt=style_prompt or parent.style_prompt,
        token_type=token_type or parent.token_type,  # type: ignore[arg-type]
        seed=job.seed or parent.seed,
        steps=5,
        guidance=1,
        number_of_media=1,
        number_of_previews=0,
        starting_image=RemoteAsset(job.result_url),
        starting_image_strength=1 - ENHANCEMENT_STRENGTHS[strength],
        size_preset=parent.size_preset,
        width=parent.width if custom else None,
        height=parent.height if custom else None,
    )
    return (yield from create_project(ctx, params))


# -- models by network, model kinds ---------------------------------------------------------
def _check_network(network: Any) -> str:
    if network not in NETWORKS:
        raise ValidationError(
            f"network {network!r} is not a Sogni network", field="network", allowed=list(NETWORKS)
        )
    return str(network)


def _check_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string, got {value!r}", field=field)
    return value


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
    raw = yield from _raw_models(ctx)
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
    media = known_media(ctx, _check_id(model_id, "model_id"))
    return media == "video" if media is not None else is_video_model(model_id)


def is_audio_model_id(ctx: CoreContext, model_id: str) -> bool:
    """Whether a model produces audio: the catalogue's word when the client knows the
    model, else what its id says."""
    media = known_media(ctx, _check_id(model_id, "model_id"))
    return media == "audio" if media is not None else is_audio_model(model_id)


# -- signed URLs of stored assets and results ----------------------------------------------------
def _signed_url(path: str, query: dict[str, Any], key: str) -> Plan[str]:
    data = yield RestCall("GET", path, query={k: v for k, v in query.items() if v is not None})
    url = data.get(key) if isinstance(data, dict) else None
    if not isinstance(url, str) or not url:
        raise SogniError(f"the network returned no {key}")
    return url


def image_upload_url(
    ctx: CoreContext,
    job_id: str,
    type: str,
    *,
    image_id: str | None = None,
    content_type: str | None = None,
    start_content_type: str | None = None,
) -> Plan[str]:
    """A presigned URL to ``PUT`` an image asset of a project to."""
    query = {
        "imageId": _check_id(image_id, "image_id") if image_id is not None else new_id(),
        "jobId": _check_id(job_id, "job_id"),
        "type": _check_id(type, "type"),
        "startContentType": start_content_type,
        "contentType": content_type,
    }
    return (yield from _signed_url("/v1/image/uploadUrl", query, "uploadUrl"))


def image_download_url(
    ctx: CoreContext,
    job_id: str,
    image_id: str,
    type: str = "complete",
    *,
    content_type: str | None = None,
) -> Plan[str]:
    """A freshly signed URL to download a project's image (a result, preview or asset)."""
    query = {
        "imageId": _check_id(image_id, "image_id"),
        "jobId": _check_id(job_id, "job_id"),
        "type": _check_id(type, "type"),
        "contentType": content_type,
    }
    return (yield from _signed_url("/v1/image/downloadUrl", query, "downloadUrl"))


def media_upload_url(
    ctx: CoreContext,
    job_id: str,
    type: str,
    *,
    id: str | None = None,
    content_type: str | None = None,
) -> Plan[str]:
    """A presigned URL to ``PUT`` an audio or video asset of a project to."""
    query = {
        "id": _check_id(id, "id") if id is not None else None,
        "jobId": _check_id(job_id, "job_id"),
        "type": _check_id(type, "type"),
        "contentType": content_type,
    }
    return (yield from _signed_url("/v1/media/uploadUrl", query, "uploadUrl"))


def media_download_url(
    ctx: CoreContext,
    job_id: str,
    type: str = "complete",
    *,
    id: str | None = None,
    content_type: str | None = None,
    artifact: str | None = None,
) -> Plan[str]:
    """A freshly signed URL to download a project's audio or video (a result or asset)."""
    query = {
        "id": _check_id(id, "id") if id is not None else None,
        "jobId": _check_id(job_id, "job_id"),
        "type": _check_id(type, "type"),
        "contentType": content_type,
        "artifact": artifact,
    }
    return (yield from _signed_url("/v1/media/downloadUrl", query, "downloadUrl"))


def fresh_result_url(ctx: CoreContext, state: ProjectState, job: JobState) -> Plan[str]:
    """A newly signed download URL of a finished job's result (signed URLs expire after
    about 30 minutes); the job keeps it as its ``result_url``.

    A result an external-API model delivered as a hosted file has no signed URL: its own
    URL is returned.
    """
    if job.status != "completed":
        raise SogniError(f"job {job.id} has not completed (it is {job.status})")
    if job.result_direct and job.result_url:
        return job.result_url
    if job.is_nsfw and not state.disable_nsfw_filter:
        raise SogniError(f"job {job.id} did not pass the safety filter: it has no result")
    data = yield _download_url_call(state, job, "complete")
    url = data.get("downloadUrl") if isinstance(data, dict) else None
    if not isinstance(url, str) or not url:
        raise SogniError(f"the network returned no download URL for job {job.id}")
    ctx.registry.apply(state, lambda: state.refresh_result_url(job.id, url))
    return url
