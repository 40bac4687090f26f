"""Plans of project recovery: the owner's live lookup of a project, the network's recovery
snapshot, reconciling what this client follows with it, and following a project another
process started. The results of any of the account's projects (:mod:`.results`) and the
render history (:mod:`.history`) are re-exported here.

A server-side view of a project (a recovered project, a status lookup, a stored record)
reaches a :class:`~sogni.core.projects.ProjectState` the way live news does: as the socket
events it missed, replayed through the state's own handlers (:func:`replay`). So callbacks,
event iterators and waiters see what a live connection would have delivered, and nothing
ever moves backwards.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import attrs

from sogni.core._generated.models import (
    ProjectRecoverySnapshot,
    ProjectResolution,
    ProjectStatusSnapshot,
    ProjectSyncResult,
    RecoveredProject,
)
from sogni.core.checks import number
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import ApiError, SogniError
from sogni.core.js import is_integral
from sogni.core.plans import Plan
from sogni.core.plans.history import list_recent
from sogni.core.plans.missing_projects import (
    MISSING_PROJECT_ATTEMPTS,
    MISSING_PROJECT_RETRY,
    resolve,
    resolve_missing,
)
from sogni.core.plans.models import known_media, supported_models
from sogni.core.plans.project_lookup import (
    check_project_id,
    entries,
    integer,
    mapping,
    media_projects,
    recovered_project,
    status_raw,
)
from sogni.core.plans.projects import resolve_result_url
from sogni.core.plans.results import get_result
from sogni.core.projects import JobError, JobState, ProjectEvent, ProjectState
from sogni.core.video import is_audio_model, is_video_model
from sogni.core.wire import from_wire

__all__ = [
    "DEFAULT_POLL_INTERVAL",
    "PROJECT_LOST",
    "attach",
    "check_attached",
    "check_project_id",
    "get_result",
    "get_status",
    "list_elsewhere",
    "list_recent",
    "replay",
    "resolve_missing",
    "sync",
]

SYNC_PATH = "/api/v1/artist/projects/sync"

#: Seconds a followed project may stay silent before an attached one is looked up again.
DEFAULT_POLL_INTERVAL = 5.0
#: A project sent this recently may not be in the network's snapshot yet: not missing.
RECENTLY_CREATED_GRACE = 5.0
#: The error of a followed project nothing on the network knows any more.
PROJECT_LOST = JobError(
    0,
    "the network has no record of this project; it may have been interrupted by a restart, "
    "so send it again",
    "projectLost",
)


# -- reading the network's views -------------------------------------------------------
def get_status(ctx: CoreContext, project_id: str) -> Plan[ProjectStatusSnapshot]:
    """The owner's live lookup of one of the account's projects (``GET /v2/projects/{id}``)."""
    raw = yield from status_raw(ctx, check_project_id(project_id))
    return from_wire(ProjectStatusSnapshot, raw)


def list_elsewhere(ctx: CoreContext) -> Plan[list[RecoveredProject]]:
    """The account's running projects that other app ids started (other processes, devices
    or apps), from the recovery snapshot of every app id."""
    body = yield RestCall("GET", SYNC_PATH, host="socket", envelope=False)
    own = ctx.config.app_id
    found = []
    for raw in media_projects(entries(body, "activeProjects")):
        if isinstance(raw.get("appId"), str) and raw["appId"] != own:
            recovered = recovered_project(raw)
            if recovered is not None:
                found.append(recovered)
    return found


# -- replaying a server-side view into a project ------------------------------------------
def replay(state: ProjectState, raw: Mapping[str, Any], *, in_flight: bool) -> list[ProjectEvent]:
    """Bring ``state`` up to date with a server-side view of it by feeding it the socket
    events it missed; returns the events. ``in_flight`` also replays unfinished jobs
    (their start and progress), not only finished ones. Run it under the registry's lock.
    """
    if state.output_format is None:
        state.output_format = _output_format(raw)
    step_count = raw.get("stepCount") if is_integral(raw.get("stepCount")) else state.steps
    jobs = [
        *(raw.get("workerJobs") or () if in_flight else ()),
        *(raw.get("completedWorkerJobs") or ()),
    ]
    events: list[ProjectEvent] = []
    seen: set[str] = set()
    for job in jobs:
        img_id = job.get("imgID") if isinstance(job, Mapping) else None
        if isinstance(img_id, str) and img_id and img_id not in seen:
            seen.add(img_id)
            events += _replay_job(state, img_id, job, in_flight, step_count)
    if state.outcome is None:
        events += _replay_status(state, raw)
    return events


def _output_format(raw: Mapping[str, Any]) -> str | None:
    for key in ("completedWorkerJobs", "workerJobs"):
        for job in raw.get(key) or ():
            value = job.get("outputFormat") if isinstance(job, Mapping) else None
            if isinstance(value, str) and value:
                return value.lower()
    return None


def _replay_job(
    state: ProjectState, img_id: str, job: Mapping[str, Any], in_flight: bool, steps: Any
) -> list[ProjectEvent]:
    local = state.jobs.get(img_id)
    if local is not None and (local.finished or local.result_pending):
        return []
    ids = {"jobID": state.id, "imgID": img_id}
    status, reason = job.get("status"), job.get("reason")
    if status == "jobCompleted" or (status == "jobError" and reason == "artistCanceled"):
        result: dict[str, Any] = {
            **ids,
            "triggeredNSFWFilter": job.get("triggeredNSFWFilter") is True,
            "userCanceled": reason == "artistCanceled",
        }
        if is_integral(job.get("performedSteps")):
            result["performedStepCount"] = job["performedSteps"]
        if is_integral(job.get("seedUsed")):
            result["lastSeed"] = str(int(job["seedUsed"]))
        if isinstance(job.get("resultUrl"), str) and job["resultUrl"]:
            result["resultUrl"] = job["resultUrl"]
        return state.handle("jobResult", result)
    if status == "jobError":
        why = reason if isinstance(reason, str) and reason else "genfailure"
        return state.handle(
            "jobError", {**ids, "isFromWorker": True, "error": why, "error_message": why}
        )
    if not in_flight:
        return []
    worker = job.get("worker")
    name = (worker.get("username") or worker.get("name")) if isinstance(worker, Mapping) else None
    started = {**ids, **({"workerName": name} if isinstance(name, str) and name else {})}
    events: list[ProjectEvent] = []
    if status in ("assigned", "initiatingModel"):
        if local is None or local.status == "pending":
            events += state.handle("jobState", {"type": "initiatingModel", **started})
    elif status in ("jobStarted", "jobProgress"):
        if local is None or local.status in ("pending", "initiating"):
            events += state.handle("jobState", {"type": "jobStarted", **started})
        local = state.jobs.get(img_id)
        performed = integer(job.get("performedSteps"))
        if local is not None and performed is not None and performed > local.step:
            progress = {**ids, "step": performed}
            if is_integral(steps):
                progress["stepCount"] = steps
            events += state.handle("jobProgress", progress)
    return events


def _replay_status(state: ProjectState, raw: Mapping[str, Any]) -> list[ProjectEvent]:
    """The project's own status, after its jobs (raw or normalised names)."""
    status = raw.get("status")
    if status == "completed":
        return state.handle("jobState", {"type": "jobCompleted", "jobID": state.id})
    if status in ("errored", "failed"):
        reason = raw.get("reason")
        why = (
            reason
            if isinstance(reason, str) and reason not in ("", "allJobsCompleted")
            else ("genfailure")
        )
        error = {"isFromWorker": True, "error": why, "error_message": why}
        events: list[ProjectEvent] = []
        for job in list(state.jobs.values()):
            if not job.finished and not job.result_pending:
                events += state.handle("jobError", {"jobID": state.id, "imgID": job.id, **error})
        return events + state.handle("jobError", {"jobID": state.id, **error})
    if status in ("cancelled", "canceled"):
        return state.cancel()
    if status in ("queued", "active") and state.status == "pending":
        return state.handle("jobState", {"type": "queued", "jobID": state.id})
    if status in ("assigned", "progress", "processing") and state.status in ("pending", "queued"):
        state.status = "processing"
    return []


