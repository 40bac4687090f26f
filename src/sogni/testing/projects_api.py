"""The network's views of projects, consistent with the socket events.

REST host: ``GET /v1/projects/{id}`` (the record, any account), ``GET /v2/projects/{id}`` (the
owner's live lookup, also while queued or rendering) and ``GET /v1/jobs/list`` (the account's
finished renders). Socket host: ``GET /api/v1/artist/projects/sync`` (the recovery snapshot:
one app id's projects, or with no ``appId`` the account's running projects of every app id)
and ``GET /api/v1/artist/projects/active`` (ids of the account's running projects).
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from . import envelope
from .clock import now_ms
from .project_records import ProjectRecord
from .routing import Route
from .state import STATE, SupernetState, caller

__all__ = ["ROUTES", "SYNC_LIMIT", "SYNC_WINDOW"]

#: Recovery snapshots an account may read per :data:`SYNC_WINDOW` seconds.
SYNC_LIMIT = 20
SYNC_WINDOW = 10.0
#: How far back ``/v1/jobs/list`` reaches for media-only lookups (milliseconds).
HISTORY_MS = 7 * 24 * 3600 * 1000
MAX_LIST_LIMIT = 100


def _own_project(request: web.Request) -> ProjectRecord | None:
    """The project named in the path, if the caller's account started it."""
    project = request.app[STATE].simulator.projects.get(request.match_info["project_id"].upper())
    if project is None or not project.owned_by(caller(request).address):
        return None
    return project


async def get_project(request: web.Request) -> web.Response:
    """``{status: success, data: {project: RawProject}}``, or a 404 envelope."""
    project_id = request.match_info["project_id"]
    project = request.app[STATE].simulator.projects.get(project_id.upper())
    if project is None:
        return envelope.error(404, f"Project {project_id} not found")
    return envelope.success({"project": project.raw_project()})


async def get_project_status(request: web.Request) -> web.Response:
    """``{data: {project: ProjectStatusSnapshot}}``; another account's project is a 404."""
    project = _own_project(request)
    if project is None:
        return envelope.error(404, f"Project {request.match_info['project_id']} not found")
    return envelope.success({"project": project.status_snapshot()})


def _over_limit(state: SupernetState, address: str) -> float | None:
    """Seconds until the account may read the snapshot again, or ``None`` when it may now."""
    now = time.monotonic()
    calls = [t for t in state.sync_calls.get(address.lower(), []) if now - t < SYNC_WINDOW]
    if len(calls) >= SYNC_LIMIT:
        state.sync_calls[address.lower()] = calls
        return SYNC_WINDOW - (now - calls[0])
    state.sync_calls[address.lower()] = [*calls, now]
    return None


async def projects_sync(request: web.Request) -> web.Response:
    """The recovery snapshot: ``{activeProjects, unclaimedCompletedProjects, serverTime}``.

    With ``appId``: that app id's running projects, and those that finished within the hour
    while it had no socket. Without: the account's running projects of every app id.
    """
    state = request.app[STATE]
    account = caller(request)
    wait = _over_limit(state, account.address)
    if wait is not None:
        response = envelope.error(429, "Too many project sync requests")
        response.headers["Retry-After"] = str(max(1, round(wait)))
        return response
    app_id = request.query.get("appId") or None
    simulator = state.simulator
    active = simulator.active(account.address, app_id)
    unclaimed = simulator.unclaimed(account.address, app_id) if app_id else []
    return envelope.raw(
        {
            "activeProjects": [p.recovered_project() for p in active],
            "unclaimedCompletedProjects": [p.recovered_project() for p in unclaimed],
            "serverTime": now_ms(),
        }
    )


async def active_projects(request: web.Request) -> web.Response:
    """``{projects: [{id, status}]}``: the account's running projects, queued ones too."""
    projects = request.app[STATE].simulator.active(caller(request).address)
    return envelope.raw({"projects": [{"id": p.id, "status": p.status} for p in projects]})


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


async def jobs_list(request: web.Request) -> web.Response:
    """``{data: {jobs: [...]}}``: the account's finished renders, newest first, each with
    its ``parentRequest`` (``role=artist&address&state=completed&mediaOnly&since&limit``)."""
    state = request.app[STATE]
    query = request.query
    account = caller(request)
    if query.get("address", "").lower() != account.address.lower():
        return envelope.error(403, "address must be the caller's own wallet address")
    since = _number(query.get("since"))
    if since is None:
        since = now_ms() - 24 * 3600 * 1000
    if since < now_ms() - HISTORY_MS:
        return envelope.error(400, "since must be within the last 7 days")
    limit = _number(query.get("limit")) or 50
    if not 1 <= limit <= MAX_LIST_LIMIT:
        return envelope.error(400, f"limit must be between 1 and {MAX_LIST_LIMIT}")
    app_source = query.get("appSource")
    jobs: list[dict[str, Any]] = []
    for project in state.simulator.projects.values():
        if not project.owned_by(account.address):
            continue
        if app_source and project.job_request.get("appSource") != app_source:
            continue
        parent = {"id": project.id, "model": {"id": project.model.id, "name": project.model.name}}
        if project.job_request.get("appSource"):
            parent["appSource"] = project.job_request["appSource"]
        for raw in project.raw_project()["completedWorkerJobs"]:
            if raw["status"] == "jobCompleted" and raw["endTime"] >= since:
                jobs.append({**raw, "parentRequest": parent})
    jobs.sort(key=lambda job: job["endTime"], reverse=True)
    return envelope.success({"jobs": jobs[: int(limit)]})


ROUTES = [
    Route("GET", "/v1/projects/{project_id}", get_project),
    Route("GET", "/v2/projects/{project_id}", get_project_status),
    Route("GET", "/v1/jobs/list", jobs_list),
    Route("GET", "/api/v1/artist/projects/sync", projects_sync),
    Route("GET", "/api/v1/artist/projects/active", active_projects),
]
