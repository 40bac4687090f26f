"""Fault injection on the local Supernet: failed requests, outages, restarts, resends."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
import websocket
from supernet_helpers import RawSocket, image_job_request, wait_until

from sogni.testing import LocalSupernet

CHAT_MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"


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
    assert (
        httpx.get(
            net.rest_url + "/api/v1/models/list", headers={"api-key": net.api_key}
        ).status_code
        == 200
    )
    net.clear_faults()
    net.fail_requests("/api/", 429)
    assert (
        httpx.get(
            net.rest_url + "/api/v2/models/tiers", headers={"api-key": net.api_key}
        ).status_code
        == 429
    )


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


# --- failures that last, and slow ones -------------------------------------------------------


def project_record(
    net: LocalSupernet, project_id: str, client: httpx.Client | None = None
) -> httpx.Response:
    url = f"{net.rest_url}/v1/projects/{project_id}"
    headers = {"api-key": net.api_key}
    return (client or httpx).get(url, headers=headers, timeout=5)


def test_record_reads_can_fail_until_cleared(net: LocalSupernet) -> None:
    net.fail_requests("/v1/projects/", 503, times=None)
    assert [project_record(net, "P1").status_code for _ in range(5)] == [503] * 5
    assert me(net).status_code == 200
    net.clear_faults()
    assert project_record(net, "P1").status_code == 404


def test_failures_can_be_slow(net: LocalSupernet) -> None:
    net.fail_requests("/v1/projects/", 503, delay=0.3)
    started = time.monotonic()
    assert project_record(net, "P1").status_code == 503
    assert time.monotonic() - started >= 0.3


# --- idempotent requests ---------------------------------------------------------------------


def sync(sock: RawSocket) -> None:
    """Return once the server has handled everything ``sock`` sent before."""
    sock.send("changeNetwork", "fast")
    sock.recv_until("changeNetwork")


def completed(project_id: str) -> Any:
    return lambda p: p.get("type") == "jobCompleted" and p["jobID"] == project_id


def test_resent_job_request_starts_nothing(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = str(uuid.uuid4()).upper()
    sock.send("jobRequest", image_job_request(project_id))
    sock.recv_until("jobState", where=completed(project_id))
    sock.send("jobRequest", image_job_request(project_id.lower()))
    sync(sock)
    assert len(net.received("jobRequest")) == 2
    assert net.duplicate_requests() == [project_id]
    stats = net.stats()
    assert stats["projects_started"] == 1
    assert stats["job_request_ids"] == 1
    assert stats["duplicate_job_requests"] == 1
    assert stats["projects_completed"] == 1
    assert len(net.sent("jobResult")) == 2  # one per image, once
    assert not net.sent("jobError")


def test_resend_after_a_reconnect_gets_the_rest_of_the_events() -> None:
    with LocalSupernet(step_delay=0.02, steps=40) as net:
        project_id = str(uuid.uuid4()).upper()
        first = RawSocket(net)
        first.recv_until("swarmLLMModels")
        first.send("jobRequest", image_job_request(project_id, count=1))
        first.recv_until("jobProgress")
        net.drop_connections()
        again = RawSocket(net, app_id=first.app_id)
        again.send("jobRequest", image_job_request(project_id, count=1))
        events = again.recv_until("jobState", where=completed(project_id))
        assert any(kind == "jobResult" for kind, _ in events)
        assert net.stats()["projects_started"] == 1
        assert net.duplicate_requests("jobRequest") == [project_id]
        again.close()


def test_resent_llm_job_request_runs_once(net: LocalSupernet, sock: RawSocket) -> None:
    request = {
        "jobID": str(uuid.uuid4()).upper(),
        "type": "llm",
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "hello"}],
    }
    sock.send("llmJobRequest", request)
    sock.recv_until("llmJobResult")
    sock.send("llmJobRequest", request)
    sync(sock)
    assert len(net.sent("llmJobResult")) == 1
    stats = net.stats()
    assert (
        stats["chat_jobs_started"],
        stats["llm_request_ids"],
        stats["duplicate_llm_requests"],
    ) == (1, 1, 1)
    assert net.duplicate_requests("llmJobRequest") == [request["jobID"]]


def test_client_cancels_are_counted(sock: RawSocket, net: LocalSupernet) -> None:
    project_id = str(uuid.uuid4()).upper()
    sock.send("jobRequest", image_job_request(project_id, steps=500))
    sock.recv_until("jobProgress")
    sock.send(
        "jobError",
        {
            "jobID": project_id,
            "error": "artistCanceled",
            "error_message": "artistCanceled",
            "isFromWorker": False,
        },
    )
    wait_until(lambda: net.project(project_id)["status"] == "cancelled", what="cancelled")
    stats = net.stats()
    assert (stats["cancelled_by_client"], stats["projects_cancelled"]) == (1, 1)
    assert stats["duplicate_job_requests"] == 0


# --- the authenticated snapshot --------------------------------------------------------------


def greeting(net: LocalSupernet, **socket: Any) -> dict[str, Any]:
    raw = RawSocket(net, **socket)
    try:
        kind, payload = raw.recv()
        assert kind == "authenticated"
        return dict(payload)
    finally:
        raw.close()


def test_authenticated_lists_unfinished_projects_and_chat_jobs() -> None:
    with LocalSupernet(step_delay=0.2, steps=50) as net:
        project_id, chat_id = str(uuid.uuid4()).upper(), str(uuid.uuid4()).upper()
        sock = RawSocket(net)
        sock.recv_until("swarmLLMModels")
        sock.send("jobRequest", image_job_request(project_id, count=1))
        sock.send(
            "llmJobRequest",
            {
                "jobID": chat_id,
                "type": "llm",
                "model": CHAT_MODEL,
                "messages": [{"role": "user", "content": "hi " * 30}],
            },
        )
        sock.recv_until("jobState", where=lambda p: p["jobID"] == chat_id)
        assert greeting(net)["activeProjects"] == [project_id, chat_id]
        other = net.add_account("other", address="0x" + "ab" * 20)
        token, _ = net.issue_tokens(other.address)
        assert greeting(net, token=token)["activeProjects"] == []
        sock.close()


def test_finished_work_is_not_active(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = str(uuid.uuid4()).upper()
    sock.send("jobRequest", image_job_request(project_id))
    sock.recv_until("jobState", where=completed(project_id))
    assert greeting(net)["activeProjects"] == []


# --- outages and restarts --------------------------------------------------------------------


def test_outage_cuts_sockets_and_refuses_every_connection(
    net: LocalSupernet, sock: RawSocket
) -> None:
    port = net.port
    with httpx.Client() as keep_alive:
        assert me_on(net, keep_alive).status_code == 200
        with net.outage():
            assert net.in_outage
            with pytest.raises((websocket.WebSocketException, OSError)):
                sock.recv(timeout=5)
            with pytest.raises(httpx.TransportError):
                me_on(net, keep_alive)
            with pytest.raises(httpx.ConnectError):
                me(net)
            with pytest.raises(ConnectionRefusedError):
                RawSocket(net)
        assert not net.in_outage
        assert net.port == port
        assert me_on(net, keep_alive).status_code == 200
    again = RawSocket(net)
    assert again.recv()[0] == "authenticated"
    again.close()


def me_on(net: LocalSupernet, client: httpx.Client) -> httpx.Response:
    return client.get(net.rest_url + "/v1/account/me", headers={"api-key": net.api_key}, timeout=5)


def test_outage_cuts_event_streams() -> None:
    with LocalSupernet(step_delay=0.5) as net:
        body = {
            "input": {
                "title": "t",
                "steps": [
                    {"id": "img", "toolName": "generate_image", "arguments": {"prompt": "a cat"}}
                ],
            }
        }
        workflow = httpx.post(
            f"{net.rest_url}/v1/creative-agent/workflows",
            json=body,
            headers={"api-key": net.api_key},
        ).json()["data"]["workflow"]
        url = f"{net.rest_url}/v1/creative-agent/workflows/{workflow['workflowId']}/events/stream"
        with httpx.stream("GET", url, headers={"api-key": net.api_key}, timeout=10) as response:
            lines = response.iter_lines()
            assert next(lines).startswith("id: ")
            assert net.start_outage() == 1
            with pytest.raises(httpx.HTTPError):
                for _ in lines:
                    pass
        net.end_outage()


def test_projects_keep_running_through_an_outage_and_their_events_are_lost() -> None:
    with LocalSupernet(step_delay=0.01, steps=30) as net:
        project_id = str(uuid.uuid4()).upper()
        sock = RawSocket(net)
        sock.recv_until("swarmLLMModels")
        sock.send("jobRequest", image_job_request(project_id, count=1))
        sock.recv_until("jobProgress")
        with net.outage():
            wait_until(
                lambda: net.project(project_id)["status"] == "completed",
                what="the project completing during the outage",
            )
        assert project_record(net, project_id).json()["data"]["project"]["status"] == "completed"
        assert not net.sent("jobResult")
        assert net.stats()["projects_completed"] == 1


def test_outage_calls_are_idempotent(net: LocalSupernet) -> None:
    net.end_outage()  # none on: nothing happens
    net.start_outage()
    assert net.start_outage() == 0
    net.end_outage()
    net.end_outage()
    assert me(net).status_code == 200


def test_restart_keeps_the_port_and_every_record(net: LocalSupernet, sock: RawSocket) -> None:
    port = net.port
    project_id = str(uuid.uuid4()).upper()
    sock.send("jobRequest", image_job_request(project_id))
    sock.recv_until("jobState", where=completed(project_id))
    account = net.add_account("kept", address="0x" + "cd" * 20)
    assert net.restart() == 1
    assert net.port == port
    with pytest.raises((websocket.WebSocketException, OSError)):
        sock.recv(timeout=5)
    assert project_record(net, project_id).json()["data"]["project"]["status"] == "completed"
    token, _ = net.issue_tokens(account.address)
    assert greeting(net, token=token)["username"] == "kept"
    assert len(net.received("jobRequest")) == 1
    assert net.stats()["projects_started"] == 1


def test_restart_ends_an_outage(net: LocalSupernet) -> None:
    net.start_outage()
    net.restart()
    assert not net.in_outage
    assert me(net).status_code == 200


def test_stop_works_during_an_outage_and_removes_the_temp_folder() -> None:
    net = LocalSupernet().start()
    temp = net.temp_dir
    assert temp is not None and temp.is_dir()
    net.start_outage()
    net.stop()
    assert not temp.exists()
    net.stop()  # already stopped: nothing happens
    assert net.stats()["projects_started"] == 0  # counters stay readable


def test_stop_removes_uploads_and_rendered_results(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = str(uuid.uuid4()).upper()
    sock.send("jobRequest", image_job_request(project_id, count=1))
    sock.recv_until("jobState", where=completed(project_id))
    url = httpx.get(
        f"{net.rest_url}/v1/image/downloadUrl",
        params={
            "jobId": project_id,
            "imageId": net.project(project_id)["workerJobs"][0]["imgID"],
            "type": "complete",
        },
        headers={"api-key": net.api_key},
    ).json()["data"]["downloadUrl"]
    assert httpx.get(url).status_code == 200
    temp = net.temp_dir
    assert temp is not None and any(temp.iterdir())
    net.stop()
    assert not temp.exists()
