"""What the network keeps about a project it accepted, and the views REST serves of it.

``ProjectRecord.raw_project()`` is the ``GET /v1/projects/{id}`` view, kept consistent
with what the socket said; ``status_snapshot()`` is the owner's live lookup
(``GET /v2/projects/{id}``) and ``recovered_project()`` the entry of the recovery snapshot
(``GET /api/v1/artist/projects/sync``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from decimal import Decimal
from typing import Any

import attrs

from .catalogue import Model
from .clock import now_ms
from .media import MediaSpec

JsonDict = dict[str, Any]

__all__ = ["LOOKUP_STATUS", "ProjectRecord", "WorkerJob", "new_id"]

#: The live lookup's names for the record's raw statuses.
LOOKUP_STATUS = {
    "pending": "pending",
    "authorized": "pending",
    "active": "queued",
    "queued": "queued",
    "assigned": "processing",
    "progress": "processing",
    "completed": "completed",
    "errored": "failed",
    "cancelled": "canceled",
}


def new_id() -> str:
    """An upper-case UUID v4, the network's id style."""
    return str(uuid.uuid4()).upper()


@attrs.define
class WorkerJob:
    """One media item of a project (``imgID``), in the network's RawJob vocabulary."""

    img_id: str
    index: int
    seed: int
    step_count: int
    spec: MediaSpec
    worker_name: str
    # created | initiatingModel | jobStarted | jobProgress | jobCompleted | jobError
    status: str = "created"
    reason: str | None = None
    performed_steps: int = 0
    create_time: int = attrs.field(factory=now_ms)
    start_time: int | None = None
    update_time: int = attrs.field(factory=now_ms)
    end_time: int | None = None
    result_url: str | None = None
    cost: Decimal = Decimal("0")

    @property
    def finished(self) -> bool:
        """Completed or failed."""
        return self.status in ("jobCompleted", "jobError")

    def touch(self, status: str) -> None:
        """Move to ``status`` and bump ``update_time``."""
        self.status = status
        self.update_time = now_ms()


