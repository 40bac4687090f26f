"""The async client end to end against the local Supernet."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from sogni import AuthenticationError, ProjectCanceled, ValidationError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

pytestmark = pytest.mark.anyio


def _client(net: LocalSupernet, **kwargs: object) -> AsyncSogniClient:
    options: dict[str, object] = {"api_key": net.api_key, **kwargs}
    return AsyncSogniClient(
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        **options,  # type: ignore[arg-type]
    )


async def test_two_image_project_downloads_pngs(net: LocalSupernet, tmp_path: Path) -> None:
    async with _client(net) as client:
        models = await client.projects.wait_for_models(timeout=10)
        assert any(m.id == "flux1-schnell-fp8" for m in models)
        project = await client.projects.create(
            model_id="flux1-schnell-fp8",
            positive_prompt="a fox",
            number_of_media=2,
            size_preset="custom",
            width=512,
            height=768,
        )
        types = [event.type async for event in project]
        assert types[0] == "queued" and types[-1] == "completed"
        urls = await project.wait_for_completion(timeout=30)
        assert len(urls) == 2
        files = await project.download_all(tmp_path)
    for path in files:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (512, 768)
    assert net.received("jobRequest")[0]["numberOfImages"] == 2


async def test_callbacks_run_in_the_event_loop(net: LocalSupernet) -> None:
    import asyncio
    import threading

    async with _client(net) as client:
        project = await client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        threads: list[str] = []
        finished = asyncio.Event()
        project.on("*", lambda event: threads.append(threading.current_thread().name))
        project.on("completed", lambda event: finished.set())
        await asyncio.wait_for(finished.wait(), 30)
    assert set(threads) == {threading.current_thread().name}


async def test_invalid_parameters_send_nothing(net: LocalSupernet) -> None:
    async with _client(net) as client:
        with pytest.raises(ValidationError) as info:
            await client.projects.create(
                model_id="flux1-schnell-fp8", positive_prompt="x", sampler="nonsense"
            )
        assert info.value.field == "sampler"
    assert net.received("jobRequest") == []


async def test_wrong_api_key(net: LocalSupernet) -> None:
    async with _client(net, api_key="nope") as client:
        with pytest.raises(AuthenticationError):
            await client.projects.wait_for_models(timeout=10)


async def test_cancel(slow_net: LocalSupernet) -> None:
    async with _client(slow_net) as client:
        project = await client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        await project.cancel()
        with pytest.raises(ProjectCanceled):
            await project.wait_for_completion(timeout=10)
    assert slow_net.wait_for_received("jobError", timeout=10)[0]["jobID"] == project.id
