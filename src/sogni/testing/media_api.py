"""Presigned upload/download URL endpoints, and the storage routes those URLs point at."""

from __future__ import annotations

import attrs
from aiohttp import web

from . import envelope
from .media import MediaSpec, normalise_content_type
from .routing import Route
from .state import STATE, SupernetState
from .storage import Published, UploadRejected, UploadSlot

__all__ = ["ROUTES"]

_IMAGE_FORMAT_BY_TYPE = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
_AUDIO_FORMAT_BY_TYPE = {"audio/mpeg": "mp3", "audio/wav": "wav", "audio/flac": "flac"}
_PREVIEW_MAX_SIDE = 256


def _base(request: web.Request) -> str:
    """Scheme and host the client used, so returned URLs are reachable the same way."""
    return f"{request.scheme}://{request.host}"


def _required(request: web.Request, *names: str) -> dict[str, str] | web.Response:
    values: dict[str, str] = {}
    for name in names:
        value = request.query.get(name, "")
        if not value or value == "undefined":
            return envelope.error(400, f"Query parameter '{name}' is required")
        values[name] = value
    return values


async def _upload_url(request: web.Request, kind: str) -> web.Response:
    values = _required(request, "jobId", "type")
    if isinstance(values, web.Response):
        return values
    state = request.app[STATE]
    # A numbered slot (``id=referenceVideo2``) is stored under its own name.
    stored_as = request.query.get("id") or values["type"]
    slot = UploadSlot(
        job_id=values["jobId"],
        type=stored_as,
        kind=kind,
        content_type=normalise_content_type(request.query.get("contentType")),
    )
    token = state.storage.issue_upload(slot)
    return envelope.success({"uploadUrl": state.upload_url(token, _base(request))})


async def image_upload_url(request: web.Request) -> web.Response:
    """``GET /v1/image/uploadUrl?imageId&jobId&type&contentType``."""
    return await _upload_url(request, "image")


async def media_upload_url(request: web.Request) -> web.Response:
    """``GET /v1/media/uploadUrl?jobId&type[&id]&contentType``."""
    return await _upload_url(request, "media")


def _download(
    state: SupernetState,
    request: web.Request,
    job_id: str,
    item_id: str | None,
    type_: str,
    kind: str,
) -> web.Response:
    content_type = normalise_content_type(request.query.get("contentType"))
    project = state.simulator.projects.get(job_id.upper())
    job = project.job(item_id.upper()) if project is not None and item_id else None
    if project is not None and job is not None and type_ in ("complete", "preview"):
        spec = job.spec
        if spec.media == "image" and type_ == "preview":
            scale = min(1.0, _PREVIEW_MAX_SIDE / max(spec.width, spec.height, 1))
            spec = attrs.evolve(
                spec,
                fmt="jpg",
                width=max(1, round(spec.width * scale)),
                height=max(1, round(spec.height * scale)),
            )
        elif spec.media == "image":
            spec = attrs.evolve(spec, fmt=_IMAGE_FORMAT_BY_TYPE.get(content_type or "", "png"))
        elif spec.media == "audio" and content_type in _AUDIO_FORMAT_BY_TYPE:
            spec = attrs.evolve(spec, fmt=_AUDIO_FORMAT_BY_TYPE[content_type])
        if (spec.media == "image") != (kind == "image"):
            return envelope.error(400, f"Use the {spec.media} download endpoint for this job")
        return envelope.success({"downloadUrl": _publish_spec(state, spec, request)})
    upload = state.storage.upload(job_id, type_)
    if upload is not None:
        token = state.storage.publish(
            Published(filename=f"{type_}", content_type=upload.content_type, upload=upload)
        )
        return envelope.success({"downloadUrl": state.file_url(token, type_, _base(request))})
    return envelope.error(404, f"No {type_} media for job {job_id}")


def _publish_spec(state: SupernetState, spec: MediaSpec, request: web.Request) -> str:
    return state.result_url(spec, _base(request))


async def image_download_url(request: web.Request) -> web.Response:
    """``GET /v1/image/downloadUrl?jobId&imageId&type[&contentType]``."""
    values = _required(request, "jobId", "type")
    if isinstance(values, web.Response):
        return values
    return _download(
        request.app[STATE],
        request,
        values["jobId"],
        request.query.get("imageId"),
        values["type"],
        "image",
    )


async def media_download_url(request: web.Request) -> web.Response:
    """``GET /v1/media/downloadUrl?jobId&id&type[&contentType]``."""
    values = _required(request, "jobId", "type")
    if isinstance(values, web.Response):
        return values
    return _download(
        request.app[STATE],
        request,
        values["jobId"],
        request.query.get("id"),
        values["type"],
        "media",
    )


async def put_upload(request: web.Request) -> web.Response:
    """``PUT /_storage/uploads/{token}``: the presigned upload target."""
    state = request.app[STATE]
    slot = state.storage.slot(request.match_info["token"])
    if slot is None:
        return envelope.error(403, "Upload URL is not valid")
    try:
        await state.storage.receive(
            slot, request.content.iter_chunked(64 * 1024), request.headers.get("Content-Type")
        )
    except UploadRejected as exc:
        return envelope.error(exc.status, exc.message)
    return web.Response(status=200, headers={"ETag": '"local"'})


async def get_file(request: web.Request) -> web.StreamResponse:
    """``GET /_storage/files/{token}/{name}``: the presigned download target."""
    state = request.app[STATE]
    item = state.storage.published(request.match_info["token"])
    if item is None:
        return envelope.error(404, "No such file")
    path = await state.storage.materialise(item)
    return web.FileResponse(path, headers={"Content-Type": item.content_type})


ROUTES = [
    Route("GET", "/v1/image/uploadUrl", image_upload_url),
    Route("GET", "/v1/media/uploadUrl", media_upload_url),
    Route("GET", "/v1/image/downloadUrl", image_download_url),
    Route("GET", "/v1/media/downloadUrl", media_download_url),
    Route("PUT", "/_storage/uploads/{token}", put_upload, auth=False),
    Route("GET", "/_storage/files/{token}/{name}", get_file, auth=False),
]
