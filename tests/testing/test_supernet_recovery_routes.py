"""The local Supernet's project recovery routes: the owner's live lookup, the recovery
snapshot per app id, the live id list and the render history."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
from supernet_helpers import RawSocket, image_job_request, wait_until

from sogni.testing import LocalSupernet
from sogni.testing.projects_api import SYNC_LIMIT


def new_project_id() -> str:
    return str(uuid.uuid4()).upper()


def get(
    net: LocalSupernet, path: str, headers: dict[str, str] | None = None, **params: Any
) -> httpx.Response:
    return httpx.get(
        net.rest_url + path, params=params, headers=headers or {"api-key": net.api_key}
    )


def started(sock: RawSocket, project_id: str) -> None:
    sock.recv_until(
        "jobState", where=lambda p: p.get("type") == "jobStarted" and p.get("jobID") == project_id
    )


def completed(sock: RawSocket, project_id: str) -> None:
    sock.recv_until(
        "jobState", where=lambda p: p.get("type") == "jobCompleted" and p.get("jobID") == project_id
    )


def test_status_lookup_while_running_and_after() -> None:
    with LocalSupernet(step_delay=0.2) as net:
        sock = RawSocket(net)
        project_id = new_project_id()
        sock.send("jobRequest", image_job_request(project_id, count=1, steps=8))
        started(sock, project_id)
        running = get(net, f"/v2/projects/{project_id.lower()}")
        assert running.status_code == 200
        project = running.json()["data"]["project"]
        assert project["id"] == project_id
        assert project["status"] in ("queued", "processing")
        assert project["finished"] is False
        assert project["completedWorkerJobs"] == []
        assert len(project["workerJobs"]) == 1
        # The finished-record route knows the project too, with its raw status.
        assert get(net, f"/v1/projects/{project_id}").json()["data"]["project"]["status"] in (
            "active",
            "assigned",
            "progress",
        )
        sock.close()


def test_status_lookup_is_owner_scoped(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = new_project_id()
    sock.send("jobRequest", image_job_request(project_id, count=1, steps=2))
    completed(sock, project_id)
    done = get(net, f"/v2/projects/{project_id}").json()["data"]["project"]
    assert (done["status"], done["finished"]) == ("completed", True)
    assert [job["status"] for job in done["completedWorkerJobs"]] == ["jobCompleted"]
    assert done["completedWorkerJobs"][0]["outputFormat"] == "png"

    other = net.add_account("someone-else", address="0x" + "ab" * 20)
    token, _ = net.issue_tokens(other.address)
    refused = get(net, f"/v2/projects/{project_id}", headers={"Authorization": token})
    assert refused.status_code == 404
    assert get(net, f"/v2/projects/{new_project_id()}").status_code == 404
    assert get(net, f"/v2/projects/{project_id}", headers={"api-key": "wrong"}).status_code == 401


def test_sync_snapshot_is_scoped_to_an_app_id() -> None:
    with LocalSupernet(step_delay=0.2) as net:
        first, second = RawSocket(net, app_id="app-one"), RawSocket(net, app_id="app-two")
        one, two = new_project_id(), new_project_id()
        first.send(
            "jobRequest",
            {
                **image_job_request(one, count=1, steps=8),
                "appSource": "studio",
                "tokenType": "spark",
            },
        )
        second.send("jobRequest", image_job_request(two, count=1, steps=8))
        started(first, one)
        started(second, two)

        scoped = get(net, "/api/v1/artist/projects/sync", appId="app-one").json()
        assert [p["id"] for p in scoped["activeProjects"]] == [one]
        assert scoped["unclaimedCompletedProjects"] == []
        assert isinstance(scoped["serverTime"], int)
        recovered = scoped["activeProjects"][0]
        assert recovered["appId"] == "app-one"
        assert recovered["appSource"] == "studio"
        assert recovered["tokenType"] == "spark"
        assert recovered["model"]["id"] == "flux1-schnell-fp8"
        assert recovered["imageCount"] == 1 and recovered["stepCount"] == 8
        request = json.loads(base64.b64decode(recovered["clientRequestData"]))
        assert request["jobID"] == one and request["keyFrames"][0]["positivePrompt"] == "a cat"
        assert all(job["id"] == one for job in recovered["workerJobs"])

        every = get(net, "/api/v1/artist/projects/sync").json()
        assert {p["id"]: p["appId"] for p in every["activeProjects"]} == {
            one: "app-one",
            two: "app-two",
        }
        live = get(net, "/api/v1/artist/projects/active").json()
        assert sorted(p["id"] for p in live["projects"]) == sorted([one, two])
        first.close()
        second.close()


def test_projects_that_finish_without_a_socket_are_unclaimed() -> None:
    with LocalSupernet(step_delay=0.1) as net:
        sock = RawSocket(net, app_id="app-away")
        project_id = new_project_id()
        sock.send("jobRequest", image_job_request(project_id, count=1, steps=8))
        started(sock, project_id)
        sock.close()

        def finished() -> bool:
            record = net.project(project_id)
            return record is not None and record["status"] == "completed"

        wait_until(finished, what="the project to finish")
        snapshot = get(net, "/api/v1/artist/projects/sync", appId="app-away").json()
        assert snapshot["activeProjects"] == []
        assert [p["id"] for p in snapshot["unclaimedCompletedProjects"]] == [project_id]
        assert snapshot["unclaimedCompletedProjects"][0]["status"] == "completed"
        # Read-only: the next read lists it again; another app id never sees it.
        again = get(net, "/api/v1/artist/projects/sync", appId="app-away").json()
        assert [p["id"] for p in again["unclaimedCompletedProjects"]] == [project_id]
        other = get(net, "/api/v1/artist/projects/sync", appId="app-other").json()
        assert other["unclaimedCompletedProjects"] == []


def test_sync_reads_are_rate_limited_per_account(net: LocalSupernet) -> None:
    answers = [get(net, "/api/v1/artist/projects/sync").status_code for _ in range(SYNC_LIMIT + 1)]
    assert answers[:SYNC_LIMIT] == [200] * SYNC_LIMIT
    assert answers[-1] == 429
    limited = get(net, "/api/v1/artist/projects/sync")
    assert int(limited.headers["Retry-After"]) >= 1


def test_jobs_list_is_the_accounts_finished_renders(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = new_project_id()
    sock.send(
        "jobRequest", {**image_job_request(project_id, count=2, steps=2), "appSource": "studio"}
    )
    completed(sock, project_id)
    address = sock_address(net)
    answer = get(
        net,
        "/v1/jobs/list",
        role="artist",
        address=address,
        state="completed",
        mediaOnly="true",
        limit=1,
    )
    jobs = answer.json()["data"]["jobs"]
    assert len(jobs) == 1
    assert jobs[0]["parentRequest"] == {
        "id": project_id,
        "model": {"id": "flux1-schnell-fp8", "name": "Flux.1 [schnell]"},
        "appSource": "studio",
    }
    assert jobs[0]["status"] == "jobCompleted"
    both = get(net, "/v1/jobs/list", address=address, appSource="studio").json()["data"]["jobs"]
    assert len(both) == 2 and both[0]["endTime"] >= both[1]["endTime"]
    assert get(net, "/v1/jobs/list", address=address, appSource="cli").json()["data"]["jobs"] == []
    assert get(net, "/v1/jobs/list", address="0x" + "00" * 20).status_code == 403
    assert get(net, "/v1/jobs/list", address=address, limit=101).status_code == 400
    assert get(net, "/v1/jobs/list", address=address, since=0).status_code == 400


def sock_address(net: LocalSupernet) -> str:
    return str(net.sent("authenticated")[0]["address"])
