"""The async client refuses the same unsendable inputs as the sync one, before sending.

The client lives on an event loop in a background thread for the whole module, so that
Hypothesis can drive it from ordinary (synchronous) test functions.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from fuzz_inputs import LLM, MODELS, fuzz, poisoned_messages, poisoned_params, sends
from hypothesis import given

from sogni import SogniError, ValidationError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

T = TypeVar("T")


class LoopThread:
    """An event loop running in a daemon thread; ``run`` waits for a coroutine's result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def async_client(net: LocalSupernet) -> Iterator[tuple[LoopThread, AsyncSogniClient]]:
    loop = LoopThread()

    async def open_client() -> AsyncSogniClient:
        client = AsyncSogniClient(
            api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
        )
        await client.__aenter__()
        await client.projects.wait_for_models(timeout=30)
        for kind, model_id in MODELS.items():
            project = await client.projects.create(
                type=kind, model_id=model_id, positive_prompt="warm up"
            )
            await project.wait_for_completion(timeout=60)
        return client

    client = loop.run(open_client())
    yield loop, client
    loop.run(client.__aexit__(None, None, None))
    loop.stop()


def _refused(net: LocalSupernet, loop: LoopThread, coroutine: Coroutine[Any, Any, Any]) -> Any:
    before = sends(net)
    with pytest.raises(SogniError) as caught:
        loop.run(coroutine)
    assert sends(net) == before, f"{caught.value!r} was raised after something was sent"
    return caught.value


@fuzz(200)
@given(poisoned_params())
def test_async_client_refuses_unsendable_project_parameters(
    async_client: tuple[LoopThread, AsyncSogniClient],
    net: LocalSupernet,
    case: tuple[str, dict[str, Any], str],
) -> None:
    loop, client = async_client
    _, params, field = case
    error = _refused(net, loop, client.projects.create(**params))
    assert isinstance(error, ValidationError), repr(error)
    assert error.field is not None and error.field.split(".")[0].split("[")[0] == field


@fuzz(100)
@given(poisoned_messages())
def test_async_client_refuses_unsendable_messages(
    async_client: tuple[LoopThread, AsyncSogniClient],
    net: LocalSupernet,
    case: tuple[list[Any], str],
) -> None:
    loop, client = async_client
    messages, where = case
    error = _refused(net, loop, client.chat.completions.create(model=LLM, messages=messages))
    assert isinstance(error, ValidationError), repr(error)
    assert error.field is not None and error.field.startswith(where)
