"""The results of any of the account's projects, whenever asked: each render's state and a
freshly signed download URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sogni.core._generated.models import JobResult, ProjectResult
from sogni.core.checks import choice
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import SogniError
from sogni.core.js import is_integral
from sogni.core.media_types import result_content_type
from sogni.core.plans import Plan
from sogni.core.plans.models import known_media, supported_models
from sogni.core.plans.project_lookup import check_project_id, mapping, status_raw
from sogni.core.video import is_audio_model, is_video_model

RESULT_KINDS = ("image", "video", "audio", "model")


_FORMAT_KINDS = {
    "png": "image", "jpg": "image", "jpeg": "image", "webp": "image",
    "mp4": "video", "mov": "video", "mp3": "audio", "wav": "audio", "flac": "audio",
    "glb": "model",
}  # fmt: skip


def job_status(job: Mapping[str, Any]) -> str:
    status = job.get("status")
    if status == "jobCompleted":
        return "completed"
    if status == "jobError":
        return "canceled" if job.get("reason") == "artistCanceled" else "failed"
    return status if isinstance(status, str) and status else "unknown"


def _job_format(job: Mapping[str, Any]) -> str | None:
    stored = mapping(job.get("result"))
    value = job.get("outputFormat") or stored.get("outputFormat")
    return value.lower() if isinstance(value, str) and value else None


def _result_kind(
    ctx: CoreContext, model: Mapping[str, Any], output_format: str | None, kind: str | None
) -> str | None:
    """What a finished render is: a 3D file by its format, else the catalogue's word, the
    model id's family, the format, the record's model type, and last the caller's ``kind``."""
    evidence = _FORMAT_KINDS.get(output_format or "")
    if evidence == "model":
        return "model"
    model_id = model.get("id")
    if isinstance(model_id, str) and model_id:
        media = known_media(ctx, model_id)
        if media is not None:
            return media
        if is_video_model(model_id):
            return "video"
        if is_audio_model(model_id):
            return "audio"
    if evidence is not None:
        return evidence
    declared = model.get("type")
    return declared if declared in RESULT_KINDS else kind


def _signed_url(project_id: str, job_id: str, kind: str, output_format: str | None) -> Plan[str]:
    if kind == "image":
        path = "/v1/image/downloadUrl"
        query = {"jobId": project_id, "imageId": job_id, "type": "complete"}
    else:
        path = "/v1/media/downloadUrl"
        query = {"jobId": project_id, "id": job_id, "type": "complete"}
    content_type = result_content_type(
        "image" if kind == "image" else kind, "glb" if kind == "model" else output_format
    )
    if content_type:
        query["contentType"] = content_type
    data = yield RestCall("GET", path, query=query)
    url = data.get("downloadUrl") if isinstance(data, Mapping) else None
    if not isinstance(url, str) or not url:
        raise SogniError(f"the network returned no download URL for {project_id}/{job_id}")
    return url


def _job_result(
    ctx: CoreContext, raw: Mapping[str, Any], job: Mapping[str, Any], job_id: str, kind: str | None
) -> Plan[JobResult]:
    status = job_status(job)
    fields: dict[str, Any] = {"id": job_id, "status": status}
    if status != "completed" and isinstance(job.get("reason"), str) and job["reason"]:
        fields["reason"] = job["reason"]
    if is_integral(job.get("seedUsed")) and job["seedUsed"] >= 0:
        fields["seed"] = int(job["seedUsed"])
    if status == "completed":
        direct = job.get("resultUrl")
        if job.get("triggeredNSFWFilter") is True and job.get("nsfwDetected") is not True:
            fields["url_unavailable"] = "sensitiveContent"
        elif isinstance(direct, str) and direct:
            fields["url"] = direct
        else:
            model = mapping(raw.get("model"))
            output_format = _job_format(job)
            media = _result_kind(ctx, model, output_format, kind)
            if media is None:
                fields["url_unavailable"] = "unknownMediaKind"
            else:
                fields["kind"] = media
                try:
                    fields["url"] = yield from _signed_url(raw["id"], job_id, media, output_format)
                except SogniError:
                    fields["url_unavailable"] = "downloadUrlFailed"
    return JobResult(**fields)


def get_result(
    ctx: CoreContext, project_id: str, *, kind: str | None = None
) -> Plan[ProjectResult]:
    """State and results of one of the account's projects, whenever asked: completed
    renders come with freshly signed download URLs. ``kind`` says what the project
    produces, used only when nothing the network or the catalogue says does."""
    project_id = check_project_id(project_id)
    if kind is not None:
        choice(kind, "kind", RESULT_KINDS)
    raw = yield from status_raw(ctx, project_id)
    model = mapping(raw.get("model"))
    model_id = model.get("id")
    if isinstance(model_id, str) and model_id:
        try:
            yield from supported_models(ctx)  # cached: the catalogue says what it produces
        except SogniError:
            pass
    jobs: list[JobResult] = []
    seen: set[str] = set()
    for job in [*(raw.get("completedWorkerJobs") or ()), *(raw.get("workerJobs") or ())]:
        job_id = job.get("imgID") if isinstance(job, Mapping) else None
        if isinstance(job_id, str) and job_id and job_id not in seen:
            seen.add(job_id)
            jobs.append((yield from _job_result(ctx, raw, job, job_id, kind)))
    waiting = raw.get("waitingReason")
    return ProjectResult(
        id=raw["id"],
        status=str(raw.get("status")),
        finished=raw.get("finished") is True,
        model_id=model_id if isinstance(model_id, str) and model_id else None,
        waiting_reason=waiting if isinstance(waiting, dict) else None,
        jobs=jobs,
    )
