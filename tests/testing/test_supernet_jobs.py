"""The jobRequest lifecycle over a raw socket, and the REST view of projects."""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from typing import Any

import httpx
from PIL import Image
from supernet_helpers import RawSocket, image_job_request

from sogni.testing import LocalSupernet


def new_project_id() -> str:
    return str(uuid.uuid4()).upper()


def rest(net: LocalSupernet, path: str, **params: Any) -> httpx.Response:
    return httpx.get(net.rest_url + path, params=params, headers={"api-key": net.api_key})


def is_completed(project_id: str) -> Any:
    return lambda p: p.get("type") == "jobCompleted" and p.get("jobID") == project_id


def test_two_image_project_event_order(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = new_project_id()
    sock.send("jobRequest", image_job_request(project_id, steps=4, seed=42))
    events = sock.recv_until("jobState", where=is_completed(project_id))

    assert events[0] == ("jobState", {"type": "queued", "jobID": project_id, "queuePosition": 0})
    per_job: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for kind, payload in events:
        assert payload.get("jobID") == project_id or kind == "balanceUpdate"
        if "imgID" in payload:
            per_job[payload["imgID"]].append((kind, payload))
    assert len(per_job) == 2
    for img_id, job_events in per_job.items():
        assert img_id == img_id.upper() and len(img_id) == 36
        labels = [k if k != "jobState" else p["type"] for k, p in job_events]
        assert labels[:2] == ["initiatingModel", "jobStarted"]
        assert labels[-1] == "jobResult"
        steps = [p["step"] for k, p in job_events if k == "jobProgress"]
        assert steps == [1, 2, 3, 4]
        assert all(p["stepCount"] == 4 for k, p in job_events if k == "jobProgress")
        assert "jobETA" in labels
        result = job_events[-1][1]
        assert result["performedStepCount"] == 4
        assert result["triggeredNSFWFilter"] is False
        assert isinstance(result["lastSeed"], str)
    seeds = sorted(int(jobs[-1][1]["lastSeed"]) for jobs in per_job.values())
    assert seeds == [42, 43]
    assert events[-1][0] == "jobState" and events[-1][1] == {
        "type": "jobCompleted",
        "jobID": project_id,
    }

    body = rest(net, f"/v1/projects/{project_id}").json()
    assert body["status"] == "success"
    project = body["data"]["project"]
    assert project["id"] == project_id
    assert project["status"] == "completed"
    assert project["reason"] == "allJobsCompleted"
    assert project["imageCount"] == 2 and project["stepCount"] == 4
    assert project["model"]["id"] == "flux1-schnell-fp8"
    completed = project["completedWorkerJobs"]
    assert {job["imgID"] for job in completed} == set(per_job)
    for job in completed:
        assert job["status"] == "jobCompleted"
        assert job["performedSteps"] == 4
        assert job["seedUsed"] in (42, 43)
    assert net.received("jobRequest")[0]["jobID"] == project_id


def test_result_images_have_the_requested_size_and_format(
    net: LocalSupernet, sock: RawSocket
) -> None:
    project_id = new_project_id()
    sock.send("jobRequest", image_job_request(project_id, count=1, sizePreset="portrait_7_9"))
    events = sock.recv_until("jobState", where=is_completed(project_id))
    img_id = next(p["imgID"] for k, p in events if k == "jobResult")
    for content_type, pil_format in (
        ("image/png", "PNG"),
        ("image/jpeg", "JPEG"),
        ("image/webp", "WEBP"),
        (None, "PNG"),
    ):
        params = {"jobId": project_id, "imageId": img_id, "type": "complete"}
        if content_type:
            params["contentType"] = content_type
        url = rest(net, "/v1/image/downloadUrl", **params).json()["data"]["downloadUrl"]
        download = httpx.get(url)
        assert download.status_code == 200
        image = Image.open(io.BytesIO(download.content))
        assert image.format == pil_format
        assert image.size == (896, 1152)
        assert download.headers["content-type"] == Image.MIME[pil_format]


def test_previews_flag_progress_events_and_serve_preview_images(
    net: LocalSupernet, sock: RawSocket
) -> None:
    project_id = new_project_id()
    request = image_job_request(project_id, count=1, steps=8)
    request["previews"] = 3
    sock.send("jobRequest", request)
    events = sock.recv_until("jobState", where=is_completed(project_id))
    flagged = [p for k, p in events if k == "jobProgress" and p.get("hasImage") is True]
    assert len(flagged) == 3
    assert all(p["step"] < 8 for p in flagged)
    url = rest(
        net, "/v1/image/downloadUrl", jobId=project_id, imageId=flagged[0]["imgID"], type="preview"
    ).json()["data"]["downloadUrl"]
    preview = Image.open(io.BytesIO(httpx.get(url).content))
    preview.verify()


def test_binary_frames_are_accepted(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = new_project_id()
    sock.send("jobRequest", image_job_request(project_id, count=1), binary=True)
    sock.recv_until("jobState", where=is_completed(project_id))


def test_cancel_stops_a_running_project() -> None:
    with LocalSupernet(step_delay=0.05, steps=40) as net:
        raw = RawSocket(net)
        raw.recv_until("swarmLLMModels")
        project_id = new_project_id()
        raw.send("jobRequest", image_job_request(project_id, count=2))
        raw.recv_until("jobProgress")
        raw.send(
            "jobError",
            {
                "jobID": project_id,
                "error": "artistCanceled",
                "error_message": "artistCanceled",
                "isFromWorker": False,
            },
        )
        events = raw.recv_until("artistCancelConfirmation")
        assert events[-1][1] == {"didCancel": True, "error_message": "", "jobID": project_id}
        results = net.wait_for_sent("jobResult", count=2, where=lambda p: p["jobID"] == project_id)
        assert all(r["userCanceled"] is True for r in results)
        assert all(r["performedStepCount"] < 40 for r in results)
        project = net.project(project_id)
        assert project is not None
        assert project["status"] == "cancelled" and project["reason"] == "artistCanceled"
        assert not [
            p
            for p in net.sent("jobState")
            if p["type"] == "jobCompleted" and p["jobID"] == project_id
        ]
        raw.close()


def test_cancel_of_unknown_project_is_answered(net: LocalSupernet, sock: RawSocket) -> None:
    sock.send(
        "jobError",
        {
            "jobID": "NOT-A-PROJECT",
            "error": "artistCanceled",
            "error_message": "artistCanceled",
            "isFromWorker": False,
        },
    )
    kind, payload = sock.recv()
    assert kind == "artistCancelConfirmation"
    assert payload["didCancel"] is False and payload["jobID"] == "NOT-A-PROJECT"


def test_unknown_model_fails_the_project(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = new_project_id()
    sock.send("jobRequest", image_job_request(project_id, model_id="no-such-model"))
    kind, payload = sock.recv()
    assert kind == "jobError"
    assert payload["jobID"] == project_id
    assert "imgID" not in payload
    assert payload["isFromWorker"] is False
    assert "no-such-model" in payload["error_message"]


def test_promised_upload_must_exist(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = new_project_id()
    sock.send("jobRequest", image_job_request(project_id, hasStartingImage=True, strength=0.5))
    kind, payload = sock.recv()
    assert kind == "jobError"
    assert "startingImage" in payload["error_message"]


def test_external_model_returns_a_direct_result_url(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = new_project_id()
    request = image_job_request(
        project_id, model_id="gpt-image-2", count=1, sizePreset="custom", width=1536, height=1024
    )
    request["outputFormat"] = "webp"
    sock.send("jobRequest", request)
    events = sock.recv_until("jobState", where=is_completed(project_id))
    progress = [p for k, p in events if k == "jobProgress"]
    assert progress and all(0 < p["progress"] <= 1 and "step" not in p for p in progress)
    result = next(p for k, p in events if k == "jobResult")
    download = httpx.get(result["resultUrl"])
    assert download.headers["content-type"] == "image/webp"
    image = Image.open(io.BytesIO(download.content))
    assert (image.format, image.size) == ("WEBP", (1536, 1024))
    job = net.project(project_id)["completedWorkerJobs"][0]  # type: ignore[index]
    assert job["resultUrl"] == result["resultUrl"]


def test_unknown_project_is_404(net: LocalSupernet) -> None:
    response = rest(net, "/v1/projects/NOPE")
    assert response.status_code == 404
    assert response.json()["status"] == "error"


def test_balance_is_charged_after_a_project(net: LocalSupernet, sock: RawSocket) -> None:
    project_id = new_project_id()
    request = image_job_request(project_id, count=1)
    request["tokenType"] = "spark"
    sock.send("jobRequest", request)
    sock.recv_until("jobState", where=is_completed(project_id))
    balance = rest(net, "/v4/account/balance").json()["data"]
    assert float(balance["spark"]["debit"]) > 0
    assert float(balance["spark"]["net"]) < float(balance["spark"]["settled"])