@attrs.define
class ProjectRecord:
    """A project the network accepted, with its jobs and everything REST reports about it."""

    id: str
    sid: int
    app_id: str
    model: Model
    media: str
    request: JsonDict
    network: str
    token_type: str
    count: int
    step_count: int
    previews: int
    has_guide_image: bool
    denoise: float
    artist: JsonDict
    jobs: list[WorkerJob] = attrs.field(factory=list)
    # pending | active | assigned | progress | completed | errored | cancelled
    status: str = "pending"
    reason: str | None = None
    create_time: int = attrs.field(factory=now_ms)
    update_time: int = attrs.field(factory=now_ms)
    end_time: int | None = None
    cancel_requested: bool = False
    rate_per_step: Decimal = Decimal("0.01")
    #: The ``jobRequest`` as the client sent it (``clientRequestData`` of the recovery view).
    job_request: JsonDict = attrs.field(factory=dict)
    #: Finished while its app id had no socket: listed as unclaimed for an hour.
    unclaimed: bool = False

    @property
    def finished(self) -> bool:
        """Completed, errored or cancelled."""
        return self.status in ("completed", "errored", "cancelled")

    def job(self, img_id: str) -> WorkerJob | None:
        """The job with ``img_id``."""
        for job in self.jobs:
            if job.img_id == img_id:
                return job
        return None

    def raw_project(self) -> JsonDict:
        """The ``RawProject`` served by ``GET /v1/projects/{id}`` (``data.project``)."""
        total_cost = sum((job.cost for job in self.jobs), Decimal("0"))
        return {
            "id": self.id,
            "SID": self.sid,
            "artist": dict(self.artist),
            "model": {"id": self.model.id, "SID": self.model.sid, "name": self.model.name},
            "imageCount": self.count,
            "stepCount": self.step_count,
            "previewCount": self.previews,
            "hasGuideImage": self.has_guide_image,
            "denoiseStrength": f"{self.denoise:.2f}",
            "costEstimate": _cost_estimate(self),
            "costActual": _cost_actual(total_cost, sum(j.performed_steps for j in self.jobs)),
            "createTime": self.create_time,
            "updateTime": self.update_time,
            "endTime": self.end_time or 0,
            "status": self.status,
            "reason": self.reason or "",
            "network": self.network,
            "txId": hashlib.sha256(self.id.encode()).hexdigest()[:32],
            "workerJobs": [self._raw_job(job) for job in self.jobs],
            "completedWorkerJobs": [self._raw_job(job) for job in self.jobs if job.finished],
        }

    def _raw_job(self, job: WorkerJob) -> JsonDict:
        raw: JsonDict = {
            "id": f"{self.id}-{job.index}",
            "SID": str(self.sid * 100 + job.index),
            "imgID": job.img_id,
            "worker": {
                "id": "worker-" + job.worker_name,
                "name": job.worker_name,
                "username": job.worker_name,
            },
            "createTime": job.create_time,
            "startTime": job.start_time,
            "updateTime": job.update_time,
            "endTime": job.end_time or 0,
            "status": job.status,
            "reason": job.reason or "",
            "performedSteps": job.performed_steps,
            "triggeredNSFWFilter": False,
            "seedUsed": job.seed,
            "costActual": _cost_actual(job.cost, job.performed_steps),
            "network": self.network,
            "txId": hashlib.sha256(job.img_id.encode()).hexdigest()[:32],
            "outputFormat": job.spec.fmt,
        }
        if job.result_url:
            raw["resultUrl"] = job.result_url
        return raw

    @property
    def lookup_status(self) -> str:
        """The status in the live lookup's names (``queued``, ``processing``, ``failed`` ...)."""
        return LOOKUP_STATUS.get(self.status, self.status)

    def owned_by(self, address: str) -> bool:
        """Whether the account with wallet ``address`` started the project."""
        return str(self.artist.get("address", "")).lower() == address.lower()

    def status_snapshot(self) -> JsonDict:
        """The owner's live view (``GET /v2/projects/{id}``, ``data.project``): the record
        with the normalised status and ``finished``."""
        return {**self.raw_project(), "status": self.lookup_status, "finished": self.finished}

    def recovered_project(self) -> JsonDict:
        """The project as the recovery snapshot lists it (``RecoveredProject``)."""
        key_frame = self.request
        raw: JsonDict = {
            "id": self.id,
            "SID": self.sid,
            "appId": self.app_id,
            "model": {
                "id": self.model.id,
                "SID": self.model.sid,
                "name": self.model.name,
                "type": self.media,
            },
            "imageCount": self.count,
            "stepCount": self.step_count,
            "previewCount": self.previews,
            "hasGuideImage": self.has_guide_image,
            "denoiseStrength": f"{self.denoise:.2f}",
            "costEstimate": _cost_estimate(self),
            "createTime": self.create_time,
            "updateTime": self.update_time,
            "endTime": self.end_time,
            "status": self.status,
            "reason": self.reason,
            "network": self.network,
            "txId": hashlib.sha256(self.id.encode()).hexdigest()[:32],
            "isTest": False,
            "tokenType": self.token_type,
            "clientRequestData": base64.b64encode(
                json.dumps(self.job_request, separators=(",", ":")).encode()
            ).decode(),
            # Each job's ``id`` is the project's, as legacy native clients expect.
            "workerJobs": [{**self._raw_job(job), "id": self.id} for job in self.jobs],
            "completedWorkerJobs": [
                {**self._raw_job(job), "id": self.id} for job in self.jobs if job.finished
            ],
        }
        for field in ("appSource", "billingMode"):
            if self.job_request.get(field):
                raw[field] = self.job_request[field]
        if isinstance(key_frame.get("sizePreset"), str):
            raw["sizePreset"] = key_frame["sizePreset"]
        if self.jobs and self.media != "audio":
            raw["width"], raw["height"] = self.jobs[0].spec.width, self.jobs[0].spec.height
        if self.media in ("video", "audio"):
            raw["modelType"] = self.media
        if self.media == "video" and self.jobs:
            raw["videoFrames"], raw["videoFps"] = self.jobs[0].spec.frames, self.jobs[0].spec.fps
        return raw


def _cost_actual(cost: Decimal, steps: int) -> JsonDict:
    return {
        "costInRenderSec": str(cost * 10),
        "costInUSD": str(cost / 200),
        "costInToken": str(cost),
        "calculatedStepCount": steps,
    }


def _cost_estimate(project: ProjectRecord) -> JsonDict:
    per_job = project.rate_per_step * max(project.step_count, 1)
    return {
        "rate": {
            "costPerBaseHQRenderInUSD": "0.0025",
            "tokenMarkePriceUSD": "0.005",
            "costPerRenderSecUSD": "0.0005",
            "costPerRenderSecToken": "0.1",
            "network": project.network,
            "networkCostMultiplier": "1",
        },
        "quote": {
            "model": {"weight": "1", "secPerStep": "0.1", "secPerPreview": "0.05", "secForCN": "0"},
            "job": _cost_actual(per_job, project.step_count),
            "project": _cost_actual(per_job * project.count, project.step_count * project.count),
        },
    }
