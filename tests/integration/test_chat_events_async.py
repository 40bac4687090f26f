"""``client.chat.on`` with the async client against the local Supernet: the same events,
callbacks run (and ``async def`` ones awaited) in the event loop, ``on`` a plain call."""

from __future__ import annotations

import asyncio
import inspect
import threading
from typing import Any

import pytest

from sogni import ChatJobError, ValidationError
from sogni.core.chat.events import ChatErrorEvent
from sogni.core.chat.results import ChatChunk, ChatJobState
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

pytestmark = pytest.mark.anyio

MODEL = "qwen3.6-35b-a3b-gguf-iq4xs"


def ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def client_for(net: LocalSupernet) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    )


async def test_events_run_in_the_loop(net: LocalSupernet) -> None:
    async with client_for(net) as client:
        loop_thread = threading.current_thread().name
        threads: set[str] = set()
        tokens: list[ChatChunk] = []
        states: list[ChatJobState] = []
        completed = asyncio.Event()
        answers: list[Any] = []

        def on_token(chunk: ChatChunk) -> None:
            threads.add(threading.current_thread().name)
            tokens.append(chunk)

        async def on_completed(result: Any) -> None:  # awaited in the loop
            threads.add(threading.current_thread().name)
            await asyncio.sleep(0)
            answers.append(result)
            completed.set()

        off = client.chat.on("token", on_token)
        assert callable(off) and not inspect.iscoroutine(off)
        client.chat.on("job_state", states.append)
        client.chat.on("completed", on_completed)
        stream = await client.chat.completions.create(
            model=MODEL, messages=ask("async events"), stream=True
        )
        read = [chunk.content async for chunk in stream]
        await asyncio.wait_for(completed.wait(), 10)
        assert threads == {loop_thread}
        assert [t.content for t in tokens] == read
        assert answers[0].content == "".join(read) == "Echo: async events"
        assert {s.job_id for s in states} == {stream.job_id}
        assert "queued" in [s.type for s in states]
        off()
        count = len(tokens)
        completed.clear()
        await client.chat.completions.create(model=MODEL, messages=ask("again"))
        await asyncio.wait_for(completed.wait(), 10)
        assert len(tokens) == count


async def test_errors_and_model_announcements(net: LocalSupernet) -> None:
    async with client_for(net) as client:
        errors: asyncio.Queue[ChatErrorEvent] = asyncio.Queue()
        models = asyncio.Event()
        announced: list[Any] = []

        def on_models(value: Any) -> None:
            announced.append(value)
            models.set()

        client.chat.on("error", errors.put_nowait)
        await client.chat.wait_for_models(10)
        client.chat.on("modelsUpdated", on_models)
        with pytest.raises(ChatJobError) as caught:
            await client.chat.completions.create(model=MODEL, messages=ask("x [fail:busy]"))
        event = await asyncio.wait_for(errors.get(), 10)
        assert event.job_id == caught.value.job_id and event.code == "busy"
        assert event.error is caught.value
        net.drop_connections()
        await asyncio.wait_for(models.wait(), 15)
        assert MODEL in announced[0]
        with pytest.raises(ValidationError) as unknown:
            client.chat.on("done", print)  # type: ignore[arg-type]
        assert "completed" in str(unknown.value)
