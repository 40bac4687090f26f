"""Running chat jobs: the table that routes socket events to them, shared by both clients.

The table is fed on the socket thread. Each job keeps its assembler behind its own lock;
a streamed job also buffers chunks for its stream view and calls the view's ``wake``
(set by ``ChatStream`` / ``AsyncChatStream``) after each one — a cheap, per-job wake-up,
so streaming never disturbs other waiters. Whole-answer waits are woken through the hub's
watchers only when a job ends.

The table also emits the ``client.chat.on`` events of the client's jobs (chunks, states,
answers, failures) and of the LLM model list, each before the waiters are woken, outside
every lock.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sogni._runtime.events import EventEmitter
from sogni.core.chat.events import CHAT_EVENT_NAMES
from sogni.core.errors import (
    ChatJobError,
    ConnectionLost,
    SogniError,
    SogniTimeoutError,
    ValidationError,
)

if TYPE_CHECKING:
    from pathlib import Path

    from sogni._runtime.hub import Hub
    from sogni.core.chat.results import ChatChunk, ChatCompletion, ChatJobState, ToolCall
    from sogni.core.context import CoreContext
    from sogni.core.projects import ProjectEvent, ProjectState

# The chat results, stream assembler and model parser load with the first chat job or LLM
# model list: a client that only renders media never needs them.

__all__ = ["CHAT_EVENTS", "ChatJobEntry", "ChatJobTable", "ChatStreamView", "read_image_file"]

CHAT_EVENTS = ("jobTokens", "llmJobResult", "llmJobError", "jobState", "swarmLLMModels")


def read_image_file(path: Path) -> bytes:
    """Read a vision image; an unreadable file is a :class:`ValidationError`."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"cannot read image file {str(path)!r}: {exc.strerror or exc}", field="messages"
        ) from None


class ChatJobEntry:
    """One chat job: its assembler, buffered chunks and failure (see ``ChatJob``)."""

    __slots__ = (
        "job_id",
        "streaming",
        "timeout",
        "assembler",
        "chunks",
        "lock",
        "wake",
        "armed",
        "failure",
        "state",
        "_table",
    )

    def __init__(
        self, table: ChatJobTable, job_id: str, *, streaming: bool, timeout: float | None
    ) -> None:
        from sogni.core.chat.stream import ChatStreamAssembler

        self.job_id = job_id
        self.streaming = streaming
        self.timeout = timeout
        self.assembler = ChatStreamAssembler(job_id)
        self.chunks: deque[ChatChunk] = deque()
        self.lock = threading.Lock()
        self.wake: Callable[[], None] | None = None
        self.armed = False
        self.failure: SogniError | None = None
        self.state: ChatJobState | None = None
        self._table = table

    def __repr__(self) -> str:
        return f"<ChatJobEntry {self.job_id} finished={self.finished}>"

    @property
    def finished(self) -> bool:
        """True once the job completed or failed."""
        return self.assembler.done

    def arm(self) -> None:
        """The request went out: a dropped connection now fails the job."""
        self.armed = True

    def fail(self, error: SogniError, *, announce: bool = True) -> None:
        """Fail the job for a local reason; no-op once it finished. ``announce=False``
        keeps it out of the ``error`` events (the user closed the stream or the client)."""
        with self.lock:
            if self.assembler.done:
                return
            self.failure = error
            self.assembler.fail(ChatJobError(error.message, job_id=self.job_id))
        if announce:
            self._table._announce_failure(self, error, code=None)
        self._table._finished(self)

    def outcome(self) -> ChatCompletion:
        """The finished answer; raises why the job failed otherwise."""
        result = self.assembler.result
        if result is not None:
            return result
        raise self.error or SogniError(f"chat job {self.job_id} has not finished")

    @property
    def error(self) -> SogniError | None:
        """Why the job failed (a server error, a timeout, a lost connection)."""
        return self.failure or self.assembler.error


