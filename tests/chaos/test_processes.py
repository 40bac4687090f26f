"""Pre-fork servers and event loops: a client made before ``os.fork()`` works in every
process, and the async client refuses a second live event loop at once."""

from __future__ import annotations

import asyncio
import os
import random
import threading

import pytest

from sogni import ClientClosed, SogniClient, WrongEventLoop
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

MODEL = "flux1-schnell-fp8"
LLM = "qwen3.6-35b-a3b-gguf-iq4xs"


def _child(client: SogniClient, write_fd: int, seen: list[object], answers: list[object]) -> None:
    """Runs in the forked child: its own project and chat, its own app id; reports and exits."""
    status = 1
    try:
        before = len(seen)
        project = client.projects.create(model_id=MODEL, positive_prompt="child")
        urls = project.wait_for_completion(30)
        callbacks = len(seen) - before  # the parent's projects.on callback, inherited
        client.chat.completions.create(model=LLM, messages=[{"role": "user", "content": "hi"}])
        chat_callbacks = len(answers)  # the parent's chat.on callback, inherited
        os.write(
            write_fd,
            f"{client._conn.config.app_id} {project.id} {len(urls)} {callbacks} "
            f"{chat_callbacks}".encode(),
        )
        status = 0
    finally:
        os._exit(status)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork with threads: intended here
def test_a_forked_child_completes_its_own_project_while_the_parent_keeps_working(
    net: LocalSupernet, client: SogniClient
) -> None:
    seen: list[object] = []
    answers: list[object] = []
    client.projects.on("project", seen.append)
    client.chat.on("completed", answers.append)
    first = client.projects.create(model_id=MODEL, positive_prompt="before fork")
    first.wait_for_completion(30)
    parent_app_id = client._conn.config.app_id
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(client, write_fd, seen, answers)
    os.close(write_fd)
    during = [client.projects.create(model_id=MODEL, positive_prompt=f"p{i}") for i in range(3)]
    assert all(len(p.wait_for_completion(30)) == 1 for p in during)
    _, status = os.waitpid(pid, 0)
    report = os.read(read_fd, 1000).decode().split()
    os.close(read_fd)
    assert os.waitstatus_to_exitcode(status) == 0
    child_app_id, child_project, media, callbacks, chat_callbacks = report
    assert media == "1" and child_app_id != parent_app_id and int(callbacks) > 0
    assert chat_callbacks == "1"
    assert net.project(child_project) is not None
    # The parent's connection was never replaced (4015) nor closed by the child.
    assert client._conn.engine.connections == 1 and client._conn.engine.state == "open"
    assert len(
        client.projects.create(model_id=MODEL, positive_prompt="after").wait_for_completion(30)
    )
    assert net.duplicate_requests("jobRequest") == []


def _async_client(net: LocalSupernet) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    )


@pytest.mark.anyio
async def test_async_drops_under_concurrent_load_lose_nothing(
    net: LocalSupernet, rng: random.Random
) -> None:
    stop = threading.Event()

    def drop() -> None:
        for _ in range(100):
            if stop.wait(rng.uniform(0.0, 0.1)):
                return
            net.drop_connections()

    async with _async_client(net) as client:
        await client.projects.wait_for_models(timeout=10)
        dropper = threading.Thread(target=drop, daemon=True)
        dropper.start()
        try:
            projects = await asyncio.gather(
                *(
                    client.projects.create(model_id=MODEL, positive_prompt=f"a{i}")
                    for i in range(24)
                )
            )
            results = await asyncio.gather(*(p.wait_for_completion(30) for p in projects))
        finally:
            stop.set()
            dropper.join(5)
    assert all(len(urls) == 1 for urls in results)
    received = sorted({m["jobID"] for m in net.received("jobRequest")})
    assert received == sorted(p.id for p in projects)
    assert net.duplicate_requests("jobRequest") == [] and net.stats()["cancelled_by_client"] == 0


@pytest.mark.anyio
async def test_async_close_wakes_waiters_and_later_calls_raise() -> None:
    with LocalSupernet(api_key="slow", step_delay=1.0, steps=50) as slow:
        client = _async_client(slow)
        project = await client.projects.create(model_id=MODEL, positive_prompt="long")
        waiter = asyncio.ensure_future(project.wait_for_completion(60))
        await asyncio.sleep(0)  # let the waiter start waiting
        await client.close()
        with pytest.raises(ClientClosed):
            await asyncio.wait_for(waiter, 5)
        with pytest.raises(ClientClosed):
            await client.projects.create(model_id=MODEL, positive_prompt="after close")


def test_the_async_client_refuses_a_second_live_event_loop(net: LocalSupernet) -> None:
    client = _async_client(net)
    first = asyncio.new_event_loop()
    try:
        first.run_until_complete(client.projects.wait_for_models(timeout=10))
        second = asyncio.new_event_loop()
        try:
            with pytest.raises(WrongEventLoop):
                second.run_until_complete(
                    asyncio.wait_for(client.projects.wait_for_models(timeout=10), 1)
                )
        finally:
            second.close()
        first.run_until_complete(client.close())
    finally:
        first.close()


def test_the_async_client_moves_to_a_new_loop_once_the_old_one_closed(net: LocalSupernet) -> None:
    client = _async_client(net)
    asyncio.run(client.projects.wait_for_models(timeout=10))  # this loop is closed afterwards

    async def second_run() -> int:
        project = await client.projects.create(model_id=MODEL, positive_prompt="second loop")
        urls = await project.wait_for_completion(30)
        await client.close()
        return len(urls)

    assert asyncio.run(second_run()) == 1
