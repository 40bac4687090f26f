"""Per-connection socket event subscriptions (``socketEventSubscriptions``).

The rules are the SDK's own (:mod:`sogni.core.subscriptions`): everything not mentioned
is on, group ``modelAvailability`` covers ``swarmModels`` and ``swarmLLMModels``, and a
disabled group wins over an enabled member. The server ignores malformed updates.
"""

from __future__ import annotations

from typing import Any

from sogni.core.subscriptions import (
    SUBSCRIPTION_GROUPS,
    SubscriptionState,
    effective_enabled,
    parse_handshake_value,
)
from sogni.errors import ValidationError

__all__ = ["GROUPS", "Subscriptions"]

GROUPS = {name: tuple(sorted(members)) for name, members in SUBSCRIPTION_GROUPS.items()}


class Subscriptions:
    """The override map of one connection."""

    def __init__(self) -> None:
        self._state = SubscriptionState()

    @property
    def overrides(self) -> dict[str, bool]:
        """The explicit on/off choices (everything else is on)."""
        return self._state.flags

    @classmethod
    def from_query(cls, text: str | None) -> Subscriptions:
        """Parse the handshake's ``socketEventSubscriptions`` JSON (bad JSON is ignored)."""
        subs = cls()
        subs._state.flags = parse_handshake_value(text)
        return subs

    def apply(self, update: Any) -> None:
        """Apply a ``setSocketEventSubscriptions`` update (or a plain map)."""
        if not isinstance(update, dict):
            return
        try:
            self._state.apply(update)
        except ValidationError:
            pass  # a malformed update changes nothing

    def wants(self, event: str) -> bool:
        """Whether ``event`` is delivered to this connection."""
        return effective_enabled(event, self._state.flags)

    def snapshot(self) -> dict[str, bool]:
        """The authoritative map echoed in ``socketEventSubscriptionsUpdated``."""
        return dict(self._state.flags)
