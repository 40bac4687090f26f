"""Project recovery on the async client against the local Supernet: the live lookup of a
running project, a project a second client (another app id) started found and followed to
the end, sync after the socket was cut, results and the render history, and bad arguments
refused before any I/O."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from sogni import NotFoundError, ValidationError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient
from sogni_async._project import AsyncProject

MODEL = "flux1-schnell-fp8"

pytestmark = pytest.mark.anyio


def _client(net: LocalSupernet, app_id: str, **options: Any) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        app_id=app_id,
        **options,
    )


async def _until(project: AsyncProject, event_type: str) -> None:
    async for event in project.events(timeout=15):
        if event.type == event_type:
            return
    raise AssertionError(f"project {project.id} ended without a {event_type} event")


def _width(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return int(image.size[0])


async def test_the_live_lookup_of_a_running_project_and_its_results() -> None:
    with LocalSupernet(step_delay=0.2) as net:
        async with _client(net, "lookup") as client:
            project = await client.projects.create(
                model_id=MODEL, positive_prompt="a lighthouse", steps=8, number_of_media=1
            )
            await _until(project, "progress")
            status = await client.projects.get_status(project.id)
            assert (status.id, status.status, status.finished) == (project.id, "processing", False)
            assert status.worker_jobs is not None
            assert status.worker_jobs[0].img_id == project.jobs[0].id
            await project.wait_for_completion(timeout=15)
            result = await client.projects.get_result(project.id)
            assert (result.status, result.finished) == ("completed", True)
            [render] = result.jobs
            assert render.kind == "image" and render.url is not None
            async with httpx.AsyncClient() as http:
                assert _width((await http.get(render.url)).content) > 0


async def test_a_project_another_client_started_is_followed_to_the_end(tmp_path: Path) -> None:
    with LocalSupernet(step_delay=0.2) as net:
        async with _client(net, "creator") as creator, _client(net, "follower") as follower:
            started = await creator.projects.create(
                model_id=MODEL, positive_prompt="a fox", steps=8, number_of_media=2
            )
            await _until(started, "progress")
            [elsewhere] = await follower.projects.list_elsewhere()
            assert (elsewhere.id, elsewhere.app_id) == (started.id, "creator")
            assert await creator.projects.list_elsewhere() == []  # its own are not elsewhere

            project = await follower.projects.attach(elsewhere.id, poll_interval=0.1)
            assert isinstance(project, AsyncProject) and not project.finished
            seen = [event.type async for event in project.events(timeout=15)]
            assert seen[-1] == "completed" and seen.count("job_completed") == 2
            assert "progress" in seen
            urls = await project.wait_for_completion(timeout=5)
            assert len(urls) == 2
            path = await project.jobs[0].download(tmp_path)
            assert _width(path.read_bytes()) > 0
            assert await started.wait_for_completion(timeout=15)  # the creator's, as usual
            assert all(
                m.app_id != "follower"
                for m in net.messages()
                if m.type in ("jobProgress", "jobResult")
            )


async def test_sync_after_the_socket_was_cut_finishes_what_ended_meanwhile() -> None:
    with LocalSupernet(step_delay=0.1) as net:
        async with _client(net, "recovering") as client:
            project = await client.projects.create(
                model_id=MODEL, positive_prompt="a fox", steps=6, number_of_media=2
            )
            await _until(project, "progress")
            net.fail_requests("/", 503, exact=True, times=None)  # no reconnection for now
            net.drop_connections()
            assert net.wait_for_project(project.id)["status"] == "completed"
            assert not project.finished

            result = await client.projects.sync()
            assert result.completed == [project.id]
            assert (result.active, result.lost, result.unverified) == ([], [], [])
            assert len(await project.wait_for_completion(timeout=5)) == 2
            assert (await client.projects.sync()).recovered_completed == []


async def test_results_history_and_projects_nothing_lists() -> None:
    with LocalSupernet() as net:
        async with _client(net, "history", app_source="studio") as client:
            project = await client.projects.create(
                model_id=MODEL, positive_prompt="a bird", steps=2, number_of_media=1
            )
            await project.wait_for_completion(timeout=15)
            [recent] = await client.projects.list_recent(limit=10)
            assert (recent.id, recent.app_source) == (project.id, "studio")
            assert [r.id for r in recent.jobs] == [project.jobs[0].id]
            unknown = str(uuid.uuid4()).upper()
            verdicts = await client.projects.resolve_missing(
                [project.id, unknown], attempts=1, delay=0
            )
            assert (verdicts[project.id].state, verdicts[unknown].state) == ("finished", "lost")
            with pytest.raises(NotFoundError):
                await client.projects.get_result(unknown)


async def test_bad_arguments_are_refused_before_any_io(net: LocalSupernet) -> None:
    async with _client(net, "careful", connect=False) as client:
        with pytest.raises(ValidationError) as raised:
            await client.projects.get_status("not an id")
        assert raised.value.field == "project_id"
        with pytest.raises(ValidationError) as raised:
            await client.projects.attach("ABC", poll_interval=-1)
        assert raised.value.field == "poll_interval"
        with pytest.raises(ValidationError) as raised:
            await client.projects.resolve_missing(["ABC", 7])  # type: ignore[list-item]
        assert raised.value.field == "project_ids[1]"
        with pytest.raises(ValidationError) as raised:
            await client.projects.list_recent(limit=500)
        assert raised.value.field == "limit"
    assert net.requests() == []
