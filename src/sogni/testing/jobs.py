"""The project/job lifecycle: what the network does after a ``jobRequest``.

Sequence per project (``jobID``): ``jobState queued``; then per media item (``imgID``):
``jobState initiatingModel`` -> ``jobState jobStarted`` -> ``jobETA`` / ``jobProgress`` x steps
-> ``jobResult``; finally one ``jobState jobCompleted``. A client ``jobError`` with
``artistCanceled`` stops the project: unfinished started jobs end with ``jobResult``
``userCanceled: true``. ``ProjectRecord.raw_project()`` is the ``GET /v1/projects/{id}`` view,
kept consistent with what the socket said; ``status_snapshot()`` is the owner's live lookup
(``GET /v2/projects/{id}``) and ``recovered_project()`` the entry of the recovery snapshot
(``GET /api/v1/artist/projects/sync``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import attrs

from .catalogue import Catalogue, Model
from .media import MediaSpec

__all__ = [
    "JobRequestError",
    "ProjectRecord",
    "Simulator",
    "WorkerJob",
    "parse_job_request",
    "promised_uploads",
]

JsonDict = dict[str, Any]
Send = Callable[[str, str, Any], Awaitable[None]]
"""``send(app_id, message_type, payload)`` delivers one socket event to a client."""
Connected = Callable[[str], bool]
"""``connected(app_id)``: whether that client has a live socket now."""

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
#: How long a project that finished while its client had no socket is held for it.
UNCLAIMED_TTL_MS = 3600 * 1000

# Upload slots a keyFrame flag promises (flag -> upload type).
_UPLOAD_FLAGS = {
    "hasStartingImage": "startingImage",
    "hasReferenceImage": "referenceImage",
    "hasReferenceImageEnd": "referenceImageEnd",
    "hasReferenceAudio": "referenceAudio",
    "hasReferenceAudioIdentity": "referenceAudio",
    "hasReferenceVideo": "referenceVideo",
}


EXTERNAL_PROGRESS_TICKS = 5


def now_ms() -> int:
    """Wall-clock time in milliseconds, as the network reports times."""
    return int(time.time() * 1000)


def new_id() -> str:
    """An upper-case UUID v4, the network's id style."""
    return str(uuid.uuid4()).upper()


