"""The event hub: routes decoded socket events to project state and to listeners.

It runs on the socket thread for both clients. State changes happen under one lock;
listeners are called after the lock is released, so a slow callback never blocks
another thread's state change. Follow-up I/O (download URLs, model names) is handed
to the owning client's ``spawn`` as a plan.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sogni._runtime.events import PROJECTS_EVENTS, EventEmitter
from sogni._runtime.log import projects_log
from sogni._runtime.watchdog import ProjectWatchdog
from sogni.core.context import CoreContext
from sogni.core.errors import SogniError
from sogni.core.projects import JobError, ProjectEvent, ProjectState

if TYPE_CHECKING:
    from types import ModuleType

    from sogni.core.plans import Plan

log = logging.getLogger("sogni")

#: Called with each event of a project, and with ``None`` when waiters must look again
#: without a new event (the client closed, or the request was never delivered).
ProjectListener = Callable[[ProjectEvent | None], None]
Watcher = Callable[[], None]

_PROJECT_EVENTS = frozenset({"jobState", "jobProgress", "jobETA", "jobResult", "jobError"})
#: How many finished project ids the hub remembers.
_FINISHED_KEPT = 4096


class Hub:
    """Routes socket events for one client."""

    def __init__(
        self, context: Callable[[], CoreContext], spawn: Callable[[Plan[Any]], None]
    ) -> None:
        # ``context`` hands over the context this hub is the registry of (made after it).
        self._lock = threading.RLock()
        self._context = context
        self._spawn = spawn
        self._projects: dict[str, ProjectState] = {}
        # Tuples, replaced on every change: an event reads them without copying.
        self._listeners: dict[str, tuple[ProjectListener, ...]] = {}
        self._watchers: list[Watcher] = []
        self._routes: dict[str, Callable[[str, Any], None]] = {}
        #: The view (``Project``/``AsyncProject``) the client handed out for each project.
        self._views: dict[str, Any] = {}
        #: ``client.projects.on`` callbacks: every tracked project's events, model lists.
        self.events = EventEmitter(names=PROJECTS_EVENTS)
        #: Ids of the latest projects that finished here, oldest first (a sync reports a
        #: project that finished while this client was away only when it is not among them).
        self._finished: dict[str, None] = {}
        self._watchdog = ProjectWatchdog(
            self._is_tracked, self._check_project, clock=lambda: self.ctx.clock()
        )

    @property
    def ctx(self) -> CoreContext:
        """The core context whose registry this hub is."""
        return self._context()

    @property
    def lock(self) -> threading.RLock:
        """The lock every project state change happens under; hold it to read a consistent
        snapshot of a project."""
        return self._lock

    # -- registry (used by plans) -------------------------------------------------------
    def track(self, state: ProjectState) -> None:
        """Route events for ``state.id`` to ``state``."""
        with self._lock:
            self._projects[state.id] = state
        self._watchdog.schedule(state)

    def remember_finished(self, project_id: str) -> None:
        """Note that a project finished here (or was reported by a sync)."""
        with self._lock:
            self._finished[project_id.upper()] = None
            while len(self._finished) > _FINISHED_KEPT:
                del self._finished[next(iter(self._finished))]

    def finished_before(self, project_id: str) -> bool:
        """Whether a project finished here (among the latest few thousand)."""
        with self._lock:
            return project_id.upper() in self._finished

    def _is_tracked(self, state: ProjectState) -> bool:
        return self._projects.get(state.id) is state

    def _tracked(self) -> list[ProjectState]:
        with self._lock:
            return list(self._projects.values())

    def tracked(self) -> list[tuple[ProjectState, Any]]:
        """The projects followed now, each with the view handed out for it (or ``None``)."""
        with self._lock:
            return [(state, self._views.get(state.id)) for state in self._projects.values()]

    def remember_view(self, state: ProjectState, view: Any) -> Any:
        """Record the view of a tracked project (the first one wins); returns the view
        recorded for it."""
        with self._lock:
            if self._projects.get(state.id) is not state:
                return view
            return self._views.setdefault(state.id, view)

    def _check_project(self, state: ProjectState) -> None:
        # One lookup per project at a time: a burst of reconnections must not become a
        # burst of identical requests (each would open its own HTTP connection).
        with self._lock:
            if not state.begin_check(self.ctx.clock()):
                return
        self._spawn(self._check_until_current(state))

    def _check_until_current(self, state: ProjectState) -> Plan[None]:
        from sogni.core.plans import projects as plans
        from sogni.core.plans import recovery

        again = True
        try:
            # A project this client did not send is looked up by status, not by request.
            check = recovery.check_attached if state.attached else plans.check_project
            while again:
                yield from check(self.ctx, state)
                with self._lock:
                    again = state.end_check(self.ctx.clock())
        finally:
            if again:  # the plan was abandoned or raised: free the claim
                with self._lock:
                    state.recheck = False
                    state.checking_since = None

    def resync_projects(self) -> None:
        """Bring every unfinished project up to date from the network's records (after a
        reconnection: events sent while the socket was down are lost)."""
        for state in self._tracked():
            if state.outcome is None:
                self._check_project(state)

    def close(self) -> None:
        """Stop the background checks of projects (the client is closing)."""
        self._watchdog.stop()

    def untrack(self, project_id: str) -> None:
        """Stop routing events to a project."""
        with self._lock:
            state = self._projects.pop(project_id, None)
            self._listeners.pop(project_id, None)
            self._views.pop(project_id, None)
        if state is not None:
            self._watchdog.forget(state)

    def project(self, project_id: str) -> ProjectState | None:
        """The tracked project with this id."""
        with self._lock:
            return self._projects.get(project_id.upper())

    def apply(self, state: ProjectState, change: Callable[[], list[ProjectEvent]]) -> None:
        """Run a state change under the lock, then deliver its events."""
        with self._lock:
            events = change()
            listeners = self._listeners.get(state.id, ())
        self._deliver(state, events, listeners)
        if state.outcome is None:
            self._watchdog.schedule(state)  # the change may have moved the next check earlier

    def detach(self, project_id: str, error: SogniError) -> None:
        """Stop following a project locally: its waiters raise ``error`` (the client closed,
        or its request never reached the network). The network's side is untouched."""
        with self._lock:
            state = self._projects.pop(project_id.upper(), None)
            listeners = self._listeners.pop(project_id.upper(), ())
            self._views.pop(project_id.upper(), None)
            if state is not None and state.outcome is None and state.detached is None:
                state.detached = error
        if state is not None:
            self._watchdog.forget(state)
        for listener in listeners:
            _call_safely(listener, None)

    def detach_all(self, error: SogniError) -> None:
        """Detach every tracked project (the client is closing)."""
        with self._lock:
            ids = list(self._projects)
        for project_id in ids:
            self.detach(project_id, error)

    # -- listeners ------------------------------------------------------------------------
    def subscribe(self, state: ProjectState, listener: ProjectListener) -> None:
        """Call ``listener`` with each next event of the project (none once it is over)."""
        with self._lock:
            if state.outcome is None and state.detached is None:
                self._listeners[state.id] = (*self._listeners.get(state.id, ()), listener)

    def watch(self, watcher: Watcher) -> Callable[[], None]:
        """Call ``watcher`` after every change of models or connection; returns an unwatch."""
        with self._lock:
            self._watchers.append(watcher)

        def unwatch() -> None:
            with self._lock:
                if watcher in self._watchers:
                    self._watchers.remove(watcher)

        return unwatch

    def notify_watchers(self) -> None:
        """Wake every watcher (models arrived, connection state changed)."""
        with self._lock:
            watchers = list(self._watchers)
        for watcher in watchers:
            _call_safely(watcher)

    # -- intake ---------------------------------------------------------------------------
    def add_route(self, message_types: Iterable[str], handler: Callable[[str, Any], None]) -> None:
        """Send socket events of these types to ``handler(type, payload)`` (on the socket thread).

        Features (chat, subscriptions, balance) register their events here. A ``jobState``
        or ``jobError`` whose ``jobID`` is not a tracked project also goes to its route.
        """
        for message_type in message_types:
            self._routes[message_type] = handler

    def dispatch(self, message_type: str, payload: Any) -> None:
        """Handle one decoded socket event."""
        if message_type in _PROJECT_EVENTS and isinstance(payload, dict):
            if self._dispatch_project(message_type, payload):
                return
        route = self._routes.get(message_type)
        if route is not None:
            route(message_type, payload)
        elif message_type == "swarmModels" and isinstance(payload, dict):
            self._spawn(self._announce_models(payload))

    def set_available_models(self, models: list[Any]) -> None:
        """Replace the available model list and wake watchers."""
        self.ctx.available_models = models
        self.notify_watchers()
        self.events.emit("available_models", list(models))

    def _announce_models(self, counts: dict[str, Any]) -> Plan[None]:
        # The model plans only: every connection announces models, not every one renders.
        from sogni.core.plans.models import available_models_from_counts

        models = yield from available_models_from_counts(self.ctx, counts)
        self.set_available_models(models)

    def _dispatch_project(self, message_type: str, payload: dict[str, Any]) -> bool:
        job_id = payload.get("jobID")
        with self._lock:
            state = self._projects.get(job_id) if isinstance(job_id, str) else None
            if state is None:
                return False
            events = state.handle(message_type, payload)
            pending = state.take_result_requests()
            listeners = self._listeners.get(state.id, ())
        for job in pending:
            self._spawn(_plans().resolve_result_url(self.ctx, state, job))
        for event in events:
            if event.type == "progress" and event.data.get("has_image") and event.job_id:
                job = state.jobs[event.job_id]
                self._spawn(_plans().resolve_preview_url(self.ctx, state, job))
        if events:
            self._deliver(state, events, listeners)
        return True

    def fail_all(self, error: JobError) -> None:
        """Fail every unfinished project, e.g. when the connection is lost for good."""
        with self._lock:
            states = list(self._projects.values())
        for state in states:
            self.apply(state, lambda state=state: state.fail(error))  # type: ignore[misc]

    def _deliver(
        self,
        state: ProjectState,
        events: list[ProjectEvent],
        listeners: tuple[ProjectListener, ...],
    ) -> None:
        for event in events:  # logged first: a waiter may return as soon as it is woken
            _log_event(event)
        for event in events:
            for listener in listeners:
                _call_safely(listener, event)
            self.events.emit("job" if event.job_id else "project", event)
            if event.is_terminal:
                self._forget(state)

    def _forget(self, state: ProjectState) -> None:
        # Finished projects stay reachable through their views; the hub stops routing
        # events to them so that its tables do not grow without bound.
        with self._lock:
            if self._projects.get(state.id) is state:
                del self._projects[state.id]
                self._views.pop(state.id, None)
            self._listeners.pop(state.id, None)
            self.remember_finished(state.id)
        self._watchdog.forget(state)


def _log_event(event: ProjectEvent) -> None:
    """Project milestones at INFO, everything else (progress, previews, ETAs) at DEBUG."""
    level = logging.INFO if event.type in _MILESTONES else logging.DEBUG
    if not projects_log.isEnabledFor(level):
        return
    subject = f"project {event.project_id}" + (f" job {event.job_id}" if event.job_id else "")
    projects_log.log(level, "%s: %s", subject, event.type)


_MILESTONES = frozenset(
    {"queued", "job_started", "job_completed", "job_failed", "completed", "failed", "canceled"}
)


def _call_safely(function: Callable[..., Any], *args: Any) -> None:
    try:
        function(*args)
    except Exception:
        log.exception("a sogni event callback raised")


def _plans() -> ModuleType:
    """The project plans, loaded when the hub first starts one (not when it is imported)."""
    from sogni.core.plans import projects

    return projects
