"""In-app announcements (``{status, data}`` envelope): what is live for an account, and
dismissing one for that account (on every device).

The network publishes a pinned banner and a toast for everyone, and a banner meant only for
the macOS app (``platform=sogni-mac``); an announcement whose window ended is never listed.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from aiohttp import web

from . import envelope
from .routing import Route
from .state import STATE, SupernetState, caller

__all__ = ["ROUTES", "announcements"]

_HOUR = 3600 * 1000


def announcements(now_ms: int | None = None) -> list[dict[str, Any]]:
    """The published announcements, with ``platforms`` for platform-scoped ones."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    return [
        {
            "id": "ann-maintenance",
            "kind": "banner",
            "severity": "warn",
            "icon": "wrench",
            "title": "Scheduled maintenance",
            "bodyMarkdown": "The **fast** network restarts on Sunday at 02:00 UTC for a few "
            "minutes. [Status page](https://status.sogni.ai)",
            "pinned": True,
            "dismissible": True,
            "actions": [
                {"label": "Status page", "href": "https://status.sogni.ai", "external": True}
            ],
            "startsAt": now - _HOUR,
            "endsAt": now + 48 * _HOUR,
        },
        {
            "id": "ann-new-loras",
            "kind": "toast",
            "severity": "success",
            "icon": "sparkles",
            "title": "New LoRAs",
            "bodyMarkdown": "Krea 2 has new lighting LoRAs.",
            "pinned": False,
            "dismissible": True,
            "autoCloseMs": 8000,
            "startsAt": now - 2 * _HOUR,
            "endsAt": now + 24 * _HOUR,
        },
        {
            "id": "ann-mac-update",
            "kind": "banner",
            "severity": "info",
            "icon": "rocket",
            "accent": "#4F46E5",
            "title": "A new version of Sogni for Mac",
            "bodyMarkdown": "Update to get saved uploads.",
            "pinned": True,
            "dismissible": False,
            "startsAt": now - _HOUR,
            "endsAt": now + 72 * _HOUR,
            "platforms": ["sogni-mac"],
        },
        {
            "id": "ann-ended",
            "kind": "banner",
            "severity": "danger",
            "title": "Outage",
            "bodyMarkdown": "Resolved.",
            "pinned": True,
            "dismissible": True,
            "startsAt": now - 72 * _HOUR,
            "endsAt": now - 48 * _HOUR,
        },
    ]


_DISMISSED: weakref.WeakKeyDictionary[SupernetState, dict[str, set[str]]] = (
    weakref.WeakKeyDictionary()
)


def _dismissed(request: web.Request) -> set[str]:
    state = request.app[STATE]
    by_account = _DISMISSED.get(state)
    if by_account is None:
        by_account = _DISMISSED[state] = {}
    return by_account.setdefault(caller(request).address.lower(), set())


async def active(request: web.Request) -> web.Response:
    """``GET /v1/announcements/active[?platform]``."""
    platform = request.query.get("platform")
    dismissed = _dismissed(request)
    now = int(time.time() * 1000)
    live = []
    for item in announcements(now):
        platforms = item.pop("platforms", None)
        if platforms is not None and platform not in platforms:
            continue
        if item["id"] in dismissed or not item["startsAt"] <= now < item.get("endsAt", now + 1):
            continue
        live.append(item)
    return envelope.success({"announcements": live})


async def dismiss(request: web.Request) -> web.Response:
    """``POST /v1/announcements/{id}/dismiss``."""
    announcement_id = request.match_info["id"]
    if announcement_id not in {item["id"] for item in announcements()}:
        return envelope.error(404, "Announcement not found")
    _dismissed(request).add(announcement_id)
    return envelope.success({"dismissed": True, "id": announcement_id})


ROUTES = [
    Route("GET", "/v1/announcements/active", active),
    Route("POST", "/v1/announcements/{id}/dismiss", dismiss),
]
