"""Looking projects up on the network: project ids, a project's live status, and the
entries of the recovery snapshot."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from sogni.core._generated.models import RecoveredProject
from sogni.core.checks import sequence
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import SogniError, ValidationError
from sogni.core.js import is_integral
from sogni.core.plans import Plan
from sogni.core.wire import from_wire

_PROJECT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def integer(value: Any) -> int | None:
    """A JSON integer as an ``int`` (``None`` for anything else)."""
    return int(value) if is_integral(value) else None


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is an object, else an empty one (incoming fields may be anything)."""
    return value if isinstance(value, Mapping) else {}


def check_project_id(value: Any, field: str = "project_id") -> str:
    """``value`` checked to be a project id: letters, digits, ``-`` and ``_`` (a UUID)."""
    if not isinstance(value, str) or not _PROJECT_ID.fullmatch(value):
        raise ValidationError(
            f"{field} must be a project id, got {value!r}",
            field=field,
            allowed="1-128 letters, digits, '-' or '_', e.g. a UUID",
        )
    return value


def check_ids(values: Any) -> list[str]:
    ids = sequence(values, "project_ids")
    return list(dict.fromkeys(check_project_id(v, f"project_ids[{i}]") for i, v in enumerate(ids)))


def status_raw(ctx: CoreContext, project_id: str) -> Plan[dict[str, Any]]:
    data = yield RestCall("GET", f"/v2/projects/{quote(project_id, safe='')}")
    raw = data.get("project") if isinstance(data, dict) else None
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise SogniError(f"the network sent a malformed status of project {project_id}")
    return raw


def is_llm(raw: Mapping[str, Any]) -> bool:
    """Chat jobs share the network's project registry but are not media projects."""
    model = raw.get("model")
    return raw.get("jobType") == "llm" or (
        isinstance(model, Mapping) and model.get("type") == "llm"
    )


def entries(body: Any, key: str) -> list[dict[str, Any]]:
    """The snapshot's list ``key``: objects with an id, in order."""
    items = body.get(key) if isinstance(body, Mapping) else None
    return [
        item
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]
    ]


def recovered_project(raw: Mapping[str, Any]) -> RecoveredProject | None:
    try:
        return from_wire(RecoveredProject, raw)
    except SogniError:
        return None  # a malformed entry is left out rather than failing the whole answer


def media_projects(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The media projects among snapshot entries, each id once."""
    seen: set[str] = set()
    kept = []
    for raw in entries:
        if not is_llm(raw) and raw["id"] not in seen:
            seen.add(raw["id"])
            kept.append(raw)
    return kept
