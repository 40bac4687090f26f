"""``ChatStream``: a streamed chat answer of the sync client, read with a ``for`` loop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sogni._runtime.chat_jobs import ChatJobEntry, ChatStreamView
from sogni.core.chat.results import ChatChunk, ChatCompletion

if TYPE_CHECKING:
    from sogni._sync.client import SogniClient

__all__ = ["ChatStream"]


class ChatStream(ChatStreamView):
    """A chat answer arriving chunk by chunk::

        stream = client.chat.completions.create(model=..., messages=..., stream=True)
        for chunk in stream:
            print(chunk.content, end="", flush=True)
        print(stream.completion.usage)

    Iteration yields :class:`~sogni.core.chat.ChatChunk` objects in order and ends when the
    job completes; a failed job raises its error (``ChatJobError``, ``ConnectionLost``,
    ``SogniTimeoutError``) after every chunk received before the failure was delivered.
    When the network stays silent for the request's ``timeout`` seconds the stream fails
    with ``SogniTimeoutError``. Afterwards :attr:`completion` holds the whole answer.
    """

    def __init__(self, client: SogniClient, job: ChatJobEntry) -> None:
        super().__init__(client, job)
        self._cond = threading.Condition(threading.Lock())
        self._waiting = False
        job.wake = self._wake

    def _wake(self) -> None:
        # Socket thread. Only a waiting reader needs the lock; a busy one will find the
        # chunk in the buffer on its next look.
        if self._waiting:
            with self._cond:
                self._cond.notify()

    def __iter__(self) -> Iterator[ChatChunk]:
        return self

    def __next__(self) -> ChatChunk:
        job = self._job
        chunks = job.chunks
        while True:
            if chunks:
                return chunks.popleft()
            if job.finished:
                if chunks:
                    continue
                self._end()
                raise StopIteration
            with self._cond:
                self._waiting = True
                try:
                    silent = not chunks and not job.finished and not self._cond.wait(job.timeout)
                finally:
                    self._waiting = False
            if silent and not chunks and not job.finished:
                self._timed_out()

    def wait_for_completion(self) -> ChatCompletion:
        """Read the rest of the stream and return the whole answer (raises on failure)."""
        for _ in self:
            pass
        completion = self.completion
        assert completion is not None
        return completion

    def close(self) -> None:
        """Stop receiving this answer (the network may still finish generating it)."""
        if not self._job.finished:
            self._detach()

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
