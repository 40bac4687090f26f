"""Per-connection socket event subscriptions (``socketEventSubscriptions``).

The server keeps explicit on/off overrides; everything not mentioned is on. Group
``modelAvailability`` covers ``swarmModels`` and ``swarmLLMModels``; a disabled group wins
over an enabled member.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["GROUPS", "Subscriptions"]

GROUPS = {"modelAvailability": ("swarmModels", "swarmLLMModels")}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


class Subscriptions:
    """The override map of one connection."""

    def __init__(self) -> None:
        self.overrides: dict[str, bool] = {}

    @classmethod
    def from_query(cls, text: str | None) -> Subscriptions:
        """Parse the handshake's ``socketEventSubscriptions`` JSON (bad JSON is ignored)."""
        subs = cls()
        if text:
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = None
            if isinstance(value, dict):
                subs.apply({"subscriptions": value})
        return subs

    def apply(self, update: Any) -> None:
        """Apply a ``setSocketEventSubscriptions`` update (or a plain map)."""
        if not isinstance(update, dict):
            return
        keys = {"subscriptions", "subscribe", "unsubscribe", "reset", "event", "enabled"}
        if not keys.intersection(update):
            update = {"subscriptions": update}
        if update.get("reset") is True:
            self.overrides.clear()
        subscriptions = update.get("subscriptions")
        if isinstance(subscriptions, dict):
            for name, enabled in subscriptions.items():
                if isinstance(enabled, bool):
                    self.overrides[name] = enabled
        for name in _names(update.get("subscribe")):
            self.overrides[name] = True
        for name in _names(update.get("unsubscribe")):
            self.overrides[name] = False
        event = update.get("event")
        if isinstance(event, str) and isinstance(update.get("enabled"), bool):
            self.overrides[event] = update["enabled"]

    def wants(self, event: str) -> bool:
        """Whether ``event`` is delivered to this connection."""
        for group, members in GROUPS.items():
            if event in members and self.overrides.get(group) is False:
                return False
        return self.overrides.get(event, True)

    def snapshot(self) -> dict[str, bool]:
        """The authoritative map echoed in ``socketEventSubscriptionsUpdated``."""
        return dict(self.overrides)