class ChatJobTable:
    """The client's running chat jobs and its LLM model map (implements ``ChatJobs``)."""

    def __init__(
        self,
        hub: Hub,
        ctx: CoreContext,
        *,
        socket_state: Callable[[], str],
        socket_error: Callable[[], SogniError | None],
        pending: Callable[[str], bool] = lambda _job_id: False,
    ) -> None:
        self._hub = hub
        self._ctx = ctx
        self._socket_state = socket_state
        self._socket_error = socket_error
        self._pending = pending
        self._jobs: dict[str, ChatJobEntry] = {}
        self._lock = threading.Lock()
        #: ``client.chat.on`` callbacks.
        self.events = EventEmitter(names=CHAT_EVENT_NAMES)
        self._handlers: dict[str, Callable[[Any], None]] = {
            "jobTokens": self._on_tokens,
            "llmJobResult": self._on_result,
            "llmJobError": self._on_error,
            "jobState": self._on_state,
            "swarmLLMModels": self._on_models,
        }
        ctx.chat.jobs = self
        ctx.chat.read_file = read_image_file
        hub.add_route(CHAT_EVENTS, self._dispatch)
        hub.watch(self._on_change)

    # -- ChatJobs -------------------------------------------------------------------------
    def open(self, job_id: str, *, streaming: bool, timeout: float | None) -> ChatJobEntry:
        """Start routing events for ``job_id`` (before its request is sent)."""
        job = ChatJobEntry(self, job_id, streaming=streaming, timeout=timeout)
        with self._lock:
            self._jobs[job_id] = job
        return job

    def close(self, job_id: str) -> None:
        """Stop routing events for ``job_id``."""
        with self._lock:
            self._jobs.pop(job_id, None)

    def fail(self, job_id: str, error: SogniError) -> None:
        """Fail one running job for a local reason (e.g. its request was not delivered)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            job.fail(error)

    def fail_all(self, error: SogniError) -> None:
        """Fail every running job (the client is closing)."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.fail(error, announce=False)

    def watch_project(self, state: ProjectState) -> None:
        """Wake waiting plans on each event of ``state`` (Sogni tool projects)."""
        self._hub.subscribe(state, self._wake_plans)

    def connection_error(self) -> SogniError | None:
        """Why the socket closed for good, once it did."""
        return self._socket_error() if self._socket_state() == "closed" else None

    # -- events (socket thread) -----------------------------------------------------------
    def _dispatch(self, message_type: str, payload: Any) -> None:
        if isinstance(payload, Mapping):
            self._handlers[message_type](payload)

    def _on_tokens(self, payload: Mapping[str, Any]) -> None:
        job = self._jobs.get(payload.get("jobID"))  # type: ignore[arg-type]
        if job is None:
            return
        with job.lock:
            chunk = job.assembler.feed_tokens(payload)
            if chunk is not None and job.streaming:
                job.chunks.append(chunk)
        if chunk is None:
            return
        self.events.emit("token", chunk)
        wake = job.wake
        if job.streaming and wake is not None:
            wake()

    def _on_result(self, payload: Mapping[str, Any]) -> None:
        job = self._jobs.get(payload.get("jobID"))  # type: ignore[arg-type]
        if job is not None:
            with job.lock:
                was_done = job.assembler.done
                job.assembler.feed_result(payload)
                result = None if was_done else job.assembler.result
            if result is not None:
                self.events.emit("completed", result)
            self._finished(job)

    def _on_error(self, payload: Mapping[str, Any]) -> None:
        job = self._jobs.get(payload.get("jobID"))  # type: ignore[arg-type]
        if job is not None:
            with job.lock:
                error = job.assembler.feed_error(payload)
            if error is not None:
                self._announce_failure(job, error, code=error.code)
            self._finished(job)

    def _on_state(self, payload: Mapping[str, Any]) -> None:
        job = self._jobs.get(payload.get("jobID"))  # type: ignore[arg-type]
        if job is not None:
            with job.lock:
                event = job.assembler.feed_state(payload)
                if event is not None:
                    job.state = event
            if event is not None:
                self.events.emit("job_state", event)

    def _on_models(self, payload: Mapping[str, Any]) -> None:
        from sogni.core.chat.model_info import parse_llm_models

        models = parse_llm_models(payload)
        self._ctx.chat.models = models
        self.events.emit("models_updated", dict(models))
        self._hub.notify_watchers()

    def _announce_failure(
        self, job: ChatJobEntry, error: SogniError, *, code: str | int | None
    ) -> None:
        from sogni.core.chat.events import ChatErrorEvent

        event = ChatErrorEvent(
            job_id=job.job_id,
            message=error.message,
            code=code,
            worker_name=job.assembler.worker_name,
            error=error,
        )
        self.events.emit("error", event)

    def _finished(self, job: ChatJobEntry) -> None:
        with self._lock:
            if self._jobs.get(job.job_id) is job:
                del self._jobs[job.job_id]
        wake = job.wake
        if wake is not None:
            wake()
        self._hub.notify_watchers()

    def _wake_plans(self, _event: ProjectEvent | None) -> None:
        self._hub.notify_watchers()

    def _on_change(self) -> None:
        """Hub watcher: fail running jobs when the connection drops (their events are lost).

        A job whose request the network has not confirmed is not lost: it is still in the
        outbox and goes out again after the reconnection.
        """
        if not self._jobs or self._socket_state() == "open":
            return
        with self._lock:
            lost = [job for job in self._jobs.values() if job.armed]
        lost = [job for job in lost if not self._pending(job.job_id)]
        for job in lost:
            job.fail(
                ConnectionLost(
                    f"the connection dropped while chat job {job.job_id} was running",
                    code=getattr(self._socket_error(), "code", None),
                )
            )


