"""The account's render history: recently finished projects, also those that finished
while no client was connected."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sogni.core._generated.models import RecentProject, RecentRender
from sogni.core.checks import number, text
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import SogniError, ValidationError
from sogni.core.js import is_integral
from sogni.core.plans import Plan
from sogni.core.plans.account import me
from sogni.core.plans.project_lookup import mapping
from sogni.core.plans.results import job_status

HISTORY_PATH = "/v1/jobs/list"


#: The render history's default and longest reach (milliseconds); a minute inside the
#: network's 7 days, so a slow clock cannot turn a 7-day request into a refusal.
RECENT_DEFAULT_WINDOW_MS = 24 * 3600 * 1000


RECENT_MAX_WINDOW_MS = 7 * 24 * 3600 * 1000 - 60 * 1000


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
    return _by_project(records if isinstance(records, list) else [])


def _by_project(records: list[Any]) -> list[RecentProject]:
    """The renders of the history grouped by project, the latest finished first."""
    projects: dict[str, dict[str, Any]] = {}
    for job in records:
        parent = job.get("parentRequest") if isinstance(job, Mapping) else None
        if not isinstance(parent, Mapping) or not isinstance(parent.get("id"), str):
            continue
        project = projects.get(parent["id"])
        if project is None:
            project = projects[parent["id"]] = _project(parent)
        end = job.get("endTime")
        finished_at = int(end) if is_integral(end) and end > 0 else None
        project["jobs"].append(
            RecentRender(
                id=str(job.get("imgID") or job.get("id")),
                status=job_status(job),
                sensitive_content_withheld=job.get("triggeredNSFWFilter") is True
                and job.get("nsfwDetected") is not True,
                finished_at=finished_at,
            )
        )
        if finished_at and finished_at > (project["finished_at"] or 0):
            project["finished_at"] = finished_at
    ordered = sorted(projects.values(), key=lambda p: p["finished_at"] or 0, reverse=True)
    return [RecentProject(**project) for project in ordered]


def _project(parent: Mapping[str, Any]) -> dict[str, Any]:
    model = mapping(parent.get("model"))
    return {
        "id": parent["id"],
        "model_id": model.get("id") or None,
        "model_name": model.get("name") or None,
        "app_source": parent.get("appSource") or None,
        "finished_at": None,
        "jobs": [],
    }
