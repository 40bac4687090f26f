"""Plans of project recovery: the owner's live lookup of a project, the network's recovery
snapshot, reconciling what this client follows with it, the results of any of the
account's projects, the render history, and following a project another process started.

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
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote

import attrs

from sogni.core._generated.models import (
    JobResult,
    ProjectRecoverySnapshot,
    ProjectResolution,
    ProjectResult,
    ProjectSnapshot,
    ProjectStatusSnapshot,
    ProjectSyncResult,
    RecentProject,
    RecentRender,
    RecoveredProject,
)
from sogni.core.checks import choice, number, sequence, text
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall, Sleep
from sogni.core.errors import ApiError, SogniError, ValidationError
from sogni.core.js import is_integral
from sogni.core.media_types import result_content_type
from sogni.core.plans import Plan
from sogni.core.plans.account import me
from sogni.core.plans.projects import (
    _project_record,
    known_media,
    resolve_result_url,
    supported_models,
)
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
ACTIVE_PATH = "/api/v1/artist/projects/active"
HISTORY_PATH = "/v1/jobs/list"

#: Seconds a followed project may stay silent before an attached one is looked up again.
DEFAULT_POLL_INTERVAL = 5.0
#: A project sent this recently may not be in the network's snapshot yet: not missing.
RECENTLY_CREATED_GRACE = 5.0
#: Lookups of a project's stored record before it may be judged missing (the network
#: stores a finished project asynchronously), and the pause between them.
MISSING_PROJECT_ATTEMPTS = 4
MISSING_PROJECT_RETRY = 2.5
#: The error of a followed project nothing on the network knows any more.
PROJECT_LOST = JobError(
    0,
    "the network has no record of this project; it may have been interrupted by a restart, "
    "so send it again",
    "projectLost",
)
#: The render history's default and longest reach (milliseconds); a minute inside the
#: network's 7 days, so a slow clock cannot turn a 7-day request into a refusal.
RECENT_DEFAULT_WINDOW_MS = 24 * 3600 * 1000
RECENT_MAX_WINDOW_MS = 7 * 24 * 3600 * 1000 - 60 * 1000
RESULT_KINDS = ("image", "video", "audio", "model")

_PROJECT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_IN_FLIGHT = frozenset({"pending", "queued", "processing"})
_FORMAT_KINDS = {
    "png": "image", "jpg": "image", "jpeg": "image", "webp": "image",
    "mp4": "video", "mov": "video", "mp3": "audio", "wav": "audio", "flac": "audio",
    "glb": "model",
}  # fmt: skip


def _integer(value: Any) -> int | None:
    """A JSON integer as an ``int`` (``None`` for anything else)."""
    return int(value) if is_integral(value) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is an object, else an empty one (incoming fields may be anything)."""
    return value if isinstance(value, Mapping) else {}


# -- checks --------------------------------------------------------------------------
def check_project_id(value: Any, field: str = "project_id") -> str:
    """``value`` checked to be a project id: letters, digits, ``-`` and ``_`` (a UUID)."""
    if not isinstance(value, str) or not _PROJECT_ID.fullmatch(value):
        raise ValidationError(
            f"{field} must be a project id, got {value!r}",
            field=field,
            allowed="1-128 letters, digits, '-' or '_', e.g. a UUID",
        )
    return value


def _check_ids(values: Any) -> list[str]:
    ids = sequence(values, "project_ids")
    return list(dict.fromkeys(check_project_id(v, f"project_ids[{i}]") for i, v in enumerate(ids)))


# -- reading the network's views -------------------------------------------------------
def _status_raw(ctx: CoreContext, project_id: str) -> Plan[dict[str, Any]]:
    data = yield RestCall("GET", f"/v2/projects/{quote(project_id, safe='')}")
    raw = data.get("project") if isinstance(data, dict) else None
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise SogniError(f"the network sent a malformed status of project {project_id}")
    return raw


def _is_llm(raw: Mapping[str, Any]) -> bool:
    """Chat jobs share the network's project registry but are not media projects."""
    model = raw.get("model")
    return raw.get("jobType") == "llm" or (
        isinstance(model, Mapping) and model.get("type") == "llm"
    )


def _entries(body: Any, key: str) -> list[dict[str, Any]]:
    """The snapshot's list ``key``: objects with an id, in order."""
    items = body.get(key) if isinstance(body, Mapping) else None
    return [
        item
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]
    ]


