"""What a project reports: its events, their types, and the bounded log that keeps them.

Nothing here does I/O; :mod:`sogni.core.projects` produces these events.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal, get_args, overload

import attrs

__all__ = [
    "JOB_EVENT_TYPES",
    "PROJECT_EVENT_TYPES",
    "EventLog",
    "JobError",
    "JobEventType",
    "ProjectEvent",
    "ProjectEventType",
]

#: Every ``ProjectEvent.type``, in the order a project usually emits them.
ProjectEventType = Literal[
    "queued",
    "job_started",
    "progress",
    "preview",
    "eta",
    "job_completed",
    "job_failed",
    "completed",
    "failed",
    "canceled",
]
#: The event types that concern one job (their ``job_id`` is set).
JobEventType = Literal["job_started", "progress", "preview", "eta", "job_completed", "job_failed"]
PROJECT_EVENT_TYPES: tuple[str, ...] = get_args(ProjectEventType)
JOB_EVENT_TYPES: tuple[str, ...] = get_args(JobEventType)


@attrs.frozen
class JobError:
    """Why a job or project failed: the network's numeric ``code``, its string code, a message."""

    code: int
    message: str
    original_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The error as plain values (``code``, ``message``, ``original_code``)."""
        return {"code": self.code, "message": self.message, "original_code": self.original_code}


@attrs.frozen
class ProjectEvent:
    """Something that happened to a project, for callbacks and event iterators.

    ``type`` is one of ``queued``, ``job_started``, ``progress``, ``preview``, ``eta``,
    ``job_completed``, ``job_failed``, ``completed``, ``failed``, ``canceled``.
    """

    type: str
    project_id: str
    job_id: str | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def is_terminal(self) -> bool:
        """True for the last event a project ever emits."""
        return self.type in ("completed", "failed", "canceled")


class EventLog:
    """A project's events from the first, as a read-only sequence, bounded in size.

    A progress event replaces the one of the same job in the run of progress events at
    the end, as long as nobody has read that run yet: a job of 2,000 steps leaves a few
    progress events, not 2,000, milestones (job started, completed ...) stay where they
    were, and a reader that keeps up still sees every event. What was read never moves,
    so a reader can go on from the number of events it has taken.
    """

    __slots__ = ("_events", "_run")

    def __init__(self) -> None:
        self._events: list[ProjectEvent] = []  # the events before the unread run
        # The unread run of progress events at the end, one per job, the latest last: a
        # dict, so that the event a job replaces is found and moved without a scan.
        self._run: dict[str | None, ProjectEvent] = {}

    def append(self, event: ProjectEvent) -> None:
        """Add the next event of the project."""
        if event.type == "progress":
            run = self._run
            run.pop(event.job_id, None)
            run[event.job_id] = event
            return
        self._seal()
        self._events.append(event)

    def _seal(self) -> list[ProjectEvent]:
        """Every event, the run's fixed in place (it is read, or a milestone follows it)."""
        events, run = self._events, self._run
        if run:
            # One extend: a reader never sees the log shorter.
            events.extend(run.values())
            run.clear()
        return events

    def __len__(self) -> int:
        return len(self._events) + len(self._run)

    def __bool__(self) -> bool:
        return bool(self._events) or bool(self._run)

    @overload
    def __getitem__(self, index: int) -> ProjectEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[ProjectEvent]: ...
    def __getitem__(self, index: int | slice) -> ProjectEvent | list[ProjectEvent]:
        return self._seal()[index]

    def __iter__(self) -> Iterator[ProjectEvent]:
        return iter(list(self._seal()))

    def __repr__(self) -> str:
        return f"<EventLog {len(self._events)} events>"
