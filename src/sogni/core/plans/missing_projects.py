"""What the network knows of projects its recovery snapshot did not list: the stored record,
the list of running projects and the owner's live lookup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core._generated.models import ProjectResolution, ProjectSnapshot, ProjectStatusSnapshot
from sogni.core.checks import number
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall, Sleep
from sogni.core.errors import ApiError, SogniError
from sogni.core.plans import Plan
from sogni.core.plans.project_lookup import check_ids, status_raw
from sogni.core.plans.projects import _project_record
from sogni.core.wire import from_wire

ACTIVE_PATH = "/api/v1/artist/projects/active"
#: Lookups of a project's stored record before it may be judged missing (the network
#: stores a finished project asynchronously), and the pause between them.
MISSING_PROJECT_ATTEMPTS = 4
MISSING_PROJECT_RETRY = 2.5
_IN_FLIGHT = frozenset({"pending", "queued", "processing"})


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
        raw = yield from status_raw(ctx, project_id)
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


def resolve(
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
    ids = check_ids(project_ids)
    tries = int(number(attempts, "attempts", minimum=1, maximum=20, integer=True))
    pause = float(number(delay, "delay", minimum=0, maximum=60))
    resolved = yield from resolve(ctx, ids, tries, pause)
    return {project_id: resolved[project_id][0] for project_id in ids}
