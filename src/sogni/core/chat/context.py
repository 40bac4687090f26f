"""What chat plans read and update: the LLM model map and the table of running chat jobs.

The table itself lives in the I/O layer (it is fed by the socket thread); plans only see
the two small protocols below, so they stay free of threads and sockets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:
    from sogni.core.chat.model_info import LLMModelInfo
    from sogni.core.chat.results import ChatCompletion
    from sogni.core.chat.vision import FileReader
    from sogni.core.errors import SogniError
    from sogni.core.projects import ProjectState

__all__ = ["ChatContext", "ChatJob", "ChatJobs", "DEFAULT_CHAT_TIMEOUT"]

#: Seconds a non-streaming chat may take, and a stream may stay silent, before giving up.
DEFAULT_CHAT_TIMEOUT = 300.0


class ChatJob(Protocol):
    """One running chat job as a plan sees it."""

    @property
    def job_id(self) -> str:
        """The job's id (the ``jobID`` of its ``llmJobRequest``)."""

    @property
    def finished(self) -> bool:
        """True once the job completed or failed (for any reason)."""

    def arm(self) -> None:
        """Mark the request as sent: from now on a dropped connection fails the job."""

    def fail(self, error: SogniError) -> None:
        """Fail the job for a local reason (timeout, lost connection); no-op when finished."""

    def outcome(self) -> ChatCompletion:
        """The finished answer; raises the job's error when it failed."""


class ChatJobs(Protocol):
    """The client's table of running chat jobs (events are routed to them by ``jobID``)."""

    def open(self, job_id: str, *, streaming: bool, timeout: float | None) -> ChatJob:
        """Start routing events for ``job_id``; call before sending the request."""

    def close(self, job_id: str) -> None:
        """Stop routing events for ``job_id`` (safe to repeat)."""

    def watch_project(self, state: ProjectState) -> None:
        """Wake waiting plans on every event of a media project (tool execution)."""

    def connection_error(self) -> SogniError | None:
        """Why the socket closed for good, once it did."""


@attrs.define
class ChatContext:
    """Chat state of one client.

    ``models`` is replaced as a whole by every ``swarmLLMModels`` event. ``jobs`` and
    ``read_file`` are supplied by the I/O layer; ``read_file`` reads image paths given as
    vision inputs.
    """

    models: dict[str, LLMModelInfo] = attrs.field(factory=dict)
    jobs: ChatJobs | None = None
    read_file: FileReader | None = None
