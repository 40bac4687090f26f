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

    __slots__ = ("_events", "_read")

    def __init__(self) -> None:
        self._events: list[ProjectEvent] = []
        self._read = 0  # how many events someone has looked at

    def append(self, event: ProjectEvent) -> None:
        """Add the next event of the project."""
        events = self._events
        if event.type == "progress":
            # The unread run of progress events at the end holds one event per job.
            index = len(events) - 1
            while index >= self._read:
                held = events[index]
                if held.type != "progress":
                    break
                if held.job_id == event.job_id:
                    # One slice assignment: a reader never sees the log shorter.
                    events[index:] = [*events[index + 1 :], event]
                    return
                index -= 1
        events.append(event)

    def __len__(self) -> int:
        return len(self._events)

    def __bool__(self) -> bool:
        return bool(self._events)

    @overload
    def __getitem__(self, index: int) -> ProjectEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[ProjectEvent]: ...
    def __getitem__(self, index: int | slice) -> ProjectEvent | list[ProjectEvent]:
        events = self._events
        if isinstance(index, slice):
            self._read = len(events)
            return events[index]
        if index < 0:
            self._read = len(events)
        elif index >= self._read:
            self._read = index + 1
        return events[index]

    def __iter__(self) -> Iterator[ProjectEvent]:
        self._read = len(self._events)
        return iter(list(self._events))

    def __repr__(self) -> str:
        return f"<EventLog {len(self._events)} events>"
