"""Authentication and connection rules of the local Supernet."""

from __future__ import annotations

import httpx
import pytest
import websocket
from supernet_helpers import RawSocket

from sogni.testing import LocalSupernet

AUTHENTICATED_PATHS = [
    "/v1/account/me",
    "/v4/account/balance",
    "/api/v1/models/list",
    "/api/v2/models/tiers",
    "/api/v1/status/network/fast/models",
    "/api/v1/size-presets/network/fast/model/flux1-schnell-fp8",
    "/v1/projects/ABC",
    "/v1/image/uploadUrl?jobId=A&type=startingImage",
]


@pytest.mark.parametrize("path", AUTHENTICATED_PATHS)
@pytest.mark.parametrize("headers", [{}, {"api-key": "wrong"}, {"Authorization": "bogus.jwt"}])
def test_rest_rejects_missing_or_wrong_credentials(
    net: LocalSupernet, path: str, headers: dict[str, str]
) -> None:
    response = httpx.get(net.rest_url + path, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == "error"
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errorCode"], int)


def test_rest_accepts_the_api_key(net: LocalSupernet) -> None:
    response = httpx.get(net.rest_url + "/v1/account/me", headers={"api-key": net.api_key})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["data"]["username"] == "local-artist"
    assert body["data"]["walletAddress"].startswith("0x")


def test_unknown_route_answers_with_error_envelope(net: LocalSupernet) -> None:
    response = httpx.get(net.rest_url + "/v1/nothing-here", headers={"api-key": net.api_key})
    assert response.status_code == 404
    assert response.json()["status"] == "error"


def test_socket_with_wrong_key_is_closed_with_4021(net: LocalSupernet) -> None:
    raw = RawSocket(net, api_key="wrong")
    raw.ws.settimeout(5)
    opcode, data = raw.ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(data[:2], "big") == 4021
    assert data[2:].decode()  # a reason text is given
    assert net.sent("authenticated") == []


def test_socket_greeting_burst(net: LocalSupernet) -> None:
    raw = RawSocket(net)
    kinds = [raw.recv()[0] for _ in range(4)]
    raw.close()
    assert kinds == ["authenticated", "balanceUpdate", "swarmModels", "swarmLLMModels"]
    authenticated = net.sent("authenticated")[0]
    for key in (
        "id",
        "clientType",
        "username",
        "address",
        "SID",
        "clientSID",
        "addressSID",
        "balanceVersion",
        "tokens",
        "activeProjects",
        "unclaimedCompletedProjects",
        "isMainnet",
        "accountWasMigrated",
        "hasUnclaimedAirdrop",
        "firstLoginAfterMigration",
    ):
        assert key in authenticated
    assert authenticated["balanceVersion"] == 2
    assert set(authenticated["tokens"]) == {"sogni", "spark"}
    assert set(authenticated["tokens"]["spark"]) == {"settled", "credit", "debit", "net"}
    balance = net.sent("balanceUpdate")[0]
    assert "premiumCredit" in balance["spark"]
    assert "qwen3.6-35b-a3b-gguf-iq4xs" in net.sent("swarmLLMModels")[0]


def test_same_app_id_replaces_older_socket_with_4015(net: LocalSupernet) -> None:
    first = RawSocket(net, app_id="shared-app")
    first.recv_until("swarmLLMModels")
    second = RawSocket(net, app_id="shared-app")
    first.ws.settimeout(5)
    opcode, data = first.ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(data[:2], "big") == 4015
    assert second.recv()[0] == "authenticated"
    second.close()


def test_model_availability_subscription_is_honoured(net: LocalSupernet) -> None:
    raw = RawSocket(net, query="&socketEventSubscriptions=%7B%22modelAvailability%22%3Afalse%7D")
    kinds = [raw.recv()[0] for _ in range(2)]
    assert kinds == ["authenticated", "balanceUpdate"]
    raw.send("setSocketEventSubscriptions", {"subscriptions": {"modelAvailability": True}})
    kind, payload = raw.recv()
    assert kind == "socketEventSubscriptionsUpdated"
    assert payload == {"socketEventSubscriptions": {"modelAvailability": True}}
    raw.send("changeNetwork", "relaxed")
    seen = raw.recv_until("swarmModels")
    assert ("changeNetwork", {"network": "relaxed"}) in seen
    raw.close()


def test_drop_connections_aborts_live_sockets(net: LocalSupernet) -> None:
    raw = RawSocket(net)
    raw.recv_until("swarmLLMModels")
    assert net.drop_connections() == 1
    raw.ws.settimeout(5)
    with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError)):
        raw.ws.recv()


def test_handshake_is_recorded_with_headers_and_query(net: LocalSupernet) -> None:
    raw = RawSocket(net, app_id="recorded-app")
    raw.recv()
    raw.close()
    handshake = [r for r in net.requests() if r.path == "/"][0]
    assert handshake.method == "GET"
    assert handshake.headers["api-key"] == net.api_key
    assert handshake.query["appId"] == "recorded-app"
    assert handshake.query["forceWorkerId"] == "fast"
