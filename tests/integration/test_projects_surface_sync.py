"""The reference's projects and jobs surface on the sync client, against the local Supernet:
models by network, model kinds, projects-wide events, tracked projects, job events and
properties, fresh result URLs, result bytes, snapshots and the signed-URL calls."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sogni import Project, SogniClient, SogniError, ValidationError
from sogni.core.projects import ProjectEvent
from sogni.testing import LocalSupernet
from sogni.testing.catalogue import Model, default_catalogue

PNG = b"\x89PNG\r\n\x1a\n"
#: A model only the catalogue can tell to be a video model (its id names no family).
NEW_VIDEO = Model(
    id="zz-moving-pictures-1",
    name="Moving Pictures",
    sid=990001,
    tier="wan22-lightx2v",
    media="video",
)


def _wait_for_start(project: Project) -> None:
    """Until a job started (``events()`` replays what came before: a callback registered
    now could miss a start that already happened)."""
    assert any(event.type == "job_started" for event in project.events(timeout=30))


@pytest.fixture
def surface_net() -> Iterator[LocalSupernet]:
    catalogue = default_catalogue()
    catalogue.models.append(NEW_VIDEO)
    with LocalSupernet(api_key="test-key", catalogue=catalogue) as server:
        yield server


@pytest.fixture
def sogni(surface_net: LocalSupernet) -> Iterator[SogniClient]:
    with SogniClient(
        api_key=surface_net.api_key,
        rest_endpoint=surface_net.rest_url,
        socket_endpoint=surface_net.socket_url,
    ) as client:
        yield client


def _paths(net: LocalSupernet, path: str) -> list[Any]:
    return [r for r in net.requests() if r.path == path]


def test_available_models_of_a_network_are_named_from_the_catalogue(
    surface_net: LocalSupernet, sogni: SogniClient
) -> None:
    models = sogni.projects.get_available_models("relaxed")
    assert _paths(surface_net, "/api/v1/status/network/relaxed/models")
    supported = {m.id: m for m in sogni.projects.get_supported_models()}
    assert {m.id for m in models} == set(supported)
    flux = next(m for m in models if m.id == "flux1-schnell-fp8")
    assert flux.name == supported["flux1-schnell-fp8"].name and flux.worker_count == 3
    assert next(m for m in models if m.id == NEW_VIDEO.id).media == "video"
    before = len(surface_net.requests())
    with pytest.raises(ValidationError) as info:
        sogni.projects.get_available_models("slow")  # type: ignore[arg-type]
    assert info.value.allowed == ["fast", "relaxed"]
    assert len(surface_net.requests()) == before  # refused before any I/O


def test_model_kinds_prefer_the_catalogue(sogni: SogniClient) -> None:
    assert sogni.projects.is_video_model_id("wan_v2.2-14b-fp8_t2v") is True
    assert sogni.projects.is_audio_model_id("ace_step_1.5_turbo") is True
    assert sogni.projects.is_video_model_id("flux1-schnell-fp8") is False
    sogni.projects.get_supported_models()
    assert sogni.projects.is_video_model_id(NEW_VIDEO.id) is True
    assert sogni.projects.is_audio_model_id(NEW_VIDEO.id) is False
    with pytest.raises(ValidationError):
        sogni.projects.is_video_model_id("")


def test_projects_events_and_tracked_projects(sogni: SogniClient) -> None:
    project_events: list[ProjectEvent] = []
    job_events: list[ProjectEvent] = []
    model_lists: list[list[Any]] = []
    done = threading.Event()
    announced = threading.Event()

    def on_project(event: ProjectEvent) -> None:
        project_events.append(event)
        if event.type == "completed":
            done.set()

    def on_models(models: list[Any]) -> None:
        model_lists.append(models)
        announced.set()

    sogni.projects.on("project", on_project)
    off_job = sogni.projects.on("job", job_events.append)
    sogni.projects.on("availableModels", on_models)
    project = sogni.projects.create(
        model_id="flux1-schnell-fp8", positive_prompt="a kite", number_of_media=2
    )
    assert sogni.projects.tracked_projects == [project]
    assert sogni.projects.tracked_projects[0] is project
    assert done.wait(30)
    assert announced.wait(10) and any(m.id == "flux1-schnell-fp8" for m in model_lists[-1])
    assert [e.type for e in project_events] == ["queued", "completed"]
    assert all(e.project_id == project.id and e.job_id is None for e in project_events)
    assert {e.job_id for e in job_events} == {job.id for job in project.jobs}
    assert sum(e.type == "job_completed" for e in job_events) == 2
    assert sogni.projects.tracked_projects == []  # finished: no longer followed

    off_job()
    seen_before = len(job_events)
    second = sogni.projects.create(model_id="flux1-schnell-fp8", positive_prompt="again")
    second.wait_for_completion(timeout=30)
    assert len(job_events) == seen_before  # removed
    with pytest.raises(ValidationError) as info:
        sogni.projects.on("jobs", print)  # type: ignore[arg-type]
    assert "available_models" in (info.value.allowed or [])


def test_job_events_properties_and_snapshot(sogni: SogniClient) -> None:
    project = sogni.projects.create(model_id="flux1-schnell-fp8", positive_prompt="a fox")
    _wait_for_start(project)
    job = project.jobs[0]
    completed: list[ProjectEvent] = []
    finished = threading.Event()

    def on_completed(event: ProjectEvent) -> None:
        completed.append(event)
        finished.set()

    job.on("completed", on_completed)
    project.wait_for_completion(timeout=30)
    assert finished.wait(10)
    assert completed[0].type == "job_completed" and completed[0].job_id == job.id
    assert job.finished and job.has_result_media and job.type == "image"
    assert job.project_id == project.id
    assert job.eta_seconds is None or job.eta_seconds >= 0
    assert job.enhanced_image is None
    assert project.job(job.id) is job and project.job(job.id.lower()) is job
    assert project.job("no-such-job") is None
    snapshot = project.to_dict()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["status"] == "completed" and snapshot["model_id"] == "flux1-schnell-fp8"
    assert snapshot["params"]["positive_prompt"] == "a fox"
    assert snapshot["jobs"][0]["id"] == job.id and snapshot["jobs"][0]["result_url"]
    with pytest.raises(ValidationError):
        job.on("queued", print)  # type: ignore[arg-type]


def test_result_urls_are_signed_afresh_and_bytes_read_without_a_file(
    surface_net: LocalSupernet, sogni: SogniClient, tmp_path: Any
) -> None:
    project = sogni.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
    project.wait_for_completion(timeout=30)
    job = project.jobs[0]

    def signings() -> int:
        calls = _paths(surface_net, "/v1/image/downloadUrl")
        return sum(r.query.get("imageId") == job.id for r in calls)

    signed = signings()
    first = job.get_result_url()
    second = job.get_result_url()
    assert first != second and job.result_url == second
    assert signings() == signed + 2  # a new request each time, not the cached URL
    data = job.read()
    assert data.startswith(PNG)
    assert job.download(tmp_path).read_bytes() == data

    hosted = sogni.projects.create(model_id="gpt-image-2", positive_prompt="a lamp")
    hosted.wait_for_completion(timeout=30)
    direct = hosted.jobs[0]
    assert direct.get_result_url() == direct.result_url  # a hosted file: nothing to re-sign
    calls = _paths(surface_net, "/v1/image/downloadUrl")
    assert not [r for r in calls if r.query.get("imageId") == direct.id]
    assert direct.read().startswith(PNG)

    audio = sogni.projects.create(
        type="audio", model_id="ace_step_1.5_turbo", positive_prompt="lofi", duration=10
    )
    audio.wait_for_completion(timeout=30)
    track = audio.jobs[0]
    assert track.type == "audio"
    assert track.get_result_url() != track.get_result_url()
    assert _paths(surface_net, "/v1/media/downloadUrl")[-1].query["contentType"] == "audio/mpeg"
    assert len(track.read()) > 1000


def test_result_url_of_a_running_job_is_an_error() -> None:
    with (
        LocalSupernet(api_key="test-key", step_delay=0.5) as net,
        SogniClient(
            api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
        ) as client,
    ):
        project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        _wait_for_start(project)
        job = project.jobs[0]
        assert not job.finished and not job.has_result_media
        with pytest.raises(SogniError, match="has not completed"):
            job.get_result_url()
        project.cancel()


def test_enhanced_image_follows_the_enhancement(sogni: SogniClient) -> None:
    project = sogni.projects.create(model_id="z_image_turbo_bf16", positive_prompt="fox")
    project.wait_for_completion(timeout=30)
    job = project.jobs[0]
    url = job.enhance("light", timeout=30)
    enhanced = job.enhanced_image
    assert enhanced is not None
    assert enhanced.status == "completed" and enhanced.progress == 100
    assert enhanced.result == url and enhanced.error is None
    assert enhanced.get_result_url() != url  # signed again
    assert enhanced.project.model_id == "flux1-schnell-fp8"


def test_signed_url_calls_upload_and_download_assets(
    surface_net: LocalSupernet, sogni: SogniClient
) -> None:
    job_id = "5D8C0F7E-2A41-4D6B-9E1F-3C2B7A6D9E10"
    upload = sogni.projects.upload_url(job_id, "startingImage", content_type="image/png")
    image = PNG + b"\x00" * 64
    assert httpx.put(upload, content=image, headers={"Content-Type": "image/png"}).is_success
    request = _paths(surface_net, "/v1/image/uploadUrl")[-1]
    assert request.query["jobId"] == job_id and request.query["imageId"]
    download = sogni.projects.download_url(job_id, "ANY", "startingImage")
    assert httpx.get(download).content == image

    media = sogni.projects.media_upload_url(job_id, "referenceAudio", content_type="audio/mpeg")
    sound = b"ID3" + b"\x00" * 64
    assert httpx.put(media, content=sound, headers={"Content-Type": "audio/mpeg"}).is_success
    assert "id" not in _paths(surface_net, "/v1/media/uploadUrl")[-1].query
    fetched = sogni.projects.media_download_url(job_id, "referenceAudio")
    assert httpx.get(fetched).content == sound

    before = len(surface_net.requests())
    with pytest.raises(ValidationError):
        sogni.projects.upload_url("", "startingImage")
    with pytest.raises(ValidationError):
        sogni.projects.media_download_url(job_id, "")
    assert len(surface_net.requests()) == before
