"""Plans of in-app announcements: what is live for the account now, and dismissing one.

The socket delivers announcements live (``appAlert``, to clients subscribed to it); these
calls cover reading them before the socket is up and dismissing one for the account, so it
stays dismissed on every device.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from sogni.core._generated.models import Announcement
from sogni.core.checks import text
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.plans import Plan
from sogni.core.wire import from_wire_list

__all__ = ["ACTIVE_PATH", "active", "dismiss"]

ACTIVE_PATH = "/v1/announcements/active"


def active(ctx: CoreContext, platform: str | None = None) -> Plan[list[Announcement]]:
    """The announcements live for the account, less those it dismissed; announcements meant
    for one platform come only when ``platform`` (the app's ``app_source``) names it."""
    query = None if platform is None else {"platform": text(platform, "platform")}
    data = yield RestCall("GET", ACTIVE_PATH, query=query)
    items = data.get("announcements") if isinstance(data, Mapping) else None
    return from_wire_list(Announcement, items if isinstance(items, list) else [])


def dismiss(ctx: CoreContext, announcement_id: str) -> Plan[None]:
    """Dismiss an announcement for the account, on every device."""
    path = f"/v1/announcements/{quote(text(announcement_id, 'announcement_id'), safe='')}/dismiss"
    yield RestCall("POST", path, no_body=True, idempotent=False)
