"""Fault injection on the local Supernet."""

from __future__ import annotations

import httpx
import pytest
import websocket
from supernet_helpers import RawSocket

from sogni.testing import LocalSupernet


def me(net: LocalSupernet) -> httpx.Response:
    return httpx.get(net.rest_url + "/v1/account/me", headers={"api-key": net.api_key})


def test_failures_fire_the_requested_number_of_times(net: LocalSupernet) -> None:
    net.fail_requests("/v1/account/me", 503, times=2, retry_after=3)
    first, second, third = me(net), me(net), me(net)
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["Retry-After"] == "3"
    assert first.json() == {"status": "error", "message": "Injected failure", "errorCode": 503}
    # failed requests are still recorded
    assert len([r for r in net.requests() if r.path == "/v1/account/me"]) == 3


def test_failures_match_method_and_prefix(net: LocalSupernet) -> None:
    net.fail_requests("/api/", 429, method="POST")
    assert httpx.get(net.rest_url + "/api/v1/models/list",
                     headers={"api-key": net.api_key}).status_code == 200
    net.clear_faults()
    net.fail_requests("/api/", 429)
    assert httpx.get(net.rest_url + "/api/v2/models/tiers",
                     headers={"api-key": net.api_key}).status_code == 429


def test_handshake_can_be_refused(net: LocalSupernet) -> None:
    net.fail_requests("/", 502, exact=True)
    with pytest.raises(websocket.WebSocketBadStatusException):
        RawSocket(net)
    assert me(net).status_code == 200  # exact: other paths untouched
    sock = RawSocket(net)
    assert sock.recv()[0] == "authenticated"
    sock.close()


def test_send_raw_reaches_the_client(net: LocalSupernet, sock: RawSocket) -> None:
    assert net.send_raw('{"type": "jobState"}') == 1
    sock.ws.settimeout(5)
    assert sock.ws.recv() == '{"type": "jobState"}'
    assert net.send_raw(b"\x00garbage", app_id="someone-else") == 0
