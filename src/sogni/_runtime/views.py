"""Read-only views over project and job state, shared by the sync and async clients.

The sync ``Project``/``Job`` and the async ``AsyncProject``/``AsyncJob`` add only the
parts that wait or fetch (``wait_for_completion``, ``events``, ``download``, ``read``,
``get_result_url``) on top of these.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar, get_args

from sogni.core.errors import ProjectCanceled, ProjectFailed, SogniError, ValidationError
from sogni.core.html import job_html, project_html
from sogni.core.media_types import result_extension, safe_file_name
from sogni.core.projects import (
    JOB_EVENT_TYPES,
    PROJECT_EVENT_TYPES,
    JobError,
    JobEventType,
    JobState,
    ProjectEvent,
    ProjectState,
)

log = logging.getLogger("sogni")

J = TypeVar("J", bound="JobView")
P = TypeVar("P", bound="ProjectView[Any]")
Callback = Callable[[ProjectEvent], Any]

#: Short names of ``job_started``, ``job_completed`` and ``job_failed``, as ``job.on``
#: also accepts them.
JobEventAlias = Literal["started", "completed", "failed"]
_JOB_EVENT_ALIASES = {alias: f"job_{alias}" for alias in get_args(JobEventAlias)}


def _event_type(event_type: str, allowed: tuple[str, ...], what: str) -> str:
    if event_type == "*" or event_type in allowed:
        return event_type
    raise ValidationError(
        f"unknown {what} event {event_type!r}", field="event_type", allowed=["*", *allowed]
    )


class _Callbacks:
    """Callbacks by event type (``"*"`` for all), safe to add and remove from any thread.

    A project and its jobs share ``counts`` (one number: how many callbacks they hold in
    all) and the lock that guards it, so a project with none skips its callbacks' work
    for each event.
    """

    __slots__ = ("_counts", "_entries", "_guard")

    def __init__(self, counts: list[int], guard: threading.Lock) -> None:
        self._counts = counts
        self._entries: list[tuple[str, Callback]] = []
        self._guard = guard

    def add(self, event_type: str, callback: Callback) -> Callable[[], None]:
        if not callable(callback):
            raise ValidationError("callback must be callable", field="callback")
        entry = (event_type, callback)
        with self._guard:
            self._entries.append(entry)
            self._counts[0] += 1

        def remove() -> None:
            with self._guard:
                if entry in self._entries:
                    self._entries.remove(entry)
                    self._counts[0] -= 1

        return remove

    def matching(self, event: ProjectEvent) -> list[Callback]:
        with self._guard:
            return [cb for kind, cb in self._entries if kind in ("*", event.type)]


class JobView:
    """One media item of a project."""

    __slots__ = ("_state", "_project", "_callbacks", "_enhancement")

    def __init__(self, project: ProjectView[Any], state: JobState) -> None:
        self._project = project
        self._state = state
        self._callbacks = _Callbacks(project._callback_counts, project._callback_guard)
        #: The project that enhances this image, once ``enhance`` started one.
        self._enhancement: ProjectView[Any] | None = None

    def __repr__(self) -> str:
        with self._project._lock:
            return (
                f"<{type(self).__name__} {self.id} status={self.status} progress={self.progress}>"
            )

    def _repr_html_(self) -> str:
        return job_html(self)

    @property
    def id(self) -> str:
        """The job id (the network's ``imgID``)."""
        return self._state.id

    @property
    def project_id(self) -> str:
        """Id of the project the job belongs to."""
        return self._project.id

    @property
    def status(self) -> str:
        """One of ``pending``, ``initiating``, ``processing``, ``completed``, ``failed``,
        ``canceled``."""
        return self._state.status

    @property
    def finished(self) -> bool:
        """True once the job completed, failed or was canceled."""
        return self._state.finished

    @property
    def type(self) -> str:
        """What the job produces: ``image``, ``video`` or ``audio`` (its model's media)."""
        return self._project.type

    @property
    def has_result_media(self) -> bool:
        """True when the job completed with a result to fetch: not canceled, and not hidden
        by the safety filter (unless the project turned the filter off)."""
        with self._project._lock:
            state = self._state
            if state.status != "completed" or state.user_canceled:
                return False
            return not state.is_withheld or self._project._state.disable_nsfw_filter

    @property
    def progress(self) -> int:
        """Progress 0–100."""
        with self._project._lock:
            return self._state.progress_at(self._project._state.clock())

    @property
    def step(self) -> int:
        """Steps rendered so far."""
        return self._state.step

    @property
    def step_count(self) -> int:
        """Steps the job renders in all (0 when the model has no steps)."""
        return self._state.step_count

    @property
    def seed(self) -> int | None:
        """The seed the worker used, once known."""
        return self._state.seed

    @property
    def worker_name(self) -> str | None:
        """Name of the worker rendering the job."""
        return self._state.worker_name

    @property
    def preview_url(self) -> str | None:
        """URL of the latest preview image, when previews were asked for."""
        return self._state.preview_url

    @property
    def result_url(self) -> str | None:
        """URL of the result (``None`` until completed, or if the safety filter hid it)."""
        return self._state.result_url

    @property
    def is_nsfw(self) -> bool:
        """True when a safety signal fired for this result: its media was withheld
        (``is_withheld``) or delivered with a label (``nsfw_detected``)."""
        return self._state.is_nsfw

    @property
    def nsfw_detected(self) -> bool:
        """True when a safety signal labels media that was delivered (the project turned
        the filter off): the result is there; blur it or not as the viewer prefers."""
        return self._state.nsfw_detected

    @property
    def nsfw_sources(self) -> tuple[str, ...]:
        """Which safety signals fired: ``prompt`` and/or ``image``."""
        return self._state.nsfw_sources

    @property
    def is_withheld(self) -> bool:
        """True when the network withheld the result for sensitive content (the filter was
        on): there is no media to download."""
        return self._state.is_withheld

    @property
    def eta(self) -> float | None:
        """Estimated completion time (``time.time()`` seconds), when the network sent one."""
        return self._state.eta

    @property
    def eta_seconds(self) -> float | None:
        """Seconds from now until the estimated completion (``0.0`` once it passed), or
        ``None`` when the network sent no estimate."""
        with self._project._lock:
            return self._state.eta_seconds_at(self._project._state.clock())

    @property
    def error(self) -> JobError | None:
        """Why the job failed, when it did."""
        return self._state.error

    @property
    def job_index(self) -> int:
        """Position of the job in its project, from 1."""
        with self._project._lock:
            return list(self._project._state.jobs).index(self.id) + 1

    def on(
        self,
        event_type: Literal["*"] | JobEventType | JobEventAlias,
        callback: Callback,
    ) -> Callable[[], None]:
        """Call ``callback(event)`` for every future event of this job (``"*"`` for all).

        Event types: ``job_started``, ``progress``, ``preview``, ``eta``, ``job_completed``
        and ``job_failed`` (``started``, ``completed`` and ``failed`` name the same three);
        the callback receives the :class:`~sogni.core.projects.ProjectEvent`. Callbacks
        run where the project's run (see ``Project.on``). Returns a function that removes
        the callback.

        Raises:
            ValidationError: unknown event type, or ``callback`` is not callable.
        """
        kind = _event_type(_JOB_EVENT_ALIASES.get(event_type, event_type), JOB_EVENT_TYPES, "job")
        return self._callbacks.add(kind, callback)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able snapshot of the job (snake_case keys, plain values)."""
        with self._project._lock:
            return self._state.to_dict(self._project.id, self._project._state.clock())

    def _file_name(self) -> str:
        project = self._project._state
        extension = result_extension(project.media, project.output_format, self.result_url)
        return safe_file_name(f"{project.id[:8].lower()}-{self.job_index}", extension)


class EnhancedImageView(Generic[P]):
    """How the enhancement of an image goes (``job.enhanced_image``): a live view of the
    project that enhances it."""

    __slots__ = ("project",)

    def __init__(self, project: P) -> None:
        self.project = project
        """The enhancement project itself."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} status={self.status} progress={self.progress}>"

    @property
    def status(self) -> str:
        """The enhancement project's status (``pending`` ... ``completed``)."""
        return self.project.status

    @property
    def progress(self) -> int:
        """Progress 0–100 of the enhancement."""
        return self.project.progress

    @property
    def result(self) -> str | None:
        """URL of the enhanced image once it is done, else ``None``."""
        urls = self.project.result_urls
        return urls[0] if urls else None

    @property
    def error(self) -> JobError | None:
        """Why the enhancement failed, when it did."""
        return self.project.error


class ProjectView(Generic[J]):
    """A project while it runs and after it finished."""

    _job_class: type[J]

    def __init__(self, client: Any, state: ProjectState) -> None:
        self._client = client
        self._state = state
        self._jobs: dict[str, J] = {}
        self._callback_counts = [0]
        self._callback_guard = threading.Lock()
        self._callbacks = _Callbacks(self._callback_counts, self._callback_guard)
        client._hub.remember_view(state, self)

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"<{type(self).__name__} {self.id} status={self.status} progress={self.progress} "
                f"jobs={len(self._state.jobs)}/{self._state.number_of_media}>"
            )

    def _repr_html_(self) -> str:
        with self._lock:
            return project_html(self)

    @property
    def _lock(self) -> threading.RLock:
        # Every change of the state happens under the hub's lock: reads take it too, so
        # they see a consistent snapshot while events arrive on the socket thread.
        return self._client._hub.lock  # type: ignore[no-any-return]

    @property
    def id(self) -> str:
        """The project id."""
        return self._state.id

    @property
    def model_id(self) -> str:
        """The model rendering the project."""
        return self._state.model_id

    @property
    def type(self) -> str:
        """What the project produces: ``image``, ``video`` or ``audio``."""
        return self._state.media

    @property
    def params(self) -> Any:
        """The parameters the project was created with."""
        return self._state.params

    @property
    def eta(self) -> float | None:
        """Estimated completion time of the last job (``time.time()`` seconds), if known."""
        with self._lock:
            return self._state.eta

    @property
    def status(self) -> str:
        """``pending``, ``queued``, ``processing``, ``completed``, ``failed`` or ``canceled``."""
        return self._state.status

    @property
    def progress(self) -> int:
        """Progress 0–100 over all jobs."""
        with self._lock:
            return self._state.progress

    @property
    def queue_position(self) -> int:
        """Position in the network's queue (-1 when unknown)."""
        return self._state.queue_position

    @property
    def queue_status(self) -> str | None:
        """While queued: ``waiting`` (for a free worker) or ``no-workers`` (none serves the
        model now), when the network says."""
        return self._state.queue_status

    @property
    def estimated_start_at(self) -> float | None:
        """While queued: when the network expects the project to start (``time.time()``
        seconds), when it can say."""
        return self._state.estimated_start_at

    @property
    def waiting_reason(self) -> dict[str, str] | None:
        """While queued: why (``reason``, e.g. ``concurrency_limit``, and a ``message`` to
        show), when the network says."""
        reason = self._state.waiting_reason
        return None if reason is None else dict(reason)

    @property
    def jobs(self) -> list[J]:
        """The project's jobs, in the order the network started them."""
        with self._lock:
            states = list(self._state.jobs.values())
        return [self._job(job) for job in states]

    @property
    def result_urls(self) -> list[str]:
        """Result URLs of the jobs that have one."""
        with self._lock:
            return self._state.result_urls

    @property
    def error(self) -> JobError | None:
        """Why the project failed, when it did."""
        return self._state.error

    @property
    def finished(self) -> bool:
        """True once the project completed, failed or was canceled."""
        return self._state.outcome is not None

    def on(self, event_type: str, callback: Callback) -> Callable[[], None]:
        """Call ``callback(event)`` for every future event of ``event_type`` (``"*"`` for all).

        Event types: ``queued``, ``job_started``, ``progress``, ``preview``, ``eta``,
        ``job_completed``, ``job_failed``, ``completed``, ``failed``, ``canceled``.
        Returns a function that removes the callback.

        Raises:
            ValidationError: unknown event type, or ``callback`` is not callable.
        """
        return self._callbacks.add(
            _event_type(event_type, PROJECT_EVENT_TYPES, "project"), callback
        )

    def job(self, job_id: str) -> J | None:
        """The job with this id, or ``None`` when the project has no such job (yet: jobs
        appear as workers start them). Ids compare without regard to case."""
        with self._lock:
            state = self._state.jobs.get(job_id) or self._state.jobs.get(str(job_id).upper())
        return self._job(state) if state is not None else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able snapshot of the project and its jobs, taken at once.

        Keys are snake_case and values plain ``dict``/``list``/``str``/``int``/``float``/
        ``bool``/``None``, so ``json.dumps(project.to_dict())`` works: ``id``,
        ``model_id``, ``type``, ``status``, ``finished``, ``progress``, ``queue_position``,
        ``number_of_media``, ``eta``, ``error``, ``result_urls``, ``params`` (assets given
        as bytes or files are ``None``) and ``jobs`` (each as ``Job.to_dict``).
        """
        with self._lock:
            return self._state.to_dict()

    def _history_after(self, seen: int) -> list[ProjectEvent]:
        """Events after the first ``seen``; raises why the client stopped following the
        project once there are none left to hand out."""
        with self._lock:
            batch = self._state.history[seen:]
        if not batch and self._state.outcome is None and self._state.detached is not None:
            self._outcome()
        return batch

    def _has_callbacks(self) -> bool:
        """Whether the project or one of its jobs holds a callback."""
        return self._callback_counts[0] > 0

    def _run_callbacks(self, event: ProjectEvent) -> None:
        callbacks = self._callbacks.matching(event)
        job = self._jobs.get(event.job_id) if event.job_id else None
        if job is not None:
            callbacks += job._callbacks.matching(event)
        for callback in callbacks:
            try:
                self._call(callback, event)
            except Exception:
                log.exception("a project callback raised")

    def _call(self, callback: Callback, event: ProjectEvent) -> None:
        callback(event)

    def _job(self, state: JobState) -> J:
        view = self._jobs.get(state.id)
        if view is None:
            view = self._jobs.setdefault(state.id, self._job_class(self, state))
        return view

    def _settled(self) -> bool:
        """Finished, or no longer followed by the client (waiters stop waiting)."""
        return self._state.outcome is not None or self._state.detached is not None

    def _outcome(self) -> list[str]:
        outcome = self._state.outcome
        if outcome is None:
            detached = self._state.detached
            if isinstance(detached, SogniError):
                raise detached
            raise SogniError(f"project {self.id} has not finished")
        if outcome.type == "canceled":
            raise ProjectCanceled(self.id)
        if outcome.type == "failed":
            error = self._state.error or JobError(0, "unknown error")
            raise ProjectFailed(
                error.message or "the network reported a failure",
                project_id=self.id,
                code=error.code,
                original_code=error.original_code,
            )
        return list(outcome.data["result_urls"])  # the URLs as they were at the end
