"""Plans of media projects: the model catalogue, creating, tracking and cancelling projects,
uploading their assets, cost estimates and the network's project records."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs

from sogni.core._generated.models import (
    AudioProjectParams,
    ControlNet,
    ImageProjectParams,
    ProjectSnapshot,
    VideoProjectParams,
)
from sogni.core.assets import AssetRef
from sogni.core.context import CoreContext
from sogni.core.effects import Download, PrepareAsset, RemoteAsset, RestCall, SocketSend, Upload
from sogni.core.errors import ApiError, SogniError, UploadError, ValidationError
from sogni.core.estimates import ENHANCEMENT_STRENGTHS
from sogni.core.ids import new_id
from sogni.core.job_request import UploadSlot, add_content_types, build_job_request, upload_slots
from sogni.core.media_types import (
    result_content_type,
    result_kind,
)
from sogni.core.params import check_value, to_wire
from sogni.core.plans import Plan, assets
from sogni.core.plans.cost_estimates import (
    estimate_audio_cost,
    estimate_cost,
    estimate_enhancement_cost,
    estimate_video_cost,
)
from sogni.core.plans.models import (
    available_models_from_counts,
    available_models_on,
    find_preset,
    is_audio_model_id,
    is_video_model_id,
    known_media,
    model_options,
    size_presets,
    supported_models,
    video_asset_config,
    wait_for_models,
)
from sogni.core.plans.signed_urls import (
    image_download_url,
    image_upload_url,
    media_download_url,
    media_upload_url,
)
from sogni.core.projects import JobError, JobState, ProjectState
from sogni.core.wire import from_wire

__all__ = [
    "ProjectParams",
    "available_models_from_counts",
    "available_models_on",
    "cancel_project",
    "check_project",
    "create_project",
    "download",
    "enhance_job",
    "estimate_audio_cost",
    "estimate_cost",
    "estimate_enhancement_cost",
    "estimate_video_cost",
    "fresh_result_url",
    "get_project",
    "image_download_url",
    "image_upload_url",
    "is_audio_model_id",
    "is_video_model_id",
    "known_media",
    "media_download_url",
    "media_upload_url",
    "model_options",
    "project_wire_params",
    "resolve_preview_url",
    "resolve_result_url",
    "size_presets",
    "supported_models",
    "video_asset_config",
    "wait_for_models",
]

ProjectParams = ImageProjectParams | VideoProjectParams | AudioProjectParams


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
        yield from find_preset(ctx, network, params.model_id, preset)
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


# -- signed URLs of stored assets and results ----------------------------------------------------


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
