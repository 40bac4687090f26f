"""``AsyncChatStream``: a streamed chat answer of the async client, read with ``async for``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from sogni._runtime.chat_jobs import ChatJobEntry, ChatStreamView
from sogni.core.chat.results import ChatChunk, ChatCompletion
from sogni_async._primitives import Signal

if TYPE_CHECKING:
    from sogni_async._driver import AsyncDriver

__all__ = ["AsyncChatStream"]


class AsyncChatStream(ChatStreamView):
    """A chat answer arriving chunk by chunk::

        stream = await client.chat.completions.create(model=..., messages=..., stream=True)
        async for chunk in stream:
            print(chunk.content, end="", flush=True)
        print(stream.completion.usage)

    Iteration yields :class:`~sogni.core.chat.ChatChunk` objects in order and ends when the
    job completes; a failed job raises its error (``ChatJobError``, ``ConnectionLost``,
    ``SogniTimeoutError``) after every chunk received before the failure was delivered.
    When the network stays silent for the request's ``timeout`` seconds the stream fails
    with ``SogniTimeoutError``. Afterwards :attr:`completion` holds the whole answer.
    The stream belongs to the event loop that created it.
    """

    def __init__(self, client: AsyncDriver, job: ChatJobEntry) -> None:
        super().__init__(client, job)
        self._arrived = Signal(client._conn.engine)
        job.wake = self._arrived.notify  # the socket thread, after each chunk

    def __aiter__(self) -> AsyncIterator[ChatChunk]:
        return self

    async def __anext__(self) -> ChatChunk:
        job = self._job
        chunks = job.chunks
        while True:
            if chunks:
                return chunks.popleft()
            if job.finished:
                if chunks:
                    continue
                self._end()
                raise StopAsyncIteration
            if not await self._arrived.wait_for(self._readable, job.timeout):
                self._timed_out()

    def _readable(self) -> bool:
        return bool(self._job.chunks) or self._job.finished

    async def wait_for_completion(self) -> ChatCompletion:
        """Read the rest of the stream and return the whole answer (raises on failure)."""
        async for _ in self:
            pass
        completion = self.completion
        assert completion is not None
        return completion

    async def close(self) -> None:
        """Stop receiving this answer (the network may still finish generating it)."""
        if not self._job.finished:
            self._detach()

    async def __aenter__(self) -> AsyncChatStream:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()
