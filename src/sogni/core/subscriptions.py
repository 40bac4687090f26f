"""Socket event subscriptions: which server events a connection receives.

A subscription input is either a *plain map* of event (or group) names to booleans, or an
*update* (a mapping with any of the keys ``subscriptions``, ``subscribe``, ``unsubscribe``,
``reset``, ``event``, ``enabled``). The handshake carries the current map as compact JSON
in the ``socketEventSubscriptions`` query key; runtime changes go out as a
``setSocketEventSubscriptions`` message, and the server answers with
``socketEventSubscriptionsUpdated`` carrying its full map.

Semantics (shared by the client and the local Supernet):

* every event is enabled unless switched off;
* ``modelAvailability`` is a group covering ``swarmModels`` and ``swarmLLMModels``;
* a disabled group wins over an enabled member: ``{"modelAvailability": false,
  "swarmModels": true}`` delivers no ``swarmModels``. A member switched off stays off
  while its group is on; ``reset`` clears every flag back to the defaults.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from sogni.core.errors import ValidationError

__all__ = [
    "MODEL_AVAILABILITY",
    "SUBSCRIPTION_GROUPS",
    "UPDATE_KEYS",
    "SubscriptionState",
    "apply_update",
    "effective_enabled",
    "group_of",
    "normalize_update",
    "parse_handshake_value",
    "serialize_subscriptions",
]

MODEL_AVAILABILITY = "modelAvailability"
"""The group of model worker-count events."""

SUBSCRIPTION_GROUPS: Mapping[str, frozenset[str]] = {
    MODEL_AVAILABILITY: frozenset({"swarmModels", "swarmLLMModels"}),
}
"""Group name → the event names it covers."""

UPDATE_KEYS = frozenset({"subscriptions", "subscribe", "unsubscribe", "reset", "event", "enabled"})
"""Any of these keys makes an input an update rather than a plain map."""


def group_of(event_name: str) -> str | None:
    """The group an event belongs to, if any."""
    for group, members in SUBSCRIPTION_GROUPS.items():
        if event_name in members:
            return group
    return None


def _boolean_entries(value: object) -> dict[str, bool]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, bool)}


def _check_names(key: str, value: object) -> None:
    if isinstance(value, str):
        return
    if (
        isinstance(value, Sequence)
        and not isinstance(value, (bytes, bytearray))
        and all(isinstance(item, str) for item in value)
    ):
        return
    raise ValidationError(
        f"'{key}' must be an event or group name or a list of them",
        field=key,
        allowed="a string or a list of strings",
    )


def _validate_update(update: Mapping[str, Any]) -> None:
    for key in ("subscribe", "unsubscribe"):
        if update.get(key) is not None:
            _check_names(key, update[key])
    for key in ("reset", "enabled"):
        if update.get(key) is not None and not isinstance(update[key], bool):
            raise ValidationError(f"'{key}' must be a boolean", field=key, allowed=[True, False])
    if update.get("event") is not None and not isinstance(update["event"], str):
        raise ValidationError("'event' must be an event or group name", field="event")
    if update.get("subscriptions") is not None and not isinstance(update["subscriptions"], Mapping):
        raise ValidationError(
            "'subscriptions' must map event or group names to booleans",
            field="subscriptions",
        )


def normalize_update(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """Normalise a subscription input into the ``setSocketEventSubscriptions`` payload.

    A plain map becomes ``{"subscriptions": map}``; an update keeps its keys. Either way
    ``subscriptions`` is filtered to boolean values and left out when nothing remains, and
    keys set to ``None`` are left out. Raises :class:`~sogni.errors.ValidationError` for
    values of the wrong type.
    """
    if value is not None and not isinstance(value, Mapping):
        raise ValidationError("subscriptions must be a mapping", field="subscriptions")
    raw = dict(value) if value else {}
    update = raw if UPDATE_KEYS.intersection(raw) else {"subscriptions": raw}
    update = {k: v for k, v in update.items() if v is not None}
    _validate_update(update)
    flags = _boolean_entries(update.get("subscriptions"))
    if flags:
        update["subscriptions"] = flags  # keeps the key's position, as the wire does
    else:
        update.pop("subscriptions", None)
    return update


def serialize_subscriptions(flags: Mapping[str, Any] | None) -> str | None:
    """Compact JSON of the boolean entries of ``flags``, or ``None`` when there are none."""
    entries = _boolean_entries(flags)
    if not entries:
        return None
    return json.dumps(entries, separators=(",", ":"), ensure_ascii=False)


def parse_handshake_value(text: str | None) -> dict[str, bool]:
    """Read the ``socketEventSubscriptions`` query value (server side); junk reads as ``{}``."""
    if not text:
        return {}
    try:
        return _boolean_entries(json.loads(text))
    except ValueError:
        return {}


def _names(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, Sequence) else []


def apply_update(flags: Mapping[str, bool], update: Mapping[str, Any]) -> dict[str, bool]:
    """Return the flags after applying a normalised update (the server's rules).

    In order: ``reset`` clears every flag, ``subscriptions`` merges, ``subscribe`` sets
    names on, ``unsubscribe`` sets names off (so it wins over ``subscribe`` for the same
    name), and ``event`` with a boolean ``enabled`` sets one name. Names not mentioned
    keep their state.
    """
    result = {} if update.get("reset") is True else dict(flags)
    result.update(_boolean_entries(update.get("subscriptions")))
    for name in _names(update.get("subscribe")):
        result[name] = True
    for name in _names(update.get("unsubscribe")):
        result[name] = False
    event, enabled = update.get("event"), update.get("enabled")
    if isinstance(event, str) and isinstance(enabled, bool):
        result[event] = enabled
    return result


def effective_enabled(
    event_name: str, state: SubscriptionState | Mapping[str, bool] | None
) -> bool:
    """Whether a connection with these flags receives ``event_name``.

    An event is delivered unless it is switched off itself or its group is switched off
    (the group dominates: enabling a member does not override a disabled group). A group
    name asks about the group flag itself.
    """
    flags: Mapping[str, bool] = (
        state.flags if isinstance(state, SubscriptionState) else (state or {})
    )
    group = group_of(event_name)
    if group is not None and flags.get(group) is False:
        return False
    return flags.get(event_name) is not False


@attrs.define
class SubscriptionState:
    """The subscription flags of one client, kept across reconnects.

    Local updates are applied at once (so a reconnect carries them even if the server's
    echo was lost), and the server's ``socketEventSubscriptionsUpdated`` snapshot then
    replaces them, because the server's map is the authoritative one. The handshake of
    every (re)connection sends :meth:`handshake_value`.
    """

    flags: dict[str, bool] = attrs.field(factory=dict)
    snapshots: int = attrs.field(default=0, repr=False)
    """How many server snapshots were stored (lets a caller wait for the next echo)."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> SubscriptionState:
        """The state for a client's ``socket_event_subscriptions`` setting.

        A plain map is taken as is (boolean entries only); an update-shaped mapping is
        applied to the defaults.
        """
        return cls(apply_update({}, normalize_update(config)))

    def prepare_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Normalise ``update``, apply it locally and return the message payload to send."""
        payload = normalize_update(update)
        self.flags = apply_update(self.flags, payload)
        return payload

    def apply(self, update: Mapping[str, Any]) -> None:
        """Apply an update received from a client (server side)."""
        self.flags = apply_update(self.flags, normalize_update(update))

    def on_server_snapshot(self, payload: object) -> bool:
        """Store the map of a ``socketEventSubscriptionsUpdated`` event; False if it had none."""
        if not isinstance(payload, Mapping):
            return False
        snapshot = payload.get("socketEventSubscriptions")
        if not isinstance(snapshot, Mapping):
            return False
        self.flags = _boolean_entries(snapshot)
        self.snapshots += 1
        return True

    def snapshot_payload(self) -> dict[str, Any]:
        """The ``socketEventSubscriptionsUpdated`` payload for these flags (server side)."""
        return {"socketEventSubscriptions": dict(self.flags)}

    def handshake_value(self) -> str | None:
        """The ``socketEventSubscriptions`` query value, or ``None`` to leave the key out."""
        return serialize_subscriptions(self.flags)

    def is_enabled(self, event_name: str) -> bool:
        """Whether ``event_name`` is delivered with the current flags."""
        return effective_enabled(event_name, self)
