"""Plans of the connection itself: socket event subscriptions and the network switch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core._generated.vocabulary import NETWORKS
from sogni.core.context import CoreContext
from sogni.core.effects import SocketSend, WaitUntil
from sogni.core.errors import ValidationError
from sogni.core.plans import Plan

__all__ = ["NETWORKS", "set_socket_event_subscriptions", "switch_network"]


def _subscription_update(
    subscriptions: Mapping[str, Any] | None, keywords: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The update to send: the mapping given, or one the keyword arguments build."""
    given = {key: value for key, value in keywords.items() if value is not None}
    if given:
        if subscriptions is not None and not isinstance(subscriptions, Mapping):
            raise ValidationError("subscriptions must be a mapping", field="subscriptions")
        if subscriptions and {*keywords, "subscriptions"} & set(subscriptions):
            raise ValidationError(
                "give an update either as a mapping or as keyword arguments, not both",
                field="subscriptions",
            )
        update: Mapping[str, Any] | None = (
            {"subscriptions": dict(subscriptions), **given} if subscriptions else given
        )
    else:
        update = subscriptions
    if update is None or (isinstance(update, Mapping) and not update):
        raise ValidationError(
            "say what to change: a map of event names to booleans, or subscribe=, "
            "unsubscribe=, reset=, event= with enabled=",
            field="subscriptions",
        )
    return update


def set_socket_event_subscriptions(
    ctx: CoreContext,
    subscriptions: Mapping[str, Any] | None = None,
    subscribe: str | Sequence[str] | None = None,
    unsubscribe: str | Sequence[str] | None = None,
    reset: bool | None = None,
    event: str | None = None,
    enabled: bool | None = None,
    timeout: float | None = 10.0,
) -> Plan[dict[str, bool]]:
    """Change which socket events the network sends; returns the server's full map.

    ``subscriptions`` is a plain map (``{"modelAvailability": False}``) or an update in the
    network's form (``{"subscribe": [...], "reset": True}``); the keyword arguments build
    an update too. The change applies at once and to every later reconnection.
    """
    keywords = {
        "subscribe": subscribe,
        "unsubscribe": unsubscribe,
        "reset": reset,
        "event": event,
        "enabled": enabled,
    }
    update = _subscription_update(subscriptions, keywords)
    state = ctx.subscriptions
    seen = state.snapshots
    payload = state.prepare_update(update)
    yield SocketSend("setSocketEventSubscriptions", payload)
    # No answer comes when the answer's own event was just switched off.
    answered = state.is_enabled("socketEventSubscriptionsUpdated")
    if answered and (timeout is None or timeout > 0):
        yield WaitUntil(
            lambda: state.snapshots > seen, timeout, "the network's subscription update"
        )
    return dict(state.flags)


def switch_network(ctx: CoreContext, network: str, timeout: float = 10.0) -> Plan[str]:
    """Move the socket to the ``fast`` or ``relaxed`` network; returns the network now used."""
    if network not in NETWORKS:
        raise ValidationError(
            f"network {network!r} is not supported", field="network", allowed=list(NETWORKS)
        )
    account = ctx.account
    seen = account.network_changes
    account.network_status = "switching"
    try:
        yield SocketSend("changeNetwork", network)
        yield WaitUntil(lambda: account.network_changes > seen, timeout, "the network switch")
    except BaseException:
        if account.network_changes == seen:
            account.network_status = "connected" if account.network else "disconnected"
        raise
    return account.network or network
