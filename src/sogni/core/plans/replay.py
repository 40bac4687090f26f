"""Plans of replay records: the run records of chat sessions and harness runs, one per turn.

Producers ``write`` a record; viewers ``list`` and ``get`` them. The network keeps each
account's records to itself and redacts secrets before storing one. Its answers are plain
JSON objects, not the usual ``{status, data}`` envelope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from sogni.core._generated.models import ReplayRecord, ReplaySummary, ReplayWriteResult
from sogni.core.checks import number, text
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import ApiError, ValidationError
from sogni.core.json_safe import check_json_safe
from sogni.core.plans import Plan
from sogni.core.wire import from_wire, from_wire_list

__all__ = ["RECORDS_PATH", "get", "list_records", "write"]

RECORDS_PATH = "/v1/replay/records"


def _times(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """``data`` with each time in ``keys`` made a number (0 when the network sent none)."""
    result = dict(data)
    for key in keys:
        value = result.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            result[key] = 0
    return result


def write(ctx: CoreContext, record: Mapping[str, Any]) -> Plan[ReplayWriteResult]:
    """Store one run record (its ``run_id`` names it; writing it again replaces it)."""
    if not isinstance(record, Mapping):
        raise ValidationError("record must be a mapping (a run record)", field="record")
    text(record.get("run_id"), "record.run_id")
    check_json_safe(record, "record")
    data = yield RestCall("POST", RECORDS_PATH, json=dict(record), envelope=False, idempotent=False)
    if not isinstance(data, Mapping) or not isinstance(data.get("runId"), str):
        raise ApiError("the replay write reply did not include runId")
    return from_wire(ReplayWriteResult, _times(data, "createTime", "updateTime"))


def list_records(ctx: CoreContext, limit: int | None = None) -> Plan[list[ReplaySummary]]:
    """Summaries of the account's stored records (at most ``limit``; the network's default
    page when not given)."""
    query = None
    if limit is not None:
        query = {"limit": str(int(number(limit, "limit", minimum=1, integer=True)))}
    data = yield RestCall("GET", RECORDS_PATH, query=query, envelope=False)
    records = data.get("records") if isinstance(data, Mapping) else None
    return from_wire_list(ReplaySummary, records if isinstance(records, list) else [])


def get(ctx: CoreContext, run_id: str) -> Plan[ReplayRecord]:
    """One stored record in full."""
    path = f"{RECORDS_PATH}/{quote(text(run_id, 'run_id'), safe='')}"
    data = yield RestCall("GET", path, envelope=False)
    if not isinstance(data, Mapping) or not isinstance(data.get("record"), Mapping):
        raise ApiError("the replay record reply did not include record")
    return from_wire(ReplayRecord, _times(data, "createTime"))
