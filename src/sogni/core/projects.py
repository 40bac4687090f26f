"""The Project and Job state machines, fed by decoded socket events.

Nothing here does I/O. A :class:`ProjectState` turns each event into state changes and a
list of :class:`ProjectEvent` for listeners; when a job result needs a download URL from
the REST host, the state says so through :meth:`ProjectState.take_result_requests` and the
client resolves it with a plan, then reports back with :meth:`ProjectState.set_result_url`.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from sogni.core.error_codes import map_error_code
from sogni.core.job_state import FINISHED, JobState, JobStatus, percent
from sogni.core.project_events import (
    JOB_EVENT_TYPES,
    PROJECT_EVENT_TYPES,
    EventLog,
    JobError,
    JobEventType,
    ProjectEvent,
    ProjectEventType,
)

__all__ = [
    "FINISHED",
    "QUEUE_STATUSES",
    "JOB_EVENT_TYPES",
    "PROJECT_EVENT_TYPES",
    "EventLog",
    "JobError",
    "JobEventType",
    "JobState",
    "ProjectEvent",
    "ProjectEventType",
    "ProjectState",
    "snapshot_value",
]

#: Seconds without any news of a project before the client asks the network about it.
KEEP_ALIVE_SECONDS = 120.0
#: First wait (seconds) before a failed check is tried again; it doubles each time, up to
#: ``keep_alive``. A failed check never ends a project: only the network's word does.
CHECK_RETRY_BASE = 1.0

ProjectStatus = Literal["pending", "queued", "processing", "completed", "failed", "canceled"]

#: What a queued project waits for: a free worker, or any worker serving its model.
QUEUE_STATUSES = frozenset({"waiting", "no-workers"})


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or ``None`` (incoming fields may be anything)."""
    kind = type(value)
    if kind is float:  # the usual cases first
        return value if math.isfinite(value) else None
    if kind is int:
        return float(value)
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@attrs.define
class ProjectState:
    """A project as the client sees it: status, jobs and the events that led there.

    ``media`` (``image``, ``video`` or ``audio``) picks the download-URL endpoint,
    ``output_format`` its content type.
    """

    id: str
    model_id: str
    media: str
    number_of_media: int
    steps: int | None = None
    output_format: str | None = None
    disable_nsfw_filter: bool = False
    status: ProjectStatus = "pending"
    queue_position: int = -1
    #: While queued: ``waiting`` (for a free worker) or ``no-workers`` (none serves the model).
    queue_status: str | None = None
    #: While queued: when the network expects the project to start (``time.time()`` seconds).
    estimated_start_at: float | None = None
    #: While queued: why, as the network says (``reason`` such as ``concurrency_limit``, and
    #: a ``message`` to show).
    waiting_reason: dict[str, str] | None = None
    error: JobError | None = None
    jobs: dict[str, JobState] = attrs.field(factory=dict)
    #: The events so far (see :class:`EventLog`: progress of one job is kept compact).
    history: EventLog = attrs.field(factory=EventLog, repr=False)
    clock: Callable[[], float] = attrs.field(default=time.time, repr=False)
    last_updated: float = 0.0
    outcome: ProjectEvent | None = None
    #: The parameters the project was created with (a params model), when known.
    params: Any = attrs.field(default=None, repr=False)
    keep_alive: float = KEEP_ALIVE_SECONDS
    #: Failed checks with the network in a row (they only shorten the wait to the next).
    check_failures: int = 0
    last_check: float = 0.0
    #: When the check with the network now under way started (``None``: none is);
    #: ``recheck``: another check was asked for meanwhile.
    checking_since: float | None = attrs.field(default=None, repr=False)
    recheck: bool = attrs.field(default=False, repr=False)
    #: Set when the client stopped following the project (closed, or its request was
    #: never delivered): waiters raise it. The project may still run on the network.
    detached: Any = attrs.field(default=None, repr=False)
    #: Followed from the network's status lookup rather than from a request this client
    #: sent (``projects.attach``, or recovered by ``projects.sync``): checks use the lookup.
    attached: bool = False
    #: When this client started following the project (``clock()`` seconds).
    created_at: float = 0.0
    #: The highest progress reported so far, which ``progress`` never falls below.
    _progress_seen: int = attrs.field(default=0, init=False, repr=False, eq=False)
    #: Each job's share of ``progress`` while it does not depend on the time, their sum,
    #: and the jobs whose share does (a time-based estimate): each event then updates
    #: one job's share instead of summing over all of them.
    _shares: dict[str, int] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _shares_total: int = attrs.field(default=0, init=False, repr=False, eq=False)
    _timed: dict[str, JobState] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    #: Jobs whose download URL is to be asked for (``take_result_requests``).
    _url_wanted: list[JobState] = attrs.field(factory=list, init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.last_updated:
            self.last_updated = self.clock()
        if not self.created_at:
            self.created_at = self.clock()

    # -- derived -------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """True once the project completed, failed or was canceled."""
        return self.status in FINISHED

    @property
    def progress(self) -> int:
        """Project progress 0–100: the mean of its jobs' progress, unseen jobs counting 0.

        It never goes back: a job's estimate can be ahead of the steps it then reports.
        """
        if self.status == "completed":
            return 100
        if len(self._shares) + len(self._timed) != len(self.jobs):
            self._recount_shares()  # jobs were added or dropped without a share update
        total = self._shares_total
        if self._timed:
            now = self.clock()
            total += sum(job.progress_at(now) for job in self._timed.values())
        mean = percent(total / max(1, self.number_of_media))
        if mean > self._progress_seen:
            self._progress_seen = mean
        return self._progress_seen

    def _update_share(self, job: JobState) -> int:
        """Bring one job's share of ``progress`` up to date (after a change of its steps,
        estimate or status); returns the job's progress now."""
        old = self._shares.pop(job.id, 0)
        self._timed.pop(job.id, None)
        if job.progress_is_timed:
            self._shares_total -= old
            self._timed[job.id] = job
            return job.progress_at(self.clock())
        share = job.progress_at(0.0)
        self._shares[job.id] = share
        self._shares_total += share - old
        return share

    def _recount_shares(self) -> None:
        self._shares.clear()
        self._timed.clear()
        self._shares_total = 0
        for job in self.jobs.values():
            self._update_share(job)

    @property
    def eta(self) -> float | None:
        """The latest estimated completion time of the project's jobs (``time.time()``)."""
        etas = [job.eta for job in self.jobs.values() if job.eta is not None]
        return max(etas) if etas else None

    @property
    def result_urls(self) -> list[str]:
        """The result URLs of the jobs that have one, in job order."""
        return [job.result_url for job in self.jobs.values() if job.result_url]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able snapshot of the project and its jobs: snake_case keys, only
        ``dict``/``list``/``str``/``int``/``float``/``bool``/``None`` values, so
        ``json.dumps`` takes it as is (store it, send it to a browser ...).

        ``params`` are the parameters the project was created with; assets given as bytes
        or file objects appear as ``None`` (a path as its string, a URL as the URL).
        """
        now = self.clock()
        return {
            "id": self.id,
            "model_id": self.model_id,
            "type": self.media,
            "status": self.status,
            "finished": self.finished,
            "progress": self.progress,
            "queue_position": self.queue_position,
            "queue_status": self.queue_status,
            "estimated_start_at": self.estimated_start_at,
            "waiting_reason": self.waiting_reason,
            "number_of_media": self.number_of_media,
            "eta": self.eta,
            "error": self.error.to_dict() if self.error else None,
            "result_urls": self.result_urls,
            "params": snapshot_value(self.params),
            "jobs": [job.to_dict(self.id, now) for job in self.jobs.values()],
        }

    def refresh_result_url(self, job_id: str, url: str) -> list[ProjectEvent]:
        """Keep a newly signed download URL of a finished job's result (no event)."""
        job = self.jobs.get(job_id)
        if job is not None and not job.result_pending:
            job.result_url = url
        return []

    def take_result_requests(self) -> list[JobState]:
        """Jobs whose download URL must be fetched now, in job order; each job is
        returned once."""
        if not self._url_wanted:
            return []
        wanted = {id(job) for job in self._url_wanted}
        self._url_wanted.clear()
        jobs = [
            j
            for j in self.jobs.values()
            if id(j) in wanted and j.result_pending and not j.result_requested
        ]
        for job in jobs:
            job.result_requested = True
        return jobs

    def _want_url(self, job: JobState) -> list[ProjectEvent]:
        """The job's result waits for its download URL (asked for by the client)."""
        job.result_pending = True
        self._url_wanted.append(job)
        return []

    # -- event intake --------------------------------------------------------------
    def handle(self, message_type: str, payload: Mapping[str, Any]) -> list[ProjectEvent]:
        """Apply one decoded socket event addressed to this project."""
        self.last_updated = self.clock()
        self.check_failures = 0
        if self.outcome is not None:
            # A finished project never moves again: late events cannot regress it.
            return []
        handler = _HANDLERS.get(message_type)
        return handler(self, payload) if handler else []

    def set_result_url(self, job_id: str, url: str | None) -> list[ProjectEvent]:
        """Record the download URL resolved for a job's result (``None`` if it failed)."""
        job = self.jobs.get(job_id)
        if job is None or not job.result_pending:
            return []
        job.result_pending = False
        job.result_url = url
        return self._job_finished(job)

    def set_preview_url(self, job_id: str, url: str) -> list[ProjectEvent]:
        """Record a preview image URL for a job."""
        job = self.jobs.get(job_id)
        if job is None:
            return []
        job.preview_url = url
        return [self._event("preview", job, url=url)]

    def cancel(self) -> list[ProjectEvent]:
        """Mark the project and its unfinished jobs canceled (after the cancel was sent)."""
        if self.outcome is not None:
            return []
        for job in self.jobs.values():
            if not job.finished:
                job.status = "canceled"
                job.result_pending = False
        self.status = "canceled"
        return [self._event("canceled")]

    def fail(self, error: JobError) -> list[ProjectEvent]:
        """Fail the project (and its unfinished jobs) for a client-side reason."""
        if self.outcome is not None:
            return []
        for job in self.jobs.values():
            if not job.finished:
                job.status = "failed"
                job.error = error
                job.result_pending = False
        self.status = "failed"
        self.error = error
        return [self._event("failed", code=error.code, message=error.message)]

    # -- keep-alive ------------------------------------------------------------------
    def next_check_at(self) -> float:
        """When the project, silent until then, should be checked with the network:
        ``keep_alive`` after the last news, sooner while failed checks are retried."""
        if self.check_failures:
            retry = CHECK_RETRY_BASE * 2.0 ** min(self.check_failures - 1, 16)
            return self.last_check + min(retry, self.keep_alive)
        return max(self.last_updated, self.last_check) + self.keep_alive

    def check_due(self, now: float) -> bool:
        """True when the unfinished project has been silent for ``keep_alive`` seconds."""
        return self.outcome is None and now >= self.next_check_at()

    def start_check(self, now: float) -> None:
        """Record that a keep-alive check starts now (the next is due ``keep_alive`` later)."""
        self.last_check = now

    def begin_check(self, now: float) -> bool:
        """Claim the project's one check in flight; False when one is under way already
        (it then runs once more when it ends, as its answer may predate this request).

        A claim older than ``keep_alive`` is taken as lost (its plan never ran).
        """
        since = self.checking_since
        if since is not None and now - since < self.keep_alive:
            self.recheck = True
            return False
        self.checking_since = now
        return True

    def end_check(self, now: float) -> bool:
        """Release the check in flight; True when another check must run now instead."""
        again = self.recheck and self.outcome is None
        self.recheck = False
        self.checking_since = now if again else None
        return again

    def check_failed(self) -> list[ProjectEvent]:
        """Count a check that could not reach the network's record (5xx, timeout, no
        connection); the next one comes sooner. The project itself is not touched."""
        if self.outcome is None:
            self.check_failures += 1
        return []

    def apply_snapshot(self, raw: Mapping[str, Any]) -> list[ProjectEvent]:
        """Bring the project up to date with the network's record of it (``RawProject``).

        Finished jobs of the record update the local jobs (jobs this client never heard
        of are added); the record's status then decides the project's.
        """
        self.last_updated = self.clock()
        self.check_failures = 0
        if self.outcome is not None:
            return []
        count = raw.get("imageCount")
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            self.number_of_media = count
        events: list[ProjectEvent] = []
        for raw_job in raw.get("completedWorkerJobs") or ():
            if isinstance(raw_job, Mapping) and raw_job.get("imgID"):
                events += self._apply_job_snapshot(raw_job)
        status = _SNAPSHOT_PROJECT_STATUS.get(str(raw.get("status")))
        if status == "completed":
            self.status = "completed"
            self._drop_unknown_jobs(raw)
            events += self._maybe_completed()
        elif status == "failed":
            reason = str(raw.get("reason") or "the network reported a failure")
            events += self.fail(JobError(0, reason))
        elif status == "canceled":
            events += self.cancel()
        elif status is not None and _ORDER[status] > _ORDER[self.status]:
            self.status = status
        self._recount_shares()
        return events

    def _drop_unknown_jobs(self, raw: Mapping[str, Any]) -> None:
        """Forget unfinished jobs the finished record does not list: events with a stray
        ``imgID`` must not keep a completed project waiting forever."""
        listed = {
            str(job.get("imgID")).upper()
            for key in ("completedWorkerJobs", "workerJobs")
            for job in raw.get(key) or ()
            if isinstance(job, Mapping) and job.get("imgID")
        }
        for job_id, job in list(self.jobs.items()):
            if job_id not in listed and not job.finished and not job.result_pending:
                del self.jobs[job_id]

    def _apply_job_snapshot(self, raw: Mapping[str, Any]) -> list[ProjectEvent]:
        img_id = str(raw["imgID"]).upper()
        job = self.jobs.get(img_id)
        if job is None:
            job = self.jobs[img_id] = JobState(id=img_id, step_count=self.steps or 0)
        worker = raw.get("worker")
        if isinstance(worker, Mapping) and isinstance(worker.get("name"), str):
            job.worker_name = worker["name"]
        if isinstance(raw.get("seedUsed"), int):
            job.seed = raw["seedUsed"]
        if job.finished or job.result_pending:
            return []
        performed = raw.get("performedSteps")
        if isinstance(performed, int) and not isinstance(performed, bool):
            job.step = performed
        job.set_safety(raw)
        status = _SNAPSHOT_JOB_STATUS.get(str(raw.get("status")))
        if status == "failed":
            job.status = "failed"
            job.error = JobError(0, str(raw.get("reason") or "the job failed"))
            return [self._event("job_failed", job, code=0, message=job.error.message)]
        if status != "completed":
            if status is not None:
                job.status = status
            return []
        job.status = "completed"
        direct = (
            raw.get("resultUrl")
            or raw.get("imageUrl")
            or raw.get("imageFile")
            or raw.get("videoUrl")
            or raw.get("videoFile")
        )
        if direct:
            job.result_url = str(direct)
            job.result_direct = True
        elif not job.is_withheld or self.disable_nsfw_filter:
            return self._want_url(job)
        return self._job_finished(job)

    # -- handlers ------------------------------------------------------------------
    def _job(self, payload: Mapping[str, Any]) -> JobState | None:
        img_id = payload.get("imgID")
        if not img_id or not isinstance(img_id, str):
            return None
        job = self.jobs.get(img_id)
        if job is None:
            if len(self.jobs) >= self.number_of_media:
                return None  # more jobs than the project has: a stray id, not a new job
            job = self.jobs[img_id] = JobState(id=img_id, step_count=self.steps or 0)
            self._update_share(job)
        return job

    def _on_job_state(self, payload: Mapping[str, Any]) -> list[ProjectEvent]:
        kind = payload.get("type")
        if kind == "queued":
            self.status = "queued"
            position = payload.get("queuePosition")
            if isinstance(position, int):
                self.queue_position = position
            return [
                self._event(
                    "queued", queue_position=self.queue_position, **self._queue_details(payload)
                )
            ]
        if kind in ("initiatingModel", "jobStarted"):
            self.queue_status = self.estimated_start_at = self.waiting_reason = None
            job = self._job(payload)
            if job is None or job.finished:
                return []
            job.status = "initiating" if kind == "initiatingModel" else "processing"
            job.worker_name = payload.get("workerName", job.worker_name)
            job.positive_prompt = payload.get("positivePrompt", job.positive_prompt)
            job.negative_prompt = payload.get("negativePrompt", job.negative_prompt)
            job.job_index = payload.get("jobIndex", job.job_index)
            if kind == "jobStarted":
                return [self._event("job_started", job, worker_name=job.worker_name)]
            return []
        if kind == "jobCompleted":
            self.status = "completed" if self.status != "failed" else self.status
            return self._maybe_completed()
        return []

    def _queue_details(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The start estimate, queue status and waiting reason of a ``queued`` state."""
        details: dict[str, Any] = {}
        start = payload.get("estimatedStartSeconds")
        seconds = _finite(start)
        if seconds is not None and seconds >= 0:
            self.estimated_start_at = self.clock() + seconds
            details["estimated_start_seconds"] = float(seconds)
        elif start is None and "estimatedStartSeconds" in payload:
            self.estimated_start_at = None  # the network cannot say
            details["estimated_start_seconds"] = None
        status = payload.get("queueStatus")
        if status in QUEUE_STATUSES:
            self.queue_status = details["queue_status"] = status
        reason = payload.get("waitingReason")
        if isinstance(reason, Mapping):
            code, message = reason.get("reason"), reason.get("message")
            if isinstance(code, str) and isinstance(message, str) and message.strip():
                self.waiting_reason = {"reason": code, "message": message[:600]}
                details["waiting_reason"] = dict(self.waiting_reason)
        return details

    def _on_progress(self, payload: Mapping[str, Any]) -> list[ProjectEvent]:
        job = self._job(payload)
        if self.status in ("pending", "queued"):
            self.status = "processing"
        if job is None or job.finished:
            return []
        job.status = "processing"
        step = _finite(payload.get("step"))
        if step is not None:
            job.step = max(int(step), job.step)
        step_count = _finite(payload.get("stepCount"))
        if step_count is not None and step_count >= 0:
            job.step_count = int(step_count)
        external = _finite(payload.get("progress"))
        if external is not None:
            job.external_progress = external
        job_progress = self._update_share(job)
        return [
            self._event(
                "progress",
                job,
                step=job.step,
                step_count=job.step_count,
                job_progress=job_progress,
                progress=self.progress,
                has_image=bool(payload.get("hasImage")),
                **_eta_range(payload),
            )
        ]

    def _on_eta(self, payload: Mapping[str, Any]) -> list[ProjectEvent]:
        job = self._job(payload)
        seconds = _finite(payload.get("etaSeconds"))
        if job is None or seconds is None:
            return []
        now = self.clock()
        job.eta = now + seconds
        if job.eta_started_at is None:
            job.eta_started_at = now
        self._update_share(job)
        return [self._event("eta", job, eta_seconds=float(seconds))]

    def _on_result(self, payload: Mapping[str, Any]) -> list[ProjectEvent]:
        job = self._job(payload)
        if job is None or job.finished or job.result_pending:
            return []
        performed = _finite(payload.get("performedStepCount"))
        if performed is not None:
            job.step = int(performed)
        elif job.step_count > 0:
            job.step = job.step_count
        try:
            job.seed = int(float(payload["lastSeed"]))
        except (KeyError, TypeError, ValueError, OverflowError):
            pass
        job.set_safety(payload)
        job.user_canceled = bool(payload.get("userCanceled"))
        direct = payload.get("resultUrl") or payload.get("videoUrl") or payload.get("videoFile")
        if job.user_canceled:
            job.status = "canceled"
            self._update_share(job)
            return self._job_finished(job)
        job.status = "completed"
        self._update_share(job)
        if direct:
            job.result_url = str(direct)
            job.result_direct = True
        elif not job.is_withheld or self.disable_nsfw_filter:
            return self._want_url(job)
        return self._job_finished(job)

    def _on_error(self, payload: Mapping[str, Any]) -> list[ProjectEvent]:
        code, original = map_error_code(payload.get("error"))
        error = JobError(code, str(payload.get("error_message") or ""), original)
        if not payload.get("imgID"):
            return self.fail(error)
        job = self._job(payload)
        if job is None or job.finished:
            return []
        job.status = "failed"
        job.error = error
        events = [self._event("job_failed", job, code=code, message=error.message)]
        jobs = list(self.jobs.values())
        all_failed = len(jobs) >= self.number_of_media and all(j.status == "failed" for j in jobs)
        if self.number_of_media == 1 or all_failed:
            self.status = "failed"
            self.error = error
            events.append(self._event("failed", code=code, message=error.message))
        else:
            events.extend(self._maybe_completed())
        return events

    # -- completion ----------------------------------------------------------------
    def _job_finished(self, job: JobState) -> list[ProjectEvent]:
        event_type = "job_completed" if job.status == "completed" else "job_failed"
        events = [
            self._event(
                event_type,
                job,
                result_url=job.result_url,
                seed=job.seed,
                is_nsfw=job.is_nsfw,
                nsfw_detected=job.nsfw_detected,
            )
        ]
        return events + self._maybe_completed()

    def _maybe_completed(self) -> list[ProjectEvent]:
        if self.status != "completed":
            return []
        jobs = list(self.jobs.values())
        if len(jobs) < self.number_of_media:
            return []
        if any(not job.finished or job.result_pending for job in jobs):
            return []
        if self.outcome is not None:
            return []
        return [self._event("completed", result_urls=self.result_urls)]

    def _event(self, event_type: str, job: JobState | None = None, **data: Any) -> ProjectEvent:
        event = ProjectEvent(event_type, self.id, job.id if job else None, data)
        self.history.append(event)
        if event.is_terminal:
            self.outcome = event
        return event


def _eta_range(payload: Mapping[str, Any]) -> dict[str, float]:
    """The range a progress update gives for the seconds left (``etaMin``, ``etaMax``)."""
    found = {}
    for key, name in (("etaMin", "eta_min_seconds"), ("etaMax", "eta_max_seconds")):
        seconds = _finite(payload.get(key))
        if seconds is not None and seconds >= 0:
            found[name] = float(seconds)
    return found


def snapshot_value(value: Any, depth: int = 0) -> Any:
    """``value`` made of plain JSON-able parts: attrs models become dicts with their
    snake_case field names (unset fields left out), mappings and sequences are copied,
    paths become strings, objects with a ``url`` (a remote asset) that URL, and anything
    else that JSON cannot hold (bytes, open files) ``None``."""
    if depth > 32:
        return None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if attrs.has(type(value)):
        url = getattr(value, "url", None)
        if isinstance(url, str) and len(attrs.fields(type(value))) == 1:
            return url
        fields = ((f.name, getattr(value, f.name)) for f in attrs.fields(type(value)))
        return {name: snapshot_value(item, depth + 1) for name, item in fields if item is not None}
    if isinstance(value, Mapping):
        return {str(key): snapshot_value(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [snapshot_value(item, depth + 1) for item in value]
    if isinstance(value, os.PathLike):
        return os.fsdecode(value)
    return None


_SNAPSHOT_PROJECT_STATUS: dict[str, ProjectStatus] = {
    "pending": "pending",
    "active": "queued",
    "assigned": "processing",
    "progress": "processing",
    "completed": "completed",
    "errored": "failed",
    "cancelled": "canceled",
}
_SNAPSHOT_JOB_STATUS: dict[str, JobStatus] = {
    "created": "pending",
    "queued": "pending",
    "assigned": "initiating",
    "initiatingModel": "initiating",
    "jobStarted": "processing",
    "jobProgress": "processing",
    "jobCompleted": "completed",
    "jobError": "failed",
}
_ORDER = {"pending": 0, "queued": 1, "processing": 2, "completed": 3, "failed": 3, "canceled": 3}

_HANDLERS: dict[str, Callable[[ProjectState, Mapping[str, Any]], list[ProjectEvent]]] = {
    "jobState": ProjectState._on_job_state,
    "jobProgress": ProjectState._on_progress,
    "jobETA": ProjectState._on_eta,
    "jobResult": ProjectState._on_result,
    "jobError": ProjectState._on_error,
}