class JobRequestError(Exception):
    """A ``jobRequest`` the network refuses; answered with a project-level ``jobError``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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


# --- request parsing -------------------------------------------------------------------------


def _int(value: Any, default: int) -> int:
    if isinstance(value, bool) or value is None:
        return default
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _positive(value: Any) -> int | None:
    number = _int(value, 0)
    return number if number > 0 else None


@attrs.frozen
class ParsedRequest:
    """The parts of a ``jobRequest`` the simulation needs."""

    project_id: str
    model: Model
    key_frame: JsonDict
    count: int
    previews: int
    steps: int
    seed: int | None
    width: int
    height: int
    output_format: str
    network: str
    token_type: str
    frames: int
    fps: int
    duration: float
    payload: JsonDict = attrs.field(factory=dict)


def parse_job_request(
    payload: Any, catalogue: Catalogue, default_network: str, steps_override: int | None
) -> ParsedRequest:
    """Validate and summarise a ``jobRequest`` payload, or raise :class:`JobRequestError`."""
    if not isinstance(payload, dict):
        raise JobRequestError(400, "jobRequest payload must be an object")
    project_id = payload.get("jobID")
    if not isinstance(project_id, str) or not project_id:
        raise JobRequestError(400, "jobRequest has no jobID")
    key_frames = payload.get("keyFrames")
    if not isinstance(key_frames, list) or not key_frames or not isinstance(key_frames[0], dict):
        raise JobRequestError(400, "jobRequest has no keyFrames")
    key_frame: JsonDict = key_frames[0]
    model_id = key_frame.get("modelID")
    model = catalogue.model(model_id) if isinstance(model_id, str) else None
    if model is None:
        raise JobRequestError(404, f"Model {model_id!r} is not available on this network")
    tier = catalogue.tier_of(model)
    count = _positive(payload.get("numberOfImages")) or 1
    if count > 16 and model.media != "image":
        raise JobRequestError(400, "numberOfImages must be at most 16")
    if count > 512:
        raise JobRequestError(400, "numberOfImages must be at most 512")
    tier_steps = tier.get("steps", {}).get("default", 1) if "steps" in tier else 1
    steps = steps_override or _positive(key_frame.get("steps")) or int(tier_steps)
    seed_value = key_frame.get("seed")
    seed = None if seed_value is None or isinstance(seed_value, bool) else _int(seed_value, 0)
    default_format = {"image": "png", "video": "mp4", "audio": "mp3"}[model.media]
    output_format = str(payload.get("outputFormat") or default_format).lower()
    width, height = _output_size(model, key_frame, catalogue)
    fps, frames, duration = _timing(model, key_frame, tier)
    return ParsedRequest(
        project_id=project_id.upper(),
        model=model,
        key_frame=key_frame,
        count=count,
        previews=_int(payload.get("previews"), 0) if model.media == "image" else 0,
        steps=steps,
        seed=seed,
        width=width,
        height=height,
        output_format=output_format,
        network=str(payload.get("network") or default_network),
        token_type=str(payload.get("tokenType") or "sogni"),
        frames=frames,
        fps=fps,
        duration=duration,
        payload=payload,
    )


def _output_size(model: Model, key_frame: JsonDict, catalogue: Catalogue) -> tuple[int, int]:
    tier = catalogue.tier_of(model)
    if model.media == "audio":
        return 0, 0
    if model.media == "video":
        width = _positive(key_frame.get("width"))
        height = _positive(key_frame.get("height"))
        if width and height:
            return width, height
        return int(tier["width"]["default"]), int(tier["height"]["default"])
    preset_id = key_frame.get("sizePreset")
    if preset_id == "custom":
        width = _positive(key_frame.get("width"))
        height = _positive(key_frame.get("height"))
        if width and height:
            return width, height
    elif isinstance(preset_id, str):
        for preset in catalogue.size_presets(model):
            if preset.id == preset_id:
                return preset.width, preset.height
        raise JobRequestError(400, f"Unknown size preset {preset_id!r} for {model.id}")
    return catalogue.default_image_size(model)


def _timing(model: Model, key_frame: JsonDict, tier: JsonDict) -> tuple[int, int, float]:
    """``(fps, frames, duration seconds)`` of a video or audio result."""
    if model.media == "audio":
        duration = key_frame.get("duration")
        seconds = (
            float(duration)
            if isinstance(duration, (int, float)) and duration > 0
            else float(tier.get("duration", {}).get("default", 30))
        )
        return 0, 0, seconds
    if model.media != "video":
        return 0, 1, 0.0
    fps_options = tier.get("fps") or {}
    fps = _positive(key_frame.get("fps")) or int(fps_options.get("default", 24))
    frames = _positive(key_frame.get("frames")) or int(tier.get("frames", {}).get("default", 81))
    # WAN renders at 16 fps whatever the requested rate (higher rates are interpolated).
    render_fps = 16 if model.id.startswith("wan_") else fps
    duration = max(frames - 1, 1) / render_fps
    return fps, frames, duration


# --- the simulation --------------------------------------------------------------------------


@attrs.define
class Timing:
    """Pacing knobs of the simulation."""

    step_delay: float = 0.005
    job_stagger: float = 0.001
    steps_override: int | None = None


class Simulator:
    """Runs projects as asyncio tasks on the server loop and tracks them for REST."""

    def __init__(
        self,
        catalogue: Catalogue,
        send: Send,
        timing: Timing,
        result_url: Callable[[MediaSpec], str],
        charge: Callable[[str, Decimal], Awaitable[None]],
        connected: Connected = lambda app_id: True,
    ) -> None:
        self.catalogue = catalogue
        self.timing = timing
        self._send = send
        self._connected = connected
        self._result_url = result_url
        self._charge = charge
        self.projects: dict[str, ProjectRecord] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._sid = 1000

    def start(self, parsed: ParsedRequest, app_id: str, artist: JsonDict) -> ProjectRecord:
        """Register the project and start simulating it."""
        self._sid += 1
        project = ProjectRecord(
            id=parsed.project_id,
            sid=self._sid,
            app_id=app_id,
            model=parsed.model,
            media=parsed.model.media,
            request=parsed.key_frame,
            network=parsed.network,
            token_type=parsed.token_type,
            count=parsed.count,
            step_count=parsed.steps,
            previews=parsed.previews,
            has_guide_image=bool(parsed.key_frame.get("hasStartingImage")),
            denoise=float(parsed.key_frame.get("strength", 0.5))
            if parsed.key_frame.get("hasStartingImage")
            else 0.0,
            artist=artist,
            job_request=parsed.payload,
        )
        base_seed = parsed.seed if parsed.seed is not None else _seed_from(parsed.project_id)
        prompt = str(parsed.key_frame.get("positivePrompt") or "")
        for index in range(parsed.count):
            seed = (base_seed + index) % 2**32
            media = "model" if parsed.output_format == "glb" else parsed.model.media
            spec = MediaSpec(
                media=media,
                fmt=parsed.output_format,
                seed=seed,
                prompt=prompt,
                width=parsed.width,
                height=parsed.height,
                duration=parsed.duration,
                fps=parsed.fps if parsed.fps else 16,
                frames=parsed.frames,
            )
            project.jobs.append(
                WorkerJob(
                    img_id=new_id(),
                    index=index,
                    seed=seed,
                    step_count=parsed.steps,
                    spec=spec,
                    worker_name=f"local-worker-{index % max(parsed.model.workers, 1) + 1}",
                )
            )
        self.projects[project.id] = project
        task = asyncio.get_running_loop().create_task(self._run(project))
        self._tasks[project.id] = task
        task.add_done_callback(self._forget_task)
        return project

    def active_ids(self, address: str) -> list[str]:
        """Ids of the unfinished projects of the artist with wallet ``address``."""
        return [p.id for p in self.active(address)]

    def active(self, address: str, app_id: str | None = None) -> list[ProjectRecord]:
        """The unfinished projects of the artist with wallet ``address`` (started by
        ``app_id`` only, when given), oldest first."""
        return [
            p
            for p in self.projects.values()
            if not p.finished and p.owned_by(address) and (app_id is None or p.app_id == app_id)
        ]

    def unclaimed(self, address: str, app_id: str) -> list[ProjectRecord]:
        """Projects of ``app_id`` that finished within the last hour while it had no socket."""
        oldest = now_ms() - UNCLAIMED_TTL_MS
        return [
            p
            for p in self.projects.values()
            if p.unclaimed
            and p.owned_by(address)
            and p.app_id == app_id
            and (p.end_time or 0) >= oldest
        ]

    async def finished(self, project_id: str) -> ProjectRecord | None:
        """The project once it finished (``None`` when unknown); waits while it runs."""
        task = self._tasks.get(project_id.upper())
        if task is not None:
            await asyncio.shield(task)
        return self.projects.get(project_id.upper())

    def _forget_task(self, task: asyncio.Task[None]) -> None:
        for project_id, known in list(self._tasks.items()):
            if known is task:
                del self._tasks[project_id]

    async def cancel(self, project_id: str, app_id: str) -> None:
        """Handle a client ``jobError`` (``artistCanceled``) for ``project_id``."""
        project = self.projects.get(project_id.upper())
        if project is None or project.finished:
            await self._send(
                app_id,
                "artistCancelConfirmation",
                {
                    "didCancel": False,
                    "jobID": project_id,
                    "error_message": "Project not found"
                    if project is None
                    else "Project already finished",
                },
            )
            return
        project.cancel_requested = True
        await self._send(
            app_id,
            "artistCancelConfirmation",
            {"didCancel": True, "error_message": "", "jobID": project.id},
        )

    async def shutdown(self) -> None:
        """Stop every running simulation."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _emit(self, project: ProjectRecord, message_type: str, payload: JsonDict) -> None:
        await self._send(project.app_id, message_type, payload)

    async def _run(self, project: ProjectRecord) -> None:
        project.status = "active"
        project.update_time = now_ms()
        await self._emit(
            project, "jobState", {"type": "queued", "jobID": project.id, "queuePosition": 0}
        )
        await asyncio.gather(*(self._run_job(project, job) for job in project.jobs))
        if project.cancel_requested:
            project.status = "cancelled"
            project.reason = "artistCanceled"
        else:
            project.status = "completed"
            project.reason = "allJobsCompleted"
        project.end_time = project.update_time = now_ms()
        project.unclaimed = not self._connected(project.app_id)
        total = sum((job.cost for job in project.jobs), Decimal("0"))
        if total:
            await self._charge(project.token_type, total)
        if not project.cancel_requested:
            await self._emit(project, "jobState", {"type": "jobCompleted", "jobID": project.id})

    async def _run_job(self, project: ProjectRecord, job: WorkerJob) -> None:
        await asyncio.sleep(self.timing.job_stagger * job.index)
        if project.cancel_requested:
            job.touch("jobError")
            job.reason = "artistCanceled"
            job.end_time = now_ms()
            return
        ids = {"jobID": project.id, "imgID": job.img_id}
        state = {**ids, "workerName": job.worker_name, "jobIndex": job.index}
        job.touch("initiatingModel")
        project.status = "assigned"
        await self._emit(project, "jobState", {"type": "initiatingModel", **state})
        job.touch("jobStarted")
        job.start_time = now_ms()
        project.status = "progress"
        await self._emit(project, "jobState", {"type": "jobStarted", **state})
        # External APIs report a fraction instead of steps; tick a few times anyway.
        ticks = EXTERNAL_PROGRESS_TICKS if project.model.external else job.step_count
        preview_steps = _preview_steps(ticks, project.previews)
        await self._emit(
            project, "jobETA", {**ids, "etaSeconds": round(ticks * self.timing.step_delay, 3)}
        )
        for tick in range(1, ticks + 1):
            await asyncio.sleep(self.timing.step_delay)
            if project.cancel_requested:
                break
            job.touch("jobProgress")
            if project.model.external:
                job.performed_steps = job.step_count if tick == ticks else 0
                progress: JsonDict = {**ids, "progress": round(tick / ticks, 4)}
            else:
                job.performed_steps = tick
                progress = {**ids, "step": tick, "stepCount": job.step_count}
            if tick in preview_steps:
                progress["hasImage"] = True
            await self._emit(project, "jobProgress", progress)
            remaining = ticks - tick
            if remaining and tick % 4 == 0:
                await self._emit(
                    project,
                    "jobETA",
                    {**ids, "etaSeconds": round(remaining * self.timing.step_delay, 3)},
                )
        job.end_time = now_ms()
        job.cost = project.rate_per_step * job.performed_steps
        result: JsonDict = {
            **ids,
            "performedStepCount": job.performed_steps,
            "lastSeed": str(job.seed),
            "triggeredNSFWFilter": False,
        }
        if project.cancel_requested:
            job.touch("jobError")
            job.reason = "artistCanceled"
            result["userCanceled"] = True
        else:
            job.touch("jobCompleted")
            job.reason = "jobCompleted"
            if project.model.external:
                job.result_url = self._result_url(job.spec)
                result["resultUrl"] = job.result_url
        await self._emit(project, "jobResult", result)


def promised_uploads(key_frame: JsonDict) -> list[str]:
    """Upload types a keyFrame says exist (``hasStartingImage`` -> ``startingImage``, ...)."""
    types = [slot for flag, slot in _UPLOAD_FLAGS.items() if key_frame.get(flag) is True]
    types += [f"contextImage{n}" for n in range(1, 17) if key_frame.get(f"hasContextImage{n}")]
    control_nets = key_frame.get("currentControlNetsJob")
    if isinstance(control_nets, list) and any(
        isinstance(cn, dict) and cn.get("hasImage") for cn in control_nets
    ):
        types.append("cnImage")
    return sorted(set(types))


def _preview_steps(step_count: int, previews: int) -> set[int]:
    """Steps (never the last one) whose progress event carries ``hasImage: true``."""
    if previews <= 0 or step_count <= 1:
        return set()
    count = min(previews, step_count - 1)
    return {max(1, round((i + 1) * step_count / (count + 1))) for i in range(count)}


def _seed_from(project_id: str) -> int:
    return int(hashlib.sha256(project_id.encode()).hexdigest()[:8], 16)