def _catch_up(
    ctx: CoreContext, state: ProjectState, raw: Mapping[str, Any], *, in_flight: bool
) -> Plan[None]:
    """Replay ``raw`` into ``state`` and fetch the download URLs of jobs it finished."""
    pending: list[JobState] = []

    def change() -> list[ProjectEvent]:
        events = replay(state, raw, in_flight=in_flight)
        pending.extend(state.take_result_requests())
        return events

    ctx.registry.apply(state, change)
    for job in pending:
        try:
            yield from resolve_result_url(ctx, state, job)
        except SogniError:
            pass  # the job keeps no URL, as when a live result's URL request fails


def _touch(state: ProjectState) -> list[ProjectEvent]:
    """News of the project without a change: its keep-alive starts again."""
    state.last_updated = state.clock()
    return []


# -- following a project ------------------------------------------------------------------
def _decoded_request(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The original ``jobRequest`` of a recovered project (``{}`` when absent or unreadable)."""
    encoded = raw.get("clientRequestData")
    if not isinstance(encoded, str) or not encoded:
        return {}
    try:
        decoded = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _media_of(ctx: CoreContext, raw: Mapping[str, Any]) -> Plan[str]:
    """``image``, ``video`` or ``audio``: the view's word, else the catalogue's, else the
    model id's family."""
    model = mapping(raw.get("model"))
    declared = raw.get("modelType") or model.get("type")
    if declared in ("video", "audio", "image"):
        return str(declared)
    if declared == "music":
        return "audio"
    model_id = model.get("id")
    if not isinstance(model_id, str) or not model_id:
        return "image"
    try:
        yield from supported_models(ctx)  # cached: fills the catalogue known_media reads
    except SogniError:
        pass
    media = known_media(ctx, model_id)
    if media is not None:
        return media
    return "video" if is_video_model(model_id) else "audio" if is_audio_model(model_id) else "image"


def _follow(ctx: CoreContext, raw: Mapping[str, Any], *, keep_alive: float) -> Plan[ProjectState]:
    """Track a project this client did not send, built from a server-side view of it."""
    media = yield from _media_of(ctx, raw)
    request = _decoded_request(raw)
    model = mapping(raw.get("model"))
    jobs = raw.get("workerJobs") or raw.get("completedWorkerJobs") or ()
    count = integer(raw.get("imageCount"))
    output_format = request.get("outputFormat")
    state = ProjectState(
        id=str(raw["id"]),
        model_id=str(model.get("id") or ""),
        media=media,
        number_of_media=count if count is not None and count > 0 else max(1, len(jobs)),
        steps=integer(raw.get("stepCount")),
        output_format=output_format.lower() if isinstance(output_format, str) else None,
        disable_nsfw_filter=request.get("disableSafety") is True,
        clock=ctx.clock,
        keep_alive=keep_alive,
        attached=True,
    )
    ctx.registry.track(state)
    yield from _catch_up(ctx, state, raw, in_flight=True)
    return state


def attach(
    ctx: CoreContext, project_id: str, *, poll_interval: float = DEFAULT_POLL_INTERVAL
) -> Plan[ProjectState]:
    """Follow one of the account's projects, wherever it was started: built from the live
    lookup, then kept current by socket events (when the network sends them here) and by
    a lookup whenever it was silent for ``poll_interval`` seconds. A project this client
    follows already is returned as it is."""
    project_id = check_project_id(project_id)
    interval = number(poll_interval, "poll_interval", minimum=0.05, maximum=3600.0)
    known = ctx.registry.project(project_id)
    if known is not None:
        return known
    raw = yield from status_raw(ctx, project_id)
    return (yield from _follow(ctx, raw, keep_alive=float(interval)))


def check_attached(ctx: CoreContext, state: ProjectState) -> Plan[None]:
    """Catch up with a followed project this client did not send, from the live lookup.

    A lookup that fails (5xx, timeout, no connection) only brings the next one sooner; a
    404 is the network's word that the account has no such project, and fails it as lost.
    """
    try:
        raw = yield from status_raw(ctx, state.id)
    except ApiError as exc:
        if exc.status == 404:
            ctx.registry.apply(state, lambda: state.fail(PROJECT_LOST))
        else:
            ctx.registry.apply(state, state.check_failed)
        return
    except SogniError:
        ctx.registry.apply(state, state.check_failed)
        return
    yield from _catch_up(ctx, state, raw, in_flight=True)


# -- reconciling -------------------------------------------------------------------------------
@runtime_checkable
class Following(Protocol):
    """What :func:`sync` needs of the registry besides :class:`~sogni.core.context.Registry`:
    the projects it follows, and the ones that finished here already."""

    def tracked(self) -> list[tuple[ProjectState, Any]]:
        """The projects followed now, each with its view."""
        ...

    def remember_finished(self, project_id: str) -> None:
        """Note that a project finished here (or was reported by a sync)."""
        ...

    def finished_before(self, project_id: str) -> bool:
        """Whether a project finished here."""
        ...


def sync(ctx: CoreContext) -> Plan[ProjectSyncResult]:
    """Reconcile the projects this client follows with the network's snapshot for its app
    id: running ones are brought up to date, those that finished meanwhile get their
    results, those the network no longer lists are looked up (and failed as lost when
    nothing knows them). Projects of this app id it did not follow are followed from now on.
    """
    requested_at = ctx.clock()
    body = yield RestCall(
        "GET", SYNC_PATH, host="socket", query={"appId": ctx.config.app_id}, envelope=False
    )
    active_raw = entries(body, "activeProjects")
    finished_raw = entries(body, "unclaimedCompletedProjects")
    server_time = body.get("serverTime") if isinstance(body, Mapping) else None
    snapshot = ProjectRecoverySnapshot(
        active_projects=[p for p in map(recovered_project, active_raw) if p is not None],
        unclaimed_completed_projects=[
            p for p in map(recovered_project, finished_raw) if p is not None
        ],
        server_time=integer(server_time),
    )
    outcome = _SyncOutcome()
    for raw, running in [*((r, True) for r in media_projects(active_raw)),
                         *((r, False) for r in media_projects(finished_raw))]:  # fmt: skip
        if raw["id"].upper() not in outcome.seen:
            outcome.seen.add(raw["id"].upper())
            yield from _reconcile(ctx, outcome, raw, running)
    yield from _settle_missing(ctx, outcome, requested_at)
    return ProjectSyncResult(
        reason="manual",
        snapshot=snapshot,
        active=outcome.lists["active"],
        completed=outcome.lists["completed"],
        lost=outcome.lists["lost"],
        unverified=outcome.lists["unverified"],
        recovered_active=outcome.recovered_active,
        recovered_completed=outcome.recovered_completed,
    )


@attrs.define
class _SyncOutcome:
    """What a sync found so far: project ids by verdict, and the projects it recovered."""

    lists: dict[str, list[str]] = attrs.Factory(
        lambda: {"active": [], "completed": [], "lost": [], "unverified": []}
    )
    recovered_active: list[RecoveredProject] = attrs.Factory(list)
    recovered_completed: list[RecoveredProject] = attrs.Factory(list)
    seen: set[str] = attrs.Factory(set)  # upper-cased ids the snapshot listed


def _following(ctx: CoreContext) -> Following | None:
    return ctx.registry if isinstance(ctx.registry, Following) else None


def _reconcile(
    ctx: CoreContext, outcome: _SyncOutcome, raw: Mapping[str, Any], running: bool
) -> Plan[None]:
    """Bring one project of the snapshot up to date, or start following it."""
    following = _following(ctx)
    state = ctx.registry.project(raw["id"])
    if state is None and following is not None and following.finished_before(raw["id"]):
        return  # it finished here already
    if state is not None:
        if not state.finished:
            ctx.delivery.confirm_request("jobRequest", state.id)  # the network has it
            yield from _catch_up(ctx, state, raw, in_flight=True)
            outcome.lists["active" if running else "completed"].append(state.id)
        return
    recovered = recovered_project(raw)
    if recovered is None:
        return
    if running:
        yield from _follow(ctx, raw, keep_alive=ctx.project_keep_alive)
        outcome.recovered_active.append(recovered)
    elif following is not None:
        following.remember_finished(raw["id"])  # reported once per client
        state = yield from _follow(ctx, raw, keep_alive=ctx.project_keep_alive)
        outcome.recovered_completed.append(attrs.evolve(recovered, result_urls=state.result_urls))


def _settle_missing(ctx: CoreContext, outcome: _SyncOutcome, requested_at: float) -> Plan[None]:
    """Look up the followed projects the snapshot did not list, and settle them."""
    following = _following(ctx)
    tracked = [s for s, _ in following.tracked()] if following is not None else []
    # Attached projects are not this app id's to list; their own lookups keep them current.
    missing = [
        s
        for s in tracked
        if s.outcome is None
        and not s.attached
        and s.id.upper() not in outcome.seen
        and s.created_at <= requested_at - RECENTLY_CREATED_GRACE
    ]
    if not missing:
        return
    resolved = yield from resolve(
        ctx, [s.id for s in missing], MISSING_PROJECT_ATTEMPTS, MISSING_PROJECT_RETRY
    )
    for state in missing:
        verdict = yield from _settle(ctx, state, *resolved[state.id])
        if verdict is not None:
            outcome.lists[verdict].append(state.id)


def _settle(
    ctx: CoreContext,
    state: ProjectState,
    resolution: ProjectResolution,
    raw: Mapping[str, Any] | None,
) -> Plan[str | None]:
    """Apply a resolution to a followed project; the :class:`ProjectSyncResult` list it
    belongs in (``None`` when a live event settled it meanwhile)."""
    if state.finished:
        return None
    if resolution.state in ("finished", "terminal") and raw is not None:
        yield from _catch_up(ctx, state, raw, in_flight=resolution.state == "terminal")
        return "completed" if state.finished else "active"
    if resolution.state == "active":
        ctx.registry.apply(state, lambda: _touch(state))
        return "active"
    if resolution.state == "lost":
        ctx.registry.apply(state, lambda: state.fail(PROJECT_LOST))
        return "lost"
    return "unverified"