def _recovered(raw: Mapping[str, Any]) -> RecoveredProject | None:
    try:
        return from_wire(RecoveredProject, raw)
    except SogniError:
        return None  # a malformed entry is left out rather than failing the whole answer


def _media_projects(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The media projects among snapshot entries, each id once."""
    seen: set[str] = set()
    kept = []
    for raw in entries:
        if not _is_llm(raw) and raw["id"] not in seen:
            seen.add(raw["id"])
            kept.append(raw)
    return kept


def get_status(ctx: CoreContext, project_id: str) -> Plan[ProjectStatusSnapshot]:
    """The owner's live lookup of one of the account's projects (``GET /v2/projects/{id}``)."""
    raw = yield from _status_raw(ctx, check_project_id(project_id))
    return from_wire(ProjectStatusSnapshot, raw)


def list_elsewhere(ctx: CoreContext) -> Plan[list[RecoveredProject]]:
    """The account's running projects that other app ids started (other processes, devices
    or apps), from the recovery snapshot of every app id."""
    body = yield RestCall("GET", SYNC_PATH, host="socket", envelope=False)
    own = ctx.config.app_id
    found = []
    for raw in _media_projects(_entries(body, "activeProjects")):
        if isinstance(raw.get("appId"), str) and raw["appId"] != own:
            recovered = _recovered(raw)
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
        performed = _integer(job.get("performedSteps"))
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
    model = _mapping(raw.get("model"))
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
    model = _mapping(raw.get("model"))
    jobs = raw.get("workerJobs") or raw.get("completedWorkerJobs") or ()
    count = _integer(raw.get("imageCount"))
    output_format = request.get("outputFormat")
    state = ProjectState(
        id=str(raw["id"]),
        model_id=str(model.get("id") or ""),
        media=media,
        number_of_media=count if count is not None and count > 0 else max(1, len(jobs)),
        steps=_integer(raw.get("stepCount")),
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
    raw = yield from _status_raw(ctx, project_id)
    return (yield from _follow(ctx, raw, keep_alive=float(interval)))


def check_attached(ctx: CoreContext, state: ProjectState) -> Plan[None]:
    """Catch up with a followed project this client did not send, from the live lookup.

    A lookup that fails (5xx, timeout, no connection) only brings the next one sooner; a
    404 is the network's word that the account has no such project, and fails it as lost.
    """
    try:
        raw = yield from _status_raw(ctx, state.id)
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


# -- projects the snapshot did not list ------------------------------------------------------
Resolved = dict[str, tuple[ProjectResolution, Mapping[str, Any] | None]]


def _unknown(error: SogniError | str) -> tuple[ProjectResolution, None]:
    message = error if isinstance(error, str) else error.message
    return ProjectResolution(state="unknown", error=message), None


def _live_ids(ctx: CoreContext) -> Plan[set[str] | None]:
    """Upper-cased ids of the account's running projects; ``None`` when unknown."""
    try:
        body = yield RestCall("GET", ACTIVE_PATH, host="socket", envelope=False)
    except SogniError:
        return None
    projects = body.get("projects") if isinstance(body, Mapping) else None
    if not isinstance(projects, list):
        return None
    return {
        p["id"].upper() for p in projects if isinstance(p, Mapping) and isinstance(p.get("id"), str)
    }


def _lookup(
    ctx: CoreContext, project_id: str
) -> Plan[tuple[ProjectResolution, Mapping[str, Any] | None] | None]:
    """The live lookup's word on a project nothing else lists; ``None`` when it has none."""
    try:
        raw = yield from _status_raw(ctx, project_id)
    except ApiError as exc:
        return None if exc.status == 404 else _unknown(exc)
    except SogniError as exc:
        return _unknown(exc)
    if str(raw["id"]).upper() != project_id.upper():
        return None
    status, finished = raw.get("status"), raw.get("finished") is True
    if not finished and status in _IN_FLIGHT:
        return ProjectResolution(state="active"), None
    if finished and status in ("failed", "canceled"):
        return ProjectResolution(
            state="terminal", status=from_wire(ProjectStatusSnapshot, raw)
        ), raw
    if finished:
        return _unknown("the project finished but its full record is not available yet")
    return None


