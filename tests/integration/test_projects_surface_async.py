"""The reference's projects and jobs surface on the async client, against the local
Supernet: the same calls as the sync client, callbacks in the event loop, and the calls
that need no I/O staying plain (not coroutines)."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from collections.abc import Iterator

import httpx
import pytest

from sogni import SogniError, ValidationError
from sogni.core.projects import ProjectEvent
from sogni.testing import LocalSupernet
from sogni.testing.catalogue import Model, default_catalogue
from sogni_async import AsyncSogniClient

pytestmark = pytest.mark.anyio

PNG = b"\x89PNG\r\n\x1a\n"
NEW_AUDIO = Model(
    id="zz-sound-maker-2", name="Sound Maker", sid=990002, tier="ace-step-turbo", media="audio"
)


@pytest.fixture
def audio_net() -> Iterator[LocalSupernet]:
    catalogue = default_catalogue()
    catalogue.models.append(NEW_AUDIO)
    with LocalSupernet(api_key="test-key", catalogue=catalogue) as server:
        yield server


def _client(net: LocalSupernet) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    )


async def test_models_by_network_and_model_kinds(audio_net: LocalSupernet) -> None:
    async with _client(audio_net) as client:
        models = await client.projects.get_available_models("fast")
        assert any(r.path == "/api/v1/status/network/fast/models" for r in audio_net.requests())
        sound = next(m for m in models if m.id == NEW_AUDIO.id)
        assert sound.media == "audio" and sound.name == "Sound Maker"
        # Plain calls: answered from what the client knows, never coroutines.
        assert client.projects.is_audio_model_id(NEW_AUDIO.id) is True
        assert client.projects.is_video_model_id("wan_v2.2-14b-fp8_t2v") is True
        assert client.projects.is_video_model_id(NEW_AUDIO.id) is False
        with pytest.raises(ValidationError):
            await client.projects.get_available_models("everywhere")  # type: ignore[arg-type]


async def test_projects_events_run_in_the_loop_and_tracked_projects(
    audio_net: LocalSupernet,
) -> None:
    async with _client(audio_net) as client:
        loop_thread = threading.current_thread().name
        threads: set[str] = set()
        jobs: list[ProjectEvent] = []
        done = asyncio.Event()
        models = asyncio.Event()

        async def on_project(event: ProjectEvent) -> None:  # awaited in the loop
            threads.add(threading.current_thread().name)
            if event.type == "completed":
                done.set()

        def on_job(event: ProjectEvent) -> None:
            threads.add(threading.current_thread().name)
            jobs.append(event)

        client.projects.on("project", on_project)
        off = client.projects.on("job", on_job)
        client.projects.on("available_models", lambda value: models.set())
        assert not inspect.iscoroutine(off)
        project = await client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        assert client.projects.tracked_projects == [project]
        await asyncio.wait_for(done.wait(), 30)
        await asyncio.wait_for(models.wait(), 10)
        assert threads == {loop_thread}
        assert {e.job_id for e in jobs} == {project.jobs[0].id}
        assert client.projects.tracked_projects == []
        off()
        count = len(jobs)
        again = await client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="y")
        await again.wait_for_completion(timeout=30)
        assert len(jobs) == count


async def test_job_surface_fresh_urls_bytes_and_snapshot(audio_net: LocalSupernet) -> None:
    async with _client(audio_net) as client:
        project = await client.projects.create(
            model_id="flux1-schnell-fp8", positive_prompt="a fox", number_of_media=2
        )
        completed = asyncio.Event()
        started = asyncio.Event()
        project.on("job_started", lambda event: started.set())
        await asyncio.wait_for(started.wait(), 30)
        job = project.jobs[0]
        seen: list[str] = []

        async def on_job(event: ProjectEvent) -> None:
            seen.append(event.type)
            if event.type == "job_completed":
                completed.set()

        job.on("*", on_job)
        await project.wait_for_completion(timeout=30)
        await asyncio.wait_for(completed.wait(), 10)
        assert seen[-1] == "job_completed"
        assert job.finished and job.has_result_media and job.type == "image"
        assert job.project_id == project.id and job.enhanced_image is None
        assert job.eta_seconds is None or job.eta_seconds >= 0
        first, second = await job.get_result_url(), await job.get_result_url()
        assert first != second and job.result_url == second
        data = await job.aread()
        assert data.startswith(PNG)
        assert project.job(job.id) is job and project.job("missing") is None
        snapshot = project.to_dict()
        assert json.loads(json.dumps(snapshot)) == snapshot
        assert [j["id"] for j in snapshot["jobs"]] == [j.id for j in project.jobs]

        url = await job.enhance("medium", timeout=30)
        enhanced = job.enhanced_image
        assert enhanced is not None and enhanced.status == "completed"
        assert enhanced.result == url
        assert await enhanced.get_result_url() != url


async def test_result_url_of_a_running_job_is_an_error() -> None:
    with LocalSupernet(api_key="test-key", step_delay=0.5) as net:
        async with _client(net) as client:
            project = await client.projects.create(
                model_id="flux1-schnell-fp8", positive_prompt="x"
            )
            # events() replays what came before: a callback registered now could miss it.
            async for event in project.events(timeout=30):
                if event.type == "job_started":
                    break
            else:
                pytest.fail("no job started")
            with pytest.raises(SogniError, match="has not completed"):
                await project.jobs[0].get_result_url()
            await project.cancel()


async def test_signed_url_calls(audio_net: LocalSupernet) -> None:
    job_id = "0C6F8B3A-7E21-4C5D-8A9B-1F2E3D4C5B6A"
    async with _client(audio_net) as client, httpx.AsyncClient() as http:
        upload = await client.projects.upload_url(job_id, "referenceImage", image_id="IMG-1")
        assert (await http.put(upload, content=PNG + b"\x00" * 32)).is_success
        query = [r for r in audio_net.requests() if r.path == "/v1/image/uploadUrl"][-1].query
        assert query["imageId"] == "IMG-1" and query["type"] == "referenceImage"
        download = await client.projects.download_url(job_id, "IMG-1", "referenceImage")
        assert (await http.get(download)).content.startswith(PNG)
        video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32
        media = await client.projects.media_upload_url(
            job_id, "referenceVideo", content_type="video/mp4"
        )
        assert (await http.put(media, content=video)).is_success
        fetched = await client.projects.media_download_url(job_id, "referenceVideo")
        assert (await http.get(fetched)).content == video
        with pytest.raises(ValidationError):
            await client.projects.download_url(job_id, "  ")
