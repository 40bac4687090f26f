"""Connection controls: subscriptions, reconnects, close codes, network switch, app source."""

from __future__ import annotations

import asyncio
import json
import queue
from collections.abc import Iterator
from typing import Any

import pytest

from sogni import AuthenticationError, SogniClient, ValidationError
from sogni._runtime.events import ConnectionEvent
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

CHAT_MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"


class Events:
    """Collects connection events from a callback thread; waits for them with a timeout."""

    def __init__(self, client: SogniClient) -> None:
        self.items: queue.Queue[ConnectionEvent] = queue.Queue()
        client.on("connected", self.items.put)
        client.on("disconnected", self.items.put)

    def next(self, kind: str, timeout: float = 15.0) -> ConnectionEvent:
        while True:
            event = self.items.get(timeout=timeout)
            if event.type == kind:
                return event


def client_for(net: LocalSupernet, **kwargs: Any) -> SogniClient:
    options: dict[str, Any] = {"api_key": net.api_key, **kwargs}
    return SogniClient(rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, **options)


def handshakes(net: LocalSupernet, app_id: str) -> list[dict[str, list[str]]]:
    found = []
    for request in net.requests():
        if request.path == "/" and request.query.get("appId") == app_id:
            found.append({k: [v] for k, v in request.query.items()})
    return found


def sent_to(net: LocalSupernet, app_id: str, message_type: str) -> list[Any]:
    return [
        m.data
        for m in net.messages()
        if m.direction == "out" and m.app_id == app_id and m.type == message_type
    ]


@pytest.fixture
def client(net: LocalSupernet) -> Iterator[SogniClient]:
    with client_for(net, app_id="controls-test") as sogni:
        yield sogni


def test_subscriptions_survive_a_forced_drop(net: LocalSupernet, client: SogniClient) -> None:
    events = Events(client)
    events.next("connected")
    server_map = client.set_socket_event_subscriptions(
        {"modelAvailability": False, "swarmModels": True, "toastMessage": False}
    )
    assert server_map == {"modelAvailability": False, "swarmModels": True, "toastMessage": False}
    assert client.set_socket_event_subscriptions(unsubscribe="jobETA", subscribe=["jobResult"]) == {
        **server_map,
        "jobETA": False,
        "jobResult": True,
    }
    before = net.subscriptions("controls-test")
    assert before == client.socket_event_subscriptions
    assert net.drop_connections() >= 1
    dropped = events.next("disconnected")
    assert dropped.code is None and dropped.will_reconnect
    again = events.next("connected")
    assert again.reconnected
    net.wait_for_sent("authenticated", count=2)  # the server registered the new socket
    assert net.subscriptions("controls-test") == before
    # carried by the handshake of the new connection, not re-sent as a message
    last = handshakes(net, "controls-test")[-1]
    assert json.loads(last["socketEventSubscriptions"][0]) == before
    assert len(net.received("setSocketEventSubscriptions")) == 2


def test_group_switched_off_dominates_its_members(net: LocalSupernet) -> None:
    config = {"modelAvailability": False, "swarmModels": True}
    with client_for(net, app_id="quiet-worker", socket_event_subscriptions=config) as client:
        events = Events(client)
        events.next("connected")
        net.wait_for_sent("balanceUpdate", where=lambda _: True)
        handshake = handshakes(net, "quiet-worker")[0]
        assert json.loads(handshake["socketEventSubscriptions"][0]) == config
        assert sent_to(net, "quiet-worker", "swarmModels") == []
        assert sent_to(net, "quiet-worker", "swarmLLMModels") == []
        # re-enable through the group itself, then ``reset`` back to the defaults
        assert client.set_socket_event_subscriptions(event="modelAvailability", enabled=True) == {
            "modelAvailability": True,
            "swarmModels": True,
        }
        assert client.set_socket_event_subscriptions(reset=True) == {}
        assert net.subscriptions("quiet-worker") == {}


def test_update_forms_of_the_network(net: LocalSupernet, client: SogniClient) -> None:
    client.set_socket_event_subscriptions(
        {"subscriptions": {"toastMessage": False}, "unsubscribe": "jobETA"}
    )
    client.set_socket_event_subscriptions({"reset": True, "subscribe": "jobETA"})
    received = net.received("setSocketEventSubscriptions")
    assert received == [
        {"subscriptions": {"toastMessage": False}, "unsubscribe": "jobETA"},
        {"reset": True, "subscribe": "jobETA"},
    ]
    assert client.socket_event_subscriptions == {"jobETA": True}
    with pytest.raises(ValidationError):
        client.set_socket_event_subscriptions({"subscribe": 3})
    with pytest.raises(ValidationError):
        client.set_socket_event_subscriptions()
    assert len(net.received("setSocketEventSubscriptions")) == 2


