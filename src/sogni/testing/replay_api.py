"""Replay records: each account's run records, answered as plain JSON objects (no
``{status, data}`` envelope), as the network's replay endpoints answer.

A record is stored under its ``run_id`` (writing it again replaces it). Before storing,
values under secret-looking keys (``api_key``, ``token``, ``password`` ...) are replaced by
``[REDACTED]`` and the answer says ``redacted: true``.
"""

from __future__ import annotations

import copy
import re
import time
import weakref
from typing import Any

import attrs
from aiohttp import web

from . import envelope
from .routing import Route
from .state import STATE, SupernetState, caller

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "REDACTED", "ROUTES"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
REDACTED = "[REDACTED]"
SCHEMA_VERSION = 4

_SECRET_KEY = re.compile(
    r"api[_-]?key|(access|refresh|auth|id)?[_-]?token|(client[_-]?)?secret|password|authorization",
    re.IGNORECASE,
)


@attrs.define
class StoredRun:
    """One stored run record."""

    record: dict[str, Any]
    created: int
    updated: int

    def summary(self) -> dict[str, Any]:
        """The record's row in a list."""
        rounds = self.record.get("rounds")
        row: dict[str, Any] = {
            "runId": self.record["run_id"],
            "schemaVersion": self.record.get("schema_version", SCHEMA_VERSION),
            "createTime": self.created,
            "updateTime": self.updated,
            "rounds": len(rounds) if isinstance(rounds, list) else 0,
        }
        for field, key in (
            ("userRequest", "user_request"),
            ("finalResponse", "final_response"),
            ("modelId", "model_id"),
        ):
            if key in self.record:
                row[field] = self.record[key]
        return row


def _redacted(value: Any) -> tuple[Any, bool]:
    """``value`` with secret-looking keys' values replaced, and whether any were."""
    if isinstance(value, dict):
        changed = False
        result = {}
        for key, item in value.items():
            if isinstance(key, str) and _SECRET_KEY.fullmatch(key) and item not in (None, ""):
                result[key], changed = REDACTED, True
            else:
                result[key], inner = _redacted(item)
                changed = changed or inner
        return result, changed
    if isinstance(value, list):
        items = [_redacted(item) for item in value]
        return [item for item, _ in items], any(flag for _, flag in items)
    return value, False


_RUNS: weakref.WeakKeyDictionary[SupernetState, dict[str, dict[str, StoredRun]]] = (
    weakref.WeakKeyDictionary()
)


def _runs(request: web.Request) -> dict[str, StoredRun]:
    state = request.app[STATE]
    by_account = _RUNS.get(state)
    if by_account is None:
        by_account = _RUNS[state] = {}
    return by_account.setdefault(caller(request).address.lower(), {})


async def write(request: web.Request) -> web.Response:
    """``POST /v1/replay/records``."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return envelope.error(400, "The body must be a run record (a JSON object)")
    run_id = body.get("run_id")
    if not isinstance(run_id, str) or not run_id.strip() or len(run_id) > 200:
        return envelope.error(400, "run_id is required")
    record, redacted = _redacted(copy.deepcopy(body))
    runs = _runs(request)
    now = int(time.time() * 1000)
    previous = runs.get(run_id)
    stored = StoredRun(record, previous.created if previous else now, now)
    runs[run_id] = stored
    return envelope.raw(
        {
            "runId": run_id,
            "schemaVersion": record.get("schema_version", SCHEMA_VERSION),
            "redacted": redacted,
            "createTime": stored.created,
            "updateTime": stored.updated,
        },
        status=201,
    )


async def list_records(request: web.Request) -> web.Response:
    """``GET /v1/replay/records[?limit]``: newest first."""
    text = request.query.get("limit")
    limit = DEFAULT_LIMIT
    if text is not None:
        if not text.isdigit() or int(text) < 1:
            return envelope.error(400, "limit must be a positive integer")
        limit = min(int(text), MAX_LIMIT)
    runs = sorted(_runs(request).values(), key=lambda r: r.updated, reverse=True)
    return envelope.raw({"records": [run.summary() for run in runs[:limit]]})


async def get_record(request: web.Request) -> web.Response:
    """``GET /v1/replay/records/{id}``."""
    run = _runs(request).get(request.match_info["id"])
    if run is None:
        return envelope.error(404, "Replay record not found")
    return envelope.raw({"record": run.record, "createTime": run.created})


ROUTES = [
    Route("POST", "/v1/replay/records", write),
    Route("GET", "/v1/replay/records", list_records),
    Route("GET", "/v1/replay/records/{id}", get_record),
]