def _resolve(
    ctx: CoreContext, project_ids: Sequence[str], attempts: int, delay: float
) -> Plan[Resolved]:
    result: Resolved = {}
    pending = list(project_ids)
    for attempt in range(attempts):
        if not pending:
            break
        if attempt:
            yield Sleep(delay)
        still_missing = []
        for project_id in pending:
            try:
                raw = yield from _project_record(ctx, project_id)
            except ApiError as exc:
                if exc.status == 404:
                    still_missing.append(project_id)
                else:
                    result[project_id] = _unknown(exc)
            except SogniError as exc:
                result[project_id] = _unknown(exc)
            else:
                record = from_wire(ProjectSnapshot, raw)
                result[project_id] = ProjectResolution(state="finished", project=record), raw
        pending = still_missing
    if not pending:
        return result
    # The last word is the socket's: a project registered after the snapshot is running.
    live = yield from _live_ids(ctx)
    for project_id in pending:
        if live is not None and project_id.upper() in live:
            result[project_id] = ProjectResolution(state="active"), None
            continue
        check = yield from _lookup(ctx, project_id)
        if check is not None:
            result[project_id] = check
        elif live is None:
            result[project_id] = _unknown("the list of running projects is not available")
        elif ctx.delivery.pending_request("jobRequest", project_id) and ctx.delivery.resend_request(
            "jobRequest", project_id
        ):
            # Sent on a connection that dropped before the network had it: sent again.
            result[project_id] = ProjectResolution(state="active"), None
        else:
            result[project_id] = ProjectResolution(state="lost"), None
    return result


def resolve_missing(
    ctx: CoreContext,
    project_ids: Sequence[str],
    *,
    attempts: int = MISSING_PROJECT_ATTEMPTS,
    delay: float = MISSING_PROJECT_RETRY,
) -> Plan[dict[str, ProjectResolution]]:
    """What the network knows of projects a snapshot did not list: the stored record
    (asked ``attempts`` times, ``delay`` seconds apart, as the network stores a finished
    project asynchronously), then the running list and the live lookup."""
    ids = _check_ids(project_ids)
    tries = int(number(attempts, "attempts", minimum=1, maximum=20, integer=True))
    pause = float(number(delay, "delay", minimum=0, maximum=60))
    resolved = yield from _resolve(ctx, ids, tries, pause)
    return {project_id: resolved[project_id][0] for project_id in ids}


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
    active_raw = _entries(body, "activeProjects")
    finished_raw = _entries(body, "unclaimedCompletedProjects")
    server_time = body.get("serverTime") if isinstance(body, Mapping) else None
    snapshot = ProjectRecoverySnapshot(
        active_projects=[p for p in map(_recovered, active_raw) if p is not None],
        unclaimed_completed_projects=[p for p in map(_recovered, finished_raw) if p is not None],
        server_time=_integer(server_time),
    )
    following = ctx.registry if isinstance(ctx.registry, Following) else None
    lists: dict[str, list[str]] = {"active": [], "completed": [], "lost": [], "unverified": []}
    recovered_active: list[RecoveredProject] = []
    recovered_completed: list[RecoveredProject] = []
    seen: set[str] = set()
    for raw, running in [*((r, True) for r in _media_projects(active_raw)),
                         *((r, False) for r in _media_projects(finished_raw))]:  # fmt: skip
        if raw["id"].upper() in seen:
            continue
        seen.add(raw["id"].upper())
        state = ctx.registry.project(raw["id"])
        if state is None and following is not None and following.finished_before(raw["id"]):
            continue  # it finished here already
        if state is not None:
            if not state.finished:
                ctx.delivery.confirm_request("jobRequest", state.id)  # the network has it
                yield from _catch_up(ctx, state, raw, in_flight=True)
                lists["active" if running else "completed"].append(state.id)
            continue
        recovered = _recovered(raw)
        if recovered is None:
            continue
        if running:
            yield from _follow(ctx, raw, keep_alive=ctx.project_keep_alive)
            recovered_active.append(recovered)
        elif following is not None:
            following.remember_finished(raw["id"])  # reported once per client
            state = yield from _follow(ctx, raw, keep_alive=ctx.project_keep_alive)
            recovered_completed.append(attrs.evolve(recovered, result_urls=state.result_urls))
    tracked = [s for s, _ in following.tracked()] if following is not None else []
    # Attached projects are not this app id's to list; their own lookups keep them current.
    missing = [
        s
        for s in tracked
        if s.outcome is None
        and not s.attached
        and s.id.upper() not in seen
        and s.created_at <= requested_at - RECENTLY_CREATED_GRACE
    ]
    if missing:
        resolved = yield from _resolve(
            ctx, [s.id for s in missing], MISSING_PROJECT_ATTEMPTS, MISSING_PROJECT_RETRY
        )
        for state in missing:
            verdict = yield from _settle(ctx, state, *resolved[state.id])
            if verdict is not None:
                lists[verdict].append(state.id)
    return ProjectSyncResult(
        reason="manual",
        snapshot=snapshot,
        active=lists["active"],
        completed=lists["completed"],
        lost=lists["lost"],
        unverified=lists["unverified"],
        recovered_active=recovered_active,
        recovered_completed=recovered_completed,
    )


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