class ChatStreamView:
    """Read-only state of a streamed chat job, shared by ``ChatStream`` and
    ``AsyncChatStream``. Everything here is safe to read while chunks arrive."""

    def __init__(self, client: Any, job: ChatJobEntry) -> None:
        self._client = client
        self._job = job

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.job_id} status={self.status}>"

    @property
    def job_id(self) -> str:
        """The chat job's id."""
        return self._job.job_id

    @property
    def status(self) -> str:
        """``sent``, then the network's ``pending``/``queued``/``assigned``/``jobStarted``,
        then ``completed`` or ``failed``."""
        job = self._job
        if job.assembler.result is not None:
            return "completed"
        if job.finished:
            return "failed"
        return job.state.type if job.state is not None else "sent"

    @property
    def finished(self) -> bool:
        """True once the job completed or failed (chunks may still be buffered)."""
        return self._job.finished

    @property
    def content(self) -> str:
        """The text received so far (the whole answer once finished)."""
        with self._job.lock:
            return self._job.assembler.content

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        """Tool calls assembled so far from the streamed fragments."""
        with self._job.lock:
            return self._job.assembler.tool_calls

    @property
    def worker_name(self) -> str | None:
        """The worker serving the job, once known."""
        return self._job.assembler.worker_name

    @property
    def completion(self) -> ChatCompletion | None:
        """The final answer (content, tool calls, usage, cost, worker), once completed."""
        return self._job.assembler.result

    @property
    def usage(self) -> Any:
        """Token usage of the finished job (``None`` before it completes)."""
        result = self._job.assembler.result
        return result.usage if result is not None else None

    @property
    def cost(self) -> Any:
        """What the job cost, as settled by the network (``None`` before it completes)."""
        result = self._job.assembler.result
        return result.cost if result is not None else None

    @property
    def finish_reason(self) -> str | None:
        """Why generation stopped (``stop``, ``length``, ``tool_calls``), once completed."""
        result = self._job.assembler.result
        return result.finish_reason if result is not None else None

    @property
    def error(self) -> SogniError | None:
        """Why the job failed, once it did."""
        return self._job.error

    def _timed_out(self) -> None:
        timeout = self._job.timeout
        self._job.fail(SogniTimeoutError(f"chat job {self.job_id} sent nothing for {timeout:g} s"))

    def _end(self) -> None:
        """Called when the buffer is drained and the job finished: raise its failure."""
        error = self._job.error
        if error is not None:
            raise error

    def _detach(self) -> None:
        self._job.fail(ChatJobError("the stream was closed", job_id=self.job_id), announce=False)
        self._client._ctx.chat.jobs.close(self.job_id)
