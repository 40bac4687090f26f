"""The project/job lifecycle: what the network does after a ``jobRequest``.

Sequence per project (``jobID``): ``jobState queued``; then per media item (``imgID``):
``jobState initiatingModel`` -> ``jobState jobStarted`` -> ``jobETA`` / ``jobProgress`` x steps
-> ``jobResult``; finally one ``jobState jobCompleted``. A client ``jobError`` with
``artistCanceled`` stops the project: unfinished started jobs end with ``jobResult``
``userCanceled: true``. The request is checked by :mod:`.job_requests`; what the network
keeps about each project is in :mod:`.project_records`.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import attrs

from .catalogue import Catalogue
from .clock import now_ms
from .job_requests import ParsedRequest
from .media import MediaSpec
from .project_records import ProjectRecord, WorkerJob, new_id

JsonDict = dict[str, Any]

__all__ = ["Simulator", "Timing"]

Send = Callable[[str, str, Any], Awaitable[None]]
"""``send(app_id, message_type, payload)`` delivers one socket event to a client."""
Connected = Callable[[str], bool]
"""``connected(app_id)``: whether that client has a live socket now."""

#: How long a project that finished while its client had no socket is held for it.
UNCLAIMED_TTL_MS = 3600 * 1000


EXTERNAL_PROGRESS_TICKS = 5


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
        await self._progress(project, job, ids)
        job.end_time = now_ms()
        job.cost = project.rate_per_step * job.performed_steps
        await self._emit(project, "jobResult", self._result(project, job, ids))

    async def _progress(self, project: ProjectRecord, job: WorkerJob, ids: JsonDict) -> None:
        """The ``jobETA`` and ``jobProgress`` events of one job, until done or cancelled."""
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

    def _result(self, project: ProjectRecord, job: WorkerJob, ids: JsonDict) -> JsonDict:
        """Finish ``job`` (completed, or cancelled when asked) and build its ``jobResult``."""
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
        return result


def _preview_steps(step_count: int, previews: int) -> set[int]:
    """Steps (never the last one) whose progress event carries ``hasImage: true``."""
    if previews <= 0 or step_count <= 1:
        return set()
    count = min(previews, step_count - 1)
    return {max(1, round((i + 1) * step_count / (count + 1))) for i in range(count)}


def _seed_from(project_id: str) -> int:
    return int(hashlib.sha256(project_id.encode()).hexdigest()[:8], 16)