# -- results ---------------------------------------------------------------------------------
def _job_status(job: Mapping[str, Any]) -> str:
    status = job.get("status")
    if status == "jobCompleted":
        return "completed"
    if status == "jobError":
        return "canceled" if job.get("reason") == "artistCanceled" else "failed"
    return status if isinstance(status, str) and status else "unknown"


def _job_format(job: Mapping[str, Any]) -> str | None:
    stored = _mapping(job.get("result"))
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
    status = _job_status(job)
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
            model = _mapping(raw.get("model"))
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
    raw = yield from _status_raw(ctx, project_id)
    model = _mapping(raw.get("model"))
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


# -- the render history -------------------------------------------------------------------------
def _since_ms(since: Any, now_ms: int) -> int:
    if since is None:
        return now_ms - RECENT_DEFAULT_WINDOW_MS
    if isinstance(since, datetime):
        aware = since if since.tzinfo is not None else since.astimezone()
        return int(aware.timestamp() * 1000)
    if isinstance(since, bool) or not isinstance(since, (int, float)):
        raise ValidationError(
            f"since must be a datetime or milliseconds since the epoch, got {since!r}",
            field="since",
            allowed="a datetime, or milliseconds since the epoch (time.time() * 1000)",
        )
    return int(number(since, "since", minimum=0))


def list_recent(
    ctx: CoreContext,
    *,
    since: datetime | float | None = None,
    limit: int | None = None,
    app_source: str | None = None,
) -> Plan[list[RecentProject]]:
    """The account's recently finished projects that produced media, newest first, from
    the network's durable history (``GET /v1/jobs/list``): also those that finished while
    no client was connected. ``since`` defaults to 24 hours ago and reaches back 7 days at
    most; ``limit`` is how many renders to read (1-100, default 50)."""
    now_ms = int(ctx.clock() * 1000)
    oldest = max(_since_ms(since, now_ms), now_ms - RECENT_MAX_WINDOW_MS)
    count = (
        50 if limit is None else int(number(limit, "limit", minimum=1, maximum=100, integer=True))
    )
    if app_source is not None:
        text(app_source, "app_source")
    address = ctx.account.wallet_address
    if address is None:
        address = (yield from me(ctx)).wallet_address
    if not address:
        raise SogniError("the render history needs a signed-in account")
    query: dict[str, Any] = {
        "role": "artist",
        "address": address,
        "state": "completed",
        "mediaOnly": "true",
        "since": oldest,
        "limit": count,
    }
    if app_source:
        query["appSource"] = app_source
    data = yield RestCall("GET", HISTORY_PATH, query=query)
    records = data.get("jobs") if isinstance(data, Mapping) else None
    projects: dict[str, dict[str, Any]] = {}
    for job in records if isinstance(records, list) else ():
        parent = job.get("parentRequest") if isinstance(job, Mapping) else None
        if not isinstance(parent, Mapping) or not isinstance(parent.get("id"), str):
            continue
        project = projects.get(parent["id"])
        if project is None:
            model = _mapping(parent.get("model"))
            project = projects[parent["id"]] = {
                "id": parent["id"],
                "model_id": model.get("id") or None,
                "model_name": model.get("name") or None,
                "app_source": parent.get("appSource") or None,
                "finished_at": None,
                "jobs": [],
            }
        end = job.get("endTime")
        finished_at = int(end) if is_integral(end) and end > 0 else None
        project["jobs"].append(
            RecentRender(
                id=str(job.get("imgID") or job.get("id")),
                status=_job_status(job),
                sensitive_content_withheld=job.get("triggeredNSFWFilter") is True
                and job.get("nsfwDetected") is not True,
                finished_at=finished_at,
            )
        )
        if finished_at and finished_at > (project["finished_at"] or 0):
            project["finished_at"] = finished_at
    ordered = sorted(projects.values(), key=lambda p: p["finished_at"] or 0, reverse=True)
    return [RecentProject(**project) for project in ordered]