def test_projects_in_flight_survive_a_transient_drop() -> None:
    with LocalSupernet(step_delay=0.05) as net, client_for(net) as client:
        events = Events(client)
        project = client.projects.create(
            model_id="flux1-schnell-fp8", positive_prompt="x", steps=10, number_of_media=1
        )
        net.wait_for_sent("jobProgress")
        assert net.drop_connections() >= 1
        events.next("disconnected")
        urls = project.wait_for_completion(timeout=30)
        assert len(urls) == 1 and project.status == "completed"


def test_switch_network_is_kept_across_reconnects(net: LocalSupernet, client: SogniClient) -> None:
    events = Events(client)
    events.next("connected")
    assert client.switch_network("relaxed") == "relaxed"
    assert net.received("changeNetwork") == ["relaxed"]
    assert client.account.current.network == "relaxed"
    net.drop_connections()
    events.next("connected")
    assert handshakes(net, "controls-test")[-1]["forceWorkerId"] == [""]
    with pytest.raises(ValidationError):
        client.switch_network("turbo")  # type: ignore[arg-type]


def test_newer_connection_with_the_same_app_id_ends_the_older(net: LocalSupernet) -> None:
    with client_for(net, app_id="shared-id") as first:
        events = Events(first)
        events.next("connected")
        with client_for(net, app_id="shared-id") as second:
            second.projects.wait_for_models(10)
            replaced = events.next("disconnected")
            assert replaced.code == 4015 and not replaced.will_reconnect
            assert first.account.current.network_status == "disconnected"
            # the credentials are still good: REST keeps working, the socket stays down
            assert first.account.me().username == "local-artist"
            assert first._conn.engine.state == "closed"


def test_rejected_credentials_close_with_4021(net: LocalSupernet) -> None:
    with client_for(net, api_key="wrong-key") as client:
        events = Events(client)
        with pytest.raises(AuthenticationError):
            client.projects.wait_for_models(10)
        refused = events.next("disconnected")
        assert refused.code == 4021 and not refused.will_reconnect


def test_app_source_reaches_handshake_projects_and_chat(net: LocalSupernet) -> None:
    with client_for(net, app_id="with-source", app_source="my-app") as client:
        project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x", steps=2)
        project.wait_for_completion(timeout=30)
        client.chat.completions.create(
            model=CHAT_MODEL, messages=[{"role": "user", "content": "hi"}]
        )
        assert handshakes(net, "with-source")[0]["appSource"] == ["my-app"]
        assert net.received("jobRequest")[0]["appSource"] == "my-app"
        assert net.received("llmJobRequest")[0]["appSource"] == "my-app"


def test_async_client_reconnects_and_keeps_subscriptions(net: LocalSupernet) -> None:
    async def main() -> None:
        async with AsyncSogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            app_id="async-controls",
        ) as client:
            seen: asyncio.Queue[ConnectionEvent] = asyncio.Queue()
            loop = asyncio.get_running_loop()
            callback_loops: list[asyncio.AbstractEventLoop] = []

            async def on_event(event: ConnectionEvent) -> None:
                callback_loops.append(asyncio.get_running_loop())
                await seen.put(event)

            client.on("connected", on_event)
            client.on("disconnected", on_event)
            await client.projects.wait_for_models(10)
            flags = await client.set_socket_event_subscriptions(unsubscribe="swarmLLMModels")
            before = net.subscriptions("async-controls")
            assert before == flags == {"swarmLLMModels": False}
            net.drop_connections()
            kinds = []
            while "connected" not in kinds[1:]:
                kinds.append((await asyncio.wait_for(seen.get(), 15)).type)
            assert kinds[-2:] == ["disconnected", "connected"]
            assert all(found is loop for found in callback_loops)
            await loop.run_in_executor(None, lambda: net.wait_for_sent("authenticated", 2))
            assert net.subscriptions("async-controls") == before

    asyncio.run(main())


def test_switching_off_the_answer_itself_does_not_wait(
    net: LocalSupernet,
    client: SogniClient,
) -> None:
    flags = client.set_socket_event_subscriptions(
        {"socketEventSubscriptionsUpdated": False}, timeout=30
    )
    assert flags == {"socketEventSubscriptionsUpdated": False}
    net.wait_for_received("setSocketEventSubscriptions")


def test_unknown_client_event_is_refused(client: SogniClient) -> None:
    with pytest.raises(ValidationError) as info:
        client.on("explode", print)  # type: ignore[arg-type]
    assert "connected" in (info.value.allowed or [])
    off = client.on("connected", print)
    off()
    off()  # removing twice is harmless


def test_handshake_query_order(net: LocalSupernet) -> None:
    with client_for(
        net, app_id="order", app_source="src", socket_event_subscriptions={"toastMessage": False}
    ) as client:
        client.projects.wait_for_models(10)
    raw = [r for r in net.requests() if r.path == "/" and r.query.get("appId") == "order"][0]
    assert list(raw.query) == [
        "appId",
        "appSource",
        "socketEventSubscriptions",
        "clientName",
        "clientType",
        "forceWorkerId",
    ]
    assert raw.query["socketEventSubscriptions"] == '{"toastMessage":false}'
