"""Socket event subscriptions: normalisation, group rules and re-application on reconnect."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sogni.core.subscriptions import (
    SubscriptionState,
    apply_update,
    effective_enabled,
    group_of,
    normalize_update,
    parse_handshake_value,
    serialize_subscriptions,
)
from sogni.errors import ValidationError

# --- normalisation -------------------------------------------------------------------------


def test_plain_map_becomes_subscriptions() -> None:
    assert normalize_update({"modelAvailability": False}) == {
        "subscriptions": {"modelAvailability": False}
    }


def test_plain_map_keeps_only_booleans() -> None:
    assert normalize_update({"swarmModels": True, "bad": 1, "worse": "no", "none": None}) == {
        "subscriptions": {"swarmModels": True}
    }
    assert normalize_update({"bad": 1}) == {}
    assert normalize_update({}) == {}
    assert normalize_update(None) == {}


@pytest.mark.parametrize("key", ["subscriptions", "subscribe", "unsubscribe", "reset", "event"])
def test_any_update_key_makes_an_update(key: str) -> None:
    values: dict[str, Any] = {
        "subscriptions": {"jobETA": False},
        "subscribe": "swarmModels",
        "unsubscribe": ["swarmModels"],
        "reset": True,
        "event": "jobETA",
    }
    update = {key: values[key], "swarmModels": True}
    normalized = normalize_update(update)
    # the stray boolean stays a top-level key, it is not moved into subscriptions
    assert normalized["swarmModels"] is True
    assert normalized[key] == values[key]
    assert ("subscriptions" in normalized) == (key == "subscriptions")


def test_update_passes_other_keys_through_and_filters_subscriptions() -> None:
    update = {
        "reset": True,
        "subscriptions": {"swarmModels": True, "junk": "x"},
        "subscribe": ["jobETA"],
        "event": "toastMessage",
        "enabled": False,
    }
    assert normalize_update(update) == {
        "reset": True,
        "subscriptions": {"swarmModels": True},
        "subscribe": ["jobETA"],
        "event": "toastMessage",
        "enabled": False,
    }
    # the key keeps its position, as on the wire
    assert list(normalize_update(update)) == [
        "reset",
        "subscriptions",
        "subscribe",
        "event",
        "enabled",
    ]


def test_empty_subscriptions_are_dropped_from_updates() -> None:
    assert normalize_update({"subscriptions": {"a": 1}, "reset": True}) == {"reset": True}


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({"subscribe": 3}, "subscribe"),
        ({"unsubscribe": ["ok", 4]}, "unsubscribe"),
        ({"reset": "yes"}, "reset"),
        ({"event": 5, "enabled": True}, "event"),
        ({"event": "jobETA", "enabled": "on"}, "enabled"),
        ({"subscriptions": ["swarmModels"]}, "subscriptions"),
    ],
)
def test_wrong_types_fail(update: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_update(update)
    assert info.value.field == field


def test_non_mapping_fails() -> None:
    with pytest.raises(ValidationError):
        normalize_update(["swarmModels"])  # type: ignore[arg-type]


def test_handshake_value_is_compact_json() -> None:
    assert serialize_subscriptions({"modelAvailability": False, "jobETA": True}) == (
        '{"modelAvailability":false,"jobETA":true}'
    )
    assert serialize_subscriptions({}) is None
    assert serialize_subscriptions({"x": 1}) is None
    assert serialize_subscriptions(None) is None
    assert serialize_subscriptions({"caf\u00e9": True}) == '{"caf\u00e9":true}'


def test_parse_handshake_value() -> None:
    assert parse_handshake_value('{"modelAvailability":false,"n":1}') == {
        "modelAvailability": False
    }
    assert parse_handshake_value("not json") == {}
    assert parse_handshake_value("[true]") == {}
    assert parse_handshake_value(None) == {}


# --- server rules --------------------------------------------------------------------------


def test_apply_merges_and_keeps_unmentioned_flags() -> None:
    flags = {"jobETA": False, "swarmModels": False}
    assert apply_update(flags, {"subscriptions": {"swarmModels": True}}) == {
        "jobETA": False,
        "swarmModels": True,
    }
    assert flags == {"jobETA": False, "swarmModels": False}  # not mutated


def test_apply_subscribe_unsubscribe_event_and_reset() -> None:
    flags = apply_update(
        {}, {"subscribe": "swarmModels", "unsubscribe": ["jobETA", "swarmLLMModels"]}
    )
    assert flags == {"swarmModels": True, "jobETA": False, "swarmLLMModels": False}
    flags = apply_update(flags, {"event": "jobETA", "enabled": True})
    assert flags["jobETA"] is True
    assert apply_update(flags, {"reset": True}) == {}
    assert apply_update(flags, {"reset": True, "subscriptions": {"x": False}}) == {"x": False}


def test_unsubscribe_wins_over_subscribe_for_the_same_name() -> None:
    assert apply_update({}, {"subscribe": "a", "unsubscribe": "a"}) == {"a": False}


def test_event_without_enabled_changes_nothing() -> None:
    assert apply_update({"a": False}, {"event": "a"}) == {"a": False}


def test_groups() -> None:
    assert group_of("swarmModels") == "modelAvailability"
    assert group_of("swarmLLMModels") == "modelAvailability"
    assert group_of("jobETA") is None


def test_everything_is_on_by_default() -> None:
    for name in ("swarmModels", "swarmLLMModels", "jobETA", "modelAvailability"):
        assert effective_enabled(name, {})
        assert effective_enabled(name, None)


def test_disabled_group_dominates_an_enabled_member() -> None:
    flags = {"modelAvailability": False, "swarmModels": True}
    assert not effective_enabled("swarmModels", flags)
    assert not effective_enabled("swarmLLMModels", flags)
    assert effective_enabled("jobETA", flags)
    assert not effective_enabled("modelAvailability", flags)


def test_member_off_stays_off_and_group_back_on_restores_members() -> None:
    flags = apply_update({}, {"subscriptions": {"swarmLLMModels": False}})
    assert effective_enabled("swarmModels", flags)
    assert not effective_enabled("swarmLLMModels", flags)
    flags = apply_update(
        flags, {"subscriptions": {"modelAvailability": False, "swarmModels": True}}
    )
    assert not effective_enabled("swarmModels", flags)
    flags = apply_update(flags, {"subscribe": "modelAvailability"})
    assert effective_enabled("swarmModels", flags)
    assert not effective_enabled("swarmLLMModels", flags)
    flags = apply_update(flags, {"reset": True})
    assert effective_enabled("swarmLLMModels", flags)


# --- client state across reconnects -----------------------------------------------------------


def test_config_plain_map_goes_into_the_handshake() -> None:
    state = SubscriptionState.from_config({"modelAvailability": False, "junk": 3})
    assert state.handshake_value() == '{"modelAvailability":false}'
    assert not state.is_enabled("swarmModels")
    assert SubscriptionState.from_config(None).handshake_value() is None


def test_config_update_shape_is_applied() -> None:
    state = SubscriptionState.from_config({"unsubscribe": "modelAvailability"})
    assert json.loads(state.handshake_value() or "") == {"modelAvailability": False}


def test_runtime_update_is_sent_normalised_and_reapplied_on_reconnect() -> None:
    state = SubscriptionState.from_config({})
    payload = state.prepare_update({"modelAvailability": False})
    assert payload == {"subscriptions": {"modelAvailability": False}}
    # the next connection carries it even before the server's echo arrives
    assert state.handshake_value() == '{"modelAvailability":false}'


def test_server_snapshot_replaces_local_flags() -> None:
    state = SubscriptionState.from_config({"jobETA": False})
    state.prepare_update({"subscribe": "swarmModels"})
    assert state.on_server_snapshot(
        {"socketEventSubscriptions": {"modelAvailability": False, "toastMessage": False, "x": 1}}
    )
    assert state.flags == {"modelAvailability": False, "toastMessage": False}
    assert json.loads(state.handshake_value() or "") == state.flags


@pytest.mark.parametrize("payload", [None, {}, {"socketEventSubscriptions": None}, "x"])
def test_empty_snapshots_are_ignored(payload: object) -> None:
    state = SubscriptionState.from_config({"jobETA": False})
    assert not state.on_server_snapshot(payload)
    assert state.flags == {"jobETA": False}


def test_reset_clears_the_handshake() -> None:
    state = SubscriptionState.from_config({"modelAvailability": False})
    assert state.prepare_update({"reset": True}) == {"reset": True}
    assert state.handshake_value() is None


def test_client_and_server_agree_after_a_round_trip() -> None:
    client = SubscriptionState.from_config({"modelAvailability": False})
    server = SubscriptionState(parse_handshake_value(client.handshake_value()))
    message = client.prepare_update({"subscribe": ["modelAvailability"], "unsubscribe": "jobETA"})
    server.apply(message)
    client.on_server_snapshot(server.snapshot_payload())
    assert client.flags == server.flags == {"modelAvailability": True, "jobETA": False}
    # reconnect: the new server session starts from the client's handshake
    reconnected = SubscriptionState(parse_handshake_value(client.handshake_value()))
    assert reconnected.flags == server.flags
    assert reconnected.is_enabled("swarmModels") and not reconnected.is_enabled("jobETA")
